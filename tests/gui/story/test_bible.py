"""The story bible in the window: generate, lock, regenerate, edit, export, import, use."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from backend.models.bundled import BUNDLED_NAME
from backend.models.spec import ModelSpec
from gui.window.main_window import MainWindow
from tests.fakes import FakeFactory, fake_spec, ready_window


def make(qtbot, windows, tmp_path: Path, spec: ModelSpec, **kwargs) -> MainWindow:
    return ready_window(qtbot, windows, tmp_path / "home", spec, **kwargs)


def test_entries_reach_the_continuation_prompt(qtbot, windows, tmp_path: Path) -> None:
    factory = FakeFactory()
    window = make(qtbot, windows, tmp_path, fake_spec(tmp_path), engine_factory=factory)
    bible = window.bible
    entry = bible.add_entry("character")
    bible.set_field("Name", "Wren Ashby")
    bible.set_field("Occupation", "Clockmaker")
    assert entry["Name"] == "Wren Ashby"
    qtbot.keyClicks(window.editor, "Wren opened the shop and")
    with qtbot.waitSignal(window.continuation_done, timeout=5000):
        qtbot.keyClick(window.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    prompt = factory.engines[-1].prompts[-1]
    assert "Characters and places:" in prompt and "Wren Ashby" in prompt and "Clockmaker" in prompt


def test_delete_and_undo(qtbot, windows, tmp_path: Path) -> None:
    window = make(qtbot, windows, tmp_path, fake_spec(tmp_path), engine_factory=FakeFactory())
    bible = window.bible
    bible.add_entry("character", {"Name": "A"})
    bible.add_entry("background", {"Name": "The Mill"})
    bible.list.setCurrentRow(0)
    bible.delete_button.click()
    assert [e["Name"] for e in bible.entries()] == ["The Mill"]
    bible.undo_button.click()
    assert [e["Name"] for e in bible.entries()] == ["A", "The Mill"]


def test_cards_round_trip_through_the_panel(qtbot, windows, tmp_path: Path) -> None:
    window = make(qtbot, windows, tmp_path, fake_spec(tmp_path), engine_factory=FakeFactory())
    bible = window.bible
    sheet = {
        "Name": "Ada Quill",
        "Age": "34",
        "Gender/pronouns": "woman, she/her",
        "Occupation": "Printer",
        "Backstory": "She set type for the rebels.",
    }
    bible.add_entry("character", sheet)
    card = tmp_path / "ada.png"
    assert bible.export_current("png", str(card))
    assert bible.import_card_file(str(card))
    imported = bible.entries()[-1]
    assert {k: imported[k] for k in sheet} == sheet
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\nnope")
    messages = []
    bible.status.connect(messages.append)
    assert not bible.import_card_file(str(bad))
    assert "not imported" in messages[-1] and len(bible.entries()) == 2


@pytest.mark.slow
def test_generate_lock_regenerate_edit_with_the_real_model(
    qtbot, windows, tmp_path: Path, bundled_gguf: Path
) -> None:
    window = make(qtbot, windows, tmp_path, ModelSpec("llamacpp", bundled_gguf, BUNDLED_NAME))
    bible = window.bible
    bible.premise.setText("A lighthouse keeper finds a stranded girl with a red umbrella.")
    bible.genre.setText("gothic")
    bible.add_entry("character", {"Name": "Sophie", "Occupation": "Baker"})
    bible.add_entry("character")
    qtbot.keyClicks(bible.editors["Occupation"], "Keeper of the north light")
    with qtbot.waitSignal(window.bible_done, timeout=400000):
        bible.generate_button.click()
    entry = bible.current
    # The typed field stays; the model names someone new beside the cast's Sophie.
    assert entry["Occupation"] == "Keeper of the north light"
    assert entry["Name"] and entry["Name"] != "Sophie" and "(" not in entry["Name"]
    assert entry["Age"].isdigit() and entry["Backstory"]
    assert "Generated" in window.status.currentMessage()
    name, goal = entry["Name"], entry["Goal"]
    bible.lock_boxes["Name"].setChecked(True)
    old_backstory = entry["Backstory"]
    with qtbot.waitSignal(window.bible_done, timeout=400000):
        bible.regen_buttons["Backstory"].click()
    assert entry["Name"] == name and entry["Goal"] == goal
    assert entry["Backstory"] != old_backstory
    bible.editors["Flaw"].setPlainText("Cannot say no to the sea.")
    assert entry["Flaw"] == "Cannot say no to the sea."
    assert window.isWindowModified()


def test_typing_while_an_entry_generates_does_not_cancel_it(qtbot, windows, tmp_path) -> None:
    window = ready_window(
        qtbot,
        windows,
        tmp_path / "home",
        fake_spec(tmp_path),
        engine_factory=FakeFactory(delay=0.01),
    )
    window.suggestions.base_delay_ms = 10
    window.suggestions.set_enabled(True)
    window.bible.premise.setText("A heist on a night train")
    with qtbot.waitSignal(window.bible_done, timeout=20000) as done:
        window.bible.generate_current()
        qtbot.keyClicks(window.editor, "She waited ")
        qtbot.wait(100)  # the debounce has long run out
        assert window.bible_generation.running
    assert not done.args[0].cancelled
    assert window.bible.characters[0]["Occupation"]
    # Once the entry is done, typing asks for suggestions again.
    with qtbot.waitSignal(window.suggestions.suggestion_shown, timeout=10000):
        qtbot.keyClicks(window.editor, "a")


def test_an_entry_being_written_shows_its_progress_and_stops_in_the_panel(
    qtbot, windows, tmp_path
) -> None:
    window = ready_window(
        qtbot, windows, tmp_path / "home", fake_spec(tmp_path),
        engine_factory=FakeFactory(delay=0.05),
    )  # fmt: skip
    bible = window.bible
    bible.premise.setText("A heist on a night train")
    bible.generate_current()
    assert bible.progress_row.isVisibleTo(bible) and bible.stop_button.isEnabled()
    assert not bible.generate_button.isEnabled()
    qtbot.waitUntil(lambda: "fields done" in bible.progress_label.text(), timeout=10000)
    with qtbot.waitSignal(window.bible_done, timeout=10000) as done:
        qtbot.mouseClick(bible.stop_button, Qt.MouseButton.LeftButton)
    assert done.args[0].cancelled
    assert not bible.progress_row.isVisibleTo(bible) and bible.generate_button.isEnabled()
    assert not window.bible_generation.running


def test_a_long_field_grows_with_its_text(qtbot, windows, tmp_path: Path) -> None:
    window = make(qtbot, windows, tmp_path, fake_spec(tmp_path), engine_factory=FakeFactory())
    bible = window.bible
    bible.add_entry("character")
    backstory = bible.editors["Backstory"]
    short = backstory.height()
    bible.set_field("Backstory", "\n".join(f"Line {n} of a long past." for n in range(8)))
    qtbot.waitUntil(lambda: backstory.height() > short * 2, timeout=2000)


def test_wide_view_gives_the_bible_a_window_of_its_own(qtbot, windows, tmp_path: Path) -> None:
    from tests.fakes import FakeFactory
    from tests.gui.conftest import show_window

    window = show_window(qtbot, windows, tmp_path, engine_factory=FakeFactory())
    bible = window.bible
    bible.show()
    bible.wide_button.click()
    free = bible.screen().availableGeometry()  # roomy, but all of it on the screen
    assert bible.isFloating() and bible.width() >= min(720, int(free.width() * 0.9))
    assert bible.height() >= min(760, int(free.height() * 0.9))
    assert free.contains(bible.frameGeometry().bottomRight())
    bible.wide_button.click()
    assert not bible.isFloating()
