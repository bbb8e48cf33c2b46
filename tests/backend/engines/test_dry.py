"""DRY: a token that would extend a sequence already in the text is held down, in Inkling's
own sampler and in llama.cpp's chain alike; with DRY off nothing changes."""

from __future__ import annotations

import ctypes
from collections import Counter
from functools import partial

import numpy as np
import pytest

from backend.engines.params import CONTINUATION_DRY, DRY_BREAKERS, SamplerParams
from backend.engines.sampling import (
    DRY_PENALTY_CEILING,
    _dry,
    breaker_ids,
    dry_breakers,
    sample,
    seeded_rng,
)

DRY = SamplerParams(temperature=0.0, repeat_penalty=1.0, dry_multiplier=1.0, dry_base=2.0)
# "5 1 2" stood earlier, followed by 3: 3 would extend a match of three tokens.
REPEATED = [5, 1, 2, 3, 4, 5, 1, 2]


def penalties(
    params: SamplerParams, recent: list[int], breakers: frozenset[int] = frozenset()
) -> np.ndarray:
    """What DRY takes from each of ten tokens' logits after `recent`."""
    logits = np.zeros(10, dtype=np.float32)
    _dry(logits, params, recent[-params.dry_window :], breakers)
    return -logits


def test_only_the_token_that_would_extend_the_repeat_is_lowered() -> None:
    lowered = penalties(DRY, REPEATED)
    # A match of 3 with 2 allowed: multiplier * base ** (3 - 2).
    assert lowered[3] == pytest.approx(2.0)
    assert np.count_nonzero(lowered) == 1


def test_the_sampler_turns_away_from_the_repeat_and_only_with_dry_on() -> None:
    logits = np.full(10, 1.0, dtype=np.float32)
    logits[3] = 1.5  # the model's favourite is the repeat
    assert sample(logits.copy(), DRY.with_(dry_multiplier=0.0), REPEATED, seeded_rng(0)) == 3
    picked = sample(logits.copy(), DRY, REPEATED, seeded_rng(0))
    assert picked != 3


def test_a_longer_match_costs_more() -> None:
    once = penalties(DRY, [1, 2, 3, 9, 1, 2])[3]
    longer = penalties(DRY, [7, 1, 2, 3, 9, 7, 1, 2])[3]
    assert longer > once > 0


def test_the_allowed_length_is_respected() -> None:
    recent = [1, 2, 3, 9, 1, 2]  # "1 2" repeated: 3 would make it three
    assert penalties(DRY, recent)[3] == pytest.approx(1.0)  # base ** 0
    assert not penalties(DRY.with_(dry_allowed_length=3), recent).any()


def test_a_breaker_stops_a_match() -> None:
    # 5 is a breaker: the match is "1 2" only, not "5 1 2".
    assert penalties(DRY, REPEATED, frozenset({5}))[3] == pytest.approx(1.0)
    # The text ends on a breaker: nothing before it is matched.
    assert not penalties(DRY, [*REPEATED, 8], frozenset({8})).any()
    # A breaker is never held down, even where it would extend a repeat.
    assert not penalties(DRY, [1, 2, 8, 4, 1, 2], frozenset({8})).any()


def test_only_the_window_is_looked_at() -> None:
    recent = [1, 2, 3, *range(4, 9), 1, 2]
    assert penalties(DRY, recent)[3] > 0
    assert not penalties(DRY.with_(dry_window=6), recent).any()


def test_a_masked_step_is_left_alone() -> None:
    # Token healing re-creates text the document has: DRY must not pick another spelling.
    logits = np.zeros(10, dtype=np.float32)
    logits[3], logits[7] = 2.0, 1.0
    assert sample(logits, DRY, REPEATED, seeded_rng(0), np.array([3, 7])) == 3


