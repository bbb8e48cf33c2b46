"""Reading and writing plain text files (.txt, .md) and exporting them as text.

Reading is defensive: binary files are refused, invalid UTF-8 is never silently altered
(the caller chooses an encoding or replacement characters), line endings are remembered
and restored on save. Writing is atomic with the previous version kept as a backup.
Story projects are backend/story/project*.py.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import os
import stat
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from backend.storage.atomic import SaveError, atomic_write_bytes, atomic_write_text
from backend.untrusted import OpenFolder, RefusedFile, read_bounded

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
# Legacy encodings a text that is not UTF-8 is offered in, most likely first.
LEGACY_ENCODINGS = {
    "gb18030": "GB18030 (Simplified Chinese)",
    "big5": "Big5 (Traditional Chinese)",
    "cp1252": "Windows-1252 (Western European)",
}
_CJK_MARKS = set("，。“”‘’：「」『』！？、；…—（）《》〈〉·")
_WESTERN = set("éèêëàâäáíìîïóòôöúùûüçñßÉÈÀÁÇÖÜÄÑ’‘“”–—…«»°€£¿¡")


class DocumentError(Exception):
    """A document cannot be opened; the message is for the writer."""


class EncodingProblem(DocumentError):
    """The file is not valid UTF-8: the writer picks an encoding or replacement characters.

    `candidates` are the legacy encodings the bytes decode in, most plausible first, each
    with the opening of the text as it would read.
    """

    def __init__(self, path: Path, position: int, data: bytes = b"") -> None:
        self.candidates = encoding_candidates(data)
        names = ", ".join(LEGACY_ENCODINGS[e] for e, _ in self.candidates) or "Windows-1252"
        super().__init__(
            f"{path.name} is not valid UTF-8 (first bad byte at offset {position}). "
            f"Open it as {names}, or with replacement characters?"
        )
        self.path = path
        self.position = position


def encoding_candidates(data: bytes, preview: int = 60) -> list[tuple[str, str]]:
    """(encoding, preview) for each legacy encoding `data` decodes in, most plausible
    first: Chinese encodings by the share of common Chinese characters they give (a wrong
    one gives rare characters and symbols), Windows-1252 by its accented letters."""
    scored = []
    for encoding in LEGACY_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        scored.append((_plausibility(text, encoding), encoding, " ".join(text[:400].split())))
    scored.sort(key=lambda s: -s[0])
    return [(encoding, text[:preview]) for _, encoding, text in scored]


def _plausibility(text: str, encoding: str) -> float:
    other = [c for c in text[:20000] if ord(c) > 127]
    if not other:
        return 0.5
    if encoding == "cp1252":
        dense = len(other) / max(1, len(text[:20000])) > 0.3  # CJK bytes read as letters
        return 0.0 if dense else sum(c in _WESTERN for c in other) / len(other)
    common = _common_han()
    return sum(c in common or c in _CJK_MARKS for c in other) / len(other)


@cache
def _common_han() -> frozenset[str]:
    """Characters of jieba's dictionary (simplified and traditional words alike)."""
    import jieba

    with jieba.get_dict_file() as f:
        return frozenset(f.read().decode("utf-8"))


@dataclass
class Document:
    """Text as the editor holds it (newlines normalised to \\n) plus how it was stored."""

    text: str
    path: Path | None = None
    encoding: str = "utf-8"
    newline: str = "\n"
    bom: bool = False
    fingerprint: str = ""
    notes: list[str] = field(default_factory=list)

    def to_bytes(self, text: str | None = None) -> bytes:
        """Encode for disk with the original newline style, encoding and BOM."""
        body = (self.text if text is None else text).replace("\n", self.newline)
        data = body.encode(self.encoding, errors="strict")
        if self.bom and self.encoding == "utf-8":
            data = codecs.BOM_UTF8 + data
        return data


def fingerprint(data: bytes) -> str:
    """A short content hash, to notice when a file changed on disk since we read it."""
    return hashlib.sha256(data).hexdigest()[:32]


def looks_binary(data: bytes) -> bool:
    """True for data that is clearly not text (NUL bytes or many control characters)."""
    sample = data[:65536]
    if not sample:
        return False
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in sample:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
        return controls / len(sample) > 0.10
    return False


def detect_newline(text: str) -> str:
    """The file's dominant line ending: \\r\\n, \\r or \\n."""
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    best = max((crlf, "\r\n"), (cr, "\r"), (lf, "\n"))
    return best[1] if best[0] else "\n"


