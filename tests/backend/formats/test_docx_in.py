"""Reading Word files: python-docx's reading of ordinary files, and every hostile file
refused with a message that names it, quickly and without touching anything beside it."""

from __future__ import annotations

import os
import random
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from backend.formats import docx_parts
from backend.formats.book import book_from_story
from backend.formats.docx_in import DocxRefused, read_docx
from backend.formats.export import write_book
from backend.formats.manuscript import split_manuscript
from backend.story.binder import Chapter, Scene
from backend.story.project import Story
from tests.conftest import Canary

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MB = 1024 * 1024


# --- building files by hand -------------------------------------------------------------
@dataclass
class Entry:
    """One file inside a hand-built zip: its packed bytes and what the headers declare."""

    name: str
    packed: bytes
    size: int
    crc: int
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0


def deflated(name: str, data: bytes, level: int = 9) -> Entry:
    packer = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    return Entry(name, packer.compress(data) + packer.flush(), len(data), zlib.crc32(data))


def zip_bytes(entries: list[Entry]) -> bytes:
    """A zip whose headers say exactly what each Entry declares, true or not."""
    body, central = bytearray(), bytearray()
    for e in entries:
        name = e.name.encode()
        offset = len(body)
        body += struct.pack(
            "<4sHHHHHIIIHH",
            b"PK\x03\x04",
            20,
            e.flags,
            e.method,
            0,
            0x21,
            e.crc,
            len(e.packed),
            e.size,
            len(name),
            0,
        )
        body += name + e.packed
        central += struct.pack(
            "<4sHHHHHHIIIHHHHHII",
            b"PK\x01\x02",
            20,
            20,
            e.flags,
            e.method,
            0,
            0x21,
            e.crc,
            len(e.packed),
            e.size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += name
    end = struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), len(body), 0
    )
    return bytes(body + central + end)


def document_xml(body: str, namespace: str = W) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{namespace}"><w:body>{body}<w:sectPr/></w:body></w:document>'
    ).encode()


def paragraph(text: str, style: str = "") -> str:
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f'<w:p>{props}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<w:styles xmlns:w="{W}">
  <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
  <w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>
  <w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>
  <w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>
</w:styles>""".encode()


def package(
    document: bytes | Entry, *, styles: bytes = STYLES, extra: list[Entry] | None = None
) -> bytes:
    """A small but complete .docx around a document part (bytes, or an Entry as built)."""
    main = document if isinstance(document, Entry) else deflated("word/document.xml", document)
    rels = (
        f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
        f'Type="{OFFICE}/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    doc_rels = (
        f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
        f'Type="{OFFICE}/styles" Target="styles.xml"/></Relationships>'
    )
    return zip_bytes(
        [
            deflated("[Content_Types].xml", b"<Types/>"),
            deflated("_rels/.rels", rels.encode()),
            main,
            deflated("word/_rels/document.xml.rels", doc_rels.encode()),
            deflated("word/styles.xml", styles),
            *(extra or []),
        ]
    )


def zeros_stream(megabytes: int) -> bytes:
    """Raw deflate of `megabytes` MB of zero bytes, about 1 KB per MB, built in moments:
    after a full flush each megabyte packs to the same block."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    packer.compress(b"\0" * MB)
    packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(b"\0" * MB) + packer.flush(zlib.Z_FULL_FLUSH)
    return block * megabytes + packer.flush(zlib.Z_FINISH)


def hostile(tmp_path: Path, data: bytes, name: str = "manuscript.docx") -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def refused(path: Path) -> str:
    with pytest.raises(DocxRefused) as caught:
        read_docx(path)
    message = str(caught.value)
    assert path.name in message
    return message


