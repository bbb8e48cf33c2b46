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

    `allowed` (token ids) masks every other token out; an empty array means no mask.
    """
    if params.logit_bias:
        ids = np.fromiter((tok for tok, _ in params.logit_bias), dtype=np.int64)
        values = np.fromiter((value for _, value in params.logit_bias), dtype=np.float32)
        keep = ids < logits.size
        logits[ids[keep]] += values[keep]
    if params.repeat_penalty != 1.0 and len(recent):
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
