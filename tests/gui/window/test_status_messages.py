"""The status bar at start-up and after: one message at a time, none replaced before it
could be read by one that matters less, and the offer of a better model never drawn over a
message. Time passing is the status bar's own timers firing (no waiting on the clock)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QStatusTipEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from backend.engines.base import EngineKind
from backend.models.bundled import BUNDLED_NAME
from backend.models.spec import ModelSpec
from gui.window import status_bar
from gui.window.main_window import MainWindow
from gui.window.status_bar import StatusBar
from tests.fakes import FakeFactory
from tests.gui.conftest import show_window

LOCK_NOTE = "A stale lock on story.toml was cleared (Inkling had stopped)."
MODEL_GONE = "The chosen model is gone; using the bundled one."


def covering(status: StatusBar) -> list[QWidget]:
    """The status bar's widgets drawn where its message is written."""
    text = status.currentMessage()
    if not text:
        return []
    written = QRect(0, 0, 8 + status.fontMetrics().horizontalAdvance(text), status.height())
    children = status.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
    return [w for w in children if w.isVisible() and w.geometry().intersects(written)]


def fire(timer: QTimer) -> None:
    """`timer`'s time has come (at once, rather than on the clock)."""
    if timer.isActive():
        timer.stop()
        timer.timeout.emit()


def read(status: StatusBar) -> None:
    """The message shown has been on long enough to be read."""
    fire(status.read_timer)


def time_runs_out(status: StatusBar) -> None:
    """The message shown has had its time (it was read first)."""
    fire(status.read_timer)
    fire(status.expiry_timer)


def close_error_box(window: MainWindow) -> None:
    """The writer closes the dialog that told the error too."""
    assert window._error_box is not None
    window._error_box.close()


@pytest.fixture
def first_start(qtbot: QtBot, windows: list[MainWindow], tmp_path: Path) -> MainWindow:
    """A first start: the built-in model is still loading, and the story reopened at the
    same time found a stale lock and cleared it."""
    spec = ModelSpec(EngineKind.LLAMACPP, tmp_path / "fake.gguf", BUNDLED_NAME)
    window = show_window(qtbot, windows, tmp_path, spec, engine_factory=FakeFactory())
    window.resize(1200, 700)
    assert window.status.progress.isVisibleTo(window.status)  # the model loads, right side
    window.documents.status.emit(LOCK_NOTE)
    QApplication.processEvents()
    assert covering(window.status) == []  # the note beside the loading model, not under it
    qtbot.waitUntil(lambda: window.model_ready, timeout=10000)
    QApplication.processEvents()
    return window


def test_the_ready_message_waits_for_the_note_before_it(first_start: MainWindow) -> None:
    status = first_start.status
    assert status.currentMessage() == LOCK_NOTE  # not cut off as the model became ready
    assert status.model_label.text() == BUNDLED_NAME and not status.progress.isVisible()
    time_runs_out(status)
    assert "is ready" in status.currentMessage() and "Ctrl+Enter" in status.currentMessage()


def test_the_offer_is_never_drawn_over_a_message(first_start: MainWindow) -> None:
    status = first_start.status
    seen = []
    for _step in range(4):  # the lock note, the ready message, then the offer
        QApplication.processEvents()
        assert covering(status) == [], status.currentMessage()
        seen.append(status.currentMessage())
        if not status.currentMessage():
            break
        time_runs_out(status)
    assert seen[0] == LOCK_NOTE and "is ready" in seen[1] and seen[2] == ""
    assert status.offer_button.isVisible() and "better" in status.offer_label.text()
    status.showMessage("Saved.", 3000)  # a message hides the offer while it is shown
    QApplication.processEvents()
    assert covering(status) == [] and not status.offer_button.isVisible()
    time_runs_out(status)
    assert status.offer_button.isVisible()


def test_news_at_start_waits_for_the_one_before_it(window: MainWindow) -> None:
    status = window.status
    time_runs_out(status)  # the fixture's model became ready a moment ago
    status.notify(MODEL_GONE)
    status.model_ready("Other model")
    assert status.currentMessage() == MODEL_GONE
    read(status)
    assert "Other model is ready" in status.currentMessage()


def test_an_error_is_not_wiped_by_a_passing_message_before_it_is_read(
    window: MainWindow,
) -> None:
    window.show_error("The model could not be loaded", "The file is not a GGUF model.")
    close_error_box(window)
    window.status.showMessage("Style matched to the selection.", 5000)
    assert "not a GGUF model" in window.status.currentMessage()
    read(window.status)
    assert window.status.currentMessage() == "Style matched to the selection."


def test_the_writers_own_message_comes_at_once_and_the_news_comes_back(
    window: MainWindow,
) -> None:
    status = window.status
    assert "is ready" in status.currentMessage()
    status.showMessage("No suggestion while text is selected.", 6000)
    assert status.currentMessage() == "No suggestion while text is selected."
    time_runs_out(status)
    assert "is ready" in status.currentMessage()  # it had been cut short before it was read


def test_a_menus_status_tip_does_not_lose_an_error_not_yet_read(window: MainWindow) -> None:
    window.show_error("Generation failed", "The model's context is full.")
    close_error_box(window)
    QApplication.sendEvent(window, QStatusTipEvent("Open a text or a story project."))
    assert window.status.currentMessage() == "Open a text or a story project."
    QApplication.sendEvent(window, QStatusTipEvent(""))  # the pointer left the menu entry
    assert window.status.currentMessage() == "Generation failed: The model's context is full."


def test_chinese_is_given_the_time_its_characters_need() -> None:
    english = "The model is ready."
    chinese = "模型已就绪，可以续写了。"  # the same length in characters, about
    assert status_bar.reading_ms(chinese) > status_bar.reading_ms(english)
