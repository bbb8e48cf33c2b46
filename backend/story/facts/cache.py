"""The per-scene cache of what each scene says, keyed by a hash of the scene's text, in
the writer's cache folder (outside the project, which writers sync): a re-check after one
scene changed reads only that scene. The cache is untrusted like any file: read bounded
in size and nesting, every entry checked before use; a damaged one is rebuilt."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from backend.storage.atomic import SaveError, atomic_write_bytes
from backend.story.facts.model import FACT_KINDS, Said
from backend.story.facts.scene import MAX_LOWER, MAX_NAMES, MAX_SAID, SceneFacts, read_scene
from backend.untrusted import RefusedFile, read_json

log = logging.getLogger(__name__)

CACHE_VERSION = 1
MAX_CACHE_FILE = 128 * 1024 * 1024
CACHE_DEPTH = 6  # {scenes: {id: {said: [[...]]}}}
MAX_TEXT = 400  # longest string a cached fact may hold
_KINDS = frozenset((*FACT_KINDS, "time"))


def text_hash(text: str) -> str:
    """A short hash of a scene's text: its cache key."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def cache_path(cache_dir: Path, story_folder: Path) -> Path:
    """Where a story's facts are cached."""
    key = hashlib.blake2b(str(story_folder.resolve()).encode(), digest_size=8).hexdigest()
    return cache_dir / "facts" / f"{story_folder.stem[:40]}-{key}.json"


def scene_facts(
    scenes: Iterable[tuple[str, str]], cache: Path | None
) -> tuple[dict[str, SceneFacts], str]:
    """Each scene's facts by id (from the cache where its text did not change) and a note
    for the writer when a damaged cache was rebuilt."""
    cached, damaged = _read(cache)
    out: dict[str, SceneFacts] = {}
    fresh: dict[str, Any] = {}
    changed = False
    for scene_id, text in scenes:
        digest = text_hash(text)
        entry = cached.get(scene_id)
        facts = _decode(entry, digest, len(text)) if isinstance(entry, dict) else None
        if facts is None:
            facts, changed = read_scene(text), True
            entry = _encode(facts, digest)
        out[scene_id] = facts
        fresh[scene_id] = entry
    if cache is not None and (changed or damaged or set(fresh) != set(cached)):
        _write(cache, fresh)
    note = "The continuity cache was damaged and has been rebuilt." if damaged else ""
    return out, note


def _read(path: Path | None) -> tuple[dict[str, Any], bool]:
    if path is None or not path.exists():
        return {}, False
    try:
        data = read_json(path, MAX_CACHE_FILE, max_depth=CACHE_DEPTH)
    except (OSError, RefusedFile, ValueError) as exc:
        log.warning("continuity cache %s unreadable: %s", path, exc)
        return {}, True
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return {}, True
    scenes = data.get("scenes")
    return (scenes, False) if isinstance(scenes, dict) else ({}, True)


def _write(path: Path, scenes: dict[str, Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"version": CACHE_VERSION, "scenes": scenes}
        atomic_write_bytes(path, json.dumps(payload, ensure_ascii=False).encode(), backup=False)
    except (OSError, SaveError) as exc:  # a cache that cannot be written is only slower
        log.warning("could not write the continuity cache %s: %s", path, exc)


def _encode(facts: SceneFacts, digest: str) -> dict[str, Any]:
    return {
        "hash": digest,
        "said": [s.as_list() for s in facts.said],
        "names": {n: list(v) for n, v in facts.names.items()},
        "lower": facts.lower,
    }


def _decode(entry: dict[str, Any], digest: str, length: int) -> SceneFacts | None:
    """The cached entry as SceneFacts, or None when it is for other text or malformed."""
    said, names, lower = entry.get("said"), entry.get("names"), entry.get("lower")
    if entry.get("hash") != digest or not isinstance(said, list) or len(said) > MAX_SAID:
        return None
    if not isinstance(names, dict) or len(names) > MAX_NAMES:
        return None
    if not isinstance(lower, list) or len(lower) > MAX_LOWER:
        return None
    out = SceneFacts(lower=[w for w in lower if isinstance(w, str) and len(w) <= MAX_TEXT])
    for item in said:
        fact = _said(item, length)
        if fact is None:
            return None
        out.said.append(fact)
    for name, value in names.items():
        if not (isinstance(value, list) and len(value) == 3 and _offsets(value, length)):
            return None
        if len(name) > MAX_TEXT:
            return None
        out.names[name] = (value[0], value[1], value[2])
    return out


def _offsets(values: list[Any], length: int) -> bool:
    if not all(type(v) is int for v in values):  # bool and float are not offsets
        return False
    return values[0] >= 0 and 0 <= values[1] < values[2] <= length


def _said(item: Any, length: int) -> Said | None:
    if not isinstance(item, list) or len(item) != 8:
        return None
    kind, subject, attribute, value, start, end, other, number = item
    texts = (kind, subject, attribute, value, other)
    if not all(isinstance(t, str) and len(t) <= MAX_TEXT for t in texts) or kind not in _KINDS:
        return None
    if not _offsets([0, start, end], length) or type(number) not in (int, float):
        return None
    return Said(kind, subject, attribute, value, start, end, other, float(number))
