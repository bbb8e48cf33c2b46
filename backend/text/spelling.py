"""Spell checking with pyspellchecker's offline word-frequency dictionaries.

pyspellchecker was chosen because it installs from the package registry as pure Python
with its dictionaries inside the wheel (English, Spanish, French, German, Italian,
Portuguese, Dutch, Russian, Arabic, Basque, Latvian, Persian), so a fresh machine needs no
system library and no download. pyenchant and the hunspell bindings need a system
Enchant/Hunspell and separately installed dictionaries; spylls reads Hunspell files but
ships none. Chinese, Japanese and Korean have no spelling in this sense and are never
checked.

Its one English list is split into English (UK) and English (US) by the spelling pairs in
backend/text/english.py. A story's language code may name a region ("en-GB", "en_AU",
"pt-BR"); plain "en" takes the region from the system's locale.
"""

from __future__ import annotations

import locale
import os
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from backend.text.english import variant

# The dictionaries, by the code a story keeps (English by its variant, the others by their
# base language); the names are those of the Story Details dialog.
LANGUAGES = {
    "en-GB": "English (UK)",
    "en-US": "English (US)",
    "ar": "Arabic",
    "eu": "Basque",
    "nl": "Dutch",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "lv": "Latvian",
    "fa": "Persian",
    "pt": "Portuguese",
    "ru": "Russian",
    "es": "Spanish",
}
ENGLISH = ("en-GB", "en-US")
UNCHECKED = ("zh", "ja", "ko")  # scripts without spelling in this sense
# Regions whose English follows British spelling (Canada keeps -our and -re too).
BRITISH_REGIONS = frozenset(
    {
        "AU", "BD", "BW", "CA", "GB", "GH", "HK", "IE", "IN", "JM", "KE", "LK", "MT", "MU",
        "MW", "MY", "NG", "NZ", "PK", "SG", "TT", "TZ", "UG", "UK", "ZA", "ZM", "ZW",
    }
)  # fmt: skip
# Letters with inner apostrophes; CJK is excluded (those scripts are not spell checked).
WORD = re.compile(r"[^\W\d_\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+(?:['’][^\W\d_]+)*")


def _split(code: str) -> tuple[str, str]:
    """("en", "GB") from "en-GB", "en_gb" or "en_GB.UTF-8"; ("fr", "") from "fr"."""
    tag = code.strip().split(".")[0].split("@")[0].replace("_", "-")
    base, _sep, rest = tag.partition("-")
    return base.lower(), rest.partition("-")[0].upper()


def system_region() -> str:
    """The region of the system's locale ("GB" for en_GB.UTF-8; '' when it names none)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return _split(value)[1]
    try:
        found = locale.getlocale()[0] or ""
    except ValueError:
        found = ""
    return _split(found)[1]


def english_for(region: str) -> str:
    """The English dictionary a region spells by: "en-GB" or "en-US" (the default)."""
    return "en-GB" if region.upper() in BRITISH_REGIONS else "en-US"


def dictionary_code(language: str, region: str | None = None) -> str:
    """The dictionary for a story's language: English by the code's own region, else by
    `region` (else the system's); other languages by their base code ("pt-BR" is "pt")."""
    base, own = _split(language)
    if base == "en":
        if own in ("GB", "US"):
            return f"en-{own}"
        return english_for(own or (system_region() if region is None else region))
    return base


def is_checked(language: str) -> bool:
    """False for the languages that are never spell checked (Chinese, Japanese, Korean)."""
    return _split(language)[0] not in UNCHECKED


class SpellingError(ValueError):
    """A dictionary cannot be used; the message is for the writer."""


_LOADED: set[str] = set()  # codes whose dictionary _dictionary holds


@lru_cache(maxsize=4)
def _dictionary(code: str) -> Any:
    from spellchecker import SpellChecker

    try:
        checker = SpellChecker(language=code.partition("-")[0], distance=2)
    except (ValueError, OSError) as exc:
        raise SpellingError(f"No {LANGUAGES.get(code, code)} dictionary: {exc}") from exc
    if code in ENGLISH:
        words = checker.word_frequency
        try:
            spelling = variant(code)
        except ImportError as exc:  # breame holds the British/American pairs
            raise SpellingError(f"No {LANGUAGES[code]} dictionary: {exc}") from exc
        # A spelling of this variant counts as often as its counterpart (the list holds
        # "harbor" far more often than "harbour"), so that corrections rank it; a missing
        # word counts 0.
        raise_by = {
            w: more
            for w, other in spelling.own.items()
            if (more := max(1, words[other]) - words[w]) > 0
        }
        words.remove_words([w for w in spelling.foreign if w in words])
        words.load_json(raise_by)  # adds to the counts
    _LOADED.add(code)
    return checker


def dictionary_loaded(code: str) -> bool:
    """True when `code`'s dictionary has been read (a Speller for it is then quick)."""
    return code in _LOADED


def load_dictionary(code: str) -> None:
    """Read `code`'s dictionary (half a second for English), e.g. on a thread of its own.
    Raises SpellingError as a Speller would."""
    _dictionary(code)


def words_in(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) for every checkable word in `text`."""
    for match in WORD.finditer(text):
        yield match.start(), match.end(), match.group()


class Speller:
    """One language's dictionary plus the project's own words; remembers every verdict."""

    def __init__(
        self, language: str = "en", own_words: Iterable[str] = (), region: str | None = None
    ) -> None:
        """`language` as a story keeps it ("en-GB", "fr"); plain "en" is British or
        American by `region` ("GB"), else by the system's locale."""
        code = dictionary_code(language, region)
        if code not in LANGUAGES:
            raise SpellingError(f"Spell checking does not know the language {language!r}.")
        self.language = code
        self._dictionary = _dictionary(code)
        self._preferred = variant(code).foreign if code in ENGLISH else {}
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
        found = set(self._dictionary.candidates(lower) or ())
        if self._preferred:
            # One letter from the other variant's spelling ("harbr", "harbor"): offer this
            # variant's ("harbour").
            near = self._dictionary.edit_distance_1(lower)
            found.update(self._preferred[w] for w in near if w in self._preferred)
        ranked = sorted(
            (w for w in found if w != lower),
            key=lambda w: -self._dictionary.word_usage_frequency(w),
        )
        # "center" in British English: "centre" first, however far it is.
        preferred = self._preferred.get(lower)
        if preferred is not None:
            ranked = [preferred, *(w for w in ranked if w != preferred)]
        ranked = ranked[:limit]
        if word[:1].isupper():
            ranked = [w[:1].upper() + w[1:] for w in ranked]
        return ranked

    def misspelled(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, word) of every unknown word in `text`."""
        return [hit for hit in words_in(text) if not self.is_correct(hit[2])]
