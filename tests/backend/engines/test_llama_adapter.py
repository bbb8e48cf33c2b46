"""The one place that reaches into llama-cpp-python's internals fails loudly if the pinned
version stops having them."""

from __future__ import annotations

import pytest

from backend.engines.llama_adapter import LLAMA_ATTRIBUTES, check_internals, common_prefix


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


def llama_engine_params():  # type: ignore[no-untyped-def]
    from backend.engines.params import SamplerParams

    return SamplerParams(temperature=0.0, max_tokens=2)


def test_common_prefix() -> None:
    assert common_prefix([1, 2, 3], [1, 2, 4, 5]) == 2
    assert common_prefix([], [1]) == 0
    assert common_prefix([1, 2], [1, 2]) == 2
