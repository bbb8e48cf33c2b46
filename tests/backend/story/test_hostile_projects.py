"""Hostile and damaged story projects: nothing outside the project is read, written, renamed
or deleted, and the writer gets a note instead of a traceback.

Every case builds its project at tmp_path/Story.inkling beside the `canary` folder
(tmp_path/notes), so an id such as ``../../notes/ideas`` reaches the canary.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from backend.formats.book import book_from_story
from backend.storage.atomic import SaveError
from backend.storage.documents import DocumentError
from backend.story.binder import Scene
from backend.story.project import Story
from backend.story.project_read import FORMAT1_BACKUP, MAX_BINDER_BYTES, load_story
from backend.story.project_save import plan_save, run_save, save_story

ROOT = Path(__file__).resolve().parents[3]


def project(
    tmp_path: Path,
    scenes: list[dict[str, Any]],
    *,
    trash: list[dict[str, Any]] | None = None,
    files: dict[str, str] | None = None,
) -> Path:
    """A format 2 project with one chapter holding `scenes`, and the given scene files."""
    folder = tmp_path / "Story.inkling"
    (folder / "scenes").mkdir(parents=True)
    (folder / "trash").mkdir()
    (folder / "story.toml").write_text('format = 2\ntitle = "Story"\n')
    binder = {
        "format": 2,
        "chapters": [{"id": "ch1", "title": "One", "scenes": scenes}],
        "trash": trash or [],
    }
    (folder / "binder.toml").write_text(tomli_w.dumps(binder))
    for name, text in (files or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def texts(story: Story) -> list[str]:
    return [s.text for _c, s in story.binder.scenes()]


def everything_written(folder: Path) -> str:
    """Every file's text in the project, to prove no canary text was copied in."""
    return "\n".join(
        p.read_text(errors="replace")
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink()
    )


def assert_no_leak(canary: Any, story: Story, folder: Path) -> None:
    book = book_from_story(story)
    exported = "\n".join(
        paragraph for chapter in book.chapters for scene in chapter.scenes for paragraph in scene
    )
    for secret in canary.texts():
        assert secret not in exported
        assert all(secret not in t for t in texts(story))
        assert secret not in everything_written(folder)


def autosave(story: Story) -> None:
    """What the window does every few seconds, with nothing edited."""
    run_save(plan_save(story, set()))


# --- traversal and odd ids ------------------------------------------------------------
def test_a_traversal_id_neither_reads_nor_deletes_a_file_outside(tmp_path: Path, canary) -> None:
    folder = project(
        tmp_path,
        [
            {"id": "intro", "title": "Intro"},
            {"id": "../../notes/ideas", "title": "Ideas"},
        ],
        files={"scenes/intro.md": "It began."},
    )
    story, notes = load_story(folder)
    ideas = story.binder.chapters[0].scenes[1]
    assert ideas.text == "" and ideas.problem
    assert ideas.id != "../../notes/ideas"
    assert notes == [
        "Scene “Ideas” names its file “../../notes/ideas”, which is not a scene file inside "
        "the story (it leads outside the “scenes” folder). It was not read; the scene is "
        "shown empty and read-only."
    ]
    assert_no_leak(canary, story, folder)
    autosave(story)
    save_story(story)
    canary.check()
    again, notes = load_story(folder)
    assert texts(again) == ["It began.", ""]
    assert notes == ["Scene “Ideas” has no file (" + f"{ideas.id}.md); it is empty."]
    save_story(again)
    canary.check()


@pytest.mark.parametrize("where", ["live", "trash"])
def test_absolute_ids_are_never_followed(tmp_path: Path, canary, where: str) -> None:
    absolute = str(canary.path / "ideas")
    entry = {"id": absolute, "title": "Abs"}
    scenes = [{"id": "a", "title": "A"}] + ([entry] if where == "live" else [])
    folder = project(
        tmp_path, scenes, trash=[entry] if where == "trash" else [], files={"scenes/a.md": "A."}
    )
    story, notes = load_story(folder)
    assert len(notes) == 1 and "names its file “/" in notes[0]
    assert "a path from the top of the disk" in notes[0]
    if where == "trash":
        assert "in the trash" in notes[0]
    assert_no_leak(canary, story, folder)
    autosave(story)
    save_story(story)
    canary.check()


