"""The window's file handling: open, save, prompts, failures, autosave and recovery."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from backend.storage.paths import app_paths
from gui.window.main_window import MainWindow
from tests.fakes import FakeFactory, ScriptedPrompts, fake_spec, ready_window

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def open_window(qtbot, windows, tmp_path: Path):
    def make(prompts: ScriptedPrompts | None = None, home: Path | None = None) -> MainWindow:
        return ready_window(
            qtbot,
            windows,
            home or tmp_path / "home",
            fake_spec(tmp_path),
            engine_factory=FakeFactory(),
            prompts=prompts or ScriptedPrompts(),
        )

    return make


def test_save_as_then_save_and_reopen(qtbot, open_window, tmp_path: Path) -> None:
    target = tmp_path / "chapter.md"
    prompts = ScriptedPrompts(save_path=[str(target)])
    window = open_window(prompts)
    qtbot.keyClicks(window.editor, "The bell rang.")
    assert window.isWindowModified()
    qtbot.keyClick(window.editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert target.read_text() == "The bell rang."
    assert not window.isWindowModified()
    assert "chapter.md" in window.windowTitle()
    qtbot.keyClicks(window.editor, " Twice.")
    qtbot.keyClick(window.editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert target.read_text() == "The bell rang. Twice."
    assert (tmp_path / "chapter.md.bak").read_text() == "The bell rang."
    assert window.settings.recent_files[0] == str(target)


def test_unsaved_changes_prompt_on_new_can_cancel(qtbot, open_window) -> None:
    prompts = ScriptedPrompts(save_changes=["cancel", "discard"])
    window = open_window(prompts)
    qtbot.keyClicks(window.editor, "draft")
    qtbot.keyClick(window.editor, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.toPlainText() == "draft"
    qtbot.keyClick(window.editor, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.toPlainText() == ""
    assert [k for k, _ in prompts.asked].count("save_changes") == 2


def test_failed_save_keeps_text_and_lets_the_writer_save_elsewhere(
    qtbot, open_window, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere.md"
    prompts = ScriptedPrompts(save_path=[str(tmp_path / "gone" / "x.md"), str(elsewhere)])
    window = open_window(prompts)
    qtbot.keyClicks(window.editor, "precious")
    assert not window.documents.save()
    assert prompts.errors and "no longer exists" in prompts.errors[0][1]
    assert window.editor.toPlainText() == "precious" and window.isWindowModified()
    assert window.documents.save_as()
    assert elsewhere.read_text() == "precious"


def test_changed_on_disk_asks_before_overwriting(qtbot, open_window, tmp_path: Path) -> None:
    f = tmp_path / "shared.md"
    f.write_text("original")
    prompts = ScriptedPrompts(overwrite_changed=[False])
    window = open_window(prompts)
    assert window.documents.open(str(f))
    qtbot.keyClicks(window.editor, " edited")
    f.write_text("changed by another program")
    assert not window.documents.save()
    assert f.read_text() == "changed by another program"
    assert ("overwrite_changed", "shared.md") in prompts.asked


def test_opening_hostile_files(qtbot, open_window, tmp_path: Path) -> None:
    binary = tmp_path / "image.md"
    binary.write_bytes(b"\x89PNG\x00\x00\x01")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("naïve".encode("cp1252"))
    prompts = ScriptedPrompts(encoding=["cp1252"])
    window = open_window(prompts)
    qtbot.keyClicks(window.editor, "keep me")
    window.editor.document().setModified(False)
    assert not window.documents.open(str(binary))
    assert "binary" in prompts.errors[-1][1]
    assert window.documents.open(str(latin))
    assert window.editor.toPlainText() == "naïve"


def test_second_window_cannot_edit_a_locked_story(qtbot, open_window, tmp_path: Path) -> None:
    f = tmp_path / "locked.md"
    f.write_text("mine")
    first = open_window()
    assert first.documents.open(str(f))
    prompts = ScriptedPrompts()
    second = open_window(prompts, home=tmp_path / "other-home")
    # Same process: simulate another live Inkling by writing its pid into the lock.
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        lock = first.documents.lock.path
        data = json.loads(lock.read_text())
        data["pid"] = holder.pid
        lock.write_text(json.dumps(data))
        assert not second.documents.open(str(f))
        assert "another Inkling" in prompts.errors[-1][1]
    finally:
        holder.kill()
        holder.wait()


def test_autosave_writes_recovery_and_restart_offers_it(qtbot, open_window, tmp_path: Path) -> None:
    home = tmp_path / "home"
    window = open_window(home=home)
    qtbot.keyClicks(window.editor, "words that must survive")
    window.documents.autosave()
    window.documents.flush()
    files = list((home / "state" / "recovery").glob("*.json"))
    assert len(files) == 1
    data = json.loads(files[0].read_text())
    assert data["text"] == "words that must survive"
    # Pretend the process died: a new window offers the text back.
    data["pid"] = 2**22 + 12345
    files[0].write_text(json.dumps(data))
    prompts = ScriptedPrompts(recover=["restore"])
    second = open_window(prompts, home=home)
    second.documents.offer_recovery()
    assert second.editor.toPlainText() == "words that must survive"
    assert second.isWindowModified()


def test_a_pause_of_under_a_second_puts_the_text_on_disk(qtbot, open_window, tmp_path) -> None:
    # A crash loses at most what was typed since the last pause (or the last few seconds).
    home = tmp_path / "home"
    window = open_window(home=home)
    qtbot.keyClicks(window.editor, "the last sentence before the crash")
    idle = window.documents._idle
    assert idle.isActive() and idle.interval() <= 1000
    assert window.documents._period.isActive() and window.documents._period.interval() <= 5000
    folder = home / "state" / "recovery"
    qtbot.waitUntil(lambda: any(folder.glob("*.json")), timeout=10000)
    window.documents.flush()
    data = json.loads(next(folder.glob("*.json")).read_text())
    assert data["text"] == "the last sentence before the crash"


def test_the_recovery_offer_says_when_the_copy_was_kept(qtbot, monkeypatch) -> None:
    from PySide6.QtCore import QDateTime
    from PySide6.QtWidgets import QMessageBox, QWidget

    from backend.storage.recovery import Recovery
    from gui.book.prompts import Prompts

    shown: list[str] = []

    def fake_exec(box: QMessageBox) -> int:
        shown.append(box.text())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    parent = QWidget()
    qtbot.addWidget(parent)
    kept_at = 1_780_000_000.0
    rec = Recovery(Path("r.json"), "/books/Tide.txt", "Some words.", kept_at, 1)
    assert Prompts(parent).recover(rec) == "later"
    when = QDateTime.fromSecsSinceEpoch(int(kept_at)).toString("yyyy-MM-dd HH:mm")
    assert "Tide.txt" in shown[0] and when in shown[0]


def test_settings_survive_a_restart(qtbot, open_window, tmp_path: Path) -> None:
    home = tmp_path / "home"
    window = open_window(home=home)
    window.show_preferences()
    dialog = window.preferences_dialog
    dialog.font_size.setValue(19)
    dialog.theme.setCurrentIndex(2)  # dark
    dialog.delay.setValue(600)
    dialog.hotkey_edits["accept"].setKeySequence("Ctrl+J")
    assert window.editor.font().pointSize() == 19  # applied live
    assert window.suggestions.base_delay_ms == 600
    dialog.hotkey_edits["next"].setKeySequence("Ctrl+J")  # a conflict is refused
    assert "used by both" in dialog.problem_label.text()
    dialog.close()
    window.close()
    again = open_window(home=home)
    assert again.settings.editor.font_size == 19
    assert again.settings.editor.theme == "dark"
    assert again.settings.suggestions.delay_ms == 600
    assert again.settings.suggestions.hotkeys["accept"] == "Ctrl+J"
    assert again.settings.suggestions.hotkeys["next"] == "Alt+]"
    assert again.editor.keys["accept"].toString() == "Ctrl+J"


def test_corrupt_settings_cost_only_a_notice(qtbot, open_window, tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.toml").write_text("this is = = not toml")
    window = open_window(home=home)
    assert "settings.toml is damaged" in window.last_error and "defaults" in window.last_error
    qtbot.keyClicks(window.editor, "fine")
    assert window.editor.toPlainText() == "fine"


def test_engine_failure_is_reported_and_the_model_reloads(qtbot, windows, tmp_path) -> None:
    factory = FakeFactory()
    window = MainWindow(
        app_paths(tmp_path / "h"),
        fake_spec(tmp_path),
        engine_factory=factory,
        prompts=ScriptedPrompts(),
    )
    windows.append(window)
    qtbot.waitUntil(lambda: window.model_ready, timeout=5000)
    factory.engines[-1].raise_on_stream = RuntimeError("native crash")
    qtbot.keyClicks(window.editor, "Once")
    window.start_continuation()
    qtbot.waitUntil(lambda: "native crash" in window.last_error, timeout=5000)
    qtbot.waitUntil(lambda: len(factory.engines) == 2 and window.model_ready, timeout=5000)
    assert not window.editor.isReadOnly()
    qtbot.keyClicks(window.editor, " upon")
    assert window.editor.toPlainText() == "Once upon"


KILL_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, {root!r})
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from backend.storage.paths import app_paths
    from gui.window.main_window import MainWindow
    from tests.fakes import FakeFactory, ScriptedPrompts, fake_spec, ready_window
    from pathlib import Path
    app = QApplication([])
    w = MainWindow(app_paths({home!r}), fake_spec(Path({home!r})),
                   engine_factory=FakeFactory(), prompts=ScriptedPrompts())
    w.show()
    QTest.keyClicks(w.editor, "typed before the crash")
    w.documents.autosave_failed.connect(lambda m: print(m, flush=True))
    def die():
        w.documents.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    QTimer.singleShot(2600, die)  # after the 2 s idle autosave, before any save
    app.exec()
    """
)


