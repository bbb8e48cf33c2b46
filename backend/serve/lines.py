"""Reading request lines for the JSON-lines server: each line at most `MAX_LINE_BYTES`
at a time, a longer one skipped to its end and never held whole."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from backend.untrusted import describe_size

# One request line: a long novel fits. A line is parsed in memory, and a line of millions
# of tiny strings or keys makes Python objects worth twenty times its bytes, so this also
# bounds what one request can make the server allocate (about 150 MB at worst).
MAX_LINE_BYTES = 8 * 1024 * 1024
_DRAIN_CHUNK = 1024 * 1024  # how much of an over-long line is read at a time to skip it


@dataclass(frozen=True)
class LongLine:
    """A request line longer than the limit, skipped to its end; `size` is its length."""

    size: int


def _too_long(size: int) -> str:
    return (
        f"the request line has {size:,} bytes; the most a line may hold is "
        f"{MAX_LINE_BYTES:,} ({describe_size(MAX_LINE_BYTES)})"
    )


def _ends_line(chunk: bytes | str) -> bool:
    return chunk.endswith(b"\n") if isinstance(chunk, bytes) else chunk.endswith("\n")


def request_lines(
    stdin: IO[str] | IO[bytes], limit: int = MAX_LINE_BYTES
) -> Iterator[bytes | str | LongLine]:
    """Each line of `stdin` (as bytes when it has a binary buffer, so bad UTF-8 is the
    request's problem, not the server's); a line over `limit` is skipped to its end a
    chunk at a time and comes out as a LongLine, never held whole."""
    source: IO[Any] = getattr(stdin, "buffer", stdin)
    while True:
        line = source.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or _ends_line(line):
            yield line
            continue
        size = len(line)
        while True:
            chunk = source.readline(_DRAIN_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if _ends_line(chunk):
                size -= 1
                break
        yield LongLine(size)
