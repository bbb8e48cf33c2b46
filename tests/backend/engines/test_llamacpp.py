"""The llama.cpp engine on the bundled Gemma model (loaded once per session)."""

from __future__ import annotations

import threading

import pytest

from backend.engines.base import EngineError
from backend.engines.llama_batches import PREFILL_CHUNK
from backend.engines.params import SamplerParams
from tests.conftest import SAMPLE_PROSE

pytestmark = pytest.mark.slow
GREEDY = SamplerParams(temperature=0.0, max_tokens=10, repeat_penalty=1.0)


class EvalCounter:
    """Counts the tokens llama.cpp actually evaluates in the main context."""

    def __init__(self, engine) -> None:
        self.ctx = engine.runtime.llm._ctx
        self.original = self.ctx.decode
        self.count = 0

    def __enter__(self) -> EvalCounter:
        def counting(batch):
            self.count += batch.batch.n_tokens
            return self.original(batch)

        self.ctx.decode = counting
        return self

    def __exit__(self, *exc: object) -> None:
        del self.ctx.decode


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
    # The batches the longer prompt shares whole are kept; the last small ones run again.
    assert counter.count < n_prompt // 10, f"re-evaluated {counter.count} of {n_prompt} tokens"


def test_cached_result_equals_a_cold_result(llama_engine) -> None:
    prompt = SAMPLE_PROSE[:400]
    warm_first = "".join(llama_engine.stream(prompt + " Alice", GREEDY))
    llama_engine.runtime.llm.reset()
    cold = "".join(llama_engine.stream(prompt + " Alice", GREEDY))
    assert warm_first == cold


def _prompt_logits(engine, ids: list[int]):
    import numpy as np

    session = engine.session(ids)
    assert session is not None
    return np.array(session.logits(), dtype=np.float32)


