"""The writing surface: a calm plain-text editor that can take streamed insertions."""

from __future__ import annotations

from PySide6.QtGui import QFont, QTextCursor, QTextOption
from PySide6.QtWidgets import QPlainTextEdit, QWidget


class Editor(QPlainTextEdit):
    """Plain-text editor; streamed continuations land at a fixed spot as one undo step."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        font = QFont("Serif")
        font.setStyleHint(QFont.StyleHint.Serif)
        font.setPointSize(13)
        self.setFont(font)
        self.setTabChangesFocus(False)
        self.document().setDocumentMargin(24)
        self._insert_cursor: QTextCursor | None = None
        self._inserted_any = False

    # --- streamed insertion ---------------------------------------------------------
    def begin_insertion(self) -> None:
        """Start a streamed insertion at the cursor; the writer cannot type over it."""
        cursor = self.textCursor()
        cursor.clearSelection()
        self._insert_cursor = cursor
        self._inserted_any = False
        self.setReadOnly(True)

    def insert_chunk(self, text: str) -> None:
        """Append streamed text; all chunks of one insertion form one undo step."""
        cursor = self._insert_cursor
        if cursor is None or not text:
            return
        if self._inserted_any:
            cursor.joinPreviousEditBlock()
        else:
            cursor.beginEditBlock()
        cursor.insertText(text)
        cursor.endEditBlock()
        self._inserted_any = True
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def end_insertion(self) -> None:
        """Finish the streamed insertion and give the editor back to the writer."""
        self._insert_cursor = None
        self.setReadOnly(False)

    @property
    def inserting(self) -> bool:
        """True while a streamed insertion is in progress."""
        return self._insert_cursor is not None
