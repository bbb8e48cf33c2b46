"""Hot exit and whole-story recovery, with Inkling running as the real app in a subprocess.

A polite kill (SIGTERM, SIGHUP, Ctrl+C) must keep the unsaved work and exit without a
dialog; a hard kill must lose no more than the last autosave. Either way the next start
offers the text back with its story bible, premise and genre.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from backend.formats.manuscript import split_manuscript
from backend.storage.paths import app_paths
from backend.storage.recovery import RecoveryStore
from backend.story.project_read import load_story
from backend.story.project_save import save_story
from gui.desktop_check import display_advice
from gui.window.main_window import MainWindow
from tests.fakes import FakeFactory, ScriptedPrompts, fake_spec, ready_window
from tests.gui.window.hot_exit_app import GENRE, PREMISE, TEXT

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def open_window(qtbot, windows, tmp_path: Path):
    def make(prompts: ScriptedPrompts, home: Path) -> MainWindow:
        spec = fake_spec(tmp_path)
        return ready_window(
            qtbot, windows, home, spec, engine_factory=FakeFactory(), prompts=prompts
        )

    return make


def launch(mode: str, home: Path, model: Path, *extra: str, display: str = "") -> subprocess.Popen:
    """Start the app in `mode` and wait until it says READY (on X `display` if given)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}
    if display:
        env.update(QT_QPA_PLATFORM="xcb", DISPLAY=display)
    command = [sys.executable, "-m", "tests.gui.window.hot_exit_app", mode, "--config", str(home)]
    proc = subprocess.Popen(
        [*command, "--model", str(model), *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "READY":
        proc.kill()
        pytest.fail(
            f"the app did not get ready: {line!r} {proc.stderr.read() if proc.stderr else ''}"
        )
    return proc


def skip_without_a_real_display() -> None:
    """Skip unless an X server can be started here and Qt's X11 plugin can run on it.

    The same check as `python -m gui.desktop_check display`: with Xvfb but without the
    system libraries Qt's xcb plugin needs, the app could not open a window at all.
    """
    if shutil.which("Xvfb") is None:
        pytest.skip("needs Xvfb for a real X display")
    advice = display_advice()
    if advice is not None:
        pytest.skip(" ".join(advice.text().split()))


def recovery_files(home: Path) -> list[dict]:
    folder = home / "state" / "recovery"
    return [json.loads(f.read_text()) for f in sorted(folder.glob("*.json"))]


def restore_in_new_window(open_window, home: Path):
    prompts = ScriptedPrompts(recover=["restore"])
    window = open_window(prompts, home=home)
    window.documents.offer_recovery()
    assert prompts.asked and prompts.asked[0][0] == "recover"
    return window


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_polite_kill_keeps_the_text_and_story_and_exits_without_a_dialog(
    open_window, tmp_path: Path, bundled_gguf: Path, sig: signal.Signals
) -> None:
    home = tmp_path / "home"
    proc = launch("type", home, bundled_gguf)
    proc.send_signal(sig)
    try:
        code = proc.wait(timeout=30)  # a modal "Save changes?" would hang here
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the app was still running after the signal")
    assert code == 0
    [kept] = recovery_files(home)
    assert kept["text"] == TEXT
    assert kept["story"]["premise"] == PREMISE and kept["story"]["genre"] == GENRE
    window = restore_in_new_window(open_window, home)
    assert window.editor.toPlainText() == TEXT
    assert window.bible.premise.text() == PREMISE
    assert window.bible.genre.text() == GENRE
    assert window.isWindowModified()


def assert_work_kept(open_window, home: Path) -> None:
    [kept] = recovery_files(home)
    assert kept["text"] == TEXT and kept["story"]["premise"] == PREMISE
    window = restore_in_new_window(open_window, home)
    assert window.editor.toPlainText() == TEXT
    assert window.bible.genre.text() == GENRE


def test_an_event_loop_that_ends_under_the_open_window_keeps_the_work(
    open_window, tmp_path: Path, bundled_gguf: Path
) -> None:
    # What Qt does when the X display goes away (a logout on Linux): it ends the loop with 1.
    home = tmp_path / "home"
    proc = launch("display-lost", home, bundled_gguf)
    assert proc.wait(timeout=30) == 1
    assert_work_kept(open_window, home)


def test_the_x_server_going_away_keeps_the_work(
    open_window, qtbot, tmp_path: Path, bundled_gguf: Path
) -> None:
    skip_without_a_real_display()
    home = tmp_path / "home"
    display = f":{90 + os.getpid() % 500}"
    xvfb = subprocess.Popen(["Xvfb", display], stderr=subprocess.DEVNULL)
    try:
        socket = Path(f"/tmp/.X11-unix/X{display[1:]}")
        qtbot.waitUntil(socket.exists, timeout=10_000)
        proc = launch("type", home, bundled_gguf, display=display)
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
    try:
        code = proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the app was still running after its display went away")
    assert code == 1
    assert_work_kept(open_window, home)


def test_a_hard_kill_after_generating_a_character_loses_neither_text_nor_character(
    open_window, qtbot, tmp_path: Path, bundled_gguf: Path
) -> None:
    home = tmp_path / "home"
    proc = launch("character", home, bundled_gguf)

    def character_autosaved() -> bool:
        # The idle autosave (two seconds after the last change) keeps the new character.
        kept = recovery_files(home)
        return bool(kept) and any(c.get("Name") for c in kept[0]["story"]["characters"])

    try:
        qtbot.waitUntil(character_autosaved, timeout=60_000)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    [kept] = recovery_files(home)
    [character] = kept["story"]["characters"]
    assert character.get("Name")
    window = restore_in_new_window(open_window, home)
    assert window.editor.toPlainText() == TEXT
    assert [c.get("Name") for c in window.bible.characters] == [character["Name"]]
    assert window.bible.characters[0] == character
    assert window.bible.premise.text() == PREMISE
    # Restored work is unsaved work: closing asks again, and it is kept until then.
    assert window.documents.has_unsaved_work


def test_a_polite_kill_of_a_saved_file_releases_its_lock(
    open_window, tmp_path: Path, bundled_gguf: Path
) -> None:
    home = tmp_path / "home"
    doc = tmp_path / "chapter.txt"
    doc.write_text("Saved words. ", encoding="utf-8")
    proc = launch("type", home, bundled_gguf, "--open", str(doc))
    lock = doc.with_name(f".~{doc.name}.inkling-lock")
    assert lock.exists()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    assert not lock.exists()
    assert doc.read_text(encoding="utf-8") == "Saved words. "  # never written behind its back
    [kept] = RecoveryStore(app_paths(home).state).pending()
    assert kept.document == str(doc) and kept.text == "Saved words. " + TEXT


def test_hot_exit_of_a_story_saves_its_changed_scene_and_bible_in_place(
    qtbot, windows, tmp_path: Path
) -> None:
    folder = tmp_path / "Harbour.inkling"
    text = "Chapter 1\n\nWren walked to the harbour.\n\nChapter 2\n\nThe tide turned."
    save_story(split_manuscript(text).to_story(folder, "Harbour"))
    prompts = ScriptedPrompts()
    window = ready_window(
        qtbot, windows, tmp_path / "home", fake_spec(tmp_path),
        engine_factory=FakeFactory(), prompts=prompts,
    )  # fmt: skip
    assert window.documents.open(str(folder))
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(window.editor, " Gulls cried.")
    qtbot.keyClicks(window.bible.premise, "A harbour town keeps a secret")
    window.bible.add_entry("character", {"Name": "Wren Ashby", "Occupation": "Pilot"})
    assert window.hot_exit()  # no question asked, the model thread stopped
    assert not [a for a in prompts.asked if a[0] == "save_changes"]
    assert not window.model_thread.thread.isRunning()
    story, _notes = load_story(folder)
    scenes = [s.text for _c, s in story.binder.scenes()]
    assert scenes[0].endswith("Wren walked to the harbour. Gulls cried.")
    assert story.premise == "A harbour town keeps a secret"
    assert [c["Name"] for c in story.characters] == ["Wren Ashby"]
    assert not list(folder.glob(".~*inkling-lock"))