def test_trash_ids_that_lead_outside_delete_nothing(tmp_path: Path, canary) -> None:
    folder = project(
        tmp_path,
        [{"id": "a", "title": "A"}],
        trash=[{"id": "../../notes/notes", "title": "Old"}, {"id": "../../notes/ideas"}],
        files={"scenes/a.md": "A."},
    )
    story, notes = load_story(folder)
    assert len(notes) == 2 and all("in the trash names its file" in n for n in notes)
    save_story(story)
    autosave(story)
    canary.check()
    assert_no_leak(canary, story, folder)


def test_a_trash_entry_with_a_live_scenes_id_wipes_nothing(tmp_path: Path, canary) -> None:
    folder = project(
        tmp_path,
        [{"id": "abc", "title": "Live"}],
        trash=[{"id": "abc", "title": "Binned"}],
        files={
            "scenes/abc.md": "The live text.",
            "scenes/abc.md.bak": "An older live text.",
            "trash/abc.md": "The binned text.",
        },
    )
    story, notes = load_story(folder)
    assert notes == [
        "Scene “Binned” in the trash had the same id as a scene in the book (abc); it was "
        "given its own, so neither is lost. Its text is kept."
    ]
    assert texts(story) == ["The live text."]
    binned = story.binder.trash[0]
    assert binned.id != "abc" and binned.text == "The binned text."
    autosave(story)
    save_story(story)
    assert (folder / "scenes/abc.md").read_text() == "The live text."
    assert (folder / "scenes/abc.md.bak").exists()
    assert (folder / "trash" / f"{binned.id}.md").read_text() == "The binned text."
    again, notes = load_story(folder)
    assert notes == []
    assert texts(again) == ["The live text."]
    assert [s.text for s in again.binder.trash] == ["The binned text."]


def test_an_id_climbing_through_an_empty_folder_creates_nothing_outside(
    tmp_path: Path, canary
) -> None:
    folder = project(
        tmp_path,
        [
            {"id": "d/../../../../../x", "title": "Far"},
            {"id": "d/../../../notes/planted", "title": "Near"},
        ],
    )
    (folder / "scenes" / "d").mkdir()
    far = (folder / "scenes" / "d").joinpath(*[".."] * 5, "x.md").resolve()
    story, notes = load_story(folder)
    assert len(notes) == 2 and all("leads outside the “scenes” folder" in n for n in notes)
    for scene in story.binder.chapters[0].scenes:
        scene.text = "Typed after opening."
    save_story(story)
    autosave(story)
    assert not far.exists()
    canary.check()  # no notes/planted.md either


def test_an_id_with_a_slash_no_longer_stops_every_save(tmp_path: Path, canary) -> None:
    folder = project(
        tmp_path,
        [{"id": "a/b", "title": "Nested"}, {"id": "plain", "title": "Plain"}],
        files={"scenes/a/b.md": "Nested text.", "scenes/plain.md": "Plain text."},
    )
    story, notes = load_story(folder)
    assert notes == [
        "Scene “Nested” had an id Inkling does not use (“a/b”); it was given a new one. "
        "Its text is kept."
    ]
    nested = story.binder.chapters[0].scenes[0]
    assert nested.text == "Nested text." and not nested.problem
    nested.text = "Nested text, edited."
    save_story(story, {nested.id})
    assert (folder / "scenes" / f"{nested.id}.md").read_text() == "Nested text, edited."
    assert not (folder / "scenes/a/b.md").exists()  # moved to its new name
    again, notes = load_story(folder)
    assert notes == [] and texts(again) == ["Nested text, edited.", "Plain text."]
    # Save As to a new folder, the way the window does it: the same story, a new folder.
    moved = tmp_path / "Elsewhere.inkling"
    again.folder = moved
    save_story(again, {s.id for _c, s in again.binder.scenes()})
    copy, notes = load_story(moved)
    assert notes == [] and texts(copy) == ["Nested text, edited.", "Plain text."]
    canary.check()


