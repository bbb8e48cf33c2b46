"""`main.py check`: the continuity check of a project as JSON and as text, in-process
through build_parser/run_headless, and once through main.py in a subprocess."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from backend.cli import build_parser, run_headless
from backend.story.binder import Chapter, Scene
from backend.story.project import new_story
from backend.story.project_save import write_new_story

ROOT = Path(__file__).resolve().parents[3]


def cli(config: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = run_headless(build_parser().parse_args(["--config", str(config), *args]), out)
    return code, out.getvalue()


@pytest.fixture
def story(tmp_path: Path) -> Path:
    folder = tmp_path / "Tale.inkling"
    made = new_story(folder, title="Tale")
    made.binder.chapters = [
        Chapter(title="One", scenes=[Scene(title="1", text="Rain.\n\nAnna had blue eyes.")]),
        Chapter(
            title="Two",
            scenes=[
                Scene(title="1", text="Snow."),
                Scene(title="2", text="Anna's brown eyes shone."),
            ],
        ),
    ]
    write_new_story(made)
    return folder


def test_json(tmp_path: Path, story: Path) -> None:
    code, out = cli(tmp_path / "config", "check", str(story), "--json")
    assert code == 0
    data = json.loads(out)
    [finding] = data["findings"]
    assert {"kind", "subject", "message", "evidence"} <= set(finding)
    assert finding["kind"] == "attribute" and finding["subject"] == "Anna"
    assert [(e["chapter"], e["scene"], e["quote"]) for e in finding["evidence"]] == [
        (1, 1, "Anna had blue eyes."),
        (2, 2, "Anna's brown eyes shone."),
    ]
    assert (tmp_path / "config" / "cache" / "facts").is_dir()


def test_text_and_no_cache(tmp_path: Path, story: Path) -> None:
    code, out = cli(tmp_path / "config", "check", str(story), "--no-cache")
    assert code == 0
    assert "[attribute] Anna:" in out and "ch. 2, sc. 2: Anna's brown eyes shone." in out
    assert not (tmp_path / "config" / "cache").exists()


def test_missing_project(tmp_path: Path, capsys) -> None:
    code, out = cli(tmp_path / "config", "check", str(tmp_path / "None.inkling"))
    assert code == 2 and out == ""
    assert capsys.readouterr().err.startswith("inkling: ")


def test_main_py(tmp_path: Path, story: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--config", str(tmp_path / "c"), "check",
         str(story), "--json"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert [f["kind"] for f in json.loads(done.stdout)["findings"]] == ["attribute"]
