"""File → Import Manuscript reads, splits and writes on a thread of its own: the window keeps
running (a timer on the GUI thread ticks while the manuscript is read and while the project
is written), the import can be cancelled while it reads, and a file that cannot be imported
is a message, never a frozen or closed window."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import docx
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QPushButton

import gui.book.dialogs
import gui.book.transfer

GATE_TIMEOUT_S = 20  # only reached if the step ran on the GUI thread (the test then fails)


class Gate:
    """Wraps a function of gui.book.transfer so it runs only after the GUI thread has ticked:
    it can finish only if the event loop keeps running while it waits."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
        self.real = getattr(gui.book.transfer, name)
        self.open = threading.Event()
        self.ran_on: list[threading.Thread] = []
        self.timed_out = False
        monkeypatch.setattr(gui.book.transfer, name, self)

    def __call__(self, *args: object) -> object:
        self.ran_on.append(threading.current_thread())
        self.timed_out = not self.open.wait(GATE_TIMEOUT_S)
        return self.real(*args)


class Ticker:
    """A timer on the GUI thread that opens the gates it is given on every tick."""

    def __init__(self, *gates: Gate) -> None:
        self.ticks = 0
        self.gates = gates
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        self.ticks += 1
        for gate in self.gates:
            gate.open.set()


def write_docx(path: Path, chapters: int, paragraphs: int) -> None:
    document = docx.Document()
    for n in range(1, chapters + 1):
        document.add_heading(f"Chapter {n}", level=1)
        for p in range(paragraphs):
            document.add_paragraph(f"Paragraph {p} of chapter {n}: Wren walked to the harbour.")
    document.save(str(path))