@pytest.mark.parametrize(
    "history",
    [
        "cold",
        "the same prompt",
        "a stream of the same prompt",
        "the first two tokens",
        "all but the last two tokens",
        "a prompt ending inside the first batch",
        "token by token",
        "a longer prompt, cancelled",
        "another text",
    ],
)
def test_a_prompts_logits_do_not_depend_on_what_the_cache_held(llama_engine, history) -> None:
    # CPU kernels round differently with the batch a token is evaluated in; the engine fixes
    # a prompt's batches by its length, so the cache's past (other prompts, generated tokens,
    # an adapter switched off) never shows in the numbers: bit for bit, on any CPU.
    import numpy as np

    ids = llama_engine.tokenize(SAMPLE_PROSE[:900])  # more than one whole batch
    assert len(ids) > PREFILL_CHUNK + 8
    llama_engine.runtime.llm.reset()
    cold = _prompt_logits(llama_engine, ids)
    rt = llama_engine.runtime
    cancel = threading.Event()
    cancel.set()
    before = {
        "cold": lambda: rt.llm.reset(),
        "the same prompt": lambda: _prompt_logits(llama_engine, ids),
        "a stream of the same prompt": lambda: list(llama_engine.stream(ids, GREEDY)),
        "the first two tokens": lambda: _prompt_logits(llama_engine, ids[:2]),
        "all but the last two tokens": lambda: _prompt_logits(llama_engine, ids[:-2]),
        "a prompt ending inside the first batch": lambda: _prompt_logits(
            llama_engine, ids[: PREFILL_CHUNK - 2]
        ),
        "token by token": lambda: [rt.eval([tok]) for tok in ids[len(ids) // 2 :]],
        "a longer prompt, cancelled": lambda: list(
            llama_engine.stream([*ids, *ids[:40]], GREEDY, cancel)
        ),
        "another text": lambda: list(llama_engine.stream("The old man walked to the sea", GREEDY)),
    }
    if history == "token by token":
        _prompt_logits(llama_engine, ids[: len(ids) // 2])
    before[history]()
    np.testing.assert_array_equal(_prompt_logits(llama_engine, ids), cold)


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


def test_prompt_longer_than_the_context_keeps_the_end(smollm_gguf) -> None:
    from backend.engines.llamacpp import LlamaCppEngine

    # A small model in a small context: the same windowing, without reading 4,000 tokens.
    engine = LlamaCppEngine(smollm_gguf, n_ctx=512, n_threads=1)
    engine.load()
    try:
        huge = SAMPLE_PROSE * 10  # about 2,000 tokens, four times the context
        ids = engine._prompt_ids(huge, 10)
        room = engine.context_length - 10
        # The front is dropped in steps of a quarter of the room (backend/text/windows.py).
        assert room * 3 // 4 <= len(ids) <= room
        assert ids[-30:] == engine.tokenize(huge)[-30:]
        assert "".join(engine.stream(huge, GREEDY))
    finally:
        engine.close()


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

    # Longer than one evaluation batch, so that a retry has batches to keep.
    story = SAMPLE_PROSE[:900] + " The old man walked to the sea and"
    styled = llama_engine.tokenize("Narration: first person.\n\n" + story)
    plain = llama_engine.tokenize(story)
    more = llama_engine.tokenize(" looked out at the grey")
    assert len(plain) > PREFILL_CHUNK + 8
    pair = llama_engine.guided_session(styled, plain)
    for tok in more:
        pair.push(tok)
    both = [np.array(x) for x in pair.logits()]
    # The pushed tokens go in batches of two here and one at a time there, which round
    # differently (by up to about 0.8 in a logit); the distributions must still agree.
    for logits, prompt in zip(both, (styled, plain), strict=True):
        alone = np.array(llama_engine.session(prompt + more).logits())
        assert _top(logits, 1) == _top(alone, 1)
        p, q = np.exp(logits - logits.max()), np.exp(alone - alone.max())
        p, q = p / p.sum(), q / q.sum()
        assert float((q * (np.log(q + 1e-30) - np.log(p + 1e-30))).sum()) < 0.05
    # Rolled back to a shorter prefix (a retry), each sequence keeps the batches it shares with
    # what it held, and reads exactly as if fresh.
    decoded: list[int] = []
    original = pair._decode
    pair._decode = lambda entries, want: (decoded.append(len(entries)), original(entries, want))
    try:
        assert llama_engine.guided_session(styled + more[:1], plain + more[:1]) is pair
    finally:
        del pair._decode
    assert sum(decoded[:-1]) < PREFILL_CHUNK  # a few of the last tokens of each sequence
    assert decoded[-1] == 2  # then the last token of each, for its logits
    assert len(pair.tokens[1]) == len(llama_engine._prompt_ids(plain + more[:1], 1))
    again = [np.array(x) for x in pair.logits()]
    pair.forget()
    assert llama_engine.guided_session(styled + more[:1], plain + more[:1]) is pair
    for logits, fresh in zip(again, pair.logits(), strict=True):
        np.testing.assert_array_equal(logits, fresh)
    for logits, prompt in zip(again, (styled, plain), strict=True):
        alone = np.array(llama_engine.session(prompt + more[:1]).logits())
        assert _top(logits, 1) == _top(alone, 1)
    # The main context's cache, which suggestions use, was left alone by the pair.
    with EvalCounter(llama_engine) as counter:
        llama_engine.session(plain + more[:1])
    assert counter.count == 0


def test_the_thread_count_changes_nothing_but_speed(llama_engine) -> None:
    rt = llama_engine.runtime
    prompt = llama_engine.tokenize(SAMPLE_PROSE)
    before = rt.threads_now
    try:
        rt.use_threads(1)
        one = "".join(rt_stream(llama_engine, prompt))
        assert rt.threads_now == 1
        rt.use_threads(rt.n_threads)
        assert rt.threads_now == rt.n_threads
        many = "".join(rt_stream(llama_engine, prompt))
    finally:
        rt.use_threads(before)
    assert one == many


def test_the_thread_count_changes_no_logit_of_a_long_prompt(llama_engine) -> None:
    """Not a rounding either, past the few hundred tokens where flash attention would split
    its sums by thread (so it stays off: the threads follow the machine's load)."""
    import numpy as np

    rt = llama_engine.runtime
    prompt = llama_engine._prompt_ids(llama_engine.tokenize(SAMPLE_PROSE * 6), 1)
    assert len(prompt) > 600
    before = rt.threads_now
    rows = []
    try:
        for n in (1, rt.n_threads):
            rt.use_threads(n)
            rt.truncate(0)
            rt.prefill(prompt, None)
            rows.append(rt.last_logits().copy())
    finally:
        rt.use_threads(before)
    np.testing.assert_array_equal(rows[0], rows[1])


def rt_stream(engine, prompt):  # type: ignore[no-untyped-def]
    """Greedy text with the thread count as it was set (not as the load would set it)."""
    adaptive, engine._adaptive = engine._adaptive, False
    try:
        yield from engine.stream(prompt, GREEDY)
    finally:
        engine._adaptive = adaptive


def test_probability_is_the_chosen_tokens_share_of_the_row() -> None:
    import numpy as np

    from backend.engines.llamacpp import probability

    row = np.array([1.0, 2.0, 3.0, -np.inf], dtype=np.float32)
    assert probability(row, 2) == pytest.approx(np.exp(3.0) / np.exp([1.0, 2.0, 3.0]).sum())
    assert probability(row, 3) == 0.0
    # Logits far beyond what exp() holds in float32: the shift by the maximum keeps it finite.
    wide = np.full(262_144, -5.0, dtype=np.float32)
    wide[7] = wide[8] = 200.0
    assert probability(wide, 7) == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("before", "head", "new_word"),
    [
        ("She walked", " home", True),
        ("She walked", "\n", True),
        ("She walked", ",", True),
        ('She said, "', "Go", True),
        ("She walk", "ed", False),
        ("She don", "'t", False),
        ("She don'", "t", False),
        ("a well", "-known", False),
        ("She walk", "", False),  # part of a character: its other bytes come next
        ("She said", " 好", True),
        # Chinese and Japanese text never stops for it (see starts_word).
        ("她", "们", False),
        ("他们", "走", False),
        ("他们", "，", False),
        ("他们，", "我", False),
    ],
)
def test_a_token_starts_a_word_only_at_a_word_boundary(
    before: str, head: str, new_word: bool
) -> None:
    from backend.engines.llamacpp import starts_word

    assert starts_word(before, head) is new_word


def _greedy_raw(engine, prompt: str, n: int) -> str:
    """`n` greedy tokens from llama.cpp's own loop, without Inkling's stream around it."""
    rt = engine.runtime
    generator = rt.generate([*rt.bos_tokens(), *engine.tokenize(prompt)], None, temp=0.0)
    try:
        ids = [next(generator) for _ in range(n)]
    finally:
        generator.close()
    return rt.detokenize(ids).decode("utf-8", "replace")


CONFIDENCE_PROMPTS = [
    SAMPLE_PROSE[: SAMPLE_PROSE.index(end) + len(end)]
    for end in ("by her sister", "peeped into", "thought Alice", "the pleasure of")
]


def test_min_confidence_zero_changes_nothing(llama_engine) -> None:
    params = GREEDY.with_(max_tokens=12, min_confidence=0.0)
    for prompt in CONFIDENCE_PROMPTS[:2]:
        text = "".join(llama_engine.stream(prompt, params))
        assert text == _greedy_raw(llama_engine, prompt, 12)


def test_min_confidence_ends_before_an_unsure_word(llama_engine) -> None:
    shortened = 0
    for prompt in CONFIDENCE_PROMPTS:
        full = "".join(llama_engine.stream(prompt, GREEDY.with_(max_tokens=12)))
        sure = GREEDY.with_(max_tokens=12, min_confidence=0.99)
        short = "".join(llama_engine.stream(prompt, sure))
        assert full.startswith(short), (prompt, full, short)
        # Never empty, never half a word: the cut falls between words.
        assert any(ch.isalnum() for ch in short), (prompt, full, short)
        rest = full[len(short) :]
        assert not (short[-1].isalnum() and rest[:1].isalnum()), (short, rest)
        shortened += len(short) < len(full)
    assert shortened >= len(CONFIDENCE_PROMPTS) // 2
