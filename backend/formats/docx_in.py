"""Reading a Word (.docx) file for import: bounded, without entity expansion, and fast.

A .docx is a zip of XML parts, and one that comes back from an editor or a co-author is
untrusted input: it may be a zip bomb, lie about its sizes in the zip headers, be encrypted,
use a compression Word never writes, or carry XML with a DTD and entity declarations. The
file is read through the shared bounded reader; the zip's central directory is checked
before anything is unpacked; the few parts needed are inflated here in chunks, with the
limits applied to the bytes actually produced rather than the sizes the headers declare;
the XML goes through defusedxml's parser (DTDs and entities refused) into small readers
that hold nesting and markup counts to limits and keep only the text they need: no tree is
built, so memory follows the text and not the markup around it.

The text is the document as it reads with every tracked change accepted: words in tracked
insertions (w:ins, w:moveTo) are kept, tracked deletions (w:del, w:delText, w:moveFrom) are
left out, and a paragraph whose mark was deleted joins the next one. Otherwise it follows
python-docx (`Document.paragraphs`, `Paragraph.text`, `Paragraph.style`) and adds what a
writer would miss: the body's paragraphs, including those inside content controls (w:sdt),
but not those in tables or text boxes; the text of runs directly in a paragraph or inside
hyperlinks, content controls (not a control's placeholder prompt), smart tags and custom
XML; the result a field shows (w:fldSimple, and the runs between "separate" and "end" of a
complex field), never its code (w:instrText), and not a table of contents, which Word
builds from the headings; tabs and line breaks. Footnotes, endnotes, comments, headers and
footers are not read.

Headings are what Word means by them: the built-in Title style exactly, Heading 1 to 9 by
name, and styles based on a Heading style unless one sets its outline level to body text
(Word's "TOC Heading" does). A style whose name merely starts with "Title" or "Heading" is
body text. Parsing the XML directly avoids python-docx's style lookup per paragraph, which
took minutes on long files.
"""

from __future__ import annotations

import logging
from pathlib import Path

from backend.formats.docx_parts import DocxRefused, _parse, _Part, _StyleNames, _Styles, _word_tags
from backend.formats.docx_zip import MAX_DOCUMENT_BYTES, MAX_PART_BYTES, _Package
from backend.untrusted import RefusedFile, read_bounded

log = logging.getLogger(__name__)

MAX_DOCX_BYTES = 64 * 1024 * 1024  # the file itself, as for any imported manuscript

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_docx(path: Path) -> str:
    """Paragraphs of a Word file as they read with tracked changes accepted; headings
    become Markdown headings.

    Each body paragraph is a line followed by a blank line; a paragraph in the Title or
    Heading 1 style becomes '# text', one in Heading 2 to 9 '## text', and one in a style
    based on a Heading style takes that heading's level. Raises DocxRefused, whose message
    names the file and the limit it broke, for anything else.
    """
    name = path.name
    try:
        data = read_bounded(path, MAX_DOCX_BYTES)
    except RefusedFile as exc:
        raise DocxRefused(str(exc)) from exc
    except OSError as exc:
        raise DocxRefused(f"Could not read {name}: {exc.strerror or exc}.") from exc
    if data.startswith(_OLE_MAGIC):
        raise DocxRefused(
            f"{name} is password-protected or an old Word 97–2003 file. Save it from Word "
            "as a .docx without a password, then import it."
        )
    package = _Package.open(data, name)
    document_part = package.main_document()
    styles = _Styles()
    styles_part = package.styles_part(document_part)
    if styles_part is not None:
        reader = _StyleNames(name)
        _parse(package.inflate(styles_part, MAX_PART_BYTES), name, reader)
        styles = reader.styles()
    return _document_text(package.inflate(document_part, MAX_DOCUMENT_BYTES), styles, name)


# What the body's elements hold, as the reader moves through them: each open element has a
# mode that says what its children can be.
_SKIP = 0  # nothing inside is read: tables, drawings, deletions, field codes ...
_DOCUMENT = 1
_BODY = 2  # paragraphs, and content controls and custom XML that hold paragraphs
_BLOCK_SDT = 3
_PARAGRAPH = 4
_INLINE = 5  # runs inside hyperlinks, insertions, content controls, smart tags, fields
_INLINE_SDT = 6
_SDT_PR = 7  # a content control's properties: is it showing its placeholder?
_RUN = 8
_TEXT = 9
_CODE = 10  # a field's code (w:instrText), read only to tell a table of contents
_PPR = 11
_MARK = 12  # the paragraph mark's run properties: deleted or moved away, or not
_ACT = 13  # an element that stands for a character or changes state, read as it opens
# Inside a paragraph, runs are read in these as well as directly: hyperlinks, tracked
# insertions and moves to here, smart tags, custom XML, simple fields, text direction.
_INLINE_CONTAINERS: tuple[str, ...] = (
    "hyperlink",
    "ins",
    "moveTo",
    "smartTag",
    "customXml",
    "fldSimple",
    "dir",
    "bdo",
)
_RUN_MARKS = ("tab", "ptab", "cr", "noBreakHyphen", "br", "fldChar")
# A complex field is in its code until "separate", then in its result until "end".
_IN_CODE, _IN_RESULT, _IN_HIDDEN_RESULT = 0, 1, 2
# Field codes whose result Word generates from the text itself: a table of contents would
# come back as a line per chapter, each taken for a chapter heading.
_GENERATED_FIELDS = frozenset({"TOC"})
_CODE_KEPT = 64  # characters of a field's code kept to find its name


