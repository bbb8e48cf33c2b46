"""The vocabulary kept between starts: the same pieces back, and never a damaged copy."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.engines import piece_cache
from backend.engines.llama_adapter import LlamaRuntime
from backend.engines.llamacpp import LlamaCppEngine
from backend.engines.params import SamplerParams

PIECES = [b"", b" the", b"\n", "字".encode(), b"\xe5", b"x" * 300]


@given(st.lists(st.binary(max_size=40), min_size=1, max_size=60), st.data())
def test_what_is_kept_comes_back_the_same(pieces: list[bytes], data: st.DataObject) -> None:
    ends = data.draw(st.sets(st.integers(0, len(pieces) - 1), max_size=5))
    assert piece_cache.decode(piece_cache.encode(pieces, ends), len(pieces)) == (pieces, ends)


def test_a_damaged_or_foreign_file_is_never_trusted() -> None:
    good = piece_cache.encode(PIECES, {2})
    assert piece_cache.decode(good, len(PIECES)) == (PIECES, {2})
    flipped = bytearray(good)
    flipped[-3] ^= 1
    head = len(piece_cache.MAGIC) + 32
    for bad in (good[:-1], bytes(flipped), b"PNG" + good[3:], good[:head], b""):
        assert piece_cache.decode(bad, len(PIECES)) is None
    assert piece_cache.decode(good, len(PIECES) + 1) is None  # another vocabulary size


def _signed(body: bytes) -> bytes:
    import hashlib

    return piece_cache.MAGIC + hashlib.sha256(body).digest() + body


def test_a_well_signed_file_that_lies_about_its_sizes_is_refused() -> None:
    # Lengths that add up to more than the bytes there are.
    assert (
        piece_cache.decode(_signed(struct.pack("<II", 2, 0) + struct.pack("<II", 5, 5)), 2) is None
    )
    # An end token outside the vocabulary.
    body = struct.pack("<II", 1, 1) + struct.pack("<II", 9, 1) + b"a"
    assert piece_cache.decode(_signed(body), 1) is None
    # A count far beyond the table that follows.
    assert piece_cache.decode(_signed(struct.pack("<II", 1 << 21, 0)), 1 << 21) is None


def test_the_file_name_follows_the_model_and_the_decoder(tmp_path: Path) -> None:
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF" + bytes(60))
    first = piece_cache.cache_file(tmp_path / "c", model, "0.3.36", 100)
    assert first is not None and first.parent == tmp_path / "c" and first.suffix == ".pieces"
    assert piece_cache.cache_file(tmp_path / "c", model, "0.3.37", 100) != first
    os.link(model, tmp_path / "linked.gguf")  # the same file under another name
    assert piece_cache.cache_file(tmp_path / "c", tmp_path / "linked.gguf", "0.3.36", 100) == first
    os.utime(model, ns=(1, 2))
    assert piece_cache.cache_file(tmp_path / "c", model, "0.3.36", 100) != first
    assert piece_cache.cache_file(tmp_path / "c", tmp_path / "gone.gguf", "1", 100) is None


def test_saving_keeps_a_few_models_and_never_raises(tmp_path: Path) -> None:
    folder = tmp_path / "vocabulary"
    for i in range(piece_cache.KEEP_FILES + 3):
        path = folder / f"{i:02d}.pieces"
        piece_cache.save(path, PIECES, {1})
        os.utime(path, ns=(i * 10**9, i * 10**9))
    kept = sorted(p.name for p in folder.iterdir())
    assert len(kept) == piece_cache.KEEP_FILES and "10.pieces" in kept and "00.pieces" not in kept
    assert piece_cache.load(folder / "10.pieces", len(PIECES)) == (PIECES, {1})
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    piece_cache.save(blocker / "x.pieces", PIECES, set())  # logged, not raised
    assert piece_cache.load(blocker / "x.pieces", len(PIECES)) is None


def test_an_oversized_file_is_not_read_whole(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "big.pieces"
    path.write_bytes(piece_cache.encode(PIECES, set()))
    monkeypatch.setattr(piece_cache, "MAX_FILE", 64)
    assert piece_cache.load(path, len(PIECES)) is None


def test_a_second_start_reads_the_kept_vocabulary(
    smollm_gguf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = LlamaCppEngine(smollm_gguf, n_ctx=256, n_threads=1, cache=tmp_path)
    first.load()
    try:
        pieces, ends = list(first.vocabulary.pieces), set(first.vocabulary.end_tokens)
        direct = first.runtime.pieces()
    finally:
        first.close()
    assert pieces == direct and len(list(tmp_path.glob("*.pieces"))) == 1

    def not_again(_self: LlamaRuntime) -> list[bytes]:
        raise AssertionError("the pieces were read from llama.cpp again")

    monkeypatch.setattr(LlamaRuntime, "pieces", not_again)
    monkeypatch.setattr(LlamaRuntime, "end_tokens", not_again)
    second = LlamaCppEngine(smollm_gguf, n_ctx=256, n_threads=1, cache=tmp_path)
    second.load()
    try:
        assert second.vocabulary.pieces == pieces and second.vocabulary.end_tokens == ends
        greedy = SamplerParams(max_tokens=3, temperature=0.0)
        assert "".join(second.stream("Once upon a time", greedy)).strip()
    finally:
        second.close()
