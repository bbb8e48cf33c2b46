"""EPUB 3 through ebooklib: one XHTML file per chapter, a navigation document and NCX,
title, author and language metadata, and a small stylesheet."""

from __future__ import annotations

import io
import uuid

from ebooklib import epub

from backend.formats.book import Book, chapter_html, xml_book

CSS = """body { font-family: serif; line-height: 1.5; }
h1, h2 { text-align: center; margin: 2em 0 1em; page-break-before: always; }
p { text-indent: 1.5em; margin: 0; }
p.first, p.scene-break { text-indent: 0; }
p.scene-break { text-align: center; margin: 1em 0; }
"""


def epub_bytes(book: Book) -> bytes:
    """The book as an .epub file (text XML cannot hold is left out, see xml_book)."""
    book = xml_book(book)
    e = epub.EpubBook()
    e.set_identifier(f"urn:uuid:{uuid.uuid4()}")
    e.set_title(book.title)
    e.set_language(book.language)
    if book.author:
        e.add_author(book.author)
    style = epub.EpubItem(uid="style", file_name="style.css", media_type="text/css", content=CSS)
    e.add_item(style)
    items = []
    last_part = ""
    for n, chapter in enumerate(book.chapters, 1):
        part = chapter.part if chapter.part and chapter.part != last_part else ""
        last_part = chapter.part
        item = epub.EpubHtml(
            title=chapter.title, file_name=f"chapter_{n:03d}.xhtml", lang=book.language
        )
        item.content = chapter_html(chapter, part)
        item.add_item(style)
        e.add_item(item)
        items.append(item)
    e.toc = items
    e.add_item(epub.EpubNcx())
    nav = epub.EpubNav()
    nav.add_item(style)
    e.add_item(nav)
    e.spine = ["nav", *items]
    out = io.BytesIO()
    epub.write_epub(out, e, {})
    return out.getvalue()
