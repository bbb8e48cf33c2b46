"""Every job the model thread runs, as frozen data that also runs headless.

A job is built on the GUI thread (or by a headless front end) from plain values, handed to
the model thread, and run there against the loaded engine. It yields text (`str`) or typed
events (`EntryEvent`); the worker passes both on as Python objects.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar, Protocol

from backend.engines.base import Engine
from backend.engines.params import SamplerParams
from backend.jobs.character import iter_entry
from backend.jobs.complete import continue_text
from backend.jobs.rewrite import rewrite_stream
from backend.jobs.styled import StoryContext, styled_stream
from backend.jobs.suggest import SuggestOptions, suggest_stream
from backend.story.bible import lore_for
from backend.story.style.model import Style

DraftFn = Callable[[str], None]
Entry = Mapping[str, str]


class JobKind(StrEnum):
    """What a job does."""

    CONTINUE = "continue"
    REWRITE = "rewrite"
    SUGGEST = "suggest"
    ENTRY = "entry"


@dataclass(frozen=True)
class EntryEvent:
    """Progress of one field of a generated bible entry (`alt`: which of several)."""

    alt: int
    field: str
    text: str
    final: bool


JobOutput = str | EntryEvent


class Job(Protocol):
    """One unit of work for the model thread."""

    kind: ClassVar[JobKind]

    def run(self, engine: Engine, cancel: threading.Event, draft: DraftFn) -> Iterator[JobOutput]:
        """Yield the job's text or events; stop soon after `cancel` is set."""
        ...


def _lore(text_before: str, bible: tuple[Entry, ...]) -> str:
    return lore_for(text_before, [dict(e) for e in bible]) if bible else ""


@dataclass(frozen=True)
class ContinueJob:
    """Continue the text before the cursor: plainly, or in a style."""

    kind: ClassVar[JobKind] = JobKind.CONTINUE
    text_before: str
    params: SamplerParams
    style: Style | None = None
    premise: str = ""
    authors_note: str = ""
    bible: tuple[Entry, ...] = ()

    def run(self, engine: Engine, cancel: threading.Event, draft: DraftFn) -> Iterator[str]:
        """The continuation, exactly as it should be inserted."""
        lore = _lore(self.text_before, self.bible)
        if self.style is None:
            return continue_text(engine, self.text_before, self.params, cancel, preamble=lore)
        story = StoryContext(premise=self.premise, authors_note=self.authors_note, lore=lore)
        return styled_stream(
            engine,
            self.text_before,
            self.style,
            story,
            seed=self.params.seed,
            cancel=cancel,
            draft=draft,
        )


@dataclass(frozen=True)
class RewriteJob:
    """Rewrite the selected passage in a style."""

    kind: ClassVar[JobKind] = JobKind.REWRITE
    passage: str
    style: Style
    seed: int | None = None

    def run(self, engine: Engine, cancel: threading.Event, draft: DraftFn) -> Iterator[str]:
        """The rewritten passage."""
        return rewrite_stream(
            engine, self.passage, self.style, seed=self.seed, cancel=cancel, draft=draft
        )


@dataclass(frozen=True)
class SuggestJob:
    """One inline suggestion at the cursor (alternative 0 greedy, the others sampled)."""

    kind: ClassVar[JobKind] = JobKind.SUGGEST
    text: str
    cursor: int
    options: SuggestOptions = field(default_factory=SuggestOptions)
    alternative: int = 0
    bible: tuple[Entry, ...] = ()

    def run(self, engine: Engine, cancel: threading.Event, draft: DraftFn) -> Iterator[str]:
        """The suggestion's text, in pieces."""
        lore = _lore(self.text[: self.cursor], self.bible)
        return suggest_stream(
            engine, self.text, self.cursor, self.options, self.alternative, cancel, lore
        )


@dataclass(frozen=True)
class EntryJob:
    """Generate a character or background entry (or `count` alternatives), field by field."""

    kind: ClassVar[JobKind] = JobKind.ENTRY
    entry_kind: str  # "character" or "background"
    premise: str = ""
    genre: str = ""
    locked: Entry = field(default_factory=dict)
    only: tuple[str, ...] = ()
    cast: str = ""
    seed: int = 1
    count: int = 1

    def run(self, engine: Engine, cancel: threading.Event, draft: DraftFn) -> Iterator[EntryEvent]:
        """Each field's text as it streams, then final."""
        for alt in range(self.count):
            for event in iter_entry(
                engine,
                self.entry_kind,
                self.premise,
                self.genre,
                locked=dict(self.locked),
                only=self.only or None,
                cast=self.cast,
                seed=self.seed + alt,
                cancel=cancel,
            ):
                yield EntryEvent(alt, event.field, event.text, event.final)


@dataclass(frozen=True)
class JobResult:
    """How a job ended: all its text, whether it was cancelled, and how fast it ran."""

    text: str
    cancelled: bool
    ttft_ms: float | None
    tokens_per_s: float | None
    revision: int