def test_save_as_of_a_freshly_loaded_slash_id_keeps_the_old_folder(tmp_path: Path, canary) -> None:
    folder = project(tmp_path, [{"id": "a/b", "title": "Nested"}], files={"scenes/a/b.md": "N."})
    story, _ = load_story(folder)
    story.folder = tmp_path / "Copy.inkling"
    save_story(story, {s.id for _c, s in story.binder.scenes()})
    assert (folder / "scenes/a/b.md").read_text() == "N."  # the old project is not touched
    assert texts(load_story(tmp_path / "Copy.inkling")[0]) == ["N."]
    canary.check()


@pytest.mark.parametrize(
    ("raw", "note"),
    [
        ("abc\x00def", "Scene “Odd” names its file “abc\\x00def”, which is not a scene file "
         "inside the story (it holds a NUL character). It was not read; the scene is shown "
         "empty and read-only."),
        ("x" * 5000, "Scene “Odd” names its file “" + "x" * 60 + "…”, which is not a scene "
         "file inside the story (the name is too long). It was not read; the scene is shown "
         "empty and read-only."),
        ("y" * 10_000, "Scene “Odd” names its file “" + "y" * 60 + "…”, which is not a scene "
         "file inside the story (the name is too long). It was not read; the scene is shown "
         "empty and read-only."),
        ("z" * 250 + "/ab", "Scene “Odd” names its file “" + "z" * 60 + "…”, which is not a "
         "scene file inside the story (the name is too long). It was not read; the scene is "
         "shown empty and read-only."),
    ],
)  # fmt: skip
def test_nul_bytes_and_very_long_ids(tmp_path: Path, canary, raw: str, note: str) -> None:
    folder = project(
        tmp_path,
        [{"id": raw, "title": "Odd"}, {"id": "ok", "title": "Ok"}],
        files={"scenes/ok.md": "Ok."},
    )
    story, notes = load_story(folder)
    assert notes == [note]
    save_story(story)
    again, _ = load_story(folder)
    assert texts(again) == ["", "Ok."]
    canary.check()


def test_an_empty_id_is_a_missing_one(tmp_path: Path, canary) -> None:
    folder = project(tmp_path, [{"id": "", "title": "Odd"}])
    story, notes = load_story(folder)
    fresh = story.binder.chapters[0].scenes[0].id
    assert notes == [f"Scene “Odd” has no file ({fresh}.md); it is empty."]
    canary.check()


@pytest.mark.parametrize("first", ["Abc", "abc"])
def test_ids_differing_only_in_case_are_kept_apart(tmp_path: Path, canary, first: str) -> None:
    second = first.swapcase()
    folder = project(
        tmp_path,
        [{"id": first, "title": "One"}, {"id": second, "title": "Two"}],
        files={f"scenes/{first}.md": "First text."},
    )
    if not (folder / "scenes" / f"{second}.md").exists():  # a case-sensitive file system
        (folder / "scenes" / f"{second}.md").write_text("Second text.")
    story, notes = load_story(folder)
    assert notes == [
        f"Scene “Two” had an id ({second}) that differs from another scene's only in capital "
        "letters, which macOS and Windows see as the same file; it was given its own. Its "
        "text is kept."
    ]
    one, two = story.binder.chapters[0].scenes
    assert one.id == first and two.id != second
    expected = [one.text, two.text]
    for _ in range(3):  # no scene is duplicated or lost however often it is opened and saved
        save_story(story)
        story, notes = load_story(folder)
        assert notes == [] and texts(story) == expected
    assert sorted(p.name for p in (folder / "scenes").glob("*.md")) == sorted(
        [f"{first}.md", f"{two.id}.md"]
    )
    canary.check()


def test_exact_duplicate_ids_become_two_files(tmp_path: Path, canary) -> None:
    folder = project(
        tmp_path,
        [{"id": "same", "title": "One"}, {"id": "same", "title": "Two"}],
        files={"scenes/same.md": "Shared."},
    )
    story, notes = load_story(folder)
    assert notes == ["Two scenes shared the file same.md; “Two” is now a copy."]
    save_story(story)
    assert (folder / "scenes/same.md").read_text() == "Shared."
    again, notes = load_story(folder)
    assert notes == [] and texts(again) == ["Shared.", "Shared."]
    canary.check()


