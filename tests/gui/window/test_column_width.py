"""Edit → Preferences → Text column width: the box shows and takes only widths the editor
uses (30 to 300 characters, or the comfortable measure), Up and Down step on from the
comfortable measure, and every width it offers is written as the writer sees it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from backend.storage.settings import Settings
from gui.editor.column import COMFORTABLE_COLUMN
from gui.window.main_window import MainWindow
from gui.window.preferences import PreferencesDialog
from tests.fakes import FakeFactory, ScriptedPrompts, fake_spec, ready_window

COMFORTABLE = f"Comfortable (about {COMFORTABLE_COLUMN} characters)"


@pytest.fixture
def dialog(qtbot) -> PreferencesDialog:
    dialog = PreferencesDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.column_width.setFocus()
    return dialog


def widths(dialog: PreferencesDialog) -> list[int]:
    """The column widths the dialog emits from now on (a live list)."""
    seen: list[int] = []
    dialog.settings_changed.connect(lambda s: seen.append(s.editor.column_width))
    return seen


def shown(dialog: PreferencesDialog) -> str:
    return dialog.column_width.lineEdit().text()


def test_up_and_down_step_on_from_the_comfortable_measure(qtbot, dialog) -> None:
    box, seen = dialog.column_width, widths(dialog)
    assert shown(dialog) == COMFORTABLE
    qtbot.keyClick(box, Qt.Key.Key_Up)
    assert shown(dialog) == f"{COMFORTABLE_COLUMN + 1} characters"
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert shown(dialog) == COMFORTABLE
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert shown(dialog) == f"{COMFORTABLE_COLUMN - 1} characters"
    assert seen == [COMFORTABLE_COLUMN + 1, 0, COMFORTABLE_COLUMN - 1]
    assert dialog.settings.editor.column_width == COMFORTABLE_COLUMN - 1


def test_the_box_stops_at_the_narrowest_and_widest_widths(qtbot, dialog) -> None:
    box, seen = dialog.column_width, widths(dialog)
    assert (box.minimum(), box.maximum()) == (30, 300)
    for _ in range(COMFORTABLE_COLUMN):
        qtbot.keyClick(box, Qt.Key.Key_Down)
    assert shown(dialog) == "30 characters"
    for _ in range(30):
        qtbot.keyClick(box, Qt.Key.Key_PageUp)
    assert shown(dialog) == "300 characters"
    assert seen and all(w == 0 or 30 <= w <= 300 for w in seen)
    assert not dialog.problem_label.text()


def test_every_width_reads_as_it_is_written(dialog) -> None:
    box = dialog.column_width
    for value in range(box.minimum(), box.maximum() + 1):
        text = box.textFromValue(value)
        assert text == (COMFORTABLE if value == COMFORTABLE_COLUMN else f"{value} characters")
        assert box.valueFromText(text) == value


def test_a_width_too_narrow_or_too_wide_is_not_taken(qtbot, dialog) -> None:
    box, seen = dialog.column_width, widths(dialog)
    edit = box.lineEdit()
    edit.selectAll()
    qtbot.keyClicks(box, "12")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert shown(dialog) == COMFORTABLE  # the last width is put back
    assert 12 not in seen and dialog.settings.editor.column_width == 0
    edit.selectAll()
    qtbot.keyClicks(box, "95")
    assert seen[-1] == 95 and shown(dialog) == "95"
    edit.selectAll()
    qtbot.keyClicks(box, "9000")  # the last zeros are refused as they are typed
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert seen[-1] == 90 and shown(dialog) == "90 characters"
    assert all(w == 0 or 30 <= w <= 300 for w in seen)


def test_saved_widths_are_shown_as_they_are(qtbot) -> None:
    settings = Settings()
    settings.editor.column_width = 120
    dialog = PreferencesDialog(settings)
    qtbot.addWidget(dialog)
    assert shown(dialog) == "120 characters"


def test_the_comfortable_text_fits_its_box(qtbot, dialog) -> None:
    box = dialog.column_width
    dialog.resize(1, 1)  # as narrow as the dialog lets itself be
    QApplication.processEvents()
    room = box.lineEdit().contentsRect().width()
    assert room >= box.lineEdit().fontMetrics().horizontalAdvance(COMFORTABLE)


def test_the_editor_follows_the_box(qtbot, windows, tmp_path: Path) -> None:
    window: MainWindow = ready_window(
        qtbot, windows, tmp_path / "home", fake_spec(tmp_path),
        engine_factory=FakeFactory(), prompts=ScriptedPrompts(),
    )  # fmt: skip
    window.show_preferences()
    box = window.preferences_dialog.column_width
    box.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() in (box, box.lineEdit()))
    qtbot.keyClick(box, Qt.Key.Key_Up)
    assert window.editor.column_chars == COMFORTABLE_COLUMN + 1
    assert window.settings.editor.column_width == COMFORTABLE_COLUMN + 1
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert window.editor.column_chars == 0 and window.settings.editor.column_width == 0


@pytest.mark.parametrize("chars", [0, 40])
def test_a_first_show_lays_the_text_out_inside_the_column(qtbot, chars: int) -> None:
    # Shown wider than its column, the editor laid its text out at its whole width: the
    # lines ran past the page behind a sideways scroll bar until the window was resized.
    from gui.editor.editor import Editor

    editor = Editor()
    qtbot.addWidget(editor)
    editor.set_column(chars)
    editor.resize(editor.column_width_px() + 200, 400)
    editor.show()
    qtbot.waitExposed(editor)
    qtbot.keyClicks(editor, "The boats knock against each other in the dark water. " * 3)
    assert editor.viewportMargins().left() > 0
    assert editor.document().size().width() <= editor.viewport().width()
    assert editor.horizontalScrollBar().maximum() == 0
