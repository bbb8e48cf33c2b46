"""The window's size and dock layout across starts, the editor's room and measure, the panel
shortcuts, the Edit menu's clipboard entries, the speed in the status bar and the version in
About."""

from __future__ import annotations

import base64
from importlib.metadata import PackageNotFoundError
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

from backend.storage.paths import app_paths
from backend.storage.settings import DEFAULT_HOTKEYS
from backend.storage.state import StateStore
from gui.editor.column import COMFORTABLE_COLUMN, MIN_READABLE_CHARS
from gui.window import about, layout
from gui.window.about import AboutDialog, app_version
from gui.window.main_window import MainWindow
from gui.window.preferences import hotkey_conflicts
from tests.fakes import FakeFactory
from tests.gui.conftest import show_window

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def make(qtbot, windows, tmp_path: Path) -> MainWindow:
    window = show_window(qtbot, windows, tmp_path, engine_factory=FakeFactory())
    qtbot.waitUntil(lambda: window.model_ready, timeout=10000)
    return window


def activate(qtbot, window: MainWindow) -> None:
    """Shortcuts only reach the active window."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


# --- size and layout --------------------------------------------------------------------
def test_the_first_window_takes_a_generous_share_of_the_screen(
    qtbot, windows, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(layout, "SMALL_SCREEN", QSize(1, 1))
    window = make(qtbot, windows, tmp_path)
    screen = window.screen() or QGuiApplication.primaryScreen()
    available = screen.availableGeometry()
    assert window.width() >= int(available.width() * 0.8) or window.isMaximized()
    assert window.height() >= int(available.height() * 0.8) or window.isMaximized()
    assert window.size() != QSize(900, 680)


def test_a_small_screen_opens_the_first_window_maximised(
    qtbot, windows, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(layout, "SMALL_SCREEN", QSize(100_000, 100_000))
    window = make(qtbot, windows, tmp_path)
    assert window.windowState() & Qt.WindowState.WindowMaximized


def test_size_and_docks_come_back_at_the_next_start(qtbot, windows, tmp_path: Path) -> None:
    window = make(qtbot, windows, tmp_path)
    window.showNormal()
    window.bible.hide()
    window.memory.dock.hide()
    window.resize(window.minimumSizeHint().expandedTo(QSize(700, 500)))
    qtbot.wait(20)
    size = window.size()
    assert window.style_panel.isVisible()
    window.close()
    kept = StateStore(app_paths(tmp_path / "home"))
    assert isinstance(kept.get("window_state"), str)
    assert isinstance(kept.get("window_geometry"), str)

    again = make(qtbot, windows, tmp_path)
    assert again.size() == size
    assert again.bible.isHidden() and again.memory.dock.isHidden()
    assert not again.style_panel.isHidden()
    assert not again.bible.toggleViewAction().isChecked()


@pytest.mark.parametrize(
    ("geometry", "state"),
    [
        (12345, ["not", "bytes"]),
        ("!!! not base64 !!!", "%%%"),
        (base64.b64encode(b"\x00garbage" * 40).decode(), base64.b64encode(b"junk").decode()),
        ("A" * 200_000, "A" * 200_000),
        ("", None),
    ],
)
def test_damaged_or_foreign_layout_is_ignored(
    qtbot, windows, tmp_path: Path, geometry: object, state: object
) -> None:
    store = StateStore(app_paths(tmp_path / "home"))
    store.set("window_geometry", geometry)
    store.set("window_state", state)
    window = make(qtbot, windows, tmp_path)
    assert window.width() > 0 and window.height() > 0
    assert not window.bible.isHidden()  # the default layout
    qtbot.keyClicks(window.editor, "still writing")
    assert window.editor.toPlainText() == "still writing"


# --- the editor's room and measure ------------------------------------------------------
def test_docks_give_way_before_the_editor(qtbot, windows, tmp_path: Path) -> None:
    window = make(qtbot, windows, tmp_path)
    editor = window.editor
    readable = editor.fontMetrics().averageCharWidth() * MIN_READABLE_CHARS
    assert editor.minimumWidth() >= readable
    window.showNormal()
    window.book.binder.show()
    window.resizeDocks([window.book.binder, window.bible], [600, 600], Qt.Orientation.Horizontal)
    window.resize(900, 680)
    qtbot.wait(50)
    assert editor.width() >= editor.minimumWidth()
    assert editor.viewport().width() >= readable


def test_the_text_sits_in_a_comfortable_measure_by_default(qtbot, windows, tmp_path) -> None:
    window = make(qtbot, windows, tmp_path)
    editor = window.editor
    assert window.settings.editor.column_width == 0
    for dock in window.findChildren(QDockWidget):
        dock.hide()
    window.showNormal()
    window.resize(2400, 900)
    qtbot.waitUntil(lambda: editor.width() > 2000)
    comfortable = editor.fontMetrics().averageCharWidth() * COMFORTABLE_COLUMN
    assert editor.viewport().width() <= editor.column_width_px() + 2
    assert editor.viewport().width() >= comfortable
    assert editor.viewportMargins().left() > 0
    assert abs(editor.viewportMargins().left() - editor.viewportMargins().right()) <= 1
    # An explicit width still wins: a narrower column, and a very wide one fills the window.
    editor.set_column(40)
    assert editor.viewport().width() < comfortable
    editor.set_column(300)
    assert editor.viewportMargins().left() == 0


# --- panel shortcuts --------------------------------------------------------------------
def _docks(window: MainWindow) -> list[tuple[QDockWidget, Qt.Key, Qt.KeyboardModifier]]:
    return [
        (window.bible, Qt.Key.Key_B, CTRL),
        (window.style_panel, Qt.Key.Key_Y, CTRL | SHIFT),
        (window.memory.dock, Qt.Key.Key_I, CTRL | SHIFT),
        (window.book.binder, Qt.Key.Key_B, CTRL | SHIFT),
    ]


def _in(dock: QDockWidget, widget: QWidget | None) -> bool:
    return widget is not None and dock.isAncestorOf(widget)


def _in_front(window: MainWindow, dock: QDockWidget) -> bool:
    """Visible and not behind another dock's tab."""
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


