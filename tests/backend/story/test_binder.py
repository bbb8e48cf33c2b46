"""Binder operations: add, rename, move, delete to the trash, split, merge, undo, redo."""

from __future__ import annotations

import pytest

from backend.story.binder import Binder, BinderError, Chapter, Scene


def book() -> Binder:
    binder = Binder()
    for c in range(3):
        chapter = Chapter(title=f"C{c + 1}")
        for s in range(2):
            chapter.scenes.append(Scene(title=f"C{c + 1}S{s + 1}", text=f"text {c + 1}.{s + 1}"))
        binder.chapters.append(chapter)
    return binder


def titles(binder: Binder) -> list[str]:
    return [s.title for _c, s in binder.scenes()]


def test_move_shift_and_undo_redo() -> None:
    binder = book()
    first = binder.chapters[0].scenes[0]
    binder.move_scene(first.id, binder.chapters[0].id, 2)
    assert titles(binder)[:2] == ["C1S2", "C1S1"]
    assert binder.shift(first.id, 1)  # crosses into chapter 2, at its start
    assert [s.title for s in binder.chapters[1].scenes] == ["C1S1", "C2S1", "C2S2"]
    binder.move_chapter(binder.chapters[2].id, 0)
    assert [c.title for c in binder.chapters] == ["C3", "C1", "C2"]
    assert binder.undo() == "Move chapter"
    assert binder.undo() == "Move scene"
    assert binder.undo() == "Move scene"
    assert titles(binder) == ["C1S1", "C1S2", "C2S1", "C2S2", "C3S1", "C3S2"]
    assert binder.redo() == "Move scene"
    assert titles(binder)[:2] == ["C1S2", "C1S1"]
    assert not binder.shift(binder.chapters[0].id, -1)


def test_delete_goes_to_trash_and_restores() -> None:
    binder = book()
    scene = binder.chapters[1].scenes[0]
    binder.delete(scene.id)
    assert scene.id not in {s.id for _c, s in binder.scenes()}
    assert binder.trash == [scene]
    binder.delete(binder.chapters[0].id)
    assert len(binder.trash) == 3 and len(binder.chapters) == 2
    binder.restore(scene.id, binder.chapters[0].id)
    assert binder.chapters[0].scenes[-1] is scene
    binder.undo()
    binder.undo()
    assert [c.title for c in binder.chapters] == ["C1", "C2", "C3"] and len(binder.trash) == 1
    binder.undo()
    assert titles(binder) == ["C1S1", "C1S2", "C2S1", "C2S2", "C3S1", "C3S2"] and not binder.trash


def test_split_and_merge() -> None:
    binder = book()
    scene = binder.chapters[0].scenes[0]
    new = binder.split_scene(scene.id, 4, "Half\n\nand half")
    assert scene.text == "Half" and new.text == "and half"
    assert binder.chapters[0].scenes[1] is new
    with pytest.raises(BinderError):
        binder.split_scene(scene.id, 0)
    merged = binder.merge_with_next(scene.id)
    assert merged.text == "Half\n\nand half"
    assert new in binder.trash
    with pytest.raises(BinderError):
        binder.merge_with_next(binder.chapters[0].scenes[-1].id)
    binder.undo()
    assert binder.chapters[0].scenes[1].text == "and half"


def test_add_and_rename() -> None:
    binder = book()
    chapter = binder.add_chapter(after=binder.chapters[0].id)
    assert binder.chapters[1] is chapter and len(chapter.scenes) == 1
    scene = binder.add_scene(chapter.id, text="new")
    binder.rename(scene.id, "  Dawn ")
    assert binder.scene(scene.id).title == "Dawn"
    with pytest.raises(BinderError):
        binder.rename(scene.id, " ")
