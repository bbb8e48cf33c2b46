"""Facts, citations, findings and the report of a continuity check: plain frozen data the
window, the command line and the cache share."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

# What a finding is about: a short fixed vocabulary.
KINDS = ("attribute", "age", "relationship", "distance", "death", "name")
# What a fact records ("appearance": a person acting or speaking, for the death check).
FACT_KINDS = (
    "attribute", "age", "birthday", "relationship", "distance", "death", "departure",
    "possession", "appearance",
)  # fmt: skip
BIBLE = "bible"  # the source of a fact taken from the story bible


@dataclass(frozen=True)
class Citation:
    """Where a fact stands: chapter and scene (from 1, binder order), the scene's id, the
    sentence as it stands in the scene and its offsets there. A bible fact has chapter and
    scene 0, no scene id, the bible field's text as its quote and `source` 'bible'."""

    chapter: int
    scene: int
    scene_id: str
    quote: str
    start: int
    end: int
    source: str = "text"

    def order(self) -> tuple[int, int, int]:
        """Reading order: the bible first, then chapter, scene and offset."""
        return (self.chapter, self.scene, self.start)

    def as_dict(self) -> dict[str, Any]:
        """The citation as JSON-ready data."""
        return {
            "chapter": self.chapter,
            "scene": self.scene,
            "quote": self.quote,
            "scene_id": self.scene_id,
            "start": self.start,
            "end": self.end,
            "source": self.source,
        }


@dataclass(frozen=True)
class Fact:
    """One thing the book says, e.g. (attribute, Anna, eyes, blue).

    `attribute` names what is said (eyes, hair, height, build, "scar (left cheek)",
    "coach colour", a relation such as "parent"), `value` what it is; `other` is the second
    person of a relationship or the second place of a distance; `number` an age in years
    or a distance in metres."""

    kind: str
    subject: str
    attribute: str
    value: str
    cite: Citation
    other: str = ""
    number: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """The fact as JSON-ready data."""
        return {
            "kind": self.kind,
            "subject": self.subject,
            "attribute": self.attribute,
            "value": self.value,
            "other": self.other,
            "number": self.number,
            "citation": self.cite.as_dict(),
        }


@dataclass(frozen=True)
class Finding:
    """Facts that disagree: a kind from KINDS, its subject, one line for the writer and two
    or more citations, in reading order."""

    kind: str
    subject: str
    message: str
    evidence: tuple[Citation, ...]

    @property
    def key(self) -> str:
        """A stable name for this finding, from its kind, subject and quoted evidence: a
        dismissal holds while the same sentences say the same things."""
        parts = [self.kind, self.subject.casefold()]
        parts += sorted(f"{c.scene_id}|{' '.join(c.quote.split())}" for c in self.evidence)
        digest = hashlib.blake2b("\n".join(parts).encode("utf-8"), digest_size=10)
        return f"{self.kind}:{digest.hexdigest()}"

    def scene_ids(self) -> set[str]:
        """The scenes this finding quotes."""
        return {c.scene_id for c in self.evidence if c.scene_id}

    def as_dict(self) -> dict[str, Any]:
        """The finding as JSON (the shape `main.py check --json` prints)."""
        return {
            "kind": self.kind,
            "subject": self.subject,
            "message": self.message,
            "key": self.key,
            "evidence": [c.as_dict() for c in self.evidence],
        }


@dataclass(frozen=True)
class Report:
    """A continuity check: the open findings (dismissed ones left out), every fact, the
    scenes quoted by an open finding (for the binder), how many were dismissed, and a note
    for the writer ('' or why the cache was rebuilt)."""

    findings: tuple[Finding, ...]
    facts: tuple[Fact, ...]
    open_scene_ids: frozenset[str] = field(default_factory=frozenset)
    dismissed: int = 0
    note: str = ""


@dataclass(frozen=True)
class Said:
    """A fact as one scene states it, before the scene's place in the book is known: what
    the per-scene cache keeps. `start` and `end` are the sentence's offsets in the scene."""

    kind: str
    subject: str
    attribute: str
    value: str
    start: int
    end: int
    other: str = ""
    number: float = 0.0

    def as_list(self) -> list[Any]:
        """The compact form kept in the cache."""
        return [self.kind, self.subject, self.attribute, self.value, self.start, self.end,
                self.other, self.number]  # fmt: skip
