"""Settings: typed, merged over defaults, atomic, and never lost to a corrupt file."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import example, given, settings
from hypothesis import strategies as st

from backend.storage.paths import app_paths
from backend.storage.settings import (
    MAX_RECENT,
    EditorSettings,
    ModelSettings,
    SamplerSettings,
    Settings,
    SettingsError,
    SettingsStore,
    SuggestionSettings,
    clean_recent,
    settings_from_dict,
)

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


# --- hostile and damaged settings files: the window always starts -----------------------
def hostile(tmp_path: Path, content: bytes | None = None) -> tuple[SettingsStore, Path]:
    """A store whose settings.toml holds `content` (None: the caller makes the file)."""
    paths = app_paths(tmp_path / "Story.inkling" / "home")
    paths.config.mkdir(parents=True)
    if content is not None:
        paths.settings_file.write_bytes(content)
    return SettingsStore(paths), paths.settings_file


def loads_with_notice(store: SettingsStore, settings_file: Path, canary: Any) -> str:
    """Load: the defaults (or the backup) come back, the file is set aside, and the notice
    says why and leaks no canary text."""
    loaded = store.load()
    assert isinstance(loaded, Settings)
    assert store.notice is not None
    assert not os.path.lexists(settings_file)
    assert list(settings_file.parent.glob("settings.corrupt-*.toml"))
    assert not any(text in store.notice for text in canary.texts())
    canary.check()
    return store.notice


def test_a_temperature_out_of_range_sets_the_file_aside(tmp_path: Path, canary: Any) -> None:
    store, settings_file = hostile(tmp_path, b"[sampler]\ntemperature = 9.0\n")
    notice = loads_with_notice(store, settings_file, canary)
    assert notice.startswith(
        "Your settings file could not be used: [sampler] temperature must be in [0.0, 5.0], "
        "got 9.0. It was kept as settings.corrupt-"
    )
    assert notice.endswith(" and the defaults were loaded.")
    assert store.load().sampler.temperature == Settings().sampler.temperature
    assert store.notice is None  # the next start is clean


def test_a_bad_file_falls_back_to_the_last_good_copy(tmp_path: Path, canary: Any) -> None:
    store, settings_file = hostile(tmp_path)
    good = Settings()
    good.sampler.temperature = 0.4
    store.save(good)
    store.save(good)  # the backup now holds it too
    settings_file.write_text("[sampler]\ntemperature = 9.0\n")
    notice = loads_with_notice(store, settings_file, canary)
    assert notice.endswith(" and the last good copy was loaded.")
    assert store.load().sampler.temperature == 0.4 or store.notice is None


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"a = " + b"[" * 100_000 + b"]" * 100_000, "settings.toml nests deeper than 32 levels"),
        (b"a = " + b"[" * 40 + b"]" * 40, "settings.toml nests deeper than 32 levels"),
        (b"[" + b"a." * 40 + b"b]\nx = 1\n", "settings.toml nests deeper than 32 levels"),
        (b'[editor]\ntheme = "\xff"\n',
         "settings.toml is not UTF-8 text (first bad byte at offset 18)"),
        (b"# " + b"x" * (2 * 1024 * 1024), "settings.toml is larger than 1 MB, the most Inkling "
         "reads for this kind of file; it was not read"),
        (b"[editor\n", "settings.toml is damaged ("),
        (b"editor = 5\n", "[editor] should be a table"),
        (b'[editor]\ntheme = "dark"\nfont_size = "huge"\n', "editor.font_size should be int, "
         "not 'huge'"),
        (b"[editor]\nfont_size = 99999999999999999\n", "font size must be between 6 and 72"),
        (b"[editor]\nspellcheck = 1\n", "editor.spellcheck should be bool, not 1"),
        (b"[sampler]\ntop_k = 1.5\n", "sampler.top_k should be int, not 1.5"),
        (b"[sampler]\nmin_p = nan\n", "sampler.min_p should be float, not nan"),
        (b"[sampler]\ntop_p = inf\n", "sampler.top_p should be float, not inf"),
        (b"[sampler]\nmax_tokens = 0\n", "[sampler] max_tokens must be between 1 and 8192"),
        (b'[suggestions]\nhotkeys = "Tab"\n', "suggestions.hotkeys should be dict, not 'Tab'"),
        (b"[suggestions.hotkeys]\naccept = 5\n", "suggestions.hotkeys should be dict, not a table"),
        (b'[suggestions.hotkeys]\nboom = "x"\n', "unknown hotkey(s): boom"),
        (b'[suggestions.hotkeys]\naccept = "' + b"x" * 100 + b'"\n',
         "the accept hotkey is longer than 64 characters"),
        (b"[model]\npath = 5\n", "model.path should be str, not 5"),
        (b'[model]\npath = "/m/a\\u0000b.gguf"\n', "the model's path holds control characters"),
        (b'[model]\npath = "' + b"m/" * 3000 + b'"\n', "the model's path is longer than 4096"),
        (b'[editor]\nlanguage = "/usr/share/x"\n', "language must be a code such as zh_CN, not "
         "'/usr/share/x'"),
        (b'[editor]\nlanguage = "../../notes/ideas"\n', "language must be a code such as zh_CN"),
        (b'[editor]\nlanguage = 7\n', "editor.language should be str, not 7"),
        (b'last_style_preset = ["a"]\n', "last_style_preset should be str, not a list"),
        (b"[editor]\nzoom = 9" + b"9" * 40 + b"\n", "zoom must be between -10 and 30 steps"),
        (b"[editor]\nzoom = " + b"9" * 5000 + b"\n", "settings.toml is damaged (Exceeds"),
    ],
)  # fmt: skip
def test_a_damaged_settings_file_never_stops_the_start(
    tmp_path: Path, canary: Any, content: bytes, words: str
) -> None:
    store, settings_file = hostile(tmp_path, content)
    notice = loads_with_notice(store, settings_file, canary)
    assert notice.startswith(f"Your settings file could not be used: {words}")
    assert "defaults were loaded" in notice


def test_the_headless_commands_say_what_was_set_aside(
    tmp_path: Path, canary: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from backend.cli.common import headless_settings

    _store, settings_file = hostile(tmp_path, b"[sampler]\ntemperature = 9.0\n")
    paths = app_paths(tmp_path / "Story.inkling" / "home")
    loaded = headless_settings(argparse.Namespace(ignore_settings=False), paths)
    assert loaded.sampler.params() == Settings().sampler.params()
    err = capsys.readouterr().err
    assert err.startswith("inkling: Your settings file could not be used: [sampler] temperature")
    assert not settings_file.exists()
    canary.check()


def test_a_bom_is_accepted(tmp_path: Path, canary: Any) -> None:
    store, _settings_file = hostile(tmp_path, b'\xef\xbb\xbf[editor]\ntheme = "dark"\n')
    assert store.load().editor.theme == "dark" and store.notice is None
    canary.check()


@pytest.mark.parametrize("special", ["fifo", "zero"])
def test_a_special_settings_file_is_set_aside_at_once(
    tmp_path: Path, canary: Any, special: str
) -> None:
    store, settings_file = hostile(tmp_path)
    if special == "fifo":
        os.mkfifo(settings_file)
    else:
        settings_file.symlink_to("/dev/zero")
    notice = loads_with_notice(store, settings_file, canary)
    assert notice.startswith(
        "Your settings file could not be used: settings.toml is not an ordinary file (it is a "
        "device, a pipe or a socket); it was not read. It was kept as settings.corrupt-"
    )
    store.save(Settings())  # and the next save writes an ordinary file
    assert settings_file.is_file() and not settings_file.is_symlink()


def test_a_settings_link_to_a_file_elsewhere_never_changes_it(tmp_path: Path, canary: Any) -> None:
    store, settings_file = hostile(tmp_path)
    settings_file.symlink_to(canary.path / "notes.md")
    notice = loads_with_notice(store, settings_file, canary)
    assert notice.startswith("Your settings file could not be used: settings.toml is damaged (")
    store.save(Settings())
    canary.check()


def test_absurd_recent_files_are_dropped(tmp_path: Path, canary: Any) -> None:
    recent = [
        "/books/a.md",
        5,
        "",
        "/books/a.md",
        "x" * 5000,
        "/books/new\nline.md",
        ["/nested"],
        "/books/b.md",
        *[f"/books/{i}.md" for i in range(20)],
    ]
    text = tomli_w.dumps({"recent_files": recent})
    store, _settings_file = hostile(tmp_path, text.encode())
    loaded = store.load()
    assert store.notice is None
    assert loaded.recent_files[:3] == ["/books/a.md", "/books/b.md", "/books/0.md"]
    assert len(loaded.recent_files) == MAX_RECENT
    store, _ = hostile(tmp_path / "other", b'recent_files = "/books/a.md"\n')
    assert store.load().recent_files == [] and store.notice is None
    assert clean_recent({"a": 1}) == []
    canary.check()


def test_unknown_sections_survive_but_stay_bounded(tmp_path: Path, canary: Any) -> None:
    deep = {"a": {"b": {"c": [[1, 2], [3]]}}}
    store, settings_file = hostile(tmp_path, tomli_w.dumps({"plugins": deep}).encode())
    loaded = store.load()
    assert store.notice is None and loaded.extra["plugins"] == deep
    store.save(loaded)
    assert "[plugins.a.b]" in settings_file.read_text()
    canary.check()


# --- property tests ---------------------------------------------------------------------
SECTIONS = {
    "model": [f.name for f in fields(ModelSettings)],
    "sampler": [f.name for f in fields(SamplerSettings)],
    "suggestions": [f.name for f in fields(SuggestionSettings)],
    "editor": [f.name for f in fields(EditorSettings)],
}
SCALARS = (
    st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["dark", "light", "Tab", "zh_CN", "../x", "/etc/passwd", 0.5, 40, 13])
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


def mostly(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`valid` four times in five, any value otherwise, so the later checks are reached."""
    return st.sampled_from([True, True, True, True, False]).flatmap(
        lambda keep: valid if keep else VALUES
    )


