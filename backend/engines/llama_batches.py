"""How a prompt is split into batches for llama.cpp, and which batches the cache still holds:
pure planning, no llama.cpp calls. Split from llama_adapter.py, which evaluates the batches.
"""

from __future__ import annotations

from collections.abc import Sequence

# A prompt is evaluated in batches fixed by its length alone (`batches`). llama.cpp's CPU
# kernels round differently with the number of tokens in a batch and a token's place in it
# (one token takes a dot product per weight row, several take tiled matrix kernels; repacked
# Q4_K weights go four tokens at a time and the rest one by one), and which kernels these are
# depends on the CPU's vector extensions. The same prompt split into other batches gave
# last-token logits up to 1.6 apart on the bundled model. With the batches fixed, a prompt's
# logits depend on its tokens alone, never on what the cache held before: the same text gets
# the same suggestion warm or cold, and an adapter switched off gives back exactly what the
# plain model gave. A batch is kept from the cache only if it was evaluated as the very same
# batch. Batches of at most PREFILL_CHUNK tokens also let a cancel land mid-prompt.
PREFILL_CHUNK = 128
# The batches after the last whole PREFILL_CHUNK (small: typing redoes at most one).
TAIL_BATCH = 8


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    """How many leading tokens `a` and `b` share."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def batches(n: int) -> list[tuple[int, int]]:
    """The (start, end) batches a prompt of `n` tokens is evaluated in.

    Whole PREFILL_CHUNKs from the first token, then TAIL_BATCHes, then the last few tokens
    in falling powers of two (300 tokens: 128, 128, five of 8, 4). A prompt that grows by a
    few tokens keeps all its batches but the last one or two: 3 to 9 tokens evaluated per
    suggestion while typing, and a whole chunk once every PREFILL_CHUNK tokens.
    """
    out: list[tuple[int, int]] = []
    start = 0
    for size in (PREFILL_CHUNK, TAIL_BATCH):
        while n - start >= size:
            out.append((start, start + size))
            start += size
    size = TAIL_BATCH // 2
    while start < n:
        while size > n - start:
            size //= 2
        out.append((start, start + size))
        start += size
    return out


def kept_batches(
    done: Sequence[tuple[int, int]], plan: Sequence[tuple[int, int]], shared: int
) -> int:
    """How many leading batches of `plan` the cache already holds: those evaluated as the same
    batches before (`done`) over the `shared` leading tokens the cache and the prompt share."""
    kept = 0
    for old, new in zip(done, plan, strict=False):
        if old != new or new[1] > shared:
            break
        kept += 1
    return kept
