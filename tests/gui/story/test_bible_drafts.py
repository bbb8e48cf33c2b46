"""The cast drafted from an imported book, in the story bible: listed after the writer's own
entries and marked as drafts, shown read-only, kept as entries of the writer's own (Undo
takes them back) or dismissed for the story (the model is told of them no more)."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.story.memory.drafts import DRAFT_FIELD, DraftEntry, dismissed
from backend.story.project_read import load_story
from backend.story.project_save import save_story
from gui.story.bible import BiblePanel
from gui.window.main_window import MainWindow
from tests.backend.story.memory.book import build
from tests.fakes import FakeFactory, ScriptedPrompts, fake_spec, ready_window


@pytest.fixture
def window(qtbot, windows, tmp_path: Path) -> MainWindow:
    """An imported book with one character of the writer's (Mara) and the rest drafted."""
    story = build(tmp_path / "Drowned.inkling", chapters=20, synopses=False)
    story.memory = ""
    story.characters = [{"Name": "Mara", "Age": "30", "Personality": "wary"}]
    story.background = []
    save_story(story)
    window = ready_window(
        qtbot, windows, tmp_path / "home", fake_spec(tmp_path),
        engine_factory=FakeFactory(), prompts=ScriptedPrompts(),
    )  # fmt: skip
    assert window.documents.open(str(story.folder))
    qtbot.waitUntil(lambda: draft_row(window.bible, "Orrin") >= 0, timeout=20000)
    return window


def draft_row(panel: BiblePanel, name: str) -> int:
    """The list row where the writer sees `name` as a draft (-1: not listed as one)."""
    for n in range(panel.list.count()):
        text = panel.list.item(n).text()
        if text.endswith(" · draft") and text.removesuffix(" · draft").split(" (")[0] == name:
            return n
    return -1


def told(window: MainWindow) -> dict[str, dict[str, str]]:
    """The bible entries a request is told of, by name."""
    return {e["Name"]: e for e in window.memory.book_context().bible}


def test_the_drafted_cast_is_listed_after_the_writers_entries_marked_as_drafts(
    window, tmp_path: Path
) -> None:
    panel = window.bible
    texts = [panel.list.item(n).text() for n in range(panel.list.count())]
    assert texts[0] == "Mara"  # the writer's own first, and no draft of her
    assert sum("Mara" in t for t in texts) == 1
    orrin = panel.list.item(draft_row(panel, "Orrin"))
    assert "draft" in orrin.text() and orrin.font().italic()
    assert "Drafted from the book" in orrin.toolTip() and "keep it or dismiss it" in orrin.toolTip()
    # People under the characters, places under the background (the writer has none).
    abbey = draft_row(panel, "Greyfen Abbey")
    assert abbey > draft_row(panel, "Orrin") and "(location) · draft" in texts[abbey]
    assert all(e.get("Name") != "Orrin" for e in panel.entries())  # not an entry yet
    panel.list.setCurrentRow(draft_row(panel, "Orrin"))
    view = panel.drafts.view
    assert panel.form_stack.currentWidget() is view and panel.current is None
    assert "Drafted from the book: named" in view.note.text()
    shown = [view.fields.itemAt(n).widget().text() for n in range(view.fields.count())]
    assert "Orrin" in shown and any(s.startswith("First seen in chapter 1") for s in shown)
    assert view.keep_button.isVisible() and view.dismiss_button.isVisible()
    panel.grab().save(str(tmp_path / "bible-drafts.png"))