def _routes(tags: dict[str, str]) -> dict[int, dict[str, int]]:
    """For each mode, the mode its children take by tag; any other child is skipped."""
    inline = {
        tags["r"]: _RUN,
        tags["sdt"]: _INLINE_SDT,
        **{tags[kind]: _INLINE for kind in _INLINE_CONTAINERS},
    }
    return {
        _DOCUMENT: {tags["body"]: _BODY},
        _BODY: {tags["p"]: _PARAGRAPH, tags["sdt"]: _BLOCK_SDT, tags["customXml"]: _BODY},
        _BLOCK_SDT: {tags["sdtPr"]: _SDT_PR, tags["sdtContent"]: _BODY},
        _PARAGRAPH: {tags["pPr"]: _PPR, **inline},
        _INLINE: inline,
        _INLINE_SDT: {tags["sdtPr"]: _SDT_PR, tags["sdtContent"]: _INLINE},
        _SDT_PR: {tags["showingPlcHdr"]: _ACT},
        _RUN: {
            tags["t"]: _TEXT,
            tags["instrText"]: _CODE,
            **{tags[kind]: _ACT for kind in _RUN_MARKS},
        },
        _PPR: {tags["pStyle"]: _ACT, tags["rPr"]: _MARK},
        _MARK: {tags["del"]: _ACT, tags["moveFrom"]: _ACT},
        _TEXT: {},
        _CODE: {},
    }


class _Field:
    """A complex field open in the text: where it is, and the start of its code."""

    __slots__ = ("code", "state")

    def __init__(self) -> None:
        self.state = _IN_CODE
        self.code = ""


def _generated(code: str) -> bool:
    """True for the code of a field whose result is generated, such as a table of contents."""
    words = code.split(None, 1)
    return bool(words) and words[0].upper() in _GENERATED_FIELDS


