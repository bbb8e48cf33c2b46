"""Reading ahead for a writer who continues in a style (or has set one): when they rest, the
model reads what Ctrl+Enter would send, so the continuation's first words do not wait for
the whole text."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from backend.formats.manuscript import split_manuscript
from backend.jobs.kinds import ContinueJob, JobResult
from backend.story.project_save import save_story
from gui.editor import continuation as module
from tests.fakes import FakeFactory, fake_spec, ready_window

CTRL = Qt.KeyboardModifier.ControlModifier


def styled_window(qtbot, windows, tmp_path: Path):  # type: ignore[no-untyped-def]
    window = ready_window(
        qtbot, windows, tmp_path / "h", fake_spec(tmp_path), engine_factory=FakeFactory()
    )
    panel = window.style_panel
    panel.pov.setCurrentIndex(panel.pov.findData("first"))
    return window


def spy(window) -> list:  # type: ignore[no-untyped-def]
    posted: list = []
    worker = window.model_thread.worker
    real_post = worker.post
    worker.post = lambda request: (posted.append(request), real_post(request))  # type: ignore[method-assign]
    return posted


def after_a_styled_continuation(qtbot, windows, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A window where the writer typed a sentence and continued it in a style."""
    window = styled_window(qtbot, windows, tmp_path)
    qtbot.keyClicks(window.editor, "Alice saw the rabbit.")
    with qtbot.waitSignal(window.continuation_done, timeout=5000):
        qtbot.keyClick(window.editor, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: not window.model_thread.worker.busy(), timeout=5000)
    return window


def test_nothing_is_read_ahead_until_the_writer_sets_a_style(qtbot, windows, tmp_path) -> None:
    window = ready_window(
        qtbot, windows, tmp_path / "h", fake_spec(tmp_path), engine_factory=FakeFactory()
    )
    controller = window.continuation
    qtbot.keyClicks(window.editor, "Alice saw the rabbit.")
    assert not controller.prepare()
    # Setting a style in the panel is enough: the first styled Ctrl+Enter is read ahead too.
    posted = spy(window)
    panel = window.style_panel
    panel.pov.setCurrentIndex(panel.pov.findData("first"))
    assert controller._prepare_timer.isActive()
    qtbot.waitUntil(lambda: bool(posted), timeout=module.PREPARE_DELAY_MS * 10)
    job = posted[-1].job
    assert isinstance(job, ContinueJob) and job.prepare_only and job.style is not None


def test_after_a_styled_continuation_a_rest_reads_ahead_once_per_place(
    qtbot, windows, tmp_path
) -> None:
    window = after_a_styled_continuation(qtbot, windows, tmp_path)
    editor, controller = window.editor, window.continuation
    worker = window.model_thread.worker
    posted = spy(window)
    qtbot.keyClicks(editor, " Then")
    assert controller.prepare()
    job = posted[-1].job
    assert isinstance(job, ContinueJob) and job.prepare_only
    assert job.style is not None and job.style.pov == "first"
    assert job.text_before == editor.toPlainText()[: editor.textCursor().position()]
    assert controller.prepare_posted == posted[-1].id
    qtbot.waitUntil(lambda: not worker.busy(), timeout=5000)
    assert not controller.prepare()  # the same place is not read twice
    # The style changed: what Ctrl+Enter would send changed too.
    window.style_panel.tense.setCurrentIndex(window.style_panel.tense.findData("past"))
    assert controller.prepare()
    qtbot.waitUntil(lambda: not worker.busy(), timeout=5000)
    # Never while the model has other work, never over a selection, never when plain.
    qtbot.keyClicks(editor, " she")
    worker.busy = lambda: True  # type: ignore[method-assign]
    assert not controller.prepare()
    del worker.busy
    editor.selectAll()
    assert not controller.prepare()
    cursor = editor.textCursor()
    cursor.clearSelection()
    editor.setTextCursor(cursor)
    window.style_panel.enabled.setChecked(False)
    assert not controller.prepare()
    window.style_panel.enabled.setChecked(True)
    text = editor.toPlainText()
    assert controller.prepare()
    # The read-ahead never writes into the text.
    qtbot.waitUntil(lambda: not worker.busy(), timeout=5000)
    assert editor.toPlainText() == text and not editor.inserting


def test_a_finished_suggestion_starts_the_rest_and_a_keystroke_ends_it(
    qtbot, windows, tmp_path
) -> None:
    window = after_a_styled_continuation(qtbot, windows, tmp_path)
    editor, controller = window.editor, window.continuation
    worker = window.model_thread.worker
    controller._prepare_timer.stop()
    worker.finished.emit(
        10_000_000, JobResult("", False, None, None, 0)
    )  # someone else's request ended
    assert controller._prepare_timer.isActive()
    assert controller._prepare_timer.interval() == module.PREPARE_DELAY_MS
    qtbot.keyClicks(editor, "x")
    assert not controller._prepare_timer.isActive()
    posted = spy(window)
    worker.finished.emit(10_000_001, JobResult("", False, None, None, 0))
    qtbot.waitUntil(lambda: bool(posted), timeout=module.PREPARE_DELAY_MS * 10)
    assert posted[-1].job.prepare_only


def test_a_story_that_comes_with_its_style_on_is_read_ahead(qtbot, windows, tmp_path) -> None:
    def story(name: str, style: dict) -> str:
        folder = tmp_path / f"{name}.inkling"
        made = split_manuscript("Chapter 1\n\nAlice saw the rabbit.").to_story(folder, name)
        made.style = style
        save_story(made)
        return str(folder)

    window = ready_window(
        qtbot, windows, tmp_path / "h", fake_spec(tmp_path), engine_factory=FakeFactory()
    )
    controller = window.continuation
    assert window.documents.open(story("Plain", {}))
    assert not controller._prepare_timer.isActive() and not controller.prepare()
    assert window.documents.open(story("Noir", {"pov": "first", "tense": "present"}))
    assert window.style_panel.styled() and controller._prepare_timer.isActive()
    posted = spy(window)
    qtbot.waitUntil(lambda: bool(posted), timeout=module.PREPARE_DELAY_MS * 10)
    job = posted[-1].job
    assert isinstance(job, ContinueJob) and job.prepare_only and job.style is not None
    assert job.style.pov == "first"