def test_breaker_ids_are_the_tokens_holding_a_breaker() -> None:
    pieces = [b"a", b"\n", b" b:", b'"x', b"c", b"*", b"\x00", b"", "d“e".encode()]
    assert breaker_ids(pieces, (":", '"', "*")) == frozenset({2, 3, 5})
    assert breaker_ids(pieces, ("\n", "“")) == frozenset({1, 8})
    assert breaker_ids(pieces, ("c",)) == frozenset({4})
    assert breaker_ids([], DRY_BREAKERS) == frozenset()


# The bundled model, loaded once for the session.


def looped_lines(text: str) -> int:
    """How often the most repeated line of 4+ characters comes."""
    lines = Counter(line.strip() for line in text.splitlines() if len(line.strip()) >= 4)
    return max(lines.values(), default=0)


# The model loops on this under greedy decoding: a scrap of dialogue it keeps answering.
LOOP_PROMPT = "“你吃过了吗？”\n“吃过了。”\n“你吃过了吗？”\n“吃过了。”\n"
GREEDY = SamplerParams(temperature=0.0, repeat_penalty=1.0, max_tokens=100)


def greedy_with_own_sampler(engine, prompt: str, params: SamplerParams) -> str:  # type: ignore[no-untyped-def]
    """`params.max_tokens` tokens picked by Inkling's sampler, one session step at a time."""
    vocab = engine.vocabulary
    tokens = [*engine.bos_tokens, *engine.tokenize(prompt)]
    session = engine.stepper.session(tokens, None)
    breakers = dry_breakers(vocab)
    out: list[int] = []
    for _ in range(params.max_tokens):
        logits = np.array(session.logits(), dtype=np.float32)
        tok = sample(logits, params, [*tokens, *out], seeded_rng(0), None, breakers)
        if tok in vocab.end_tokens:
            break
        out.append(tok)
        session.push(tok)
    return b"".join(vocab.pieces[t] for t in out).decode("utf-8", "replace")


@pytest.mark.slow
@pytest.mark.parametrize("sampler", ["llama.cpp", "inkling"])
def test_a_greedy_loop_is_broken_by_dry(llama_engine, sampler: str) -> None:
    def write(params: SamplerParams) -> str:
        if sampler == "llama.cpp":
            return "".join(llama_engine.stream(LOOP_PROMPT, params))
        return greedy_with_own_sampler(llama_engine, LOOP_PROMPT, params)

    off = write(GREEDY)
    on = write(GREEDY.with_(**CONTINUATION_DRY))
    assert looped_lines(off) >= 6, off  # well past three: not a near tie on another CPU
    assert looped_lines(on) <= 2, on


def test_the_transformers_stream_breaks_loops_with_dry(tiny_gpt2_engine) -> None:
    # The transformers engine samples with Inkling's sampler (tested on the real model
    # above): DRY reaches it through the stream. The tiny untrained GPT-2 repeats one token
    # under greedy decoding; DRY makes it move on.
    def most_repeated_trigram(params: SamplerParams) -> int:
        text = "".join(tiny_gpt2_engine.stream("Alice was beginning to get very tired", params))
        tokens = tiny_gpt2_engine.tokenize(text)
        return max(Counter(zip(tokens, tokens[1:], tokens[2:], strict=False)).values())

    greedy = SamplerParams(temperature=0.0, repeat_penalty=1.0, max_tokens=60)
    off = most_repeated_trigram(greedy)
    on = most_repeated_trigram(greedy.with_(**CONTINUATION_DRY))
    assert off >= 20  # measured 37 (of 58 trigrams)
    assert on <= off // 2, (off, on)  # measured 9


@pytest.mark.slow
def test_dry_off_leaves_the_text_as_it_was(llama_engine) -> None:
    # Settings that only matter with DRY on change nothing while it is off.
    params = SamplerParams(temperature=0.9, max_tokens=40, seed=11)
    quiet = params.with_(dry_multiplier=0.0, dry_base=3.0, dry_allowed_length=5, dry_window=7)
    prompt = "The clock struck thirteen, and"
    assert "".join(llama_engine.stream(prompt, quiet)) == "".join(
        llama_engine.stream(prompt, params)
    )


