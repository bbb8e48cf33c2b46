"""The adapter file format, llama.cpp loading and live switching, peft in transformers, refusals."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest

from backend.engines.adapter_file import (
    AdapterError,
    AdapterMeta,
    check_adapter,
    fingerprint,
    read_adapter,
    read_pairs,
    write_adapter,
)
from backend.engines.base import EngineError
from backend.engines.params import SamplerParams

PROMPT = "Alice was beginning to get very tired of sitting by her sister on the bank, and"
GREEDY = SamplerParams(temperature=0.0, max_tokens=16, seed=1)
RANK = 4


@functools.cache
def _weight_shapes(model: Path) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """The name and shape (ggml order: inputs first) of every attention and MLP weight of
    `model`, in the file's order, from its header's sizes: the gguf package's reader takes
    10-20 s over the 262k-token vocabulary."""
    from backend.engines.gguf_meta import read_metadata

    meta = read_metadata(model)
    arch = meta["general.architecture"]

    def size(key: str) -> int:
        return int(meta[f"{arch}.{key}"])

    embd, ff, head = (
        size("embedding_length"),
        size("feed_forward_length"),
        size("attention.key_length"),
    )
    q, kv = size("attention.head_count") * head, size("attention.head_count_kv") * head
    shapes = {
        "attn_k": (embd, kv), "attn_output": (q, embd), "attn_q": (embd, q), "attn_v": (embd, kv),
        "ffn_down": (ff, embd), "ffn_gate": (embd, ff), "ffn_up": (embd, ff),
    }  # fmt: skip
    return tuple(
        (f"blk.{block}.{name}.weight", shape)
        for block in range(size("block_count"))
        for name, shape in shapes.items()
    )


def random_pairs(model: Path, seed: int = 0, only: str = "") -> dict:
    """A rank-4 adapter with random weights for every attention and MLP weight of `model`."""
    rng = np.random.default_rng(seed)
    pairs = {}
    for name, shape in _weight_shapes(model):
        if not name.startswith("blk.") or not name.endswith(".weight") or only not in name:
            continue
        if not any(k in name for k in ("attn_q", "attn_k", "attn_v", "attn_output", "ffn_")):
            continue
        if "norm" in name:
            continue
        n_in, n_out = shape[0], shape[1]
        a = rng.normal(0, 0.05, (RANK, n_in)).astype(np.float32)
        b = rng.normal(0, 0.05, (n_out, RANK)).astype(np.float32)
        pairs[name] = (a, b)
    return pairs


def meta_for(model: Path, pairs: dict, **kw: object) -> AdapterMeta:
    base = {"base_id": fingerprint(model), "base_name": "Gemma 3 270M", "name": "Test voice"}
    return AdapterMeta("gemma3", 8.0, RANK, len(pairs), **{**base, **kw})  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def adapter(bundled_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    pairs = random_pairs(bundled_gguf)
    path = tmp_path_factory.mktemp("adapters") / "voice.gguf"
    write_adapter(path, pairs, meta_for(bundled_gguf, pairs, sources=("book.txt",)))
    return path


def test_written_adapter_reads_back_exactly(bundled_gguf: Path, tmp_path: Path) -> None:
    import gguf

    pairs = random_pairs(bundled_gguf, seed=3)
    path = tmp_path / "a.gguf"
    write_adapter(path, pairs, meta_for(bundled_gguf, pairs, measured={"ppl_before": 20.5}))
    reader = gguf.GGUFReader(str(path))
    fields = {k: reader.fields[k] for k in ("general.type", "adapter.type", "adapter.lora.alpha")}
    assert bytes(fields["general.type"].parts[-1]).decode() == "adapter"
    assert bytes(fields["adapter.type"].parts[-1]).decode() == "lora"
    assert fields["adapter.lora.alpha"].types == [gguf.GGUFValueType.FLOAT32]
    assert "blk.0.attn_q.weight.lora_a" in {t.name for t in reader.tensors}
    meta = read_adapter(path)
    assert (meta.rank, meta.alpha, meta.tensors) == (RANK, 8.0, len(pairs))
    assert meta.base_id == fingerprint(bundled_gguf) and meta.measured == {"ppl_before": 20.5}
    back = read_pairs(path)
    for name, (a, b) in pairs.items():
        np.testing.assert_array_equal(back[name][0], a)
        np.testing.assert_array_equal(back[name][1], b)


def _logits(engine, prompt: str = PROMPT) -> np.ndarray:
    session = engine.stepper.session(engine.tokenize(prompt), None)
    return np.array(session.logits(), dtype=np.float32)


def _text(engine, prompt: str = PROMPT) -> str:
    return "".join(engine.stream(prompt, GREEDY))


def test_llama_cpp_switches_adapters_live_and_returns_exactly(llama_engine, adapter) -> None:
    model_before = llama_engine.runtime.llm._model
    # Whatever the cache held before (here a text sharing the prompt's first words, and what
    # was generated after it), the plain model gives the same numbers before and after.
    assert _text(llama_engine, "Alice was not")
    plain_logits, plain_text = _logits(llama_engine), _text(llama_engine)
    try:
        llama_engine.set_adapter(adapter, 1.0)
        on_logits, on_text = _logits(llama_engine), _text(llama_engine)
        llama_engine.set_adapter(adapter, 0.5)
        half_logits = _logits(llama_engine)
    finally:
        llama_engine.set_adapter(None)
    assert llama_engine.adapter is None
    assert np.abs(on_logits - plain_logits).max() > 0.5 and on_text != plain_text
    assert np.abs(half_logits - on_logits).max() > 0.1
    # Off again: the very same outputs as before, and the model was never reloaded.
    np.testing.assert_array_equal(_logits(llama_engine), plain_logits)
    assert _text(llama_engine) == plain_text
    assert llama_engine.runtime.llm._model is model_before


def test_transformers_applies_the_same_adapter_through_peft(
    hf_gguf_engine, llama_engine, adapter
) -> None:
    tf_plain, ll_plain = _logits(hf_gguf_engine), _logits(llama_engine)
    try:
        hf_gguf_engine.set_adapter(adapter, 1.0)
        llama_engine.set_adapter(adapter, 1.0)
        tf_on, ll_on = _logits(hf_gguf_engine), _logits(llama_engine)
    finally:
        hf_gguf_engine.set_adapter(None)
        llama_engine.set_adapter(None)
    # Both engines move the predictions the same way (float32 against quantised kernels).
    assert np.corrcoef(tf_on - tf_plain, ll_on - ll_plain)[0, 1] > 0.9
    # Off again: the plain model, up to rounding. Before the switch the prompt may have come
    # partly from the cache (its tokens evaluated in other batches, so torch summed the same
    # products in another order); after it, from scratch. Reordering a float32 sum of n
    # products moves it by at most about n * eps times the sum of their magnitudes (Higham,
    # "Accuracy and Stability of Numerical Algorithms", 3.1: gamma_n = n*u/(1-n*u), u = eps/2,
    # taken twice for two orders). The longest sums behind a logit are the MLP's
    # (intermediate_size products); with the logits' own magnitude standing in for the sum of
    # magnitudes that gives about 6e-3 here, against 2e-5 seen and 0.5 or more for the adapter.
    config = hf_gguf_engine.model().config
    terms = max(config.hidden_size, config.intermediate_size)
    tolerance = terms * float(np.finfo(np.float32).eps) * float(np.abs(tf_plain).max())
    assert np.abs(tf_on - tf_plain).max() > 50 * tolerance  # the tolerance cannot hide it
    np.testing.assert_allclose(_logits(hf_gguf_engine), tf_plain, rtol=0, atol=tolerance)


def test_perplexity_scores_agree_with_stepping(llama_engine) -> None:
    tokens = llama_engine.tokenize(PROMPT)
    scored = llama_engine.score(tokens)
    assert len(scored) == len(tokens)
    stepped = []
    for k in range(1, len(tokens)):
        logits = np.array(llama_engine.stepper.session(tokens[:k], None).logits(), np.float64)
        top = logits.max()
        stepped.append(logits[tokens[k]] - top - np.log(np.exp(logits - top).sum()))
    # One batch against token-by-token: the same numbers up to the kernels' rounding.
    assert np.abs(scored[1:] - np.array(stepped)).mean() < 0.1


def test_an_adapter_for_another_model_is_refused(
    bundled_gguf: Path, smollm_gguf: Path, llama_engine, tmp_path: Path, adapter: Path
) -> None:
    with pytest.raises(AdapterError, match="made for a gemma3 model"):
        check_adapter(adapter, smollm_gguf)
    pairs = random_pairs(bundled_gguf, only="blk.0.")
    foreign = tmp_path / "foreign.gguf"
    write_adapter(foreign, pairs, meta_for(bundled_gguf, pairs, base_id="0" * 16,
                                           base_name="Gemma 3 270M IT"))  # fmt: skip
    with pytest.raises(AdapterError, match="trained on Gemma 3 270M IT"):
        llama_engine.set_adapter(foreign)
    assert llama_engine.adapter is None and _text(llama_engine)


def test_damaged_and_wrong_files_are_refused_and_the_engine_keeps_working(
    bundled_gguf: Path, llama_engine, tmp_path: Path, adapter: Path
) -> None:
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(adapter.read_bytes()[:5000])
    not_gguf = tmp_path / "notes.gguf"
    not_gguf.write_text("hello")
    for path in (cut, not_gguf, bundled_gguf, tmp_path / "missing.gguf"):
        with pytest.raises(AdapterError):
            llama_engine.set_adapter(path)
    # Shapes that do not fit this model (no fingerprint to catch it first): llama.cpp's own
    # loader refuses it, with a message and without harm.
    odd = {
        "blk.0.attn_q.weight": (np.zeros((RANK, 7), np.float32), np.zeros((9, RANK), np.float32))
    }
    bad = tmp_path / "odd.gguf"
    write_adapter(bad, odd, AdapterMeta("gemma3", 8.0, RANK, 1))
    with pytest.raises(EngineError, match="could not load the adapter"):
        llama_engine.set_adapter(bad)
    assert llama_engine.adapter is None and _text(llama_engine)


def test_the_transformers_copy_agrees_with_llama_cpp_before_training(
    hf_gguf_engine, llama_engine, tiny_gpt2_engine
) -> None:
    from backend.jobs.voice.agreement import PROMPTS, check_agreement
    from backend.jobs.voice.texts import VoiceError

    assert check_agreement(hf_gguf_engine._tok, hf_gguf_engine.model(), llama_engine) == len(
        PROMPTS
    )
    # Another model's copy: its tokens differ, so training on it is refused.
    with pytest.raises(VoiceError, match="different tokens"):
        check_agreement(tiny_gpt2_engine._tok, tiny_gpt2_engine.model(), llama_engine)
