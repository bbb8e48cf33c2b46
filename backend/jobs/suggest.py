"""Inline suggestions: short, healed continuations at the cursor that stop at a clause end."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

from backend.engines.base import Engine
from backend.engines.params import SamplerParams
from backend.jobs.complete import shaped, stopping_at
from backend.jobs.healing import constraint_for, heal_prompt
from backend.story.memory.assembly import note_echoes
from backend.text.sentences import clause_end
from backend.text.windows import anchored_start
from backend.text.words import inside_word

MAX_ALTERNATIVES = 3
CHARS_PER_TOKEN = 4  # a safe over-estimate for English prose; the engine fits tokens exactly
AFTER_CURSOR_CHARS = 200


@dataclass(frozen=True)
class SuggestOptions:
    """How suggestions are made: length, context budget, healing, sampling for alternatives."""

    max_tokens: int = 12
    context_tokens: int = 1536
    # With a story's memory, synopses, lore and recalled passages in the prompt: they get
    # room of their own, so the recent text keeps about what it had (bench/memory.py).
    book_tokens: int = 2048
    heal: bool = True
    alt_temperature: float = 0.8
    # The first suggestion ends before a new word the model gives less than this probability
    # (SamplerParams.min_confidence; 0: off). A word the model doubts is more often wrong
    # than right, and each one not generated saves a pass through the output layer: whole
    # suggestion p50 286 -> 75 ms in a 3,800-token document, keystroke savings 0.237 ->
    # 0.269 on Alice and 0.265 -> 0.287 on unseen prose (bench/inline.py --compare; higher
    # thresholds were a few ms faster and saved fewer keystrokes).
    min_confidence: float = 0.65
    # Read the prompt into the engine's cache and suggest nothing: sent when a scene opens or
    # the cursor settles, so that the first suggestion there evaluates only what was typed.
    prefill_only: bool = False

    def params(self, alternative: int) -> SamplerParams:
        """Greedy for the first suggestion; seeded sampling for the alternatives."""
        if alternative == 0:
            return SamplerParams(
                temperature=0.0,
                max_tokens=self.max_tokens,
                repeat_penalty=1.0,
                min_confidence=self.min_confidence,
            )
        return SamplerParams(
            temperature=self.alt_temperature,
            top_k=40,
            top_p=0.95,
            max_tokens=self.max_tokens,
            repeat_penalty=1.0,
            seed=1000 + alternative,
        )


@dataclass(frozen=True)
class SuggestContext:
    """What the model sees: the text before the cursor (anchored) and a peek after it."""

    before: str
    after: str

    @property
    def mid_word(self) -> bool:
        """True when the cursor sits inside a word (the writer is editing it, not extending)."""
        return inside_word(self.before, self.after)


def suggest_context(text: str, cursor: int, options: SuggestOptions) -> SuggestContext:
    """Cut the context window; its start moves in large steps so the cache keeps hitting."""
    cursor = max(0, min(cursor, len(text)))
    budget = options.context_tokens * CHARS_PER_TOKEN
    start = anchored_start(cursor, budget, text)
    line_end = text.find("\n", cursor)
    end = line_end if line_end != -1 else cursor + AFTER_CURSOR_CHARS
    after = text[cursor:end][:AFTER_CURSOR_CHARS]
    return SuggestContext(text[start:cursor], after)


class Shaper:
    """Cuts a suggestion at a natural end: a line break, a sentence or clause end."""

    def __init__(self, after: str) -> None:
        self.text = ""
        self.done = False
        self._after = after.strip()

    def feed(self, chunk: str) -> str:
        """Add generated text; return the part that belongs in the suggestion."""
        if self.done:
            return ""
        start = len(self.text)
        candidate = self.text + chunk
        nl = candidate.find("\n", start)
        cut = clause_end(candidate if nl == -1 else candidate[:nl], start)
        if cut is None and nl != -1:
            cut = nl
        if cut is not None:
            candidate = candidate[:cut]
            self.done = True
        if self._after and _overlaps(candidate, self._after):
            # The rest of the line already says this: stop before repeating it.
            candidate = candidate[: len(candidate) - len(_overlap(candidate, self._after))]
            self.done = True
        out = candidate[start:]
        self.text = candidate
        return out


def _overlap(text: str, after: str) -> str:
    """The longest word-aligned tail of `text` that begins `after` (at least one word)."""
    for k in range(min(len(text), len(after)), 2, -1):
        tail = text[-k:].lstrip()
        if (
            tail
            and after.startswith(tail)
            and (len(tail) == len(after) or not after[len(tail)].isalnum())
        ):
            return text[-k:]
    return ""


def _overlaps(text: str, after: str) -> bool:
    return bool(_overlap(text, after))


def suggest_stream(
    engine: Engine,
    text: str,
    cursor: int,
    options: SuggestOptions,
    alternative: int = 0,
    cancel: threading.Event | None = None,
    preamble: str = "",
) -> Iterator[str]:
    """Yield one suggestion in pieces: exactly the text to insert at the cursor.

    `preamble` (story notes from the bible) goes in front of the context window; the
    suggestion stops before a copy of a note's form (see note_echoes).
    """
    ctx = suggest_context(text, cursor, options)
    if options.prefill_only:
        prefill_context(engine, preamble + ctx.before, options, cancel)
        return
    if ctx.mid_word or not ctx.before.strip():
        return
    healed = heal_prompt(engine, preamble + ctx.before, enabled=options.heal)
    params = stopping_at(options.params(alternative), note_echoes(preamble))
    raw = engine.stream(healed.prompt, params, cancel, constraint_for(engine, healed))
    yield from shaped(raw, healed.required_text, Shaper(ctx.after))


def prefill_context(
    engine: Engine, before: str, options: SuggestOptions, cancel: threading.Event | None = None
) -> bool:
    """Evaluate the prompt a suggestion after `before` sends, keeping it in the engine's cache
    (False: nothing to read, an engine without a cache of its own, or cancelled).

    It is healed as the suggestion heals it, so a suggestion after a few more characters
    shares all of it but the batches those characters change (see llama_batches.py).
    """
    stepper = engine.stepper
    if stepper is None or not before.strip():
        return False
    healed = heal_prompt(engine, before, enabled=options.heal)
    if not healed.tokens:
        return False
    return stepper.session(healed.tokens, cancel) is not None


def prefill_options(options: SuggestOptions) -> SuggestOptions:
    """`options` for a SuggestJob that only prepares the cache at its place (see
    `SuggestOptions.prefill_only`): it yields its Assembly and no text."""
    return replace(options, prefill_only=True)


def clean_suggestion(text: str) -> str:
    """Drop trailing spaces: the writer types the next space, and it keeps Tab honest."""
    return text.rstrip(" \t")


def suggest(
    engine: Engine,
    text: str,
    cursor: int,
    options: SuggestOptions,
    alternatives: int = 1,
    cancel: threading.Event | None = None,
) -> tuple[list[str], float]:
    """Up to `alternatives` distinct suggestions and the milliseconds they took."""
    started = time.perf_counter()
    wanted = max(1, min(alternatives, MAX_ALTERNATIVES))
    out: list[str] = []
    # Two spare attempts, because sampled alternatives sometimes repeat one another.
    for alt in range(wanted + 2):
        if len(out) >= wanted or (cancel is not None and cancel.is_set()):
            break
        s = clean_suggestion("".join(suggest_stream(engine, text, cursor, options, alt, cancel)))
        if s.strip() and s not in out:
            out.append(s)
    return out, (time.perf_counter() - started) * 1000