@pytest.mark.parametrize("index", range(4))
def test_a_panel_shortcut_brings_the_panel_forward_and_back_to_the_text(
    qtbot, windows, tmp_path: Path, index: int
) -> None:
    window = make(qtbot, windows, tmp_path)
    activate(qtbot, window)
    dock, key, mods = _docks(window)[index]
    window.editor.setFocus()
    qtbot.waitUntil(lambda: window.focusWidget() is window.editor)
    # From the text: the panel comes forward (even behind another tab) with the keyboard.
    qtbot.keyClick(window.editor, key, mods)
    qtbot.waitUntil(lambda: _in(dock, QApplication.focusWidget()))
    assert _in_front(window, dock)
    assert dock.toggleViewAction().isChecked()
    # Again, from inside the panel: back to the text, the panel stays open.
    qtbot.keyClick(QApplication.focusWidget(), key, mods)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.editor)
    assert _in_front(window, dock)
    # A third time: forward again.
    qtbot.keyClick(window.editor, key, mods)
    qtbot.waitUntil(lambda: _in(dock, QApplication.focusWidget()))
    # Hidden: the shortcut shows it, and the View entry follows.
    window.editor.setFocus()
    dock.toggleViewAction().trigger()
    assert dock.isHidden() and not dock.toggleViewAction().isChecked()
    qtbot.keyClick(window.editor, key, mods)
    qtbot.waitUntil(lambda: _in(dock, QApplication.focusWidget()))
    assert _in_front(window, dock) and dock.toggleViewAction().isChecked()


def test_tabbed_panels_each_come_to_the_front(qtbot, windows, tmp_path: Path) -> None:
    window = make(qtbot, windows, tmp_path)
    activate(qtbot, window)
    tabbed = [(d, k, m) for d, k, m in _docks(window) if d is not window.book.binder]
    assert window.tabifiedDockWidgets(window.bible)
    for _ in range(2):  # twice round: a panel shown once is not hidden by its key
        for dock, key, mods in tabbed:
            window.editor.setFocus()
            qtbot.keyClick(window.editor, key, mods)
            qtbot.waitUntil(lambda d=dock: _in(d, QApplication.focusWidget()))
            assert _in_front(window, dock)
            for other, _k, _m in tabbed:
                assert not other.isHidden(), "a panel's key never hides another"


def test_view_menu_shows_the_panel_keys_and_opening_from_it_brings_the_panel_forward(
    qtbot, windows, tmp_path: Path
) -> None:
    window = make(qtbot, windows, tmp_path)
    activate(qtbot, window)
    toggle = window.style_panel.toggleViewAction()
    assert toggle.text().endswith("\t" + QKeySequence("Ctrl+Shift+Y").toString(
        QKeySequence.SequenceFormat.NativeText
    ))  # fmt: skip
    assert toggle.shortcut().isEmpty(), "the key belongs to the panel's own action"
    toggle.trigger()
    assert window.style_panel.isHidden()
    toggle.trigger()
    qtbot.waitUntil(lambda: _in(window.style_panel, QApplication.focusWidget()))
    assert _in_front(window, window.style_panel)


# --- Edit: cut, copy, paste, select all -------------------------------------------------
def _shortcuts(window: MainWindow) -> list[str]:
    keys = []
    for act in window.findChildren(QAction):
        keys += [k.toString() for k in act.shortcuts() if not k.isEmpty()]
    return keys


