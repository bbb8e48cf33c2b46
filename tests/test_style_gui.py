"""Style in the window: retry twice and step back, rewrite, presets across stories."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from backend.models import BUNDLED_NAME, ModelSpec
from backend.paths import app_paths
from gui.main_window import MainWindow
from tests.fakes import FakeFactory, ScriptedPrompts, fake_spec

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def make(qtbot, windows, home: Path, spec: ModelSpec, **kwargs) -> MainWindow:
    window = MainWindow(app_paths(home), spec, prompts=ScriptedPrompts(), **kwargs)
    windows.append(window)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model_ready, timeout=60000)
    window.suggestions.set_enabled(False)
    return window


def test_retry_twice_then_step_back_to_the_first(qtbot, windows, tmp_path: Path) -> None:
    window = make(qtbot, windows, tmp_path / "h", fake_spec(tmp_path), engine_factory=FakeFactory())
    editor = window.editor
    qtbot.keyClicks(editor, "Alice saw")
    with qtbot.waitSignal(window.continuation_done, timeout=5000):
        qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)
    first = editor.toPlainText()
    for _ in range(2):
        with qtbot.waitSignal(window.continuation_done, timeout=5000):
            qtbot.keyClick(editor, Qt.Key.Key_R, CTRL)
    third = editor.toPlainText()
    assert third != first and third.startswith("Alice saw")
    node = window.history.current
    assert len(node.versions) == 3
    qtbot.keyClick(editor, Qt.Key.Key_Left, ALT)
    qtbot.keyClick(editor, Qt.Key.Key_Left, ALT)
    assert editor.toPlainText() == first
    qtbot.keyClick(editor, Qt.Key.Key_Right, ALT)
    assert editor.toPlainText() != first
    # One undo takes back one version switch.
    editor.undo()
    assert editor.toPlainText() == first


def test_preset_saved_in_one_story_applies_to_another(qtbot, windows, tmp_path: Path) -> None:
    window = make(qtbot, windows, tmp_path / "h", fake_spec(tmp_path), engine_factory=FakeFactory())
    panel = window.style_panel
    panel.pov.setCurrentIndex(panel.pov.findData("first"))
    panel.tense.setCurrentIndex(panel.tense.findData("present"))
    panel.tone.setCurrentText("bleak")
    panel.length.setCurrentIndex(panel.length.findData("paragraph"))
    assert panel.save_as_preset("Bleak first present")
    exported = tmp_path / "bleak.toml"
    assert panel.export_preset(str(exported))
    window.documents.new()
    panel.set_style(panel.style().with_(pov="", tense="", tone=""))
    panel.preset.setCurrentText("Bleak first present")
    panel.apply_selected_preset()
    style = panel.style()
    assert (style.pov, style.tense, style.tone) == ("first", "present", "bleak")
    other = make(
        qtbot, windows, tmp_path / "other", fake_spec(tmp_path), engine_factory=FakeFactory()
    )
    assert other.style_panel.import_preset(str(exported))
    assert other.style_panel.style().pov == "first"


@pytest.mark.slow
def test_styled_continuation_with_the_real_model(
    qtbot, windows, tmp_path: Path, bundled_gguf: Path
) -> None:
    window = make(qtbot, windows, tmp_path / "h", ModelSpec("llamacpp", bundled_gguf, BUNDLED_NAME))
    panel = window.style_panel
    panel.pov.setCurrentIndex(panel.pov.findData("first"))
    panel.tense.setCurrentIndex(panel.tense.findData("present"))
    panel.tone.setCurrentText("bleak")
    panel.length.setCurrentIndex(panel.length.findData("sentence"))
    qtbot.keyClicks(window.editor, "The rain had not stopped for three days. ")
    with qtbot.waitSignal(window.continuation_done, timeout=60000):
        qtbot.keyClick(window.editor, Qt.Key.Key_Return, CTRL)
    added = window.editor.toPlainText()[len("The rain had not stopped for three days. ") :]
    assert 2 <= len(added.split()) <= 45, added
    window.editor.selectAll()
    with qtbot.waitSignal(window.continuation_done, timeout=60000):
        window.rewrite_selection()
    assert window.editor.toPlainText().strip()
