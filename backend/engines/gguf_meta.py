"""A small, fast GGUF header reader: the metadata a model manager shows, nothing else.

The gguf package's reader builds an object for every vocabulary entry (minutes for a
262k-token vocabulary); this one skips arrays it does not need by their byte size.

A GGUF file may come from anywhere, so every count and length in its header is checked
against the bytes the file still holds before anything is allocated or skipped, arrays may
nest only a few levels, and only a regular file is read (a FIFO would block for ever, a link
to /dev/zero never ends). Whatever is wrong ends in one EngineError that names the file.
"""

from __future__ import annotations

import errno
import os
import stat
import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from backend.engines.base import EngineError

MAGIC = b"GGUF"
MAX_KEYS = 100_000
MAX_STRING = 16 << 20
# Arrays of arrays are legal GGUF, but no model nests them deeply; a hostile file that nests
# them 50,000 deep must not exhaust the stack.
MAX_NESTING = 8
# Every string hopped over and every element of an array of arrays costs a little Python
# work; the largest real vocabularies (about 260k tokens plus their merges) need well under
# a million, so a header that asks for more than this is refused instead of walked.
MAX_ITEMS = 4_000_000
# Strings and short arrays that are kept in memory, summed over the whole header.
MAX_KEPT_BYTES = 64 << 20
# type id -> (struct format, size) for fixed-size values
_FIXED = {
    0: ("<B", 1),
    1: ("<b", 1),
    2: ("<H", 2),
    3: ("<h", 2),
    4: ("<I", 4),
    5: ("<i", 4),
    6: ("<f", 4),
    7: ("<?", 1),
    10: ("<Q", 8),
    11: ("<q", 8),
    12: ("<d", 8),
}
STRING, ARRAY = 8, 9
# Arrays longer than this are summarised by their length instead of read.
KEEP_ARRAY = 64
# The fewest bytes each part can take: a key (length + type + a 1-byte value) and a tensor
# description (name length, dimension count, type, offset).
_MIN_KEY = 8 + 4 + 1
_MIN_TENSOR = 8 + 4 + 4 + 8
# What one kept array element costs in memory (a list slot and a number), roughly.
_KEPT_ELEMENT = 32
_HEADER = 24
_BLOCK = 1 << 20


class _Damaged(ValueError):
    """Something in the header cannot be true; the message says what, in plain words."""


def read_metadata(
    path: Path, enough: Callable[[dict[str, Any]], bool] | None = None
) -> dict[str, Any]:
    """Every metadata key of a GGUF file; long arrays become {'array_length': n}.

    With `enough`, reading stops as soon as it says the keys read so far suffice (the
    tokenizer's 262,144 strings, which take a tenth of a second to hop over, come last).
    Raises EngineError, naming the file, for anything that is not a readable GGUF header.
    """
    try:
        with _open_regular(path) as (f, size):
            return _Header(f, size, path).read(enough)
    except OSError as exc:
        raise EngineError(f"Cannot read {path.name}: {exc.strerror or exc}.") from exc
    except (_Damaged, struct.error, UnicodeDecodeError) as exc:
        raise EngineError(f"{path.name} has a damaged GGUF header ({exc}).") from exc


def check_gguf(path: Path) -> None:
    """Raise EngineError unless `path` is a readable GGUF file with a plausible header."""
    try:
        with _open_regular(path) as (f, _size):
            head = f.read(_HEADER)
    except FileNotFoundError as exc:
        raise EngineError(f"The model file {path} does not exist.") from exc
    except OSError as exc:
        raise EngineError(f"Cannot read the model file {path}: {exc.strerror or exc}.") from exc
    _check_header(head, path)
    if len(head) < _HEADER:
        raise EngineError(f"{path.name} is not a GGUF model file (wrong header).")


