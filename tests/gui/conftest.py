"""Windows for the GUI tests: a real MainWindow on the fake engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.storage.paths import app_paths
from gui.window.main_window import MainWindow
from tests.fakes import FakeFactory, ScriptedPrompts, fake_spec, ready_window


def show_window(qtbot, windows, tmp_path: Path, spec=None, **kwargs) -> MainWindow:
    """A window shown at once, its model still loading."""
    kwargs.setdefault("prompts", ScriptedPrompts())
    window = MainWindow(app_paths(tmp_path / "home"), spec or fake_spec(tmp_path), **kwargs)
    windows.append(window)
    qtbot.addWidget(window)
    window.show()
    return window


def open_window(qtbot, windows, tmp_path: Path, spec=None, **kwargs) -> MainWindow:
    """A window whose model has loaded."""
    window = show_window(qtbot, windows, tmp_path, spec, **kwargs)
    qtbot.waitUntil(lambda: window.model_ready, timeout=60000)
    return window


@pytest.fixture
def window(qtbot, windows, tmp_path: Path) -> MainWindow:
    w = open_window(qtbot, windows, tmp_path, engine_factory=FakeFactory())
    w.suggestions.base_delay_ms = 30
    return w


@pytest.fixture
def make_window(qtbot, windows, tmp_path: Path):
    """Makes a loaded window on the fake engine whose prompts give these answers
    (`ScriptedPrompts`); a test module may keep a `make_window` of its own."""

    def make(**answers: object) -> MainWindow:
        return ready_window(
            qtbot, windows, tmp_path / "home", fake_spec(tmp_path),
            engine_factory=FakeFactory(), prompts=ScriptedPrompts(**answers),
        )  # fmt: skip

    return make