def test_killed_process_loses_nothing_autosaved(qtbot, open_window, tmp_path: Path) -> None:
    home = tmp_path / "killed-home"
    script = tmp_path / "kill.py"
    script.write_text(KILL_SCRIPT.format(root=str(ROOT), home=str(home)))
    proc = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert proc.returncode == -9, proc.stderr
    prompts = ScriptedPrompts(recover=["restore"])
    window = open_window(prompts, home=home)
    window.documents.offer_recovery()
    assert window.editor.toPlainText() == "typed before the crash"
    assert prompts.asked[0][0] == "recover"


def test_story_project_keeps_details_and_manuscript(qtbot, open_window, tmp_path: Path) -> None:
    folder = tmp_path / "Lighthouse.inkling"
    prompts = ScriptedPrompts(save_path=[str(folder)])
    window = open_window(prompts)
    qtbot.keyClicks(window.editor, "The keeper waited.")
    assert window.documents.save_as()
    window.show_story_details()
    dialog = window.story_dialog
    dialog.premise.setPlainText("A keeper and a girl with a red umbrella.")
    dialog.notes.setPlainText("Chapter 2: the storm.")
    dialog.accept()
    assert window.isWindowModified()
    assert window.documents.save()
    window.documents.new()
    assert window.documents.open(str(folder))
    assert window.editor.toPlainText() == "The keeper waited."
    assert window.documents.story.premise == "A keeper and a girl with a red umbrella."
    assert window.documents.story.notes == "Chapter 2: the storm."
    assert "Lighthouse" in window.windowTitle()
