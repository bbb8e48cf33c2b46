"""The snapshot log's lines and whole texts as data: what one line holds, how a line from a
file (perhaps damaged, perhaps hostile) is read back, and how a whole text is inflated
within bounds. The store that writes and reads them is backend/story/snapshots.py.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from backend.untrusted import RefusedFile, loads_json

MAX_NAME_CHARS = 200
_HEX = re.compile(r"[0-9a-f]{64}")
_ID = re.compile(r"[0-9a-f]{8,32}")
_CAUSE = re.compile(r"[a-z_-]{1,40}")


class SnapshotError(Exception):
    """A snapshot could not be taken or read; the message is for the writer."""


@dataclass(eq=False)
class Snapshot:
    """One kept version of a scene."""

    id: str
    scene: str
    time: datetime
    cause: str
    name: str
    words: int
    chars: int
    sha256: str
    base: str
    delta: list[int | str] | None = None
    line_bytes: int = 0

    def to_line(self) -> bytes:
        data: dict[str, Any] = {
            "id": self.id,
            "time": self.time.astimezone(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "cause": self.cause,
            "name": self.name,
            "words": self.words,
            "chars": self.chars,
            "sha256": self.sha256,
            "base": self.base,
        }
        if self.delta is not None:
            data["delta"] = self.delta
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"

    def as_dict(self) -> dict[str, Any]:
        """What `history --json` prints for it."""
        return {
            "id": self.id,
            "time": self.time.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "cause": self.cause,
            "name": self.name,
            "words": self.words,
            "chars": self.chars,
            "sha256": self.sha256,
            "stored": "delta" if self.delta is not None else "whole",
        }


@dataclass
class History:
    """A scene's snapshots, newest first, and notes about lines that could not be read."""

    scene: str
    snapshots: list[Snapshot] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Log:
    """One scene's log as read: its snapshots in file order, and the raw damaged lines."""

    snapshots: list[Snapshot] = field(default_factory=list)
    damaged: list[bytes] = field(default_factory=list)


def text_sha(text: str) -> str:
    """The checksum that names a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _gunzip(data: bytes, most: int) -> bytes:
    """Decompress gzip `data`, refusing more than `most` bytes of output."""
    engine = zlib.decompressobj(wbits=31)
    try:
        out = engine.decompress(data, most + 1)
    except zlib.error as exc:
        raise SnapshotError("The text this snapshot starts from is damaged.") from exc
    if len(out) > most or engine.unconsumed_tail:
        raise SnapshotError("The text this snapshot starts from is larger than any scene.")
    if not engine.eof:
        raise SnapshotError("The text this snapshot starts from is cut short.")
    return out


def _parse_line(raw: bytes, scene_id: str) -> Snapshot | None:
    """A snapshot from one log line, or None when the line is damaged or not one."""
    try:
        data = loads_json(raw, "a snapshot line", max_depth=3)
    except RefusedFile:
        return None
    if not isinstance(data, dict):
        return None
    try:
        when = data["time"]
        parsed = datetime.fromisoformat(when) if isinstance(when, str) and len(when) < 40 else None
        if parsed is None:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        ops = data.get("delta")
        if ops is not None and not (
            isinstance(ops, list) and all(isinstance(o, int | str) for o in ops)
        ):
            return None
        fields_ok = (
            isinstance(data["id"], str)
            and _ID.fullmatch(data["id"])
            and isinstance(data["sha256"], str)
            and _HEX.fullmatch(data["sha256"])
            and isinstance(data["base"], str)
            and _HEX.fullmatch(data["base"])
            and isinstance(data.get("name", ""), str)
            and isinstance(data.get("cause", ""), str)
            and _is_count(data.get("words", 0))
            and _is_count(data.get("chars", 0))
        )
        if not fields_ok:
            return None
        cause = data.get("cause", "")
        return Snapshot(
            id=data["id"],
            scene=scene_id,
            time=parsed,
            cause=cause if _CAUSE.fullmatch(cause) else "manual",
            name=data.get("name", "")[:MAX_NAME_CHARS],
            words=data.get("words", 0),
            chars=data.get("chars", 0),
            sha256=data["sha256"],
            base=data["base"],
            delta=ops,
            line_bytes=len(raw) + 1,
        )
    except (KeyError, ValueError, TypeError):
        return None


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10**12