def test_edit_keys_are_standard_and_clash_with_nothing(qtbot, windows, tmp_path: Path) -> None:
    window = make(qtbot, windows, tmp_path)
    named = window.menu_actions.named
    for name, key in (
        ("cut", QKeySequence.StandardKey.Cut),
        ("copy", QKeySequence.StandardKey.Copy),
        ("paste", QKeySequence.StandardKey.Paste),
        ("select_all", QKeySequence.StandardKey.SelectAll),
    ):
        assert named[name].shortcut() == QKeySequence(key)
    keys = _shortcuts(window)
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    hotkeys = {QKeySequence(k).toString() for k in DEFAULT_HOTKEYS.values()}
    edit_keys = {named[n].shortcut().toString() for n in ("cut", "copy", "paste", "select_all")}
    assert not hotkeys & edit_keys
    assert hotkey_conflicts({**DEFAULT_HOTKEYS, "request": "Ctrl+C"})
    assert not hotkey_conflicts(dict(DEFAULT_HOTKEYS))


def test_edit_entries_act_on_the_focused_field(qtbot, windows, tmp_path: Path) -> None:
    window = make(qtbot, windows, tmp_path)
    activate(qtbot, window)
    named = window.menu_actions.named
    editor = window.editor
    window.set_auto_suggest(False)
    editor.setPlainText("The rain had not stopped")
    editor.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor)
    window.text_actions.update()
    assert named["select_all"].isEnabled()
    assert not named["copy"].isEnabled() and not named["cut"].isEnabled()
    named["select_all"].trigger()
    assert editor.textCursor().selectedText() == "The rain had not stopped"
    assert named["copy"].isEnabled() and named["cut"].isEnabled()
    named["copy"].trigger()
    assert QGuiApplication.clipboard().text() == "The rain had not stopped"
    assert named["paste"].isEnabled()
    # In a dock's field, the entries act there and leave the text alone.
    premise = window.bible.premise
    window.bible.show()
    window.bible.raise_()
    premise.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is premise)
    named["paste"].trigger()
    assert premise.text() == "The rain had not stopped"
    named["select_all"].trigger()
    assert premise.selectedText() == premise.text()
    named["cut"].trigger()
    assert premise.text() == ""
    assert editor.toPlainText() == "The rain had not stopped"
    assert not named["cut"].isEnabled()
    # Back in the text, cut takes the selection out.
    editor.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor)
    editor.select_range(0, 4)
    named["cut"].trigger()
    assert editor.toPlainText() == "rain had not stopped"
    assert QGuiApplication.clipboard().text() == "The "


def test_a_locked_text_says_why_instead_of_pasting(qtbot, windows, tmp_path: Path) -> None:
    window = make(qtbot, windows, tmp_path)
    activate(qtbot, window)
    editor = window.editor
    editor.setPlainText("kept")
    editor.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor)
    QGuiApplication.clipboard().setText("pasted")
    editor.set_locked("in the trash")
    assert not window.menu_actions.named["paste"].isEnabled()
    with qtbot.waitSignal(editor.typed_while_locked):
        window.text_actions.paste()
    assert editor.toPlainText() == "kept"
    editor.set_locked("")
    assert window.menu_actions.named["paste"].isEnabled()


# --- status bar and About ---------------------------------------------------------------
def test_speed_reads_in_words_and_is_quiet_when_idle(qtbot, windows, tmp_path: Path) -> None:
    window = make(qtbot, windows, tmp_path)
    status = window.status
    assert status.speed_label.text() == ""
    status.set_speed(16.0)
    assert status.speed_label.text() == "about 12 words/s"
    assert "16.0 tokens" in status.speed_label.toolTip()
    status.set_speed(0.0)
    assert status.speed_label.text() == ""
    status.set_speed(0.4)  # slow, but something was written
    status.set_speed(1.0)
    assert status.speed_label.text() == "about 1 word/s"
    status.set_speed(20.0, characters=True)
    assert status.speed_label.text() == "about 20 characters/s"
    window._on_continuation_running_changed(True)
    assert status.speed_label.text() == "" and status.speed_label.toolTip() == ""
    window._on_continuation_running_changed(False)
    status.set_speed(16.0)
    status._speed_timer.setInterval(10)
    status._speed_timer.start()
    qtbot.waitUntil(lambda: status.speed_label.text() == "")


