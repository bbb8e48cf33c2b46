"""The continuity check and Ask the Book in the window: findings listed by chapter with
their quotes a click from the text, the binder marking scenes with open findings, a
dismissal kept in the project, a fact written into the bible, and questions answered with
passages to click."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from backend.formats.manuscript import split_manuscript
from backend.story.facts.dismissals import dismissed_keys
from backend.story.facts.model import Citation, Fact, Finding
from backend.story.project_save import save_story
from gui.window.main_window import MainWindow
from tests.fakes import FakeFactory, fake_spec, ready_window

BOOK = (
    "Chapter 1\n\nMarta had blue eyes and a quick temper. She lived by the mill.\n\n"
    "Chapter 2\n\nThe baker waved as Marta passed the square.\n\n"
    "Chapter 3\n\nMarta looked up with her brown eyes and laughed at the rain.\n\n"
)


@pytest.fixture
def window(qtbot, windows, tmp_path: Path) -> MainWindow:
    folder = tmp_path / "Mill.inkling"
    save_story(split_manuscript(BOOK).to_story(folder, "Mill"))
    window = ready_window(
        qtbot, windows, tmp_path / "home", fake_spec(tmp_path), engine_factory=FakeFactory()
    )
    assert window.documents.open(str(folder))
    return window


def findings(window: MainWindow) -> list[Finding]:
    report = window.continuity.report
    return list(report.findings) if report is not None else []


def rows(tree, kind: type) -> list:
    out, stack = [], [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while stack:
        item = stack.pop(0)
        if isinstance(item.data(0, Qt.ItemDataRole.UserRole), kind):
            out.append(item)
        stack += [item.child(j) for j in range(item.childCount())]
    return out


def test_a_contradiction_is_listed_marked_and_a_click_from_its_quote(qtbot, window) -> None:
    assert not window.continuity.dock.isVisible()  # until the writer asks for it
    window.activateWindow()
    qtbot.keyClick(
        window.editor,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier,
    )
    qtbot.waitUntil(window.continuity.dock.isVisible)
    qtbot.waitUntil(lambda: bool(findings(window)), timeout=20000)
    found = [f for f in findings(window) if f.kind == "attribute"]
    assert found and found[0].subject == "Marta"
    dock = window.continuity.dock
    assert dock.findings.topLevelItem(0).text(0) == "Chapter 1"
    binder = window.book.binder
    chapters = window.documents.story.binder.chapters
    marked = binder.marked_scenes()
    assert chapters[0].scenes[0].id in marked and chapters[2].scenes[0].id in marked
    assert chapters[1].scenes[0].id not in marked
    quote_rows = [r for r in rows(dock.findings, Citation) if "brown" in r.text(0)]
    assert quote_rows and "Chapter 3, scene 1" in quote_rows[0].text(0)
    dock.findings.itemClicked.emit(quote_rows[0], 0)
    assert window.documents.project.current == chapters[2].scenes[0].id
    assert "brown eyes" in window.editor.textCursor().selectedText()


def test_a_dismissed_finding_stays_dismissed(qtbot, window) -> None:
    qtbot.waitUntil(lambda: bool(findings(window)), timeout=20000)
    dock = window.continuity.dock
    row = rows(dock.findings, Finding)[0]
    dock.findings.setCurrentItem(row)
    assert dock.dismiss_button.isEnabled()
    key = row.data(0, Qt.ItemDataRole.UserRole).key
    dock.dismiss_button.click()
    qtbot.waitUntil(lambda: key not in {f.key for f in findings(window)}, timeout=20000)
    assert key in dismissed_keys(window.documents.story.folder)
    assert window.continuity.report.dismissed >= 1
    assert "dismissed" in dock.summary.text()


def test_a_fact_becomes_a_bible_field(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.continuity.report is not None, timeout=20000)
    dock = window.continuity.dock
    dock.show()
    dock.tabs.setCurrentIndex(1)
    eyes = [r for r in rows(dock.facts, Fact) if "blue" in r.text(0)]
    assert eyes
    dock.facts.setCurrentItem(eyes[0])
    assert dock.bible_button.isVisible() and dock.bible_button.isEnabled()
    dock.bible_button.click()
    entry = next(e for e in window.documents.story.characters if e.get("Name") == "Marta")
    assert "blue" in entry.get("Appearance", "")
    assert window.documents.modified


def test_ask_the_book_lists_passages_to_click(qtbot, window) -> None:
    dock = window.ask.dock
    dock.use_model.setChecked(False)
    dock.question.setText("What colour are Marta's eyes?")
    dock.ask_button.click()
    qtbot.waitUntil(lambda: dock.results.topLevelItemCount() > 0, timeout=20000)
    first = dock.results.topLevelItem(0)
    assert "Chapter" in first.text(0) and "eyes" in first.text(0)
    dock.results.itemClicked.emit(first, 0)
    assert "eyes" in window.editor.textCursor().selectedText()
    dock.question.setText("?")
    dock.ask_button.click()
    qtbot.waitUntil(lambda: "no words" in dock.info.text() or "Nothing" in dock.info.text())
    assert dock.results.topLevelItemCount() == 0


def test_a_book_without_memory_gets_drafts_marked_as_drafts(qtbot, window) -> None:
    memory = window.memory
    qtbot.waitUntil(lambda: memory.drafts is not None, timeout=20000)
    drafts = memory.drafts
    chapters = window.documents.story.binder.chapters
    assert set(drafts.synopses) == {c.id for c in chapters}  # none has a synopsis of its own
    assert all(drafts.synopses.values())
    assert memory.book_context() is not None  # requests are built with them
