"""The story bible: character sheets and background entries, and what the model is told.

Entries are plain dicts from field name to text, so they round-trip through TOML, JSON and
cards unchanged. Which entries a prompt mentions is backend/story/memory/lore.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from backend.story.language import bible_template
from backend.text.counts import CJK_CHAR

CHARACTER_FIELDS = (
    "Name",
    "Age",
    "Gender/pronouns",
    "Occupation",
    "Appearance",
    "Personality",
    "Backstory",
    "Goal",
    "Flaw",
    "Voice",
    "Relationships",
)
BACKGROUND_FIELDS = ("Name", "Kind", "Description", "Secrets", "Connections")
BACKGROUND_KINDS = ("setting", "location", "faction", "history", "item")


def examples(lang: str = "en") -> dict[str, list[dict[str, str]]]:
    """The few-shot examples shipped in resources/templates/bible[.<lang>].toml."""
    data = bible_template(lang)
    return {"character": data["character"], "background": data["background"]}


def fields_for(kind: str) -> tuple[str, ...]:
    """The fields of a 'character' or 'background' entry."""
    return CHARACTER_FIELDS if kind == "character" else BACKGROUND_FIELDS


def entry_kind(entry: dict[str, Any]) -> str:
    """'character' or 'background', from the entry's fields."""
    return "background" if "Kind" in entry and "Age" not in entry else "character"


def summary(entry: dict[str, Any]) -> str:
    """One compact line-block describing an entry, for prompts."""
    kind = entry_kind(entry)
    name = str(entry.get("Name", "")).strip()
    if kind == "character":
        about = [str(entry.get(f, "")).strip() for f in ("Age", "Gender/pronouns")]
        about = [a for a in about if a and a != "unknown"]
        bits = [
            f"{name} ({', '.join(about)})" if about else name,
            str(entry.get("Occupation", "")),
            str(entry.get("Personality", "")),
            str(entry.get("Appearance", "")),
            str(entry.get("Goal", "")),
        ]
    else:
        bits = [f"{name} ({entry.get('Kind', '')})", str(entry.get("Description", ""))]
    return " ".join(b.strip() for b in bits if b and b.strip())


def keywords(entry: dict[str, Any]) -> list[str]:
    """Words that mark an entry as mentioned: its full name and each capitalised name part."""
    name = str(entry.get("Name", "")).strip()
    if not name:
        return []
    words = [name]
    words += [w for w in re.findall(r"[A-Z][\w'-]+", name) if len(w) > 2 and w not in ("The",)]
    words += cjk_name_parts(name)
    extra = entry.get("Keywords", "")
    if isinstance(extra, str):
        words += [k.strip() for k in extra.split(",") if k.strip()]
    return words


def cjk_name_parts(name: str) -> list[str]:
    """What a Chinese name is also called by: the given name of a three- or four-character
    name (林黛玉 → 黛玉) and each part of a transliterated name (约翰·华生 → 约翰, 华生)."""
    if not CJK_CHAR.match(name):
        return []
    parts = [p for p in re.split(r"[·・•]", name) if len(p) >= 2]
    if len(parts) > 1:
        return parts
    if len(name) in (3, 4) and all(CJK_CHAR.match(c) for c in name):
        return [name[len(name) - 2 :]]
    return []


def bible_markdown(entries: Iterable[dict[str, Any]], title: str = "Story bible") -> str:
    """The bible (or one entry) as Markdown."""
    out = [f"# {title}", ""]
    for entry in entries:
        kind = entry_kind(entry)
        out.append(f"## {entry.get('Name', 'Unnamed')}")
        out.append("")
        for field in fields_for(kind):
            if field == "Name":
                continue
            value = str(entry.get(field, "")).strip()
            if value:
                out.append(f"- **{field}:** {value}")
        out.append("")
    return "\n".join(out)
