"""Exporting a book: the writer for the format a file name asks for, written atomically.

The writers import the book model (book.py), never this module: DOCX and EPUB are loaded
only when a book is written in them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from backend.formats.book import Book, ExportError
from backend.formats.text_out import markdown_bytes, text_bytes
from backend.storage.atomic import SaveError, atomic_write_bytes

FORMATS = ("docx", "epub", "md", "txt")


def write_book(book: Book, target: Path) -> None:
    """Write the book in the format its file name asks for, atomically."""
    kind = target.suffix.lower().lstrip(".")
    if kind not in FORMATS:
        raise ExportError(f"Inkling exports .docx, .epub, .md and .txt, not “{target.suffix}”.")
    if target.is_dir():
        raise ExportError(f"{target} is a folder; choose a file name.")
    writer: Callable[[Book], bytes]
    if kind == "docx":
        from backend.formats.docx_out import docx_bytes as writer
    elif kind == "epub":
        from backend.formats.epub_out import epub_bytes as writer
    elif kind == "md":
        writer = markdown_bytes
    else:
        writer = text_bytes
    try:
        atomic_write_bytes(target, writer(book), backup=False)
    except SaveError as exc:
        raise ExportError(str(exc)) from exc
