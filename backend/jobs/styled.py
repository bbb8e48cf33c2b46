"""Style-controlled continuation: header + exemplar, logit bias, guidance, length rules.

Sampling happens here (numpy) over logits from an engine session, so the same levers work
on llama.cpp and transformers: the bias vector nudges point-of-view and tense words, and
classifier-free guidance mixes the styled prompt's logits with those of the same text
without the style header: guided = plain + scale * (styled - plain).
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from backend.engines.base import (
    Engine,
    EngineError,
    PrefixConstraint,
    TextAssembler,
    word_token_ids,
)
from backend.jobs.complete import strip_required
from backend.jobs.healing import constraint_for, heal_prompt
from backend.params import SamplerParams
from backend.style import LENGTH_WORDS, Style, bias_words, insert_authors_note, style_header

PENALTY_WINDOW = 64
_bias_cache: weakref.WeakKeyDictionary[object, dict[tuple, np.ndarray]] = (
    weakref.WeakKeyDictionary()
)


@dataclass(frozen=True)
class StoryContext:
    """What surrounds the text: premise, author's note and story-bible notes."""

    premise: str = ""
    authors_note: str = ""
    lore: str = ""


def bias_vector(engine: Engine, style: Style, size: int) -> np.ndarray | None:
    """Per-token logit bias for the style's POV and tense words (None when neutral)."""
    words = bias_words(style)
    if not words:
        return None
    key = (style.person, style.tense, size)
    per_engine = _bias_cache.setdefault(engine, {})
    if key not in per_engine:
        vec = np.zeros(size, dtype=np.float32)
        if style.tense == "present":
            # Regular past forms ("-ed" words) are too many to list: find them in the
            # vocabulary itself.
            for i, piece in enumerate(engine.token_pieces()[:size]):
                word = piece.strip().lower()
                if len(word) >= 5 and word.endswith(b"ed") and word.isalpha():
                    vec[i] = -2.0
        for word, value in words.items():
            for tok in word_token_ids(engine, word, bare=True):
                if tok < size:
                    vec[tok] = value
        per_engine[key] = vec
    return per_engine[key]


def sample_numpy(
    logits: np.ndarray,
    params: SamplerParams,
    recent: list[int],
    rng: np.random.Generator,
    allowed: np.ndarray | None = None,
) -> int:
    """llama.cpp-style sampling on a float32 logits vector (modified in place)."""
    if params.repeat_penalty != 1.0 and recent:
        ids = np.fromiter(set(recent[-PENALTY_WINDOW:]), dtype=np.int64)
        ids = ids[ids < logits.size]
        vals = logits[ids]
        logits[ids] = np.where(vals > 0, vals / params.repeat_penalty, vals * params.repeat_penalty)
    if allowed is not None and len(allowed):
        masked = np.full_like(logits, -np.inf)
        masked[allowed] = logits[allowed]
        logits = masked
    if params.greedy:
        return int(np.argmax(logits))
    k = min(params.top_k or logits.size, logits.size)
    top = np.argpartition(-logits, k - 1)[:k]
    z = logits[top].astype(np.float64)
    order = np.argsort(-z)
    top, z = top[order], z[order]
    probs = np.exp(z - z[0])
    probs /= probs.sum()
    if params.top_p < 1.0:
        cut = int(np.searchsorted(np.cumsum(probs), params.top_p)) + 1
        top, z = top[:cut], z[:cut]
    if params.min_p > 0.0:
        keep = np.exp(z - z[0]) >= params.min_p
        top, z = top[keep], z[keep]
    z = z / params.temperature
    probs = np.exp(z - z.max())
    probs /= probs.sum()
    return int(top[rng.choice(len(top), p=probs)])


class LengthRule:
    """Stops a continuation at the length the writer chose, at a natural boundary."""

    def __init__(self, length: str) -> None:
        self.low, self.high = LENGTH_WORDS[length]
        self.length = length
        self.text = ""
        self.done = False

    def feed(self, chunk: str) -> str:
        """Add text; returns what to show (cut at the stopping point)."""
        if self.done:
            return ""
        start = len(self.text)
        self.text += chunk
        words = len(self.text.split())
        cut = None
        if self.length == "sentence":
            m = re.search(r"[.!?][\"'”’)]*(\s|$)", self.text[start:]) if words >= self.low else None
            if m:
                cut = start + m.end(0)
        else:
            para = self.text.find("\n\n", start)
            if para != -1 and words >= self.low:
                cut = para
            elif words >= self.high:
                m = re.search(r"[.!?][\"'”’)]*\s", self.text[start:])
                cut = start + m.end(0) if m else len(self.text)
        if cut is not None:
            self.text = self.text[:cut].rstrip() if self.length == "sentence" else self.text[:cut]
            self.done = True
        return self.text[start:]