def accept(qtbot, transfer: gui.book.transfer.BookTransfer) -> None:
    qtbot.waitUntil(lambda: transfer.import_dialog is not None, timeout=20000)
    dialog = transfer.import_dialog
    qtbot.waitUntil(lambda: not dialog.pending)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_a_docx_is_read_and_written_while_the_window_keeps_running(
    qtbot, make_window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, target = tmp_path / "novel.docx", tmp_path / "novel.inkling"
    write_docx(source, chapters=3, paragraphs=40)
    window = make_window(import_path=[str(source)], save_path=[str(target)])
    reading, writing = Gate(monkeypatch, "read_manuscript"), Gate(monkeypatch, "write_new_story")
    ticker = Ticker(reading)
    transfer = window.documents.transfer
    transfer.import_manuscript()
    # The call returned at once: the manuscript is read in the background.
    assert transfer.importing and transfer.import_dialog is None
    assert "Reading novel.docx" in window.statusBar().currentMessage()
    accept(qtbot, transfer)
    ticks_after_reading = ticker.ticks
    ticker.gates = (writing,)
    with qtbot.waitSignal(transfer.import_finished, timeout=20000) as finished:
        pass
    assert finished.args == [str(target)]
    assert not reading.timed_out and not writing.timed_out
    assert threading.main_thread() not in reading.ran_on + writing.ran_on
    assert ticks_after_reading > 0 and ticker.ticks > ticks_after_reading
    story = window.documents.story
    assert story is not None and story.folder == target
    assert [c.title for c in story.binder.chapters] == ["Chapter 1", "Chapter 2", "Chapter 3"]
    assert "Paragraph 39 of chapter 3" in story.binder.chapters[2].scenes[0].text
    assert window.book.binder.tree.topLevelItemCount() == 3
    assert not transfer.importing and transfer.progress is None


def test_a_text_import_opens_its_project(qtbot, make_window, tmp_path: Path) -> None:
    source, target = tmp_path / "short.txt", tmp_path / "short.inkling"
    source.write_text(
        "Chapter 1\n\nThe tide came in.\n\n***\n\nThe tide went out.\n\nChapter 2\n\nDawn.\n"
    )
    window = make_window(import_path=[str(source)], save_path=[str(target)])
    transfer = window.documents.transfer
    transfer.import_manuscript()
    accept(qtbot, transfer)
    qtbot.waitUntil(lambda: window.documents.story is not None, timeout=20000)
    story = window.documents.story
    assert story.folder == target and (target / "binder.toml").is_file()
    assert [len(c.scenes) for c in story.binder.chapters] == [2, 1]
    assert window.editor.toPlainText() == "The tide came in."


def test_cancelling_while_reading_drops_the_manuscript(
    qtbot, make_window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "novel.docx"
    write_docx(source, chapters=2, paragraphs=5)
    window = make_window(import_path=[str(source)])
    reading = Gate(monkeypatch, "read_manuscript")
    transfer = window.documents.transfer
    transfer.import_manuscript()
    # A read that takes a while shows a progress window with a Cancel button.
    qtbot.waitUntil(lambda: transfer.progress is not None and transfer.progress.isVisible())
    assert "Reading novel.docx" in transfer.progress.labelText()
    transfer.progress.findChild(QPushButton).click()
    assert not transfer.importing
    assert "Import cancelled" in window.statusBar().currentMessage()
    reading.open.set()
    transfer._importer.submit(lambda: None).result()  # the read and its reply are done
    QApplication.processEvents()
    assert transfer.import_dialog is None and window.documents.story is None
    assert window.documents.prompts.errors == []
    # A new import can start straight away.
    window.documents.prompts.answers["import_path"] = [str(source)]
    transfer.import_manuscript()
    qtbot.waitUntil(lambda: transfer.import_dialog is not None, timeout=20000)


def test_a_file_that_is_not_a_manuscript_is_a_message(
    qtbot, make_window, tmp_path: Path, canary
) -> None:
    fake = tmp_path / "novel.docx"
    fake.write_bytes(b"This is not a Word file at all.\n" * 10)
    window = make_window(import_path=[str(fake)])
    transfer = window.documents.transfer
    transfer.import_manuscript()
    qtbot.waitUntil(lambda: not transfer.importing, timeout=20000)
    title, message = window.documents.prompts.errors[-1]
    assert title == "Cannot import" and "novel.docx" in message
    assert transfer.import_dialog is None and window.documents.story is None
    qtbot.keyClicks(window.editor, "still writing")
    assert window.editor.toPlainText() == "still writing"
    canary.check()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_pipe_named_like_a_manuscript_is_refused(
    qtbot, make_window, tmp_path: Path, canary
) -> None:
    fifo = tmp_path / "novel.txt"
    os.mkfifo(fifo)
    window = make_window(import_path=[str(fifo)])
    transfer = window.documents.transfer
    try:
        transfer.import_manuscript()
        qtbot.waitUntil(lambda: not transfer.importing, timeout=10000)
    finally:
        _release(fifo)  # a reader stuck on the pipe (a regression) gets its end of file
    title, message = window.documents.prompts.errors[-1]
    assert title == "Cannot import" and "novel.txt" in message
    assert window.documents.story is None
    canary.check()


def _release(fifo: Path) -> None:
    try:
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        return  # nobody is reading it
    os.close(fd)


def test_a_manuscript_of_thousands_of_chapters_previews_the_first_ones(
    qtbot, make_window, tmp_path: Path
) -> None:
    source = tmp_path / "serial.txt"
    source.write_text("".join(f"Chapter {n}\n\nA line.\n\n" for n in range(1, 2501)))
    window = make_window(import_path=[str(source)])
    transfer = window.documents.transfer
    transfer.import_manuscript()
    qtbot.waitUntil(lambda: transfer.import_dialog is not None, timeout=20000)
    dialog = transfer.import_dialog
    assert len(dialog.plan.chapters) == 2500
    tree = dialog.preview
    assert tree.topLevelItemCount() == gui.book.dialogs.MAX_PREVIEW_ROWS + 1
    assert tree.topLevelItem(tree.topLevelItemCount() - 1).text(0) == "…and 500 more chapter(s)"
    assert dialog.notes.text().startswith("2500 chapter(s).")
    dialog.reject()
    assert not (tmp_path / "serial.inkling").exists()
