"""The one sampler every locally sampled token goes through."""

from __future__ import annotations

import numpy as np
import pytest

from backend.engines.params import SamplerParams
from backend.engines.sampling import apply_processors, sample, seeded_rng

LOGITS = np.array([0.0, 5.0, 4.9, 1.0, -2.0], dtype=np.float32)


def draws(params: SamplerParams, n: int = 400, **kwargs: object) -> set[int]:
    rng = seeded_rng(7)
    return {sample(LOGITS.copy(), params, [], rng, **kwargs) for _ in range(n)}  # type: ignore[arg-type]


def test_greedy_and_top_k_one_take_the_best() -> None:
    assert draws(SamplerParams(temperature=0.0)) == {1}
    assert draws(SamplerParams(temperature=1.0, top_k=1)) == {1}


def test_allowed_masks_every_other_token() -> None:
    allowed = np.array([3, 4])
    assert draws(SamplerParams(temperature=1.0, min_p=0.0), allowed=allowed) <= {3, 4}
    assert draws(SamplerParams(temperature=0.0), allowed=allowed) == {3}


def test_top_p_and_min_p_cut_the_tail() -> None:
    wide = SamplerParams(temperature=1.0, top_k=0, top_p=1.0, min_p=0.0)
    assert {0, 1, 2, 3} <= draws(wide, 3000)
    assert draws(wide.with_(top_p=0.5)) == {1}
    assert draws(wide.with_(min_p=0.5)) == {1, 2}


def test_repetition_penalty_and_bias() -> None:
    params = SamplerParams(temperature=0.0, repeat_penalty=5.0)
    assert sample(LOGITS.copy(), params, [1], seeded_rng(0)) == 2
    biased = SamplerParams(temperature=0.0, logit_bias=((4, 10.0),))
    assert sample(LOGITS.copy(), biased, [], seeded_rng(0)) == 4
    # A bias for a token past the end of the vocabulary is ignored, not an error.
    beyond = SamplerParams(temperature=0.0, logit_bias=((99, 50.0),))
    assert sample(LOGITS.copy(), beyond, [], seeded_rng(0)) == 1


def test_the_same_seed_draws_the_same_tokens() -> None:
    params = SamplerParams(temperature=1.5, top_k=0, min_p=0.0)
    a = [sample(LOGITS.copy(), params, [], rng) for rng in [seeded_rng(3)] for _ in range(50)]
    b = [sample(LOGITS.copy(), params, [], rng) for rng in [seeded_rng(3)] for _ in range(50)]
    assert a == b and len(set(a)) > 1


def test_everything_masked_still_returns_a_token() -> None:
    logits = np.full(4, -np.inf, dtype=np.float32)
    assert 0 <= sample(logits, SamplerParams(temperature=1.0), [], seeded_rng(1)) < 4


def test_processors_run_in_order() -> None:
    seen: list[str] = []

    def first(recent, logits):  # type: ignore[no-untyped-def]
        seen.append("first")
        logits[0] += 100.0
        return logits

    def second(recent, logits):  # type: ignore[no-untyped-def]
        seen.append(f"second saw {int(np.argmax(logits))}")
        return logits

    out = apply_processors([first, second], [1, 2], LOGITS.copy())
    assert seen == ["first", "second saw 0"] and out[0] == pytest.approx(100.0)


def reference(logits, params, recent, rng, allowed):  # type: ignore[no-untyped-def]
    """The whole-vocabulary way: bias, penalty, mask everything else to -inf, then pick."""
    logits = logits.copy()
    for tok, value in params.logit_bias:
        logits[tok] += value
    ids = np.array(sorted(set(recent[-64:])), dtype=np.int64)
    if params.repeat_penalty != 1.0 and ids.size:
        vals = logits[ids]
        logits[ids] = np.where(vals > 0, vals / params.repeat_penalty, vals * params.repeat_penalty)
    masked = np.full_like(logits, -np.inf)
    masked[allowed] = logits[allowed]
    return sample(masked, params.with_(logit_bias=(), repeat_penalty=1.0), [], rng)


@pytest.mark.parametrize("temperature", [0.0, 0.7, 1.3])
def test_a_masked_step_picks_what_the_whole_vocabulary_would(temperature: float) -> None:
    gen = np.random.default_rng(11)
    params = SamplerParams(
        temperature=temperature,
        top_k=5,
        top_p=0.9,
        min_p=0.02,
        repeat_penalty=1.3,
        logit_bias=((3, 2.0), (40, -1.5), (7, 0.5)),
    )
    for trial in range(60):
        logits = gen.normal(0, 3, 200).astype(np.float32)
        allowed = gen.choice(200, size=int(gen.integers(1, 30)), replace=False)
        recent = gen.integers(0, 200, 20).tolist()
        fast = sample(logits.copy(), params, recent, seeded_rng(trial), allowed)
        slow = reference(logits, params, recent, seeded_rng(trial), allowed)
        assert fast == slow and fast in allowed.tolist()
