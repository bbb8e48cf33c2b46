"""A book ready to export: chosen chapters as paragraphs, with inline emphasis parsed.

The editor holds light Markdown; every format renders the same `BookChapter`s, so DOCX,
EPUB, Markdown and plain text agree on order, headings, scene breaks and emphasis.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from backend.story.project import Story
from backend.text.counts import word_count
from backend.text.language import detect_language

_EMPHASIS = re.compile(
    r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\3(?![\w*])"
)
_HEADING = re.compile(r"^#{1,6}\s+")
# A form feed (a page break in text pasted from a PDF) or a vertical tab (a line break in
# text copied out of Word) ends a paragraph as a new line does.
_PARAGRAPH_BREAK = re.compile("[\n\f\v]")
# What XML 1.0 cannot hold: C0 controls other than tab, line feed and carriage return, the
# non-characters U+FFFE and U+FFFF, and lone surrogates. python-docx and ebooklib refuse
# (or write unreadable files for) text holding any of them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class ExportError(ValueError):
    """The export cannot be made as asked; the message is for the writer."""


@dataclass(frozen=True)
class Run:
    """A stretch of text with its emphasis."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class BookChapter:
    """One chapter to export: title, the part it opens, scenes as lists of paragraphs."""

    number: int
    title: str
    part: str = ""
    scenes: list[list[str]] = field(default_factory=list)


@dataclass
class Book:
    """What an export writes."""

    title: str
    author: str
    language: str
    chapters: list[BookChapter]

    @property
    def words(self) -> int:
        """Words in the exported chapters (a Chinese character counts as one)."""
        return sum(word_count(p) for c in self.chapters for s in c.scenes for p in s)

    @property
    def chinese(self) -> bool:
        """A Chinese book: its title page speaks Chinese."""
        return self.language.lower().startswith("zh")

    def byline(self) -> str:
        """'by Author', or a Chinese book's 'Author 著'."""
        return f"{self.author} 著" if self.chinese else f"by {self.author}"

    def length(self, rounded: int) -> str:
        """'About 1,900 words', or a Chinese book's '约 1,900 字' (characters)."""
        return f"约 {rounded:,} 字" if self.chinese else f"About {rounded:,} words"


def runs(paragraph: str) -> list[Run]:
    """Split a paragraph at **bold** and *italic* markers."""
    out: list[Run] = []
    last = 0
    for match in _EMPHASIS.finditer(paragraph):
        if match.start() > last:
            out.append(Run(paragraph[last : match.start()]))
        if match.group(1):
            out.append(Run(match.group(2), bold=True))
        else:
            out.append(Run(match.group(4), italic=True))
        last = match.end()
    if last < len(paragraph):
        out.append(Run(paragraph[last:]))
    return out


def paragraphs(text: str) -> list[str]:
    """Each non-empty line is a paragraph (Markdown heading markers dropped); a form feed
    or a vertical tab ends a line too."""
    lines = _PARAGRAPH_BREAK.split(text)
    return [_HEADING.sub("", line.strip()) for line in lines if line.strip()]


def xml_text(text: str) -> str:
    """`text` with what XML 1.0 cannot hold taken out: a form feed or a vertical tab
    becomes a space, any other such character is dropped."""
    return _NOT_XML.sub(_xml_replacement, text)


def _xml_replacement(match: re.Match[str]) -> str:
    return " " if match.group() in "\f\v" else ""


def xml_book(book: Book) -> Book:
    """A copy of `book` whose every text can go into XML, for the DOCX and EPUB writers:
    title, author, language, parts, chapter titles and paragraphs."""
    chapters = []
    for chapter in book.chapters:
        scenes = []
        for scene in chapter.scenes:
            pieces = (piece for text in scene for piece in _PARAGRAPH_BREAK.split(text))
            cleaned = [xml_text(piece).strip() for piece in pieces]
            if any(cleaned):
                scenes.append([p for p in cleaned if p])
        chapters.append(
            BookChapter(chapter.number, xml_text(chapter.title), xml_text(chapter.part), scenes)
        )
    return Book(xml_text(book.title), xml_text(book.author), xml_text(book.language), chapters)


def parse_range(spec: str | None, count: int) -> list[int]:
    """1-based chapter numbers from "1-5", "3" or "1,4-6"; all chapters for None or ''."""
    if not spec:
        return list(range(1, count + 1))
    chosen: list[int] = []
    for part in spec.replace(" ", "").split(","):
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not match:
            raise ExportError(f"“{spec}” is not a chapter range; write it like 1-5 or 2,4.")
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if not 1 <= first <= last <= count:
            raise ExportError(f"Chapters {part} are outside this book's 1–{count}.")
        chosen.extend(n for n in range(first, last + 1) if n not in chosen)
    return chosen


def book_from_story(story: Story, chapters: str | None = None) -> Book:
    """The chosen chapters of a story (all by default), as a Book."""
    numbers = parse_range(chapters, len(story.binder.chapters))
    out = []
    for n in numbers:
        chapter = story.binder.chapters[n - 1]
        scenes = [paragraphs(s.text) for s in chapter.scenes]
        out.append(BookChapter(n, chapter.title, chapter.part, [s for s in scenes if s]))
    language = story.language or _detected(out) or "en"
    return Book(story.title or story.folder.stem, story.author, language, out)


def _detected(chapters: list[BookChapter]) -> str:
    """The language of the first chapters' text, for a story left on Automatic."""
    sample = " ".join(p for c in chapters[:3] for s in c.scenes for p in s)[:4000]
    return detect_language(sample)


def inline_html(text: str) -> str:
    """A paragraph as XHTML, emphasis as <em> and <strong>."""
    out = []
    for run in runs(text):
        piece = html.escape(run.text, quote=False)
        if run.italic:
            piece = f"<em>{piece}</em>"
        if run.bold:
            piece = f"<strong>{piece}</strong>"
        out.append(piece)
    return "".join(out)


def chapter_html(chapter: BookChapter, part_heading: str = "") -> str:
    """The XHTML body of one chapter."""
    out = []
    if part_heading:
        out.append(f"<h1>{html.escape(part_heading)}</h1>")
    tag = "h2" if part_heading else "h1"
    out.append(f"<{tag}>{html.escape(chapter.title)}</{tag}>")
    for i, scene in enumerate(chapter.scenes):
        if i:
            out.append('<p class="scene-break">* * *</p>')
        for j, text in enumerate(scene):
            cls = ' class="first"' if j == 0 else ""
            out.append(f"<p{cls}>{inline_html(text)}</p>")
    return "\n".join(out)
