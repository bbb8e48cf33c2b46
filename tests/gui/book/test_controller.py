"""A novel in the window, driven through keys and the mouse: import with a preview,
binder changes, counts and goals, find and replace, spell check, focus mode, zoom,
export read back, and an old project migrated."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from ebooklib import epub
from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from backend.formats.manuscript import split_manuscript
from backend.story.project_read import FORMAT1_BACKUP, load_story
from backend.story.project_save import save_story
from gui.book.find import MARK_ROLE
from gui.window.main_window import MainWindow
from tests.fakes import FakeFactory, ScriptedPrompts, fake_spec, ready_window

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def manuscript(chapters: int = 6) -> str:
    parts = []
    for n in range(1, chapters + 1):
        parts.append(
            f"Chapter {n}\n\nWren walked to the harbour in chapter {n}.\n\n***\n\n"
            f"The second scene of chapter {n} ends here."
        )
    return "\n\n".join(parts)


@pytest.fixture
def book_window(qtbot, windows, tmp_path: Path):
    def make(prompts: ScriptedPrompts | None = None) -> MainWindow:
        return ready_window(
            qtbot, windows, tmp_path / "home", fake_spec(tmp_path),
            engine_factory=FakeFactory(), prompts=prompts or ScriptedPrompts(),
        )  # fmt: skip

    return make


def open_story(qtbot, book_window, tmp_path: Path, chapters: int = 6, **answers) -> MainWindow:
    folder = tmp_path / "Harbour.inkling"
    story = split_manuscript(manuscript(chapters)).to_story(folder, "Harbour")
    save_story(story)
    window = book_window(ScriptedPrompts(**answers))
    assert window.documents.open(str(folder))
    return window


def click_scene(qtbot, window: MainWindow, chapter: int, scene: int) -> None:
    tree = window.book.binder.tree
    item = tree.topLevelItem(chapter).child(scene)
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_import_with_preview_then_write_and_reorder(qtbot, book_window, tmp_path: Path) -> None:
    source = tmp_path / "novel.txt"
    source.write_text("My Novel\n\n" + manuscript(6).replace("Chapter ", "CHAPTER "))
    target = tmp_path / "novel.inkling"
    window = book_window(ScriptedPrompts(import_path=[str(source)], save_path=[str(target)]))
    transfer = window.documents.transfer
    transfer.import_manuscript()
    qtbot.waitUntil(lambda: transfer.import_dialog is not None)
    dialog = transfer.import_dialog
    assert dialog.preview.topLevelItemCount() == 7  # "Opening" + 6
    combo = dialog.pattern
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), r"CHAPTER [123]")
    qtbot.waitUntil(lambda: not dialog.pending)
    assert dialog.preview.topLevelItemCount() == 4
    assert dialog.plan.chapters[0].title == "Opening" and "Opening" in dialog.notes.text()
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), "Kapitel")
    qtbot.waitUntil(lambda: not dialog.pending)
    assert "found no chapter" in dialog.notes.text()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert not target.exists()  # nothing written while previewing
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), r"CHAPTER \d+")
    qtbot.waitUntil(lambda: not dialog.pending)
    with qtbot.waitSignal(transfer.import_finished, timeout=20000) as opened:
        qtbot.mouseClick(
            dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
        )
    assert opened.args == [str(target)]
    # The offscreen platform has no window manager to hand activation back from the dialog.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert window.documents.story is not None and window.documents.story.folder == target
    binder = window.book.binder
    assert binder.isVisible() and binder.tree.topLevelItemCount() == 7
    assert binder.tree.topLevelItem(0).text(0) == "Opening"
    assert binder.tree.topLevelItem(1).child(0).text(1) == "8"
    window.documents.project.apply(lambda b: b.delete(b.chapters[0].id))
    assert binder.tree.topLevelItemCount() == 7  # six chapters and the trash
    # Open chapter 2, scene 2 with a click, then move it up with Alt+Up.
    click_scene(qtbot, window, 1, 1)
    assert window.editor.toPlainText() == "The second scene of chapter 2 ends here."
    qtbot.keyClick(binder.tree, Qt.Key.Key_Up, ALT)
    chapter2 = window.documents.story.binder.chapters[1]
    assert [s.text[:10] for s in chapter2.scenes] == ["The second", "Wren walke"]
    # And a drop of chapter 1's first scene onto chapter 3's first scene.
    moved = window.documents.story.binder.chapters[0].scenes[0].id
    target_scene = window.documents.story.binder.chapters[2].scenes[0].id
    binder.move_item(moved, target_scene, 1)
    assert [s.id for s in window.documents.story.binder.chapters[2].scenes][1] == moved
    qtbot.keyClick(window.editor, Qt.Key.Key_S, CTRL)
    reopened, notes = load_story(target)
    assert notes == []
    assert [s.text[:10] for s in reopened.binder.chapters[1].scenes] == ["The second", "Wren walke"]
    assert reopened.binder.chapters[2].scenes[1].id == moved


def test_trash_undo_split_and_merge(qtbot, book_window, tmp_path: Path) -> None:
    window = open_story(qtbot, book_window, tmp_path)
    binder = window.book.binder
    story = window.documents.story
    click_scene(qtbot, window, 0, 1)
    qtbot.keyClick(binder.tree, Qt.Key.Key_Delete)
    assert len(story.binder.chapters[0].scenes) == 1 and len(story.binder.trash) == 1
    assert binder.tree.topLevelItem(binder.tree.topLevelItemCount() - 1).text(0).startswith("Trash")
    qtbot.keyClick(binder.tree, Qt.Key.Key_Z, CTRL)
    assert len(window.documents.story.binder.chapters[0].scenes) == 2
    story = window.documents.story
    # Split chapter 1's first scene at the cursor, then merge it back.
    click_scene(qtbot, window, 0, 0)
    editor = window.editor
    cursor = editor.textCursor()
    cursor.setPosition(len("Wren walked to the harbour"))
    editor.setTextCursor(cursor)
    qtbot.keyClick(editor, Qt.Key.Key_K, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert [s.text for s in story.binder.chapters[0].scenes[:2]] == [
        "Wren walked to the harbour",
        " in chapter 1.",
    ]
    assert editor.toPlainText() == " in chapter 1."  # the new scene is open
    click_scene(qtbot, window, 0, 0)
    window.book.binder.merge_current()
    assert story.binder.chapters[0].scenes[0].text == "Wren walked to the harbour\n\n in chapter 1."
    assert editor.toPlainText() == story.binder.chapters[0].scenes[0].text


def test_typing_updates_counts_and_goal_and_history(qtbot, book_window, tmp_path: Path) -> None:
    window = open_story(qtbot, book_window, tmp_path)
    book = window.book
    assert book.counts_label.text().startswith(
        "8 words in this scene · 16 in the chapter · 96 in the book"
    )
    book.show_goals()
    dialog = book.goals_dialog
    dialog.daily.selectAll()
    qtbot.keyClicks(dialog.daily.lineEdit(), "500")
    dialog.accept()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    editor = window.editor
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, " Then five more words came.")
    qtbot.waitUntil(lambda: book.counts_label.text().startswith("13 words "), timeout=3000)
    assert "101 in the book · 5 / 500 today" in book.counts_label.text()
    assert book.binder.tree.topLevelItem(0).child(0).text(1) == "13"
    qtbot.keyClick(editor, Qt.Key.Key_S, CTRL)
    story, _ = load_story(window.documents.story.folder)
    assert story.goals["daily"] == 500 and sum(story.history.values()) == 5
    book.show_goals()
    chart = book.goals_dialog.chart
    assert chart.days[-1][1] == 5 and chart.grab().width() > 0


def test_find_and_replace_across_the_book(qtbot, book_window, tmp_path: Path) -> None:
    window = open_story(qtbot, book_window, tmp_path, confirm=[False, True])
    find = window.book.find
    qtbot.keyClick(window.editor, Qt.Key.Key_H, CTRL)
    assert find.isVisible()
    qtbot.keyClicks(find.query, "wren")
    find.whole_word.setChecked(True)
    find.scope.setCurrentIndex(1)
    hits = find.find_all()
    rows = find.result_items()
    assert len(hits) == 6 and len(rows) == 6
    assert find.results.topLevelItemCount() == 6  # one group per scene
    assert find.results.topLevelItem(0).text(0).endswith("(1)")
    start, end = rows[3].data(0, MARK_ROLE)
    assert rows[3].text(0)[start:end] == "Wren"
    item = rows[3]
    find.results.scrollToItem(item)  # the panel sits under the binder: rows may scroll
    qtbot.mouseClick(
        find.results.viewport(),
        Qt.MouseButton.LeftButton,
        pos=find.results.visualItemRect(item).center(),
    )
    assert window.editor.textCursor().selectedText() == "Wren"
    assert (
        window.documents.project.current == window.documents.story.binder.chapters[3].scenes[0].id
    )
    qtbot.keyClicks(find.replacement, "Ada")
    assert find.replace_all() == 0  # the writer said no to the count
    assert window.documents.prompts.asked[-1] == ("confirm", "Replace 6 match(es) in 6 scene(s)?")
    assert find.replace_all() == 6
    project = window.documents.project
    texts = [t for _i, t in project.texts()]
    assert sum(t.count("Ada walked") for t in texts) == 6 and not any("Wren" in t for t in texts)
    # One undo step per scene: undo in chapter 1 brings that scene back alone.
    click_scene(qtbot, window, 0, 0)
    qtbot.keyClick(window.editor, Qt.Key.Key_Z, CTRL)
    assert window.editor.toPlainText().startswith("Wren walked")
    assert project.text_of(window.documents.story.binder.chapters[1].scenes[0].id).startswith("Ada")


def test_spelling_fix_with_right_click_and_add_word(qtbot, book_window, tmp_path: Path) -> None:
    window = open_story(qtbot, book_window, tmp_path)
    editor = window.editor
    spelling = window.book.spelling
    spelling.region = lambda: "US"  # the story says only "English": the region decides
    window.book.configure_spelling()
    assert spelling.enabled
    qtbot.waitUntil(lambda: spelling.speller is not None, timeout=10000)
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, " The harbr was quiet near Qorvath.")
    qtbot.waitUntil(lambda: any(w == "harbr" for _s, _e, w in spelling.underlined), timeout=3000)
    assert {"harbr", "Qorvath"} <= {w for _s, _e, w in spelling.underlined}
    assert editor.extraSelections()
    start = next(s for s, _e, w in spelling.underlined if w == "harbr")
    cursor = editor.textCursor()
    cursor.setPosition(start + 2)
    pos = editor.cursorRect(cursor).center()
    QApplication.sendEvent(
        editor.viewport(),
        QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, editor.viewport().mapToGlobal(pos)),
    )
    menu = spelling.menu
    labels = [a.text() for a in menu.actions()]
    assert labels[0] == "Harbor".lower() or "harbor" in labels
    next(a for a in menu.actions() if a.text() == "harbor").trigger()
    menu.close()
    assert "The harbor was quiet" in editor.toPlainText()
    qorvath = next(s for s, _e, w in spelling.underlined if w == "Qorvath")
    spelling.show_menu(editor.cursorRect(_cursor_at(editor, qorvath + 1)).center())
    next(a for a in spelling.menu.actions() if a.text().startswith("Add “Qorvath”")).trigger()
    spelling.menu.close()
    assert "Qorvath" not in {w for _s, _e, w in spelling.underlined}
    assert "Qorvath" in window.documents.story.spelling_words


def _cursor_at(editor, position: int):
    cursor = editor.textCursor()
    cursor.setPosition(position)
    return cursor


def test_focus_mode_zoom_and_column(qtbot, book_window, tmp_path: Path) -> None:
    window = open_story(qtbot, book_window, tmp_path)
    editor = window.editor
    size = editor.font().pointSize()
    qtbot.keyClick(editor, Qt.Key.Key_Equal, CTRL)
    qtbot.keyClick(editor, Qt.Key.Key_Equal, CTRL)
    assert editor.font().pointSize() == size + 2 and window.settings.editor.zoom == 2
    qtbot.keyClick(editor, Qt.Key.Key_Minus, CTRL)
    assert editor.font().pointSize() == size + 1
    qtbot.keyClick(editor, Qt.Key.Key_0, CTRL)
    assert editor.font().pointSize() == size
    window.resize(1400, 900)
    qtbot.keyClick(editor, Qt.Key.Key_F11)
    assert window.book.focus.active and not window.menuBar().isVisible()
    assert not window.book.binder.isVisible() and not window.statusBar().isVisible()
    assert editor.column_chars == 70 and editor.typewriter
    # Once the hidden docks' room has gone to the editor, the column has margins.
    qtbot.waitUntil(lambda: editor.viewportMargins().left() > 0, timeout=3000)
    for _ in range(40):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "A page in focus.")
    assert "A page in focus." in editor.toPlainText()
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not window.book.focus.active and window.menuBar().isVisible()
    assert window.book.binder.isVisible() and editor.column_chars == 0
    qtbot.keyClick(editor, Qt.Key.Key_F11)
    qtbot.keyClick(editor, Qt.Key.Key_F11)
    assert not window.book.focus.active


def test_export_docx_and_epub_from_the_dialog(qtbot, book_window, tmp_path: Path) -> None:
    out_docx, out_epub = tmp_path / "h.docx", tmp_path / "h.epub"
    blocked = tmp_path / "a-file" / "h.docx"
    (tmp_path / "a-file").write_text("x")
    window = open_story(
        qtbot, book_window, tmp_path, export_path=[str(out_docx), str(out_epub), str(blocked)]
    )
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(window.editor, " Unsaved words.")
    qtbot.keyClick(window.editor, Qt.Key.Key_E, CTRL)
    dialog = window.documents.transfer.export_dialog
    dialog.kind.setCurrentIndex(0)
    dialog.range.lineEdit().selectAll()
    qtbot.keyClicks(dialog.range.lineEdit(), "1-3")
    dialog.accept()
    window.documents.flush()
    headings = [
        p.text for p in docx.Document(str(out_docx)).paragraphs if p.style.name == "Heading 1"
    ]
    assert headings == ["Chapter 1", "Chapter 2", "Chapter 3"]
    body = [p.text for p in docx.Document(str(out_docx)).paragraphs]
    assert "Wren walked to the harbour in chapter 1. Unsaved words." in body
    window.documents.transfer.export_book()
    dialog = window.documents.transfer.export_dialog
    dialog.kind.setCurrentIndex(1)
    dialog.accept()
    window.documents.flush()
    chapters = [
        i for i in epub.read_epub(str(out_epub)).get_items() if i.get_name().startswith("chapter_")
    ]
    assert len(chapters) == 6 and b"Chapter 6" in chapters[-1].get_content()
    window.documents.transfer.export_book()
    window.documents.transfer.export_dialog.accept()
    window.documents.flush()
    qtbot.waitUntil(lambda: bool(window.documents.prompts.errors), timeout=3000)
    assert window.documents.prompts.errors[-1][0] == "Export failed"


def test_old_project_opens_migrated_and_plain_files_still_work(
    qtbot, book_window, tmp_path: Path
) -> None:
    old = tmp_path / "Old.inkling"
    old.mkdir()
    (old / "story.toml").write_text('format = 1\ntitle = "Old"\n')
    (old / "manuscript.md").write_text("The keeper waited.")
    window = book_window()
    assert window.documents.open(str(old))
    assert window.editor.toPlainText() == "The keeper waited."
    assert (old / FORMAT1_BACKUP).exists()
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    assert any("updated" in m for _t, m in window.documents.prompts.errors)
    qtbot.keyClicks(window.editor, " Still.")
    window.documents.autosave()
    window.documents.flush()
    story, _ = load_story(old)
    assert story.binder.chapters[0].scenes[0].text == "The keeper waited. Still."
    plain = tmp_path / "plain.txt"
    plain.write_text("Just text.")
    assert window.documents.open(str(plain))
    assert window.editor.toPlainText() == "Just text." and not window.book.binder.isVisible()
    qtbot.waitUntil(lambda: window.book.counts_label.text() == "2 words", timeout=3000)


def test_damaged_scene_opens_read_only_and_the_rest_opens(
    qtbot, book_window, tmp_path: Path
) -> None:
    folder = tmp_path / "Harbour.inkling"
    story = split_manuscript(manuscript(2)).to_story(folder, "Harbour")
    save_story(story)
    first = story.binder.chapters[0].scenes[0]
    story.scene_path(first.id).write_bytes(b"\x00\xff" * 50)
    window = book_window()
    assert window.documents.open(str(folder))
    assert "could not be read" in window.documents.prompts.errors[-1][1]
    assert window.editor.isReadOnly()
    click_scene(qtbot, window, 1, 0)
    assert not window.editor.isReadOnly()
    assert window.editor.toPlainText().startswith("Wren walked")
    qtbot.keyClick(window.editor, Qt.Key.Key_S, CTRL)
    assert story.scene_path(first.id).read_bytes() == b"\x00\xff" * 50


def test_dropping_a_scene_in_the_binder_moves_it(qtbot, book_window, tmp_path: Path) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDropEvent

    window = open_story(qtbot, book_window, tmp_path, chapters=3)
    tree = window.book.binder.tree
    story = window.documents.story
    dragged = story.binder.chapters[0].scenes[0].id
    click_scene(qtbot, window, 0, 0)
    target = tree.topLevelItem(2).child(1)
    rect = tree.visualItemRect(target)
    mime = tree.mimeData([tree.currentItem()])
    drop = QDropEvent(
        QPointF(rect.center().x(), rect.bottom() - 1),
        Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    tree.dropEvent(drop)
    assert [s.id for s in story.binder.chapters[2].scenes][-1] == dragged
    assert len(story.binder.chapters[0].scenes) == 1
    assert tree.topLevelItem(2).childCount() == 3  # rebuilt from the binder, not moved by Qt
