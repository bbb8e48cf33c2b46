"""Every spelling of every name, and the rare spellings close to a frequent name
("Evangaline" once, "Evangeline" forty times), found with rapidfuzz.

A capitalised word counts as a name only when the book never writes it in lower case (so
"Soon" opening a sentence is not one). A Chinese name is a word that opens a clause; a
rare one differing from a frequent one of the same length in a single character is a
variant."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import jieba
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from backend.story.facts.english import clean_name
from backend.text.words import warm_up

FREQUENT = 4  # a name written this often is the usual spelling
RARE = 2  # a spelling written at most this often may be a slip
RATIO = 3  # ... and the usual spelling is this many times more common
MIN_SCORE = 85.0  # rapidfuzz ratio between the two spellings


@dataclass(frozen=True)
class Variant:
    """A rare spelling and the frequent name it is close to, with their counts."""

    rare: str
    usual: str
    rare_count: int
    usual_count: int


def book_names(counts: Counter[str], lower: set[str], bible: Iterable[str]) -> Counter[str]:
    """The spellings that are names: never written in lower case, not a sentence opener;
    bible names count as frequent."""
    names: Counter[str] = Counter()
    for name, count in counts.items():
        if name.isascii() and (name.lower() in lower or not clean_name(name)):
            continue
        names[name] = count
    for name in bible:
        for part in name.split():
            names[part] = max(names[part], FREQUENT * RATIO)
    return names


def variants(names: Counter[str]) -> list[Variant]:
    """Rare spellings close to a frequent name (same first letter, ratio >= MIN_SCORE)."""
    usual = [n for n, c in names.items() if c >= FREQUENT]
    out: list[Variant] = []
    for rare, count in sorted(names.items()):
        if count > RARE or len(rare) < 2:
            continue
        choices = [
            u for u in usual
            if u != rare and names[u] >= RATIO * count and u[0] == rare[0] and _close(rare, u)
        ]  # fmt: skip
        if not choices:
            continue
        best = process.extractOne(rare, choices, scorer=fuzz.ratio)
        if best is not None:
            out.append(Variant(rare, best[0], count, names[best[0]]))
    return out


def _is_word(text: str) -> bool:
    """True when jieba's dictionary holds `text` (loaded on first use)."""
    warm_up()
    return bool(jieba.dt.FREQ.get(text, 0))


def _close(rare: str, usual: str) -> bool:
    if rare.isascii():
        if len(rare) < 4 or rare in (usual + "s", usual + "es") or usual == rare + "s":
            return False
        return fuzz.ratio(rare, usual) >= MIN_SCORE and Levenshtein.distance(rare, usual) <= 2
    # Chinese: the same length, one character different, and not itself a word (闰月 is
    # a word, not a slip for 闰土).
    if _is_word(rare):
        return False
    return len(rare) == len(usual) and sum(a != b for a, b in zip(rare, usual, strict=True)) == 1
