"""Every job the model thread runs, as frozen data that also runs headless.

A job is built on the GUI thread (or by a headless front end) from plain values, handed to
the model thread, and run there against the loaded engine. It yields text (`str`) or typed
events (`EntryEvent`); the worker passes both on as Python objects.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import ClassVar, Protocol

from backend.engines.base import Engine
from backend.engines.params import SamplerParams, kept_from_looping
from backend.jobs.complete import continue_text
from backend.jobs.context import assemble_for
from backend.jobs.suggest import SuggestOptions, suggest_stream
from backend.story.language import generation_language
from backend.story.memory.assembly import Assembly, BookContext
from backend.story.memory.synopsis import clean_draft, synopsis_prompt
from backend.story.style.header import style_header
from backend.story.style.model import Style, sampler_for

# The jobs' implementations (numpy, the samplers, the levers) are imported where a job
# runs, on the model thread: the window builds jobs but starts without them.
DraftFn = Callable[[str], None]
MEMORY_CHARS = 600  # of premise and memory together in a bible entry's one-line premise
Entry = Mapping[str, str]


class JobKind(StrEnum):
    """What a job does."""

    CONTINUE = "continue"
    REWRITE = "rewrite"
    SUGGEST = "suggest"
    ENTRY = "entry"
    SYNOPSIS = "synopsis"
    ASK = "ask"


@dataclass(frozen=True)
class EntryEvent:
    """Progress of one field of a generated bible entry (`alt`: which of several)."""

    alt: int
    field: str
    text: str
    final: bool


# Jobs that assemble their prompt from the book yield its Assembly first, for the viewer.
JobOutput = str | EntryEvent | Assembly


class Job(Protocol):
    """One unit of work for the model thread."""

    kind: ClassVar[JobKind]

    def run(self, engine: Engine, cancel: threading.Event, draft: DraftFn) -> Iterator[JobOutput]:
        """Yield the job's text or events; stop soon after `cancel` is set."""
        ...


def _book(book: BookContext | None, bible: tuple[Entry, ...], note: str = "") -> BookContext:
    """The job's book context; a loose document gets one with just its bible entries."""
    if book is not None:
        return book
    return BookContext(bible=tuple(bible), authors_note=note)


# A plain continuation reads the same window of text as a suggestion at the cursor.
SHARED_WINDOW = True


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
    book: BookContext | None = None
    language: str = ""  # the story's choice; '' detects it from the text
    # Read a styled continuation's prompts into the cache and write nothing: sent when the
    # writer who has been continuing in a style rests, so Ctrl+Enter's first words come
    # without reading the text anew (a plain one shares the suggestion's prompt already).
    prepare_only: bool = False

    @property
    def lang(self) -> str:
        """The language to continue in."""
        return generation_language(self.language, self.text_before[-2000:], self.premise)

    def assemble(self, engine: Engine) -> Assembly:
        """The prompt this continuation sends, section by section."""
        book = _book(self.book, self.bible, self.authors_note if self.style else "")
        cap = None
        if SHARED_WINDOW:
            # The suggestion's own window. A plain continuation's prompt is then the one
            # read for the last suggestion (or when the cursor came to rest), so its first
            # words come without reading the text again; a styled one (its header a few
            # paragraphs before the end) reads that header and the paragraphs after it
            # (bench/first_words.py).
            options = SuggestOptions()
            cap = options.book_tokens if book.in_a_story else options.context_tokens
        if self.style is None:
            max_tokens, header = self.params.max_tokens, ""
        else:
            max_tokens = sampler_for(self.style, self.params.seed).max_tokens
            header = style_header(self.style, self.premise, self.lang)
        return assemble_for(
            engine, book, self.text_before, max_tokens, cap=cap, header=header,
            task="continuation",
        )  # fmt: skip

    def run(
        self, engine: Engine, cancel: threading.Event, draft: DraftFn
    ) -> Iterator[str | Assembly]:
        """The assembled prompt, then the continuation exactly as it should be inserted."""
        if self.prepare_only and self.style is None:
            return
        asm = self.assemble(engine)
        from backend.jobs.styled import StoryContext, styled_prepare, styled_stream

        story = StoryContext(premise=self.premise, authors_note=asm.authors_note, lore=asm.prefix)
        if self.prepare_only and self.style is not None:
            styled_prepare(engine, asm.recent, self.style, story, cancel=cancel, lang=self.lang)
            return
        yield asm
        if self.style is None:
            params = kept_from_looping(self.params)  # the writer's settings, and DRY
            yield from continue_text(engine, asm.body, params, cancel, preamble=asm.prefix)
            return
        yield from styled_stream(
            engine,
            asm.recent,
            self.style,
            story,
            seed=self.params.seed,
            cancel=cancel,
            draft=draft,
            lang=self.lang,
        )


