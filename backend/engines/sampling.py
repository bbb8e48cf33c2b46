"""The one sampler for every token Inkling picks itself (llama.cpp's own sampler aside).

It works the way llama.cpp's does, in this order: logit bias, repetition penalty over the
last PENALTY_WINDOW tokens, DRY (when on: see SamplerParams), the constraint's mask, then
greedy or top-k, top-p, min-p and temperature. Logits processors (the styled job's levers)
run before it, as plain callables.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

import numpy as np

from backend.engines.params import DRY_BREAKERS, SamplerParams
from backend.engines.vocabulary import Vocabulary

PENALTY_WINDOW = 64
# DRY counts a match only up to the length whose penalty reaches this: a logit is tens at
# most, so a longer match picks the same, and counting on through a text that repeats
# itself would cost a numpy round per token (2 ms a token over two lines written 40 times;
# llama.cpp counts on, and clamps the penalty at float32's largest).
DRY_PENALTY_CEILING = 1e4
# (recent token ids, logits) -> logits, the shape of llama-cpp-python's LogitsProcessor.
LogitsProcessor = Callable[[Sequence[int], np.ndarray], np.ndarray]


def apply_processors(
    processors: Sequence[LogitsProcessor], recent: Sequence[int], logits: np.ndarray
) -> np.ndarray:
    """Run each processor in turn over `logits`."""
    for processor in processors:
        logits = processor(recent, logits)
    return logits


def sample(
    logits: np.ndarray,
    params: SamplerParams,
    recent: Sequence[int],
    rng: np.random.Generator,
    allowed: np.ndarray | None = None,
    breakers: frozenset[int] = frozenset(),
) -> int:
    """Pick the next token id from a float32 logits vector (which may be modified in place).

    `allowed` (token ids) masks every other token out; an empty array means no mask. With
    a mask only the allowed entries are touched, which keeps a constrained step cheap on a
    262k-token vocabulary. The sampler reads the last `history_length(params)` tokens of
    `recent`; `breakers` are the token ids DRY matches stop at (see dry_breakers). A masked
    step re-creates text the document has (token healing), so DRY leaves it alone: a
    penalty there could only pick another spelling of the same text.
    """
    if allowed is not None and len(allowed):
        ids = np.asarray(allowed, dtype=np.int64)
        ids = ids[ids < logits.size]
        sub = logits[ids].astype(np.float32)
        _adjust(sub, ids, params, recent)
        return int(ids[_pick(sub, params, rng)])
    _adjust(logits, None, params, recent)
    if params.dry:
        _dry(logits, params, recent[-params.dry_window :], breakers)
    return _pick(logits, params, rng)


def history_length(params: SamplerParams) -> int:
    """How many of the last tokens `sample` reads: what its callers keep as `recent`."""
    return max(PENALTY_WINDOW, params.dry_window) if params.dry else PENALTY_WINDOW


def dry_breakers(vocab: Vocabulary) -> frozenset[int]:
    """The ids of `vocab`'s tokens that hold a DRY breaker (worked out once per model)."""
    return vocab.memo(
        ("dry_breakers", DRY_BREAKERS), lambda: breaker_ids(vocab.pieces, DRY_BREAKERS)
    )


def breaker_ids(pieces: Sequence[bytes], breakers: Sequence[str] = DRY_BREAKERS) -> frozenset[int]:
    """The ids of the tokens whose piece holds one of `breakers`, as llama.cpp counts a
    token holding a whole breaker (a breaker split over two tokens is not looked for).

    One regular-expression pass over the pieces joined by NUL bytes (no breaker holds one,
    so no match spans two pieces): about 40 ms for Gemma's 262k, not the seconds of a
    Python loop over each piece and breaker."""
    if not pieces or not breakers:
        return frozenset()
    pattern = re.compile(b"|".join(re.escape(b.encode("utf-8")) for b in breakers))
    joined = b"\0".join(pieces)
    sizes = np.fromiter((len(p) + 1 for p in pieces), dtype=np.int64, count=len(pieces))
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    offsets = np.fromiter((m.start() for m in pattern.finditer(joined)), dtype=np.int64)
    return frozenset(np.unique(np.searchsorted(starts, offsets, side="right") - 1).tolist())


