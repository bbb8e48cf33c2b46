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

import io
import logging
import posixpath
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from backend.untrusted import RefusedFile, describe_size, read_bounded

log = logging.getLogger(__name__)

MAX_DOCX_BYTES = 64 * 1024 * 1024  # the file itself, as for any imported manuscript
MAX_MEMBERS = 10_000  # files inside the zip; Word writes a few dozen, a few hundred with images
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # all files inside, unpacked, as the zip declares them
MAX_DOCUMENT_BYTES = 128 * 1024 * 1024  # the document text part, unpacked
MAX_PART_BYTES = 16 * 1024 * 1024  # styles and relationship parts, unpacked
# Repetitive XML packs well (150,000 identical paragraphs pack about 340 to 1), so the
# ratio is held only past a size where a bomb would start to cost memory and time.
MAX_RATIO = 100
RATIO_FLOOR = 8 * 1024 * 1024
MAX_XML_TOKEN = 4 * 1024 * 1024  # one tag or comment; Word's longest are a few hundred bytes
MAX_XML_DEPTH = 256  # nested tables and drawings stay far below this
# Elements and attributes in one part: Word writes about 75 for a paragraph of five runs,
# so 300,000 for a 4,000-paragraph novel.
MAX_XML_ITEMS = 3_000_000
# Different element and attribute names in one part; Word uses a few hundred. The parser
# keeps every name it has seen until the part is done, so this bounds its memory.
MAX_XML_NAMES = 20_000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_LOCAL_HEADER = b"PK\x03\x04"
_CENTRAL_HEADER = b"PK\x01\x02"
_IN_CHUNK = 64 * 1024
_OUT_CHUNK = 1024 * 1024
_FEED = 1024 * 1024
_WORD_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # "Strict Open XML" from Word
)
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DEFAULT_DOCUMENT = "word/document.xml"
# Built-in style names as Word writes them in styles.xml; the Title style is matched apart.
_HEADING_LEVELS = {f"heading {n}": 1 if n == 1 else 2 for n in range(1, 10)}
# Styles followed through w:basedOn from one paragraph's style (templates chain a handful);
# a longer chain is read as body text rather than walked.
MAX_BASED_ON = 64


class DocxRefused(Exception):
    """A Word file was not imported; the message is for the writer and names the file."""


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


