"""DOCX in standard manuscript format, through python-docx, with real Word styles.

Title page (author and word count at the top, title and byline centred), every chapter on
a new page through the Heading 1 style's "page break before", body text double-spaced with
a first-line indent in the Normal style, "First Paragraph" without the indent after a
heading or a break, centred "Scene Break" paragraphs (#), and a running header with the
author, title and page number. No paragraph carries direct formatting.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt

from backend.formats.book import Book, runs, xml_book

FONT = "Times New Roman"
SCENE_BREAK = "#"


def _styles(doc: Any) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.DOUBLE
    fmt.first_line_indent = Inches(0.5)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = True
    first = styles.add_style("First Paragraph", WD_STYLE_TYPE.PARAGRAPH)
    first.base_style = normal
    first.paragraph_format.first_line_indent = Inches(0)
    scene = styles.add_style("Scene Break", WD_STYLE_TYPE.PARAGRAPH)
    scene.base_style = normal
    scene.paragraph_format.first_line_indent = Inches(0)
    scene.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    scene.next_paragraph_style = first
    for name, size, page_break in (
        ("Title", 16, False),
        ("Heading 1", 14, True),
        ("Heading 2", 14, True),
    ):
        style = styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = name != "Title"
        style.font.color.rgb = None
        style.font.underline = False
        pf = style.paragraph_format
        pf.alignment = WD_ALIGN_PARAGRAPH.CENTER
        pf.first_line_indent = Inches(0)
        pf.page_break_before = page_break
        pf.space_before = Pt(144 if page_break else 0)
        pf.space_after = Pt(24)
        style.next_paragraph_style = first
    byline = styles.add_style("Byline", WD_STYLE_TYPE.PARAGRAPH)
    byline.base_style = first
    byline.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    contact = styles.add_style("Title Page Info", WD_STYLE_TYPE.PARAGRAPH)
    contact.base_style = first
    contact.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE


def _page_field(paragraph: Any) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _title_page(doc: Any, book: Book) -> None:
    info = doc.add_paragraph(book.author or "", style="Title Page Info")
    info.add_run().add_break(WD_BREAK.LINE)
    info.add_run(book.length(_round(book.words)))
    for _ in range(8):
        doc.add_paragraph("", style="Title Page Info")
    doc.add_paragraph(book.title, style="Title")
    if book.author:
        doc.add_paragraph(book.byline(), style="Byline")


def _round(words: int) -> int:
    step = 100 if words < 10_000 else 1000
    return max(step, round(words / step) * step)


def _paragraph(doc: Any, text: str, style: str) -> None:
    paragraph = doc.add_paragraph(style=style)
    for run in runs(text):
        r = paragraph.add_run(run.text)
        if run.bold:
            r.bold = True
        if run.italic:
            r.italic = True


def docx_bytes(book: Book) -> bytes:
    """The book as a .docx file (text XML cannot hold is left out, see xml_book)."""
    book = xml_book(book)
    doc = Document()
    section = doc.sections[0]
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(1))
    _styles(doc)
    core = doc.core_properties
    core.title, core.author = book.title, book.author
    core.language = book.language
    header = section.header.paragraphs[0]
    header.text = f"{(book.author.split() or [''])[-1]} / {book.title.upper()} / "
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _page_field(header)
    section.different_first_page_header_footer = True
    _title_page(doc, book)
    last_part = ""
    for chapter in book.chapters:
        if chapter.part and chapter.part != last_part:
            doc.add_paragraph(chapter.part, style="Heading 1")
        last_part = chapter.part
        doc.add_paragraph(chapter.title, style="Heading 2" if chapter.part else "Heading 1")
        for i, scene in enumerate(chapter.scenes):
            if i:
                doc.add_paragraph(SCENE_BREAK, style="Scene Break")
            for j, text in enumerate(scene):
                _paragraph(doc, text, "First Paragraph" if j == 0 else "Normal")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
