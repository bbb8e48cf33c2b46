"""The writing surface: a calm plain-text editor with inline ghost-text suggestions.

Ghost text is drawn through the block layout's pre-edit area (the mechanism input methods
use for uncommitted text): it sits inline at the cursor in the editor's own font, wraps
with the paragraph, and never touches the document or its undo stack until accepted.

Because an input method (pinyin, wubi, Japanese, Korean, a dead key) draws its own
composition in that same area, the ghost steps aside while a composition is open and no
suggestion is asked for; the committed text then counts as typed, so committing the
ghost's next word keeps the rest of it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QInputMethodEvent,
    QKeyEvent,
    QKeySequence,
    QPalette,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QPlainTextDocumentLayout, QWidget

from backend.storage.settings import DEFAULT_HOTKEYS
from backend.text.words import next_word
from gui.common.theme import writing_font
from gui.editor.column import DOCUMENT_MARGIN, ColumnPage
from gui.editor.positions import draft_display, edit_document, python_index, qt_position

# Positions and edits are used with the editor everywhere; they live in positions.py.
__all__ = ["Editor", "edit_document", "new_text_document", "python_index", "qt_position"]

_MODIFIER_KEYS = {
    Qt.Key.Key_Control,
    Qt.Key.Key_Shift,
    Qt.Key.Key_Alt,
    Qt.Key.Key_Meta,
    Qt.Key.Key_AltGr,
    Qt.Key.Key_CapsLock,
}
# Dead keys (´ ` ^ ¨ …) and the Compose key start a character; they type nothing yet.
_DEAD_KEYS = range(Qt.Key.Key_Dead_Grave.value, Qt.Key.Key_Dead_Longsolidusoverlay.value + 1)
_COMPOSE_KEYS = {Qt.Key.Key_Multi_key.value, *_DEAD_KEYS}


def new_text_document(parent: QObject) -> QTextDocument:
    """A plain-text document with the editor's margin already set: set later, Qt would
    count the margin as an edit."""
    document = QTextDocument(parent)
    document.setDocumentLayout(QPlainTextDocumentLayout(document))
    document.setDocumentMargin(DOCUMENT_MARGIN)
    document.clearUndoRedoStacks()  # a new, empty document: that "edit" is not the writer's
    document.setModified(False)
    return document


def _edits_text(event: QKeyEvent) -> bool:
    """True for a key that would type or delete text (not a move, a copy or a shortcut)."""
    if event.key() in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete, Qt.Key.Key_Return,
                       Qt.Key.Key_Enter, Qt.Key.Key_Tab):  # fmt: skip
        return True
    if event.matches(QKeySequence.StandardKey.Paste) or event.matches(QKeySequence.StandardKey.Cut):
        return True
    command = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    text = event.text()
    return bool(text) and text.isprintable() and not event.modifiers() & command


class Editor(ColumnPage):
    """Plain-text editor with ghost text; streamed continuations land as one undo step."""

    ghost_accepted = Signal(str)
    ghost_dismissed = Signal()
    suggestion_requested = Signal()
    alternative_requested = Signal(int)
    typed_through = Signal(str)
    # An input method's composition opened (True) or closed (False).
    composing_changed = Signal(bool)
    # The shown document's contentsChange, followed across scene switches.
    contents_changed = Signal(int, int, int)
    document_replaced = Signal()
    # The shown text became read-only for a reason ('' when it is the writer's again).
    locked_changed = Signal(str)
    # The writer typed into a text that is read-only (the reason is shown again).
    typed_while_locked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.column_chars, self._clear_below = 0, 0
        self.typewriter = False
        # A document the editor does not own (Qt deletes its default one on setDocument),
        # so plain texts keep theirs while scenes come and go.
        self.setDocument(new_text_document(self))
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setFont(writing_font("Serif", 13))
        self._update_minimum_width()
        self._insert_cursor: QTextCursor | None = None
        self._inserted_any = False
        self._inserted = ""
        self._ghost = ""
        self._ghost_pos = -1
        self._ghost_block_pos = -1
        self.typing_through = False
        self._composing = False
        self._held_ghost = ""  # the ghost hidden while a composition is open
        self.locked_reason = ""  # why the shown text is read-only ('' when it is not)
        self.keys = {name: QKeySequence(seq) for name, seq in DEFAULT_HOTKEYS.items()}
        self.cursorPositionChanged.connect(self._on_self_cursor_moved)
        self.selectionChanged.connect(self._on_self_selection_changed)
        self.document().contentsChange.connect(self.contents_changed)

    # --- documents, column and scrolling --------------------------------------------
    def show_document(self, document: QTextDocument) -> None:
        """Show another document (a scene); its undo history and cursor come with it."""
        if document is self.document():
            return
        self.clear_ghost()
        self.document().contentsChange.disconnect(self.contents_changed)
        if not isinstance(document.documentLayout(), QPlainTextDocumentLayout):
            document.setDocumentLayout(QPlainTextDocumentLayout(document))
        # Qt counts a new margin as an edit (and an undo step): documents made with
        # new_text_document already have it, so showing one never modifies it.
        document.setDocumentMargin(DOCUMENT_MARGIN)
        document.setDefaultFont(self.font())
        self.setDocument(document)
        document.contentsChange.connect(self.contents_changed)
        self.setExtraSelections([])
        self.document_replaced.emit()

    def set_locked(self, reason: str) -> None:
        """Make the shown text read-only for `reason` ('' gives it back to the writer).

        Kept apart from the read-only state a streamed insertion uses, so the end of a
        continuation never unlocks a text that must not be written to.
        """
        self.locked_reason = reason
        self.setReadOnly(bool(reason) or self.inserting)
        if reason:
            self.clear_ghost()
        self.locked_changed.emit(reason)

    def set_typewriter(self, on: bool) -> None:
        """Typewriter scrolling: the line being written stays at the middle of the view."""
        self.typewriter = on
        self.setCenterOnScroll(on)
        if on:
            self.centerCursor()

    # --- ghost text -----------------------------------------------------------------
    @property
    def ghost_text(self) -> str:
        """The suggestion currently shown at the cursor ('' when none)."""
        return self._ghost

    def show_ghost(self, text: str) -> None:
        """Show `text` as ghost text at the cursor (replacing any previous one)."""
        self._remove_preedit()
        blocked = self._composing or self.textCursor().hasSelection() or self.isReadOnly()
        if not text or blocked:
            self._ghost = ""
            self._ghost_pos = -1
            return
        cursor = self.textCursor()
        self._paint_preedit(cursor, text)
        self._ghost = text
        self._ghost_pos = cursor.position()

    def show_draft(self, text: str) -> None:
        """Show the sentence a continuation is writing, in ghost colour after what it has
        inserted, until the sentence is kept (inserted) or replaced by another try."""
        self._remove_preedit()
        cursor = self._insert_cursor
        if cursor is None or not text or cursor.hasSelection():
            return
        self._paint_preedit(cursor, text)

    def _paint_preedit(self, cursor: QTextCursor, text: str) -> None:
        block = cursor.block()
        offset = cursor.position() - block.position()
        display = draft_display(text)
        layout = block.layout()
        layout.setPreeditArea(offset, display)
        fmt = QTextCharFormat()
        fmt.setForeground(self._ghost_colour())
        span = QTextLayout.FormatRange()
        span.start = offset
        span.length = len(display)
        span.format = fmt
        layout.setFormats([span])
        self._ghost_block_pos = block.position()
        self._relayout(block.position(), block.length())

    def clear_ghost(self) -> None:
        """Hide the ghost text."""
        if self._ghost or self._ghost_pos != -1:
            self._remove_preedit()
            self._ghost = ""
            self._ghost_pos = -1

    def accept_ghost(self, text: str | None = None) -> str:
        """Insert all of the ghost text (or `text`, a prefix of it) as one undo step."""
        if not self._ghost:
            return ""
        take = self._ghost if text is None else text
        rest = self._ghost[len(take) :]
        self.clear_ghost()
        cursor = self.textCursor()
        cursor.beginEditBlock()
        cursor.insertText(take)
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        self.ghost_accepted.emit(take)
        if rest:
            self.show_ghost(rest)
        return take

    def accept_next_word(self) -> str:
        """Insert the ghost text's next word (with the space before it; one Chinese word as
        the segmenter cuts it)."""
        return self.accept_ghost(next_word(self._ghost))

    def _ghost_colour(self) -> QColor:
        text = self.palette().color(QPalette.ColorRole.Text)
        base = self.palette().color(QPalette.ColorRole.Base)
        return QColor(
            (text.red() + base.red() * 2) // 3,
            (text.green() + base.green() * 2) // 3,
            (text.blue() + base.blue() * 2) // 3,
        )

    def _remove_preedit(self) -> None:
        if self._ghost_block_pos < 0:
            return
        block = self.document().findBlock(self._ghost_block_pos)
        self._ghost_block_pos = -1
        if block.isValid():
            layout = block.layout()
            layout.setPreeditArea(-1, "")
            layout.clearFormats()
            self._relayout(block.position(), block.length())

    def _relayout(self, position: int, length: int) -> None:
        self.document().markContentsDirty(position, length)
        self.viewport().update()

    def _on_self_cursor_moved(self) -> None:
        if self.typewriter:
            self.centerCursor()
        if self._ghost and self.textCursor().position() != self._ghost_pos:
            self.clear_ghost()
            self.ghost_dismissed.emit()

    def _on_self_selection_changed(self) -> None:
        if self._ghost and self.textCursor().hasSelection():
            self.clear_ghost()
            self.ghost_dismissed.emit()

    # --- keys -----------------------------------------------------------------------
    def _matches(self, event: QKeyEvent, name: str) -> bool:
        pressed = QKeySequence(event.keyCombination())
        return pressed.matches(self.keys[name]) == QKeySequence.SequenceMatch.ExactMatch

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Suggestion hotkeys first; typing that matches the ghost keeps it."""
        if self.locked_reason and _edits_text(event):
            # Qt ignores typing in a read-only editor without a sign; say why instead.
            self.typed_while_locked.emit(self.locked_reason)
        if self._matches(event, "request"):
            self.suggestion_requested.emit()
            return
        if event.key() in _MODIFIER_KEYS or event.key() in _COMPOSE_KEYS:
            # Pressing Ctrl alone, or a dead key that waits for its letter, dismisses nothing.
            super().keyPressEvent(event)
            return
        if self._ghost:
            if self._matches(event, "accept"):
                self.accept_ghost()
                return
            if self._matches(event, "accept_word"):
                self.accept_next_word()
                return
            if self._matches(event, "dismiss"):
                self.clear_ghost()
                self.ghost_dismissed.emit()
                return
            if self._matches(event, "next"):
                self.alternative_requested.emit(1)
                return
            if self._matches(event, "previous"):
                self.alternative_requested.emit(-1)
                return
            typed = event.text()
            plain = not event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
            )
            if typed and plain and typed.isprintable() and self._ghost.startswith(typed):
                self._type_through(
                    self._ghost, typed, lambda: super(Editor, self).keyPressEvent(event)
                )
                return
            self.clear_ghost()
            self.ghost_dismissed.emit()
        elif self._matches(event, "next") or self._matches(event, "previous"):
            self.alternative_requested.emit(1 if self._matches(event, "next") else -1)
            return  # with no suggestion shown, the controller says so
        super().keyPressEvent(event)

    def _type_through(self, ghost: str, typed: str, insert: Callable[[], None]) -> None:
        """Insert `typed` (a prefix of `ghost`) as the writer's own; the rest of the ghost stays."""
        rest = ghost[len(typed) :]
        self.clear_ghost()
        self.typing_through = True
        try:
            insert()
        finally:
            self.typing_through = False
        if rest:
            self.show_ghost(rest)
        self.typed_through.emit(typed)

    # --- input methods --------------------------------------------------------------
    @property
    def composing(self) -> bool:
        """True while an input method has uncommitted (pre-edit) text."""
        return self._composing

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        """Hide the ghost while a composition is open; a commit counts as typing."""
        preedit, commit = event.preeditString(), event.commitString()
        if preedit and not self._composing:
            self._held_ghost = self._ghost
            if self._ghost:
                self.clear_ghost()  # hidden, not dismissed: a commit may still match it
            self._set_composing(True)
        if preedit:
            super().inputMethodEvent(event)
            return
        held = self._held_ghost if self._composing else self._ghost
        self._held_ghost = ""
        was_composing = self._composing
        self._set_composing(False)
        if commit and held.startswith(commit) and event.replacementLength() == 0:
            self._type_through(held, commit, lambda: super(Editor, self).inputMethodEvent(event))
            return
        if commit and held:
            self.clear_ghost()
            self.ghost_dismissed.emit()
        super().inputMethodEvent(event)
        if not commit and was_composing and held:
            self.show_ghost(held)  # the composition was cancelled: nothing changed

    def _set_composing(self, on: bool) -> None:
        if on != self._composing:
            self._composing = on
            self.composing_changed.emit(on)

    # --- reading without copying the whole document ---------------------------------
    def text_range(self, start: int, end: int) -> str:
        """Plain text between two positions, without copying the whole document."""
        doc = self.document()
        end = min(end, doc.characterCount() - 1)
        if end <= start:
            return ""
        cursor = QTextCursor(doc)
        cursor.setPosition(max(0, start))
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        return cursor.selectedText().replace("\u2029", "\n").replace("\u2028", "\n")

    def char_before(self, position: int) -> str:
        """The character before `position` ('' at the start)."""
        if position <= 0:
            return ""
        ch = self.document().characterAt(position - 1)
        return "\n" if ch in ("\u2029", "\u2028") else ch

    # --- streamed insertion ---------------------------------------------------------
    def begin_insertion(self) -> None:
        """Start a streamed insertion at the cursor, replacing the selection if there is one.

        The writer cannot type over it; the whole insertion (and the replaced text) is one
        undo step. Nothing changes until the first chunk arrives.
        """
        self.clear_ghost()
        self._insert_cursor = QTextCursor(self.textCursor())
        self._inserted_any = False
        self._inserted = ""
        self.setReadOnly(True)

    def insert_chunk(self, text: str) -> None:
        """Append streamed text; all chunks of one insertion form one undo step."""
        cursor = self._insert_cursor
        if cursor is None or not text:
            return
        self._remove_preedit()  # a draft of this text, if one is showing
        if self._inserted_any:
            cursor.joinPreviousEditBlock()
        else:
            cursor.beginEditBlock()
            if cursor.hasSelection():
                cursor.removeSelectedText()
        cursor.insertText(text)
        cursor.endEditBlock()
        self._inserted_any = True
        self._inserted += text
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def end_insertion(self) -> None:
        """Finish the streamed insertion and give the editor back to the writer."""
        self._remove_preedit()
        self._insert_cursor = None
        self.setReadOnly(bool(self.locked_reason))

    def insertion_position(self) -> int:
        """Where the running insertion starts."""
        c = self._insert_cursor
        return c.selectionStart() if c is not None else self.textCursor().position()

    def inserted_text(self) -> str:
        """What the last streamed insertion put into the document."""
        return self._inserted

    def select_range(self, start: int, end: int) -> None:
        """Select [start, end)."""
        cursor = self.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def replace_range(self, start: int, end: int, text: str) -> None:
        """Replace [start, end) with `text` as one undo step; the cursor ends after it.
        Nothing changes in a locked text."""
        if self.locked_reason:
            self.typed_while_locked.emit(self.locked_reason)
            return
        self.clear_ghost()
        cursor = self.textCursor()
        cursor.beginEditBlock()
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(text)
        cursor.endEditBlock()
        self.setTextCursor(cursor)

    @property
    def inserting(self) -> bool:
        """True while a streamed insertion is in progress."""
        return self._insert_cursor is not None
