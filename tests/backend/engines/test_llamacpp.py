"""The llama.cpp engine on the bundled Gemma model (loaded once per session)."""

from __future__ import annotations

import threading

import pytest

from backend.engines.base import EngineError
from backend.engines.params import SamplerParams
from tests.conftest import SAMPLE_PROSE

pytestmark = pytest.mark.slow
GREEDY = SamplerParams(temperature=0.0, max_tokens=10, repeat_penalty=1.0)


class EvalCounter:
    """Counts the prompt tokens llama.cpp actually evaluates."""

    def __init__(self, engine) -> None:
        self.llm = engine.runtime.llm
        self.original = self.llm.eval
        self.count = 0

    def __enter__(self) -> EvalCounter:
        def counting(tokens):
            self.count += len(tokens)
            return self.original(tokens)

        self.llm.eval = counting
        return self

    def __exit__(self, *exc: object) -> None:
        self.llm.eval = self.original


def test_streams_text_and_reports_context(llama_engine) -> None:
    text = "".join(llama_engine.stream("Monday, Tuesday, Wednesday,", GREEDY))
    assert "Thursday" in text
    assert llama_engine.context_length == 4096
    assert llama_engine.bos_tokens == [2]


def test_extending_a_cached_prompt_only_evaluates_the_new_words(llama_engine) -> None:
    base = SAMPLE_PROSE * 2
    list(llama_engine.stream(base, GREEDY.with_(max_tokens=2)))
    with EvalCounter(llama_engine) as counter:
        list(llama_engine.stream(base + " She", GREEDY.with_(max_tokens=2)))
    n_prompt = len(llama_engine.tokenize(base))
    assert n_prompt > 300
    assert counter.count <= 8, f"re-evaluated {counter.count} of {n_prompt} tokens"


def test_cached_result_equals_a_cold_result(llama_engine) -> None:
    prompt = SAMPLE_PROSE[:400]
    warm_first = "".join(llama_engine.stream(prompt + " Alice", GREEDY))
    llama_engine.runtime.llm.reset()
    cold = "".join(llama_engine.stream(prompt + " Alice", GREEDY))
    assert warm_first == cold


def test_same_seed_same_text(llama_engine) -> None:
    params = SamplerParams(temperature=1.0, max_tokens=16, seed=42)
    a = "".join(llama_engine.stream("In the old house", params))
    b = "".join(llama_engine.stream("In the old house", params))
    c = "".join(llama_engine.stream("In the old house", params.with_(seed=43)))
    assert a == b
    assert a != c


def test_cancel_from_another_thread_within_one_token(llama_engine) -> None:
    cancel = threading.Event()
    params = SamplerParams(temperature=0.9, max_tokens=200, seed=1)
    seen = []
    for chunk in llama_engine.stream("Chapter One\n\n", params, cancel):
        seen.append(chunk)
        if len(seen) == 3:
            threading.Thread(target=cancel.set).start()
            threading.Event().wait(0.01)  # the other thread has set it by the next token
    assert 3 <= len(seen) <= 4


def test_cancel_during_a_long_prompt_returns_early(llama_engine) -> None:
    cancel = threading.Event()
    cancel.set()
    assert list(llama_engine.stream(SAMPLE_PROSE * 5, GREEDY, cancel)) == []


def test_prompt_longer_than_the_context_keeps_the_end(llama_engine) -> None:
    huge = SAMPLE_PROSE * 40  # about 9,000 tokens, more than the 4,096 context
    ids = llama_engine._prompt_ids(huge, 10)
    assert len(ids) <= llama_engine.context_length - 10
    assert ids[-30:] == llama_engine.tokenize(huge)[-30:]
    assert "".join(llama_engine.stream(huge, GREEDY))


def test_stop_strings(llama_engine) -> None:
    params = GREEDY.with_(max_tokens=40, stop=(".",))
    text = "".join(llama_engine.stream("My name is Anna and I live in", params))
    assert text and "." not in text


def test_stream_without_a_model_is_an_error() -> None:
    from backend.engines.llamacpp import LlamaCppEngine

    with pytest.raises(EngineError, match="No model"):
        list(LlamaCppEngine("nowhere.gguf").stream("x", GREEDY))


def test_logit_bias_bans_tokens(llama_engine) -> None:
    prompt = "Monday, Tuesday, Wednesday,"
    pieces = llama_engine.vocabulary.pieces
    ban = [i for i, p in enumerate(pieces) if p.strip().lower().startswith(b"thu")]
    params = GREEDY.with_(max_tokens=4, logit_bias=tuple((i, -100.0) for i in ban))
    text = "".join(llama_engine.stream(prompt, params))
    assert "Thu" not in text and text.strip()


def _top(logits, k: int = 5) -> list[int]:
    import numpy as np

    return np.argsort(-np.asarray(logits))[:k].tolist()


def test_guided_pair_matches_two_separate_sequences(llama_engine) -> None:
    import numpy as np

    styled = llama_engine.tokenize("Narration: first person.\n\nThe old man walked to the sea and")
    plain = llama_engine.tokenize("The old man walked to the sea and")
    more = llama_engine.tokenize(" looked out at the grey")
    pair = llama_engine.guided_session(styled, plain)
    for tok in more:
        pair.push(tok)
    both = [np.array(x) for x in pair.logits()]
    # Batched and single evaluation round differently (so do chunked and token-by-token
    # prompts, by up to about 0.8 in a logit); the distributions must still agree.
    for logits, prompt in zip(both, (styled, plain), strict=True):
        alone = np.array(llama_engine.session(prompt + more).logits())
        assert _top(logits, 1) == _top(alone, 1)
        p, q = np.exp(logits - logits.max()), np.exp(alone - alone.max())
        p, q = p / p.sum(), q / q.sum()
        assert float((q * (np.log(q + 1e-30) - np.log(p + 1e-30))).sum()) < 0.05
    # Rolled back to a shorter prefix (a retry), each sequence reads as if fresh, and only
    # the dropped tail is evaluated again.
    decoded: list[int] = []
    original = pair._decode
    pair._decode = lambda entries, want: (decoded.append(len(entries)), original(entries, want))
    try:
        assert llama_engine.guided_session(styled + more[:1], plain + more[:1]) is pair
    finally:
        del pair._decode
    assert decoded == [2]  # the last kept token of each sequence, for its logits
    assert len(pair.tokens[1]) == len(llama_engine._prompt_ids(plain + more[:1], 1))
    again = [np.array(x) for x in pair.logits()]
    for logits, prompt in zip(again, (styled, plain), strict=True):
        alone = np.array(llama_engine.session(prompt + more[:1]).logits())
        assert _top(logits, 1) == _top(alone, 1)
    # The main context's cache, which suggestions use, was left alone by the pair.
    with EvalCounter(llama_engine) as counter:
        llama_engine.session(plain + more[:1])
    assert counter.count <= 1
