"""The one sampler for every token Inkling picks itself (llama.cpp's own sampler aside).

It works the way llama.cpp's does, in this order: logit bias, repetition penalty over the
last PENALTY_WINDOW tokens, the constraint's mask, then greedy or top-k, top-p, min-p and
temperature. Logits processors (the styled job's levers) run before it, as plain callables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from backend.engines.params import SamplerParams

PENALTY_WINDOW = 64
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
) -> int:
    """Pick the next token id from a float32 logits vector (which may be modified in place).

    `allowed` (token ids) masks every other token out; an empty array means no mask. With
    a mask only the allowed entries are touched, which keeps a constrained step cheap on a
    262k-token vocabulary.
    """
    if allowed is not None and len(allowed):
        ids = np.asarray(allowed, dtype=np.int64)
        ids = ids[ids < logits.size]
        sub = logits[ids].astype(np.float32)
        _adjust(sub, ids, params, recent)
        return int(ids[_pick(sub, params, rng)])
    _adjust(logits, None, params, recent)
    return _pick(logits, params, rng)


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
