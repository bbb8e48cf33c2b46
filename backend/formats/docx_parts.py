"""The XML parts of a .docx, read without building a tree: defusedxml's parser feeding
small targets that hold nesting and markup counts to limits, the package relationships, and
the paragraph styles with their heading levels. Split from docx_in.py, which reads the body.
"""

from __future__ import annotations

import logging
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from backend.untrusted import describe_size

log = logging.getLogger(__name__)

MAX_XML_TOKEN = 4 * 1024 * 1024  # one tag or comment; Word's longest are a few hundred bytes
MAX_XML_DEPTH = 256  # nested tables and drawings stay far below this
# Elements and attributes in one part: Word writes about 75 for a paragraph of five runs,
# so 300,000 for a 4,000-paragraph novel.
MAX_XML_ITEMS = 3_000_000
# Different element and attribute names in one part; Word uses a few hundred. The parser
# keeps every name it has seen until the part is done, so this bounds its memory.
MAX_XML_NAMES = 20_000

_FEED = 1024 * 1024
_WORD_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # "Strict Open XML" from Word
)
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
# Built-in style names as Word writes them in styles.xml; the Title style is matched apart.
_HEADING_LEVELS = {f"heading {n}": 1 if n == 1 else 2 for n in range(1, 10)}
# Styles followed through w:basedOn from one paragraph's style (templates chain a handful);
# a longer chain is read as body text rather than walked.
MAX_BASED_ON = 64


class DocxRefused(Exception):
    """A Word file was not imported; the message is for the writer and names the file."""


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