@pytest.mark.slow
@pytest.mark.parametrize("temperature", [0.0, 0.9])
def test_the_dry_chain_is_llama_cpp_pythons_chain_when_dry_is_off(
    llama_engine, monkeypatch: pytest.MonkeyPatch, temperature: float
) -> None:
    # With DRY on, the chain is built by Inkling; without it, by `Llama._init_sampler`. The
    # two must be the same chain but for DRY: same seed, same text (bias included).
    from backend.engines.llama_sampler import native_chain

    rt = llama_engine.runtime
    bias = tuple((tok, -100.0) for tok in llama_engine.tokenize(" the"))
    params = SamplerParams(temperature=temperature, max_tokens=40, seed=5, logit_bias=bias)
    prompt = "The clock struck thirteen, and the"
    theirs = "".join(llama_engine.stream(prompt, params))

    def ours(**sampling):  # type: ignore[no-untyped-def]
        return native_chain(rt._chain_model(), SamplerParams(), (), **sampling)

    monkeypatch.setattr(rt.llm, "_init_sampler", ours, raising=False)
    assert "".join(llama_engine.stream(prompt, params)) == theirs


@pytest.mark.slow
def test_inklings_dry_is_llama_cpps(llama_engine) -> None:
    # The same penalties, token for token, on random texts full of repeats and breakers.
    import llama_cpp
    from llama_cpp import _internals

    rt = llama_engine.runtime
    rt.prefill([*rt.bos_tokens(), *rt.tokenize("one two")], None)
    raw = np.array(rt.last_logits(), dtype=np.float32)
    breakers = dry_breakers(llama_engine.vocabulary)
    alphabet = rt.tokenize(' a b c d\n:"*')
    assert len([t for t in alphabet if t in breakers]) >= 2
    gen = np.random.default_rng(0)
    for trial in range(60):
        letters = alphabet if trial % 2 else [t for t in alphabet if t not in breakers]
        seq = gen.choice(letters, size=int(gen.integers(2, 200))).tolist()
        seq += seq[: int(gen.integers(1, len(seq) + 1))]
        params = DRY.with_(
            dry_multiplier=0.8,
            dry_base=float(gen.choice([1.0, 1.75, 3.0])),
            dry_allowed_length=int(gen.integers(1, 4)),
            dry_window=int(gen.integers(2, 400)),
        )
        seen: dict[str, np.ndarray] = {}
        chain = _internals.LlamaSampler()
        chain.add_dry(
            rt.llm._model, params.dry_multiplier, params.dry_base,
            params.dry_allowed_length, params.dry_window, list(DRY_BREAKERS),
        )  # fmt: skip
        chain.add_custom(partial(_record, llama_cpp, seen))
        chain.add_greedy()
        for tok in seq:
            chain.accept(tok)
        chain.sample(rt.llm._ctx, -1)
        chain.close()
        ours = raw.copy()
        _dry(ours, params, seq[-params.dry_window :], breakers)
        # Inkling stops counting a match where its penalty passes any logit.
        theirs = np.minimum(raw - seen["logits"], DRY_PENALTY_CEILING)
        mine = np.minimum(raw - ours, DRY_PENALTY_CEILING)
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-3)


def _record(llama_cpp, seen: dict[str, np.ndarray], candidates) -> None:  # type: ignore[no-untyped-def]
    """A chain step that keeps the logits it is handed, in token order."""
    size = candidates.contents.size
    address = ctypes.addressof(candidates.contents.data.contents)
    record = np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)], align=True)
    rows = np.frombuffer((llama_cpp.llama_token_data * size).from_address(address), record)
    logits = np.empty(size, dtype=np.float32)
    logits[rows["id"]] = rows["logit"]
    seen["logits"] = logits
