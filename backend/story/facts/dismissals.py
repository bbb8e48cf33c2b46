"""Findings the writer dismissed, kept in the project (continuity.toml) so that a finding
is never shown again for the same evidence. Read bounded like every project file; written
atomically."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import tomli_w

from backend.storage.atomic import atomic_write_bytes
from backend.untrusted import RefusedFile, inside, read_toml

log = logging.getLogger(__name__)

FILE_NAME = "continuity.toml"
MAX_FILE = 1024 * 1024
MAX_KEYS = 20000
KEY = re.compile(r"[a-z]{1,16}:[0-9a-f]{20}")


def dismissed_keys(folder: Path) -> frozenset[str]:
    """The keys of the findings dismissed in this project (empty when none or unreadable)."""
    path = folder / FILE_NAME
    if not path.exists():
        return frozenset()
    try:
        data = read_toml(inside(folder, FILE_NAME), MAX_FILE, root=folder, max_depth=4)
    except (OSError, RefusedFile, ValueError) as exc:
        log.warning("%s: %s", path, exc)
        return frozenset()
    keys = data.get("dismissed", [])
    if not isinstance(keys, list):
        return frozenset()
    return frozenset(k for k in keys[:MAX_KEYS] if isinstance(k, str) and KEY.fullmatch(k))


def dismiss(folder: Path, key: str) -> None:
    """Keep `key` as dismissed. Raises ValueError for a malformed key, SaveError when the
    file cannot be written (the previous one is intact)."""
    _write(folder, dismissed_keys(folder) | {_checked(key)})


def undismiss(folder: Path, key: str) -> None:
    """Show a dismissed finding again."""
    _write(folder, dismissed_keys(folder) - {_checked(key)})


def _checked(key: str) -> str:
    if not KEY.fullmatch(key):
        raise ValueError(f"{key!r} is not a finding's key.")
    return key


def _write(folder: Path, keys: frozenset[str]) -> None:
    if len(keys) > MAX_KEYS:
        raise ValueError(f"At most {MAX_KEYS} findings can be dismissed.")
    data = {"dismissed": sorted(keys)}
    atomic_write_bytes(inside(folder, FILE_NAME), tomli_w.dumps(data).encode("utf-8"))