def test_a_continuation_shows_its_speed_in_words(qtbot, windows, tmp_path: Path) -> None:
    window = make(qtbot, windows, tmp_path)
    qtbot.keyClicks(window.editor, "Alice saw")
    with qtbot.waitSignal(window.continuation_done, timeout=5000) as done:
        qtbot.keyClick(window.editor, Qt.Key.Key_Return, CTRL)
    label = window.status.speed_label.text()
    if done.args[0].tokens_per_s:
        assert label.startswith("about ") and label.endswith(("words/s", "word/s"))
        assert "tokens" not in label and "tokens per second" in window.status.speed_label.toolTip()
    else:
        assert label == ""


def test_about_shows_the_version(qtbot, monkeypatch) -> None:
    assert app_version() == "0.1.0"
    dialog = AboutDialog("Fake model")
    qtbot.addWidget(dialog)
    assert "Version 0.1.0" in dialog.label.text()

    def missing(_name: str) -> str:
        raise PackageNotFoundError("inkling")

    monkeypatch.setattr("importlib.metadata.version", missing)  # read when asked
    assert app_version() == "0.1.0"  # from pyproject.toml
    monkeypatch.setattr(about, "PYPROJECT", Path("/nonexistent/pyproject.toml"))
    assert app_version() == ""
    dialog = AboutDialog("Fake model")
    qtbot.addWidget(dialog)
    assert "Version" not in dialog.label.text()


def test_help_lists_the_keyboard_shortcuts_from_the_menus(qtbot, windows, tmp_path: Path) -> None:
    from gui.window.shortcuts import ShortcutsDialog

    window = make(qtbot, windows, tmp_path)
    window.menu_actions.named["shortcuts"].trigger()
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None and dialog.isVisible()
    listed = dict(dialog.entries())
    assert "Find in Book…" in listed and "Ctrl+Shift+F" in listed["Find in Book…"]
    assert listed.get("Continuity") == "Ctrl+Alt+C"
    assert not any("&" in text for text in listed)  # the accelerator marks are gone
    screen = window.screen().availableGeometry()
    assert dialog.width() <= screen.width() and dialog.height() <= screen.height()


def test_the_restart_question_names_its_buttons(qtbot, windows, tmp_path: Path) -> None:
    from tests.fakes import ScriptedPrompts
    from tests.gui.conftest import show_window

    prompts = ScriptedPrompts(confirm=[False])
    asked: list[tuple[str, str]] = []
    real = prompts.confirm

    def confirm(question: str, yes: str = "", no: str = "") -> bool:
        asked.append((yes, no))
        return real(question)

    prompts.confirm = confirm  # type: ignore[method-assign]
    window = show_window(qtbot, windows, tmp_path, engine_factory=FakeFactory(), prompts=prompts)
    assert window.offer_restart("zh_CN") is False
    assert asked == [("Restart Now", "Later")]


def test_a_continuation_does_not_count_as_the_writers_words(qtbot, windows, tmp_path: Path) -> None:
    from backend.formats.manuscript import split_manuscript
    from backend.story.project_save import save_story

    folder = tmp_path / "Words.inkling"
    save_story(split_manuscript("Chapter 1\n\nAlice saw").to_story(folder, "Words"))
    window = make(qtbot, windows, tmp_path)
    assert window.documents.open(str(folder))
    progress = window.documents.project.progress
    before = progress.today
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    with qtbot.waitSignal(window.continuation_done, timeout=10000) as done:
        window.start_continuation()
    assert done.args[0].text.split()
    window.documents.project.recount_current()  # as after the pause that follows
    assert progress.total > 2  # the book's count holds the model's words
    assert progress.today == before and progress.session == 0


def test_undoing_and_redoing_the_models_words_leaves_the_writers_count(
    qtbot, windows, tmp_path: Path
) -> None:
    from backend.formats.manuscript import split_manuscript
    from backend.story.project_save import save_story

    folder = tmp_path / "Undo.inkling"
    save_story(split_manuscript("Chapter 1\n\nAlice saw").to_story(folder, "Undo"))
    window = make(qtbot, windows, tmp_path)
    assert window.documents.open(str(folder))
    project, editor = window.documents.project, window.editor
    progress = project.progress
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, " the white rabbit")
    project.recount_current()
    assert progress.today == 3  # the writer's own three words
    with qtbot.waitSignal(window.continuation_done, timeout=10000):
        window.start_continuation()
    with qtbot.waitSignal(window.continuation_done, timeout=10000):
        window.continuation.retry()  # a second version replaces the first: one more step
    for _ in range(2):  # back through the retry and the continuation, then forward again
        editor.undo()
        qtbot.wait(20)
        project.recount_current()
        assert progress.today == 3, editor.toPlainText()
    assert editor.toPlainText().endswith("the white rabbit")
    for _ in range(2):
        editor.redo()
        qtbot.wait(20)
        project.recount_current()
        assert progress.today == 3, editor.toPlainText()
    assert progress.total > 5
