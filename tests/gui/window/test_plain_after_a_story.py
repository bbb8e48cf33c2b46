"""A plain text opened or started after a story project starts with no story details of its
own: the closed story's premise, genre, style, author's note and bible stay with it, out of
the new text's docks, its recovery file and what a restart brings back. What the writer set
for the whole app (a style preset of their own, the style switched off) stays."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from backend.story.project import new_story
from backend.story.project_save import save_story
from backend.story.style.model import Style
from gui.window.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
PREMISE = "A lighthouse keeper finds a stranded girl with a red umbrella."
STYLE = Style(genre="cozy mystery", tone="eerie", pov="first", tense="past", notes="No adverbs.")
NOTE = "the storm breaks tonight"


def a_story(tmp_path: Path) -> Path:
    folder = tmp_path / "Lighthouse.inkling"
    story = new_story(folder, "The lamp went out at nine.")
    story.premise = PREMISE
    story.style = STYLE.to_dict()
    story.characters = [{"Name": "Wren", "Occupation": "Keeper"}]
    story.background = [{"Name": "The lighthouse"}]
    save_story(story)
    return folder


def file_action(window: MainWindow, label: str) -> QAction:
    """File → `label`, as the writer clicks it."""
    file_menu = window.menuBar().actions()[0].menu()
    for act in file_menu.actions():
        if act.text().replace("&", "") == label:
            return act
    raise LookupError(label)


def assert_no_story_details(window: MainWindow) -> None:
    bible, style = window.bible, window.style_panel
    assert bible.premise.text() == "" and bible.genre.text() == ""
    assert bible.characters == [] and bible.background == [] and bible.list.count() == 0
    assert style.genre.text() == "" and style.authors_note.text() == ""
    assert style.current_style() == Style()


def test_a_new_text_after_closing_a_story_has_none_of_its_details(
    qtbot, make_window, tmp_path: Path
) -> None:
    folder = a_story(tmp_path)
    window = make_window()
    style = window.style_panel
    style.save_as_preset("My own voice")
    style.enabled.setChecked(False)
    assert window.documents.open(str(folder))
    assert window.bible.premise.text() == PREMISE and style.genre.text() == STYLE.genre
    qtbot.keyClicks(style.authors_note, NOTE)
    file_action(window, "Close").trigger()
    qtbot.keyClick(window.editor, Qt.Key.Key_N, CTRL)
    assert window.documents.story is None and window.editor.toPlainText() == ""
    assert_no_story_details(window)
    assert not window.isWindowModified()
    # The writer's own choices for the app stay.
    assert not style.enabled.isChecked()
    assert style.preset.findData("My own voice") > 0
    # The new text's recovery file keeps none of the closed story's details either.
    qtbot.keyClicks(window.editor, "A new beginning.")
    window.documents.autosave()
    window.documents.flush()
    path = window.documents.recovery.path_for(window.documents.doc.path)
    kept = json.loads(path.read_text(encoding="utf-8"))
    assert kept["text"] == "A new beginning."
    story = kept["story"]
    assert story["premise"] == "" and story["genre"] == "" and story["authors_note"] == ""
    assert story["characters"] == [] and story["background"] == []
    assert Style.from_mapping(story["style"]) == Style()
    # A restart that brings the text back brings no story details with it.
    kept["pid"] = 2**22 + 12345  # the process that wrote it is gone
    path.write_text(json.dumps(kept), encoding="utf-8")
    again = make_window(recover=["restore"])
    again.documents.offer_recovery()
    assert again.editor.toPlainText() == "A new beginning."
    assert_no_story_details(again)


def test_a_text_opened_over_a_story_keeps_its_own_recovered_details(
    qtbot, make_window, tmp_path: Path
) -> None:
    """Clearing the closed story's details does not clear what a recovered text brings."""
    window = make_window()
    qtbot.keyClicks(window.editor, "Words of a text.")
    window.bible.premise.setText("A text's own premise.")
    qtbot.keyClicks(window.bible.genre, "fable")
    window.documents.autosave()
    window.documents.flush()
    path = window.documents.recovery.path_for(window.documents.doc.path)
    kept = json.loads(path.read_text(encoding="utf-8"))
    kept["pid"] = 2**22 + 12345
    path.write_text(json.dumps(kept), encoding="utf-8")
    again = make_window(recover=["restore"])
    assert again.documents.open(str(a_story(tmp_path)))
    assert again.bible.premise.text() == PREMISE
    again.documents.offer_recovery()
    assert again.documents.story is None
    assert again.editor.toPlainText() == "Words of a text."
    assert again.bible.premise.text() == "A text's own premise."
    assert again.bible.genre.text() == "fable" and again.style_panel.genre.text() == "fable"
    assert again.style_panel.authors_note.text() == ""


def test_a_text_saved_as_a_project_keeps_its_story_details(make_window, tmp_path: Path) -> None:
    target = tmp_path / "Lamp.inkling"
    window = make_window(save_path=[str(target)])
    window.editor.setPlainText("The lamp went out.")
    window.bible.premise.setText(PREMISE)
    window.bible.genre.setText("cozy mystery")
    window.bible.bind([{"Name": "Wren", "Role": "keeper"}], [])
    assert window.documents.save_as_project()
    story = window.documents.story
    assert story is not None and story.premise == PREMISE
    assert story.style.get("genre") == "cozy mystery"
    assert [c["Name"] for c in story.characters] == ["Wren"]
    # The docks show the story's details, which are the text's.
    assert window.bible.premise.text() == PREMISE and window.bible.genre.text() == "cozy mystery"


def test_a_storys_authors_note_is_kept_with_it(qtbot, make_window, tmp_path: Path) -> None:
    # It was kept nowhere: a restart lost it, and the next story opened showed it.
    folder = a_story(tmp_path)
    other = tmp_path / "Other.inkling"
    save_story(new_story(other, "Another book."))
    window = make_window()
    assert window.documents.open(str(folder))
    qtbot.keyClicks(window.style_panel.authors_note, NOTE)
    window.documents.autosave()
    window.documents.flush()
    assert window.documents.open(str(other))
    assert window.style_panel.authors_note.text() == ""
    assert window.documents.open(str(folder))
    assert window.style_panel.authors_note.text() == NOTE
