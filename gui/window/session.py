"""The session around the window: hot exit on a polite kill or logout, and recovery.

A desktop session ends an application with SIGTERM (or SIGHUP when its terminal goes), and
Qt's session manager asks it to commit its data at logout. Neither may wait for a modal
"Save changes?" dialog: Inkling keeps the unsaved work in its recovery file instead (with
the story bible and style that go with it), releases its locks, closes the model and
exits, and the next start offers the work back as after a crash. Quit from the menu still
asks. Signals reach the Qt event loop through a wake-up socket, so they are handled at
once even while Qt waits, with no polling timer.

On Linux a logout usually gives no notice at all: Qt for Python's X11 plugin has no
session-manager support, so the first sign is the X server going away, and Qt then ends
the event loop with status 1. `gui.window.app.run_event_loop` keeps the work in that case too.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, QTimer
from PySide6.QtGui import QGuiApplication, QSessionManager

from backend.storage.recovery import StoryState
from backend.story.style.model import Style, StyleError
from gui.story.bible import BiblePanel
from gui.story.style import StylePanel

log = logging.getLogger(__name__)

# SIGHUP does not exist on Windows.
HOT_EXIT_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name)
)


def story_state(bible: BiblePanel, style_panel: StylePanel) -> StoryState:
    """What the docks hold for the open text: kept with it in the recovery file."""
    return StoryState(
        characters=[dict(e) for e in bible.characters],
        background=[dict(e) for e in bible.background],
        premise=bible.premise.text(),
        genre=bible.genre.text(),
        style=dict(style_panel.current_style().to_dict()),
        authors_note=style_panel.authors_note.text(),
        style_on=style_panel.enabled.isChecked(),
    )


def apply_story_state(state: StoryState, bible: BiblePanel, style_panel: StylePanel) -> None:
    """Show a recovered StoryState in the docks (a style not understood is reported)."""
    bible.bind([dict(e) for e in state.characters], [dict(e) for e in state.background])
    bible.premise.setText(state.premise)
    bible.genre.setText(state.genre)
    style_panel.authors_note.setText(state.authors_note)
    style_panel.enabled.setChecked(state.style_on)
    if not state.style:
        return
    try:
        style_panel.set_style(Style.from_mapping(state.style))
    except StyleError as exc:
        message = QCoreApplication.translate(
            "MainWindow", "The story's style was not understood: {0}"
        )
        style_panel.status.emit(message.format(exc))


class SessionGuard(QObject):
    """Turns SIGTERM, SIGHUP, SIGINT and a session logout into the window's hot exit."""

    def __init__(self, app: QGuiApplication, hot_exit: Callable[[], bool]) -> None:
        super().__init__(app)
        self._hot_exit = hot_exit
        self._done = False
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)
        for sig in HOT_EXIT_SIGNALS:
            # The Python handler only has to exist: the wake-up byte does the work.
            signal.signal(sig, self._note_signal)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_notifier_activated)
        app.commitDataRequest.connect(self._on_app_commit_data_request)

    def _note_signal(self, signum: int, _frame: Any) -> None:
        log.info("signal %s: hot exit", signal.Signals(signum).name)

    def _on_notifier_activated(self, *_args: object) -> None:
        with contextlib.suppress(OSError):
            while self._reader.recv(64):
                pass
        QTimer.singleShot(0, self.exit_now)

    def _on_app_commit_data_request(self, manager: QSessionManager) -> None:
        # No dialog at logout: the work is kept for the next start instead.
        log.info("session ends: hot exit")
        manager.release()
        self.exit_now()

    def exit_now(self) -> None:
        """Keep the work, close the model, leave the event loop (once)."""
        if self._done:
            return
        self._done = True
        if not self._hot_exit():
            # The model thread is stuck in a long native call; the work is already safe.
            log.warning("the model did not stop in time; exiting anyway")
            logging.shutdown()
            os._exit(0)
        QGuiApplication.quit()
