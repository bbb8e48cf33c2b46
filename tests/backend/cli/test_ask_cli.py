"""`main.py ask`: a question about a story answered with cited passages, through the real
parser and run_headless; one run with the bundled model."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from backend.cli import build_parser, run_headless
from backend.story.binder import Chapter, Scene
from backend.story.project import new_story
from backend.story.project_save import save_story
from backend.text.terms import names_in

FILLER = "The rain kept on over the roofs, and the lamps were lit early along the quay."


@pytest.fixture
def story_folder(tmp_path: Path) -> Path:
    story = new_story(tmp_path / "Book.inkling", title="Book")
    chapters = [[FILLER, FILLER] for _ in range(6)]
    chapters[1][1] = f"{FILLER}\n\nAnna met Marek for the first time at the fish market."
    chapters[4][0] = f"Anna and Marek met again at the station. {FILLER}"
    chapters[3][1] = "The Duke's coach was painted a deep green. Its horses were grey."
    story.binder.chapters = [
        Chapter(title=f"Part {n + 1}", scenes=[Scene(text=t) for t in scenes])
        for n, scenes in enumerate(chapters)
    ]
    save_story(story)
    return story.folder


def ask(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = run_headless(build_parser().parse_args(["ask", *argv]), out)
    return code, out.getvalue()


def test_ask_json_cites_chapter_scene_and_the_sentence(story_folder: Path, tmp_path: Path) -> None:
    code, out = ask(
        str(story_folder), "When did Anna first meet Marek?", "--json", "--no-model",
        "--config", str(tmp_path / "cfg"),
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["answer"] == "" and data["generated"] is False
    top = data["citations"][0]
    assert (top["chapter"], top["scene"]) == (2, 2)
    assert top["quote"] == "Anna met Marek for the first time at the fish market."
    scene = (story_folder / "scenes" / f"{top['scene_id']}.md").read_text("utf-8")
    assert top["quote"] in scene
    assert {"chapter", "scene", "quote", "scene_id", "start", "end", "score"} <= set(top)
    scores = [c["score"] for c in data["citations"]]
    assert len(scores) > 1 and any(c["chapter"] == 5 for c in data["citations"])


def test_ask_prints_readable_passages(story_folder: Path, tmp_path: Path) -> None:
    code, out = ask(str(story_folder), "What colour is the Duke's coach?", "--no-model")
    assert code == 0
    assert out.startswith("Passages, best first:\n1. Chapter 4, scene 2")
    assert "“The Duke's coach was painted a deep green.”" in out
    assert "Generated" not in out


def test_nothing_found_loads_no_model_and_says_so(story_folder: Path, tmp_path: Path) -> None:
    # The model named does not exist: it is never loaded when nothing matched.
    missing = str(tmp_path / "no-such-model.gguf")
    code, out = ask(str(story_folder), "Where did the zeppelin land?", "--model", missing, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["citations"] == [] and data["answer"] == "" and "Nothing" in data["note"]


def test_bad_input_is_refused(story_folder: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert ask(str(tmp_path / "missing.inkling"), "Who?")[0] == 2
    assert ask(str(story_folder), "Who is Anna?", "--count", "0", "--no-model")[0] == 2
    assert "--count" in capsys.readouterr().err


def test_ask_with_the_bundled_model(story_folder: Path, bundled_gguf: Path, tmp_path: Path) -> None:
    code, out = ask(
        str(story_folder), "What colour is the Duke's coach?", "--json",
        "--model", str(bundled_gguf), "--config", str(tmp_path / "cfg"),
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["citations"][0]["chapter"] == 4
    assert data["generated"] == bool(data["answer"])
    if data["answer"]:  # one sentence, and no name the question and quotes do not hold
        assert "\n" not in data["answer"]
        source = data["question"] + " ".join(c["quote"] for c in data["citations"])
        assert all(name in source for name in names_in(data["answer"]))
