"""Language packs: the words and rules generation uses for each language, read from data
files so that a new language is a translation, not new code.

resources/languages/<code>.toml holds the style header's labels, exemplars, the length
ranges and how lengths are counted; resources/templates/bible[.<code>].toml holds the
character and background examples and the rules their fields are checked by.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from backend.storage.paths import RESOURCES
from backend.text.counts import word_count
from backend.text.language import detect_language

LANGUAGES_DIR = RESOURCES / "languages"
TEMPLATES_DIR = RESOURCES / "templates"
DEFAULT = "en"


@dataclass(frozen=True)
class LanguagePack:
    """One language's generation data (see the module docstring)."""

    code: str
    name: str
    counts_characters: bool
    has_tense: bool
    lengths: dict[str, tuple[int, int]]
    header: dict[str, Any]
    pov: dict[str, str]
    pov_marks: dict[str, str]
    exemplars: dict[str, str]
    meta: re.Pattern[str]

    def count(self, text: str) -> int:
        """The length of `text` in this language's unit (words, or CJK characters plus any
        Latin words among them)."""
        if self.counts_characters:
            return word_count(text)
        return len(text.split())

    def exemplar(self, person: str, tense: str) -> str:
        """The sample narration for a person and tense ('' if the pack has none)."""
        return self.exemplars.get(f"{person}.{tense}") or self.exemplars.get(person, "")

    def label(self, key: str) -> str:
        """A header label such as "Genre: " ('' when the pack has none)."""
        return str(self.header.get(key, ""))

    @property
    def labels(self) -> tuple[str, ...]:
        """The header's labels without their colons ("Genre", "类型")."""
        found = (self.label(k).rstrip(" ：:") for k in HEADER_LABELS)
        return tuple(x for x in found if x)


HEADER_LABELS = ("genre", "tone", "narration", "notes", "premise", "sample")


@cache
def pack(code: str) -> LanguagePack:
    """The pack for `code` (English when there is none)."""
    path = LANGUAGES_DIR / f"{code}.toml"
    if not path.is_file():
        path, code = LANGUAGES_DIR / f"{DEFAULT}.toml", DEFAULT
    with path.open("rb") as f:
        data = tomllib.load(f)
    header = dict(data["header"])
    return LanguagePack(
        code=code,
        name=str(data["name"]),
        counts_characters=data.get("count") == "characters",
        has_tense=bool(data.get("tense", True)),
        lengths={k: (int(v[0]), int(v[1])) for k, v in data["lengths"].items()},
        header=header,
        pov=dict(data["pov"]),
        pov_marks=dict(data["pov_marks"]),
        exemplars=dict(data["exemplars"]),
        meta=re.compile(str(header.get("meta", r"(?!)")), re.IGNORECASE),
    )


@cache
def bible_template(code: str) -> dict[str, Any]:
    """The bible examples and rules for `code` (English when there are none)."""
    path = TEMPLATES_DIR / f"bible.{code}.toml"
    if code == DEFAULT or not path.is_file():
        path = TEMPLATES_DIR / "bible.toml"
    with path.open("rb") as f:
        return tomllib.load(f)


def generation_language(chosen: str, *texts: str) -> str:
    """The language to generate in: the story's choice, else detected from `texts` (the
    first that has words); English for a language without a pack of its own."""
    lang = chosen
    if not lang:
        lang = next((found for t in texts if (found := detect_language(t))), DEFAULT)
    return lang if (LANGUAGES_DIR / f"{lang}.toml").is_file() else DEFAULT