def _dry(
    logits: np.ndarray, params: SamplerParams, window: Sequence[int], breakers: frozenset[int]
) -> None:
    """DRY over the whole vocabulary, in place, as llama.cpp's sampler does it (a match's
    penalty counted up to DRY_PENALTY_CEILING).

    Only the tokens that followed an earlier copy of the text's last tokens are touched:
    the earlier places the last token stands are found in one numpy pass, and their matches
    are extended backwards together, a token a round (18 rounds at most for continuations).
    """
    allowed_length, size = params.dry_allowed_length, len(window)
    if size <= allowed_length:
        return
    limit = 0  # the text's last tokens since a breaker: no match reaches further back
    for tok in reversed(window):
        if tok in breakers:
            break
        limit += 1
    if limit < allowed_length:
        return
    limit = min(limit, _longest_counted(params))
    ids = np.asarray(window, dtype=np.int64)
    starts = np.flatnonzero(ids[:-1] == ids[-1])
    length = np.ones(starts.size, dtype=np.int64)
    live = np.arange(starts.size)
    for step in range(1, limit):
        at = starts[live] - step
        inside = at >= 0
        live, at = live[inside], at[inside]
        live = live[ids[at] == ids[size - 1 - step]]
        if not live.size:
            break
        length[live] += 1
    longest: dict[int, int] = {}
    long_enough = length >= allowed_length
    following = ids[starts[long_enough] + 1].tolist()
    for tok, n in zip(following, length[long_enough].tolist(), strict=True):
        if n > longest.get(tok, 0) and tok not in breakers and tok < logits.size:
            longest[tok] = n
    for tok, n in longest.items():
        logits[tok] -= params.dry_multiplier * params.dry_base ** (n - allowed_length)


def _longest_counted(params: SamplerParams) -> int:
    """The match length whose DRY penalty first reaches DRY_PENALTY_CEILING (with base 1
    every match long enough costs the same: the allowed length)."""
    base, allowed_length = params.dry_base, params.dry_allowed_length
    if base <= 1.000001:
        return allowed_length
    more = math.log(DRY_PENALTY_CEILING / params.dry_multiplier) / math.log(base)
    return allowed_length + max(0, math.ceil(more))


def _adjust(
    logits: np.ndarray, ids: np.ndarray | None, params: SamplerParams, recent: Sequence[int]
) -> None:
    """Logit bias, then the repetition penalty, in place. `ids` names the token of each
    entry when `logits` holds only some of the vocabulary (None: all of it, in order)."""
    if params.logit_bias:
        tokens = np.fromiter((tok for tok, _ in params.logit_bias), dtype=np.int64)
        values = np.fromiter((value for _, value in params.logit_bias), dtype=np.float32)
        where, found = _positions(tokens, ids, logits.size)
        logits[where] += values[found]
    if params.repeat_penalty != 1.0 and len(recent):
        tokens = np.fromiter(set(recent[-PENALTY_WINDOW:]), dtype=np.int64)
        where, _found = _positions(tokens, ids, logits.size)
        vals = logits[where]
        logits[where] = np.where(
            vals > 0, vals / params.repeat_penalty, vals * params.repeat_penalty
        )


def _positions(
    tokens: np.ndarray, ids: np.ndarray | None, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Where `tokens` sit in a logits vector, and which of `tokens` are there at all."""
    if ids is None:
        found = np.flatnonzero(tokens < size)
        return tokens[found], found
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    at = np.searchsorted(sorted_ids, tokens)
    hit = at < sorted_ids.size
    hit[hit] = sorted_ids[at[hit]] == tokens[hit]
    found = np.flatnonzero(hit)
    return order[at[found]], found


def _pick(logits: np.ndarray, params: SamplerParams, rng: np.random.Generator) -> int:
    """Greedy, or top-k, top-p, min-p and temperature; the index into `logits`."""
    if params.greedy:
        return int(np.argmax(logits))
    k = min(params.top_k or logits.size, logits.size)
    top = np.argpartition(-logits, k - 1)[:k]
    z = logits[top].astype(np.float64)
    order = np.argsort(-z)
    top, z = top[order], z[order]
    finite = np.isfinite(z)
    if not finite.any():
        return int(top[0])
    top, z = top[finite], z[finite]
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


def seeded_rng(seed: int | None) -> np.random.Generator:
    """The random generator for one generation (fresh entropy when `seed` is None)."""
    return np.random.default_rng(seed)
