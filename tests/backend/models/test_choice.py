"""One function decides which model to load, for the window and the headless commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.engines.base import EngineError, EngineKind
from backend.models.catalogue import BUNDLED_ID, Catalog
from backend.models.choice import ModelRequest, choose_model
from backend.storage.paths import app_paths
from backend.storage.settings import ModelSettings


def test_nothing_chosen_means_the_bundled_model(tmp_path: Path) -> None:
    choice = choose_model(app_paths(tmp_path), ModelSettings())
    assert choice.spec is None and not choice.notice and not choice.problem
    assert choice.bundled_engine == EngineKind.LLAMACPP
    active_bundled = choose_model(app_paths(tmp_path), ModelSettings(active=BUNDLED_ID))
    assert active_bundled.spec is None


def test_the_command_line_wins_over_the_settings(tmp_path: Path, tiny_gpt2_dir: Path) -> None:
    settings = ModelSettings(active="gone")
    choice = choose_model(app_paths(tmp_path), settings, ModelRequest(model=str(tiny_gpt2_dir)))
    assert choice.spec is not None and choice.spec.engine == EngineKind.TRANSFORMERS
    server = choose_model(
        app_paths(tmp_path), settings, ModelRequest(url="http://127.0.0.1:9/v1", api_key="k")
    )
    assert server.spec is not None and server.spec.engine == EngineKind.REMOTE
    assert server.spec.api_key == "k" and server.spec.url == "http://127.0.0.1:9/v1"
    with pytest.raises(EngineError, match="needs --url"):
        choose_model(app_paths(tmp_path), settings, ModelRequest(engine="remote"))
    with pytest.raises(EngineError, match="for --engine remote"):
        choose_model(
            app_paths(tmp_path), settings, ModelRequest(engine="llamacpp", url="http://x:1")
        )


def test_the_writers_chosen_model_from_the_manager(tmp_path: Path, tiny_gpt2_dir: Path) -> None:
    paths = app_paths(tmp_path)
    entry = Catalog(paths).add_path(tiny_gpt2_dir)
    choice = choose_model(paths, ModelSettings(active=entry.id))
    assert choice.spec is not None and choice.spec.path == tiny_gpt2_dir
    gone = choose_model(paths, ModelSettings(active="no-such-model"))
    assert gone.spec is None and "gone" in gone.notice


def test_an_unusable_path_in_the_settings_falls_back_with_a_reason(tmp_path: Path) -> None:
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"not a model")
    choice = choose_model(app_paths(tmp_path), ModelSettings(path=str(bad)))
    assert choice.spec is None
    assert "not a GGUF" in choice.problem and "bundled" in choice.problem


def test_resolve_assembles_the_bundled_model_with_the_engine_asked_for(
    tmp_path: Path, bundled_gguf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import backend.models.choice as choice_module
    from backend.models.spec import ModelSpec

    monkeypatch.setattr(
        choice_module,
        "bundled_spec",
        lambda models, progress=None: ModelSpec(EngineKind.LLAMACPP, bundled_gguf, "Gemma"),
    )
    paths = app_paths(tmp_path)
    plain = choose_model(paths, ModelSettings()).resolve(paths)
    assert plain.engine == EngineKind.LLAMACPP and plain.path == bundled_gguf
    hf = choose_model(paths, ModelSettings(), ModelRequest(engine="transformers")).resolve(paths)
    assert hf.engine == EngineKind.TRANSFORMERS and hf.path == bundled_gguf
