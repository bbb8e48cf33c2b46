"""Story projects on disk: format 2 round trip, migration, and damaged projects."""

from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from backend.storage.atomic import SaveError
from backend.storage.documents import DocumentError
from backend.story.binder import Chapter, Scene
from backend.story.project import STORY_FORMAT, new_story
from backend.story.project_read import FORMAT1_BACKUP, load_story
from backend.story.project_save import PART_SUFFIX, save_story, write_new_story


def two_chapter_story(folder: Path):
    story = new_story(folder, "The bell rang.", title="Hollow")
    story.author = "A. Writer"
    story.binder.chapters[0].scenes.append(Scene(title="Night", text="Wren slept.", pov="Wren"))
    story.binder.chapters.append(
        Chapter(title="Two", part="Part One", scenes=[Scene(text="Dawn.")])
    )
    story.characters = [{"Name": "Wren", "Age": "31"}]
    story.authors_note = "Rain all night."
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
    assert story.authors_note == "Rain all night."
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


# --- a new project in one step ----------------------------------------------------------
def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.endswith(PART_SUFFIX))


def test_a_new_story_names_its_chapter_and_scene_in_the_books_language(tmp_path: Path) -> None:
    def names(story) -> tuple[str, str]:  # type: ignore[no-untyped-def]
        chapter = story.binder.chapters[0]
        return chapter.title, chapter.scenes[0].title

    assert names(new_story(tmp_path / "a", "The bell rang.")) == ("Chapter 1", "Scene 1")
    assert names(new_story(tmp_path / "b", "我冒了严寒，回到故乡去。")) == ("第一章", "第1场")
    assert names(new_story(tmp_path / "c", language="zh-Hans")) == ("第一章", "第1场")
    assert names(new_story(tmp_path / "d", "我回到故乡。", language="en-GB"))[0] == "Chapter 1"


def test_a_new_story_appears_in_one_step(tmp_path: Path) -> None:
    story = two_chapter_story(tmp_path / "New.inkling")
    write_new_story(story)
    loaded, notes = load_story(tmp_path / "New.inkling")
    assert notes == []
    assert [s.text for _c, s in loaded.binder.scenes()] == [
        "The bell rang.",
        "Wren slept.",
        "Dawn.",
    ]
    assert leftovers(tmp_path) == []
    with pytest.raises(SaveError, match=re.escape("New.inkling already exists")):
        write_new_story(two_chapter_story(tmp_path / "New.inkling"))
    (tmp_path / "Empty.inkling").mkdir()  # an empty folder, e.g. made by a file dialog
    write_new_story(two_chapter_story(tmp_path / "Empty.inkling"))
    assert load_story(tmp_path / "Empty.inkling")[1] == []


def test_a_failed_write_leaves_no_half_story(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import backend.story.project_save as project_save

    calls = []

    def full_disk(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data)

    real = project_save.write_new_file
    monkeypatch.setattr(project_save, "write_new_file", full_disk)
    with pytest.raises(SaveError) as failed:
        write_new_story(two_chapter_story(tmp_path / "Full.inkling"))
    assert (
        str(failed.value) == "Could not create Full.inkling: the disk is full. Nothing was written."
    )
    assert not (tmp_path / "Full.inkling").exists() and leftovers(tmp_path) == []
    monkeypatch.setattr(project_save, "write_new_file", real)
    write_new_story(two_chapter_story(tmp_path / "Full.inkling"))
    assert load_story(tmp_path / "Full.inkling")[1] == []


KILLED_WRITE = """
import os, signal, sys
from pathlib import Path
import backend.story.project_save as project_save
from backend.story.project import new_story

def killed(folders, files):
    os.kill(os.getpid(), signal.SIGKILL)

project_save.sync_new_files = killed
story = new_story(Path(sys.argv[1]), "Half written.")
project_save.write_new_story(story)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="no SIGKILL here")
def test_a_killed_import_leaves_nothing_and_the_next_try_works(tmp_path: Path) -> None:
    target = tmp_path / "Killed.inkling"
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-c", KILLED_WRITE, str(target)], cwd=root, timeout=60, check=False
    )
    assert done.returncode == -signal.SIGKILL
    assert not target.exists()
    assert len(leftovers(tmp_path)) == 1  # hidden, and never taken for the story
    mine = tmp_path / f".Killed.inkling.{os.getpid()}-x{PART_SUFFIX}"
    mine.mkdir()  # a write still running in a live process is left alone
    write_new_story(new_story(target, "Second try."))
    assert [s.text for _c, s in load_story(target)[0].binder.scenes()] == ["Second try."]
    assert leftovers(tmp_path) == [mine.name]