def test_chapter_ids_are_checked_too(tmp_path: Path, canary) -> None:
    folder = project(tmp_path, [{"id": "s1", "title": "S"}], files={"scenes/s1.md": "S."})
    data = {
        "chapters": [
            {"id": "../../notes/ideas", "title": "Bad", "scenes": [{"id": "s1"}]},
            {"id": "s1", "title": "Clash", "scenes": []},
            {"id": "ch", "title": "Fine", "scenes": []},
            {"id": "CH", "title": "Case", "scenes": []},
        ]
    }
    (folder / "binder.toml").write_text(tomli_w.dumps(data))
    story, notes = load_story(folder)
    assert notes == [
        "Chapter “Bad” had an id Inkling does not use (“../../notes/ideas”); it was given a "
        "new one."
    ]
    ids = [c.id for c in story.binder.chapters]
    assert len({i.casefold() for i in ids} | {"s1"}) == 5 and ids[2] == "ch"
    assert story.binder.item("s1") is story.binder.chapters[0].scenes[0]
    save_story(story)
    canary.check()


# --- links, pipes and devices ----------------------------------------------------------
def test_a_scenes_folder_linking_outside_is_never_read_or_written(tmp_path: Path, canary) -> None:
    folder = project(tmp_path, [{"id": "ideas", "title": "Ideas"}, {"id": "notes"}])
    (folder / "scenes").rmdir()
    (folder / "scenes").symlink_to(canary.path, target_is_directory=True)
    story, notes = load_story(folder)
    assert notes == [
        "The “scenes” folder of Story.inkling is a link leading outside the story; Inkling "
        "never reads or writes there. Its 2 scene(s) are shown empty and read-only, and "
        "nothing is saved there."
    ]
    assert all(s.problem for _c, s in story.binder.scenes())
    assert_no_leak(canary, story, folder)
    autosave(story)
    save_story(story)  # nothing there is written, and the story's own files still are
    canary.check()
    chapter = story.binder.chapters[0]
    story.binder.add_scene(chapter.id, text="A new scene.")
    with pytest.raises(SaveError) as refused:
        save_story(story)
    assert str(refused.value).endswith(
        ": the “scenes” folder of Story.inkling leads outside the story (it is a link), and "
        "Inkling never writes there. Save the story to a new folder to keep this scene."
    )
    moved = tmp_path / "Safe.inkling"
    story.folder = moved
    save_story(story)
    assert "A new scene." in texts(load_story(moved)[0])
    canary.check()


def test_a_trash_folder_linking_outside_deletes_nothing(tmp_path: Path, canary) -> None:
    folder = project(
        tmp_path,
        [{"id": "notes", "title": "Notes"}, {"id": "ideas", "title": "Ideas"}],
        trash=[{"id": "binned"}],
        files={"scenes/notes.md": "Mine.", "scenes/ideas.md": "Also mine."},
    )
    (folder / "trash").rmdir()
    (folder / "trash").symlink_to(canary.path, target_is_directory=True)
    story, notes = load_story(folder)
    assert notes == [
        "The “trash” folder of Story.inkling is a link leading outside the story; Inkling "
        "never reads or writes there. Its 1 scene(s) are shown empty and read-only, and "
        "nothing is saved there."
    ]
    assert texts(story) == ["Mine.", "Also mine."]
    autosave(story)
    save_story(story)
    canary.check()
    story.binder.delete(story.binder.chapters[0].scenes[0].id)
    with pytest.raises(
        SaveError, match=re.escape("the “trash” folder of Story.inkling leads outside")
    ):
        save_story(story)
    canary.check()


