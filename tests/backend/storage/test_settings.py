"""Settings: typed, merged over defaults, atomic, and never lost to a corrupt file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from backend.storage.paths import app_paths
from backend.storage.settings import Settings, SettingsStore

ROOT = Path(__file__).resolve().parents[3]


def test_round_trip_and_unknown_keys_kept(tmp_path: Path) -> None:
    paths = app_paths(tmp_path)
    store = SettingsStore(paths)
    s = Settings()
    s.editor.font_size = 17
    s.suggestions.hotkeys["accept"] = "Ctrl+J"
    s.add_recent("/tmp/a.md")
    store.save(s)
    text = paths.settings_file.read_text()
    paths.settings_file.write_text(text + '\n[plugins]\nfuture = "yes"\n')
    loaded = store.load()
    assert loaded.editor.font_size == 17
    assert loaded.suggestions.hotkeys["accept"] == "Ctrl+J"
    assert loaded.suggestions.hotkeys["dismiss"] == "Esc"
    assert loaded.recent_files == ["/tmp/a.md"]
    store.save(loaded)
    assert 'future = "yes"' in paths.settings_file.read_text()
    assert store.notice is None


def test_missing_keys_get_defaults(tmp_path: Path) -> None:
    paths = app_paths(tmp_path)
    paths.config.mkdir(parents=True)
    paths.settings_file.write_text("[editor]\ntheme = 'dark'\n")
    loaded = SettingsStore(paths).load()
    assert loaded.editor.theme == "dark"
    assert loaded.editor.font_size == Settings().editor.font_size
    assert loaded.suggestions.delay_ms == 250


def test_corrupt_file_is_moved_aside_and_backup_loads(tmp_path: Path) -> None:
    paths = app_paths(tmp_path)
    store = SettingsStore(paths)
    good = Settings()
    good.editor.font_size = 21
    store.save(good)
    good.editor.font_size = 22
    store.save(good)  # the backup now holds 21, the file 22
    paths.settings_file.write_bytes(b"\x00\xff not toml [[[")
    loaded = store.load()
    assert loaded.editor.font_size == 21
    assert store.notice and "last good copy" in store.notice
    asides = list(paths.config.glob("settings.corrupt-*.toml"))
    assert len(asides) == 1 and asides[0].read_bytes().startswith(b"\x00\xff")
    assert store.load().editor.font_size == 21 or store.notice is None


def test_wrong_types_fall_back_to_defaults_with_a_notice(tmp_path: Path) -> None:
    paths = app_paths(tmp_path)
    paths.config.mkdir(parents=True)
    paths.settings_file.write_text("[editor]\nfont_size = 'huge'\n")
    loaded = SettingsStore(paths).load()
    assert loaded.editor.font_size == Settings().editor.font_size
    store = SettingsStore(paths)
    paths.settings_file.write_text("[suggestions]\ndelay_ms = -4\n")
    store.load()
    assert store.notice and "defaults" in store.notice


def test_config_flag_moves_everything(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "main.py", "setup-model", "--config", str(tmp_path / "cfg")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "cfg" / "data" / "models" / "gemma-3-270m-q4_k_m.gguf").is_file()
