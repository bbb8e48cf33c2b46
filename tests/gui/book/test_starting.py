"""Starting and coming back: an empty document is unmodified until a key is pressed, a
project reopens at the scene and cursor it was left at, the last project reopens at
start-up, File → New Project makes a book, file dialogs start in the last folder used for
their kind, an import asks for the title and author, and the welcome view's buttons."""

from __future__ import annotations

from pathlib import Path

import docx
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from backend.formats.manuscript import split_manuscript
from backend.story.project_read import load_story
from backend.story.project_save import save_story
from gui.book.folders import LastFolders, documents_folder
from gui.book.new_project import NewProject, NewProjectDialog, folder_name
from gui.book.prompts import Prompts
from gui.book.welcome import WelcomeView

CTRL = Qt.KeyboardModifier.ControlModifier


def three_scenes(tmp_path: Path) -> Path:
    folder = tmp_path / "Harbour.inkling"
    text = "Chapter 1\n\nThe first scene.\n\n***\n\nThe second scene, longer than one.\n\n"
    save_story(split_manuscript(text + "Chapter 2\n\nThe third.").to_story(folder, "Harbour"))
    return folder


def test_a_fresh_window_and_file_new_are_not_modified(qtbot, make_window) -> None:
    window = make_window()
    assert not window.isWindowModified() and not window.documents.modified
    assert "Untitled" in window.windowTitle()
    assert not window.editor.document().isUndoAvailable()
    qtbot.keyClick(window.editor, Qt.Key.Key_N, CTRL)
    assert not window.isWindowModified() and not window.documents.modified
    qtbot.keyClicks(window.editor, "a")
    assert window.isWindowModified()