@pytest.mark.parametrize("target", ["id_rsa", "ideas.md"])
def test_a_scene_file_linking_outside_is_not_read_written_or_deleted(
    tmp_path: Path, canary, target: str
) -> None:
    folder = project(tmp_path, [{"id": "key", "title": "Key"}, {"id": "gone", "title": "Gone"}])
    (folder / "scenes/key.md").symlink_to(canary.path / target)
    (folder / "scenes/gone.md").symlink_to(canary.path / target)
    (folder / "trash/key.md").symlink_to(canary.path / "notes.md")
    story, notes = load_story(folder)
    assert notes == [
        "Scene “Key” could not be read: “key.md” leads outside Story.inkling; Inkling never "
        "reads or writes there. It was left as it is.",
        "Scene “Gone” could not be read: “gone.md” leads outside Story.inkling; Inkling "
        "never reads or writes there. It was left as it is.",
    ]
    assert_no_leak(canary, story, folder)
    story.binder.delete(story.binder.chapters[0].scenes[1].id)
    autosave(story)
    save_story(story)
    assert (folder / "scenes/key.md").is_symlink() and (folder / "trash/key.md").is_symlink()
    assert (folder / "scenes/gone.md").is_symlink()
    canary.check()


def test_an_orphan_file_linking_outside_is_not_recovered(tmp_path: Path, canary) -> None:
    folder = project(tmp_path, [{"id": "a", "title": "A"}], files={"scenes/a.md": "A."})
    (folder / "scenes/stolen.md").symlink_to(canary.path / "ideas.md")
    (folder / "scenes/odd name.md").symlink_to(canary.path / "notes.md")
    story, notes = load_story(folder)
    assert notes == [
        "The file scenes/odd name.md is not in the chapter list and could not be read: "
        "“odd name.md” leads outside Story.inkling; Inkling never reads or writes there. It "
        "was left as it is.",
        "Scene “stolen” could not be read: “stolen.md” leads outside Story.inkling; Inkling "
        "never reads or writes there. It was left as it is.",
        "1 scene file(s) not in the chapter list were put in “Recovered scenes”.",
    ]
    assert_no_leak(canary, story, folder)
    save_story(story)
    assert (folder / "scenes/stolen.md").is_symlink()
    canary.check()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_as_a_scene_is_refused_at_once(tmp_path: Path, canary) -> None:
    folder = project(tmp_path, [{"id": "pipe", "title": "Pipe"}])
    os.mkfifo(folder / "scenes/pipe.md")
    os.mkfifo(folder / "scenes/orphan.md")
    story, notes = load_story(folder)
    assert notes[0] == (
        "Scene “Pipe” could not be read: pipe.md is not an ordinary file (it is a device, a "
        "pipe or a socket); it was not read. It was left as it is."
    )
    save_story(story)
    assert (folder / "scenes/pipe.md").exists()
    canary.check()


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_link_to_dev_zero_as_a_scene_or_binder(tmp_path: Path, canary) -> None:
    folder = project(tmp_path, [{"id": "zero", "title": "Zero"}])
    (folder / "scenes/zero.md").symlink_to("/dev/zero")
    story, notes = load_story(folder)
    assert notes == [
        "Scene “Zero” could not be read: “zero.md” leads outside Story.inkling; Inkling never "
        "reads or writes there. It was left as it is."
    ]
    save_story(story)  # binder.toml.bak now holds the chapter list
    (folder / "binder.toml").unlink()
    (folder / "binder.toml").symlink_to("/dev/zero")
    story, notes = load_story(folder)
    assert notes[:2] == [
        "“binder.toml” leads outside Story.inkling; Inkling never reads or writes there.",
        "The chapter list was restored from its backup copy.",
    ]
    assert [s.title for _c, s in story.binder.scenes()] == ["Zero"]
    save_story(story)  # the link is replaced by a binder of our own, /dev/zero untouched
    assert not (folder / "binder.toml").is_symlink()
    assert load_story(folder)[0].binder.chapters[0].scenes[0].title == "Zero"
    canary.check()


