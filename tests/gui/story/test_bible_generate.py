"""Generating in the story bible keeps what the writer wrote, and undoes in one step."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

from backend.story.bible import CHARACTER_FIELDS
from gui.story.bible import BiblePanel
from gui.story.bible_form import replace_name
from gui.window.main_window import MainWindow
from tests.fakes import FakeFactory, fake_spec, ready_window

CLICK = Qt.MouseButton.LeftButton
RYUU = {
    "Name": "Ryuu Yui",
    "Age": "29",
    "Gender/pronouns": "man, he/him",
    "Occupation": "Night-train conductor",
    "Backstory": "Ryuu grew up beside the rails.",
}


def make(qtbot, windows, tmp_path: Path, **factory: object) -> tuple[MainWindow, FakeFactory]:
    engines = FakeFactory(**factory)
    window = ready_window(
        qtbot, windows, tmp_path / "home", fake_spec(tmp_path), engine_factory=engines
    )
    window.bible.premise.setText("A heist on a night train")
    window.bible.genre.setText("thriller")
    return window, engines


def type_into(qtbot, editor: QLineEdit | QPlainTextEdit, text: str) -> None:
    """Put the keyboard in a field and replace what it holds by typing."""
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    qtbot.keyClicks(editor, text)


def generate(qtbot, window: MainWindow, button_name: str = "generate_button") -> object:
    with qtbot.waitSignal(window.bible_done, timeout=20000) as done:
        qtbot.mouseClick(getattr(window.bible, button_name), CLICK)
    return done.args[0]


def test_generate_keeps_the_fields_the_writer_typed(qtbot, windows, tmp_path: Path) -> None:
    window, engines = make(qtbot, windows, tmp_path)
    bible = window.bible
    qtbot.mouseClick(bible.new_character_button, CLICK)
    type_into(qtbot, bible.editors["Name"], "Tom Reed")
    type_into(qtbot, bible.editors["Occupation"], "Ferry pilot on the night crossing")
    generate(qtbot, window)
    entry = bible.current
    assert entry is not None
    assert entry["Name"] == "Tom Reed" and bible.editors["Name"].text() == "Tom Reed"
    assert entry["Occupation"] == "Ferry pilot on the night crossing"
    assert entry["Backstory"] and entry["Goal"]  # the empty fields around them were written
    # The model was told the typed fields and asked only for the others.
    prompts = engines.engines[-1].prompts
    assert prompts and all("Name: Tom Reed" in p for p in prompts)
    assert not any(p.endswith("Name:") or p.endswith("Occupation:") for p in prompts)
    assert "Undo in the story bible" in window.status.currentMessage()
    # One Undo takes every generated field back, and only those.
    assert bible.undo_button.isEnabled()
    qtbot.mouseClick(bible.undo_button, CLICK)
    assert entry["Name"] == "Tom Reed" and entry["Occupation"].startswith("Ferry")
    assert entry["Backstory"] == "" and bible.editors["Backstory"].toPlainText() == ""


def test_generate_fills_only_the_empty_fields_of_a_selected_entry(
    qtbot, windows, tmp_path: Path
) -> None:
    window, engines = make(qtbot, windows, tmp_path)
    bible = window.bible
    ryuu = bible.add_entry("character", dict(RYUU))
    before = dict(ryuu)
    generate(qtbot, window)
    assert bible.current is ryuu and len(bible.characters) == 1
    assert {k: ryuu[k] for k in RYUU} == RYUU  # nothing the entry held was replaced
    assert ryuu["Goal"] and ryuu["Flaw"]
    assert bible.list.item(0).text() == "Ryuu Yui"
    qtbot.mouseClick(bible.undo_button, CLICK)
    assert ryuu == before and not bible.undo_button.isEnabled()

    # Every field written: nothing is asked of the model, and the writer is told why.
    full = bible.add_entry("character", {f: f"{f} text" for f in CHARACTER_FIELDS})
    type_into(qtbot, bible.editors["Name"], "Ada Quill")
    asked = len(engines.engines[-1].prompts)
    messages: list[str] = []
    bible.status.connect(messages.append)
    qtbot.mouseClick(bible.generate_button, CLICK)
    qtbot.mouseClick(bible.generate3_button, CLICK)
    assert len(engines.engines[-1].prompts) == asked and not window.bible_generation.running
    assert len(messages) == 2 and "Nothing to fill" in messages[0] and "Ada Quill" in messages[0]
    assert full["Backstory"] == "Backstory text"


def test_an_entry_the_model_gives_no_name_is_not_reported_as_generated(
    qtbot, windows, tmp_path: Path
) -> None:
    # The fake model writes lower-case prose, never a name.
    window, _engines = make(qtbot, windows, tmp_path)
    bible = window.bible
    generate(qtbot, window)
    message = window.status.currentMessage()
    assert bible.current is not None and bible.current["Name"] == ""
    assert "Generated" not in message and "no name" in message and "↻" in message
    assert bible.undo_button.isEnabled()


def test_a_locked_field_stays_empty_and_one_field_regenerates_undoably(
    qtbot, windows, tmp_path: Path
) -> None:
    window, _engines = make(qtbot, windows, tmp_path)
    bible = window.bible
    entry = bible.add_entry("character", {"Name": "Ada Quill"})
    bible.lock_boxes["Goal"].setChecked(True)
    assert not bible.regen_buttons["Goal"].isEnabled()
    generate(qtbot, window)
    assert entry["Goal"] == "" and entry["Flaw"] and bible.regen_buttons["Flaw"].isEnabled()
    assert not bible.regen_buttons["Goal"].isEnabled()
    entry["Flaw"] = "Trusts no one."
    bible.refresh()
    with qtbot.waitSignal(window.bible_done, timeout=20000):
        qtbot.mouseClick(bible.regen_buttons["Flaw"], CLICK)
    assert entry["Flaw"] != "Trusts no one." and entry["Name"] == "Ada Quill"
    qtbot.mouseClick(bible.undo_button, CLICK)
    assert entry["Flaw"] == "Trusts no one."
    assert bible.editors["Flaw"].toPlainText() == "Trusts no one."


def test_text_typed_while_the_entry_is_written_is_kept(qtbot, windows, tmp_path: Path) -> None:
    window, _engines = make(qtbot, windows, tmp_path, delay=0.01)
    bible = window.bible
    with qtbot.waitSignal(window.bible_done, timeout=30000):
        qtbot.mouseClick(bible.generate_button, CLICK)
        # Backstory comes seventh: the writer gets there first.
        type_into(qtbot, bible.editors["Backstory"], "Raised by smugglers.")
        assert window.bible_generation.running
    entry = bible.current
    assert entry is not None and entry["Backstory"] == "Raised by smugglers."
    assert entry["Goal"]
    qtbot.mouseClick(bible.undo_button, CLICK)
    assert entry["Backstory"] == "Raised by smugglers." and entry["Goal"] == ""


def test_the_progress_line_counts_one_field_in_words_that_fit(
    qtbot, windows, tmp_path: Path
) -> None:
    window, _engines = make(qtbot, windows, tmp_path, delay=0.03)
    bible = window.bible
    bible.generate_current()
    label = bible.progress_label
    qtbot.waitUntil(lambda: "fields done: 1)" in label.text(), timeout=10000)
    assert "1 fields" not in label.text()
    with qtbot.waitSignal(window.bible_done, timeout=10000):
        qtbot.mouseClick(bible.stop_button, CLICK)
    assert "Undo in the story bible" in window.status.currentMessage()


def test_three_alternatives_fill_only_the_empty_fields(qtbot, windows, tmp_path: Path) -> None:
    window, _engines = make(qtbot, windows, tmp_path)
    bible = window.bible
    entry = bible.add_entry("character", {"Name": "Tom Reed"})
    generate(qtbot, window, "generate3_button")
    dialog = bible.alternatives_dialog
    assert dialog is not None and "Name: Tom Reed" in dialog.columns[0].toPlainText()
    qtbot.mouseClick(dialog.use_buttons[1], CLICK)
    assert entry["Name"] == "Tom Reed" and entry["Occupation"] and entry["Backstory"]
    qtbot.mouseClick(bible.undo_button, CLICK)
    assert entry["Name"] == "Tom Reed" and entry["Occupation"] == "" and entry["Backstory"] == ""


def test_a_rename_by_hand_follows_into_the_other_fields(qtbot, windows, tmp_path: Path) -> None:
    window, _engines = make(qtbot, windows, tmp_path)
    bible: BiblePanel = window.bible
    entry = bible.add_entry(
        "character",
        {
            "Name": "Sophie",
            "Backstory": "Sophie grew up over the bakery. SOPHIE, they called, and she ran.",
            "Flaw": "Sophie's pride; she never asks Sophiel's help.",
        },
    )
    before = dict(entry)
    type_into(qtbot, bible.editors["Name"], "Mabel Finch")
    qtbot.keyClick(bible.editors["Name"], Qt.Key.Key_Return)
    assert entry["Backstory"] == (
        "Mabel Finch grew up over the bakery. MABEL FINCH, they called, and she ran."
    )
    assert entry["Flaw"] == "Mabel Finch's pride; she never asks Sophiel's help."
    assert bible.editors["Flaw"].toPlainText() == entry["Flaw"]
    assert "Backstory, Flaw" in window.status.currentMessage()
    assert bible.list.item(0).text() == "Mabel Finch"
    qtbot.mouseClick(bible.undo_button, CLICK)
    assert entry == before and bible.editors["Name"].text() == "Sophie"
    assert bible.list.item(0).text() == "Sophie"
    # A name with nothing to follow it changes alone, with no undo step of its own.
    type_into(qtbot, bible.editors["Name"], "Sophie Hart")
    qtbot.keyClick(bible.editors["Name"], Qt.Key.Key_Return)
    assert entry["Name"] == "Sophie Hart"
    assert entry["Backstory"] == before["Backstory"] and not bible.undo_button.isEnabled()


def test_a_name_is_replaced_whole_word_in_its_case() -> None:
    assert replace_name("Sophie Hart ran; Sophie hid; Hart.", "Sophie Hart", "Mabel Finch") == (
        "Mabel Finch ran; Mabel hid; Hart."
    )
    assert replace_name("sophie and Sophies", "Sophie", "Mabel") == "mabel and Sophies"
    assert replace_name("苏菲说她走了。", "苏菲", "玛贝尔") == "玛贝尔说她走了。"
    assert replace_name("Sophie left.", "", "Mabel") == "Sophie left."
