"""Sizes that fit the screen a window opens on."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

SHARE = 0.9  # of the screen's free area a window may take at most


def fitted_size(widget: QWidget, width: int, height: int) -> QSize:
    """`width` x `height`, made smaller where the screen (less its panels) is smaller: a
    dialog that suits 1920x1080 must not run off a 1366x768 screen."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(width, height)
    free = screen.availableGeometry()
    return QSize(min(width, int(free.width() * SHARE)), min(height, int(free.height() * SHARE)))


def fit_on_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize a window to `width` x `height` (see fitted_size) and move it, if need be, so
    that all of it is on the screen it is on: a dock floated from the right edge opened with
    half of it past the edge."""
    size = fitted_size(widget, width, height)
    widget.resize(size)
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    free = screen.availableGeometry()
    frame = widget.frameGeometry()
    x = max(free.left(), min(frame.x(), free.right() + 1 - frame.width()))
    y = max(free.top(), min(frame.y(), free.bottom() + 1 - frame.height()))
    if (x, y) != (frame.x(), frame.y()):
        widget.move(x, y)
