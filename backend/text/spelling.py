"""Spell checking with pyspellchecker's offline word-frequency dictionaries.

pyspellchecker was chosen because it installs from the package registry as pure Python
with its dictionaries inside the wheel (English, Spanish, French, German, Italian,
Portuguese, Dutch, Russian and more), so a fresh machine needs no system library and no
download. pyenchant and the hunspell bindings need a system Enchant/Hunspell and separately
installed dictionaries; spylls reads Hunspell files but ships none. Chinese and Japanese
have no spelling in this sense and are never checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

LANGUAGES = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "ru": "Russian",
}
# Letters with inner apostrophes; CJK is excluded (those scripts are not spell checked).
WORD = re.compile(r"[^\W\d_\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+(?:['’][^\W\d_]+)*")


class SpellingError(ValueError):
    """A dictionary cannot be used; the message is for the writer."""


@lru_cache(maxsize=4)
def _dictionary(language: str) -> Any:
    from spellchecker import SpellChecker

    try:
        return SpellChecker(language=language, distance=2)
    except (ValueError, OSError) as exc:
        raise SpellingError(f"No {LANGUAGES.get(language, language)} dictionary: {exc}") from exc


def words_in(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) for every checkable word in `text`."""
    for match in WORD.finditer(text):
        yield match.start(), match.end(), match.group()


class Speller:
    """One language's dictionary plus the project's own words; remembers every verdict."""

    def __init__(self, language: str = "en", own_words: Iterable[str] = ()) -> None:
        if language not in LANGUAGES:
            raise SpellingError(f"Spell checking does not know the language {language!r}.")
        self.language = language
        self._dictionary = _dictionary(language)
        self._own = {w.lower() for w in own_words}
        self._verdicts: dict[str, bool] = {}

    def add_words(self, words: Iterable[str]) -> None:
        """Accept these words from now on (the project's word list, bible names)."""
        for word in words:
            for _s, _e, part in words_in(word):
                self._own.add(part.lower())
        self._verdicts.clear()

    def is_correct(self, word: str) -> bool:
        """True for a known word (cached; this runs for every visible word)."""
        verdict = self._verdicts.get(word)
        if verdict is None:
            verdict = self._check(word)
            self._verdicts[word] = verdict
        return verdict

    def _check(self, word: str) -> bool:
        if len(word) < 2 or word.isupper():
            return True  # single letters and acronyms
        lower = word.lower().replace("’", "'")
        if lower in self._own:
            return True
        if lower in self._dictionary:
            return True
        # Possessives and contractions: "Wren's", "dogs'".
        stem = lower.removesuffix("'s").rstrip("'")
        return stem != lower and (stem in self._own or stem in self._dictionary)

    def suggestions(self, word: str, limit: int = 6) -> list[str]:
        """Likely corrections, most frequent first, in the word's own capitalisation."""
        lower = word.lower()
        found = self._dictionary.candidates(lower) or set()
        ranked = sorted(
            (w for w in found if w != lower),
            key=lambda w: -self._dictionary.word_usage_frequency(w),
        )[:limit]
        if word[:1].isupper():
            ranked = [w[:1].upper() + w[1:] for w in ranked]
        return ranked

    def misspelled(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, word) of every unknown word in `text`."""
        return [hit for hit in words_in(text) if not self.is_correct(hit[2])]
