"""A book as Markdown or plain text, the same chapters, parts and scene breaks as DOCX and
EPUB."""

from __future__ import annotations

import re

from backend.formats.book import Book, BookChapter, runs

_SURROGATE = re.compile("[\ud800-\udfff]")  # a lone one has no UTF-8 form


def markdown_bytes(book: Book) -> bytes:
    """The book as Markdown: # title, ## chapters, *** between scenes."""
    out = [f"# {book.title}", ""]
    if book.author:
        out += [f"*{book.byline()}*", ""]
    for chapter in book.chapters:
        if chapter.part and _opens_part(book, chapter):
            out += [f"# {chapter.part}", ""]
        out += [f"## {chapter.title}", ""]
        for i, scene in enumerate(chapter.scenes):
            if i:
                out += ["***", ""]
            for paragraph in scene:
                out += [paragraph, ""]
    return _utf8("\n".join(out).rstrip() + "\n")


def text_bytes(book: Book) -> bytes:
    """The book as plain text: emphasis markers removed, * * * between scenes."""
    out = [book.title.upper(), ""]
    if book.author:
        out += [book.byline(), ""]
    for chapter in book.chapters:
        if chapter.part and _opens_part(book, chapter):
            out += ["", chapter.part.upper(), ""]
        out += ["", chapter.title, ""]
        for i, scene in enumerate(chapter.scenes):
            if i:
                out += ["* * *", ""]
            for paragraph in scene:
                out += ["".join(r.text for r in runs(paragraph)), ""]
    return _utf8("\n".join(out).rstrip() + "\n")


def _utf8(text: str) -> bytes:
    return _SURROGATE.sub("", text).encode("utf-8")


def _opens_part(book: Book, chapter: BookChapter) -> bool:
    index = book.chapters.index(chapter)
    return index == 0 or book.chapters[index - 1].part != chapter.part
