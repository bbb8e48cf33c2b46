"""Continuation: stream what comes after the text before the cursor."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Protocol

from backend.engines.base import Engine, TextStream
from backend.engines.params import MAX_STOP_STRINGS, SamplerParams
from backend.jobs.healing import constraint_for, heal_prompt
from backend.story.memory.assembly import note_echoes


def strip_required(chunks: Iterable[str], required: str) -> TextStream:
    """Drop the healed prefix (text already in the document) from the start of a stream."""
    pending = required
    for chunk in chunks:
        if pending:
            n = min(len(pending), len(chunk))
            if chunk[:n] != pending[:n]:
                # Unconstrained (a remote server) or a broken constraint: the text is new,
                # so keep all of it and never duplicate what the document already has.
                pending = ""
            else:
                pending = pending[n:]
                chunk = chunk[n:]
        if chunk:
            yield chunk


def stopping_at(params: SamplerParams, marks: Sequence[str]) -> SamplerParams:
    """`params` that also stop before each of `marks` (as many as the stops have room for)."""
    extra = tuple(m for m in marks if m not in params.stop)
    if not extra:
        return params
    return params.with_(stop=(*params.stop, *extra)[:MAX_STOP_STRINGS])


class StreamTrim(Protocol):
    """Something that trims a stream: text in, what to show out, and when to stop."""

    done: bool

    def feed(self, chunk: str) -> str: ...


def shaped(chunks: TextStream, required: str, shaper: StreamTrim) -> TextStream:
    """Drop the healed prefix, pass the text through `shaper`, and close the source."""
    try:
        for chunk in strip_required(chunks, required):
            out = shaper.feed(chunk)
            if out:
                yield out
            if shaper.done:
                return
    finally:
        chunks.close()


def continue_text(
    engine: Engine,
    before_cursor: str,
    params: SamplerParams,
    cancel: threading.Event | None = None,
    *,
    heal: bool = True,
    preamble: str = "",
) -> TextStream:
    """Yield the continuation of `before_cursor`, exactly as it should be inserted.

    `preamble` (story notes from the bible) goes in front of the text; the text stops
    before a copy of a note's form (see note_echoes).
    """
    params = stopping_at(params, note_echoes(preamble))
    healed = heal_prompt(engine, preamble + before_cursor, enabled=heal)
    stream = engine.stream(healed.prompt, params, cancel, constraint_for(engine, healed))
    yield from strip_required(stream, healed.required_text)
