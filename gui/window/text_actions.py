"""Edit → Cut, Copy, Paste and Select All: they act on the text field the keyboard is in (the
editor, or a field of a dock) and are enabled when that field can do them. Edit → Undo and
Redo act there too: a dock's text field, else a panel with a history of its own (the story
bible's), else the book (the manuscript, or the binder when it has the keyboard).

A text field takes its own standard keys first (Qt lets it override the window's
shortcuts), so the menu entries and the keys typed in a field never fight.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QGuiApplication, QUndoStack
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

from gui.editor.editor import Editor

TextField = QLineEdit | QPlainTextEdit | QTextEdit
NAMES = ("cut", "copy", "paste", "select_all")


def text_field(widget: QWidget | None) -> TextField | None:
    """`widget` as a text field, or the line edit inside an editable combo box or spin box."""
    if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
        return widget
    inner = widget.focusProxy() if widget is not None else None
    return inner if isinstance(inner, QLineEdit) else None


def _has_selection(field: TextField) -> bool:
    if isinstance(field, QLineEdit):
        return field.hasSelectedText()
    return field.textCursor().hasSelection()


def _writable(field: TextField) -> bool:
    return field.isEnabled() and not field.isReadOnly()


class TextActions(QObject):
    """Follows the keyboard from field to field and keeps the four entries in step."""

    def __init__(self, window: QWidget, editor: Editor) -> None:
        super().__init__(window)
        self.window = window
        self.editor = editor
        self.field: TextField | None = editor
        self.actions: dict[str, QAction] = {}
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_app_focus_changed)
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.dataChanged.connect(self.update)
        self._watch(editor)

    def bind(self, actions: dict[str, QAction]) -> None:
        """The menu's entries, by name ("cut", "copy", "paste", "select_all")."""
        self.actions = {name: actions[name] for name in NAMES if name in actions}
        self.update()

    # --- the entries ----------------------------------------------------------------
    @Slot()
    def cut(self) -> None:
        """Edit → Cut."""
        field = self._field()
        if field is not None and self._locked(field):
            return
        if field is not None and _writable(field):
            field.cut()

    @Slot()
    def copy(self) -> None:
        """Edit → Copy."""
        field = self._field()
        if field is not None:
            field.copy()

    @Slot()
    def paste(self) -> None:
        """Edit → Paste."""
        field = self._field()
        if field is not None and self._locked(field):
            return
        if field is not None and _writable(field):
            field.paste()

    @Slot()
    def select_all(self) -> None:
        """Edit → Select All."""
        field = self._field()
        if field is not None:
            field.selectAll()

    def undo(self, elsewhere: Callable[[], None]) -> None:
        """Edit → Undo where the keyboard is (see the module's note); `elsewhere` is the book's."""
        self._step(elsewhere, redo=False)

    def redo(self, elsewhere: Callable[[], None]) -> None:
        """Edit → Redo, the same way."""
        self._step(elsewhere, redo=True)

    def _step(self, elsewhere: Callable[[], None], redo: bool) -> None:
        focus = QApplication.focusWidget()
        field = text_field(focus)
        if field is not None and field is not self.editor and field.window() is self.window:
            (field.redo if redo else field.undo)()
            return
        stack = _own_history(focus, self.window)
        if stack is not None:
            (stack.redo if redo else stack.undo)()
            return
        elsewhere()

    def _locked(self, field: TextField) -> bool:
        """A locked editor says why it cannot be written to, as it does for typing."""
        if field is self.editor and self.editor.locked_reason:
            self.editor.typed_while_locked.emit(self.editor.locked_reason)
            return True
        return False

    # --- following the keyboard -----------------------------------------------------
    def _field(self) -> TextField | None:
        field = self.field
        try:
            if field is None or not field.isVisible() or field.window() is not self.window:
                return None
        except RuntimeError:  # the field was deleted with its dock or its page
            self.field = None
            return None
        return field

    @Slot(object, object)
    def _on_app_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None or new.window() is not self.window:
            return  # another window, or none: keep the field the keyboard will come back to
        field = text_field(new)
        if field is not self.field:
            self.field = field
            if field is not None:
                self._watch(field)
        self.update()

    def _watch(self, field: TextField) -> None:
        """Selections and read-only changes in `field` re-enable the entries."""
        if field.property("inkling_edit_watched"):
            return
        field.setProperty("inkling_edit_watched", True)
        field.selectionChanged.connect(self.update)
        if isinstance(field, QPlainTextEdit | QTextEdit):
            field.copyAvailable.connect(self.update)

    @Slot()
    def update(self) -> None:
        """Enable each entry when the field the keyboard is in can do it."""
        if not self.actions:
            return
        field = self._field()
        selected = field is not None and _has_selection(field)
        writable = field is not None and _writable(field)
        clipboard = QGuiApplication.clipboard()
        mime = clipboard.mimeData() if clipboard is not None else None
        pasteable = mime is not None and mime.hasText()
        states = {
            "cut": selected and writable,
            "copy": selected,
            "paste": writable and pasteable,
            "select_all": field is not None,
        }
        for name, act in self.actions.items():
            act.setEnabled(states[name])


def _own_history(widget: QWidget | None, window: QWidget) -> QUndoStack | None:
    """The undo history of the panel `widget` is in, when that panel keeps one (`undo_stack`)."""
    while widget is not None and widget is not window:
        stack = getattr(widget, "undo_stack", None)
        if isinstance(stack, QUndoStack):
            return stack
        widget = widget.parentWidget()
    return None
