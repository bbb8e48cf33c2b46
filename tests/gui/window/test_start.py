"""Opening Inkling: the last project comes back where it was left; with nothing to reopen,
a start page offers a new project, opening, importing or just writing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from backend.formats.manuscript import split_manuscript
from backend.story.project_save import save_story
from gui.book.new_project import NewProject
from gui.window.app import _first_document
from tests.fakes import FakeFactory, ScriptedPrompts, fake_spec, ready_window


def _start_page(qtbot, windows, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A window opened with nothing to reopen, its start page shown; New Project (from the
    page or the menu) makes "Harbour" by A. Writer in tmp_path/books."""
    target = tmp_path / "books"
    target.mkdir()
    details = NewProject(title="Harbour", author="A. Writer", language="", where=target)
    window = ready_window(
        qtbot, windows, tmp_path / "home", fake_spec(tmp_path),
        engine_factory=FakeFactory(), prompts=ScriptedPrompts(new_project=[details]),
    )  # fmt: skip
    _first_document(window, None)
    start = window.start_dialog
    assert start is not None and start.isVisible()
    return window, start, target


def test_with_nothing_to_reopen_the_start_page_offers_a_new_project(
    qtbot, windows, tmp_path: Path
) -> None:
    window, start, target = _start_page(qtbot, windows, tmp_path)
    assert not start.isModal()  # the empty page behind takes typing at once
    qtbot.mouseClick(start.view.new_button, Qt.MouseButton.LeftButton)
    assert not start.isVisible()
    story = window.documents.story
    assert story is not None and story.folder == target / "Harbour.inkling"
    assert story.author == "A. Writer"


def test_a_project_made_from_the_file_menu_closes_the_start_page(
    qtbot, windows, tmp_path: Path
) -> None:
    window, start, _target = _start_page(qtbot, windows, tmp_path)
    window.documents.new_project()  # File > New Project, not the start page's button
    assert window.documents.story is not None
    assert not start.isVisible()


def test_the_last_project_reopens_and_no_start_page_shows(qtbot, windows, tmp_path: Path) -> None:
    folder = tmp_path / "Harbour.inkling"
    save_story(split_manuscript("Chapter 1\n\nWren walked.").to_story(folder, "Harbour"))
    window = ready_window(
        qtbot, windows, tmp_path / "home", fake_spec(tmp_path), engine_factory=FakeFactory()
    )
    window.settings.recent_files = [str(folder)]
    _first_document(window, None)
    assert window.documents.story is not None and window.documents.story.folder == folder
    assert window.start_dialog is None


def test_a_new_interface_language_offers_to_restart(qtbot, windows, tmp_path, monkeypatch) -> None:
    started: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(
        "gui.window.main_window.QProcess.startDetached",
        lambda program, arguments: started.append((program, arguments)) or (True, 1),
    )
    window = ready_window(
        qtbot, windows, tmp_path / "home", fake_spec(tmp_path), engine_factory=FakeFactory(),
        prompts=ScriptedPrompts(confirm=[False, True]),
    )  # fmt: skip
    assert not window.offer_restart("zh_CN")  # "not now": it applies at the next start
    assert window.isVisible() and started == []
    asked = window.documents.prompts.asked[-1][1]
    assert "简体中文" in asked
    assert window.offer_restart("zh_CN")
    assert not window.isVisible() and len(started) == 1