@contextmanager
def _open_regular(path: Path) -> Iterator[tuple[BinaryIO, int]]:
    """The open file and its size, for a regular file only (symlinks to one are fine: a
    model in the hub's cache is one). Opened without blocking so a FIFO is refused, not
    waited on; GGUF files are gigabytes, so nothing is read here."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno == errno.EISDIR:
            raise EngineError(f"{path} is a folder, not a GGUF model file.") from exc
        raise
    except ValueError as exc:  # a NUL in the name
        raise EngineError(f"{path.name!r} is not a file name.") from exc
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise EngineError(f"{path} is a folder, not a GGUF model file.")
        if not stat.S_ISREG(st.st_mode):
            raise EngineError(
                f"{path.name} is not an ordinary file (it is a device, a pipe or a socket); "
                "it was not read."
            )
        os.set_blocking(fd, True)
        f = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with f:
        yield f, st.st_size


def _check_header(head: bytes, path: Path) -> int:
    """The GGUF version in the first bytes of a file; EngineError unless it is one we read."""
    if head[:4] != MAGIC or len(head) < 8:
        raise EngineError(f"{path.name} is not a GGUF model file (wrong header).")
    version = int.from_bytes(head[4:8], "little")
    if version not in (2, 3):
        raise EngineError(f"{path.name} uses GGUF version {version}, which is not supported.")
    return version


class _Header:
    """One pass over a GGUF header, keeping count of where it is and what it has spent."""

    def __init__(self, f: BinaryIO, size: int, path: Path) -> None:
        self.f = f
        self.size = size
        self.path = path
        self.pos = 0
        self.items = 0
        self.kept = 0

    @property
    def left(self) -> int:
        return self.size - self.pos

    def read(self, enough: Callable[[dict[str, Any]], bool] | None) -> dict[str, Any]:
        version = _check_header(self.f.read(8), self.path)
        self.pos = 8
        n_tensors, n_kv = struct.unpack("<QQ", self.take(16))
        if n_kv > MAX_KEYS:
            raise _Damaged(f"it claims {n_kv:,} metadata keys; at most {MAX_KEYS:,} are read")
        if n_kv * _MIN_KEY + n_tensors * _MIN_TENSOR > self.left:
            raise _Damaged(
                f"it claims {n_kv:,} metadata keys and {n_tensors:,} tensors, more than the "
                f"{self.left:,} bytes that follow its first {self.pos} could hold"
            )
        meta: dict[str, Any] = {"gguf.version": version, "gguf.tensor_count": n_tensors}
        for _ in range(n_kv):
            key = self.string()
            (vtype,) = struct.unpack("<I", self.take(4))
            meta[key] = self.value(vtype, 0)
            if enough is not None and enough(meta):
                break
        return meta

    def take(self, n: int) -> bytes:
        """The next `n` bytes, which the file must still hold."""
        if n > self.left:
            raise _Damaged(
                f"the file ends inside its header: {n:,} bytes are needed at byte "
                f"{self.pos:,} and only {self.left:,} follow"
            )
        data = self.f.read(n)
        if len(data) != n:  # the file shrank while it was read
            raise _Damaged(f"the file ends inside its header, at byte {self.pos + len(data):,}")
        self.pos += n
        return data

    def skip(self, n: int) -> None:
        if n > self.left:
            raise _Damaged(
                f"the file ends inside its header: an array of {n:,} bytes at byte "
                f"{self.pos:,} and only {self.left:,} follow"
            )
        self.f.seek(n, os.SEEK_CUR)
        self.pos += n

    def spend(self, items: int) -> None:
        self.items += items
        if self.items > MAX_ITEMS:
            raise _Damaged(f"it holds more than {MAX_ITEMS:,} values in arrays")

    def keep(self, n: int) -> None:
        self.kept += n
        if self.kept > MAX_KEPT_BYTES:
            raise _Damaged(f"its metadata is larger than {MAX_KEPT_BYTES >> 20} MB")

    def string(self) -> str:
        (n,) = struct.unpack("<Q", self.take(8))
        if n > MAX_STRING:
            raise _Damaged(f"a string of {n:,} bytes at byte {self.pos - 8:,}")
        data = self.take(n)
        self.keep(n)
        return data.decode("utf-8")

    def value(self, vtype: int, level: int) -> Any:
        if vtype in _FIXED:
            fmt, size = _FIXED[vtype]
            return struct.unpack(fmt, self.take(size))[0]
        if vtype == STRING:
            return self.string()
        if vtype == ARRAY:
            return self.array(level + 1)
        raise _Damaged(f"unknown value type {vtype} at byte {self.pos - 4:,}")

    def array(self, level: int) -> Any:
        if level > MAX_NESTING:
            raise _Damaged(f"arrays nested more than {MAX_NESTING} deep")
        start = self.pos
        (etype,) = struct.unpack("<I", self.take(4))
        (count,) = struct.unpack("<Q", self.take(8))
        smallest = _element_size(etype, start)
        if count * smallest > self.left:
            raise _Damaged(
                f"an array of {count:,} elements at byte {start:,}, more than the "
                f"{self.left:,} bytes that follow could hold"
            )
        if etype in _FIXED:
            if count <= KEEP_ARRAY:
                self.keep(count * _KEPT_ELEMENT)
                return [self.value(etype, level) for _ in range(count)]
            self.skip(smallest * count)
            return {"array_length": count}
        self.spend(count)
        if count <= KEEP_ARRAY:
            self.keep(count * _KEPT_ELEMENT)
            return [self.value(etype, level) for _ in range(count)]
        if etype == STRING:
            self.skip_strings(count)
        else:
            for _ in range(count):
                self.value(etype, level)
        return {"array_length": count}

    def skip_strings(self, count: int) -> None:
        """Hop over `count` strings, reading the header in large blocks rather than one
        small read per length prefix."""
        buf = b""
        at = 0  # position in buf
        origin = self.pos  # file offset of buf[0]
        for _ in range(count):
            if len(buf) - at < 8:
                origin += at
                buf = buf[at:] + self.f.read(_BLOCK)
                at = 0
                if len(buf) < 8:
                    self.pos = origin
                    raise _Damaged(f"the file ends inside its header, at byte {origin:,}")
            (n,) = struct.unpack_from("<Q", buf, at)
            if n > MAX_STRING:
                raise _Damaged(f"a string of {n:,} bytes at byte {origin + at:,}")
            at += 8
            if origin + at + n > self.size:
                raise _Damaged(
                    f"the file ends inside its header: a string of {n:,} bytes at byte "
                    f"{origin + at - 8:,} and only {self.size - origin - at:,} follow"
                )
            if len(buf) - at >= n:
                at += n
            else:
                beyond = n - (len(buf) - at)
                self.f.seek(beyond, os.SEEK_CUR)
                origin += len(buf) + beyond
                buf, at = b"", 0
        self.f.seek(at - len(buf), os.SEEK_CUR)  # give back what was read ahead
        self.pos = origin + at


def _element_size(etype: int, where: int) -> int:
    """The fewest bytes one array element of `etype` takes (its length prefix alone for a
    string, its type and count for an empty array)."""
    if etype in _FIXED:
        return _FIXED[etype][1]
    if etype == STRING:
        return 8
    if etype == ARRAY:
        return 12
    raise _Damaged(f"an array of unknown value type {etype} at byte {where:,}")
