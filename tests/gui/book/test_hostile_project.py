"""A project from someone else, opened in the window: ids that lead outside it, a scene file
that is a link out of it, ids that differ only in capital letters, a scene that is a pipe.
The writer is told what was found, the scenes that could not be read are marked read-only
and say why, editing, saving, autosaving, trashing and exporting never touch a file outside
the project (the canary folder beside it), and the window keeps running."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem

from backend.story.project_read import load_story
from gui.window.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier

BINDER = """format = 2
[[chapters]]
id = "c1"
title = "Chapter 1"
[[chapters.scenes]]
id = "s1"
title = "Opening"
[[chapters.scenes]]
id = "../../notes/ideas"
title = "Ideas"
[[chapters.scenes]]
id = "s3"
title = "Linked"
[[chapters.scenes]]
id = "s4"
title = "Closing"
[[trash]]
id = "../../notes/notes"
title = "Old notes"
"""


def hostile_project(tmp_path: Path, canary) -> Path:
    """Story.inkling beside the canary: one id climbs out to notes/ideas, one scene file is
    a link to notes/id_rsa, and a trashed scene's id climbs out to notes/notes."""
    folder = tmp_path / "Story.inkling"
    (folder / "scenes").mkdir(parents=True)
    (folder / "story.toml").write_text('format = 2\ntitle = "Story"\n', encoding="utf-8")
    (folder / "binder.toml").write_text(BINDER, encoding="utf-8")
    (folder / "scenes" / "s1.md").write_text("The harbour was quiet.", encoding="utf-8")
    (folder / "scenes" / "s4.md").write_text("The end came softly.", encoding="utf-8")
    os.symlink(canary.path / "id_rsa", folder / "scenes" / "s3.md")
    return folder


def scene_item(window: MainWindow, title: str) -> QTreeWidgetItem:
    tree = window.book.binder.tree
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        for j in range(top.childCount()):
            if top.child(j).text(0).startswith(title):
                return top.child(j)
    raise LookupError(title)


def click(qtbot, window: MainWindow, item: QTreeWidgetItem) -> None:
    tree = window.book.binder.tree
    tree.scrollToItem(item)
    qtbot.mouseClick(
        tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center()
    )


def all_texts(window: MainWindow) -> str:
    story = window.documents.story
    shown = [t for _id, t in window.documents.project.texts()]
    trashed = [s.text for s in story.binder.trash]
    return "\n".join([*shown, *trashed, window.editor.toPlainText()])


def test_a_project_reaching_outside_opens_with_notes_and_saves_only_inside(
    qtbot, make_window, tmp_path: Path, canary
) -> None:
    folder = hostile_project(tmp_path, canary)
    out = tmp_path / "book.txt"
    window = make_window(export_path=[str(out)])
    prompts = window.documents.prompts
    assert window.documents.open(str(folder))
    # What was found is said once, in plain words, naming the scenes.
    title, notes = prompts.errors[-1]
    assert title == "Opened with problems"
    assert "“Ideas”" in notes and "“Linked”" in notes and "“Old notes”" in notes
    assert not any(secret in all_texts(window) for secret in canary.texts())
    # The binder marks the scenes that could not be read, with the reason on hover.
    ideas, linked = scene_item(window, "Ideas"), scene_item(window, "Linked")
    for item in (ideas, linked):
        assert item.text(0).endswith("(read-only)") and not item.icon(0).isNull()
        assert item.toolTip(0).startswith("Read-only: ")
    assert "leads outside" in linked.toolTip(0)
    assert not scene_item(window, "Opening").text(0).endswith("(read-only)")
    # Opening one: the editor is read-only and the status bar says why, for as long as it
    # is shown; typing into it is not silently ignored.
    click(qtbot, window, ideas)
    editor = window.editor
    assert editor.isReadOnly() and editor.locked_reason
    assert window.book.locked_label.isVisible()
    assert window.book.locked_label.text().startswith("Read-only: ")
    editor.setFocus()
    qtbot.keyClicks(editor, "new words")
    assert editor.toPlainText() == ""
    assert "read-only" in window.statusBar().currentMessage()
    window.menu_actions.continue_.trigger()
    assert editor.toPlainText() == "" and not editor.inserting
    assert "read-only" in window.statusBar().currentMessage()
    # Neither it nor the trashed one can be moved to or from the trash.
    window.book.binder.delete_current()
    assert "could not be read" in window.statusBar().currentMessage()
    assert scene_item(window, "Ideas") is not None
    # The first scene is the writer's: edit, save, autosave.
    click(qtbot, window, scene_item(window, "Opening"))
    assert not editor.isReadOnly() and not window.book.locked_label.isVisible()
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, " Gulls cried.")
    qtbot.keyClick(editor, Qt.Key.Key_S, CTRL)
    assert (folder / "scenes" / "s1.md").read_text(encoding="utf-8") == (
        "The harbour was quiet. Gulls cried."
    )
    canary.check()
    qtbot.keyClicks(editor, " Then rain.")
    window.documents.autosave()
    window.documents.flush()
    canary.check()
    window.documents.mark_changed()  # an autosave with only the metadata changed
    window.documents.autosave()
    window.documents.flush()
    canary.check()
    assert (folder / "scenes" / "s3.md").is_symlink()  # left as it is, never followed
    assert "Then rain." in (folder / "scenes" / "s1.md").read_text(encoding="utf-8")
    # The export holds the writer's scenes and nothing from outside.
    window.documents.transfer.export_book()
    window.documents.transfer.export_dialog.kind.setCurrentIndex(3)  # plain text
    window.documents.transfer.export_dialog.accept()
    qtbot.waitUntil(out.exists, timeout=20000)
    exported = out.read_text(encoding="utf-8")
    assert "Gulls cried." in exported and "The end came softly." in exported
    assert not any(secret in exported for secret in canary.texts())
    # Reopened, the scenes are as they were and nothing outside was touched.
    reopened, _notes = load_story(folder)
    assert [s.title for _c, s in reopened.binder.scenes()] == [
        "Opening",
        "Ideas",
        "Linked",
        "Closing",
    ]
    canary.check()


