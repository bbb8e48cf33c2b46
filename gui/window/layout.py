"""Where the main window sits and how its docks are laid out: a generous share of the
screen on the first run, and afterwards the place, size and docks the writer left, kept in
the state file (a damaged or foreign value is ignored)."""

from __future__ import annotations

import base64
import binascii
import logging

from PySide6.QtCore import QByteArray, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow

from backend.storage.state import StateStore

log = logging.getLogger(__name__)

FIRST_RUN_SHARE = 0.85
SMALL_SCREEN = QSize(1280, 800)
# Bump when the docks change so much that an old layout should not be restored.
LAYOUT_VERSION = 1
# saveGeometry and saveState are a few hundred bytes; anything far bigger is not theirs.
MAX_LAYOUT_CHARS = 64 * 1024


def _kept_bytes(value: object) -> QByteArray | None:
    """A kept base64 value as bytes, or None when it is missing, foreign or damaged."""
    if not isinstance(value, str) or not value or len(value) > MAX_LAYOUT_CHARS:
        return None
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        return None
    return QByteArray(raw) if raw else None


def restore_layout(window: QMainWindow, state: StateStore) -> None:
    """The window's last place and size and where its docks were; on the first run (or
    when what was kept is unusable), a generous share of the screen."""
    geometry = _kept_bytes(state.get("window_geometry"))
    if geometry is None or not window.restoreGeometry(geometry):
        first_run_geometry(window)
    docks = _kept_bytes(state.get("window_state"))
    if docks is not None and not window.restoreState(docks, LAYOUT_VERSION):
        log.info("the kept dock layout was not used")


def first_run_geometry(window: QMainWindow) -> None:
    """A generous share of the screen, centred; maximised on a small screen."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        window.resize(1200, 800)
        return
    available = screen.availableGeometry()
    if available.width() < SMALL_SCREEN.width() or available.height() < SMALL_SCREEN.height():
        window.setGeometry(available)
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
        return
    size = available.size() * FIRST_RUN_SHARE
    window.resize(size)
    frame = QRect(QPoint(0, 0), size)
    frame.moveCenter(available.center())
    window.move(frame.topLeft())


def keep_layout(window: QMainWindow, state: StateStore) -> None:
    """Remember the window's place and size and its docks for the next start."""
    for key, data in (
        ("window_geometry", window.saveGeometry()),
        ("window_state", window.saveState(LAYOUT_VERSION)),
    ):
        state.set(key, bytes(data.toBase64().data()).decode("ascii"))
