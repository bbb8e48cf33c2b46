"""Recalled passages: BM25 keyword retrieval over every scene of the book.

The book is cut into passages of a few paragraphs. Their search terms are cached on disk
per scene (keyed by a hash of the scene's text), so opening a long book or changing one
scene re-reads only what changed; a damaged cache is rebuilt, never fatal. The cache is
read like any other file that may have been tampered with: bounded in size and nesting.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backend.storage.atomic import SaveError, atomic_write_bytes
from backend.text.terms import names_in, search_terms
from backend.untrusted import RefusedFile, read_json

log = logging.getLogger(__name__)

PASSAGE_CHARS = 700
CACHE_VERSION = 1
NAME_WEIGHT = 3  # a name in the query counts this many times: names anchor what matters
# The cache holds each passage's search terms: about the size of the book's text. A book
# of several million words stays well under this; past it the index is rebuilt each time.
MAX_CACHE_FILE = 256 * 1024 * 1024
CACHE_DEPTH = 6  # {scenes: {id: {passages: [[start, end, [terms]]]}}}


@dataclass(frozen=True)
class SceneText:
    """One scene as the index sees it."""

    scene_id: str
    chapter: int  # index of its chapter in the book
    chapter_title: str
    text: str


@dataclass(frozen=True)
class Passage:
    """A few paragraphs of one scene."""

    scene_id: str
    chapter: int
    chapter_title: str
    start: int
    end: int
    text: str

    @property
    def key(self) -> str:
        """How the writer's pins and mutes name this passage: by its words, so that edits
        elsewhere in the scene do not lose a pin."""
        return f"recall:{self.scene_id}:{text_hash(' '.join(self.text.split()))[:12]}"


def passage_spans(text: str, size: int = PASSAGE_CHARS) -> list[tuple[int, int]]:
    """(start, end) of passages: whole paragraphs up to `size` characters; longer
    paragraphs are cut at the last sentence end (or space) before `size`."""
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    while start < n:
        while start < n and text[start] in "\n \t":
            start += 1
        if start >= n:
            break
        limit = min(n, start + size)
        if limit == n:
            end = n
        else:
            window = text[start:limit]
            cut = window.rfind("\n")
            if cut < size // 3:
                cut = max(window.rfind(". "), window.rfind("。"), window.rfind("! "), -1)
                cut = cut + 1 if cut >= size // 3 else window.rfind(" ")
            end = start + (cut if cut > 0 else len(window))
        if text[start:end].strip():
            spans.append((start, end))
        start = end
    return spans


def text_hash(text: str) -> str:
    """A short hash of a scene's text: the cache's key."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


class RecallIndex:
    """Passages of the book and a BM25 ranking over them. Read-only once built, so jobs on
    the model thread may share it with the window."""

    def __init__(self, passages: Sequence[Passage], terms: Sequence[list[str]]) -> None:
        self.passages = tuple(passages)
        self._terms = [list(t) for t in terms]
        # BM25+ keeps every word's weight positive, even words in most passages (Okapi's
        # go negative there, and a book repeats its names everywhere).
        from rank_bm25 import BM25Plus  # numpy with it: built off the window's thread

        self._bm25 = BM25Plus(self._terms) if self.passages else None
        self._sets = [frozenset(t) for t in self._terms]
        self._df: Counter[str] = Counter()
        for words in self._sets:
            self._df.update(words)

    def __len__(self) -> int:
        return len(self.passages)

    def doc_share(self, word: str) -> float:
        """The share of passages that contain `word` (lower-cased), 0.0 for an empty book."""
        if not self.passages:
            return 0.0
        terms = search_terms(word)
        if not terms:
            return 1.0  # a key with no searchable word in it (e.g. "the") matches anything
        return min(self._df.get(t, 0) for t in terms) / len(self.passages)

    def has_term(self, term: str) -> bool:
        """True when some passage holds `term` (a search term, lower-cased)."""
        return term in self._df

    def term_scores(self, term: str) -> list[float]:
        """Each passage's BM25 score for the one search term `term`; 0.0 where the passage
        does not hold it (BM25+ would give those a small score too)."""
        if self._bm25 is None or term not in self._df:
            return [0.0] * len(self.passages)
        scores = self._bm25.get_scores([term])
        pairs = zip(scores, self._sets, strict=True)
        return [float(s) if term in words else 0.0 for s, words in pairs]

    def search(
        self, query: str, k: int = 8, exclude: Callable[[Passage], bool] | None = None
    ) -> list[tuple[Passage, float]]:
        """The `k` passages that best match `query`, best first (names weigh more)."""
        if self._bm25 is None:
            return []
        words = search_terms(query)
        for name in names_in(query):
            words += search_terms(name) * (NAME_WEIGHT - 1)
        if not words:
            return []
        scores = self._bm25.get_scores(words)
        order = sorted(range(len(scores)), key=lambda i: -scores[i])
        wanted = set(words)
        out: list[tuple[Passage, float]] = []
        for i in order:
            if len(out) >= k:
                break
            if not wanted & self._sets[i]:
                continue  # BM25+ scores every passage; one sharing no word is no match
            if exclude is None or not exclude(self.passages[i]):
                out.append((self.passages[i], float(scores[i])))
        return out