class _BodyText(_Part):
    """The body's paragraphs as they read with tracked changes accepted: python-docx's
    reading of each paragraph's runs and style id, with the text in insertions, content
    controls, smart tags and field results too, and without deletions and field codes."""

    def __init__(self, name: str, fields: bool = True) -> None:
        super().__init__(name)
        self.tags: dict[str, str] = {}
        self.routes: dict[int, dict[str, int]] = {}
        self.modes: list[int] = []
        self.paragraphs: list[tuple[str, str | None]] = []  # text, style id
        self.body_seen = False
        self.pieces: list[str] = []  # the paragraph being read
        self.style_id: str | None = None
        self.ppr_seen = self.pstyle_seen = self.mark_deleted = False
        # A paragraph whose mark is deleted joins the next one when the change is accepted.
        self.carried = ""
        self.text_open = False  # inside a run's w:t, before any child element
        self.code_open = False  # the same for a w:instrText
        self.run_marks: dict[str, str] = {}  # run content that stands for a character
        # Complex fields open here, outermost first: where each is and the start of its
        # code. Text shows only while no open field is in its code or a hidden result.
        self.read_fields = fields
        self.fields: list[_Field] = []
        self.hidden = 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        """Follow the document into its body, paragraphs and runs."""
        depth = self._open(tag, attrib)
        self.text_open = self.code_open = False
        modes = self.modes
        if depth == 1:
            self._root(tag)
            modes.append(_DOCUMENT)
            return
        mode = modes[-1]
        if mode == _SKIP:
            modes.append(_SKIP)
            return
        modes.append(self._enter(self.routes[mode].get(tag, _SKIP), mode, tag, attrib))

    def _root(self, tag: str) -> None:
        """The root element: a Word document, in one of Word's namespaces."""
        found = _word_tags(tag)
        if found is None or tag != found["document"]:
            raise DocxRefused(f"{self.name} is not a Word document Inkling can read.")
        self.tags = found
        self.routes = _routes(found)
        self.run_marks = {
            found["tab"]: "\t",
            found["ptab"]: "\t",
            found["cr"]: "\n",
            found["noBreakHyphen"]: "-",
        }

    def _enter(self, child: int, mode: int, tag: str, attrib: dict[str, str]) -> int:
        """The mode of an element that opens inside one being read."""
        if child == _TEXT:
            if self.hidden:
                child = _SKIP
            else:
                self.text_open = True
        elif child == _ACT:
            self._act(tag, attrib)
            child = _SKIP
        elif child == _PARAGRAPH:
            self.pieces = [self.carried] if self.carried else []
            self.carried = ""
            self.style_id = None
            self.ppr_seen = self.pstyle_seen = self.mark_deleted = False
        elif child == _INLINE:
            tags = self.tags
            if tag == tags["fldSimple"] and _generated(attrib.get(tags["instr"], "")):
                child = _SKIP
        elif child == _CODE:
            self.code_open = True
        elif child == _PPR:
            if self.ppr_seen:  # python-docx reads the first
                child = _SKIP
            self.ppr_seen = True
        elif child == _BODY and mode == _DOCUMENT:
            if self.body_seen:
                child = _SKIP
            self.body_seen = True
        return child

    def _act(self, tag: str, attrib: dict[str, str]) -> None:
        """An element read as it opens: a character in a run, a field mark, a style."""
        tags = self.tags
        mark = self.run_marks.get(tag)
        if mark is not None:
            if not self.hidden:
                self.pieces.append(mark)
        elif tag == tags["br"]:
            # Page and column breaks have no text; a plain break is a new line.
            if not self.hidden and attrib.get(tags["type"], "textWrapping") == "textWrapping":
                self.pieces.append("\n")
        elif tag == tags["fldChar"]:
            if self.read_fields:
                self._field(attrib.get(tags["fldCharType"], ""))
        elif tag == tags["pStyle"]:
            if not self.pstyle_seen:
                self.pstyle_seen = True
                self.style_id = attrib.get(tags["val"])
        elif tag == tags["showingPlcHdr"]:
            # The control shows its prompt ("Click or tap here to enter text."), not text
            # anyone wrote: its content is skipped. modes[-1] is w:sdtPr, [-2] the w:sdt.
            self.modes[-2] = _SKIP
        else:  # w:del or w:moveFrom in the paragraph mark's properties
            self.mark_deleted = True

    def _field(self, kind: str) -> None:
        """A complex field begins, moves from its code to its result, or ends."""
        fields = self.fields
        if kind == "begin":
            fields.append(_Field())
            self.hidden += 1
        elif kind == "separate":
            if fields and fields[-1].state == _IN_CODE:
                if _generated(fields[-1].code):
                    fields[-1].state = _IN_HIDDEN_RESULT
                else:
                    fields[-1].state = _IN_RESULT
                    self.hidden -= 1
        elif kind == "end" and fields and fields.pop().state != _IN_RESULT:
            self.hidden -= 1

    def data(self, text: str) -> None:
        """Text inside a w:t of a run being read, or the start of a field's code."""
        if self.text_open:
            self.pieces.append(text)
        elif self.code_open and self.fields:
            field = self.fields[-1]
            if field.state == _IN_CODE and len(field.code) < _CODE_KEPT:
                field.code = (field.code + text)[:_CODE_KEPT]

    def end(self, tag: str) -> None:
        """Close an element; a closing paragraph is kept, or carried into the next."""
        self.depth -= 1
        self.text_open = self.code_open = False
        if self.modes.pop() == _PARAGRAPH:
            text = "".join(self.pieces)
            if self.mark_deleted:
                self.carried = text
            else:
                self.paragraphs.append((text.strip(), self.style_id))
            self.pieces = []

    def close(self) -> None:
        """The document ended: a paragraph still waiting for the next one is kept."""
        if self.carried:
            self.paragraphs.append((self.carried.strip(), self.style_id))
            self.carried = ""


def _document_text(data: bytes, styles: _Styles, name: str) -> str:
    """Each body paragraph as a line and a blank line; headings as '#' or '##' lines."""
    body = _BodyText(name)
    _parse(data, name, body)
    if body.hidden:
        # A field that never leaves its code (a damaged file) hid everything after it;
        # rather than lose that text, read again with field marks ignored (codes are
        # still left out).
        log.info("%s: a field never ends; read again without fields", name)
        body = _BodyText(name, fields=False)
        _parse(data, name, body)
    lines: list[str] = []
    for text, style_id in body.paragraphs:
        level = styles.level(style_id) if text else 0
        lines.append(f"{'#' * level} {text}" if level else text)
        lines.append("")
    return "\n".join(lines)
