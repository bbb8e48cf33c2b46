"""The sentence check for an engine that streams text (a server): one request per try at a
sentence, cut at its end; the server's prompt cache keeps each one cheap."""

from __future__ import annotations

import threading

from backend.engines.base import Engine, TextStream
from backend.engines.params import SamplerParams
from backend.jobs.healing import HealedPrompt
from backend.jobs.styled.run import BIAS_STEP, MAX_ATTEMPTS, DraftFn
from backend.jobs.styled.voice import VoiceCheck, first_sentence_end, narration_of, score_attempt

MAX_SENTENCES = 80


def checked_text_chunks(
    engine: Engine,
    healed: HealedPrompt,
    params: SamplerParams,
    cancel: threading.Event | None,
    check: VoiceCheck,
    quoted: bool,
    draft: DraftFn | None = None,
    header: bool = True,
) -> TextStream:
    """Yield the continuation a checked sentence at a time. With a style `header` in the
    prompt, tries that copy it or talk about it count as faults."""
    assert healed.text is not None, "servers take text prompts"
    accepted = ""
    for k in range(MAX_SENTENCES):
        best: tuple[int, str, str, bool, bool] | None = None
        for n in range(MAX_ATTEMPTS):
            seed = None if params.seed is None else (params.seed + 7919 * n + 131 * k) % 2**31
            scale = 1.0 + BIAS_STEP * n
            bias = tuple((t, v * scale) for t, v in params.logit_bias)
            # The first sentence re-creates the healed tail the document already has.
            shown = _drafts(draft, "" if accepted else healed.required_text)
            tried = _one_sentence(
                engine,
                healed.text + accepted,
                params.with_(seed=seed, logit_bias=bias),
                cancel,
                quoted,
                shown,
            )
            if cancel is not None and cancel.is_set():
                return
            piece, finished = tried
            narration, quoted_after = narration_of(piece, quoted)
            faults = score_attempt(check, piece, narration, header).faults
            if best is None or faults < best[0]:
                best = (faults, piece, narration, quoted_after, finished)
            if faults == 0:
                break
        assert best is not None
        _faults, piece, narration, quoted, finished = best
        check.accept(narration)
        accepted += piece
        if piece:
            yield piece
        if finished:
            return


def _drafts(draft: DraftFn | None, healed_tail: str) -> DraftFn:
    """Show a try's text as a draft, less the healed tail (a no-op without `draft`)."""

    def show(text: str) -> None:
        if draft is not None:
            draft(text.removeprefix(healed_tail))

    return show


def _one_sentence(
    engine: Engine,
    prompt: str,
    params: SamplerParams,
    cancel: threading.Event | None,
    quoted: bool,
    draft: DraftFn,
) -> tuple[str, bool]:
    """One request cut at the first sentence end: (the sentence, whether the text ended)."""
    stream = engine.stream(prompt, params, cancel)
    text = ""
    try:
        for chunk in stream:
            text += chunk
            draft(text)
            end = first_sentence_end(text, quoted)
            if end is not None:
                return text[:end], False
    finally:
        stream.close()
    return text, True
