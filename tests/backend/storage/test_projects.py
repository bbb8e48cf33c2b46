"""Story projects on disk: format 2 round trip, migration, and damaged projects."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from backend.storage.atomic import SaveError
from backend.storage.documents import DocumentError
from backend.storage.projects import (
    FORMAT1_BACKUP,
    STORY_FORMAT,
    load_story,
    new_story,
    save_story,
)
from backend.story.binder import Chapter, Scene


def two_chapter_story(folder: Path):
    story = new_story(folder, "The bell rang.", title="Hollow")
    story.author = "A. Writer"
    story.binder.chapters[0].scenes.append(Scene(title="Night", text="Wren slept.", pov="Wren"))
    story.binder.chapters.append(
        Chapter(title="Two", part="Part One", scenes=[Scene(text="Dawn.")])
    )
    story.characters = [{"Name": "Wren", "Age": "31"}]
    story.goals = {"daily": 500, "book": 80000}
    story.history = {"2026-11-20": 300}
    story.extra = {"future_table": {"x": 1}}
    return story


def test_round_trip_keeps_order_metadata_and_unknown_keys(tmp_path: Path) -> None:
    folder = tmp_path / "Hollow.inkling"
    save_story(two_chapter_story(folder))
    story, notes = load_story(folder)
    assert notes == []
    assert [c.title for c in story.binder.chapters] == ["Chapter 1", "Two"]
    assert [s.text for _c, s in story.binder.scenes()] == ["The bell rang.", "Wren slept.", "Dawn."]
    assert story.binder.chapters[0].scenes[1].pov == "Wren"
    assert story.binder.chapters[1].part == "Part One"
    assert story.author == "A. Writer" and story.goals == {"daily": 500, "book": 80000}
    assert story.history == {"2026-11-20": 300}
    assert story.extra == {"future_table": {"x": 1}}
    data = tomllib.loads((folder / "story.toml").read_text())
    assert data["format"] == STORY_FORMAT
    assert "chapters" in tomllib.loads((folder / "binder.toml").read_text())


def test_format1_is_migrated_and_the_old_manuscript_kept(tmp_path: Path) -> None:
    old = tmp_path / "Old.inkling"
    old.mkdir()
    (old / "story.toml").write_text('format = 1\ntitle = "Old"\npremise = "p"\n')
    (old / "manuscript.md").write_text("Chapter one text.\n\nMore.")
    story, notes = load_story(old)
    assert story.title == "Old" and story.premise == "p"
    assert [s.text for _c, s in story.binder.scenes()] == ["Chapter one text.\n\nMore."]
    assert (old / FORMAT1_BACKUP).read_text() == "Chapter one text.\n\nMore."
    assert not (old / "manuscript.md").exists()
    assert any("updated" in n for n in notes)
    again, notes = load_story(old)
    assert notes == [] and again.binder.chapters[0].scenes[0].text == "Chapter one text.\n\nMore."


def test_format0_and_future_formats(tmp_path: Path) -> None:
    old = tmp_path / "Zero.inkling"
    old.mkdir()
    (old / "story.toml").write_text('format = 0\n[story]\ntitle = "Zero"\npremise = "p"\n')
    story, _ = load_story(old)
    assert story.title == "Zero" and story.premise == "p"
    (old / "story.toml").write_text("format = 99\n")
    with pytest.raises(DocumentError, match="newer Inkling"):
        load_story(old)
    with pytest.raises(DocumentError, match="not an Inkling story"):
        load_story(tmp_path / "nothing.inkling")


def test_missing_and_unreadable_scenes_are_reported_and_never_overwritten(tmp_path: Path) -> None:
    folder = tmp_path / "Damaged.inkling"
    story = two_chapter_story(folder)
    save_story(story)
    ids = [s.id for _c, s in story.binder.scenes()]
    story.scene_path(ids[0]).unlink()
    story.scene_path(ids[1]).write_bytes(b"\x00\x01binary\x00" * 10)
    loaded, notes = load_story(folder)
    assert len(notes) == 2
    assert "no file" in notes[0] and "could not be read" in notes[1]
    assert loaded.binder.scene(ids[2]).text == "Dawn."
    assert loaded.binder.scene(ids[1]).problem
    save_story(loaded)
    assert story.scene_path(ids[1]).read_bytes() == b"\x00\x01binary\x00" * 10


def test_damaged_binder_falls_back_to_backup_then_to_scene_files(tmp_path: Path) -> None:
    folder = tmp_path / "Lost.inkling"
    story = two_chapter_story(folder)
    save_story(story)
    save_story(story)  # now binder.toml.bak exists too
    (folder / "binder.toml").write_text("chapters = [[[ broken")
    loaded, notes = load_story(folder)
    assert "backup" in " ".join(notes)
    assert [s.text for _c, s in loaded.binder.scenes()] == [
        "The bell rang.",
        "Wren slept.",
        "Dawn.",
    ]
    (folder / "binder.toml.bak").write_text("also broken = = =")
    loaded, notes = load_story(folder)
    assert "recovered" in " ".join(notes)
    assert sorted(s.text for _c, s in loaded.binder.scenes()) == [
        "Dawn.",
        "The bell rang.",
        "Wren slept.",
    ]


def test_two_scenes_naming_one_file_become_two_files(tmp_path: Path) -> None:
    folder = tmp_path / "Twice.inkling"
    story = two_chapter_story(folder)
    save_story(story)
    first = story.binder.chapters[0].scenes[0]
    text = (folder / "binder.toml").read_text()
    second = story.binder.chapters[0].scenes[1]
    (folder / "binder.toml").write_text(text.replace(second.id, first.id))
    loaded, notes = load_story(folder)
    scenes = [s for _c, s in loaded.binder.scenes()]
    assert scenes[0].text == scenes[1].text == "The bell rang."
    assert scenes[0].id != scenes[1].id
    assert "shared" in notes[0]
    # The file no longer listed is not lost: it comes back as a recovered scene.
    assert loaded.binder.chapters[-1].title == "Recovered scenes"
    assert loaded.binder.chapters[-1].scenes[0].text == "Wren slept."
    save_story(loaded)
    assert loaded.scene_path(scenes[1].id).read_text() == "The bell rang."


def test_trash_is_kept_inside_the_project(tmp_path: Path) -> None:
    folder = tmp_path / "Trash.inkling"
    story = two_chapter_story(folder)
    save_story(story)
    scene = story.binder.chapters[1].scenes[0]
    story.binder.delete(scene.id)
    save_story(story)
    assert not story.scene_path(scene.id).exists()
    assert story.trash_path(scene.id).read_text() == "Dawn."
    loaded, _ = load_story(folder)
    assert [s.text for s in loaded.binder.trash] == ["Dawn."]


def test_save_into_a_read_only_place_says_so(tmp_path: Path) -> None:
    story = two_chapter_story(tmp_path / "file-not-folder")
    (tmp_path / "file-not-folder").write_text("x")
    with pytest.raises(SaveError):
        save_story(story)
