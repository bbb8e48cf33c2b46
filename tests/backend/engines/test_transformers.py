"""The transformers engine on a tiny GPT-2 built here and on the bundled GGUF."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from backend.engines.base import EngineError
from backend.engines.params import SamplerParams
from tests.conftest import SAMPLE_PROSE

GREEDY = SamplerParams(temperature=0.0, max_tokens=12, repeat_penalty=1.0)


def test_tiny_gpt2_streams_and_counts_tokens(tiny_gpt2_engine) -> None:
    chunks = list(tiny_gpt2_engine.stream("Alice was", GREEDY))
    assert chunks, "the model produced no text"
    assert tiny_gpt2_engine.context_length == 256
    ids = tiny_gpt2_engine.tokenize("Alice was beginning")
    pieces = tiny_gpt2_engine.vocabulary.pieces
    assert b"".join(pieces[i] for i in ids) == b"Alice was beginning"


def test_kv_cache_reuse_matches_a_fresh_run(tiny_gpt2_dir: Path, tiny_gpt2_engine) -> None:
    from backend.engines.transformers_engine import TransformersEngine

    tiny_gpt2_engine.stream  # noqa: B018  (the shared engine keeps its cache between calls)
    warm_a = "".join(tiny_gpt2_engine.stream(SAMPLE_PROSE[:200], GREEDY))
    warm_b = "".join(tiny_gpt2_engine.stream(SAMPLE_PROSE[:240], GREEDY))
    assert (
        tiny_gpt2_engine.cached_tokens[:40]
        == tiny_gpt2_engine._prompt_ids(SAMPLE_PROSE[:240], 12)[:40]
    )
    fresh = TransformersEngine(tiny_gpt2_dir)
    fresh.load()
    assert "".join(fresh.stream(SAMPLE_PROSE[:240], GREEDY)) == warm_b
    fresh2 = TransformersEngine(tiny_gpt2_dir)
    fresh2.load()
    assert "".join(fresh2.stream(SAMPLE_PROSE[:200], GREEDY)) == warm_a


def test_seed_makes_sampling_repeatable(tiny_gpt2_engine) -> None:
    params = SamplerParams(temperature=1.0, max_tokens=16, seed=7)
    a = "".join(tiny_gpt2_engine.stream("The Queen", params))
    b = "".join(tiny_gpt2_engine.stream("The Queen", params))
    assert a == b


def test_cancel_stops_within_one_token(tiny_gpt2_engine) -> None:
    cancel = threading.Event()
    params = SamplerParams(temperature=1.0, max_tokens=200, seed=1, stop=())
    got = []
    for chunk in tiny_gpt2_engine.stream("Down the rabbit hole", params, cancel):
        got.append(chunk)
        cancel.set()
    assert len(got) == 1


def test_prompt_longer_than_context_keeps_the_end(tiny_gpt2_engine) -> None:
    long_prompt = SAMPLE_PROSE * 6
    ids = tiny_gpt2_engine._prompt_ids(long_prompt, 12)
    assert len(ids) <= tiny_gpt2_engine.context_length - 12
    tail = tiny_gpt2_engine.tokenize(long_prompt)[-20:]
    assert ids[-20:] == tail
    assert list(tiny_gpt2_engine.stream(long_prompt, GREEDY))


def test_folder_without_safetensors_is_refused(tmp_path: Path, tiny_gpt2_dir: Path) -> None:
    from backend.engines.transformers_engine import TransformersEngine

    for f in tiny_gpt2_dir.iterdir():
        if f.suffix != ".safetensors":
            (tmp_path / f.name).write_bytes(f.read_bytes())
    (tmp_path / "pytorch_model.bin").write_bytes(b"not really")
    with pytest.raises(EngineError, match="safetensors"):
        TransformersEngine(tmp_path).load()


@pytest.mark.slow
def test_bundled_gguf_through_transformers(hf_gguf_engine, llama_engine) -> None:
    prompt = "The capital of France is"
    text = "".join(hf_gguf_engine.stream(prompt, GREEDY.with_(max_tokens=6)))
    assert text.strip(), "no text from the GGUF through transformers"
    # Both engines read the same tokenizer from the same file.
    assert hf_gguf_engine.tokenize(" Once upon a time") == llama_engine.tokenize(
        " Once upon a time"
    )


@pytest.mark.slow
def test_bundled_gguf_cache_reuse_past_the_sliding_window(hf_gguf_engine, tmp_path) -> None:
    """Gemma's sliding-window layers (512 tokens) must roll back exactly for the next prompt."""
    prompt = SAMPLE_PROSE * 3  # about 660 tokens: past the window
    params = GREEDY.with_(max_tokens=4)
    list(hf_gguf_engine.stream(prompt, params))
    evaluated = []
    cache = hf_gguf_engine._main
    original = cache.forward

    def counting(tokens):
        evaluated.append(len(tokens))
        return original(tokens)

    cache.forward = counting
    try:
        warm = "".join(hf_gguf_engine.stream(prompt + " Alice", params))
    finally:
        cache.forward = original
    assert evaluated[0] <= 4, f"re-evaluated {evaluated[0]} prompt tokens"
    cache.clear()
    cold = "".join(hf_gguf_engine.stream(prompt + " Alice", params))
    assert warm == cold


def test_logit_bias_changes_the_greedy_pick(tiny_gpt2_engine) -> None:
    plain = GREEDY.with_(max_tokens=1)
    first = tiny_gpt2_engine.tokenize("".join(tiny_gpt2_engine.stream("Alice was", plain)))[0]
    banned = plain.with_(logit_bias=((first, -100.0),))
    other = "".join(tiny_gpt2_engine.stream("Alice was", banned))
    assert other and tiny_gpt2_engine.tokenize(other)[0] != first


def test_an_empty_prompt_is_conditioned_on_a_start_token(tiny_gpt2_engine) -> None:
    text = "".join(tiny_gpt2_engine.stream("", GREEDY, threading.Event()))
    assert isinstance(text, str)


def test_a_gguf_header_is_read_once_per_load(tmp_path: Path, monkeypatch) -> None:
    import gguf

    from backend.engines import transformers_engine

    path = tmp_path / "tiny.gguf"
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_array("tokenizer.ggml.tokens", ["a", "b", "c"])
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.close()
    made: list[str] = []
    real = gguf.GGUFReader

    def counted(p, mode="r"):  # type: ignore[no-untyped-def]
        made.append(str(p))
        return real(p, mode)

    monkeypatch.setattr(gguf, "GGUFReader", counted)
    with transformers_engine.one_gguf_reader():
        # As transformers does: the config, the tokenizer and the weights each ask.
        readers = [gguf.GGUFReader(path) for _ in range(3)]
        assert gguf.GGUFReader(str(tmp_path / "tiny.gguf")) is readers[0]
    assert all(r is readers[0] for r in readers) and made == [str(path)]
    assert gguf.GGUFReader is counted  # put back after the block
    assert len(readers[0].fields["tokenizer.ggml.tokens"].data) == 3
