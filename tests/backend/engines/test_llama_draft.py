"""Drafts from the prompt verified in one batch, on the bundled model (loaded once)."""

from __future__ import annotations

import numpy as np
import pytest

from backend.engines.params import SamplerParams
from tests.conftest import SAMPLE_PROSE

pytestmark = pytest.mark.slow
# Two tokens whose logits are closer than this may swap places between a batch's kernels
# and a single token's; where the model is surer, the pick must not depend on drafting.
CLEAR_MARGIN = 1.0
# Prose the model will copy: drafts from the prompt are right most of the time here.
PROMPT = SAMPLE_PROSE + "\n\n" + SAMPLE_PROSE[: SAMPLE_PROSE.index(" having")]
TOKENS = 40


class DecodeCounter:
    """Counts llama.cpp decode calls and the tokens in them (main context)."""

    def __init__(self, engine) -> None:
        self.ctx = engine.runtime.llm._ctx
        self.original = self.ctx.decode
        self.calls = self.tokens = 0

    def __enter__(self) -> DecodeCounter:
        def counting(batch):
            self.calls += 1
            self.tokens += batch.batch.n_tokens
            return self.original(batch)

        self.ctx.decode = counting
        return self

    def __exit__(self, *exc: object) -> None:
        del self.ctx.decode


def _confident_ids(engine, prompt_ids: list[int]) -> list[int]:
    """Greedy ids one token at a time, up to the first step whose top two are close."""
    session = engine.stepper.session(prompt_ids, None)
    out: list[int] = []
    for _ in range(TOKENS):
        logits = np.array(session.logits(), dtype=np.float32)
        top, second = np.partition(logits, -2)[-2:][::-1]
        if top - second < CLEAR_MARGIN:
            break
        tok = int(np.argmax(logits))
        out.append(tok)
        session.push(tok)
    return out


def test_greedy_text_with_drafts_is_the_one_token_at_a_time_text(llama_engine) -> None:
    params = SamplerParams(temperature=0.0, max_tokens=TOKENS, repeat_penalty=1.0)
    plain = "".join(llama_engine.stream(PROMPT, params.with_(draft=0)))
    with DecodeCounter(llama_engine) as counter:
        drafted = "".join(llama_engine.stream(PROMPT, params.with_(draft=6)))
    # Drafts were verified in batches: fewer decodes than tokens produced.
    assert counter.tokens > counter.calls
    sure = _confident_ids(llama_engine, llama_engine.tokenize(PROMPT))
    assert len(sure) >= 8, "the model should copy the repeated prose confidently"
    expected = b"".join(llama_engine.vocabulary.pieces[t] for t in sure).decode("utf-8", "ignore")
    assert plain.startswith(expected)
    assert drafted.startswith(expected)
    if len(sure) == TOKENS:  # no close call anywhere: every token must be the same
        assert drafted == plain


def test_drafting_leaves_the_cache_usable(llama_engine) -> None:
    params = SamplerParams(temperature=0.0, max_tokens=12, repeat_penalty=1.0)
    first = "".join(llama_engine.stream(PROMPT, params.with_(draft=6)))
    # The same prompt again after a drafted stream (rejected rows were dropped): same text.
    again = "".join(llama_engine.stream(PROMPT, params.with_(draft=0)))
    cold = "".join(llama_engine.stream("Once upon a time", params))
    assert first and again and cold
    assert again == "".join(llama_engine.stream(PROMPT, params.with_(draft=0)))