def test_binder_and_story_toml_linking_outside(tmp_path: Path, canary) -> None:
    folder = project(tmp_path, [{"id": "a", "title": "A"}], files={"scenes/a.md": "A."})
    (canary.path / "binder.toml").write_text("")  # a plausible target, recorded below
    for name in ("binder.toml", "story.toml"):
        (folder / name).unlink()
        (folder / name).symlink_to(canary.path / "notes.md")
    story, notes = load_story(folder)
    assert notes == [
        "story.toml could not be read: “story.toml” leads outside Story.inkling; Inkling "
        "never reads or writes there. The title, bible and style are left empty; saving "
        "writes a new story.toml.",
        "“binder.toml” leads outside Story.inkling; Inkling never reads or writes there.",
        "The chapter list was lost; the scenes were recovered from their files.",
        "1 scene file(s) not in the chapter list were put in “Recovered scenes”.",
    ]
    save_story(story)
    assert (canary.path / "notes.md").read_bytes() == canary.FILES["notes.md"]
    assert not (folder / "story.toml.bak").exists()  # the outside file was not copied in
    assert texts(load_story(folder)[0]) == ["A."]
    (canary.path / "binder.toml").unlink()
    canary.check()


def test_a_format1_manuscript_linking_outside_is_not_copied_in(tmp_path: Path, canary) -> None:
    folder = tmp_path / "Old.inkling"
    folder.mkdir()
    (folder / "story.toml").write_text('format = 1\ntitle = "Old"\n')
    (folder / "manuscript.md").symlink_to(canary.path / "id_rsa")
    story, notes = load_story(folder)
    assert notes == [
        "The manuscript of this older story could not be read: “manuscript.md” leads outside "
        "Old.inkling; Inkling never reads or writes there. Nothing was changed on disk; the "
        "scene is shown empty and read-only."
    ]
    assert sorted(p.name for p in folder.iterdir()) == ["manuscript.md", "story.toml"]
    assert_no_leak(canary, story, folder)
    save_story(story)
    assert (folder / "manuscript.md").is_symlink()
    assert not (folder / FORMAT1_BACKUP).exists()
    assert_no_leak(canary, load_story(folder)[0], folder)
    canary.check()


# --- damaged TOML ---------------------------------------------------------------------
def saved_twice(tmp_path: Path) -> Path:
    """A healthy project saved twice, so binder.toml.bak and story.toml.bak exist."""
    folder = project(
        tmp_path, [{"id": "a", "title": "A"}, {"id": "b", "title": "B"}],
        files={"scenes/a.md": "A.", "scenes/b.md": "B."},
    )  # fmt: skip
    story, _ = load_story(folder)
    save_story(story)
    save_story(story)
    return folder


def test_a_40_mb_binder_is_refused_and_the_backup_used(tmp_path: Path, canary) -> None:
    folder = saved_twice(tmp_path)
    with (folder / "binder.toml").open("wb") as f:
        f.write(b"# " + b"x" * (40 * 1024 * 1024) + b"\n")
    story, notes = load_story(folder)
    assert notes == [
        f"binder.toml is larger than {MAX_BINDER_BYTES // 2**20} MB, the most Inkling reads "
        "for this kind of file; it was not read.",
        "The chapter list was restored from its backup copy.",
    ]
    assert texts(story) == ["A.", "B."]
    canary.check()


def test_a_40_mb_story_toml_is_refused(tmp_path: Path, canary) -> None:
    folder = saved_twice(tmp_path)
    with (folder / "story.toml").open("wb") as f:
        f.write(b'title = "' + b"x" * (40 * 1024 * 1024) + b'"\n')
    story, notes = load_story(folder)
    assert notes == [
        "story.toml could not be read: story.toml is larger than 16 MB, the most Inkling "
        "reads for this kind of file; it was not read. The story's details were restored "
        "from its backup copy."
    ]
    assert story.title == "Story" and texts(story) == ["A.", "B."]
    canary.check()


@pytest.mark.parametrize(
    "body",
    [
        b"chapters = " + b"[" * 100_000,
        b"x = " + b"[" * 40 + b"]" * 40,
        b"[" + b".".join(b"k%d" % i for i in range(100)) + b"]\n",
        b"n = " + b"9" * 5000,
    ],
)
def test_deep_nesting_and_huge_numbers_in_binder(tmp_path: Path, canary, body: bytes) -> None:
    folder = saved_twice(tmp_path)
    (folder / "binder.toml").write_bytes(body)
    story, notes = load_story(folder)
    assert notes[-1] == "The chapter list was restored from its backup copy."
    assert len(notes) == 2 and notes[0].startswith("binder.toml ")
    assert "nests deeper than 32 levels" in notes[0] or "is damaged" in notes[0]
    assert texts(story) == ["A.", "B."]
    canary.check()