def test_file_new_after_a_story_is_not_modified(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window()
    assert window.documents.open(str(three_scenes(tmp_path)))
    assert not window.documents.modified
    qtbot.keyClick(window.editor, Qt.Key.Key_N, CTRL)
    assert window.documents.story is None
    assert not window.isWindowModified() and not window.documents.modified


def test_a_project_reopens_where_the_writer_left_off(qtbot, make_window, tmp_path: Path) -> None:
    folder = three_scenes(tmp_path)
    window = make_window()
    assert window.documents.open(str(folder))
    story = window.documents.story
    second = story.binder.chapters[0].scenes[1]
    assert window.documents.project.open_scene(second.id)
    cursor = window.editor.textCursor()
    cursor.setPosition(11)
    window.editor.setTextCursor(cursor)
    qtbot.keyClicks(window.editor, "X")
    assert window.documents.save()
    assert load_story(folder)[0].view_cursor == 12
    assert window.documents.new()
    assert window.documents.open(str(folder))
    assert window.documents.project.current == second.id
    assert window.editor.toPlainText().startswith("The second X")
    assert window.editor.textCursor().position() == 12
    assert not window.documents.modified and not window.isWindowModified()


def test_moving_without_editing_is_kept_on_close(qtbot, make_window, tmp_path: Path) -> None:
    folder = three_scenes(tmp_path)
    window = make_window()
    assert window.documents.open(str(folder))
    third = window.documents.story.binder.chapters[1].scenes[0]
    assert window.documents.project.open_scene(third.id)
    assert window.documents.close_document()
    kept = load_story(folder)[0]
    assert (kept.view_scene, kept.view_cursor) == (third.id, 0)


def test_a_scene_that_is_gone_falls_back_to_the_first(qtbot, make_window, tmp_path) -> None:
    folder = three_scenes(tmp_path)
    story = load_story(folder)[0]
    story.view_scene, story.view_cursor = "gone", 5000
    save_story(story)
    window = make_window()
    assert window.documents.open(str(folder))
    assert window.documents.project.current == story.binder.chapters[0].scenes[0].id
    assert window.editor.textCursor().position() == 0


def test_the_last_project_reopens_at_start_up(qtbot, make_window, tmp_path: Path) -> None:
    folder = three_scenes(tmp_path)
    window = make_window()
    assert not window.documents.reopen_last()  # nothing recent yet
    window.settings.recent_files = [str(tmp_path / "notes.md"), str(folder)]
    assert not window.documents.reopen_last()  # a text file is not reopened
    window.settings.recent_files = [str(tmp_path / "Gone.inkling")]
    assert not window.documents.reopen_last()
    assert not window.documents.prompts.errors
    window.settings.recent_files = [str(folder)]
    assert window.documents.reopen_last()
    assert window.documents.story is not None and window.documents.story.folder == folder


def test_new_project_makes_and_opens_a_book(qtbot, make_window, tmp_path: Path) -> None:
    details = NewProject("The Long Tide", "Wren Li", "zh", tmp_path)
    window = make_window(new_project=[None, details, details])
    assert not window.documents.new_project()  # cancelled
    assert window.documents.new_project()
    folder = tmp_path / "The Long Tide.inkling"
    story = window.documents.story
    assert story is not None and story.folder == folder
    assert (story.title, story.author, story.language) == ("The Long Tide", "Wren Li", "zh")
    # A Chinese book's chapter and scene are named in Chinese (the model reads the names).
    assert [c.title for c in story.binder.chapters] == ["第一章"]
    assert [s.title for s in story.binder.chapters[0].scenes] == ["第1场"]
    assert window.book.binder.tree.headerItem().text(1) == "Characters"  # what it counts
    assert (folder / "story.toml").is_file() and not window.documents.modified
    assert window.settings.recent_files[0] == str(folder)
    assert not window.documents.new_project()  # the folder is taken now
    assert window.documents.prompts.errors


def test_a_new_project_on_automatic_is_named_in_the_interfaces_language(
    qtbot, make_window, tmp_path: Path
) -> None:
    from PySide6.QtCore import QLocale

    details = NewProject("祝福", "鲁迅", "", tmp_path)  # the book's language left on automatic
    window = make_window(new_project=[details])
    before = QLocale()
    QLocale.setDefault(QLocale("zh_CN"))  # as a Chinese interface sets it
    try:
        assert window.documents.new_project()
    finally:
        QLocale.setDefault(before)
    story = window.documents.story
    assert story is not None and story.language == ""  # still automatic
    assert [c.title for c in story.binder.chapters] == ["第一章"]


def test_the_new_project_dialog(qtbot, tmp_path: Path, monkeypatch) -> None:
    dialog = NewProjectDialog(where=str(tmp_path))
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.title.setText("A/B: Tide?")
    dialog.author.setText(" Wren ")
    dialog.language.setCurrentIndex(dialog.language.findData("zh"))
    assert ok.isEnabled()
    details = dialog.details()
    assert details == NewProject("A/B: Tide?", "Wren", "zh", tmp_path)
    assert details.folder == tmp_path / "A B Tide.inkling"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a: str(tmp_path / "x"))
    dialog.browse.click()
    assert dialog.where.text() == str(tmp_path / "x") and not ok.isEnabled()
    assert folder_name("..") == "" and folder_name(" .hidden ") == "hidden.inkling"


def test_an_import_asks_for_the_title_and_author(qtbot, make_window, tmp_path: Path) -> None:
    source = tmp_path / "draft-7.docx"
    document = docx.Document()
    document.add_heading("Chapter 1", level=1)
    document.add_paragraph("Wren walked to the harbour.")
    document.core_properties.title = "The Harbour"
    document.core_properties.author = "Wren Li"
    document.save(str(source))
    target = tmp_path / "Harbour.inkling"
    window = make_window(
        import_path=[str(source)], book_details=[("The Harbour", "W. Li")], save_path=[str(target)]
    )
    prompts = window.documents.prompts
    transfer = window.documents.transfer
    transfer.import_manuscript()
    qtbot.waitUntil(lambda: transfer.import_dialog is not None, timeout=20000)
    dialog = transfer.import_dialog
    qtbot.waitUntil(lambda: not dialog.pending)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: window.documents.story is not None, timeout=20000)
    assert ("book_details", ("The Harbour", "Wren Li")) in prompts.asked
    assert ("save_path", "The Harbour.inkling") in prompts.asked and prompts.save_project_first
    story = window.documents.story
    assert (story.title, story.author) == ("The Harbour", "W. Li")
    assert load_story(target)[0].author == "W. Li"


