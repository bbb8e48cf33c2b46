"""The window under pytest-qt: continuation streaming, undo, stop, load errors, shutdown."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from backend.engines.base import EngineError
from backend.models.bundled import BUNDLED_NAME
from backend.models.spec import ModelSpec
from gui.window.main_window import MainWindow
from tests.fakes import FakeFactory
from tests.gui.conftest import show_window


@pytest.fixture
def make_window(qtbot, windows, tmp_path: Path):
    """A window on a fake engine, with its model loaded."""

    def make(factory: FakeFactory) -> MainWindow:
        window = show_window(qtbot, windows, tmp_path, engine_factory=factory)
        qtbot.waitUntil(lambda: window.model_ready, timeout=5000)
        return window

    return make


def test_ctrl_enter_streams_at_cursor_as_one_undo_step(qtbot, make_window) -> None:
    window = make_window(FakeFactory())
    editor = window.editor
    qtbot.keyClicks(editor, "Alice saw")
    with qtbot.waitSignal(window.continuation_done, timeout=5000):
        qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    text = editor.toPlainText()
    assert text.startswith("Alice saw ") and "rabbit ran down" in text, text
    assert not editor.isReadOnly()
    assert window.status.model_label.text() == "Fake model"
    editor.undo()
    assert editor.toPlainText() == "Alice saw"


def test_escape_stops_mid_stream_and_keeps_text(qtbot, make_window) -> None:
    factory = FakeFactory(delay=0.05)
    window = make_window(factory)
    editor = window.editor
    qtbot.keyClicks(editor, "Once")
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(editor.toPlainText()) > len("Once") + 4, timeout=5000)
    with qtbot.waitSignal(window.continuation_done, timeout=5000) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert blocker.args[0].cancelled is True
    engine = factory.engines[-1]
    assert engine.tokens_emitted < 12
    kept = editor.toPlainText()
    assert kept.startswith("Once") and len(kept) > 4
    qtbot.keyClicks(editor, "!")
    assert editor.toPlainText() == kept + "!"


def test_model_load_failure_is_reported_and_editor_still_works(
    qtbot, windows, tmp_path: Path
) -> None:
    factory = FakeFactory(fail_load="The file is not a GGUF model.")
    window = show_window(qtbot, windows, tmp_path, engine_factory=factory)
    qtbot.waitUntil(lambda: "GGUF" in window.last_error, timeout=5000)
    assert "GGUF" in window.statusBar().currentMessage()
    assert window._error_box is not None and window._error_box.isVisible()
    qtbot.keyClicks(window.editor, "still writing")
    assert window.editor.toPlainText() == "still writing"
    window._error_box.close()


def test_each_failed_request_is_reported_by_the_part_that_asked(qtbot, make_window) -> None:
    factory = FakeFactory()
    window = make_window(factory)
    factory.engines[-1].raise_on_stream = EngineError("The model's context is full.")
    window.set_auto_suggest(False)
    qtbot.keyClicks(window.editor, "Once")
    window.start_continuation()
    qtbot.waitUntil(lambda: not window.editor.inserting, timeout=5000)
    QApplication.processEvents()  # every receiver of the failure has had its turn
    assert window.statusBar().currentMessage() == (
        "Generation failed: The model's context is full."
    )
    window._error_box.close()
    window.suggestions.request_now()
    qtbot.waitUntil(lambda: "Suggestion" in window.statusBar().currentMessage(), timeout=5000)
    QApplication.processEvents()
    assert window.statusBar().currentMessage() == (
        "Suggestion failed: The model's context is full."
    )
    assert window.last_error == "The model's context is full."


def test_real_bad_model_file_reaches_the_window(qtbot, windows, tmp_path: Path) -> None:
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\x03\x00\x00\x00" + b"\x00" * 64)
    window = show_window(qtbot, windows, tmp_path, ModelSpec("llamacpp", bad, "broken"))
    qtbot.waitUntil(lambda: bool(window.last_error), timeout=20000)
    assert "broken.gguf" in window.last_error
    assert not window.model_ready


def test_close_mid_generation_shuts_down_cleanly(qtbot, make_window) -> None:
    factory = FakeFactory(delay=0.05)
    window = make_window(factory)
    qtbot.keyClicks(window.editor, "The night")
    qtbot.keyClick(window.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: factory.engines[-1].tokens_emitted > 1, timeout=5000)
    window.close()
    assert not window.model_thread.thread.isRunning()
    assert factory.engines[-1].closed


def test_about_box_shows_the_gemma_licence(make_window) -> None:
    window = make_window(FakeFactory())
    window.menu_actions.about.trigger()
    text = window.about_dialog.label.text()
    assert "Gemma Terms of Use" in text
    assert "ai.google.dev/gemma/terms" in text
    window.about_dialog.close()


@pytest.mark.slow
def test_window_with_the_bundled_model(qtbot, windows, tmp_path: Path, bundled_gguf: Path) -> None:
    spec = ModelSpec("llamacpp", bundled_gguf, BUNDLED_NAME)
    window = show_window(qtbot, windows, tmp_path, spec)
    qtbot.waitUntil(lambda: window.model_ready, timeout=60000)
    # Its vocabulary is kept for the next start (backend/engines/piece_cache.py).
    assert len(list(window.paths.vocabulary.glob("*.pieces"))) == 1
    qtbot.keyClicks(window.editor, "It was a dark and stormy night, and")
    with qtbot.waitSignal(window.continuation_done, timeout=60000):
        qtbot.keyClick(window.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(window.editor.toPlainText()) > len("It was a dark and stormy night, and") + 10
    assert "/s" in window.status.speed_label.text()
    assert "tokens" in window.status.speed_label.toolTip()
    window.close()
