"""Language packs: the words and rules generation uses for each language, read from data
files so that a new language is a translation, not new code.

resources/languages/<code>.toml holds the style header's labels, exemplars, the length
ranges and how lengths are counted; resources/templates/bible[.<code>].toml holds the
character and background examples and the rules their fields are checked by.

A language code comes from a story's own files, so it only ever names a pack: it must be a
plain id (no separators, no dots), the pack is proven to lie in its folder, and it is read
bounded. A code without a usable pack falls back to English. A regional code ("en-GB",
"pt_BR") names its language's pack: the region matters to spelling, not to generation.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from backend.storage.paths import RESOURCES
from backend.text.counts import word_count
from backend.text.language import detect_language
from backend.untrusted import RefusedFile, inside, is_safe_id, read_toml

LANGUAGES_DIR = RESOURCES / "languages"
TEMPLATES_DIR = RESOURCES / "templates"
DEFAULT = "en"
MAX_PACK_FILE = 1024 * 1024  # a pack or template is a few KB of words and rules

log = logging.getLogger(__name__)


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
    matching: dict[str, Any]  # "Match my style": its thresholds and phrases ([match])

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


def _data_file(folder: Path, name: str) -> Path | None:
    """`folder`/`name`, when it is a file that lies inside `folder`; else None."""
    try:
        path = inside(folder, name)
    except RefusedFile:
        return None
    return path if path.is_file() else None


def base_language(code: str) -> str:
    """The language of a code without its region: "en" for "en-GB" and "en_US"."""
    return code.replace("_", "-").partition("-")[0].strip().lower()


def pack_file(code: str) -> Path | None:
    """The pack file for `code` (its language's, for a regional code), or None when it is
    not a plain id or has no pack."""
    code = base_language(code)
    return _data_file(LANGUAGES_DIR, f"{code}.toml") if is_safe_id(code) else None


def _read(path: Path, folder: Path) -> dict[str, Any]:
    return read_toml(path, MAX_PACK_FILE, root=folder)


@lru_cache(maxsize=16)  # codes come from story files: a bounded cache
def pack(code: str) -> LanguagePack:
    """The pack for `code` (English when there is none, or it cannot be read)."""
    code = base_language(code)
    path = pack_file(code)
    if path is not None and code != DEFAULT:
        try:
            return _pack(code, _read(path, LANGUAGES_DIR))
        except (RefusedFile, OSError, KeyError, TypeError, ValueError, IndexError) as exc:
            log.warning("language pack %s unusable, English is used: %s", code, exc)
    return _pack(DEFAULT, _read(LANGUAGES_DIR / f"{DEFAULT}.toml", LANGUAGES_DIR))


def _pack(code: str, data: dict[str, Any]) -> LanguagePack:
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
        matching=dict(data["match"]),
    )


@lru_cache(maxsize=16)  # codes come from story files: a bounded cache
def bible_template(code: str) -> dict[str, Any]:
    """The bible examples and rules for `code` (English when there are none)."""
    code = base_language(code)
    path = None
    if code != DEFAULT and is_safe_id(code):
        path = _data_file(TEMPLATES_DIR, f"bible.{code}.toml")
    if path is not None:
        try:
            return _read(path, TEMPLATES_DIR)
        except (RefusedFile, OSError, ValueError) as exc:
            log.warning("bible template for %s unusable, English is used: %s", code, exc)
    return _read(TEMPLATES_DIR / "bible.toml", TEMPLATES_DIR)


def generation_language(chosen: str, *texts: str) -> str:
    """The language to generate in: the story's choice, else detected from `texts` (the
    first that has words), without its region; English for a language without a pack of
    its own."""
    lang = base_language(chosen)
    if not lang:
        lang = next((found for t in texts if (found := detect_language(t))), DEFAULT)
    return lang if pack_file(lang) is not None else DEFAULT
