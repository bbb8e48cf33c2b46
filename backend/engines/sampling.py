"""Token sampling for engines that do not sample natively (the transformers engine)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from backend.params import SamplerParams

if TYPE_CHECKING:
    import torch

PENALTY_WINDOW = 64


def sample_token(
    logits: torch.Tensor,
    params: SamplerParams,
    recent: Sequence[int],
    generator: torch.Generator | None,
    allowed: Sequence[int] | None = None,
) -> int:
    """Pick the next token id from one row of logits, llama.cpp style.

    Order: repetition penalty, constraint mask, then top-k, top-p, min-p and temperature.
    """
    import torch

    logits = logits.float().clone()
    if params.logit_bias:
        ids = torch.tensor([tok for tok, _ in params.logit_bias], dtype=torch.long)
        ids = ids.clamp(max=logits.numel() - 1)
        logits[ids] += torch.tensor([value for _, value in params.logit_bias])
    if params.repeat_penalty != 1.0 and recent:
        ids = torch.tensor(sorted(set(recent[-PENALTY_WINDOW:])), dtype=torch.long)
        vals = logits[ids]
        logits[ids] = torch.where(
            vals > 0, vals / params.repeat_penalty, vals * params.repeat_penalty
        )
    if allowed is not None:
        mask = torch.full_like(logits, float("-inf"))
        idx = torch.as_tensor(allowed, dtype=torch.long)
        mask[idx] = 0.0
        logits = logits + mask
    if params.greedy:
        return int(torch.argmax(logits))
    if params.top_k > 0:
        k = min(params.top_k, logits.numel())
        kth = torch.topk(logits, k).values[-1]
        logits[logits < kth] = float("-inf")
    probs = torch.softmax(logits, dim=-1)
    if params.top_p < 1.0:
        sorted_p, order = torch.sort(probs, descending=True)
        cum = torch.cumsum(sorted_p, dim=-1)
        drop = cum - sorted_p > params.top_p
        probs[order[drop]] = 0.0
    if params.min_p > 0.0:
        probs[probs < params.min_p * probs.max()] = 0.0
    logits = torch.where(probs > 0, logits, torch.full_like(logits, float("-inf")))
    probs = torch.softmax(logits / params.temperature, dim=-1)
    return int(torch.multinomial(probs, 1, generator=generator))
