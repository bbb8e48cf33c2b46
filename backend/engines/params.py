"""Sampler parameters: one frozen dataclass, validated once at the edge."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any

MAX_TOKENS_LIMIT = 8192
MAX_STOP_STRINGS = 16
MAX_LOGIT_BIAS = 4096
MAX_DRAFT = 16
# Off by default: on the bundled model every verified row pays the 262k-token output layer
# (about two thirds of a token's work), so a draft costs about what it saves (bench/engine.py).
DRAFT_TOKENS = 0
LOGIT_BIAS_LIMIT = 100.0
# The settings that shape sampling itself (a model's own defaults may set these).
SAMPLING_KEYS = ("temperature", "top_p", "top_k", "min_p", "repeat_penalty")
MAX_DRY_WINDOW = 32768
# Text that ends a repeated sequence for DRY: a match never reaches back across one, and a
# token holding one is never penalised. llama.cpp's defaults but the newline: Chinese
# dialogue loops a line of four or five tokens, and a match that starts again at every line
# never grows long enough to stop it (bench/repetition.py, six Chinese continuations each
# plain and styled: with the newline one in six still looped, and a greedy two-line loop
# went on unchanged; without it none looped, and English did not change). Chinese quotes
# and colon as breakers as well looped more (two or three in six).
DRY_BREAKERS = (":", '"', "*")
# DRY as continuations use it, plain and styled (bench/repetition.py: the share of Chinese
# continuations that loop fell from 6/6 to 0/6, plain and styled, English styled from 1/6
# to 0/6; a multiplier of 1.2 did no better, an allowed length of 3 still looped in 3-5 of
# 6). The window holds what is written and the text just before it (a continuation's
# prompt is up to 1,536 tokens). Inline suggestions are too short to loop and keep their
# speed without it; character sheets did not loop (0 of 176 fields).
CONTINUATION_DRY: Mapping[str, Any] = MappingProxyType(
    {"dry_multiplier": 0.8, "dry_base": 1.75, "dry_allowed_length": 2, "dry_window": 1024}
)


class ParamError(ValueError):
    """A sampler setting is outside what Inkling accepts; the message says which and why."""


@dataclass(frozen=True)
class SamplerParams:
    """Everything that shapes one generation: sampling, length, stops and seed."""

    temperature: float = 0.8
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.05
    repeat_penalty: float = 1.1
    max_tokens: int = 128
    stop: tuple[str, ...] = field(default_factory=tuple)
    seed: int | None = None
    # (token id, bias) pairs added to the logits before sampling; -100 bans a token.
    logit_bias: tuple[tuple[int, float], ...] = field(default_factory=tuple)
    # Tokens drafted from the prompt and verified in one batch per step (0: none); only
    # llama.cpp uses it. Each token is still picked from its own row by the same sampler, but
    # a batch's rows are computed by other CPU kernels than a single token, so text can part
    # from one-at-a-time decoding where two tokens are all but tied.
    draft: int = DRAFT_TOKENS
    # Stop before a token that starts a new word when the model gave it less than this
    # probability (0: off), once the stream has produced a word of its own; a word is never
    # cut in half, and Chinese or Japanese text never stops for it. Only llama.cpp's own
    # sampling loop honours it: the transformers and remote engines ignore it, and so does
    # drafting (`draft`), whose rows are verified in batches.
    min_confidence: float = 0.0
    # DRY ("don't repeat yourself", as in llama.cpp, KoboldCpp and text-generation-webui):
    # when the last n tokens (n >= dry_allowed_length) also stand earlier among the last
    # `dry_window` tokens (the prompt's included), the token that followed them there loses
    # dry_multiplier * dry_base ** (n - dry_allowed_length) from its logit. A match never
    # reaches back across a DRY_BREAKERS mark. dry_multiplier 0 turns it off.
    dry_multiplier: float = 0.0
    dry_base: float = 1.75
    dry_allowed_length: int = 2
    dry_window: int = 1024

    def __post_init__(self) -> None:
        # Frozen dataclass: normalise through object.__setattr__ once, then it never changes.
        object.__setattr__(self, "stop", tuple(self.stop))
        _check_number("temperature", self.temperature, 0.0, 5.0)
        _check_number("top_p", self.top_p, 0.0, 1.0, low_open=True)
        _check_int("top_k", self.top_k, 0, 100_000)
        _check_number("min_p", self.min_p, 0.0, 1.0)
        _check_number("repeat_penalty", self.repeat_penalty, 0.5, 5.0)
        _check_int("max_tokens", self.max_tokens, 1, MAX_TOKENS_LIMIT)
        _check_int("draft", self.draft, 0, MAX_DRAFT)
        _check_number("min_confidence", self.min_confidence, 0.0, 1.0)
        _check_number("dry_multiplier", self.dry_multiplier, 0.0, 5.0)
        _check_number("dry_base", self.dry_base, 1.0, 4.0)
        _check_int("dry_allowed_length", self.dry_allowed_length, 1, 20)
        _check_int("dry_window", self.dry_window, 1, MAX_DRY_WINDOW)
        if len(self.stop) > MAX_STOP_STRINGS:
            raise ParamError(f"at most {MAX_STOP_STRINGS} stop strings are allowed")
        for s in self.stop:
            if not isinstance(s, str) or not s:
                raise ParamError("stop strings must be non-empty text")
        if self.seed is not None:
            _check_int("seed", self.seed, 0, 2**31 - 1)
        bias = self.logit_bias
        if isinstance(bias, dict):
            bias = bias.items()
        try:
            pairs = tuple((tok, value) for tok, value in bias)
        except (TypeError, ValueError):
            raise ParamError("logit_bias must map token ids to numbers") from None
        if len(pairs) > MAX_LOGIT_BIAS:
            raise ParamError(f"at most {MAX_LOGIT_BIAS} logit_bias entries are allowed")
        for tok, value in pairs:
            _check_int("logit_bias token id", tok, 0, 10_000_000)
            _check_number("logit_bias value", value, -LOGIT_BIAS_LIMIT, LOGIT_BIAS_LIMIT)
        object.__setattr__(self, "logit_bias", pairs)

    @property
    def greedy(self) -> bool:
        """True when sampling reduces to picking the most likely token."""
        return self.temperature <= 0.0 or self.top_k == 1

    @property
    def dry(self) -> bool:
        """True when the DRY penalty is on."""
        return self.dry_multiplier > 0.0

    def with_(self, **changes: Any) -> SamplerParams:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)

    @classmethod
    def from_mapping(cls, data: dict[str, Any], base: SamplerParams | None = None) -> SamplerParams:
        """Build from loosely typed input (JSON, CLI), refusing unknown keys and wrong types."""
        base = base or cls()
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ParamError(f"unknown sampler setting(s): {', '.join(unknown)}")
        changes: dict[str, Any] = {}
        for name, value in data.items():
            if name == "stop":
                if isinstance(value, str):
                    value = (value,)
                if not isinstance(value, list | tuple):
                    raise ParamError("stop must be a string or a list of strings")
                changes[name] = tuple(value)
            elif name == "seed" and value is None:
                changes[name] = None
            elif name == "logit_bias":
                if not isinstance(value, dict):
                    raise ParamError("logit_bias must be an object of token id -> bias")
                try:
                    changes[name] = tuple((int(k), v) for k, v in value.items())
                except ValueError:
                    raise ParamError("logit_bias keys must be token ids") from None
            else:
                changes[name] = value
        return replace(base, **changes)


def _check_number(
    name: str, value: Any, low: float, high: float, *, low_open: bool = False
) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParamError(f"{name} must be a number, not {type(value).__name__}")
    if not math.isfinite(value):
        raise ParamError(f"{name} must be a finite number")
    too_low = value <= low if low_open else value < low
    if too_low or value > high:
        bracket = "(" if low_open else "["
        raise ParamError(f"{name} must be in {bracket}{low}, {high}], got {value}")


def _check_int(name: str, value: Any, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParamError(f"{name} must be a whole number, not {type(value).__name__}")
    if not low <= value <= high:
        raise ParamError(f"{name} must be between {low} and {high}, got {value}")


def kept_from_looping(params: SamplerParams) -> SamplerParams:
    """`params` for a continuation: with CONTINUATION_DRY unless DRY was set already."""
    return params if params.dry else params.with_(**CONTINUATION_DRY)