def test_export_offers_the_title_beside_the_project(qtbot, make_window, tmp_path) -> None:
    window = make_window()
    assert window.documents.open(str(three_scenes(tmp_path)))
    transfer = window.documents.transfer
    transfer.export_book()
    transfer.export_dialog.accept()
    assert window.documents.prompts.export_place == ("Harbour.docx", str(tmp_path))


def test_save_as_project_offers_a_story_folder(qtbot, make_window) -> None:
    window = make_window()
    qtbot.keyClicks(window.editor, "words")
    assert not window.documents.save_as_project()
    prompts = window.documents.prompts
    assert prompts.asked[-1] == ("save_path", "Untitled.inkling") and prompts.save_project_first


class Store(dict):
    def set(self, key: str, value: object) -> None:
        self[key] = value


def test_file_dialogs_start_in_the_last_folder_of_their_kind(qtbot, tmp_path, monkeypatch) -> None:
    (tmp_path / "books").mkdir()
    (tmp_path / "out").mkdir()
    asked: list[tuple[str, ...]] = []

    def save_dialog(parent, title, start, filters, chosen=""):
        asked.append((start, filters, chosen))
        return answers.pop(0)

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", save_dialog)
    prompts = Prompts(None)
    story_filter = "Inkling story folder (*.inkling)"
    answers = [(str(tmp_path / "books" / "Tide"), story_filter)]
    assert prompts.save_path("Tide.inkling", project=True) == str(tmp_path / "books/Tide.inkling")
    start, filters, chosen = asked[-1]
    assert start == str(documents_folder() / "Tide.inkling")
    assert filters.startswith(story_filter) and chosen == story_filter
    answers = [("", "")]
    prompts.save_path("Next.md")
    assert asked[-1][0] == str(tmp_path / "books" / "Next.md")
    assert asked[-1][1].startswith("Markdown (*.md)")
    answers = [("", "")]
    prompts.import_path()
    assert asked[-1][0] == str(documents_folder())  # never the program's own folder
    answers = [(str(tmp_path / "out" / "Tide.epub"), "")]
    prompts.export_path("epub", "Tide.epub", str(tmp_path / "books"))
    assert asked[-1][0] == str(tmp_path / "books" / "Tide.epub")
    answers = [("", "")]
    prompts.export_path("epub", "Tide.epub", str(tmp_path / "books"))
    assert asked[-1][0] == str(tmp_path / "out" / "Tide.epub")
    # Kept where the window persists them, and read back checked.
    store = Store()
    folders = LastFolders()
    folders.attach(store)
    folders.remember("open", str(tmp_path / "books" / "Tide.inkling" / "story.toml"))
    assert store["last_folders"] == {"open": str(tmp_path / "books")}
    store["last_folders"]["save"] = "relative/place"
    store["last_folders"]["import"] = str(tmp_path / "gone")
    again = LastFolders()
    again.attach(store)
    assert again.folder("open") == tmp_path / "books"
    assert again.folder("save") == documents_folder() == again.folder("import")


def test_the_welcome_view_asks_through_its_signals(qtbot, tmp_path: Path) -> None:
    view = WelcomeView()
    qtbot.addWidget(view)
    view.show()
    assert view.empty_label.isVisible() and not view.recent.isVisible()
    for button, signal in (
        (view.new_button, view.new_project_requested),
        (view.open_button, view.open_requested),
        (view.import_button, view.import_requested),
    ):
        with qtbot.waitSignal(signal, timeout=1000):
            button.click()
    view.set_recent([str(tmp_path / "Tide.inkling"), str(tmp_path / "notes.md")])
    assert view.recent.count() == 2 and not view.empty_label.isVisible()
    with qtbot.waitSignal(view.recent_chosen, timeout=1000) as chosen:
        view.choose_recent(1)
    assert chosen.args == [str(tmp_path / "notes.md")]