def build_prompts(text_before: str, style: Style, story: StoryContext) -> tuple[str, str]:
    """(styled prompt, plain prompt): the plain one drops the style header, for guidance."""
    body = story.lore + insert_authors_note(text_before, story.authors_note)
    return style_header(style, story.premise) + body, body


def styled_stream(
    engine: Engine,
    text_before: str,
    style: Style,
    story: StoryContext | None = None,
    *,
    seed: int | None = None,
    cancel: threading.Event | None = None,
    use_bias: bool = True,
    use_header: bool = True,
    use_guidance: bool = True,
    params: SamplerParams | None = None,
) -> Iterator[str]:
    """Yield a continuation in the chosen style, exactly as it should be inserted."""
    from backend.style import sampler_for

    story = story or StoryContext()
    params = params or sampler_for(style, seed)
    styled, plain = build_prompts(text_before, style, story)
    prompt = (
        styled if use_header else story.lore + insert_authors_note(text_before, story.authors_note)
    )
    if not hasattr(engine, "session"):
        yield from _styled_text_stream(engine, prompt, style, params, cancel, use_bias)
        return
    healed = heal_prompt(engine, prompt)
    main = engine.session(healed.tokens, cancel)
    if main is None:
        return
    guide = None
    scale = float(style.guidance)
    if use_guidance and use_header and scale != 1.0 and style_header(style, story.premise):
        plain_healed = heal_prompt(engine, plain)
        if plain_healed.required == healed.required:
            guide = engine.session(plain_healed.tokens, cancel, guide=True)
    constraint: PrefixConstraint | None = constraint_for(engine, healed)
    first = main.logits()
    size = first.size
    bias = bias_vector(engine, style, size) if use_bias else None
    rng = np.random.default_rng(params.seed)
    recent = list(healed.tokens[-PENALTY_WINDOW:])
    pieces = engine.token_pieces()
    eos = set(engine.banned_tokens()) if hasattr(engine, "banned_tokens") else set()
    assembler = TextAssembler((*params.stop, *getattr(engine, "extra_stop", ())))
    rule = LengthRule(style.length)

    def raw() -> Iterator[str]:
        nonlocal constraint
        for _ in range(params.max_tokens):
            if cancel is not None and cancel.is_set():
                return
            logits = np.array(main.logits(), dtype=np.float32)
            if guide is not None:
                g = np.asarray(guide.logits(), dtype=np.float32)
                logits = g + scale * (logits - g)
            if bias is not None:
                logits += bias
            allowed = constraint.allowed() if constraint is not None and constraint.active else None
            tok = sample_numpy(logits, params, recent, rng, allowed)
            if tok in eos or tok >= len(pieces):
                return
            piece = pieces[tok]
            if constraint is not None and constraint.active:
                constraint.advance(piece)
            text = assembler.feed(piece)
            if text:
                yield text
            if assembler.stopped:
                return
            recent.append(tok)
            main.push(tok)
            if guide is not None:
                guide.push(tok)
        tail = assembler.flush()
        if tail:
            yield tail

    for chunk in strip_required(raw(), healed.required_text):
        out = rule.feed(chunk)
        if out:
            yield out
        if rule.done:
            return


def sparse_bias(engine: Engine, style: Style) -> tuple[tuple[int, float], ...]:
    """The style's word bias as (token id, value) pairs, for engines that sample themselves.

    Built with the engine's tokenizer (a server's, when it has one); the vocabulary-wide
    past-tense penalty needs the whole vocabulary and is left out.
    """
    out: dict[int, float] = {}
    for word, value in bias_words(style).items():
        try:
            ids = word_token_ids(engine, word)
        except EngineError:
            return ()
        out.update(dict.fromkeys(ids, value))
    return tuple(out.items())


def _styled_text_stream(
    engine: Engine,
    prompt: str,
    style: Style,
    params: SamplerParams,
    cancel: threading.Event | None,
    use_bias: bool,
) -> Iterator[str]:
    """Header, exemplar, bias through the engine's own sampler, and the length rule.

    For engines without step-by-step logits (a remote server): no guidance.
    """
    healed = heal_prompt(engine, prompt)
    if use_bias:
        params = params.with_(logit_bias=sparse_bias(engine, style))
    rule = LengthRule(style.length)
    raw = engine.stream(healed.prompt, params, cancel, constraint_for(engine, healed))
    try:
        for chunk in strip_required(raw, healed.required_text):
            out = rule.feed(chunk)
            if out:
                yield out
            if rule.done:
                return
    finally:
        close = getattr(raw, "close", None)
        if close is not None:
            close()
