"""`main.py models`: the curated list as JSON, a download through a stand-in hub, the
licence asked first, and the choice of model for suggestions and generation."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest

from backend.cli import build_parser, run_headless
from backend.models import install as install_module
from backend.models.library import checked_model, load_library
from backend.storage.paths import app_paths
from backend.storage.settings import SettingsStore
from tests.backend.models.test_library import GOOD


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = run_headless(build_parser().parse_args(list(argv)), out)
    return code, out.getvalue()


def test_models_json_lists_every_model_with_its_fit() -> None:
    code, out = run("models", "--json", "--no-probe")
    assert code == 0
    data = json.loads(out)
    ids = [m.id for m in load_library()]
    assert [m["id"] for m in data["models"]] == ids
    keys = {"id", "repo", "file", "size_bytes", "ram_bytes", "licence", "languages", "kind",
            "fit", "est_tokens_per_s"}  # fmt: skip
    for row in data["models"]:
        assert keys <= row.keys()
        assert row["fit"] in ("runs well", "runs slowly", "too big", "unknown")
        assert row["est_tokens_per_s"] is None  # no probe, no speed
        assert row["sources"]
    assert set(data["recommended"]) == {"en", "zh"}
    zh = data["recommended"]["zh"]
    assert zh is None or "zh" in next(m for m in data["models"] if m["id"] == zh)["languages"]


@pytest.fixture
def one_model(hub, smollm_gguf: Path, monkeypatch: pytest.MonkeyPatch):
    base, state = hub
    state.blob = smollm_gguf.read_bytes()
    state.sha = hashlib.sha256(state.blob).hexdigest()
    model = checked_model({**GOOD, "id": "smol", "file": "smol.gguf",
                           "size_bytes": len(state.blob), "accept_required": True})  # fmt: skip
    monkeypatch.setattr(install_module, "load_library", lambda: [model])
    monkeypatch.setenv("HF_ENDPOINT", base)
    return state


def test_download_asks_for_the_licence_then_adds_the_model(one_model, capsys) -> None:
    code, _out = run("models", "download", "smol")
    assert code == 2 and "Accept the licence" in capsys.readouterr().err
    code, out = run("models", "download", "smol", "--accept-licence")
    assert code == 0, capsys.readouterr().err
    assert "Added" in out
    paths = app_paths(None)
    assert (paths.models / "smol.gguf").read_bytes() == one_model.blob
    code, out = run("models", "--json", "--no-probe")
    installed = json.loads(out)["models"][0]["installed"]
    assert installed
    code, _out = run("models", "use", installed, "--for", "generation")
    assert code == 0 and SettingsStore(paths).load().model.generation == installed


def test_an_unknown_model_is_refused(one_model, capsys) -> None:
    code, _out = run("models", "download", "nothing-like-it")
    assert code == 2 and "no model" in capsys.readouterr().err


def test_setup_model_still_works() -> None:
    code, out = run("setup-model")
    assert code == 0 and "Bundled model ready" in out
