"""File → Export in a story project: "As Markdown…" and "As Plain Text…" open the book's export
dialog with that format chosen, and what is written is that format; "Book…" still opens it
at Word. In a plain text the two export the text at once, with no dialog."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from backend.formats.manuscript import split_manuscript
from backend.story.project_save import save_story
from gui.window.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
MANUSCRIPT = (
    "Chapter 1\n\nWren walked to the harbour.\n\n***\n\nThe tide came in.\n\n"
    "Chapter 2\n\nThe lamp went out at nine."
)


def story_window(make_window, tmp_path: Path, **answers: object) -> MainWindow:
    folder = tmp_path / "Harbour.inkling"
    save_story(split_manuscript(MANUSCRIPT).to_story(folder, "Harbour"))
    window = make_window(**answers)
    assert window.documents.open(str(folder))
    return window


def export_action(window: MainWindow, label: str) -> QAction:
    """File → Export → `label`, as the writer clicks it."""
    file_menu = window.menuBar().actions()[0].menu()
    for act in file_menu.actions():
        if act.menu() is not None and act.text().replace("&", "") == "Export":
            for sub in act.menu().actions():
                if sub.text().replace("&", "").split("\t")[0] == label:
                    return sub
    raise LookupError(f"File → Export → {label}")


@pytest.mark.parametrize(
    ("label", "kind", "heading"),
    [("As Plain Text…", "txt", "Chapter 2"), ("As Markdown…", "md", "## Chapter 2")],
)
def test_a_text_format_from_the_menu_is_chosen_in_the_book_dialog(
    qtbot, make_window, tmp_path: Path, label: str, kind: str, heading: str
) -> None:
    target = tmp_path / f"out.{kind}"
    window = story_window(make_window, tmp_path, export_path=[str(target)])
    transfer = window.documents.transfer
    export_action(window, label).trigger()
    dialog = transfer.export_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.kind.currentData() == kind
    assert dialog.chapters() == ""  # all chapters, as before
    dialog.accept()
    assert window.documents.prompts.asked[-1] == ("export_path", kind)
    window.documents.flush()
    qtbot.waitUntil(lambda: "Exported to" in window.statusBar().currentMessage(), timeout=5000)
    written = target.read_text(encoding="utf-8")
    assert heading in written.splitlines() and "The lamp went out at nine." in written


def test_the_book_entry_still_opens_at_word(qtbot, make_window, tmp_path: Path) -> None:
    target = tmp_path / "out.docx"
    window = story_window(make_window, tmp_path, export_path=[str(target)])
    export_action(window, "As Markdown…").trigger()
    window.documents.transfer.export_dialog.reject()
    qtbot.keyClick(window.editor, Qt.Key.Key_E, CTRL)
    dialog = window.documents.transfer.export_dialog
    assert dialog.kind.currentData() == "docx"
    dialog.accept()
    window.documents.flush()
    qtbot.waitUntil(target.exists, timeout=5000)
    assert "Wren walked to the harbour." in [p.text for p in docx.Document(str(target)).paragraphs]


def test_a_plain_text_exports_at_once(qtbot, make_window, tmp_path: Path) -> None:
    target = tmp_path / "plain.md"
    window = make_window(export_path=[str(target)])
    qtbot.keyClicks(window.editor, "Just a text.")
    export_action(window, "As Markdown…").trigger()
    assert window.documents.transfer.export_dialog is None
    assert target.read_text(encoding="utf-8").strip() == "Just a text."
