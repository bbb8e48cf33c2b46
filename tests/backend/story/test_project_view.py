"""Where the writer left off ([view] in story.toml): kept with the saves, checked on read,
and the title and author a manuscript names for itself."""

from __future__ import annotations

import tomllib
from pathlib import Path

import docx
import pytest

from backend.formats.manuscript import manuscript_details
from backend.story.project import MAX_VIEW_CURSOR, new_story
from backend.story.project_read import load_story
from backend.story.project_save import save_story
from backend.story.project_toml import story_from_dict, story_to_dict


def test_the_view_is_saved_and_read_back(tmp_path: Path) -> None:
    story = new_story(tmp_path / "Tide.inkling", "The tide came in.")
    scene = story.binder.chapters[0].scenes[0]
    story.view_scene, story.view_cursor = scene.id, 9
    save_story(story)
    data = tomllib.loads((story.folder / "story.toml").read_text())
    assert data["view"] == {"scene": scene.id, "cursor": 9}
    again, notes = load_story(story.folder)
    assert (again.view_scene, again.view_cursor) == (scene.id, 9) and not notes


def test_a_story_without_a_view_writes_none(tmp_path: Path) -> None:
    story = new_story(tmp_path / "Tide.inkling")
    assert "view" not in story_to_dict(story)
    story.view_scene = "../../notes/ideas"  # never written, whatever set it
    assert "view" not in story_to_dict(story)


@pytest.mark.parametrize(
    "view",
    [
        "scene-1",
        {"scene": "../../notes/ideas", "cursor": 3},
        {"scene": "a/b", "cursor": 3},
        {"scene": "x" * 65, "cursor": 3},
        {"scene": 7, "cursor": 3},
        {"scene": "abc", "cursor": -1},
        {"scene": "abc", "cursor": MAX_VIEW_CURSOR + 1},
        {"scene": "abc", "cursor": 2.5},
        {"scene": "abc", "cursor": True},
        {"scene": "abc", "cursor": "12"},
    ],
)
def test_a_view_in_another_form_is_left_empty_with_a_note(tmp_path: Path, view: object) -> None:
    notes: list[str] = []
    story = story_from_dict(tmp_path, {"format": 2, "view": view}, notes)
    assert (story.view_scene, story.view_cursor) == ("", 0)
    assert notes and "view" in notes[0]
    assert "view" not in story.extra


def test_a_view_naming_a_scene_that_is_gone_is_kept_as_text(tmp_path: Path) -> None:
    notes: list[str] = []
    story = story_from_dict(tmp_path, {"view": {"scene": "gone", "cursor": 4}}, notes)
    assert (story.view_scene, story.view_cursor) == ("gone", 4) and not notes


def test_title_and_author_come_from_a_docx_or_the_file_name(tmp_path: Path) -> None:
    named = tmp_path / "draft-7.docx"
    document = docx.Document()
    document.add_paragraph("Wren walked to the harbour.")
    document.core_properties.title = "The Harbour"
    document.core_properties.author = "Wren Li"
    document.save(str(named))
    assert manuscript_details(named) == ("The Harbour", "Wren Li")
    bare = tmp_path / "bare.docx"
    document = docx.Document()
    document.core_properties.title = ""
    document.core_properties.author = ""
    document.save(str(bare))
    assert manuscript_details(bare) == ("bare", "")
    broken = tmp_path / "Broken Book.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert manuscript_details(broken) == ("Broken Book", "")
    assert manuscript_details(tmp_path / "My Novel.txt") == ("My Novel", "")