def test_scenes_trash_restore_and_merge_refuse_a_scene_that_could_not_be_read(
    qtbot, make_window, tmp_path: Path, canary
) -> None:
    folder = hostile_project(tmp_path, canary)
    window = make_window()
    assert window.documents.open(str(folder))
    binder = window.book.binder
    # Merging the scene before a read-only one would put its text nowhere.
    click(qtbot, window, scene_item(window, "Opening"))
    binder.merge_current()
    assert "could not be read" in window.statusBar().currentMessage()
    assert [s.title for _c, s in window.documents.story.binder.scenes()][:2] == ["Opening", "Ideas"]
    # The trashed scene that could not be read stays in the trash.
    trash = binder.tree.topLevelItem(binder.tree.topLevelItemCount() - 1)
    binder.tree.setCurrentItem(trash.child(0))
    binder.restore_current()
    assert len(window.documents.story.binder.trash) == 1
    # Replace All in the book leaves the read-only scenes alone and works on the rest.
    find = window.book.find
    find.open(True)
    find.scope.setCurrentIndex(1)
    find.query.setText("e")
    find.replacement.setText("E")
    assert find.replace_all() > 0
    project = window.documents.project
    texts = {s.title: project.text_of(s.id) for _c, s in project.binder.scenes()}
    assert texts == {
        "Opening": "ThE harbour was quiEt.",
        "Ideas": "",
        "Linked": "",
        "Closing": "ThE End camE softly.",
    }
    qtbot.keyClick(window.editor, Qt.Key.Key_S, CTRL)
    assert window.documents.prompts.errors[-1][0] == "Opened with problems"
    canary.check()


def test_ids_differing_only_in_capitals_keep_both_scenes(
    qtbot, make_window, tmp_path: Path, canary
) -> None:
    folder = tmp_path / "Story.inkling"
    (folder / "scenes").mkdir(parents=True)
    (folder / "story.toml").write_text('format = 2\ntitle = "Story"\n', encoding="utf-8")
    (folder / "binder.toml").write_text(
        'format = 2\n[[chapters]]\nid = "c1"\ntitle = "One"\n'
        '[[chapters.scenes]]\nid = "Harbour"\ntitle = "Upper"\n'
        '[[chapters.scenes]]\nid = "harbour"\ntitle = "Lower"\n',
        encoding="utf-8",
    )
    (folder / "scenes" / "Harbour.md").write_text("Upper text.", encoding="utf-8")
    (folder / "scenes" / "harbour.md").write_text("Lower text.", encoding="utf-8")
    window = make_window()
    assert window.documents.open(str(folder))
    _title, notes = window.documents.prompts.errors[-1]
    assert "capital letters" in notes
    assert [t for _id, t in window.documents.project.texts()] == ["Upper text.", "Lower text."]
    click(qtbot, window, scene_item(window, "Lower"))
    assert not window.editor.isReadOnly()
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(window.editor, " More.")
    qtbot.keyClick(window.editor, Qt.Key.Key_S, CTRL)
    story, notes = load_story(folder)
    assert notes == []
    assert [s.text for _c, s in story.binder.scenes()] == ["Upper text.", "Lower text. More."]
    ids = [s.id.casefold() for _c, s in story.binder.scenes()]
    assert len(set(ids)) == 2
    canary.check()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_scene_that_is_a_pipe_is_read_only_and_left_alone(
    qtbot, make_window, tmp_path: Path, canary
) -> None:
    folder = tmp_path / "Story.inkling"
    (folder / "scenes").mkdir(parents=True)
    (folder / "story.toml").write_text('format = 2\ntitle = "Story"\n', encoding="utf-8")
    (folder / "binder.toml").write_text(
        'format = 2\n[[chapters]]\nid = "c1"\ntitle = "One"\n'
        '[[chapters.scenes]]\nid = "pipe"\ntitle = "Pipe"\n'
        '[[chapters.scenes]]\nid = "s2"\ntitle = "Fine"\n',
        encoding="utf-8",
    )
    os.mkfifo(folder / "scenes" / "pipe.md")
    (folder / "scenes" / "s2.md").write_text("Plain words.", encoding="utf-8")
    window = make_window()
    assert window.documents.open(str(folder))
    assert "“Pipe”" in window.documents.prompts.errors[-1][1]
    assert window.editor.isReadOnly() and "not an ordinary file" in window.editor.locked_reason
    assert window.book.locked_label.isVisible()
    window.documents.project.split_at_cursor()
    assert len(list(window.documents.story.binder.scenes())) == 2
    click(qtbot, window, scene_item(window, "Fine"))
    qtbot.keyClicks(window.editor, "More. ")
    qtbot.keyClick(window.editor, Qt.Key.Key_S, CTRL)
    assert (folder / "scenes" / "pipe.md").is_fifo()
    assert (folder / "scenes" / "s2.md").read_text(encoding="utf-8") == "More. Plain words."
    canary.check()
