"""The commands that generate run the model chosen for generation; `complete` runs the one
for suggestions; a model on the command line wins over both."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.cli import build_parser
from backend.cli.common import chosen_spec, headless_settings, model_settings_for
from backend.models.catalogue import Catalog
from backend.models.choice import choose_model
from backend.models.install import GENERATION, use_for
from backend.storage.paths import app_paths
from backend.storage.settings import SettingsStore

COMMANDS = {
    "complete": ["complete", "Once upon a time"],
    "continue": ["continue", "Once upon a time"],
    "rewrite": ["rewrite", "Once upon a time"],
    "character": ["character", "--premise", "A baker finds a ledger."],
    "background": ["background", "--premise", "A baker finds a ledger."],
}


def args_for(config: Path, command: str, *extra: str):
    return build_parser().parse_args(["--config", str(config), *extra, *COMMANDS[command]])


@pytest.fixture
def config(tmp_path: Path, smollm_gguf: Path) -> Path:
    """A writer who keeps the bundled model for suggestions and SmolLM2 for generation."""
    paths = app_paths(tmp_path)
    entry = Catalog(paths).add_path(smollm_gguf)
    use_for(paths, entry.id, GENERATION)
    return tmp_path


@pytest.mark.parametrize("command", ["continue", "rewrite", "character", "background"])
def test_generating_commands_use_the_generation_model(
    config: Path, smollm_gguf: Path, command: str
) -> None:
    args = args_for(config, command)
    paths = app_paths(config)
    spec = chosen_spec(args, paths, headless_settings(args, paths))
    assert spec.path.resolve() == smollm_gguf.resolve()
    assert spec.chat  # an instruct model: generation goes through its template


def test_complete_keeps_the_suggestions_model(config: Path) -> None:
    args = args_for(config, "complete")
    paths = app_paths(config)
    settings = headless_settings(args, paths)
    assert settings.model.generation
    choice = choose_model(paths, model_settings_for(args, paths, settings))
    assert choice.spec is None  # the bundled model, assembled only when it is loaded


def test_a_model_on_the_command_line_wins(config: Path, bundled_gguf: Path) -> None:
    args = args_for(config, "continue", "--model", str(bundled_gguf))
    paths = app_paths(config)
    spec = chosen_spec(args, paths, headless_settings(args, paths))
    assert spec.path.resolve() == bundled_gguf.resolve() and not spec.chat


def test_ignore_settings_and_a_removed_model_fall_back(config: Path, capsys) -> None:
    paths = app_paths(config)
    args = args_for(config, "rewrite", "--ignore-settings")
    assert (
        choose_model(paths, model_settings_for(args, paths, headless_settings(args, paths))).spec
        is None
    )
    store = SettingsStore(paths)
    settings = store.load()
    settings.model.generation = "gone-model"
    store.save(settings)
    args = args_for(config, "rewrite")
    chosen = model_settings_for(args, paths, headless_settings(args, paths))
    assert chosen.active == "" and "gone" in capsys.readouterr().err
