"""Model files: header checks, folder checks and the bundled model's assembly."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.engines.base import EngineError
from backend.engines.gguf_meta import check_gguf
from backend.models.bundled import BUNDLED_FILE, ensure_bundled_model
from backend.models.spec import spec_for_path


def test_missing_truncated_and_foreign_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="does not exist"):
        check_gguf(tmp_path / "nope.gguf")
    short = tmp_path / "short.gguf"
    short.write_bytes(b"GGU")
    with pytest.raises(EngineError, match="not a GGUF"):
        check_gguf(short)
    text = tmp_path / "story.gguf"
    text.write_text("Once upon a time, this was a story, not a model." * 3)
    with pytest.raises(EngineError, match="not a GGUF"):
        check_gguf(text)
    with pytest.raises(EngineError, match="folder"):
        spec_for_path(tmp_path, "llamacpp")


def test_folder_without_config_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match=r"config\.json"):
        spec_for_path(tmp_path)


def test_truncated_gguf_fails_to_load_with_a_message(tmp_path: Path, bundled_gguf: Path) -> None:
    from backend.engines.llamacpp import LlamaCppEngine

    cut = tmp_path / "cut.gguf"
    with bundled_gguf.open("rb") as f:
        cut.write_bytes(f.read(5_000_000))
    with pytest.raises(EngineError, match=r"cut\.gguf"):
        LlamaCppEngine(cut).load()


def test_bundled_model_is_assembled_once_and_verified(tmp_path: Path, bundled_gguf: Path) -> None:
    assert bundled_gguf.name == BUNDLED_FILE
    assert bundled_gguf.stat().st_size > 200_000_000
    # A verified copy is recognised without re-hashing, and a damaged one is replaced.
    target = tmp_path / "models"
    target.mkdir()
    damaged = target / BUNDLED_FILE
    damaged.write_bytes(b"GGUF garbage")
    fractions: list[float] = []
    path = ensure_bundled_model(target, fractions.append)
    assert path == damaged and path.stat().st_size == bundled_gguf.stat().st_size
    assert fractions and fractions[-1] == pytest.approx(1.0)
    assert fractions == sorted(fractions)
    assert (target / (BUNDLED_FILE + ".verified")).is_file()