def test_deep_nesting_in_story_toml(tmp_path: Path, canary) -> None:
    folder = saved_twice(tmp_path)
    (folder / "story.toml").write_bytes(b"style = " + b"[" * 100_000)
    (folder / "story.toml.bak").write_bytes(b"[" + b".".join(b"k%d" % i for i in range(50)) + b"]")
    story, notes = load_story(folder)
    assert notes == [
        "story.toml could not be read: story.toml nests deeper than 32 levels; it was not "
        "read. The title, bible and style are left empty; saving writes a new story.toml."
    ]
    assert texts(story) == ["A.", "B."]
    canary.check()


def test_invalid_utf8_falls_back_to_the_backups(tmp_path: Path, canary) -> None:
    folder = saved_twice(tmp_path)
    (folder / "binder.toml").write_bytes(b'format = 2\ntitle = "\xff\xfe"\n')
    (folder / "story.toml").write_bytes(b'format = 2\ntitle = "caf\xe9"\n')
    story, notes = load_story(folder)
    assert notes == [
        "story.toml could not be read: story.toml is not UTF-8 text (first bad byte at "
        "offset 23). The story's details were restored from its backup copy.",
        "binder.toml is not UTF-8 text (first bad byte at offset 20).",
        "The chapter list was restored from its backup copy.",
    ]
    assert story.title == "Story" and texts(story) == ["A.", "B."]
    canary.check()


def test_a_bom_is_accepted(tmp_path: Path, canary) -> None:
    folder = saved_twice(tmp_path)
    for name in ("binder.toml", "story.toml"):
        (folder / name).write_bytes(b"\xef\xbb\xbf" + (folder / name).read_bytes())
    story, notes = load_story(folder)
    assert notes == [] and story.title == "Story"
    assert [c.title for c in story.binder.chapters] == ["One"] and texts(story) == ["A.", "B."]
    canary.check()


@pytest.mark.parametrize(
    ("line", "wrong"),
    [
        ('style = "dark"', "style"),
        ("characters = 5", "characters"),
        ("spelling_words = 7", "spelling_words"),
        ("background = [1, 2]", "background"),
        ("goals = 3", "goals"),
        ("context = []", "context"),
        ("title = [1]", "title"),
        ("memory = {a = 1}", "memory"),
    ],
)
def test_wrong_types_in_story_toml_are_a_note(
    tmp_path: Path, canary, line: str, wrong: str
) -> None:
    folder = saved_twice(tmp_path)
    (folder / "story.toml").write_text(f"format = 2\n{line}\n")
    story, notes = load_story(folder)
    assert notes == [
        "Some details in story.toml are not in a form Inkling understands and were left "
        f"empty: {wrong}."
    ]
    assert texts(story) == ["A.", "B."]
    save_story(story)
    assert load_story(folder)[1] == []
    canary.check()


@pytest.mark.parametrize(
    ("line", "note"),
    [
        ('format = "x"', "story.toml gives its format as “x”, which Inkling does not know; it "
         "was read as format 2."),
        ("format = true", "story.toml gives its format as “True”, which Inkling does not "
         "know; it was read as format 2."),
        ("format = -3", "story.toml gives its format as “-3”, which Inkling does not know; it "
         "was read as format 2."),
        ("format = 0", "story.toml gives format 0, but the story has a chapter list "
         "(binder.toml); it was read as it is."),
        ("format = 1\nstory = 5", "story.toml gives format 1, but the story has a chapter "
         "list (binder.toml); it was read as it is."),
    ],
)  # fmt: skip
def test_odd_format_numbers(tmp_path: Path, canary, line: str, note: str) -> None:
    folder = saved_twice(tmp_path)
    binder = (folder / "binder.toml").read_bytes()
    (folder / "story.toml").write_text(line + "\n")
    story, notes = load_story(folder)
    assert notes == [note]
    assert texts(story) == ["A.", "B."]
    assert (folder / "binder.toml").read_bytes() == binder  # nothing "migrated"
    canary.check()


