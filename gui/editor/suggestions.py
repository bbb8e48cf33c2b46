"""Drives inline suggestions: adaptive debounce, newest-wins requests, stale dropping."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from backend.jobs.kinds import JobResult, SuggestJob
from backend.jobs.suggest import (
    AFTER_CURSOR_CHARS,
    CHARS_PER_TOKEN,
    MAX_ALTERNATIVES,
    SuggestOptions,
    clean_suggestion,
    prefill_options,
)
from backend.story.memory.assembly import BookContext
from backend.text.counts import CJK_CHAR
from backend.text.windows import window_start
from gui.editor.editor import Editor
from gui.worker import GenerationWorker, Request

log = logging.getLogger(__name__)

BOUNDARY_CHARS = " \t\n.,;:!?\"'”’)—-。，、；：！？」』）…"
# How long the cursor rests (a scene opened, a click elsewhere) before the model reads the
# text before it, so that the first suggestion there only reads what is typed after.
PREFILL_DELAY_MS = 300


def debounce_ms(base_ms: int, text_before: str) -> int:
    """Shorter right after a space or punctuation (a word just ended), longer mid-word.

    Chinese arrives from the input method a word or phrase at a time, so a Han character
    is a word's end too.
    """
    last = text_before[-1:]
    if not last or last in BOUNDARY_CHARS or CJK_CHAR.match(last):
        return max(40, base_ms // 2)
    return int(base_ms * 1.6)


@dataclass
class _Live:
    """The suggestion request being shown or awaited."""

    request: Request
    anchor: int
    alternative: int
    revision: int
    text: str = ""
    consumed: int = 0
    done: bool = False


class SuggestionController(QObject):
    """Connects the editor's typing to suggestion requests and shows results as ghost text."""

    suggestion_shown = Signal(str)
    request_posted = Signal(int)
    failed = Signal(str)  # the live suggestion's request failed: the worker's message
    # Why a suggestion asked for with Ctrl+Space did not come, for the status bar.
    silent = Signal(str)

    def __init__(
        self,
        editor: Editor,
        worker: GenerationWorker,
        options: SuggestOptions | None = None,
        base_delay_ms: int = 250,
    ) -> None:
        super().__init__(editor)
        self.editor = editor
        self.worker = worker
        self.options = options or SuggestOptions()
        self.base_delay_ms = base_delay_ms
        self.enabled = True
        # Read the place at rest even with suggestions off: the writer continues with
        # Ctrl+Enter, whose plain prompt (and a styled one's guide) is this one. Set by the
        # window from the first continuation on.
        self.read_at_rest = False
        self.model_ready = False
        self._asked = False  # the live request came from Ctrl+Space
        self._live: _Live | None = None
        # What the book tells the model (memory, synopses, lore, recall); set by the window.
        self.book_context: Callable[[], BookContext] | None = None
        # True while another job (a story bible entry) has the model: typing must not
        # cancel it, so no suggestion is asked for until it ends. Set by the window.
        self.held: Callable[[], bool] = lambda: False
        self._alternatives: list[str] = []
        self._alt_index = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._prefill_timer = QTimer(self)
        self._prefill_timer.setSingleShot(True)
        self._prefill_timer.setInterval(PREFILL_DELAY_MS)
        self._prefill_timer.timeout.connect(self.prefill)
        self._prefilled: tuple[int, int] | None = None  # (revision, cursor) last read
        self.prefill_posted: int | None = None  # the id of the last prefill request
        editor.cursorPositionChanged.connect(self._on_editor_cursor_position_changed)
        editor.contents_changed.connect(self._on_document_contents_change)
        editor.document_replaced.connect(self._on_editor_document_replaced)
        editor.suggestion_requested.connect(self.request_now)
        editor.alternative_requested.connect(self._on_editor_alternative_requested)
        editor.typed_through.connect(self._on_editor_typed_through)
        editor.ghost_accepted.connect(self._on_editor_ghost_accepted)
        editor.ghost_dismissed.connect(self._on_editor_ghost_dismissed)
        editor.composing_changed.connect(self._on_editor_composing_changed)
        worker.chunk_ready.connect(self._on_worker_chunk_ready)
        worker.finished.connect(self._on_worker_finished)
        worker.failed.connect(self._on_worker_failed)

    # --- public ---------------------------------------------------------------------
    def set_enabled(self, enabled: bool) -> None:
        """Turn automatic suggestions on or off (Ctrl+Space still asks for one)."""
        self.enabled = enabled
        if not enabled:
            self._timer.stop()
            self._drop_live()
            self.editor.clear_ghost()

    @property
    def pending(self) -> bool:
        """True while a debounce timer is running."""
        return self._timer.isActive()

    @Slot()
    def request_now(self) -> None:
        """Ask for a suggestion at once (Ctrl+Space); when none can come, say why."""
        self._timer.stop()
        self._asked = True
        reason = self._refusal()
        if reason:
            self._asked = False
            self.silent.emit(reason)
            return
        self._post(alternative=0)

    def _refusal(self) -> str:
        """Why no suggestion can be asked for now ('' when one can)."""
        editor = self.editor
        if not self.model_ready:
            return self.tr("No suggestion yet: the model is still loading.")
        if editor.inserting:
            return self.tr("No suggestion while a continuation is being written.")
        if editor.isReadOnly():
            return self.tr("No suggestion: this text is read-only.")
        if editor.composing:
            return self.tr("No suggestion while the input method is composing.")
        if self.held():
            return self.tr(
                "No suggestion while the story bible is being written; they resume after."
            )
        if editor.textCursor().hasSelection():
            return self.tr("No suggestion while text is selected.")
        return ""

    # --- editor events --------------------------------------------------------------
    @Slot(int, int, int)
    def _on_document_contents_change(self, _pos: int, removed: int, added: int) -> None:
        if removed == 0 and added == 0:
            return  # a re-layout (our own ghost text), not an edit
        if self.editor.inserting:
            return
        if self.editor.typing_through:
            return  # typing through the ghost text: the suggestion still stands
        self._prefill_timer.stop()
        self._drop_live()
        self._alternatives = []
        if not self.enabled or not self.model_ready:
            return
        before = self.editor.char_before(self.editor.textCursor().position())
        self._timer.start(debounce_ms(self.base_delay_ms, before))

    @Slot()
    def _on_editor_document_replaced(self) -> None:
        # Another scene is shown: a suggestion for the old one must never land here.
        self._timer.stop()
        self._drop_live()
        self._alternatives = []
        self._prefilled = None
        self._prefill_timer.start()  # read the new scene before the writer types

    @Slot()
    def _on_editor_cursor_position_changed(self) -> None:
        # Typing moves the cursor too: that is the suggestion timer's business. A cursor
        # put somewhere new (a click, the arrow keys) is where the writer may type next.
        if self._timer.isActive() or self._live is not None or self.editor.inserting:
            return
        self._prefill_timer.start()

    @Slot()
    def read_again(self) -> None:
        """What a request here is told of the book changed (its drafts or its recall index
        came): the place is read again before the writer types, as for a new scene."""
        self._prefilled = None
        self._prefill_timer.start()

    @Slot()
    def prefill(self) -> bool:
        """Have the model read the text before the cursor, so that the first suggestion
        after the next keystroke (or a continuation, `read_at_rest`) only reads the new
        characters. Never while the model is working for something else (it would cancel
        it); a keystroke cancels it."""
        editor = self.editor
        wanted = (self.enabled or self.read_at_rest) and self.model_ready
        if not wanted or self._live is not None:
            return False
        if editor.inserting or editor.isReadOnly() or editor.composing or self.held():
            return False
        cursor = editor.textCursor()
        key = (editor.document().revision(), cursor.position())
        if cursor.hasSelection() or key == self._prefilled:
            return False
        if self.worker.working_on() not in (None, self.prefill_posted):
            # Busy for something else: read this place once it is done (an older read of
            # another place is simply replaced). Refused once, the first keystroke here
            # used to read the whole window (4 s after opening a book's second scene).
            self._prefill_timer.start()
            return False
        self._prefilled = key
        request = self._request(prefill_options(self.options), alternative=0)
        self.prefill_posted = request.id
        self.worker.post(request)
        return True

    @Slot(str)
    def _on_editor_typed_through(self, typed: str) -> None:
        live = self._live
        if live is not None:
            live.consumed += len(typed)
            live.revision = self.editor.document().revision()
        self._alternatives = [a[len(typed) :] for a in self._alternatives if a.startswith(typed)]
        self._alt_index = 0
        if not self.editor.ghost_text and (live is None or live.done):
            # Typed the whole suggestion: time for the next one.
            self._drop_live()
            if self.enabled and self.model_ready:
                self._timer.start(debounce_ms(self.base_delay_ms, typed))

    @Slot(str)
    def _on_editor_ghost_accepted(self, _text: str) -> None:
        self._drop_live()
        self._alternatives = []
        if self.enabled and self.model_ready and not self.editor.ghost_text:
            self._timer.start(debounce_ms(self.base_delay_ms, " "))

    @Slot()
    def _on_editor_ghost_dismissed(self) -> None:
        self._drop_live()
        self._alternatives = []

    @Slot(bool)
    def _on_editor_composing_changed(self, composing: bool) -> None:
        # While the input method composes, nothing is asked for; a request in flight
        # would only land on text that is about to change.
        if composing:
            self._timer.stop()
            if self._live is not None and not self._live.done:
                self._drop_live()
        else:
            # The input method is done: once its words are in (and unless they typed
            # through the ghost text, which then still stands), suggest after them.
            QTimer.singleShot(0, self._after_composing)

    def _after_composing(self) -> None:
        editor = self.editor
        if editor.composing or editor.ghost_text or self._live is not None:
            return
        if self.enabled and self.model_ready and not self._timer.isActive():
            self._timer.start(debounce_ms(self.base_delay_ms, "。"))

    @Slot(int)
    def _on_editor_alternative_requested(self, step: int) -> None:
        if not self._alternatives:
            current = self.editor.ghost_text
            if not current:
                self.silent.emit(self.tr("No suggestion to vary here: Ctrl+Space asks for one."))
                return
            self._alternatives = [current]
            self._alt_index = 0
        target = self._alt_index + step
        if 0 <= target < len(self._alternatives):
            self._alt_index = target
            self.editor.show_ghost(self._alternatives[target])
        elif step > 0 and len(self._alternatives) < MAX_ALTERNATIVES:
            self._post(alternative=len(self._alternatives), keep_ghost=True)
        else:
            self._alt_index = target % len(self._alternatives)
            self.editor.show_ghost(self._alternatives[self._alt_index])

    @Slot()
    def _on_timer_timeout(self) -> None:
        self._asked = False  # an automatic request: its silence needs no explaining
        if self.enabled:
            self._post(alternative=0)

    # --- requests -------------------------------------------------------------------
    def _post(self, alternative: int, keep_ghost: bool = False) -> None:
        editor = self.editor
        if not self.model_ready or editor.inserting or editor.isReadOnly() or editor.composing:
            return
        if self.held():  # a story bible entry is being generated
            return
        cursor = self.editor.textCursor()
        if cursor.hasSelection():
            return
        if not keep_ghost:
            self.editor.clear_ghost()
        self._prefill_timer.stop()
        doc = self.editor.document()
        request = self._request(self.options, alternative)
        self._live = _Live(request, cursor.position(), alternative, doc.revision())
        self.worker.post(request)
        self.request_posted.emit(request.id)

    def _request(self, options: SuggestOptions, alternative: int) -> Request:
        """The suggestion request at the cursor (a prefill is the same one, told to only
        read): the same window and book, so that its prompt is the one that follows."""
        position = self.editor.textCursor().position()
        # Send a stretch before the cursor (its start moves in large steps) and a peek after
        # it, never the whole book: twice the most text the prompt's window may take, so the
        # window the prompt's assembly anchors lies inside it. The prompt is then the one a
        # continuation at the cursor reads (its plain prompt, or a styled one's guide).
        most = max(options.context_tokens, options.book_tokens) * CHARS_PER_TOKEN
        start = window_start(position, 2 * most)
        window = self.editor.text_range(start, position + AFTER_CURSOR_CHARS)
        book = self.book_context() if self.book_context is not None else None
        job = SuggestJob(window, position - start, options, alternative, book=book, offset=start)
        return Request(job, revision=self.editor.document().revision())

    def _drop_live(self) -> None:
        if self._live is not None and not self._live.done:
            self.worker.cancel(self._live.request.id)
        self._live = None

    def _current(self, request_id: int) -> _Live | None:
        live = self._live
        if live is None or live.request.id != request_id:
            return None
        if self.editor.document().revision() != live.revision:
            return None  # the document changed since: stale
        if self.editor.textCursor().position() != live.anchor + live.consumed:
            return None  # the cursor moved: stale
        return live

    # --- worker replies -------------------------------------------------------------
    @Slot(int, str)
    def _on_worker_chunk_ready(self, request_id: int, text: str) -> None:
        live = self._current(request_id)
        if live is None:
            return
        live.text += text
        if live.alternative == 0:
            self._show(live)

    @Slot(int, object)
    def _on_worker_finished(self, request_id: int, _result: JobResult) -> None:
        live = self._current(request_id)
        if live is None:
            return
        live.done = True
        final = clean_suggestion(live.text)[live.consumed :]
        if self._asked and live.alternative == 0 and not final.strip():
            self.silent.emit(self._why_empty())
        self._asked = False
        if live.alternative == 0:
            self._alternatives = [final] if final else []
            self._alt_index = 0
            live.text = clean_suggestion(live.text)
            self._show(live)
        elif final and final not in self._alternatives:
            self._alternatives.append(final)
            self._alt_index = len(self._alternatives) - 1
            self.editor.show_ghost(final)
            self.suggestion_shown.emit(final)
        elif final and self._alternatives and live.alternative + 1 < MAX_ALTERNATIVES + 2:
            # The sample repeated an earlier one; ask once more with the next seed.
            self._post(alternative=live.alternative + 1, keep_ghost=True)
        else:
            self.silent.emit(self.tr("No other suggestion here."))

    @Slot(int, str)
    def _on_worker_failed(self, request_id: int, message: str) -> None:
        if self._live is not None and self._live.request.id == request_id:
            self._live = None
            self.failed.emit(message)

    def _why_empty(self) -> str:
        """What to say when the model had nothing to add here."""
        editor = self.editor
        position = editor.textCursor().position()
        before = editor.char_before(position)
        if not before or before == "\n":
            return self.tr(
                "Nothing suggested at the start of a paragraph: write a few words first."
            )
        return self.tr("The model had nothing confident to add here.")

    def _show(self, live: _Live) -> None:
        shown = live.text[live.consumed :]
        if shown.strip():
            self.editor.show_ghost(shown)
            self.suggestion_shown.emit(shown)
