"""Sampler parameters: sane values pass, absurd ones are refused with a clear message."""

from __future__ import annotations

import math

import pytest

from backend.engines.params import ParamError, SamplerParams


def test_defaults_are_valid_and_frozen() -> None:
    p = SamplerParams()
    assert not p.greedy
    with pytest.raises(AttributeError):
        p.temperature = 2.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("temperature", -1.0, "temperature"),
        ("temperature", math.nan, "finite"),
        ("top_p", 0.0, "top_p"),
        ("top_p", 1.5, "top_p"),
        ("top_k", -3, "top_k"),
        ("min_p", 2.0, "min_p"),
        ("max_tokens", 0, "max_tokens"),
        ("max_tokens", 10**9, "max_tokens"),
        ("repeat_penalty", 100.0, "repeat_penalty"),
        ("seed", -5, "seed"),
        ("temperature", "hot", "number"),
        ("max_tokens", 3.5, "whole number"),
        ("stop", ("",), "stop"),
        ("min_confidence", -0.1, "min_confidence"),
        ("min_confidence", 1.5, "min_confidence"),
        ("min_confidence", math.inf, "finite"),
        ("min_confidence", "high", "number"),
        ("dry_multiplier", -0.5, "dry_multiplier"),
        ("dry_multiplier", 50.0, "dry_multiplier"),
        ("dry_multiplier", math.nan, "finite"),
        ("dry_base", 0.5, "dry_base"),
        ("dry_base", 100.0, "dry_base"),
        ("dry_allowed_length", 0, "dry_allowed_length"),
        ("dry_allowed_length", 2.5, "whole number"),
        ("dry_window", 0, "dry_window"),
        ("dry_window", 10**7, "dry_window"),
        ("dry_window", True, "whole number"),
    ],
)
def test_absurd_values_are_refused(field: str, value: object, words: str) -> None:
    with pytest.raises(ParamError, match=words):
        SamplerParams(**{field: value})


def test_from_mapping_accepts_json_and_rejects_unknown_keys() -> None:
    p = SamplerParams.from_mapping({"temperature": 0, "stop": "\n", "seed": 3})
    assert p.greedy and p.stop == ("\n",) and p.seed == 3
    with pytest.raises(ParamError, match="unknown"):
        SamplerParams.from_mapping({"temprature": 1.0})


def test_logit_bias_is_checked_and_normalised() -> None:
    p = SamplerParams(logit_bias={5: -100.0, 7: 2})
    assert p.logit_bias == ((5, -100.0), (7, 2))
    assert SamplerParams.from_mapping({"logit_bias": {"5": -1.5}}).logit_bias == ((5, -1.5),)
    with pytest.raises(ParamError, match="logit_bias value"):
        SamplerParams(logit_bias=((1, 1e9),))
    with pytest.raises(ParamError, match="token id"):
        SamplerParams(logit_bias=((-1, 1.0),))
    with pytest.raises(ParamError, match="logit_bias"):
        SamplerParams.from_mapping({"logit_bias": {"x": 1.0}})
    with pytest.raises(ParamError, match="logit_bias"):
        SamplerParams(logit_bias=((i, 1.0) for i in range(5000)))  # type: ignore[arg-type]


def test_min_confidence_is_off_unless_asked_for() -> None:
    assert SamplerParams().min_confidence == 0.0
    assert SamplerParams(min_confidence=1.0).min_confidence == 1.0
    assert SamplerParams.from_mapping({"min_confidence": 0.4}).min_confidence == 0.4


def test_dry_is_off_unless_asked_for() -> None:
    assert not SamplerParams().dry
    p = SamplerParams.from_mapping({"dry_multiplier": 0.8, "dry_allowed_length": 3})
    assert p.dry and p.dry_allowed_length == 3
    assert not p.with_(dry_multiplier=0.0).dry


def test_a_continuation_is_kept_from_looping_unless_dry_was_set() -> None:
    from backend.engines.params import CONTINUATION_DRY, kept_from_looping

    kept = kept_from_looping(SamplerParams(seed=3))
    assert kept.dry and kept.seed == 3
    assert {k: getattr(kept, k) for k in CONTINUATION_DRY} == dict(CONTINUATION_DRY)
    mine = SamplerParams(dry_multiplier=1.5)
    assert kept_from_looping(mine) == mine
