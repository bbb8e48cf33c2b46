"""The window with damaged or hostile writer's files: settings.toml, cards and presets.
Whatever they hold, the window starts and says what it set aside."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from backend.storage.paths import app_paths
from backend.storage.settings import Settings, SettingsStore
from backend.story.cards import sheet_to_card
from gui.window.app import interface_language
from tests.fakes import FakeFactory, fake_spec, ready_window

HOSTILE_SETTINGS = [
    b"[sampler]\ntemperature = 9.0\n",
    b"a = " + b"[" * 100_000 + b"]" * 100_000 + b"\n",
    b'[editor]\nlanguage = "/usr/share/i18n/evil"\n',
    b'[editor]\nlanguage = "../../notes/ideas"\n',
    b"[editor]\ntheme = '\xff'\n",
    b"editor = 5\nmodel = 5\n",
]


def home(tmp_path: Path) -> Path:
    return tmp_path / "Story.inkling" / "home"


def settings_file(tmp_path: Path) -> Path:
    path = app_paths(home(tmp_path)).settings_file
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("content", HOSTILE_SETTINGS)
def test_the_interface_language_survives_any_settings_file(
    tmp_path: Path, canary: Any, content: bytes
) -> None:
    path = settings_file(tmp_path)
    path.write_bytes(content)
    assert interface_language(app_paths(home(tmp_path))) == ""
    assert path.read_bytes() == content  # the window's own load sets it aside and says so
    canary.check()


def test_the_interface_language_comes_from_the_file_the_window_will_load(
    tmp_path: Path, canary: Any
) -> None:
    paths = app_paths(home(tmp_path))
    assert interface_language(paths) == ""
    store = SettingsStore(paths)
    chosen = Settings()
    chosen.editor.language = "zh_CN"
    store.save(chosen)
    store.save(chosen)  # the backup holds it too
    assert interface_language(paths) == "zh_CN"
    paths.settings_file.write_bytes(b"[sampler]\ntemperature = 9.0\n")
    assert interface_language(paths) == "zh_CN"  # the last good copy, as the window loads
    paths.settings_file.unlink()
    os.mkfifo(paths.settings_file)
    assert interface_language(paths) == "zh_CN"  # never blocks on a pipe
    canary.check()


@pytest.mark.parametrize("content", HOSTILE_SETTINGS[:3])
def test_the_window_starts_and_says_what_it_set_aside(
    qtbot, windows, tmp_path: Path, canary: Any, content: bytes
) -> None:
    settings_file(tmp_path).write_bytes(content)
    window = ready_window(
        qtbot, windows, home(tmp_path), fake_spec(tmp_path), engine_factory=FakeFactory()
    )
    assert window.last_error.startswith("Your settings file could not be used: ")
    assert "the defaults were loaded" in window.last_error
    assert window.settings.sampler.temperature == Settings().sampler.temperature
    assert list(settings_file(tmp_path).parent.glob("settings.corrupt-*.toml"))
    canary.check()


def test_a_hostile_card_is_refused_in_the_window(
    qtbot, windows, tmp_path: Path, canary: Any
) -> None:
    window = ready_window(
        qtbot, windows, home(tmp_path), fake_spec(tmp_path), engine_factory=FakeFactory()
    )
    bible = window.bible
    messages: list[str] = []
    bible.status.connect(messages.append)
    folder = tmp_path / "Story.inkling"
    folder.mkdir(exist_ok=True)
    odd = sheet_to_card({"Name": "Wren"})
    odd["data"]["extensions"]["inkling"] = "x"
    (folder / "odd.json").write_text(json.dumps(odd))
    (folder / "deep.json").write_text('{"spec": "chara_card_v2", "data": ' + "[" * 100_000)
    os.mkfifo(folder / "pipe.png")
    (folder / "zero.png").symlink_to("/dev/zero")
    (folder / "secret.json").symlink_to(canary.path / "id_rsa")
    expected = {
        "odd.json": "The card's 'extensions.inkling' must be an object.",
        "deep.json": "deep.json nests deeper than 32 levels; it was not read.",
        "pipe.png": "pipe.png is not an ordinary file (it is a device, a pipe or a socket); "
        "it was not read.",
        "zero.png": "zero.png is not an ordinary file (it is a device, a pipe or a socket); "
        "it was not read.",
        "secret.json": "secret.json is not valid JSON (Expecting value, line 1).",
    }
    for name, words in expected.items():
        assert not bible.import_card_file(str(folder / name))
        assert messages[-1] == f"Card not imported: {words}"
    assert bible.entries() == []
    assert not any(text in m for m in messages for text in canary.texts())
    canary.check()


def test_a_damaged_preset_leaves_the_list_working(
    qtbot, windows, tmp_path: Path, canary: Any
) -> None:
    window = ready_window(
        qtbot, windows, home(tmp_path), fake_spec(tmp_path), engine_factory=FakeFactory()
    )
    panel = window.style_panel
    assert panel.save_as_preset("Bleak")
    (panel.presets_dir / "deep.toml").write_text("a = " + "[" * 100_000 + "]" * 100_000)
    (panel.presets_dir / "ideas.toml").symlink_to(canary.path / "ideas.md")
    os.mkfifo(panel.presets_dir / "pipe.toml")
    messages: list[str] = []
    panel.status.connect(messages.append)
    panel.reload_presets()
    names = [panel.preset.itemData(i) for i in range(panel.preset.count())]
    assert "Bleak" in names and len(names) > 1
    assert messages and "deep.toml nests deeper than 8 levels" in messages[-1]
    path = panel.save_as_preset("../../../notes/ideas")
    assert path is not None and path.parent == panel.presets_dir.resolve()
    canary.check()
