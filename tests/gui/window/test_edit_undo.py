"""Edit → Undo and Redo act where the keyboard is: a dock's text field, a panel with a
history of its own (the story bible's), or else the manuscript."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QApplication

from tests.fakes import FakeFactory
from tests.gui.conftest import show_window


class Step(QUndoCommand):
    def __init__(self, log: list[str]) -> None:
        super().__init__("a step")
        self.log = log

    def undo(self) -> None:
        self.log.append("undone")

    def redo(self) -> None:
        self.log.append("done")


def test_edit_undo_acts_where_the_keyboard_is(qtbot, windows, tmp_path: Path) -> None:
    window = show_window(qtbot, windows, tmp_path, engine_factory=FakeFactory())
    qtbot.waitUntil(lambda: window.model_ready, timeout=10000)
    window.activateWindow()
    editor, bible, named = window.editor, window.bible, window.menu_actions.named
    qtbot.keyClicks(editor, "The rain.")
    # A field of the bible: its own typing is undone, not the manuscript's.
    bible.premise.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is bible.premise)
    qtbot.keyClicks(bible.premise, "A storm")
    named["undo"].trigger()
    assert bible.premise.text() == "" and editor.toPlainText() == "The rain."
    named["redo"].trigger()
    assert bible.premise.text() == "A storm"
    # The bible's list: its own history (a generation, a rename), not the manuscript's.
    log: list[str] = []
    bible.undo_stack.push(Step(log))
    bible.list.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is bible.list)
    named["undo"].trigger()
    assert log == ["done", "undone"] and editor.toPlainText() == "The rain."
    # The manuscript, as before.
    editor.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor)
    named["undo"].trigger()
    assert editor.toPlainText() == ""
