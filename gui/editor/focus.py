"""Focus mode (F11): full screen, only the text in a centred column of about 70
characters, optional typewriter scrolling; Esc or F11 leaves."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QToolBar, QWidget

from gui.editor.editor import Editor

FOCUS_COLUMN = 70


class FocusMode(QObject):
    """Hides everything but the editor, and puts it all back on leaving."""

    toggled = Signal(bool)

    def __init__(self, window: QMainWindow, editor: Editor) -> None:
        super().__init__(window)
        self.window = window
        self.editor = editor
        self.active = False
        self.typewriter = True
        self.normal_column = 0
        self._hidden: list[QWidget] = []
        self._was_full_screen = False
        editor.installEventFilter(self)

    def toggle(self) -> None:
        """F11."""
        self.leave() if self.active else self.enter()

    def enter(self) -> None:
        """Only the text, full screen."""
        if self.active:
            return
        self.active = True
        widgets: list[QWidget] = [self.window.menuBar(), self.window.statusBar()]
        widgets += self.window.findChildren(QToolBar)
        widgets += self.window.findChildren(QDockWidget)
        self._hidden = [w for w in widgets if w.isVisible()]
        for widget in self._hidden:
            widget.hide()
        self._was_full_screen = self.window.isFullScreen()
        self.window.showFullScreen()
        self.editor.set_column(FOCUS_COLUMN)
        self.editor.set_typewriter(self.typewriter)
        self.editor.setFocus()
        self.toggled.emit(True)

    def leave(self) -> None:
        """Back to the window as it was."""
        if not self.active:
            return
        self.active = False
        for widget in self._hidden:
            widget.show()
        self._hidden = []
        if not self._was_full_screen:
            self.window.showNormal()
        self.editor.set_typewriter(False)
        self.editor.set_column(self.normal_column)
        self.toggled.emit(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Esc leaves focus mode, unless it is dismissing a suggestion."""
        if (
            self.active
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and not self.editor.ghost_text
        ):
            self.leave()
            return True
        return super().eventFilter(watched, event)
