"""Story-bible entries the model is told about: those named near the cursor or in this
chapter's synopses, the writer's pinned ones, and (cascading) those the picked entries
mention themselves."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from backend.story.bible import keywords, summary
from backend.text.counts import CJK_CHAR
from backend.text.terms import STOPWORDS

# Why an entry is in, best first: the order in which the budget is handed out.
PINNED, NAMED, PLANNED, CASCADED = 0, 1, 2, 3
REASONS = {
    PINNED: "pinned",
    NAMED: "named in the recent text",
    PLANNED: "named in this chapter's synopsis",
    CASCADED: "mentioned by another entry",
}
COMMON_SHARE = 0.5  # a key found in more than this share of passages is no key at all


@dataclass(frozen=True)
class LoreHit:
    """One triggered entry: where it sits in the bible, why, and how recently it was named."""

    position: int
    name: str
    text: str
    rank: int
    recency: int = 0  # where in the scanned text it was last named (later: more recent)

    @property
    def key(self) -> str:
        """How pins and mutes name this entry."""
        return lore_key(self.name)

    @property
    def reason(self) -> str:
        """Why the entry is in, for the viewer."""
        return REASONS[self.rank]


def lore_key(name: str) -> str:
    """The pin/mute key of the entry called `name`."""
    return f"lore:{name}"


@cache  # keys repeat from one request to the next
def _pattern(key: str) -> re.Pattern[str]:
    if CJK_CHAR.search(key):
        return re.compile(re.escape(key))
    flags = 0 if key[:1].isupper() else re.IGNORECASE
    return re.compile(rf"(?<!\w){re.escape(key)}(?!\w)", flags)


def usable_keys(
    entry: dict[str, Any], common: Callable[[str], bool] | None = None
) -> tuple[list[str], list[str]]:
    """(keys that can trigger the entry, keys ignored because they match almost anything)."""
    good: list[str] = []
    bad: list[str] = []
    for key in dict.fromkeys(keywords(entry)):
        cjk = bool(CJK_CHAR.search(key))
        too_short = len(key) < (2 if cjk else 3)
        if too_short or key.lower() in STOPWORDS or (common is not None and common(key)):
            bad.append(key)
        else:
            good.append(key)
    return good, bad


def _last_mention(text: str, keys: Sequence[str]) -> int:
    best = -1
    for key in keys:
        for match in _pattern(key).finditer(text):
            best = max(best, match.start())
    return best


def pick_lore(
    recent: str,
    planned: str,
    entries: Sequence[dict[str, Any]],
    pinned: frozenset[str] = frozenset(),
    muted: frozenset[str] = frozenset(),
    common: Callable[[str], bool] | None = None,
) -> tuple[list[LoreHit], list[str], list[str]]:
    """(triggered entries, best first; muted entry names; notes about unusable keys)."""
    keys: list[list[str]] = []
    notes: list[str] = []
    for entry in entries:
        good, bad = usable_keys(entry, common)
        keys.append(good)
        name = str(entry.get("Name", "")).strip() or "an unnamed entry"
        notes += [
            f"The key “{k}” of {name} matches almost everything, so it is ignored." for k in bad
        ]
    found: dict[int, LoreHit] = {}
    muted_names: list[str] = []
    for i, entry in enumerate(entries):
        name = str(entry.get("Name", "")).strip()
        if not name:
            continue
        if lore_key(name) in muted:
            muted_names.append(name)
            continue
        last = _last_mention(recent, keys[i])
        if lore_key(name) in pinned:
            found[i] = LoreHit(i, name, summary(entry), PINNED, last)
        elif last >= 0:
            found[i] = LoreHit(i, name, summary(entry), NAMED, last)
        elif _last_mention(planned, keys[i]) >= 0:
            found[i] = LoreHit(i, name, summary(entry), PLANNED)
    _cascade(entries, keys, found, muted)
    hits = sorted(found.values(), key=lambda h: (h.rank, -h.recency, h.position))
    return hits, muted_names, notes


def _cascade(
    entries: Sequence[dict[str, Any]],
    keys: list[list[str]],
    found: dict[int, LoreHit],
    muted: frozenset[str],
    depth: int = 2,
) -> None:
    """Add the entries that picked entries mention, `depth` links deep."""
    frontier = list(found.values())
    for _ in range(depth):
        added: list[LoreHit] = []
        for hit in frontier:
            for j, entry in enumerate(entries):
                name = str(entry.get("Name", "")).strip()
                if j in found or not name or lore_key(name) in muted:
                    continue
                if _last_mention(hit.text, keys[j]) >= 0:
                    found[j] = LoreHit(j, name, summary(entry), CASCADED)
                    added.append(found[j])
        frontier = added
