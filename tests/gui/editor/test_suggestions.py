"""Ghost-text suggestions driven through real key events (pytest-qt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from backend.jobs.kinds import SuggestJob
from backend.models.bundled import BUNDLED_NAME
from backend.models.spec import ModelSpec
from gui.window.main_window import MainWindow
from tests.fakes import FakeFactory
from tests.gui.conftest import open_window

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def type_and_wait(qtbot, window: MainWindow, text: str) -> str:
    with qtbot.waitSignal(window.suggestions.suggestion_shown, timeout=5000):
        qtbot.keyClicks(window.editor, text)
    qtbot.waitUntil(lambda: not window.suggestions._live or window.suggestions._live.done)
    return window.editor.ghost_text


def test_ghost_appears_without_touching_the_document(qtbot, window) -> None:
    ghost = type_and_wait(qtbot, window, "Alice saw")
    assert ghost.startswith(" the rabbit ran")
    assert window.editor.toPlainText() == "Alice saw"
    assert window.editor.document().revision() == window.suggestions._live.revision


def test_tab_accepts_all_as_one_undo_step(qtbot, window) -> None:
    ghost = type_and_wait(qtbot, window, "Alice saw")
    qtbot.keyClick(window.editor, Qt.Key.Key_Tab)
    assert window.editor.toPlainText() == "Alice saw" + ghost
    assert window.editor.ghost_text == ""
    window.editor.undo()
    assert window.editor.toPlainText() == "Alice saw"


def test_tab_indents_when_no_suggestion(qtbot, window) -> None:
    window.suggestions.set_enabled(False)
    qtbot.keyClicks(window.editor, "Title")
    qtbot.keyClick(window.editor, Qt.Key.Key_Tab)
    assert window.editor.toPlainText() == "Title\t"


def test_ctrl_right_accepts_one_word(qtbot, window) -> None:
    ghost = type_and_wait(qtbot, window, "Alice saw")
    qtbot.keyClick(window.editor, Qt.Key.Key_Right, CTRL)
    assert window.editor.toPlainText() == "Alice saw the"
    assert window.editor.ghost_text == ghost[len(" the") :]


def test_escape_dismisses(qtbot, window) -> None:
    type_and_wait(qtbot, window, "Alice saw")
    qtbot.keyClick(window.editor, Qt.Key.Key_Escape)
    assert window.editor.ghost_text == ""
    assert window.editor.toPlainText() == "Alice saw"


def test_typing_through_keeps_and_shrinks_without_a_new_request(qtbot, window) -> None:
    ghost = type_and_wait(qtbot, window, "Alice saw")
    posted = []
    window.suggestions.request_posted.connect(posted.append)
    qtbot.keyClicks(window.editor, " th")
    assert window.editor.ghost_text == ghost[3:]
    qtbot.wait(150)
    assert posted == [], "typing what the ghost says must not ask again"
    assert window.editor.ghost_text == ghost[3:]


def test_contradicting_keystroke_clears_and_cursor_move_clears(qtbot, window) -> None:
    type_and_wait(qtbot, window, "Alice saw")
    qtbot.keyClick(window.editor, Qt.Key.Key_X)
    assert window.editor.ghost_text == ""
    type_and_wait(qtbot, window, " and")
    assert window.editor.ghost_text
    qtbot.keyClick(window.editor, Qt.Key.Key_Home)
    assert window.editor.ghost_text == ""


def test_debounce_coalesces_a_burst_of_typing(qtbot, window) -> None:
    window.suggestions.base_delay_ms = 200
    posted = []
    window.suggestions.request_posted.connect(posted.append)
    qtbot.keyClicks(window.editor, "The Queen of Hearts")  # far faster than the delay
    assert posted == []
    qtbot.waitUntil(lambda: len(posted) == 1, timeout=3000)
    qtbot.wait(300)
    assert len(posted) == 1


def test_stale_results_are_dropped(qtbot, windows, tmp_path: Path) -> None:
    factory = FakeFactory(delay=0.03)
    window = open_window(qtbot, windows, tmp_path, engine_factory=factory)
    window.suggestions.base_delay_ms = 10
    posted = []
    window.suggestions.request_posted.connect(posted.append)
    qtbot.keyClicks(window.editor, "Alice saw")
    qtbot.waitUntil(lambda: len(posted) == 1, timeout=3000)
    qtbot.wait(45)  # the first chunks of the old request are on their way
    qtbot.keyClicks(window.editor, " a cat")
    qtbot.waitUntil(lambda: len(posted) == 2, timeout=3000)
    with qtbot.waitSignal(window.model_thread.worker.finished, timeout=5000) as done:
        pass
    # Whatever the old request streamed was never shown after the text changed.
    qtbot.waitUntil(lambda: window.editor.ghost_text != "", timeout=5000)
    assert window.editor.toPlainText() == "Alice saw a cat"
    assert window.editor.ghost_text.startswith(" the rabbit")
    assert done.args[0] in posted


def test_alternatives_cycle_with_alt_brackets(qtbot, window) -> None:
    first = type_and_wait(qtbot, window, "Alice saw")
    with qtbot.waitSignal(window.suggestions.suggestion_shown, timeout=5000):
        qtbot.keyClick(window.editor, Qt.Key.Key_BracketRight, ALT)
    second = window.editor.ghost_text
    assert second and second != first
    qtbot.keyClick(window.editor, Qt.Key.Key_BracketLeft, ALT)
    assert window.editor.ghost_text == first
    assert window.editor.toPlainText() == "Alice saw"


def test_ctrl_space_asks_now_even_when_automatic_is_off(qtbot, window) -> None:
    window.menu_actions.auto_suggest.setChecked(False)
    qtbot.keyClicks(window.editor, "Alice saw")
    qtbot.wait(100)
    assert window.editor.ghost_text == ""
    with qtbot.waitSignal(window.suggestions.suggestion_shown, timeout=5000):
        qtbot.keyClick(window.editor, Qt.Key.Key_Space, CTRL)
    assert window.editor.ghost_text.startswith(" the")


@pytest.mark.slow
def test_real_model_ghost_text_in_the_window(
    qtbot, windows, tmp_path: Path, bundled_gguf: Path
) -> None:
    spec = ModelSpec("llamacpp", bundled_gguf, BUNDLED_NAME)
    window = open_window(qtbot, windows, tmp_path, spec)
    window.suggestions.base_delay_ms = 50
    ghost = type_and_wait(qtbot, window, "Monday, Tuesday, Wednes")
    assert ghost.startswith("day"), ghost
    qtbot.keyClick(window.editor, Qt.Key.Key_Tab)
    assert window.editor.toPlainText().startswith("Monday, Tuesday, Wednesday")


def test_requests_carry_only_the_budgeted_window(qtbot, window) -> None:
    big = ("It was the best of times, it was the worst of times.\n" * 40_000)[:2_000_000]
    window.editor.setPlainText(big)
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    posted = []
    window.model_thread.worker.post = posted.append  # capture instead of generating
    qtbot.keyClick(window.editor, Qt.Key.Key_Space, CTRL)
    (request,) = posted
    job = request.job
    options = window.suggestions.options
    budget = 2 * max(options.context_tokens, options.book_tokens) * 4
    assert isinstance(job, SuggestJob)
    assert len(job.text) <= budget
    assert job.text[: job.cursor] == big[len(big) - job.cursor :]


@pytest.mark.parametrize("cursor", [3_000, 20_011, 47_777])
def test_a_suggestion_reads_the_prompt_a_continuation_there_reads(
    qtbot, window, llama_engine, cursor
) -> None:
    """The text sent holds the whole window the prompt's assembly anchors, so the prompt is
    the one a continuation at the cursor reads (a styled one's plain prompt too): its cache
    serves the continuation's first words."""
    from backend.engines.params import SamplerParams
    from backend.jobs.kinds import ContinueJob
    from backend.story.style.model import Style
    from tests.conftest import SAMPLE_PROSE

    paragraphs = [f"{n}. " + SAMPLE_PROSE[n % 97 :] for n in range(400)]
    text = "\n\n".join(paragraphs)[:60_000]
    window.editor.setPlainText(text)
    moved = window.editor.textCursor()
    moved.setPosition(cursor)
    window.editor.setTextCursor(moved)
    posted = []
    window.model_thread.worker.post = posted.append
    qtbot.keyClick(window.editor, Qt.Key.Key_Space, CTRL)
    (request,) = posted
    engine = llama_engine  # real token counts: the window's size in characters depends on them
    suggestion = request.job.assemble(engine)
    params = SamplerParams(max_tokens=60)
    for style in (None, Style(pov="first", tense="past")):
        continuation = ContinueJob(text[:cursor], params, style=style).assemble(engine)
        assert continuation.prefix + continuation.body == suggestion.prefix + suggestion.body


def test_ctrl_space_says_why_when_no_suggestion_can_come(qtbot, window) -> None:
    window.menu_actions.auto_suggest.setChecked(False)
    qtbot.keyClicks(window.editor, "Alice saw the queen")
    window.editor.selectAll()
    with qtbot.waitSignal(window.suggestions.silent, timeout=2000) as told:
        qtbot.keyClick(window.editor, Qt.Key.Key_Space, CTRL)
    assert told.args[0] == "No suggestion while text is selected."
    assert window.status.currentMessage() == told.args[0]  # where the writer reads it
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    window.suggestions.held = lambda: True  # the story bible has the model
    with qtbot.waitSignal(window.suggestions.silent, timeout=2000) as told:
        qtbot.keyClick(window.editor, Qt.Key.Key_Space, CTRL)
    assert "story bible" in told.args[0]


def test_ctrl_space_at_a_paragraph_start_with_nothing_to_add_says_so(qtbot, window) -> None:
    window.menu_actions.auto_suggest.setChecked(False)
    engine = window.model_thread.worker._engine

    def nothing(*_args, **_kwargs):
        yield from ()  # the model has nothing to add

    engine.stream = nothing
    qtbot.keyClicks(window.editor, "Alice saw the queen.")
    qtbot.keyClick(window.editor, Qt.Key.Key_Return)
    with qtbot.waitSignal(window.suggestions.silent, timeout=5000) as told:
        qtbot.keyClick(window.editor, Qt.Key.Key_Space, CTRL)
    assert "start of a paragraph" in told.args[0]
    assert window.editor.ghost_text == ""


def test_words_committed_by_an_input_method_are_followed_by_a_suggestion(qtbot, window) -> None:
    suggestions = window.suggestions
    suggestions._on_editor_composing_changed(True)
    assert not suggestions.pending
    suggestions._on_editor_composing_changed(False)
    qtbot.waitUntil(lambda: suggestions.pending, timeout=1000)  # asks once it is done


def test_a_resting_cursor_has_the_model_read_the_text_before_it(qtbot, window) -> None:
    """A click elsewhere (or a scene opened) and a pause: the model reads the text before
    the cursor, with the request a suggestion there would send, told only to read; never
    while another job has the model; a keystroke takes over."""
    from gui.editor import suggestions as module

    posted: list = []
    worker = window.model_thread.worker
    real_post = worker.post
    worker.post = lambda request: (posted.append(request), real_post(request))  # type: ignore[method-assign]
    controller = window.suggestions
    window.editor.setPlainText("The harbour was quiet.\n\nWren walked to the end of the pier")
    qtbot.waitUntil(lambda: not controller.pending and not worker.busy(), timeout=5000)
    controller._drop_live()
    window.editor.clear_ghost()
    posted.clear()
    cursor = window.editor.textCursor()
    cursor.setPosition(11)
    window.editor.setTextCursor(cursor)
    qtbot.waitUntil(lambda: bool(posted), timeout=module.PREFILL_DELAY_MS * 10)
    job = posted[-1].job
    assert isinstance(job, SuggestJob) and job.options.prefill_only
    assert job.text[: job.cursor].endswith("The harbour")
    assert controller.prefill_posted == posted[-1].id
    assert not controller.prefill()  # the same place is not read twice
    qtbot.waitUntil(lambda: not worker.busy(), timeout=5000)
    posted.clear()
    worker.working_on = lambda: 10**6  # type: ignore[method-assign]  # another job's id
    cursor.setPosition(4)
    window.editor.setTextCursor(cursor)
    controller._prefill_timer.stop()
    assert not controller.prefill()  # something else has the model: leave it be
    assert not [r for r in posted if r.job.options.prefill_only]
    assert controller._prefill_timer.isActive()  # and read this place once it is done
    del worker.working_on
    qtbot.waitUntil(lambda: bool(posted), timeout=module.PREFILL_DELAY_MS * 10)
    assert posted[-1].job.options.prefill_only
    assert posted[-1].job.text[: posted[-1].job.cursor].endswith("The ")
    # A read of another place still running is replaced, not waited for.
    worker.working_on = lambda: controller.prefill_posted  # type: ignore[method-assign]
    cursor.setPosition(8)
    window.editor.setTextCursor(cursor)
    assert controller.prefill()
    del worker.working_on
    qtbot.keyClicks(window.editor, "x")
    assert not controller._prefill_timer.isActive()  # typing asks for a suggestion instead


def test_asking_for_another_suggestion_with_none_shown_says_so(qtbot, window) -> None:
    window.menu_actions.auto_suggest.setChecked(False)
    qtbot.keyClicks(window.editor, "Alice saw the queen")
    assert window.editor.ghost_text == ""
    with qtbot.waitSignal(window.suggestions.silent, timeout=2000) as told:
        qtbot.keyClick(window.editor, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.AltModifier)
    assert "Ctrl+Space" in told.args[0] and window.status.currentMessage() == told.args[0]
