"""Decoding with drafts from the prompt, verified in one batch (llama.cpp).

Each step feeds the token just picked together with the tokens that followed the same words
earlier in the writer's text (`PromptLookup`), in one batch with every row's logits. The
sampler then picks from the rows in order for as long as its pick is the drafted token: each
such token cost a row of a batch instead of a decode of its own. The first pick that differs
is the next token, so every token is still picked once, from its own row, by the same
sampler in the same order: greedy text and a seeded sampler's draws follow decoding one
token at a time. Only follow, not equal bit for bit: llama.cpp's CPU kernels compute a
batch's rows in another order than a single token's, so where two tokens are all but tied
the pick can differ (bench/engine.py measures the speed and how far the texts agree).
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import Any

from backend.engines.llama_adapter import LlamaRuntime
from backend.engines.lookup import PromptLookup
from backend.engines.params import SamplerParams


def drafted_tokens(
    rt: LlamaRuntime,
    tokens: Sequence[int],
    lookup: PromptLookup,
    logits_processor: Any,
    dry: SamplerParams | None = None,
    **sampling: Any,
) -> Generator[int, None, None]:
    """Token ids after `tokens` (already evaluated, the last one's logits at hand), DRY
    in the sampler when `dry` turns it on.

    The caller stops by closing the generator; the cache then holds the prompt and the
    tokens evaluated so far, which the next prefill sorts out (it trusts only its batches).
    """
    sampler = rt.sampler(logits_processor, dry, tokens, **sampling)
    lookup.reset(tokens)
    try:
        pending = rt.sample_at(sampler, -1)
        while True:
            tok = pending
            draft = lookup.draft(tok)
            yield tok
            base = rt.llm.n_tokens
            rt.decode_all([tok, *draft])
            accepted = [tok]
            pending = -1
            for row, guess in enumerate(draft):
                pick = rt.sample_at(sampler, row)
                if pick != guess:
                    pending = pick
                    break
                accepted.append(guess)
            if pending < 0:
                pending = rt.sample_at(sampler, len(draft))
            rt.truncate(base + len(accepted))
            lookup.push(accepted)
            yield from accepted[1:]
    finally:
        sampler.close()
