"""Spell checking in the editor follows the story's English: British or American, and the
system's region when the story says only "English"."""

from __future__ import annotations

from pathlib import Path

from backend.formats.manuscript import split_manuscript
from backend.story.project_save import save_story
from gui.editor.editor import Editor
from gui.editor.spelling import SpellController, system_region
from gui.window.main_window import MainWindow


def underlined(controller: SpellController) -> set[str]:
    return {w for _s, _e, w in controller.underlined}


def open_english_story(window: MainWindow, tmp_path: Path, language: str) -> None:
    folder = tmp_path / "Centre.inkling"
    story = split_manuscript("Chapter 1\n\nWren walked to the quay.").to_story(folder, "Centre")
    story.language = language
    save_story(story)
    assert window.documents.open(str(folder))
    assert window.documents.story is not None
    assert window.documents.story.language == language


def test_a_british_project_marks_center_and_not_centre(qtbot, window, tmp_path: Path) -> None:
    open_english_story(window, tmp_path, "en-GB")
    editor, spelling = window.editor, window.book.spelling
    assert spelling.enabled
    qtbot.waitUntil(lambda: spelling.speller is not None, timeout=10000)
    assert spelling.speller.language == "en-GB"
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, " The centre of the center favoured colour.")
    qtbot.waitUntil(lambda: "center" in underlined(spelling), timeout=3000)
    assert not {"centre", "favoured", "colour"} & underlined(spelling)
    start = next(s for s, _e, w in spelling.underlined if w == "center")
    cursor = editor.textCursor()
    cursor.setPosition(start + 2)
    spelling.show_menu(editor.cursorRect(cursor).center())
    labels = [a.text() for a in spelling.menu.actions()]
    assert labels[0] == "centre"
    spelling.menu.actions()[0].trigger()
    spelling.menu.close()
    assert "The centre of the centre favoured" in editor.toPlainText()
    assert not underlined(spelling)


def test_an_american_project_marks_centre(qtbot, window, tmp_path: Path) -> None:
    open_english_story(window, tmp_path, "en-US")
    editor, spelling = window.editor, window.book.spelling
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, " The centre of the center.")
    qtbot.waitUntil(lambda: "centre" in underlined(spelling), timeout=3000)
    assert "center" not in underlined(spelling)


def test_plain_english_follows_the_system_region(qtbot) -> None:
    editor = Editor()
    qtbot.addWidget(editor)
    controller = SpellController(editor)
    assert isinstance(system_region(), str)
    controller.region = lambda: "GB"
    controller.configure(True, "en", [])
    qtbot.waitUntil(lambda: controller.speller is not None, timeout=10000)
    assert controller.speller.language == "en-GB"
    controller.region = lambda: "US"
    controller.configure(True, "en", [])
    qtbot.waitUntil(lambda: controller.speller is not None, timeout=10000)
    assert controller.speller.language == "en-US"
    controller.configure(True, "en-GB", ["Wren"])
    qtbot.waitUntil(lambda: controller.speller is not None, timeout=10000)
    assert controller.speller.language == "en-GB" and controller.speller.is_correct("Wren")
    controller.configure(True, "zh-CN", [])
    assert not controller.enabled


def test_the_dictionary_is_read_off_the_window_thread(qtbot, monkeypatch) -> None:
    import threading

    from backend.text import spelling as backend_spelling

    threads: list[str] = []
    real = backend_spelling.load_dictionary

    def load(code: str) -> None:
        threads.append(threading.current_thread().name)
        real(code)

    # Forget every dictionary read so far (both records, so that they agree afterwards).
    backend_spelling._dictionary.cache_clear()
    backend_spelling._LOADED.clear()
    monkeypatch.setattr("gui.editor.spelling.load_dictionary", load)
    editor = Editor()
    qtbot.addWidget(editor)
    controller = SpellController(editor)
    controller.region = lambda: "GB"
    with qtbot.waitSignal(controller.ready, timeout=10000):
        controller.configure(True, "en-GB", ["Wren"])
        assert controller.speller is None  # nothing is checked until it is read
    assert threads and threads[0] != threading.main_thread().name
    assert controller.speller is not None and controller.speller.is_correct("Wren")
    controller.configure(False, "en-GB", [])
    assert not controller.enabled and not controller.underlined