# --- the zip ----------------------------------------------------------------------------
@dataclass
class _Package:
    """A .docx held in memory, with the limits on what is unpacked from it."""

    data: bytes
    archive: zipfile.ZipFile
    name: str
    unpacked: int = field(default=0)

    @classmethod
    def open(cls, data: bytes, name: str) -> _Package:
        """The zip's central directory, checked before anything is unpacked."""
        # Counted before zipfile builds an object per entry: a 64 MB file could declare
        # more than a million of them.
        if data.count(_CENTRAL_HEADER) > MAX_MEMBERS:
            raise _too_many_members(name)
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            EOFError,
            ValueError,
            NotImplementedError,  # a zip format version newer than zipfile reads
            struct.error,
        ) as exc:
            log.info("%s is not a zip: %s", name, exc)
            raise DocxRefused(f"{name} is not a Word (.docx) file.") from exc
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise _too_many_members(name)
        if sum(m.file_size for m in members) > MAX_TOTAL_BYTES:
            raise DocxRefused(
                f"{name} would unpack to more than {describe_size(MAX_TOTAL_BYTES)}, far more "
                "than a Word document does; it was not read."
            )
        return cls(data, archive, name)

    def member(self, part: str) -> zipfile.ZipInfo | None:
        """The zip entry for a part name, or None."""
        try:
            return self.archive.getinfo(part)
        except KeyError:
            return None

    def main_document(self) -> str:
        """The part holding the text: named by the package relationships, as Word reads it."""
        target = self._related("", "_rels/.rels", "/officeDocument") or _DEFAULT_DOCUMENT
        if self.member(target) is None:
            where = _DEFAULT_DOCUMENT if target == _DEFAULT_DOCUMENT else "the part named for it"
            raise DocxRefused(
                f"{self.name} has no document text inside ({where} is missing); it is not a "
                "Word document Inkling can read."
            )
        return target

    def styles_part(self, document_part: str) -> str | None:
        """The styles part related to the document part, if the file has one."""
        folder, leaf = posixpath.split(document_part)
        rels = posixpath.join(folder, "_rels", f"{leaf}.rels")
        target = self._related(folder, rels, "/styles")
        return target if target is not None and self.member(target) is not None else None

    def _related(self, folder: str, rels: str, kind: str) -> str | None:
        """The first internal target of a relationship whose type ends with `kind`."""
        if self.member(rels) is None:
            return None
        found = _Relationships(self.name)
        _parse(self.inflate(rels, MAX_PART_BYTES), self.name, found)
        for rel_type, target, mode in found.found:
            if rel_type.endswith(kind) and mode != "External" and target:
                if not target.startswith("/"):
                    target = posixpath.join("/", folder, target)
                return posixpath.normpath(target).lstrip("/")
        return None

    def inflate(self, part: str, limit: int) -> bytes:
        """A part's bytes, unpacked here in chunks; the limits hold on the bytes produced,
        whatever the headers declare."""
        info = self.archive.getinfo(part)
        self._check_declared(info, limit)
        raw = self._raw(info)
        allowed = min(limit, max(RATIO_FLOOR, MAX_RATIO * info.compress_size))
        if info.compress_type == zipfile.ZIP_STORED:
            out = bytearray(raw)
            self._count(len(out), len(out), allowed, limit)
        else:
            out = self._deflated(raw, allowed, limit)
        if len(out) != info.file_size or zlib.crc32(out) != info.CRC:
            log.info(
                "%s: %s unpacks to %d bytes, declared %d", self.name, part, len(out), info.file_size
            )
            raise self._damaged()
        return bytes(out)

    def _check_declared(self, info: zipfile.ZipInfo, limit: int) -> None:
        if info.flag_bits & 0x41:  # traditional or strong encryption
            raise DocxRefused(
                f"{self.name} is password-protected. Save it from Word without a password, "
                "then import it."
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise DocxRefused(
                f"{self.name} is packed with a kind of compression Word does not use (method "
                f"{info.compress_type}). Save it again from Word, then import it."
            )
        if info.file_size > limit:
            raise self._too_large(limit)
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * info.compress_size:
            raise self._too_packed()

    def _raw(self, info: zipfile.ZipInfo) -> memoryview:
        """The packed bytes of one entry, found through its local header."""
        start = info.header_offset
        if (
            start < 0
            or self.data[start : start + 4] != _LOCAL_HEADER
            or start + 30 > len(self.data)
        ):
            raise self._damaged()
        name_length, extra_length = struct.unpack_from("<HH", self.data, start + 26)
        begin = start + 30 + name_length + extra_length
        end = begin + info.compress_size
        if end > len(self.data):
            raise self._damaged()
        return memoryview(self.data)[begin:end]

    def _deflated(self, raw: memoryview, allowed: int, limit: int) -> bytearray:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        out = bytearray()
        try:
            for offset in range(0, len(raw), _IN_CHUNK):
                pending: bytes | memoryview = raw[offset : offset + _IN_CHUNK]
                while not inflater.eof:
                    piece = inflater.decompress(pending, _OUT_CHUNK)
                    out += piece
                    self._count(len(out), len(piece), allowed, limit)
                    pending = inflater.unconsumed_tail
                    # A full piece may leave output waiting inside zlib even with no input.
                    if not pending and len(piece) < _OUT_CHUNK:
                        break
                if inflater.eof:
                    break
        except zlib.error as exc:
            log.info("%s: deflate stream: %s", self.name, exc)
            raise self._damaged() from exc
        if not inflater.eof:
            raise self._damaged()
        return out

    def _count(self, produced: int, piece: int, allowed: int, limit: int) -> None:
        self.unpacked += piece
        if produced > limit:
            raise self._too_large(limit)
        if produced > allowed:
            raise self._too_packed()
        if self.unpacked > MAX_TOTAL_BYTES:
            raise DocxRefused(
                f"{self.name} unpacks to more than {describe_size(MAX_TOTAL_BYTES)}, far more "
                "than a Word document does; it was not read."
            )

    def _too_large(self, limit: int) -> DocxRefused:
        return DocxRefused(
            f"The text inside {self.name} unpacks to more than {describe_size(limit)}, the "
            "most Inkling reads from a Word file; it was not read."
        )

    def _too_packed(self) -> DocxRefused:
        return DocxRefused(
            f"{self.name} unpacks to more than {MAX_RATIO} times its packed size (past "
            f"{describe_size(RATIO_FLOOR)}), which no Word document does; it was not read."
        )

    def _damaged(self) -> DocxRefused:
        return DocxRefused(
            f"{self.name} is damaged: its contents do not unpack cleanly. Save it again from "
            "Word, then import it."
        )


def _too_many_members(name: str) -> DocxRefused:
    return DocxRefused(
        f"{name} is made of more than {MAX_MEMBERS:,} files inside; a Word document has far "
        "fewer, so it was not read."
    )


# --- the XML ----------------------------------------------------------------------------
def _parse(data: bytes, name: str, target: _Part) -> None:
    """Feed one part through defusedxml's parser into `target`; DTDs and entities refused."""
    parser = SafeET.XMLParser(target=target, forbid_dtd=True)
    try:
        for offset in range(0, len(data), _FEED):
            fed = min(len(data), offset + _FEED)
            parser.feed(data[offset:fed])
            # Expat reports nothing until a tag is complete and scans an unfinished one
            # again on every feed, so one tag of millions of attributes would cost minutes
            # and gigabytes before any limit below could see it.
            if fed - max(parser.parser.CurrentByteIndex, 0) > MAX_XML_TOKEN:
                raise DocxRefused(
                    f"{name} holds a single piece of markup larger than "
                    f"{describe_size(MAX_XML_TOKEN)}; a Word document never does, so it was "
                    "not read."
                )
        parser.close()
    except DefusedXmlException as exc:
        log.info("%s: refused XML: %r", name, exc)
        raise DocxRefused(
            f"{name} contains XML declarations (a DTD or entities) that Word never writes; "
            "it was not read."
        ) from exc
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise DocxRefused(
            f"{name} is damaged: its text is not well-formed XML (line {line}, column "
            f"{column}). Save it again from Word, then import it."
        ) from exc
    except (ValueError, LookupError) as exc:  # e.g. an encoding expat cannot read
        log.info("%s: unreadable XML: %s", name, exc)
        raise DocxRefused(
            f"{name} is damaged: its text is not XML Inkling can read. Save it again from "
            "Word, then import it."
        ) from exc


def _word_tags(root_tag: str) -> dict[str, str] | None:
    """Qualified names in the root's Word namespace, or None for any other namespace."""
    namespace = root_tag[1:].partition("}")[0] if root_tag.startswith("{") else ""
    if namespace not in _WORD_NAMESPACES:
        return None
    names = (
        "document body p pPr pStyle rPr r hyperlink t tab ptab br cr noBreakHyphen val type "
        "sdt sdtPr sdtContent showingPlcHdr ins del moveTo moveFrom smartTag customXml "
        "fldSimple instr fldChar fldCharType instrText dir bdo styles style styleId default "
        "name basedOn outlineLvl"
    )
    return {local: f"{{{namespace}}}{local}" for local in names.split()}


class _Part:
    """A parse target holding one part to the nesting and markup limits.

    Only the open elements are ever known (no tree is built), so memory does not grow
    with the length of the part."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.depth = 0
        self.items = 0
        self.names: set[str] = set()

    def _open(self, tag: str, attrib: dict[str, str]) -> int:
        """Count one element and its attributes; the element's depth (the root is 1)."""
        self.depth += 1
        self.items += 1 + len(attrib)
        names = self.names
        names.add(tag)
        if attrib:
            names.update(attrib)
        if len(names) > MAX_XML_NAMES:
            raise DocxRefused(
                f"{self.name} uses more than {MAX_XML_NAMES:,} different kinds of markup; a "
                "Word document uses a few hundred, so it was not read."
            )
        if self.depth > MAX_XML_DEPTH:
            raise DocxRefused(
                f"{self.name} nests its contents more than {MAX_XML_DEPTH} levels deep; a Word "
                "document never does, so it was not read."
            )
        if self.items > MAX_XML_ITEMS:
            raise DocxRefused(
                f"{self.name} holds more than {MAX_XML_ITEMS:,} pieces of markup, more than "
                "Inkling reads from a Word file; it was not read."
            )
        return self.depth

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        """An element opens."""
        self._open(tag, attrib)

    def end(self, tag: str) -> None:
        """An element closes."""
        self.depth -= 1


class _Relationships(_Part):
    """Type, target and target mode of each relationship in a .rels part."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.found: list[tuple[str, str, str]] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        """Keep each Relationship element's attributes."""
        if self._open(tag, attrib) == 2 and tag == f"{{{_RELS_NS}}}Relationship":
            self.found.append(
                (attrib.get("Type", ""), attrib.get("Target", ""), attrib.get("TargetMode", ""))
            )


class _Style:
    """One paragraph style as styles.xml gives it: name, the style it is based on, and
    whether it sets its own outline level to body text."""

    __slots__ = ("based_on", "body_level", "name")

    def __init__(self, name: str, based_on: str | None, body_level: bool) -> None:
        self.name = name.lower()  # Word writes built-in names lowercase ("heading 1")
        self.based_on = based_on
        self.body_level = body_level


class _Styles:
    """Heading levels of paragraph styles by id (0 for body text), looked up as the
    paragraphs ask for them."""

    def __init__(
        self, styles: dict[str, _Style] | None = None, default: _Style | None = None
    ) -> None:
        self.styles = styles or {}
        self.levels: dict[str, int] = {}
        self.inherited: dict[str, int] = {}
        # python-docx's own Normal when the file has no styles: no heading.
        self.default_level = self._level(default) if default is not None else 0

    def level(self, style_id: str | None) -> int:
        """1 for the Title and Heading 1 styles, 2 for Heading 2 to 9, else 0.

        An id that names no paragraph style means the default style, as in python-docx."""
        style = self.styles.get(style_id) if style_id else None
        if style is None or style_id is None:
            return self.default_level
        level = self.levels.get(style_id)
        if level is None:
            level = self.levels[style_id] = self._level(style)
        return level

    def _level(self, style: _Style) -> int:
        """The heading level of a paragraph in this style."""
        if style.name == "title":
            return 1
        own = _passed_on(style)
        return own if own is not None else self._inherited(style.based_on)

    def _inherited(self, style_id: str | None) -> int:
        """The heading level a style passes on to the styles based on it, walking up its
        bases; a missing base, a loop or a chain past MAX_BASED_ON means body text."""
        path: list[str] = []
        current = style_id
        level = 0
        while current is not None:
            known = self.inherited.get(current)
            if known is not None:
                level = known
                break
            style = self.styles.get(current)
            if style is None or current in path:
                break
            if len(path) >= MAX_BASED_ON:
                return 0  # not kept: a walk starting further up may still reach a heading
            path.append(current)
            own = _passed_on(style)
            if own is not None:
                level = own
                break
            current = style.based_on
        for walked in path:
            self.inherited[walked] = level
        return level


def _passed_on(style: _Style) -> int | None:
    """The heading level a style gives the styles based on it, or None to look further up.

    Word carries a heading's outline level down to styles based on it unless one of them
    sets body text (its "TOC Heading", based on Heading 1, does); the Title style is the
    book's title, and what is based on it is not a heading."""
    if style.name == "title":
        return 0
    level = _HEADING_LEVELS.get(style.name)
    if level is not None:
        return level
    return 0 if style.body_level else None


class _StyleNames(_Part):
    """Reads styles.xml as python-docx resolves a paragraph's style: the first style with
    the id, if it is a paragraph style, else the last default paragraph style; with each
    style's name, the style it is based on, and its own outline level."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.tags: dict[str, str] = {}
        self.first: dict[str, _Style | None] = {}  # id -> the style, None if not a paragraph
        self.default: _Style | None = None
        self.current: _Style | None = None
        self.current_id: str | None = None
        self.current_default = False
        self.seen: set[str] = set()  # the current style's children read so far
        self.in_ppr = False

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        """Note each style's id, type, default flag, name, base and outline level."""
        depth = self._open(tag, attrib)
        tags = self.tags
        if depth == 1:
            self.tags = _word_tags(tag) or {}
        elif depth == 2 and tags and tag == tags["style"]:
            self.current_id = attrib.get(tags["styleId"])
            self.current_default = attrib.get(tags["default"]) in ("1", "true", "on")
            paragraph = attrib.get(tags["type"]) == "paragraph"
            self.current = _Style("", None, False) if paragraph else None
            self.in_ppr = False
            self.seen = set()
        elif depth == 3 and self.current is not None and tag not in self.seen:
            # python-docx and Word read the first of each of these children.
            self.seen.add(tag)
            if tag == tags["name"]:
                self.current.name = attrib.get(tags["val"], "").lower()
            elif tag == tags["basedOn"]:
                self.current.based_on = attrib.get(tags["val"])
            elif tag == tags["pPr"]:
                self.in_ppr = True
        elif depth == 4 and self.in_ppr and self.current is not None and tag == tags["outlineLvl"]:
            level = attrib.get(tags["val"], "")
            self.current.body_level = not (level.isdigit() and int(level) < 9)

    def end(self, tag: str) -> None:
        """Record a style when it closes."""
        if self.depth == 2:
            style_id, style = self.current_id, self.current
            if style_id is not None and style_id not in self.first:
                self.first[style_id] = style
            if style is not None and self.current_default:
                self.default = style  # the last default wins, as the standard says
            self.current_id = self.current = None
        elif self.depth == 3:
            self.in_ppr = False
        self.depth -= 1

    def styles(self) -> _Styles:
        """What was read; an id whose first style is not a paragraph style gets the default."""
        found = {k: style for k, style in self.first.items() if style is not None}
        return _Styles(found, self.default)


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
