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
    worker.working_on = lambda: 10**6  # type: ignore[method-assign]  # another job's id
    assert not controller.prepare()
    del worker.working_on
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
    # (The place where "x" was typed is read first: this writer continues.)
    ahead = lambda: [r.job for r in posted if isinstance(r.job, ContinueJob)]  # noqa: E731
    qtbot.waitUntil(lambda: bool(ahead()), timeout=module.PREPARE_DELAY_MS * 10)
    assert ahead()[0].prepare_only


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


def test_with_suggestions_off_a_writer_who_continues_has_each_place_read_at_rest(
    qtbot, windows, tmp_path
) -> None:
    # Writers who turn suggestions off still press Ctrl+Enter: nothing was read for them,
    # so every continuation at a new place read the whole page first (3-6 s).
    from backend.jobs.kinds import SuggestJob
    from backend.storage.settings import SettingsStore
    from gui.editor import suggestions as suggest_module

    home = tmp_path / "h"
    window = ready_window(qtbot, windows, home, fake_spec(tmp_path), engine_factory=FakeFactory())
    editor, worker = window.editor, window.model_thread.worker
    window.menu_actions.auto_suggest.setChecked(False)
    qtbot.keyClicks(editor, "The harbour was quiet. Wren walked to the end of the pier.")
    posted = spy(window)
    wait_ms = suggest_module.PREFILL_DELAY_MS

    def rest_at(position: int) -> None:
        cursor = editor.textCursor()
        cursor.setPosition(position)
        editor.setTextCursor(cursor)
        qtbot.wait(wait_ms * 3)

    rest_at(11)
    assert posted == []  # not a writer who continues (yet): nothing is read for nobody
    assert not window.settings.uses_continuations
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    with qtbot.waitSignal(window.continuation_done, timeout=5000):
        qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: not worker.busy(), timeout=5000)
    assert window.settings.uses_continuations  # kept for the next start
    assert SettingsStore(window.paths).load().uses_continuations
    posted.clear()
    rest_at(11)
    qtbot.waitUntil(lambda: bool(posted), timeout=wait_ms * 10)
    job = posted[-1].job
    assert isinstance(job, SuggestJob) and job.options.prefill_only
    assert job.text[: job.cursor].endswith("The harbour")
    qtbot.waitUntil(lambda: not worker.busy(), timeout=5000)
    assert editor.ghost_text == ""  # read, never shown: suggestions stay off
    # Typing, then a rest: the new words are read too.
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    posted.clear()
    qtbot.keyClicks(editor, " She")
    qtbot.waitUntil(lambda: bool(posted), timeout=wait_ms * 10)
    assert posted[-1].job.options.prefill_only
    assert posted[-1].job.text[: posted[-1].job.cursor].endswith(" She")
    qtbot.waitUntil(lambda: not worker.busy(), timeout=5000)
    assert editor.ghost_text == ""
    # Preferences' "Restore Defaults" is about preferences: this is learnt, and stays.
    from gui.window.preferences import PreferencesDialog

    dialog = PreferencesDialog(window.settings, window)
    dialog.settings_changed.connect(window._on_preferences_settings_changed)
    dialog.reset_to_defaults()
    dialog.deleteLater()
    assert window.settings.uses_continuations and window.suggestions.read_at_rest
    # The next start knows: the first place is read before the first Ctrl+Enter.
    again = ready_window(qtbot, windows, home, fake_spec(tmp_path), engine_factory=FakeFactory())
    assert again.suggestions.read_at_rest and not again.suggestions.enabled


def test_with_suggestions_off_a_styled_writer_gets_the_styled_prompt_read_at_rest(
    qtbot, windows, tmp_path
) -> None:
    # After the place is read, the rest goes on to the styled prompt (PREPARE_DELAY_MS).
    window = after_a_styled_continuation(qtbot, windows, tmp_path)
    window.menu_actions.auto_suggest.setChecked(False)
    editor, worker = window.editor, window.model_thread.worker
    posted = spy(window)
    cursor = editor.textCursor()
    cursor.setPosition(5)
    editor.setTextCursor(cursor)
    qtbot.waitUntil(
        lambda: any(isinstance(r.job, ContinueJob) for r in posted),
        timeout=module.PREPARE_DELAY_MS * 10,
    )
    kinds = [type(r.job).__name__ for r in posted]
    assert kinds[0] == "SuggestJob" and kinds[-1] == "ContinueJob", kinds
    job = posted[-1].job
    assert job.prepare_only and job.style is not None and job.text_before == "Alice"
    qtbot.waitUntil(lambda: not worker.busy(), timeout=5000)
    assert editor.ghost_text == "" and not editor.inserting
    # The place read at rest: the styled read follows at once (the writer rests already);
    # after a suggestion the window still waits for the rest.
    controller, done = window.continuation, JobResult("", False, None, None, 0)
    read_id = window.suggestions.prefill_posted
    controller._on_worker_finished(read_id, done)
    assert controller._prepare_timer.isActive() and controller._prepare_timer.interval() == 0
    # The read may still be winding up in the model thread when the timer fires: it is
    # done, so the styled read goes ahead (it used to find the model "busy" and never came).
    controller._prepare_timer.stop()
    qtbot.keyClicks(editor, " Then")
    worker.working_on = lambda: read_id  # type: ignore[method-assign]
    try:
        assert controller.prepare()
        controller._on_worker_finished(read_id, done)
        worker.working_on = lambda: 10**6  # type: ignore[method-assign]  # something else
        qtbot.keyClicks(editor, " she")
        assert not controller.prepare()
    finally:
        del worker.working_on
    qtbot.waitUntil(lambda: not worker.busy(), timeout=5000)
    controller._on_worker_finished(10_000_000, done)
    assert controller._prepare_timer.interval() == module.PREPARE_DELAY_MS
