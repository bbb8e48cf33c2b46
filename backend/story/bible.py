"""The story bible: character sheets and background entries, and what the model is told.

Entries are plain dicts from field name to text, so they round-trip through TOML, JSON and
cards unchanged. `lore_for` picks the entries mentioned near the cursor (a lorebook).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from backend.storage.paths import RESOURCES

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
TEMPLATES = RESOURCES / "templates" / "bible.toml"
LORE_SCAN_CHARS = 1500
LORE_BUDGET_CHARS = 900


@cache
def examples() -> dict[str, list[dict[str, str]]]:
    """The few-shot examples shipped in resources/templates/bible.toml."""
    with TEMPLATES.open("rb") as f:
        data = tomllib.load(f)
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
        bits = [
            f"{name} ({entry.get('Age', '?')}, {entry.get('Gender/pronouns', '')})".strip(),
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
    extra = entry.get("Keywords", "")
    if isinstance(extra, str):
        words += [k.strip() for k in extra.split(",") if k.strip()]
    return words


def lore_for(
    text_before: str, entries: Sequence[dict[str, Any]], budget_chars: int = LORE_BUDGET_CHARS
) -> str:
    """A short 'story notes' block for entries whose names appear near the cursor."""
    recent = text_before[-LORE_SCAN_CHARS:]
    picked: list[tuple[int, str]] = []
    for entry in entries:
        hits = [recent.rfind(k) for k in keywords(entry)]
        last = max(hits, default=-1)
        if last >= 0:
            picked.append((last, summary(entry)))
    if not picked:
        return ""
    picked.sort(reverse=True)  # most recently mentioned first
    lines: list[str] = []
    used = 0
    for _, line in picked:
        if used + len(line) > budget_chars:
            break
        lines.append(f"- {line}")
        used += len(line)
    return "Story notes:\n" + "\n".join(lines) + "\n\n" if lines else ""


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
