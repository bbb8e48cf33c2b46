"""Export read back with the same libraries: DOCX styles and order, EPUB structure, text."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from ebooklib import epub

from backend.formats.book import ExportError, book_from_story, parse_range
from backend.formats.export import write_book
from backend.story.binder import Chapter, Scene
from backend.story.project import Story
from tests.conftest import Canary


def story(tmp_path: Path) -> Story:
    s = Story(tmp_path / "Tide.inkling", title="The Tide", author="Mara Quill")
    for n in range(1, 5):
        s.binder.chapters.append(
            Chapter(
                title=f"Chapter {n}",
                part="Part One" if n <= 2 else "Part Two",
                scenes=[
                    Scene(text=f"Opening of {n}, *softly* said.\nSecond paragraph {n}."),
                    Scene(text=f"After the break in {n} & <more>."),
                ],
            )
        )
    return s


def test_docx_uses_real_styles_and_keeps_order(tmp_path: Path) -> None:
    target = tmp_path / "book.docx"
    write_book(book_from_story(story(tmp_path)), target)
    document = docx.Document(str(target))
    paragraphs = document.paragraphs
    headings = [p.text for p in paragraphs if p.style.name == "Heading 2"]
    assert headings == ["Chapter 1", "Chapter 2", "Chapter 3", "Chapter 4"]
    assert [p.text for p in paragraphs if p.style.name == "Heading 1"] == ["Part One", "Part Two"]
    assert document.styles["Heading 1"].paragraph_format.page_break_before
    assert document.styles["Normal"].paragraph_format.first_line_indent is not None
    title = next(p for p in paragraphs if p.style.name == "Title")
    assert title.text == "The Tide"
    breaks = [p for p in paragraphs if p.style.name == "Scene Break"]
    assert len(breaks) == 4 and all(p.text == "#" for p in breaks)
    body = [p for p in paragraphs if p.style.name in ("Normal", "First Paragraph")]
    assert body[0].text == "Opening of 1, softly said." and body[0].style.name == "First Paragraph"
    assert any(r.italic and r.text == "softly" for r in body[0].runs)
    assert all(p.paragraph_format.first_line_indent is None for p in body)  # no direct formatting
    assert document.core_properties.author == "Mara Quill"


def test_epub_has_a_file_per_chapter_nav_and_metadata(tmp_path: Path) -> None:
    target = tmp_path / "book.epub"
    write_book(book_from_story(story(tmp_path), "2-3"), target)
    book = epub.read_epub(str(target))
    assert book.get_metadata("DC", "title")[0][0] == "The Tide"
    assert book.get_metadata("DC", "creator")[0][0] == "Mara Quill"
    assert book.get_metadata("DC", "language")[0][0] == "en"
    chapters = [i for i in book.get_items() if i.get_name().startswith("chapter_")]
    assert [c.get_name() for c in chapters] == ["chapter_001.xhtml", "chapter_002.xhtml"]
    first = chapters[0].get_content().decode()
    assert "<h2>Chapter 2</h2>" in first and "&amp; &lt;more&gt;" in first
    assert "<em>softly</em>" in first
    assert any(i.get_name() == "nav.xhtml" for i in book.get_items())
    spine = [idref for idref, _linear in book.spine]
    assert spine[0] == "nav" and len(spine) == 3


def test_markdown_and_plain_text(tmp_path: Path) -> None:
    s = story(tmp_path)
    write_book(book_from_story(s, "1"), tmp_path / "a.md")
    write_book(book_from_story(s, "1"), tmp_path / "a.txt")
    md = (tmp_path / "a.md").read_text()
    assert md.startswith("# The Tide") and "## Chapter 1" in md and "\n***\n" in md
    assert "*softly*" in md
    txt = (tmp_path / "a.txt").read_text()
    assert "softly said" in txt and "*" not in txt.replace("* * *", "")


def test_ranges_and_bad_targets(tmp_path: Path) -> None:
    assert parse_range("1-3,5", 6) == [1, 2, 3, 5]
    assert parse_range("", 2) == [1, 2]
    with pytest.raises(ExportError, match="outside"):
        parse_range("3-9", 4)
    with pytest.raises(ExportError, match="not a chapter range"):
        parse_range("first", 4)
    book = book_from_story(story(tmp_path))
    with pytest.raises(ExportError, match="exports"):
        write_book(book, tmp_path / "book.pdf")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ExportError):
        write_book(book, blocker / "book.docx")


def test_a_chinese_book_exports_with_its_text_and_language(tmp_path: Path) -> None:
    s = Story(tmp_path / "故乡.inkling", title="故乡", author="鲁迅")
    text = "我冒了严寒，回到相隔二千余里，别了二十余年的故乡去。\n时候既然是深冬。"
    s.binder.chapters.append(Chapter(title="第一章", scenes=[Scene(text=text)]))
    target = tmp_path / "book.epub"
    write_book(book_from_story(s), target)
    book = epub.read_epub(str(target))
    assert book.get_metadata("DC", "language")[0][0] == "zh"
    chapter = next(i for i in book.get_items() if i.get_name().startswith("chapter_"))
    assert "别了二十余年的故乡去" in chapter.get_content().decode()
    word = tmp_path / "book.docx"
    write_book(book_from_story(s), word)
    paragraphs = [p.text for p in docx.Document(str(word)).paragraphs]
    assert "时候既然是深冬。" in paragraphs and "第一章" in paragraphs
    # Its title page speaks Chinese: the author, and its length in characters.
    assert "鲁迅 著" in paragraphs and not any(p.startswith("by ") for p in paragraphs)
    assert any(p.endswith("约 100 字") for p in paragraphs), paragraphs[:3]
    plain = tmp_path / "book.txt"
    write_book(book_from_story(s), plain)
    assert "鲁迅 著" in plain.read_text(encoding="utf-8")


# Every character XML 1.0 cannot hold but the form feed and the vertical tab, which end a
# paragraph (text pasted from a PDF brings form feeds) and are tried on their own.
NOT_XML = (
    "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r\f\v") + "\ufffe\uffff\ud800\udfff"
)


def messy_story(tmp_path: Path) -> Story:
    s = Story(
        tmp_path / "Story.inkling", title=f"The\x0cTide{NOT_XML}", author="Mara\x00 Quill\x1b"
    )
    s.language = "en\x01"
    s.binder.chapters.append(
        Chapter(
            title=f"Chapter\x0bOne{NOT_XML}",
            part="Part\x01 One\ufffe",
            scenes=[
                Scene(text=f"End of a page.\x0cStart of the next.\nA bell{NOT_XML} rang."),
                Scene(text="\x0c\x00\x07"),
                Scene(text="Lone \ud83d surrogate and a *soft\x08* word."),
            ],
        )
    )
    return s


def xml_is_clean(text: str) -> bool:
    return not any(c in text for c in NOT_XML + "\f\v")


def parse_every_xml_member(path: Path) -> dict[str, str]:
    """Each XML or XHTML file inside the zip, parsed strictly; their texts by name."""
    from defusedxml import ElementTree as SafeET

    texts = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".xhtml", ".opf", ".ncx", ".rels")):
                root = SafeET.fromstring(archive.read(name))
                texts[name] = "".join(root.itertext())
    return texts


def test_docx_export_leaves_out_what_xml_cannot_hold(tmp_path: Path, canary: Canary) -> None:
    target = tmp_path / "book.docx"
    write_book(book_from_story(messy_story(tmp_path)), target)
    texts = parse_every_xml_member(target)
    assert all(xml_is_clean(t) for t in texts.values())
    document = docx.Document(str(target))
    paragraphs = [p.text for p in document.paragraphs]
    assert "End of a page." in paragraphs and "Start of the next." in paragraphs
    assert "A bell rang." in paragraphs
    assert "Lone  surrogate and a soft word." in paragraphs
    assert "The Tide" in paragraphs and "Chapter One" in paragraphs and "Part One" in paragraphs
    assert document.core_properties.title == "The Tide"
    assert document.core_properties.author == "Mara Quill"
    assert sum(p.style.name == "Scene Break" for p in document.paragraphs) == 1
    assert not any(text in "\n".join(texts.values()) for text in canary.texts())


def test_epub_export_leaves_out_what_xml_cannot_hold(tmp_path: Path, canary: Canary) -> None:
    target = tmp_path / "book.epub"
    write_book(book_from_story(messy_story(tmp_path)), target)
    texts = parse_every_xml_member(target)
    assert all(xml_is_clean(t) for t in texts.values())
    book = epub.read_epub(str(target))
    assert book.get_metadata("DC", "title")[0][0] == "The Tide"
    assert book.get_metadata("DC", "creator")[0][0] == "Mara Quill"
    assert book.get_metadata("DC", "language")[0][0] == "en"
    chapter = next(i for i in book.get_items() if i.get_name().startswith("chapter_"))
    content = chapter.get_content().decode()
    assert "<p>Start of the next.</p>" in content and "A bell rang." in content
    assert "<h2>Chapter One</h2>" in content and "<h1>Part One</h1>" in content
    assert "<em>soft</em>" in content
    nav = next(t for name, t in texts.items() if name.endswith("nav.xhtml"))
    assert "Chapter One" in nav


def test_markdown_and_text_split_paragraphs_at_form_feeds(tmp_path: Path) -> None:
    s = messy_story(tmp_path)
    write_book(book_from_story(s), tmp_path / "a.md")
    write_book(book_from_story(s), tmp_path / "a.txt")
    md = (tmp_path / "a.md").read_text(encoding="utf-8")
    assert "End of a page.\n\nStart of the next." in md
    assert "Lone  surrogate and a *soft\x08* word." in md
    txt = (tmp_path / "a.txt").read_text(encoding="utf-8")
    assert "End of a page.\n\nStart of the next." in txt
