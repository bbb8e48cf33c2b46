"""Positions in a text as Python counts them (code points) and as Qt does (UTF-16 units),
and edits applied to a document as one undo step; what of a draft fits at the cursor."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor, QTextDocument

_BMP_END = "\U00010000"


def qt_position(text: str, index: int) -> int:
    """A Python string index in `text` as a Qt (UTF-16) position."""
    head = text[:index]
    if not head or max(head) < _BMP_END:
        return index
    return index + sum(1 for c in head if c >= _BMP_END)


def python_index(text: str, position: int) -> int:
    """A Qt (UTF-16) position in `text` as a Python string index."""
    if not text or max(text) < _BMP_END:
        return position
    units = 0
    for index, char in enumerate(text):
        if units >= position:
            return index
        units += 2 if char >= _BMP_END else 1
    return len(text)


def edit_document(document: QTextDocument, edits: list[tuple[int, int, str]]) -> None:
    """Replace ranges (in order, Qt positions) of `document` as one undo step."""
    cursor = QTextCursor(document)
    cursor.beginEditBlock()
    for start, end, new in reversed(edits):
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(new)
    cursor.endEditBlock()


PARAGRAPH_MARK = "\u00b6 "  # a pilcrow: what follows will start a new paragraph


def draft_display(text: str) -> str:
    """What of a continuation's draft shows at the cursor: its first line. A draft that opens
    a new paragraph shows its first words after a pilcrow (the grey text cannot break the
    line), so the writer sees words as soon as there are any."""
    body = text.lstrip("\n")
    line = body.split("\n", 1)[0]
    if body == text:
        return line
    return PARAGRAPH_MARK + line if line.strip() else ""
