"""The one place that reaches into llama-cpp-python's internals fails loudly if the pinned
version stops having them."""

from __future__ import annotations

import threading
from itertools import pairwise

import pytest

from backend.engines.llama_adapter import LLAMA_ATTRIBUTES, check_internals
from backend.engines.llama_batches import (
    PREFILL_CHUNK,
    batches,
    common_prefix,
    kept_batches,
)


def test_the_installed_llama_cpp_python_has_every_internal_we_use() -> None:
    assert check_internals() == []


@pytest.mark.slow
def test_a_loaded_model_has_the_attributes_the_adapter_touches(llama_engine) -> None:
    llm = llama_engine.runtime.llm
    missing = [name for name in LLAMA_ATTRIBUTES if not hasattr(llm, name)]
    assert missing == []
    # The cache bookkeeping the prefix reuse relies on: what is evaluated is what is held.
    list(llama_engine.stream("The clock struck", llama_engine_params()))
    held = llm.input_ids[: llm.n_tokens].tolist()
    front = llama_engine.bos_tokens + llama_engine.tokenize("The clock")
    assert held[: len(front)] == front


def llama_engine_params(**changes):  # type: ignore[no-untyped-def]
    from backend.engines.params import SamplerParams

    return SamplerParams(temperature=0.0, max_tokens=2).with_(**changes)


@pytest.mark.slow
def test_a_stream_frees_its_native_sampler_when_it_ends_however_it_ends(llama_engine) -> None:
    # llama-cpp-python's sampler sits in a reference cycle: left to the garbage collector,
    # each one kept about 3 MB of native memory, and dozens piled up while suggestions ran.
    llm = llama_engine.runtime.llm
    params = llama_engine_params(temperature=0.7, max_tokens=40, seed=3)
    samplers = []

    def first_piece(stream) -> None:  # type: ignore[no-untyped-def]
        next(stream)
        samplers.append(llm._sampler)
        assert samplers[-1].sampler is not None  # a live native chain while it streams

    whole = llama_engine.stream("The clock struck", params.with_(max_tokens=3))
    first_piece(whole)
    list(whole)  # ran to its end
    cancel = threading.Event()
    cancelled = llama_engine.stream("The clock struck", params, cancel)
    first_piece(cancelled)
    cancel.set()
    list(cancelled)
    abandoned = llama_engine.stream("The clock struck", params)
    first_piece(abandoned)
    abandoned.close()  # the consumer stopped reading
    assert llm._sampler is None
    assert [s.sampler for s in samplers] == [None, None, None]


def test_common_prefix() -> None:
    assert common_prefix([1, 2, 3], [1, 2, 4, 5]) == 2
    assert common_prefix([], [1]) == 0
    assert common_prefix([1, 2], [1, 2]) == 2


def test_a_prompts_batches_follow_from_its_length_alone() -> None:
    assert batches(0) == [] and batches(1) == [(0, 1)]
    assert batches(300) == [
        (0, 128), (128, 256), (256, 264), (264, 272), (272, 280), (280, 288), (288, 296),
        (296, 300),
    ]  # fmt: skip
    assert batches(7) == [(0, 4), (4, 6), (6, 7)]
    for n in range(1, 3 * PREFILL_CHUNK + 2):
        plan = batches(n)
        assert plan[0][0] == 0 and plan[-1][1] == n
        assert all(a[1] == b[0] for a, b in pairwise(plan))
        assert all(0 < end - start <= PREFILL_CHUNK for start, end in plan)


def test_only_the_same_batches_over_shared_tokens_are_kept() -> None:
    done, grown = batches(300), batches(301)
    assert kept_batches(done, grown, shared=300) == len(done)  # one more token: all kept
    assert kept_batches(batches(303), batches(304), shared=303) == 7  # 4, 2, 1 become one 8
    assert kept_batches(done, grown, shared=200) == 1  # the text changed in the second batch
    assert kept_batches(batches(255), batches(256), shared=255) == 1  # the tail becomes a chunk
    assert kept_batches([], grown, shared=301) == 0
