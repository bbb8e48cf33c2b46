"""Long-book memory in the window: a 60-chapter book, memory lines and synopses set in the
window, "What the model sees" after a request in chapter 40, pins and mutes, budgets, and
draft synopses that are kept only when the writer says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from backend.engines.base import EngineError
from backend.models.bundled import BUNDLED_NAME
from backend.models.spec import ModelSpec
from backend.story.memory.assembly import Assembly
from backend.story.memory.budgets import ContextSettings
from backend.story.project_read import load_story
from backend.story.project_save import save_story
from gui.story.context_view import BudgetsDialog, DraftDialog
from gui.window.main_window import MainWindow
from tests.backend.story.memory.book import build
from tests.fakes import FakeFactory, ScriptedPrompts, fake_spec, ready_window

CTRL = Qt.KeyboardModifier.ControlModifier


def open_book(qtbot, windows, tmp_path: Path, spec: ModelSpec | None = None, **kw) -> MainWindow:
    story = build(tmp_path / "Drowned.inkling", synopses=False)
    story.memory = ""
    save_story(story)
    window = ready_window(
        qtbot, windows, tmp_path / "home", spec or fake_spec(tmp_path),
        prompts=ScriptedPrompts(), **kw,
    )  # fmt: skip
    assert window.documents.open(str(story.folder))
    qtbot.waitUntil(lambda: window.memory.index is not None, timeout=10000)
    return window


def select(window: MainWindow, chapter: int, scene: int | None = None) -> None:
    tree = window.book.binder.tree
    item = tree.topLevelItem(chapter - 1)
    if scene is not None:
        item = item.child(scene - 1)
    tree.setCurrentItem(item)


def write_synopses_and_memory(qtbot, window: MainWindow) -> None:
    """Through the window's own fields, as a writer would."""
    window.memory.dock.memory.setPlainText("Mara is a smuggler's daughter.\nSaltmarsh floods.")
    for n in range(1, 41):
        select(window, n)
        window.book.binder.synopsis.setPlainText(f"In chapter {n} the tide turns for Orrin.")


def last_assembly(qtbot, window: MainWindow) -> Assembly:
    window.memory.dock.assembly = None
    with qtbot.waitSignal(window.model_thread.worker.finished, timeout=60000):
        qtbot.keyClick(window.editor, Qt.Key.Key_Space, CTRL)
    qtbot.waitUntil(lambda: window.memory.dock.assembly is not None, timeout=5000)
    assert window.memory.dock.assembly is not None
    return window.memory.dock.assembly


@pytest.mark.slow
def test_chapter_40_shows_memory_story_cast_and_an_early_passage(
    qtbot, windows, tmp_path: Path, bundled_gguf: Path
) -> None:
    spec = ModelSpec("llamacpp", bundled_gguf, BUNDLED_NAME)
    window = open_book(qtbot, windows, tmp_path, spec)
    write_synopses_and_memory(qtbot, window)
    select(window, 40, 1)
    window.book.binder._on_tree_item_activated(window.book.binder.tree.currentItem())
    assert (
        window.documents.project.current == window.documents.story.binder.chapters[39].scenes[0].id
    )
    cursor = window.editor.textCursor()
    cursor.setPosition(900)
    window.editor.setTextCursor(cursor)
    asm = last_assembly(qtbot, window)
    dock = window.memory.dock
    dock.raise_()
    qtbot.waitUntil(dock.isVisible)
    tops = {dock.tree.topLevelItem(i).text(0) for i in range(dock.tree.topLevelItemCount())}
    assert {"Memory", "Story so far", "This chapter", "Characters and places",
            "Recalled passages", "Recent text"} <= tops  # fmt: skip
    assert "smuggler's daughter" in asm.section("memory").text
    assert "Chapter 39: In chapter 39 the tide turns" in asm.section("story_so_far").text
    assert "Brannock" in asm.section("lore").text and "Tessaly" in asm.section("lore").text
    early = [i for i in asm.section("recalled").items if i.state == "in"]
    assert early and min(int(i.label.split()[1].rstrip(":")) for i in early) < 30
    assert asm.total_tokens <= asm.budget
    for section in asm.sections:
        assert section.tokens <= section.budget
    assert dock.prompt.toPlainText() == asm.prompt
    said = dock.summary.text()  # in words first; the tokens are in its tooltip
    assert said.startswith("The model saw about ") and "page" in said
    assert "earlier chapter" in said and "from the bible" in said and "recalled" in said
    assert "your memory lines" in said and "tokens" in dock.summary.toolTip()
    window.grab().save(str(tmp_path / "context.png"))


