"""A small, fast GGUF header reader: the metadata a model manager shows, nothing else.

The gguf package's reader builds an object for every vocabulary entry (minutes for a
262k-token vocabulary); this one skips arrays it does not need by their byte size.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from backend.engines.base import EngineError

MAGIC = b"GGUF"
MAX_KEYS = 100_000
MAX_STRING = 16 << 20
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


def read_metadata(
    path: Path, enough: Callable[[dict[str, Any]], bool] | None = None
) -> dict[str, Any]:
    """Every metadata key of a GGUF file; long arrays become {'array_length': n}.

    With `enough`, reading stops as soon as it says the keys read so far suffice (the
    tokenizer's 262,144 strings, which take a tenth of a second to hop over, come last).
    """
    try:
        with path.open("rb") as f:
            return _read(f, path, enough)
    except OSError as exc:
        raise EngineError(f"Cannot read {path.name}: {exc.strerror or exc}.") from exc
    except (struct.error, UnicodeDecodeError, ValueError) as exc:
        raise EngineError(f"{path.name} has a damaged GGUF header ({exc}).") from exc


def check_gguf(path: Path) -> None:
    """Raise EngineError unless `path` is a readable GGUF file with a plausible header."""
    if not path.exists():
        raise EngineError(f"The model file {path} does not exist.")
    if path.is_dir():
        raise EngineError(f"{path} is a folder, not a GGUF model file.")
    try:
        with path.open("rb") as f:
            head = f.read(24)
    except OSError as exc:
        raise EngineError(f"Cannot read the model file {path}: {exc.strerror}.") from exc
    _check_header(head, path)
    if len(head) < 24:
        raise EngineError(f"{path.name} is not a GGUF model file (wrong header).")


def _check_header(head: bytes, path: Path) -> int:
    """The GGUF version in the first bytes of a file; EngineError unless it is one we read."""
    if head[:4] != MAGIC or len(head) < 8:
        raise EngineError(f"{path.name} is not a GGUF model file (wrong header).")
    version = int.from_bytes(head[4:8], "little")
    if version not in (2, 3):
        raise EngineError(f"{path.name} uses GGUF version {version}, which is not supported.")
    return version


def _read(
    f: BinaryIO, path: Path, enough: Callable[[dict[str, Any]], bool] | None
) -> dict[str, Any]:
    version = _check_header(f.read(8), path)
    n_tensors, n_kv = struct.unpack("<QQ", _exact(f, 16))
    if n_kv > MAX_KEYS:
        raise ValueError(f"{n_kv} metadata keys")
    meta: dict[str, Any] = {"gguf.version": version, "gguf.tensor_count": n_tensors}
    for _ in range(n_kv):
        key = _string(f)
        (vtype,) = struct.unpack("<I", _exact(f, 4))
        meta[key] = _value(f, vtype)
        if enough is not None and enough(meta):
            break
    return meta


def _exact(f: BinaryIO, n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise ValueError("the file ends inside its header")
    return data


def _string(f: BinaryIO) -> str:
    (n,) = struct.unpack("<Q", _exact(f, 8))
    if n > MAX_STRING:
        raise ValueError(f"a {n}-byte string")
    return _exact(f, n).decode("utf-8")


def _value(f: BinaryIO, vtype: int) -> Any:
    if vtype in _FIXED:
        fmt, size = _FIXED[vtype]
        return struct.unpack(fmt, _exact(f, size))[0]
    if vtype == STRING:
        return _string(f)
    if vtype == ARRAY:
        (etype,) = struct.unpack("<I", _exact(f, 4))
        (count,) = struct.unpack("<Q", _exact(f, 8))
        if count <= KEEP_ARRAY:
            return [_value(f, etype) for _ in range(count)]
        _skip_array(f, etype, count)
        return {"array_length": count}
    raise ValueError(f"unknown value type {vtype}")


def _skip_array(f: BinaryIO, etype: int, count: int) -> None:
    if etype in _FIXED:
        f.seek(_FIXED[etype][1] * count, 1)
        return
    if etype != STRING:
        for _ in range(count):
            _value(f, etype)
        return
    # Strings: read the header region in large blocks and hop over each length prefix.
    buf = b""
    pos = 0
    for _ in range(count):
        if len(buf) - pos < 8:
            buf = buf[pos:] + f.read(1 << 20)
            pos = 0
        (n,) = struct.unpack_from("<Q", buf, pos)
        if n > MAX_STRING:
            raise ValueError(f"a {n}-byte string")
        pos += 8
        while len(buf) - pos < n:
            more = f.read(1 << 20)
            if not more:
                raise ValueError("the file ends inside its header")
            buf = buf[pos:] + more
            pos = 0
        pos += n
    f.seek(pos - len(buf), 1)
