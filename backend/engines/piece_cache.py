"""A kept copy of a GGUF model's vocabulary pieces and end tokens, so a later start is ready
to suggest without asking llama.cpp for 262,144 pieces one call at a time (about 0.5 s).

One file per model in the app's cache folder, named by a digest of what the pieces depend
on: the model file (device and inode, size, modification time) and the llama.cpp version
that decoded them. The file carries a sha256 of its body; a file that is damaged, truncated,
too large or for another vocabulary size is ignored (and replaced), never trusted. Writing is
best effort (a cache folder that cannot be written only costs the next start its 0.5 s) and replaces
the file in one rename, unsynced: a file a crash left short fails its digest.

Layout: MAGIC, sha256 of the rest (32 bytes), then little-endian u32 counts (pieces, end
tokens), the end token ids (u32 each), each piece's length (u32 each) and the pieces' bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import struct
import sys
import tempfile
from array import array
from itertools import accumulate, pairwise
from pathlib import Path

log = logging.getLogger(__name__)

MAGIC = b"INKLING-PIECES-1\n"
MAX_FILE = 256 * 1024 * 1024  # Gemma's 262,144 pieces take about 3 MB
MAX_TOKENS = 1 << 22
KEEP_FILES = 8  # other models' files beyond these are removed, oldest first
SUFFIX = ".pieces"


def cache_file(folder: Path, model: Path, version: str, n_vocab: int) -> Path | None:
    """Where the pieces of `model`, as `version` of llama.cpp decodes them, are kept
    (None when the model file cannot be read)."""
    try:
        st = model.stat()
    except OSError:
        return None
    # The file itself, wherever it is linked: a model replaced or rewritten gets a new name.
    key = f"{st.st_dev}:{st.st_ino}\0{st.st_size}\0{st.st_mtime_ns}\0{version}\0{n_vocab}"
    return folder / (hashlib.sha256(key.encode()).hexdigest()[:32] + SUFFIX)


def _u32(values: list[int]) -> array:
    out = array("I", values)
    if sys.byteorder != "little":
        out.byteswap()
    return out


def encode(pieces: list[bytes], end_tokens: set[int]) -> bytes:
    """The file's bytes for `pieces` and `end_tokens`."""
    ends = sorted(end_tokens)
    body = b"".join((
        struct.pack("<II", len(pieces), len(ends)),
        _u32(ends).tobytes(),
        _u32([len(p) for p in pieces]).tobytes(),
        b"".join(pieces),
    ))  # fmt: skip
    return MAGIC + hashlib.sha256(body).digest() + body


def decode(data: bytes, n_vocab: int) -> tuple[list[bytes], set[int]] | None:
    """The pieces and end tokens in `data`, or None unless it is whole and for `n_vocab`."""
    head = len(MAGIC) + 32
    if len(data) < head + 8 or not data.startswith(MAGIC):
        return None
    body = memoryview(data)[head:]
    if hashlib.sha256(body).digest() != data[len(MAGIC) : head]:
        return None
    n, n_end = struct.unpack_from("<II", body)
    if n != n_vocab or n > MAX_TOKENS or n_end > n:
        return None
    at = 8 + 4 * n_end + 4 * n
    if len(body) < at:
        return None
    table = array("I")
    table.frombytes(body[8:at])
    if sys.byteorder != "little":
        table.byteswap()
    ends, lengths = table[:n_end], table[n_end:]
    blob = bytes(body[at:])
    if sum(lengths) != len(blob) or any(t >= n for t in ends):
        return None
    offsets = [0, *accumulate(lengths)]
    return [blob[a:b] for a, b in pairwise(offsets)], set(ends)


def load(path: Path | None, n_vocab: int) -> tuple[list[bytes], set[int]] | None:
    """The kept pieces and end tokens at `path`, or None (absent, damaged, another model)."""
    if path is None:
        return None
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE + 1)
    except OSError:
        return None
    found = decode(data, n_vocab) if len(data) <= MAX_FILE else None
    if found is None:
        log.info("Ignoring the vocabulary cache %s: it does not match this model", path.name)
    return found


def save(path: Path | None, pieces: list[bytes], end_tokens: set[int]) -> None:
    """Keep `pieces` and `end_tokens` at `path`; remove the oldest other models' files."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(encode(pieces, end_tokens))
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        others = sorted(
            (p for p in path.parent.glob("*" + SUFFIX) if p != path),
            key=lambda p: p.stat().st_mtime_ns,
            reverse=True,
        )
        for old in others[KEEP_FILES - 1 :]:
            with contextlib.suppress(OSError):
                old.unlink()
    except OSError as exc:
        log.info("The vocabulary cache could not be written (%s)", exc)