@pytest.fixture
def fake_window(qtbot, windows, tmp_path: Path) -> MainWindow:
    return open_book(qtbot, windows, tmp_path, engine_factory=FakeFactory())


def test_pin_and_mute_from_the_viewer_are_kept_with_the_story(qtbot, fake_window) -> None:
    window = fake_window
    select(window, 40, 1)
    window.book.binder._on_tree_item_activated(window.book.binder.tree.currentItem())
    asm = last_assembly(qtbot, window)
    lore = asm.section("lore")
    assert lore is not None and lore.items
    first = lore.items[0].key
    window.memory.dock.mute_requested.emit(first, True)
    window.memory.dock.pin_requested.emit("lore:Quill", True)
    asm = last_assembly(qtbot, window)
    states = {i.key: i.state for i in asm.section("lore").items}
    assert states[first] == "muted" and states["lore:Quill"] == "pinned"
    window.documents.save()
    story, _ = load_story(window.documents.story.folder)
    settings, _ = ContextSettings.from_mapping(story.context)
    assert first in settings.muted and "lore:Quill" in settings.pinned


def test_budgets_dialog_refuses_budgets_that_cannot_work(qtbot, fake_window) -> None:
    window = fake_window
    window.memory.edit_budgets()
    dialog = window.memory.dialog
    assert isinstance(dialog, BudgetsDialog)
    dialog.boxes["lore"].setValue(50)
    dialog.boxes["recalled"].setValue(50)
    assert not dialog.ok.isEnabled() and "at most" in dialog.problem.text()
    dialog.boxes["lore"].setValue(20)
    dialog.boxes["recalled"].setValue(10)
    assert dialog.ok.isEnabled() and "37 %" in dialog.recent.text()
    dialog.accept()
    assert window.memory.settings().budgets.share("recalled") == pytest.approx(0.1)


def test_a_draft_synopsis_is_kept_only_when_the_writer_says_so(qtbot, fake_window) -> None:
    window = fake_window
    select(window, 3)
    chapter = window.documents.story.binder.chapters[2]
    window.memory.draft_synopsis(chapter.id, by_model=False)
    dialog = window.memory.dialog
    assert isinstance(dialog, DraftDialog) and "Orrin" in dialog.synopsis()
    dialog.reject()
    assert chapter.synopsis == ""
    window.memory.draft_synopsis(chapter.id, by_model=True)
    qtbot.waitUntil(
        lambda: (
            isinstance(window.memory.dialog, DraftDialog) and window.memory.dialog is not dialog
        ),
        timeout=10000,
    )
    model_draft = window.memory.dialog
    model_draft.text.setPlainText("Orrin hides the astrolabe.")
    model_draft.accept()
    assert chapter.synopsis == "Orrin hides the astrolabe."
    QApplication.processEvents()
    select(window, 3)
    assert window.book.binder.synopsis.toPlainText() == "Orrin hides the astrolabe."


def test_a_failed_model_synopsis_shows_its_own_message(qtbot, windows, tmp_path: Path) -> None:
    factory = FakeFactory()
    window = open_book(qtbot, windows, tmp_path, engine_factory=factory)
    select(window, 3)
    chapter = window.documents.story.binder.chapters[2]
    factory.engines[-1].raise_on_stream = EngineError("The model's context is full.")
    window.memory.draft_synopsis(chapter.id, by_model=True)
    drafting = window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() != drafting, timeout=10000)
    QApplication.processEvents()  # every receiver of the failure has had its turn
    shown = window.statusBar().currentMessage()
    assert shown == "No draft synopsis: The model's context is full."
    assert window.memory.dialog is None and chapter.synopsis == ""


def test_memory_lines_are_saved_with_the_story(qtbot, fake_window) -> None:
    window = fake_window
    window.memory.dock.memory.setPlainText("The harbour wall fell in the storm.")
    assert window.documents.modified
    window.documents.save()
    story, _ = load_story(window.documents.story.folder)
    assert story.memory == "The harbour wall fell in the storm."
