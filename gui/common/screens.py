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
