"""The headless keeping commands, in-process: main.py snapshot, history, backup and restore,
with --config pointing at a temporary folder."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from backend.cli import build_parser, run_headless
from backend.storage.paths import app_paths
from backend.story.binder import Scene
from backend.story.project import new_story
from backend.story.project_read import load_story
from backend.story.project_save import save_story, write_new_story

HISTORY_KEYS = {"id", "time", "cause", "name", "words", "chars", "sha256", "stored"}


def cli(config: Path, *args: str) -> tuple[int, str]:
    """Run `main.py --config CONFIG ARGS...`; returns the exit code and what it printed."""
    out = io.StringIO()
    code = run_headless(build_parser().parse_args(["--config", str(config), *args]), out)
    return code, out.getvalue()


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return tmp_path / "config"


@pytest.fixture
def story(tmp_path: Path) -> Path:
    folder = tmp_path / "Tale.inkling"
    made = new_story(folder, "The bell rang.", title="Tale")
    made.binder.chapters[0].scenes.append(Scene(title="Night", text="Wren slept. 夜。"))
    made.binder.trash.append(Scene(title="Cut", text="A scene that was cut."))
    write_new_story(made)
    return folder


def scene_ids(folder: Path) -> list[str]:
    loaded, _notes = load_story(folder)
    return [s.id for _c, s in loaded.binder.scenes()]


def test_snapshot_and_history(config: Path, story: Path, capsys) -> None:
    first, second = scene_ids(story)
    code, out = cli(config, "snapshot", str(story))
    assert code == 0, capsys.readouterr().err
    data = json.loads(out)
    assert data["unchanged"] == 0 and len(data["taken"]) == 3  # the trashed scene too
    assert {t["scene"] for t in data["taken"]} >= {first, second}
    assert all(set(t) == HISTORY_KEYS | {"scene"} for t in data["taken"])
    assert all(t["cause"] == "manual" and t["name"] == "" for t in data["taken"])
    # Nothing changed: nothing new is kept.
    code, out = cli(config, "snapshot", str(story))
    assert code == 0 and json.loads(out) == {"taken": [], "unchanged": 3}
    # Change one scene, then keep a named snapshot of it alone.
    loaded, _ = load_story(story)
    loaded.binder.scene(first).text = "The bell rang twice."
    save_story(loaded)
    code, out = cli(config, "snapshot", str(story), "--scene", first, "--name", "Second bell")
    assert code == 0
    [taken] = json.loads(out)["taken"]
    assert taken["scene"] == first and taken["name"] == "Second bell"
    code, out = cli(config, "history", str(story), "--scene", first, "--json")
    assert code == 0
    history = json.loads(out)
    assert history["scene"] == first
    snaps = history["snapshots"]
    assert [s["id"] for s in snaps] == [taken["id"], data["taken"][0]["id"]]  # newest first
    assert all(set(s) == HISTORY_KEYS for s in snaps)
    assert snaps[0]["words"] == 4 and snaps[0]["chars"] == len("The bell rang twice.")
    assert snaps[0]["time"].endswith("Z") and snaps[0]["stored"] in {"whole", "delta"}
    # --text prints exactly the kept text, nothing added.
    for snap, text in zip(snaps, ["The bell rang twice.", "The bell rang."], strict=True):
        code, out = cli(config, "history", str(story), "--scene", first, "--text", snap["id"])
        assert code == 0 and out == text
    code, out = cli(config, "history", str(story), "--scene", second, "--json")
    assert [s["words"] for s in json.loads(out)["snapshots"]] == [3]
    code, out = cli(config, "history", str(story), "--scene", second)
    assert code == 0 and len(out.splitlines()) == 1 and "manual" in out
    assert capsys.readouterr().err == ""
    assert not (config / "data" / "backups").exists()


def test_backup_and_restore(config: Path, story: Path, tmp_path: Path, capsys) -> None:
    cli(config, "snapshot", str(story))
    code, out = cli(config, "backup", str(story), "--to", str(tmp_path / "backups"))
    assert code == 0, capsys.readouterr().err
    made = Path(out.strip())
    assert made.parent == tmp_path / "backups" and made.is_file() and made.suffix == ".zip"
    with zipfile.ZipFile(made) as archive:
        assert archive.testzip() is None
        assert "Tale.inkling/story.toml" in archive.namelist()
    # Without --to, backups go into the data folder under --config.
    code, out = cli(config, "backup", str(story))
    assert code == 0
    default = Path(out.strip())
    assert default.parent == app_paths(config).backups and default.is_file()
    target = tmp_path / "restored" / "Tale.inkling"
    code, out = cli(config, "restore", str(made), "--to", str(target))
    assert code == 0 and Path(out.strip()) == target
    original, _ = load_story(story)
    restored, notes = load_story(target)
    assert notes == []
    assert [(s.id, s.title, s.text) for _c, s in restored.binder.scenes()] == [
        (s.id, s.title, s.text) for _c, s in original.binder.scenes()
    ]
    assert [s.text for s in restored.binder.trash] == ["A scene that was cut."]
    first = scene_ids(story)[0]
    code, out = cli(config, "history", str(target), "--scene", first, "--json")
    assert code == 0 and len(json.loads(out)["snapshots"]) == 1
    assert capsys.readouterr().err == ""


def test_errors_exit_non_zero_with_a_message(
    config: Path, story: Path, tmp_path: Path, capsys
) -> None:
    def fails(*args: str) -> tuple[int, str]:
        code, out = cli(config, *args)
        err = capsys.readouterr().err
        assert code != 0 and out == ""
        assert err.startswith("inkling: ") and "Traceback" not in err
        return code, err

    assert fails("snapshot", str(story), "--scene", "nope")[0] == 2
    assert fails("history", str(story), "--scene", "../../x", "--text", "0123abcd")[0] == 2
    first = scene_ids(story)[0]
    cli(config, "snapshot", str(story))
    capsys.readouterr()
    _code, err = fails("history", str(story), "--scene", first, "--text", "ffffffff")
    assert "no snapshot" in err
    corrupt = tmp_path / "corrupt.zip"
    corrupt.write_bytes(b"PK\x03\x04 this is not really a zip" * 10)
    code, err = fails("restore", str(corrupt), "--to", str(tmp_path / "out"))
    assert code == 2 and "not a readable zip" in err
    assert not (tmp_path / "out").exists()
    _code, out = cli(config, "backup", str(story), "--to", str(tmp_path / "backups"))
    made = Path(out.strip())
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "mine.md").write_text("mine")
    code, err = fails("restore", str(made), "--to", str(taken))
    assert code == 2 and "already exists" in err
    assert sorted(p.name for p in taken.iterdir()) == ["mine.md"]
    not_a_story = tmp_path / "plain"
    not_a_story.mkdir()
    assert fails("backup", str(not_a_story), "--to", str(tmp_path / "b2"))[0] == 1
    assert fails("snapshot", str(not_a_story))[0] == 2
    (tmp_path / "a-file").write_text("x")
    assert fails("backup", str(story), "--to", str(tmp_path / "a-file"))[0] == 1
