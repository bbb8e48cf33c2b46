"""The zip container of a .docx and the limits on what is unpacked from it: the central
directory is checked before anything is unpacked, and the parts needed are inflated in
chunks with the limits held on the bytes actually produced. Split from docx_in.py.
"""

from __future__ import annotations

import io
import logging
import posixpath
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

from backend.formats.docx_parts import DocxRefused, _parse, _Relationships
from backend.untrusted import describe_size

log = logging.getLogger(__name__)

MAX_MEMBERS = 10_000  # files inside the zip; Word writes a few dozen, a few hundred with images
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # all files inside, unpacked, as the zip declares them
MAX_DOCUMENT_BYTES = 128 * 1024 * 1024  # the document text part, unpacked
MAX_PART_BYTES = 16 * 1024 * 1024  # styles and relationship parts, unpacked
# Repetitive XML packs well (150,000 identical paragraphs pack about 340 to 1), so the
# ratio is held only past a size where a bomb would start to cost memory and time.
MAX_RATIO = 100
RATIO_FLOOR = 8 * 1024 * 1024

_LOCAL_HEADER = b"PK\x03\x04"
_CENTRAL_HEADER = b"PK\x01\x02"
_IN_CHUNK = 64 * 1024
_OUT_CHUNK = 1024 * 1024
_DEFAULT_DOCUMENT = "word/document.xml"


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
