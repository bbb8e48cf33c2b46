"""llama.cpp's native sampler chain with DRY in it (llama-cpp-python's own cannot hold it).

`Llama._init_sampler` builds the chain `Llama.generate` samples with, and takes no DRY
settings. `native_chain` builds the same chain for the settings Inkling uses, with llama.cpp's
DRY sampler right after the repetition penalties: the logits processors, the penalties, DRY,
then greedy (temperature 0) or top-k, typical, top-p, min-p, temperature and a draw seeded
with the model's seed. The DRY sampler is shown the prompt's last `dry_window` tokens before
the first pick, so a continuation is kept from repeating the writer's text as well as its
own (llama.cpp's server does the same); the penalties see only what is generated, as in
`Llama._init_sampler`. Only llama_adapter.py calls it: it lives here to keep that module short.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from backend.engines.params import DRY_BREAKERS, SamplerParams


@dataclass(frozen=True)
class ChainModel:
    """What the chain needs of a loaded `Llama` (llama_adapter.py reads it from its
    internals, as `Llama._init_sampler` does)."""

    model: Any  # llama-cpp-python's LlamaModel: DRY reads its vocabulary's pieces
    n_vocab: int
    penalty_last_n: int  # the repetition penalties' window (`Llama.last_n_tokens_size`)
    seed: int  # the draw's seed, as `Llama.set_seed` left it
    input_ids: Callable[[], Any]  # the evaluated tokens, which logits processors are shown


def native_chain(
    source: ChainModel,
    params: SamplerParams,
    history: Sequence[int],
    *,
    top_k: int = 40,
    top_p: float = 0.95,
    min_p: float = 0.05,
    typical_p: float = 1.0,
    temp: float = 0.8,
    repeat_penalty: float = 1.0,
    frequency_penalty: float = 0.0,
    presence_penalty: float = 0.0,
    logits_processor: Any = None,
    mirostat_mode: int = 0,
    grammar: Any = None,
    **_unused: Any,
) -> Any:
    """A `LlamaSampler` for the model `source` describes, as `Llama._init_sampler` would
    build it from the same keyword arguments, with DRY as `params` sets it (when on) after
    the penalties, shown the last `dry_window` tokens of `history`."""
    import llama_cpp
    from llama_cpp import _internals

    if mirostat_mode or grammar is not None:
        raise ValueError("Inkling's sampler chain has no mirostat and no grammar")
    sampler = _internals.LlamaSampler()
    if logits_processor is not None:
        sampler.add_custom(_custom(source, logits_processor))
    sampler.add_penalties(
        n_vocab=source.n_vocab,
        penalty_last_n=source.penalty_last_n,
        penalty_repeat=repeat_penalty,
        penalty_freq=frequency_penalty,
        penalty_present=presence_penalty,
    )
    if params.dry:
        dry = _dry(llama_cpp, source, params)
        for tok in history[-params.dry_window :]:
            llama_cpp.llama_sampler_accept(dry, tok)
        llama_cpp.llama_sampler_chain_add(sampler.sampler, dry)  # the chain owns it now
    if temp == 0.0:
        sampler.add_greedy()
    else:
        sampler.add_top_k(top_k)
        sampler.add_typical(typical_p, 1)
        sampler.add_top_p(top_p, 1)
        sampler.add_min_p(min_p, 1)
        sampler.add_temp(temp)
        sampler.add_dist(source.seed)
    return sampler


def _dry(llama_cpp: Any, source: ChainModel, params: SamplerParams) -> Any:
    """llama.cpp's DRY sampler for `params`, not yet in a chain."""
    marks = [b.encode("utf-8") for b in DRY_BREAKERS]
    array = (ctypes.c_char_p * len(marks))(*marks)
    return llama_cpp.llama_sampler_init_dry(
        source.model.vocab,
        params.dry_multiplier,
        params.dry_base,
        params.dry_allowed_length,
        params.dry_window,
        array,
        len(marks),
    )


def _custom(source: ChainModel, processors: Sequence[Any]) -> Any:
    """The chain's first step: each logits processor over the full vocabulary's logits, in
    token order (nothing has cut or sorted them yet), as `Llama._init_sampler` runs them."""
    import llama_cpp

    record = np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)], align=True)

    def apply(candidates: Any) -> None:
        size = candidates.contents.size
        address = ctypes.addressof(candidates.contents.data.contents)
        buffer = (llama_cpp.llama_token_data * size).from_address(address)
        rows = np.recarray(shape=(size,), dtype=record, buf=buffer)
        for processor in processors:
            rows.logit[:] = processor(source.input_ids(), rows.logit)

    return apply