@dataclass(frozen=True)
class RewriteJob:
    """Rewrite the selected passage in a style."""

    kind: ClassVar[JobKind] = JobKind.REWRITE
    passage: str
    style: Style
    seed: int | None = None
    book: BookContext | None = None

    def run(
        self, engine: Engine, cancel: threading.Event, draft: DraftFn
    ) -> Iterator[str | Assembly]:
        """The book's notes for the passage, then the rewritten passage."""
        preamble = ""
        if self.book is not None:
            book = replace(self.book, authors_note="")
            asm = assemble_for(engine, book, self.passage, 256, settled=True, task="rewrite")
            yield asm
            preamble = asm.prefix
        from backend.jobs.rewrite import rewrite_stream

        yield from rewrite_stream(
            engine, self.passage, self.style, seed=self.seed, cancel=cancel, draft=draft,
            preamble=preamble,
        )  # fmt: skip


@dataclass(frozen=True)
class SuggestJob:
    """One inline suggestion at the cursor (alternative 0 greedy, the others sampled)."""

    kind: ClassVar[JobKind] = JobKind.SUGGEST
    text: str
    cursor: int
    options: SuggestOptions = field(default_factory=SuggestOptions)
    alternative: int = 0
    bible: tuple[Entry, ...] = ()
    book: BookContext | None = None
    offset: int = 0  # where `text` starts in the scene: windows are anchored to the scene

    @property
    def _cursor(self) -> int:
        return max(0, min(self.cursor, len(self.text)))

    def assemble(self, engine: Engine) -> Assembly:
        """The prompt this suggestion sends, section by section."""
        book = _book(self.book, self.bible)
        options = self.options
        cap = options.book_tokens if book.in_a_story else options.context_tokens
        return assemble_for(
            engine, book, self.text[: self._cursor], options.max_tokens,
            cap=cap, offset=self.offset, task="suggestion",
        )  # fmt: skip

    def run(
        self, engine: Engine, cancel: threading.Event, draft: DraftFn
    ) -> Iterator[str | Assembly]:
        """The assembled prompt, then the suggestion's text in pieces."""
        asm = self.assemble(engine)
        yield asm
        body, options, cursor = asm.body, self.options, self._cursor
        # The recent text already fits: the window cut must not cut it again.
        fitted = replace(options, context_tokens=max(options.context_tokens, len(body)))
        yield from suggest_stream(
            engine, body + self.text[cursor:], len(body), fitted, self.alternative, cancel,
            asm.prefix,
        )  # fmt: skip


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
    memory: str = ""  # the book's memory lines, told along with the premise
    language: str = ""  # the story's choice; '' detects it from the premise and cast

    def run(self, engine: Engine, cancel: threading.Event, draft: DraftFn) -> Iterator[EntryEvent]:
        """Each field's text as it streams, then final."""
        from backend.jobs.character import iter_entry

        premise = " ".join([self.premise.strip(), *self.memory.split()])[:MEMORY_CHARS]
        for alt in range(self.count):
            for event in iter_entry(
                engine,
                self.entry_kind,
                premise.strip(),
                self.genre,
                locked=dict(self.locked),
                only=self.only or None,
                cast=self.cast,
                seed=self.seed + alt,
                cancel=cancel,
                lang=generation_language(self.language, premise, self.cast, self.genre),
            ):
                yield EntryEvent(alt, event.field, event.text, event.final)


@dataclass(frozen=True)
class SynopsisJob:
    """A model-written draft synopsis of a chapter's or scene's text."""

    kind: ClassVar[JobKind] = JobKind.SYNOPSIS
    text: str
    what: str = "chapter"
    seed: int = 1

    def run(self, engine: Engine, cancel: threading.Event, draft: DraftFn) -> Iterator[str]:
        """The draft, cleaned (one line, at most two sentences)."""
        params = SamplerParams(
            temperature=0.3, top_p=0.9, repeat_penalty=1.3, max_tokens=64, stop=("\n",),
            seed=self.seed,
        )  # fmt: skip
        prompt = synopsis_prompt(self.text, self.what)
        out = "".join(continue_text(engine, prompt, params, cancel, heal=False))
        yield clean_draft(out)


def text_stream(job: Job, engine: Engine, cancel: threading.Event | None = None) -> Iterator[str]:
    """A job's text as it streams, headless: its assembled prompt and drafts left aside."""
    for out in job.run(engine, cancel or threading.Event(), lambda _s: None):
        if isinstance(out, str):
            yield out


@dataclass(frozen=True)
class JobResult:
    """How a job ended: all its text, whether it was cancelled, and how fast it ran."""

    text: str
    cancelled: bool
    ttft_ms: float | None
    tokens_per_s: float | None
    revision: int
