"""Files the window refuses: each refusal reaches the writer as a message naming the file
(a dialog or the status bar), nothing outside is touched, and the window keeps working."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from gui.window.main_window import MainWindow
from tests.fakes import FakeFactory, ScriptedPrompts, fake_spec, ready_window

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


@pytest.fixture
def window(qtbot, windows, tmp_path: Path) -> MainWindow:
    return ready_window(
        qtbot, windows, tmp_path / "home", fake_spec(tmp_path),
        engine_factory=FakeFactory(), prompts=ScriptedPrompts(),
    )  # fmt: skip


def still_works(qtbot, window: MainWindow) -> None:
    window.editor.setFocus()
    qtbot.keyClicks(window.editor, "Still here.")
    assert window.editor.toPlainText().endswith("Still here.")
    assert not window.editor.isReadOnly()


@needs_fifo
def test_opening_a_pipe_is_a_message(qtbot, window: MainWindow, tmp_path: Path, canary) -> None:
    fifo = tmp_path / "chapter.md"
    os.mkfifo(fifo)
    assert not window.documents.open(str(fifo))
    title, message = window.documents.prompts.errors[-1]
    assert title == "Cannot open" and "chapter.md" in message and "not an ordinary file" in message
    still_works(qtbot, window)
    canary.check()


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_opening_a_link_to_an_endless_device_is_a_message(
    qtbot, window: MainWindow, tmp_path: Path, canary
) -> None:
    link = tmp_path / "endless.txt"
    link.symlink_to("/dev/zero")
    assert not window.documents.open(str(link))
    title, message = window.documents.prompts.errors[-1]
    assert title == "Cannot open" and "endless.txt" in message
    still_works(qtbot, window)
    canary.check()


@needs_fifo
def test_a_project_whose_story_file_is_a_pipe_opens_with_a_note(
    qtbot, window: MainWindow, tmp_path: Path, canary
) -> None:
    folder = tmp_path / "Story.inkling"
    folder.mkdir()
    os.mkfifo(folder / "story.toml")
    assert window.documents.open(str(folder))
    title, notes = window.documents.prompts.errors[-1]
    assert title == "Opened with problems" and "story.toml" in notes
    assert window.documents.story is not None
    still_works(qtbot, window)
    qtbot.keyClick(window.editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert (folder / "story.toml").is_file()  # a new one, in place of the pipe
    canary.check()


def test_a_deeply_nested_card_is_a_status_message(
    qtbot, window: MainWindow, tmp_path: Path, canary
) -> None:
    card = tmp_path / "hero.json"
    card.write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    messages: list[str] = []
    window.bible.status.connect(messages.append)
    assert not window.bible.import_card_file(str(card))
    assert (
        messages and messages[-1].startswith("Card not imported: ") and "hero.json" in messages[-1]
    )
    assert window.bible.characters == []
    still_works(qtbot, window)
    canary.check()


def test_a_deeply_nested_preset_is_a_status_message_and_the_list_survives(
    qtbot, window: MainWindow, tmp_path: Path, canary
) -> None:
    preset = tmp_path / "noir.toml"
    preset.write_text("name = " + "[" * 5000 + "]" * 5000, encoding="utf-8")
    panel = window.style_panel
    builtin = panel.preset.count()
    messages: list[str] = []
    panel.status.connect(messages.append)
    assert not panel.import_preset(str(preset))
    assert messages[-1].startswith("Preset not imported: ") and "noir.toml" in messages[-1]
    # The same file dropped into the writer's presets folder is skipped, and said so.
    panel.presets_dir.mkdir(parents=True, exist_ok=True)
    (panel.presets_dir / "noir.toml").write_bytes(preset.read_bytes())
    panel.reload_presets()
    assert panel.preset.count() == builtin
    assert "noir.toml" in messages[-1]
    still_works(qtbot, window)
    canary.check()


@needs_fifo
def test_the_gates_refusals_are_shown_in_the_interface_language(tmp_path: Path, canary) -> None:
    """Each kind of refusal from the untrusted-file gate matches a template of
    gui/common/messages.py, so it is translated with the file's name filled in."""
    from backend.untrusted import RefusedFile, inside, loads_json, read_bounded
    from gui.common.messages import _patterns

    story = tmp_path / "Story.inkling"
    story.mkdir()
    fifo, big, link = tmp_path / "pipe.md", tmp_path / "big.md", story / "link.md"
    os.mkfifo(fifo)
    big.write_bytes(b"x" * 2048)
    link.symlink_to(canary.path / "notes.md")
    attempts = [
        lambda: read_bounded(fifo, 1024),
        lambda: read_bounded(big, 1024),
        lambda: loads_json(b"[" * 100 + b"]" * 100, "deep.json"),
        lambda: inside(story, "..", "notes", "ideas.md"),
        lambda: read_bounded(link, 1024, root=story),
    ]
    for attempt in attempts:
        with pytest.raises(RefusedFile) as refused:
            attempt()
        message = str(refused.value)
        assert any(pattern.match(message) for pattern, _t in _patterns()), message
    canary.check()