def section(name: str) -> st.SearchStrategy[dict[str, Any]]:
    keys = st.sampled_from([*SECTIONS[name], "hotkeys", "accept"]) | st.text(max_size=5)
    return st.dictionaries(keys, VALUES, max_size=5)


TOP = st.fixed_dictionaries(
    {},
    optional={
        **{name: mostly(section(name)) for name in SECTIONS},
        "recent_files": mostly(st.lists(VALUES, max_size=12)),
        "last_style_preset": mostly(st.text(max_size=10)),
        "extra": VALUES,
    },
)


@settings(max_examples=150, deadline=None)
@given(TOP)
def test_any_settings_data_loads_or_is_a_settings_error(data: dict[str, Any]) -> None:
    try:
        loaded = settings_from_dict(data)
    except SettingsError as exc:
        assert str(exc)
        return
    loaded.validate()
    assert all(isinstance(p, str) for p in loaded.recent_files)
    assert len(loaded.recent_files) <= MAX_RECENT


@settings(max_examples=80, deadline=None)
@given(TOP)
@example({"model": {}, "extra": float("nan")})  # NaN under an unknown key
def test_whatever_loads_saves_and_loads_again(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = SettingsStore(app_paths(folder))
        store.path.parent.mkdir(parents=True)
        try:
            store.path.write_text(tomli_w.dumps(data))
        except (TypeError, ValueError):
            return  # not expressible as TOML (tomli_w refuses it)
        loaded = store.load()
        store.save(loaded)
        again = store.load()
        assert store.notice is None
        # Compared as TOML text: an unknown key may hold NaN, which equals nothing.
        toml = tomli_w.dumps(again.to_dict())
        assert toml in (tomli_w.dumps(loaded.to_dict()), tomli_w.dumps(Settings().to_dict()))


@settings(max_examples=120, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_bytes_in_settings_toml_still_start(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = app_paths(folder)
        paths.config.mkdir(parents=True)
        paths.settings_file.write_bytes(raw)
        loaded = SettingsStore(paths).load()
        assert isinstance(loaded, Settings)
        loaded.validate()
