"""Book and binder actions on a plain text (the Untitled document a new writer starts with):
they never blank or lock the text, New Chapter and New Scene offer to make a story project,
the structural ones are disabled until a project is open, and a save always writes the
text the writer sees."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QTextDocument

from backend.story.project import new_story
from backend.story.project_read import load_story
from backend.story.project_save import save_story
from gui.window.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
TEXT = "The bell rang twice and nobody came to the door that night, so Wren waited alone."
STRUCTURAL = ("Split Scene at Cursor", "Merge with Next Scene", "Undo Binder Change")


def menu_action(window: MainWindow, menu: str, label: str) -> QAction:
    """The QAction the writer clicks: `label` under `menu` in the menu bar."""
    for top in window.menuBar().actions():
        if top.text().replace("&", "") == menu:
            for act in top.menu().actions():
                if act.text().replace("&", "").split("\t")[0] == label:
                    return act
    raise LookupError(f"{menu} → {label}")


def recovery_text(window: MainWindow) -> str:
    window.documents.autosave()
    window.documents.flush()
    path = window.documents.recovery.path_for(window.documents.doc.path)
    return str(json.loads(path.read_text(encoding="utf-8"))["text"])


def assert_text_is_the_writers(qtbot, window: MainWindow, text: str) -> str:
    """The text is shown, editable and counted, and Ctrl+Z / Ctrl+Shift+Z still work on it.
    Returns the text afterwards (a few words longer)."""
    editor = window.editor
    assert editor.toPlainText() == text
    assert not editor.isReadOnly() and not editor.locked_reason
    assert editor.document() is window.documents._plain_document
    qtbot.waitUntil(lambda: window.book.counts_label.text().startswith(f"{len(text.split())} "))
    editor.setFocus()
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, " Again.")
    assert editor.toPlainText() == text + " Again."
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL)
    assert editor.toPlainText() != text + " Again."
    qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert editor.toPlainText() == text + " Again."
    return editor.toPlainText()


def test_structural_book_actions_leave_a_plain_text_alone(
    qtbot, make_window, tmp_path: Path
) -> None:
    target = tmp_path / "draft.md"
    window = make_window(save_path=[str(target)], confirm=[False, False])
    qtbot.keyClicks(window.editor, TEXT)
    assert recovery_text(window) == TEXT
    for label in STRUCTURAL:
        act = menu_action(window, "Book", label)
        assert not act.isEnabled(), label
        act.trigger()
    assert not menu_action(window, "View", "Read the Whole Book").isEnabled()
    # The slots behind them, reached some other way (a shortcut, the binder dock), too.
    project, binder = window.documents.project, window.book.binder
    project.undo()
    project.redo()
    project.split_at_cursor()
    binder.merge_current()
    binder.delete_current()
    binder.restore_current()
    binder.shift(1)
    binder.rename_current()
    binder.move_item("a", "b", 1)
    # Edit → Undo and Redo with the (empty) binder focused work on the text instead.
    binder.show()
    binder.tree.setFocus()
    qtbot.waitUntil(binder.tree.hasFocus)
    window.book.undo()
    assert window.editor.toPlainText() != TEXT
    window.book.redo()
    binder.hide()
    # New Chapter and New Scene ask first; the writer says no.
    menu_action(window, "Book", "New Chapter").trigger()
    menu_action(window, "Book", "New Scene").trigger()
    assert [kind for kind, _ in window.documents.prompts.asked].count("confirm") == 2
    assert window.documents.story is None
    assert "story project" in window.statusBar().currentMessage()
    text = assert_text_is_the_writers(qtbot, window, TEXT)
    assert recovery_text(window) == text
    qtbot.keyClick(window.editor, Qt.Key.Key_S, CTRL)
    assert target.read_text(encoding="utf-8") == text


def test_the_binder_menu_on_a_plain_text_offers_only_additions(qtbot, make_window) -> None:
    window = make_window(confirm=[False])
    qtbot.keyClicks(window.editor, TEXT)
    window.book.binder.show()
    menu = window.book.binder.context_menu()
    enabled = {a.text() for a in menu.actions() if a.isEnabled() and not a.isSeparator()}
    assert enabled == {"Add chapter", "Add scene"}
    next(a for a in menu.actions() if a.text() == "Add scene").trigger()
    assert window.documents.prompts.asked[-1][0] == "confirm"
    assert_text_is_the_writers(qtbot, window, TEXT)


def test_new_chapter_turns_the_text_into_a_project(qtbot, make_window, tmp_path: Path) -> None:
    folder = tmp_path / "Harbour.inkling"
    window = make_window(confirm=[True], save_path=[str(folder)])
    qtbot.keyClicks(window.editor, TEXT)
    assert recovery_text(window) == TEXT
    menu_action(window, "Book", "New Chapter").trigger()
    question = window.documents.prompts.asked[-2]
    assert question[0] == "confirm" and "Turn this document into a story project?" in question[1]
    story = window.documents.story
    assert story is not None and story.folder == folder
    # The text is chapter 1, scene 1 on disk already; the new chapter is open and editable.
    saved, notes = load_story(folder)
    assert notes == [] and [s.text for _c, s in saved.binder.scenes()] == [TEXT]
    assert [len(c.scenes) for c in story.binder.chapters] == [1, 1]
    assert window.editor.toPlainText() == "" and not window.editor.isReadOnly()
    assert all(a.isEnabled() for a in window.menu_actions.book_structure)
    assert window.book.binder.isVisible() and window.book.binder.tree.topLevelItemCount() == 2
    window.documents.flush()
    assert not window.documents.recovery.path_for(None).exists()  # the text is in the project
    qtbot.keyClicks(window.editor, "Chapter two begins.")
    qtbot.keyClick(window.editor, Qt.Key.Key_S, CTRL)
    saved, _ = load_story(folder)
    assert [s.text for _c, s in saved.binder.scenes()] == [TEXT, "Chapter two begins."]
    # Undo Binder Change takes the new chapter back, and the menu follows.
    menu_action(window, "Book", "Undo Binder Change").trigger()
    assert [s.text for _c, s in window.documents.story.binder.scenes()] == [TEXT]
    # Closing the project (File → Close) leaves a plain text: the actions go grey again.
    menu_action(window, "File", "Close").trigger()
    assert window.documents.story is None
    assert not any(a.isEnabled() for a in window.menu_actions.book_structure)


def test_new_scene_into_a_folder_that_holds_something_is_refused(
    qtbot, make_window, tmp_path: Path
) -> None:
    folder = tmp_path / "Taken.inkling"
    save_story(new_story(folder, "Someone else's story."))
    window = make_window(confirm=[True], save_path=[str(folder)])
    qtbot.keyClicks(window.editor, TEXT)
    menu_action(window, "Book", "New Scene").trigger()
    assert window.documents.story is None
    assert (
        window.documents.prompts.errors
        and "already exists" in window.documents.prompts.errors[0][1]
    )
    assert load_story(folder)[0].binder.first_scene().text == "Someone else's story."
    assert_text_is_the_writers(qtbot, window, TEXT)


def test_a_save_takes_the_plain_text_whatever_the_editor_shows(
    qtbot, make_window, tmp_path: Path
) -> None:
    target = tmp_path / "kept.md"
    window = make_window(save_path=[str(target)])
    qtbot.keyClicks(window.editor, TEXT)
    assert recovery_text(window) == TEXT
    # A broken state: another, empty document shown read-only in place of the text.
    window.editor.show_document(QTextDocument(window))
    window.editor.set_locked("broken")
    assert window.documents.save()
    assert target.read_text(encoding="utf-8") == TEXT
    assert_text_is_the_writers(qtbot, window, TEXT)
