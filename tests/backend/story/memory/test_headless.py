"""The headless side of long-book memory: `serve` ops with "story", the `context` op, and
`continue --story` on the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from backend.serve import handle_line
from backend.story.project_save import save_story

from .book import build

ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture
def book_folder(tmp_path: Path) -> Path:
    story = build(tmp_path / "Drowned.inkling")
    save_story(story)
    return story.folder


def ask(engine, request: dict, cache: Path | None = None) -> dict:  # type: ignore[no-untyped-def]
    return handle_line(engine, json.dumps(request), cache_dir=cache)


def test_context_op_answers_sections_with_exact_tokens(llama_engine, book_folder, tmp_path):
    request = {
        "id": 1, "op": "context", "story": str(book_folder), "chapter": 40, "scene": 1,
        "cursor": 900, "task": "continue", "style": {"genre": "gothic"},
    }  # fmt: skip
    reply = ask(llama_engine, request, tmp_path / "cache")
    assert reply["id"] == 1, reply
    names = [s["name"] for s in reply["sections"]]
    assert names[:5] == ["memory", "story_so_far", "this_chapter", "lore", "recalled"]
    assert names[-2:] == ["style", "recent"]  # three paragraphs before the end
    for section in reply["sections"]:
        assert section["tokens"] == len(llama_engine.tokenize(section["text"])) or section[
            "name"
        ] in ("style", "recent")
        if section["name"] != "style":
            assert section["tokens"] <= section["budget"]
    assert reply["total_tokens"] <= reply["budget"]
    assert any(p.suffix == ".json" for p in (tmp_path / "cache" / "recall").iterdir())
    suggest = ask(llama_engine, {**request, "task": "suggest"})
    # A styled continuation reads the suggestion's window, its style header on top.
    header = next(s for s in reply["sections"] if s["name"] == "style")
    assert reply["budget"] == suggest["budget"] + header["tokens"]
    recent = "".join(s["text"] for s in reply["sections"] if s["name"] == "recent")
    assert recent == "".join(s["text"] for s in suggest["sections"] if s["name"] == "recent")


def test_suggest_and_continue_ops_read_the_story(llama_engine, tiny_gpt2_engine, book_folder):
    place = {"story": str(book_folder), "chapter": 40, "cursor": 700}
    reply = ask(llama_engine, {"id": 2, "op": "suggest", **place})
    assert reply["id"] == 2 and isinstance(reply["suggestions"], list), reply
    # A continuation's prompt fills the model's whole context: the tiny model keeps it short.
    request = {"id": 3, "op": "continue", **place, "style": {"length": "sentence"}}
    reply = ask(tiny_gpt2_engine, request)
    assert reply["id"] == 3 and isinstance(reply["text"], str), reply


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        ({"story": "/no/such/story.inkling"}, "not an Inkling story"),
        ({"chapter": 99}, "no chapter 99"),
        ({"chapter": 1, "scene": 4}, "no scene 4"),
        ({"cursor": 10**8}, "between 0 and"),
        ({"chapter": "two"}, "whole number"),
        ({"task": "dance"}, "'task'"),
    ],
)
def test_bad_places_get_clear_errors(tiny_gpt2_engine, book_folder, request_, message):
    request = {"id": 4, "op": "context", "story": str(book_folder), **request_}
    reply = ask(tiny_gpt2_engine, request)
    assert reply["id"] == 4 and message in reply["error"]


def test_a_damaged_index_is_rebuilt_and_said(tiny_gpt2_engine, book_folder, tmp_path):
    cache = tmp_path / "cache"
    request = {"id": 5, "op": "context", "story": str(book_folder), "chapter": 3}
    assert not any("rebuilt" in n for n in ask(tiny_gpt2_engine, request, cache)["notes"])
    for f in (cache / "recall").iterdir():
        f.write_text("garbage", "utf-8")
    reply = ask(tiny_gpt2_engine, request, cache)
    assert any("rebuilt" in n for n in reply["notes"]), reply


def test_cli_continue_story(tiny_gpt2_dir: Path, book_folder: Path, tmp_path: Path) -> None:
    args = [sys.executable, "main.py", "continue", "--story", str(book_folder)]
    args += ["--chapter", "2", "--model", str(tiny_gpt2_dir), "--config", str(tmp_path)]
    args += ["--length", "sentence"]
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert out.stdout.endswith("\n")
    args[args.index("2")] = "70"
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 2 and "no chapter 70" in out.stderr
