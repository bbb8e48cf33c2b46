"""Facts the story bible states (a character's Age, Appearance and Relationships), and a
fact from the text turned into a bible field for the writer to confirm."""

from __future__ import annotations

import re
from typing import Any

from backend.story.bible import entry_kind
from backend.story.facts import chinese, english, english_events
from backend.story.facts.english import NAME, clean_name
from backend.story.facts.model import BIBLE, Citation, Fact
from backend.story.facts.spans import chinese_number, english_number
from backend.story.project import Story

MAX_ENTRIES = 2000
MAX_FIELD = 4000
_REL_OF = re.compile(
    rf"\b(?P<rel>{'|'.join(english_events.RELATIONS)})\s+(?:of|to)\s+(?P<owner>{NAME})", re.I
)
_REL_COLON = re.compile(
    rf"\b(?P<rel>{'|'.join(english_events.RELATIONS)}):\s*(?P<rel_name>{NAME})", re.I
)
_ZH_REL = re.compile(rf"(?P<owner>[\u4e00-\u9fff]{{2,4}}?)的(?P<rel>{'|'.join(chinese.RELATIONS)})")


def bible_facts(story: Story) -> list[Fact]:
    """Facts from the characters of the story bible, cited as the bible."""
    out: list[Fact] = []
    for entry in story.characters[:MAX_ENTRIES]:
        if not isinstance(entry, dict) or entry_kind(entry) != "character":
            continue
        name = clean_name(str(entry.get("Name", ""))) or str(entry.get("Name", "")).strip()
        if not name:
            continue
        for field_name in ("Age", "Appearance", "Relationships"):
            value = str(entry.get(field_name, "")).strip()[:MAX_FIELD]
            if value:
                out += _field_facts(name, field_name, value)
    return out


def _field_facts(name: str, field_name: str, value: str) -> list[Fact]:
    cite = Citation(0, 0, "", f"{name} — {field_name}: {value}", 0, len(value), BIBLE)
    found: list[english.Found] = []
    if field_name == "Age":
        digits = re.search(r"\d{1,3}|[零〇一二两三四五六七八九十]+", value)
        age = english_number(value) if digits is None else None
        if digits is not None:
            age = (
                chinese_number(digits.group())
                if not digits.group().isdigit()
                else float(digits.group())
            )
        if age is not None and 1 <= age <= 120:
            found.append(("age", name, "age", str(int(age)), age))
    elif re.search("[\u4e00-\u9fff]", value):
        found += _chinese_fields(name, field_name, value)
    else:
        speaker = english.Speaker()
        speaker.last = name
        found += english.body_facts(value, speaker)
        if field_name == "Relationships":
            for m in _REL_OF.finditer(value):
                owner, rel = clean_name(m.group("owner")), m.group("rel").lower()
                found.append(("relationship", owner, rel, name, 0.0))
            for m in _REL_COLON.finditer(value):
                relative, rel = clean_name(m.group("rel_name")), m.group("rel").lower()
                found.append(("relationship", name, rel, relative, 0.0))
            found += english_events.relation_facts(value, speaker)
    return [
        Fact(
            kind,
            subject,
            attribute,
            val,
            cite,
            other=val if kind == "relationship" else "",
            number=n,
        )
        for kind, subject, attribute, val, n in found
        if subject
    ]


def _chinese_fields(name: str, field_name: str, value: str) -> list[english.Found]:
    speaker = chinese.Speaker()
    speaker.last = name
    found = chinese.chinese_facts(value, speaker)
    if field_name == "Relationships":
        found += [("relationship", m.group("owner"), chinese.RELATIONS[m.group("rel")], name, 0.0)
                  for m in _ZH_REL.finditer(value)]  # fmt: skip
    return [f for f in found if f[0] in ("attribute", "age", "relationship")]


def _phrase(fact: Fact) -> tuple[str, str]:
    """The bible field a fact belongs in and the words it adds there."""
    if fact.kind == "age":
        return "Age", fact.value
    if fact.kind == "relationship":
        return "Relationships", f"{fact.attribute.capitalize()}: {fact.value}"
    if fact.kind in ("death", "departure"):
        return "Backstory", f"{fact.cite.quote} (chapter {fact.cite.chapter})"
    if fact.kind == "birthday":
        return "Backstory", f"Birthday: {fact.value}"
    if fact.kind == "possession":
        return "Backstory", f"{fact.attribute.capitalize()}: {fact.value.replace('+', ' and ')}"
    if fact.attribute in ("eyes", "hair"):
        return "Appearance", f"{fact.value} {fact.attribute}"
    if fact.attribute.startswith(("scar", "birthmark", "mole", "tattoo")):
        mark, _sep, part = fact.attribute.partition(" (")
        return "Appearance", f"{mark} on the {fact.value} {part.rstrip(')')}"
    return "Appearance", fact.value


def fact_to_bible(story: Story, fact: Fact) -> dict[str, Any]:
    """Write `fact` into the bible entry of its subject (a new character, or a location for
    a distance, when there is none) and return that entry. An Age is replaced; other
    fields gain the fact's words unless they already hold them."""
    if fact.kind == "distance":
        entries, new = story.background, {"Name": fact.subject, "Kind": "location"}
        field_name, words = "Connections", f"{fact.value} from {fact.other}"
    else:
        entries, new = story.characters, {"Name": fact.subject}
        field_name, words = _phrase(fact)
    entry = next((e for e in entries if _same(e.get("Name", ""), fact.subject)), None)
    if entry is None:
        entry = new
        entries.append(entry)
    current = str(entry.get(field_name, "")).strip()
    if field_name == "Age" or not current:
        entry[field_name] = words
    elif words.casefold() not in current.casefold():
        entry[field_name] = f"{current.rstrip('.;,')}; {words}"
    return entry


def _same(name: object, subject: str) -> bool:
    text = str(name).strip()
    cleaned = clean_name(text) or text
    return cleaned.casefold() == subject.casefold() or (
        cleaned.isascii() and cleaned.split()[:1] == subject.split()[:1] != []
    )