def _scene_entry(scene: SceneText) -> dict[str, Any]:
    spans = passage_spans(scene.text)
    return {
        "hash": text_hash(scene.text),
        "passages": [[s, e, search_terms(scene.text[s:e])] for s, e in spans],
    }


def _read_cache(path: Path | None) -> tuple[dict[str, Any], bool]:
    """The cached scenes, and whether a cache existed but could not be used."""
    if path is None or not path.exists():
        return {}, False
    try:
        data = read_json(path, MAX_CACHE_FILE, max_depth=CACHE_DEPTH)
    except (OSError, RefusedFile) as exc:
        log.warning("recall index %s unreadable: %s", path, exc)
        return {}, True
    if (
        not isinstance(data, dict)
        or data.get("version") != CACHE_VERSION
        or not isinstance(data.get("scenes"), dict)
    ):
        return {}, True
    return data["scenes"], False


def _valid(entry: Any, text: str) -> bool:
    """True when a cached scene entry is for this text and every span and term list in it
    is well formed (anything else means the entry is rebuilt)."""
    if not isinstance(entry, dict) or entry.get("hash") != text_hash(text):
        return False
    passages = entry.get("passages")
    if not isinstance(passages, list):
        return False
    for item in passages:
        if not isinstance(item, list) or len(item) != 3:
            return False
        start, end, terms = item
        if type(start) is not int or type(end) is not int:  # bool and float are not offsets
            return False
        if not 0 <= start < end <= len(text) or not isinstance(terms, list):
            return False
        if not all(isinstance(t, str) for t in terms):
            return False
    return True


def build_index(scenes: Iterable[SceneText], cache: Path | None = None) -> tuple[RecallIndex, str]:
    """The index of `scenes`, reusing the cache where scenes did not change; and a note for
    the writer when a damaged cache had to be rebuilt."""
    cached, damaged = _read_cache(cache)
    fresh: dict[str, Any] = {}
    passages: list[Passage] = []
    terms: list[list[str]] = []
    for scene in scenes:
        found: Any = cached.get(scene.scene_id)
        entry: dict[str, Any] = found if _valid(found, scene.text) else _scene_entry(scene)
        fresh[scene.scene_id] = entry
        for start, end, words in entry["passages"]:
            passages.append(
                Passage(scene.scene_id, scene.chapter, scene.chapter_title, start, end,
                        scene.text[start:end].strip())
            )  # fmt: skip
            terms.append([str(w) for w in words])
    if cache is not None and fresh != cached:
        try:
            payload = {"version": CACHE_VERSION, "scenes": fresh}
            cache.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(cache, json.dumps(payload).encode("utf-8"), backup=False)
        except (
            OSError,
            SaveError,
        ) as exc:  # a cache that cannot be written is only slower next time
            log.warning("could not write the recall index %s: %s", cache, exc)
    note = "The book's recall index was damaged and has been rebuilt." if damaged else ""
    return RecallIndex(passages, terms), note


def cache_path(cache_dir: Path, story_folder: Path) -> Path:
    """Where a story's recall index is cached (outside the project, which writers sync)."""
    key = hashlib.blake2b(str(story_folder.resolve()).encode(), digest_size=8).hexdigest()
    return cache_dir / "recall" / f"{story_folder.stem[:40]}-{key}.json"