def test_keep_makes_the_draft_an_entry_and_undo_takes_it_back(window) -> None:
    panel, story = window.bible, window.documents.story
    panel.list.setCurrentRow(draft_row(panel, "Orrin"))
    panel.drafts.view.keep_button.click()
    orrin = next(e for e in story.characters if e.get("Name") == "Orrin")
    assert orrin["Backstory"].startswith("First seen in chapter 1")
    assert "often with" in orrin["Relationships"] and orrin["Occupation"] == ""
    assert panel.current is orrin and draft_row(panel, "Orrin") == -1
    assert panel.editors["Backstory"].toPlainText() == orrin["Backstory"]  # editable now
    assert DRAFT_FIELD not in told(window)["Orrin"] and window.isWindowModified()
    assert panel.undo_button.toolTip() == "Undo: Keep Orrin"
    panel.undo_button.click()
    assert all(e.get("Name") != "Orrin" for e in story.characters)
    assert draft_row(panel, "Orrin") >= 0 and told(window)["Orrin"][DRAFT_FIELD] == "yes"


def test_a_kept_place_goes_to_the_background(window) -> None:
    panel, story = window.bible, window.documents.story
    panel.list.setCurrentRow(draft_row(panel, "Greyfen Abbey"))
    panel.drafts.view.keep_button.click()
    assert [e["Name"] for e in story.background] == ["Greyfen Abbey"]
    assert story.background[0]["Kind"] == "location" and draft_row(panel, "Greyfen Abbey") == -1


def test_dismiss_hides_the_draft_and_the_model_is_told_of_it_no_more(qtbot, window) -> None:
    panel = window.bible
    assert told(window)["Tessaly"][DRAFT_FIELD] == "yes"
    panel.list.setCurrentRow(draft_row(panel, "Tessaly"))
    panel.drafts.view.dismiss_button.click()
    assert draft_row(panel, "Tessaly") == -1
    assert "Tessaly" not in told(window)
    assert "Tessaly" not in {e["Name"] for e in window.memory.drafts.bible()}
    assert "Tessaly" not in window.memory.book_context().memory  # nor in the drafted memory
    assert isinstance(panel.drafts.selected, DraftEntry)  # the next draft is shown
    # Pinning something afterwards keeps the dismissal in the story's context settings.
    window.memory.pin("lore:Quill")
    window.documents.save()
    story, _ = load_story(window.documents.story.folder)
    assert dismissed(story) == {"Tessaly"}
    # Undo brings it back; and the book drafted again (the story changed) leaves it out.
    panel.undo_button.click()
    assert draft_row(panel, "Tessaly") >= 0 and "Tessaly" in told(window)
    panel.list.setCurrentRow(draft_row(panel, "Tessaly"))
    panel.drafts.view.dismiss_button.click()
    drafts = window.memory.drafts
    window.memory.rebuild_index()
    qtbot.waitUntil(lambda: window.memory.drafts is not drafts, timeout=20000)
    assert "Tessaly" not in {e.name for e in window.memory.drafts.entries}
    assert draft_row(panel, "Orrin") >= 0 and draft_row(panel, "Tessaly") == -1
    # Delete on a draft's row dismisses it too (it never deletes an entry of the writer's).
    entries = list(panel.entries())
    panel.list.setCurrentRow(draft_row(panel, "Orrin"))
    panel.delete_button.click()
    assert draft_row(panel, "Orrin") == -1 and panel.entries() == entries


def test_a_name_the_writer_has_is_never_listed_as_a_draft(qtbot, window) -> None:
    panel = window.bible
    panel.add_entry("character")
    panel.editors["Name"].setFocus()
    qtbot.keyClicks(panel.editors["Name"], "Orrin")
    assert draft_row(panel, "Orrin") == -1 and draft_row(panel, "Ilse") >= 0
    assert [e["Name"] for e in panel.entries()] == ["Mara", "Orrin"]
    assert panel.list.item(1).text() == "Orrin" and not panel.list.item(1).font().italic()
    assert DRAFT_FIELD not in told(window)["Orrin"]


def test_closing_the_story_takes_its_drafts_out_of_the_list(qtbot, window) -> None:
    file_menu = window.menuBar().actions()[0].menu()
    close = next(a for a in file_menu.actions() if a.text().replace("&", "") == "Close")
    close.trigger()
    assert window.documents.story is None
    assert window.bible.list.count() == 0 and window.bible.drafts.rows == []