# --- ordinary files, read as python-docx reads them -------------------------------------
def test_a_word_document_reads_as_python_docx_reads_it(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_heading("The Tide", level=0)
    d.add_heading("Chapter One", level=1)
    p = d.add_paragraph("She said ")
    p.add_run("softly").italic = True
    p.add_run("\tand left.")
    p = d.add_paragraph("A line")
    p.add_run().add_break(WD_BREAK.LINE)
    p.add_run("then the next  ")
    p.add_run().add_break(WD_BREAK.PAGE)
    p.add_run("after the page.")
    d.add_paragraph("   ")
    d.add_table(rows=1, cols=2).cell(0, 0).text = "In a table"
    d.add_heading("A Section", level=2)
    d.add_heading("Deep", level=3)
    d.add_paragraph("Quote", style="Intense Quote")
    d.add_paragraph("Listed", style="List Bullet")
    d.add_heading("", level=1)
    d.add_paragraph("***")
    d.add_paragraph("End.")
    path = tmp_path / "book.docx"
    d.save(str(path))
    assert read_docx(path) == (
        "# The Tide\n\n# Chapter One\n\nShe said softly\tand left.\n\n"
        "A line\nthen the next  after the page.\n\n\n\n## A Section\n\n## Deep\n\n"
        "Quote\n\nListed\n\n\n\n***\n\nEnd.\n"
    )


def test_hyperlinks_and_tracked_insertions_count_beside_the_runs(tmp_path: Path) -> None:
    d = docx.Document()
    p = d.add_paragraph("See ")
    link = OxmlElement("w:hyperlink")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "the map"
    run.append(text)
    link.append(run)
    p._p.append(link)
    p.add_run(" now")
    inserted = OxmlElement("w:ins")  # python-docx reads only direct runs and hyperlinks
    inserted.append(OxmlElement("w:r"))
    inserted[0].append(OxmlElement("w:t"))
    inserted[0][0].text = "tracked"
    p._p.append(inserted)
    hyphen = p.add_run("well")._r
    hyphen.append(OxmlElement("w:noBreakHyphen"))
    hyphen.append(OxmlElement("w:cr"))
    path = tmp_path / "links.docx"
    d.save(str(path))
    assert read_docx(path) == "See the map nowtrackedwell-\n"
    assert [q.text for q in docx.Document(str(path)).paragraphs] == ["See the map nowwell-\n"]


def test_style_ids_are_looked_up_by_name_as_word_in_other_languages_writes_them(
    tmp_path: Path,
) -> None:
    # German Word names its heading styles "heading 1" but gives them the id "berschrift1".
    d = docx.Document()
    d.styles["Heading 1"].element.set(qn("w:styleId"), "berschrift1")
    d.add_heading("Erstes Kapitel", level=1)
    d.add_paragraph("Es begann.")
    path = tmp_path / "roman.docx"
    d.save(str(path))
    heading_style = docx.Document(str(path)).paragraphs[0].style
    assert heading_style is not None and heading_style.name == "Heading 1"
    assert read_docx(path) == "# Erstes Kapitel\n\nEs begann.\n"


def test_unknown_and_character_style_ids_fall_back_to_the_default_style(tmp_path: Path) -> None:
    styles = STYLES.replace(
        b"</w:styles>",
        b'<w:style w:type="character" w:styleId="Heading9"><w:name w:val="heading 9"/>'
        b"</w:style></w:styles>",
    )
    body = paragraph("Kept", "Nowhere") + paragraph("Plain", "Heading9") + paragraph("T", "Title")
    path = hostile(tmp_path, package(document_xml(body), styles=styles))
    assert read_docx(path) == "Kept\n\nPlain\n\n# T\n"


def test_a_document_without_styles_has_no_headings(tmp_path: Path) -> None:
    data = zip_bytes([deflated("word/document.xml", document_xml(paragraph("Hi", "Heading1")))])
    assert read_docx(hostile(tmp_path, data)) == "Hi\n"


def test_strict_open_xml_and_a_main_part_with_another_name(tmp_path: Path) -> None:
    strict_styles = STYLES.replace(W.encode(), STRICT.encode())
    main = deflated(
        "word/document2.xml",
        document_xml(paragraph("Opening", "Heading1") + paragraph("Text."), STRICT),
    )
    rels = (
        f'<Relationships xmlns="{RELS}"><Relationship Id="r" Type="http://purl.oclc.org/'
        'ooxml/officeDocument/relationships/officeDocument" Target="/word/document2.xml"/>'
        "</Relationships>"
    )
    doc_rels = (
        f'<Relationships xmlns="{RELS}"><Relationship Id="r" Type="http://purl.oclc.org/'
        'ooxml/officeDocument/relationships/styles" Target="styles.xml"/></Relationships>'
    )
    data = zip_bytes(
        [
            deflated("_rels/.rels", rels.encode()),
            main,
            deflated("word/_rels/document2.xml.rels", doc_rels.encode()),
            deflated("word/styles.xml", strict_styles),
        ]
    )
    assert read_docx(hostile(tmp_path, data)) == "# Opening\n\nText.\n"


def test_a_stored_document_part_reads_too(tmp_path: Path) -> None:
    xml = document_xml(paragraph("Stored."))
    main = Entry("word/document.xml", xml, len(xml), zlib.crc32(xml), zipfile.ZIP_STORED)
    assert read_docx(hostile(tmp_path, package(main))) == "Stored.\n"


def test_150000_paragraphs_are_all_read(tmp_path: Path, canary: Canary) -> None:
    body = "".join(paragraph(str(n)) for n in range(150_000))
    path = hostile(tmp_path, package(deflated("word/document.xml", document_xml(body), 1)))
    assert path.stat().st_size < 1 * MB
    lines = read_docx(path).split("\n")
    assert lines[0::2] == [str(n) for n in range(150_000)]
    assert set(lines[1::2]) == {""}


# --- headings: what Word means by them ---------------------------------------------------
def style(
    style_id: str, name: str, based_on: str = "", kind: str = "paragraph", props: str = ""
) -> str:
    base = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    return (
        f'<w:style w:type="{kind}" w:styleId="{style_id}"><w:name w:val="{name}"/>{base}'
        f"{props}</w:style>"
    )


def with_styles(*styles: str) -> bytes:
    return STYLES.replace(b"</w:styles>", "".join(styles).encode() + b"</w:styles>")


def read_body(tmp_path: Path, body: str, styles: bytes = STYLES, name: str = "m.docx") -> str:
    return read_docx(hostile(tmp_path, package(document_xml(body), styles=styles), name))


def test_only_title_and_heading_styles_are_headings_not_names_that_start_alike(
    tmp_path: Path,
) -> None:
    styles = with_styles(
        style("TitlePageInfo", "Title Page Info", "Normal"),
        style("Titles", "Titles"),
        style("HeadingNote", "Heading Note"),
        style("Heading10", "heading 10"),
        style("Subtitle", "Subtitle", "Normal"),
        style("Shouting", "HEADING 3"),
        style("Heading9", "heading 9"),
        style("UpperTitle", "TITLE"),
    )
    body = "".join(
        paragraph(text, style_id)
        for text, style_id in [
            ("Mara Quill", "TitlePageInfo"),
            ("A list", "Titles"),
            ("A note", "HeadingNote"),
            ("Ten", "Heading10"),
            ("A subtitle", "Subtitle"),
            ("The Tide", "Title"),
            ("One", "Heading1"),
            ("Loud", "Shouting"),
            ("Deepest", "Heading9"),
            ("Upper", "UpperTitle"),
        ]
    )
    assert read_body(tmp_path, body, styles).split("\n")[0::2] == [
        "Mara Quill",
        "A list",
        "A note",
        "Ten",
        "A subtitle",
        "# The Tide",
        "# One",
        "## Loud",
        "## Deepest",
        "# Upper",
    ]


def test_styles_based_on_a_heading_take_its_level_unless_set_to_body_text(
    tmp_path: Path,
) -> None:
    body_text = '<w:pPr><w:outlineLvl w:val="9"/></w:pPr>'
    styles = with_styles(
        style("ChapterTitle", "Chapter Title", "Heading1"),
        style("ChapterTitleBig", "Chapter Title Big", "ChapterTitle"),
        style("SceneTitle", "Scene Title", "Heading2"),
        style("TOCHeading", "TOC Heading", "Heading1", props=body_text),
        style("ContentsTitle", "Contents Title", "TOCHeading"),
        style("BookSubtitle", "Book Subtitle", "Title"),
        style("Heading1Char", "Heading 1 Char", kind="character"),
        style("FromCharacter", "From A Character Style", "Heading1Char"),
        style("FromNowhere", "From Nowhere", "Missing"),
    )
    body = "".join(
        paragraph(text, style_id)
        for text, style_id in [
            ("Chapter One", "ChapterTitle"),
            ("Chapter Two", "ChapterTitleBig"),
            ("The Quay", "SceneTitle"),
            ("Contents", "TOCHeading"),
            ("Contents again", "ContentsTitle"),
            ("A Novel", "BookSubtitle"),
            ("Odd", "FromCharacter"),
            ("Orphan", "FromNowhere"),
        ]
    )
    assert read_body(tmp_path, body, styles).split("\n")[0::2] == [
        "# Chapter One",
        "# Chapter Two",
        "## The Quay",
        "Contents",
        "Contents again",
        "A Novel",
        "Odd",
        "Orphan",
    ]


def test_word_and_python_docx_agree_on_the_toc_heading_style(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Contents", style="TOC Heading")
    d.add_heading("Chapter One", level=1)
    path = tmp_path / "toc.docx"
    d.save(str(path))
    assert docx.Document(str(path)).styles["TOC Heading"].base_style.name == "Heading 1"
    assert read_docx(path) == "Contents\n\n# Chapter One\n"


def test_loops_and_long_chains_of_based_on_styles(tmp_path: Path, canary: Canary) -> None:
    chain = [style("S0", "Link 0", "Heading1")]
    chain += [style(f"S{n}", f"Link {n}", f"S{n - 1}") for n in range(1, 2000)]
    loop = [style("A", "Loop A", "B"), style("B", "Loop B", "A"), style("Self", "Self", "Self")]
    body = "".join(
        paragraph(text, style_id)
        for text, style_id in [
            ("Far", "S1999"),
            ("Near", "S10"),
            ("Loop", "A"),
            ("Self", "Self"),
            ("Middle", "S40"),
        ]
    )
    text = read_body(tmp_path, body, with_styles(*chain, *loop))
    assert text.split("\n")[0::2] == ["Far", "# Near", "Loop", "Self", "# Middle"]


def book_story(tmp_path: Path, parts: bool) -> Story:
    story = Story(tmp_path / f"Tide{parts}.inkling", title="The Tide", author="Mara Quill")
    for n in range(1, 5):
        part = ("Part One" if n <= 2 else "Part Two") if parts else ""
        scenes = [
            Scene(text=f"Opening of {n}, *softly* said.\nSecond paragraph {n}."),
            Scene(text=f"After the break in {n} & <more>."),
        ]
        story.binder.chapters.append(Chapter(title=f"Chapter {n}", part=part, scenes=scenes))
    return story


def test_inklings_own_export_reads_back_with_its_chapters(tmp_path: Path) -> None:
    with_parts = tmp_path / "parts.docx"
    write_book(book_from_story(book_story(tmp_path, parts=True)), with_parts)
    text = read_docx(with_parts)
    assert [line for line in text.split("\n") if line.startswith("#")] == [
        "# The Tide",
        "# Part One",
        "## Chapter 1",
        "#",  # the scene break
        "## Chapter 2",
        "#",
        "# Part Two",
        "## Chapter 3",
        "#",
        "## Chapter 4",
        "#",
    ]
    # The title page's "Title Page Info" paragraph (author, word count) is plain text.
    assert text.startswith("Mara Quill\nAbout ")

    plain = tmp_path / "plain.docx"
    write_book(book_from_story(book_story(tmp_path, parts=False)), plain)
    plan = split_manuscript(read_docx(plain))
    chapters = {c.title: c.scenes for c in plan.chapters}
    assert "Mara Quill" not in chapters
    assert [c.title for c in plan.chapters][-4:] == [f"Chapter {n}" for n in range(1, 5)]
    for n in range(1, 5):
        assert chapters[f"Chapter {n}"] == [
            f"Opening of {n}, softly said.\n\nSecond paragraph {n}.",
            f"After the break in {n} & <more>.",
        ]
    assert any("Mara Quill" in scene for c in plan.chapters for scene in c.scenes)


# --- text a writer would lose -----------------------------------------------------------
def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def deleted(text: str) -> str:
    return f'<w:r><w:delText xml:space="preserve">{text}</w:delText></w:r>'


CHANGE = 'w:id="1" w:author="Editor" w:date="2024-05-01T10:00:00Z"'
MARK_DELETED = f"<w:pPr><w:rPr><w:del {CHANGE}/></w:rPr></w:pPr>"


def test_tracked_insertions_are_read_and_deletions_are_not(tmp_path: Path) -> None:
    body = "".join(
        [
            # A sentence an editor worked on, changes not yet accepted.
            f"<w:p>{run('The sea was ')}<w:del {CHANGE}>{deleted('grey ')}</w:del>"
            f"<w:ins {CHANGE}>{run('slate-dark ')}</w:ins>{run('and cold.')}</w:p>",
            # Inserted, then deleted by a second reviewer; deleted text holding an insertion.
            f"<w:p>{run('She ')}<w:ins {CHANGE}><w:del {CHANGE}>{deleted('never ')}</w:del>"
            f"{run('slowly ')}</w:ins><w:del {CHANGE}><w:ins {CHANGE}>{run('not ')}</w:ins>"
            f"</w:del>{run('walked.')}</w:p>",
            # A sentence moved: read where it went, not where it was.
            f"<w:p><w:moveFrom {CHANGE}>{run('Gulls cried. ')}</w:moveFrom>{run('Dawn.')}</w:p>",
            f"<w:p>{run('Dusk. ')}<w:moveTo {CHANGE}>{run('Gulls cried.')}</w:moveTo></w:p>",
            # A paragraph deleted whole: its mark is deleted too, so nothing is left.
            f"<w:p>{MARK_DELETED}<w:del {CHANGE}>{deleted('Cut scene.')}</w:del></w:p>",
            # Two paragraphs joined by deleting the mark between them.
            f"<w:p>{MARK_DELETED}{run('The tide came ')}</w:p>",
            f"<w:p>{run('in at dawn.')}</w:p>",
            # A heading deleted whole is no heading.
            f'<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:del {CHANGE}>'
            f"{deleted('Old Chapter')}</w:del></w:p>",
            # A mark deleted at the very end keeps its text.
            f"<w:p>{MARK_DELETED}{run('The end.')}</w:p>",
        ]
    )
    assert read_body(tmp_path, body) == (
        "The sea was slate-dark and cold.\n\nShe slowly walked.\n\nDawn.\n\n"
        "Dusk. Gulls cried.\n\nThe tide came in at dawn.\n\n\n\nThe end.\n"
    )


def test_a_joined_paragraph_takes_the_style_of_the_one_it_joins(tmp_path: Path) -> None:
    body = (
        f"<w:p>{MARK_DELETED}{run('Chapter ')}</w:p>"
        f'<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>{run("One")}</w:p>'
    )
    assert read_body(tmp_path, body) == "# Chapter One\n"


def test_content_controls_in_the_body_and_in_paragraphs(tmp_path: Path) -> None:
    props = '<w:sdtPr><w:alias w:val="Alias text"/><w:tag w:val="t"/></w:sdtPr>'
    placeholder = (
        '<w:sdtPr><w:placeholder><w:docPart w:val="DefaultPlaceholder"/></w:placeholder>'
        "<w:showingPlcHdr/></w:sdtPr>"
    )
    body = "".join(
        [
            paragraph("Before."),
            f"<w:sdt>{props}<w:sdtContent>",
            paragraph("Chapter One", "Heading1"),
            f"<w:p>{run('Her name was ')}<w:sdt>{props}<w:sdtContent>{run('Mara')}"
            f"</w:sdtContent></w:sdt>{run('.')}</w:p>",
            f"<w:sdt><w:sdtContent>{paragraph('Nested.')}</w:sdtContent></w:sdt>",
            f"<w:tbl><w:tr><w:tc>{paragraph('In a table')}</w:tc></w:tr></w:tbl>",
            f"<w:customXml>{paragraph('Custom block.')}</w:customXml>",
            "</w:sdtContent><w:sdtEndPr><w:rPr><w:b/></w:rPr></w:sdtEndPr></w:sdt>",
            f"<w:p>{run('Date: ')}<w:sdt>{placeholder}<w:sdtContent>"
            f"{run('Click or tap to enter a date.')}</w:sdtContent></w:sdt></w:p>",
            f"<w:sdt>{placeholder}<w:sdtContent>{paragraph('Type your title here')}"
            "</w:sdtContent></w:sdt>",
            paragraph("After."),
        ]
    )
    assert read_body(tmp_path, body) == (
        "Before.\n\n# Chapter One\n\nHer name was Mara.\n\nNested.\n\nCustom block.\n\n"
        "Date:\n\nAfter.\n"
    )


def test_hyperlinks_smart_tags_and_custom_xml_in_a_paragraph(tmp_path: Path) -> None:
    tag = '<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="place">'
    body = (
        f'<w:p>{run("They sailed to ")}<w:hyperlink r:id="rId9" xmlns:r="{OFFICE}">'
        f"{tag}{run('Whitby')}</w:smartTag></w:hyperlink>{run(' and ')}"
        f'{tag}<w:smartTagPr><w:attr w:name="n" w:val="Hidden"/></w:smartTagPr>'
        f"{run('Scarborough')}</w:smartTag>"
        f'{run(", then ")}<w:customXml w:element="town">{run("home")}</w:customXml>'
        f'<w:dir w:val="rtl">{run(" at last")}</w:dir>{run(".")}</w:p>'
    )
    assert read_body(tmp_path, body) == (
        "They sailed to Whitby and Scarborough, then home at last.\n"
    )


def fld(kind: str) -> str:
    return f'<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>'


def code(text: str) -> str:
    return f'<w:r><w:instrText xml:space="preserve">{text}</w:instrText></w:r>'


def test_field_results_are_read_and_field_codes_are_not(tmp_path: Path) -> None:
    body = "".join(
        [
            f'<w:p>{run("Page ")}<w:fldSimple w:instr=" PAGE ">{run("4")}</w:fldSimple></w:p>',
            f"<w:p>{run('See ')}{fld('begin')}{code(' HYPERLINK &quot;https://x&quot; ')}"
            f"{fld('separate')}{run('the map')}{fld('end')}{run('.')}</w:p>",
            # A field inside another's code, as in IF fields: only the outer result shows.
            f"<w:p>{fld('begin')}{code(' IF ')}{fld('begin')}{code(' MERGEFIELD x ')}"
            f"{fld('separate')}{run('inner')}{fld('end')}{code(' = 1 &quot;yes&quot; ')}"
            f"{fld('separate')}{run('yes')}{fld('end')}</w:p>",
            # No result at all (an index entry), and a result across two paragraphs.
            f"<w:p>{run('Tide')}{fld('begin')}{code(' XE &quot;tide&quot; ')}{fld('end')}</w:p>",
            f"<w:p>{fld('begin')}{code(' INCLUDETEXT x ')}{fld('separate')}{run('First')}</w:p>",
            f"<w:p>{run('Second')}{fld('end')}</w:p>",
            # Stray marks are ignored.
            f"<w:p>{fld('separate')}{fld('end')}{run('Stray.')}</w:p>",
        ]
    )
    assert read_body(tmp_path, body) == (
        "Page 4\n\nSee the map.\n\nyes\n\nTide\n\nFirst\n\nSecond\n\nStray.\n"
    )


TOC_CODE = r" TOC \o &quot;1-3&quot; \h "


def test_a_table_of_contents_is_not_read_as_chapters(tmp_path: Path) -> None:
    entry = f"<w:p>{run('Chapter 1')}<w:r><w:tab/></w:r>{run('3')}</w:p>"
    body = "".join(
        [
            paragraph("Contents"),
            f"<w:p>{fld('begin')}{code(TOC_CODE)}{fld('separate')}"
            f"{run('Chapter 1')}<w:r><w:tab/></w:r>{run('3')}</w:p>",
            entry,
            f"<w:p>{fld('end')}</w:p>",
            f'<w:p><w:fldSimple w:instr="toc \\o">{run("Chapter 1 3")}</w:fldSimple></w:p>',
            paragraph("Chapter 1", "Heading1"),
            paragraph("It began."),
        ]
    )
    assert read_body(tmp_path, body) == "Contents\n\n\n\n\n\n\n\n\n\n# Chapter 1\n\nIt began.\n"


def test_a_field_that_never_ends_does_not_hide_the_rest(tmp_path: Path, canary: Canary) -> None:
    body = (
        f"<w:p>{run('One.')}{fld('begin')}{code(' PAGE ')}</w:p>"
        + paragraph("Two.")
        + paragraph("Three.")
    )
    assert read_body(tmp_path, body) == "One.\n\nTwo.\n\nThree.\n"


def test_footnotes_comments_and_text_boxes_stay_out(tmp_path: Path) -> None:
    vml = "urn:schemas-microsoft-com:vml"
    body = (
        f'<w:p>{run("Text")}<w:r><w:footnoteReference w:id="1"/></w:r>'
        f'<w:commentRangeStart w:id="0"/>{run(" goes on")}<w:commentRangeEnd w:id="0"/>'
        f'<w:r><w:commentReference w:id="0"/></w:r>'
        f'<w:r><w:pict><v:shape xmlns:v="{vml}"><v:textbox><w:txbxContent>'
        f"{paragraph('Box text')}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
        f"{run('.')}</w:p>"
    )
    notes = deflated(
        "word/footnotes.xml",
        f'<w:footnotes xmlns:w="{W}"><w:footnote w:id="1">{paragraph("A footnote")}'
        "</w:footnote></w:footnotes>".encode(),
    )
    comments = deflated(
        "word/comments.xml",
        f'<w:comments xmlns:w="{W}"><w:comment w:id="0">{paragraph("Cut this")}'
        "</w:comment></w:comments>".encode(),
    )
    path = hostile(tmp_path, package(document_xml(body), extra=[notes, comments]))
    assert read_docx(path) == "Text goes on.\n"


def test_word_written_tracked_changes_read_as_accepted(tmp_path: Path) -> None:
    # Changes in a document with Word's own styles and settings (python-docx's template).
    d = docx.Document()
    p = d.add_paragraph("The sea was ")
    removal = OxmlElement("w:del")
    removal.set(qn("w:id"), "1")
    removal.set(qn("w:author"), "Editor")
    gone = OxmlElement("w:r")
    gone_text = OxmlElement("w:delText")
    gone_text.text = "grey "
    gone.append(gone_text)
    removal.append(gone)
    p._p.append(removal)
    addition = OxmlElement("w:ins")
    addition.set(qn("w:id"), "2")
    addition.set(qn("w:author"), "Editor")
    new = OxmlElement("w:r")
    new_text = OxmlElement("w:t")
    new_text.text = "cold."
    new.append(new_text)
    addition.append(new)
    p._p.append(addition)
    path = tmp_path / "edited.docx"
    d.save(str(path))
    assert read_docx(path) == "The sea was cold.\n"


# --- hostile files ----------------------------------------------------------------------
def test_a_kilobyte_docx_claiming_gigabytes_is_refused_before_unpacking(
    tmp_path: Path, canary: Canary
) -> None:
    main = deflated("word/document.xml", document_xml(paragraph("x")))
    main.size = 3 * 1024 * MB
    path = hostile(tmp_path, package(main))
    assert path.stat().st_size < 2048
    assert "would unpack to more than 512 MB" in refused(path)


def test_a_bomb_declared_small_stops_at_the_size_limit(tmp_path: Path, canary: Canary) -> None:
    # 3 MB of packed zeros that unpack to 3 GB; the headers claim 1,000 bytes.
    bomb = Entry("word/document.xml", zeros_stream(3 * 1024), 1000, 0)
    path = hostile(tmp_path, package(bomb))
    assert path.stat().st_size < 4 * MB
    assert "unpacks to more than 128 MB, the most Inkling reads" in refused(path)


@pytest.mark.parametrize("declared", [1000, 64 * MB], ids=["lying", "honest"])
def test_a_dense_bomb_is_refused_by_its_packing_ratio(
    tmp_path: Path, canary: Canary, declared: int
) -> None:
    stream = zeros_stream(64)
    crc = zlib.crc32(b"\0" * 64 * MB) if declared == 64 * MB else 0
    path = hostile(tmp_path, package(Entry("word/document.xml", stream, declared, crc)))
    assert path.stat().st_size < 200 * 1024
    assert "more than 100 times its packed size" in refused(path)


def test_a_header_that_lies_about_the_size_is_damage(tmp_path: Path, canary: Canary) -> None:
    main = deflated("word/document.xml", document_xml(paragraph("Text")))
    main.size += 1
    assert "is damaged: its contents do not unpack cleanly" in refused(
        hostile(tmp_path, package(main))
    )
    main = deflated("word/document.xml", document_xml(paragraph("Text")))
    main.crc ^= 1
    assert "is damaged" in refused(hostile(tmp_path, package(main), "crc.docx"))
    main = deflated("word/document.xml", document_xml(paragraph("Text")))
    main.packed = main.packed[:-4]
    assert "is damaged" in refused(hostile(tmp_path, package(main), "cut.docx"))


def test_too_many_files_inside(tmp_path: Path, canary: Canary) -> None:
    many = [Entry(f"media/{n}", b"", 0, 0, zipfile.ZIP_STORED) for n in range(10_001)]
    path = hostile(tmp_path, package(document_xml(paragraph("x")), extra=many))
    assert "more than 10,000 files inside" in refused(path)


def test_an_encrypted_document_part(tmp_path: Path, canary: Canary) -> None:
    main = deflated("word/document.xml", document_xml(paragraph("secret")))
    main.flags = 0x1
    assert "is password-protected" in refused(hostile(tmp_path, package(main)))


@pytest.mark.parametrize(
    "method", [9, 12, 14, 99, 77], ids=["deflate64", "bzip2", "lzma", "aes", "unknown"]
)
def test_compression_word_does_not_use(tmp_path: Path, canary: Canary, method: int) -> None:
    main = deflated("word/document.xml", document_xml(paragraph("x")))
    main.method = method
    assert f"compression Word does not use (method {method})" in refused(
        hostile(tmp_path, package(main))
    )


def test_not_a_zip(tmp_path: Path, canary: Canary) -> None:
    assert "is not a Word (.docx) file" in refused(hostile(tmp_path, b"Chapter 1\n\nnot a zip"))
    assert "is not a Word (.docx) file" in refused(hostile(tmp_path, b"", "empty.docx"))


def test_an_ole_file_is_password_protected_or_old_word(tmp_path: Path, canary: Canary) -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096
    assert "password-protected or an old Word 97–2003 file" in refused(hostile(tmp_path, data))


def test_a_zip_without_a_document_part(tmp_path: Path, canary: Canary) -> None:
    data = zip_bytes([deflated("word/other.xml", document_xml(paragraph("x")))])
    assert "has no document text inside (word/document.xml is missing)" in refused(
        hostile(tmp_path, data)
    )


@pytest.mark.parametrize(
    "xml",
    [b"<w:document><w:body><w:p>", b"\x00\x01garbage", b"", document_xml("<w:p></w:r>")],
    ids=["cut", "binary", "empty", "mismatched"],
)
def test_malformed_xml(tmp_path: Path, canary: Canary, xml: bytes) -> None:
    assert "its text is not well-formed XML (line" in refused(hostile(tmp_path, package(xml)))


def test_xml_that_is_not_a_word_document(tmp_path: Path, canary: Canary) -> None:
    path = hostile(tmp_path, package(b"<html><body><p>Hello</p></body></html>"))
    assert "is not a Word document Inkling can read" in refused(path)


def test_external_entities_are_refused_not_read(tmp_path: Path, canary: Canary) -> None:
    secret = canary.path / "id_rsa"
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body>'
        "</w:document>"
    ).encode()
    message = refused(hostile(tmp_path, package(xml)))
    assert "a DTD or entities" in message
    assert not any(text in message for text in canary.texts())


def test_billion_laughs(tmp_path: Path, canary: Canary) -> None:
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10)
    )
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]><w:document xmlns:w="{W}">'
        "<w:body><w:p><w:r><w:t>&a9;</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    assert "a DTD or entities" in refused(hostile(tmp_path, package(xml)))
    # The same in the styles part, which is read first.
    styles = xml.replace(b"w:document", b"w:styles")
    path = hostile(tmp_path, package(document_xml(paragraph("x")), styles=styles), "s.docx")
    assert "a DTD or entities" in refused(path)