@pytest.mark.parametrize(
    ("data", "note"),
    [
        ({"chapters": 5}, "binder.toml is damaged (its chapter list is not a list)."),
        ({"chapters": [], "trash": "x"}, "binder.toml is damaged (its trash is not a list)."),
    ],
)
def test_a_binder_of_the_wrong_shape_falls_back(tmp_path: Path, canary, data, note) -> None:
    folder = saved_twice(tmp_path)
    (folder / "binder.toml").write_text(tomli_w.dumps(data))
    story, notes = load_story(folder)
    assert notes == [note, "The chapter list was restored from its backup copy."]
    assert texts(story) == ["A.", "B."]
    canary.check()


def test_binder_entries_of_the_wrong_type_are_skipped(tmp_path: Path, canary) -> None:
    folder = saved_twice(tmp_path)
    (folder / "binder.toml").write_text(
        'trash = [3]\nchapters = [{ title = "One", scenes = "a" }, 7, '
        '{ title = "Two", scenes = [{ id = "b", title = 5, tags = 9 }, "c"] }]\n'
    )
    story, notes = load_story(folder)
    assert notes == [
        "binder.toml has 4 entries that are not chapters or scenes; they were skipped (scene "
        "files left out that way are in “Recovered scenes”).",
        "1 scene file(s) not in the chapter list were put in “Recovered scenes”.",
    ]
    assert [(c.title, [s.title for s in c.scenes]) for c in story.binder.chapters] == [
        ("One", []),
        ("Two", ["5"]),
        ("Recovered scenes", ["a"]),
    ]
    save_story(story)
    canary.check()


def test_a_missing_project_is_still_a_clear_error(tmp_path: Path, canary) -> None:
    with pytest.raises(DocumentError, match="not an Inkling story"):
        load_story(tmp_path / "nothing.inkling")
    with pytest.raises(DocumentError, match="not an Inkling story"):
        load_story(canary.path / "ideas.md")


# --- the headless commands over a hostile project --------------------------------------
def hostile(tmp_path: Path) -> Path:
    folder = project(
        tmp_path,
        [
            {"id": "fine", "title": "Fine"},
            {"id": "../../notes/ideas", "title": "Traversal"},
            {"id": "key", "title": "Key"},
        ],
        trash=[{"id": "fine", "title": "Twin"}, {"id": "../../notes/notes"}],
        files={"scenes/fine.md": "Fine text.", "trash/fine.md": "Twin text."},
    )
    (folder / "scenes/key.md").symlink_to(canary_file(tmp_path, "id_rsa"))
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "scenes/pipe.md")
    return folder


def canary_file(tmp_path: Path, name: str) -> Path:
    return tmp_path / "notes" / name


def run_main(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_stats_and_export_over_a_hostile_project(tmp_path: Path, canary) -> None:
    folder = hostile(tmp_path)
    stats = run_main("stats", str(folder))
    assert stats.returncode == 0, stats.stderr
    assert "Traceback" not in stats.stderr
    lines = stats.stderr.splitlines()
    assert (
        "inkling: Scene “Traversal” names its file “../../notes/ideas”, which is not a scene "
        "file inside the story (it leads outside the “scenes” folder). It was not read; the "
        "scene is shown empty and read-only." in lines
    )
    assert (
        "inkling: Scene “Key” could not be read: “key.md” leads outside Story.inkling; "
        "Inkling never reads or writes there. It was left as it is." in lines
    )
    out = tmp_path / "book.md"
    export = run_main("export", str(folder), "--to", str(out))
    assert export.returncode == 0, export.stderr
    written = out.read_text()
    assert "Fine text." in written
    for secret in canary.texts():
        assert secret not in written and secret not in stats.stdout
    canary.check()


def test_an_interrupted_save_never_leaves_outside_files(tmp_path: Path, canary) -> None:
    folder = hostile(tmp_path)
    story, _notes = load_story(folder)
    story.binder.trash.append(Scene(id="../../notes/ideas", text="planted"))  # not via load
    save_story(story)  # given a safe id of its own, written inside
    assert any(
        p.read_text() == "planted" for p in (folder / "trash").glob("*.md") if not p.is_symlink()
    )
    canary.check()