def decode(data: bytes, path: Path, encoding: str | None = None, replace: bool = False) -> Document:
    """Turn file bytes into a Document, or raise DocumentError / EncodingProblem."""
    if looks_binary(data):
        raise DocumentError(f"{path.name} looks like a binary file, not text; it was not opened.")
    bom = data.startswith(codecs.BOM_UTF8)
    notes: list[str] = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = encoding or "utf-16"
    chosen = encoding or "utf-8"
    try:
        text = data.decode("utf-8-sig" if chosen == "utf-8" else chosen)
    except UnicodeDecodeError as exc:
        if not replace:
            raise EncodingProblem(path, exc.start, data) from exc
        text = data.decode("utf-8-sig" if chosen == "utf-8" else chosen, errors="replace")
        notes.append("Some bytes were not valid text and show as �. Saving will write them as �.")
    except LookupError as exc:
        raise DocumentError(f"Unknown encoding {chosen!r}.") from exc
    newline = detect_newline(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    doc = Document(text, path, chosen if chosen != "utf-16" else "utf-16", newline, bom)
    doc.fingerprint = fingerprint(data)
    doc.notes = notes
    if "\u0000" in text:
        doc.notes.append("The file contains NUL characters.")
    return doc


def read_document(
    path: str | os.PathLike[str],
    encoding: str | None = None,
    replace: bool = False,
    *,
    root: Path | None = None,
    folder: OpenFolder | None = None,
) -> Document:
    """Read a .txt / .md (or any text) file. Raises DocumentError with a clear message.

    Only an ordinary file is read (a pipe or a device is refused at once), and at most
    MAX_DOCUMENT_BYTES of it, counted as it is read. With `root`, the file must lie inside
    that folder once links are resolved (a scene of a story project); with `folder`, the
    file is the one of that name in the open folder (which checks the same).
    """
    p = Path(path)
    if root is None and folder is None:
        # A quick refusal for an ordinary file that says how big it is; the bound that
        # holds is the one read_bounded counts.
        with contextlib.suppress(OSError):
            info = p.stat()
            if stat.S_ISREG(info.st_mode) and info.st_size > MAX_DOCUMENT_BYTES:
                raise DocumentError(
                    f"{p.name} is {info.st_size // (1024 * 1024)} MB; Inkling opens texts "
                    f"up to {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB."
                )
    try:
        if folder is not None:
            data = folder.read(p.name, MAX_DOCUMENT_BYTES)
        else:
            data = read_bounded(p, MAX_DOCUMENT_BYTES, root=root)
    except RefusedFile as exc:
        raise DocumentError(str(exc)) from exc
    except FileNotFoundError as exc:
        raise DocumentError(f"{p.name} does not exist (was it moved or deleted?).") from exc
    except IsADirectoryError as exc:
        raise DocumentError(f"{p.name} is a folder.") from exc
    except PermissionError as exc:
        raise DocumentError(f"Inkling is not allowed to read {p.name}.") from exc
    except OSError as exc:
        raise DocumentError(f"Could not read {p.name}: {exc.strerror}.") from exc
    return decode(data, p, encoding, replace)


def changed_on_disk(doc: Document) -> bool:
    """True when the file at doc.path no longer holds what we read or last saved."""
    if doc.path is None or not doc.fingerprint:
        return False
    try:
        return fingerprint(read_bounded(doc.path, MAX_DOCUMENT_BYTES)) != doc.fingerprint
    except (OSError, RefusedFile):
        return True


def save_document(doc: Document, text: str, path: Path | None = None) -> None:
    """Save `text` atomically to `path` (default doc.path); updates doc on success."""
    target = path or doc.path
    if target is None:
        raise SaveError("Choose where to save first.")
    try:
        data = doc.to_bytes(text)
    except UnicodeEncodeError as exc:
        raise SaveError(
            f"Some characters cannot be written as {doc.encoding}; save as UTF-8 instead."
        ) from exc
    atomic_write_bytes(target, data, backup=True)
    doc.text = text
    doc.path = target
    doc.fingerprint = fingerprint(data)


def export_text(text: str, path: Path, markdown: bool) -> None:
    """Export the manuscript as Markdown or plain text (UTF-8, \\n line endings)."""
    body = text if markdown else strip_markdown(text)
    atomic_write_text(path, body if body.endswith("\n") else body + "\n", backup=False)


def strip_markdown(text: str) -> str:
    """Plain text from light Markdown: headings, emphasis markers and rules removed."""
    import re

    out = []
    for line in text.split("\n"):
        line = re.sub(r"^#{1,6}\s+", "", line)
        if re.fullmatch(r"\s*([-*_])(\s*\1){2,}\s*", line):
            line = ""
        line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)
        line = re.sub(r"(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])", r"\2", line)
        out.append(line)
    return "\n".join(out)