def test_nesting_past_the_limit(tmp_path: Path, canary: Canary) -> None:
    deep = "<w:sdt>" * 300 + "</w:sdt>" * 300
    assert "more than 256 levels deep" in refused(hostile(tmp_path, package(document_xml(deep))))


def test_markup_past_the_limit(
    tmp_path: Path, canary: Canary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(docx_parts, "MAX_XML_ITEMS", 1000)
    body = "".join(paragraph("x") for _ in range(400))
    assert "more than 1,000 pieces of markup" in refused(
        hostile(tmp_path, package(document_xml(body)))
    )


def test_one_tag_of_millions_of_attributes(tmp_path: Path, canary: Canary) -> None:
    tag = "<w:p " + " ".join(f'a{n}=""' for n in range(700_000)) + "/>"
    path = hostile(tmp_path, package(document_xml(tag)))
    assert "a single piece of markup larger than 4 MB" in refused(path)


def test_thousands_of_kinds_of_markup(tmp_path: Path, canary: Canary) -> None:
    body = "".join(f"<w:x{n}/>" for n in range(20_001))
    path = hostile(tmp_path, package(document_xml(body)))
    assert "more than 20,000 different kinds of markup" in refused(path)


def test_files_that_are_not_ordinary_files(tmp_path: Path, canary: Canary) -> None:
    zero = tmp_path / "inbox" / "zero.docx"
    zero.parent.mkdir()
    zero.symlink_to("/dev/zero")
    assert "is not an ordinary file" in refused(zero)
    fifo = tmp_path / "inbox" / "pipe.docx"
    os.mkfifo(fifo)
    assert "is not an ordinary file" in refused(fifo)
    big = tmp_path / "inbox" / "big.docx"
    with big.open("wb") as f:
        f.truncate(64 * MB + 1)
    assert "is larger than 64 MB" in refused(big)
    with pytest.raises(DocxRefused, match=r"Could not read missing\.docx"):
        read_docx(tmp_path / "inbox" / "missing.docx")


def test_damaged_copies_of_a_good_file_are_read_or_refused(tmp_path: Path, canary: Canary) -> None:
    body = paragraph("One", "Heading1") + "".join(paragraph(f"Paragraph {n}.") for n in range(20))
    original = package(document_xml(body))
    assert read_docx(hostile(tmp_path, original, "good.docx")).startswith("# One\n")
    rng = random.Random(29)
    outcomes = {"read": 0, "refused": 0}
    for n in range(400):
        data = bytearray(original)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if n % 10 == 0:
            data = data[: rng.randrange(len(data))]
        path = hostile(tmp_path, bytes(data), f"copy{n}.docx")
        try:
            assert isinstance(read_docx(path), str)
            outcomes["read"] += 1
        except DocxRefused as exc:
            assert path.name in str(exc)
            outcomes["refused"] += 1
    assert outcomes["read"] and outcomes["refused"]
