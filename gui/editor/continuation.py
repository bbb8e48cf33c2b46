"""Continuations in the window: Ctrl+Enter, Retry and its versions, Rewrite selection."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from backend.engines.params import SamplerParams
from backend.jobs.kinds import ContinueJob, Job, JobResult, RewriteJob
from backend.story.memory.assembly import BookContext
from backend.story.style.model import Style
from backend.text.counts import word_count
from gui.editor.editor import Editor
from gui.editor.history import InsertionHistory
from gui.editor.model_steps import ModelSteps
from gui.editor.writing_bar import MARGIN_PX, WritingBar
from gui.worker import GenerationWorker, Request

# Insertion modes: a new continuation, a retry of the last one, a rewrite of a selection.
NEW, RETRY, REWRITE = "new", "retry", "rewrite"
# How long the writer rests, after the last suggestion came, before a styled continuation's
# prompt is read ahead (bench/first_words.py).
PREPARE_DELAY_MS = 1500


@dataclass(frozen=True)
class StoryInputs:
    """What a continuation draws on besides the text: the style (None: plain), the premise,
    the author's note and the story bible's entries."""

    style: Style | None
    premise: str
    authors_note: str
    bible: tuple[dict[str, str], ...]
    book: BookContext | None = None  # memory, synopses, recall: what the book tells the model
    language: str = ""  # the story's language ('' detects it from the text)


class ContinuationController(QObject):
    """Streams continuations into the editor and keeps every version of them."""

    running_changed = Signal(bool)
    done = Signal(object)  # the JobResult
    ended = Signal()  # the editor is free again (the window autosaves)
    message = Signal(str, int)  # text for the status bar, and for how many ms
    error = Signal(str, str)
    speed = Signal(float)  # tokens per second of the last continuation
    # The net words the model put into the text (kept apart from the writer's own count).
    model_words = Signal(int)
    # The model is about to write into the text ("continuation" or "rewrite"): the window
    # keeps a snapshot of the scene first.
    about_to_write = Signal(str)

    def __init__(
        self,
        editor: Editor,
        worker: GenerationWorker,
        inputs: Callable[[], StoryInputs],
        params: Callable[[], SamplerParams],
        style: Callable[[], Style],
    ) -> None:
        super().__init__(editor)
        self.editor = editor
        self.worker = worker
        self.inputs = inputs
        self.params = params
        self.style = style
        self.model_ready = False
        self.history = InsertionHistory()
        self.steps = ModelSteps(self)
        self.steps.moved.connect(self.model_words)
        self._active_id: int | None = None
        self._mode = NEW
        self._insert_start = 0
        self._seed = 0
        self._replaced_words = 0
        self.bar = WritingBar(editor)
        self.bar.stop_clicked.connect(self.stop)
        # Reading ahead is for a writer who uses styles: one who has continued in a style,
        # or set one in the style panel, in this window.
        self._styled_used = False
        self._prepared: object = None  # the place (and inputs) last read ahead
        self.prepare_posted: int | None = None  # the id of the last read-ahead request
        self._rest_after: int | None = None  # the request whose end started the rest
        self._prepare_timer = QTimer(self)
        self._prepare_timer.setSingleShot(True)
        self._prepare_timer.setInterval(PREPARE_DELAY_MS)
        self._prepare_timer.timeout.connect(self.prepare)
        # True for the id of a request that read the place once the cursor rested (the
        # suggestions' prefill): the writer rests already, so the styled read follows at
        # once instead of after PREPARE_DELAY_MS. Set by the window.
        self.is_rest_read: Callable[[int], bool] = lambda _request_id: False
        editor.textChanged.connect(self._prepare_timer.stop)
        worker.chunk_ready.connect(self._on_worker_chunk_ready)
        worker.draft_ready.connect(self._on_worker_draft_ready)
        worker.finished.connect(self._on_worker_finished)
        worker.failed.connect(self._on_worker_failed)

    def owns(self, request_id: int) -> bool:
        """True when `request_id` is the running continuation."""
        return request_id == self._active_id

    def reset_history(self) -> None:
        """Forget the versions (another document was opened)."""
        self.history = InsertionHistory()

    @Slot()
    def start(self, replace_last: bool = False) -> None:
        """Stream a continuation at the cursor (Ctrl+Enter); Retry replaces the last one."""
        if self.editor.inserting or self._refused_while_locked():
            return
        if not self.model_ready:
            self.message.emit(self.tr("The model is not ready yet."), 4000)
            return
        if replace_last:
            node = self.history.current_node(self.editor.toPlainText())
            if node is None:
                self.message.emit(self.tr("Nothing to retry: continue first."), 4000)
                return
            self.editor.select_range(node.start, node.start + len(node.text))
            before_end = node.start
        else:
            before_end = self.editor.textCursor().selectionStart()
        job = self._job(before_end, self.inputs(), self._next_seed())
        if job.style is not None:
            self._styled_used = True
        self._begin(job, RETRY if replace_last else NEW)

    def _job(
        self, before_end: int, inputs: StoryInputs, seed: int, prepare_only: bool = False
    ) -> ContinueJob:
        """The continuation of the text before `before_end`, as Ctrl+Enter asks for it."""
        return ContinueJob(
            text_before=self.editor.toPlainText()[:before_end],
            params=self.params().with_(seed=seed),
            style=inputs.style,
            premise=inputs.premise,
            authors_note=inputs.authors_note,
            bible=inputs.bible,
            book=inputs.book,
            language=inputs.language,
            prepare_only=prepare_only,
        )

    @Slot()
    def expect_style(self) -> None:
        """The writer set a style: read ahead for it from the next rest on."""
        self._styled_used = True
        self._prepare_timer.setInterval(PREPARE_DELAY_MS)
        self._prepare_timer.start()

    @Slot()
    def prepare(self) -> bool:
        """Have the model read ahead what a styled continuation at the cursor would read,
        once the writer has rested: only for a writer who has continued in a style or set
        one since the window opened, only while the model has nothing else to do (a keystroke's
        suggestion cancels it), and once per place."""
        editor = self.editor
        if not (self.model_ready and self._styled_used) or editor.inserting:
            return False
        if editor.isReadOnly() or editor.locked_reason:
            return False
        # Busy for something else. (The request whose end started the rest may still be
        # winding up in the model thread when the rest is over at once: it is done.)
        if self.worker.working_on() not in (None, self._rest_after):
            return False
        cursor = editor.textCursor()
        if cursor.hasSelection():
            return False
        inputs = self.inputs()
        if inputs.style is None:
            return False
        key = (editor.document().revision(), cursor.position(), inputs)
        if key == self._prepared:
            return False
        self._prepared = key
        request = Request(self._job(cursor.position(), inputs, 0, prepare_only=True))
        self.prepare_posted = request.id
        self.worker.post(request)
        return True

    @Slot()
    def retry(self) -> None:
        """Ctrl+R: replace the last continuation with a new one (the old one is kept)."""
        self.start(replace_last=True)

    @Slot()
    def rewrite_selection(self) -> None:
        """Rewrite the selected passage in the chosen style."""
        if self._refused_while_locked():
            return
        cursor = self.editor.textCursor()
        if not cursor.hasSelection() or not self.model_ready or self.editor.inserting:
            self.message.emit(self.tr("Select a passage to rewrite."), 4000)
            return
        passage = cursor.selectedText().replace("\u2029", "\n")
        inputs = self.inputs()
        style = inputs.style or self.style()
        self._begin(RewriteJob(passage, style, self._next_seed(), inputs.book), REWRITE)

    @Slot()
    def browse(self, step: int) -> None:
        """Alt+Left / Alt+Right: step through the versions of the last continuation."""
        if self.editor.inserting or self._refused_while_locked():
            return
        node = self.history.current_node(self.editor.toPlainText())
        if node is None:
            return
        text = node.step(step)
        if text is None:
            return
        before = node.previous_text
        self.editor.replace_range(node.start, node.start + len(before), text)
        self._by_the_model(word_count(text) - word_count(before))
        self.message.emit(
            self.tr("Version {0} of {1}").format(node.index + 1, len(node.versions)), 3000
        )

    def _by_the_model(self, words: int) -> None:
        """The step just made is the model's: its words are not the writer's, and undoing
        or redoing it moves them again (ModelSteps)."""
        self.model_words.emit(words)
        self.steps.record(self.editor.document(), words)

    @Slot()
    def stop(self) -> None:
        """Stop the running continuation (Esc); what was written so far stays."""
        if self._active_id is not None:
            self.worker.cancel(self._active_id)

    def _refused_while_locked(self) -> bool:
        """A read-only text (a scene that could not be read) is never written into."""
        if not self.editor.locked_reason:
            return False
        self.message.emit(
            self.tr("This text is read-only: {0}").format(self.editor.locked_reason), 8000
        )
        return True

    def _next_seed(self) -> int:
        self._seed += 1
        return self._seed

    def _begin(self, job: Job, mode: str) -> None:
        request = Request(job)
        self._active_id = request.id
        self._mode = mode
        self.about_to_write.emit("rewrite" if mode == REWRITE else "continuation")
        replaced = self.editor.textCursor().selectedText()
        self._replaced_words = word_count(replaced)
        self.editor.begin_insertion()
        self._insert_start = self.editor.insertion_position()
        self.running_changed.emit(True)
        self.message.emit(self.tr("Writing… (Esc stops)"), 0)
        self.bar.begin()
        self.editor.keep_clear_below(self.bar.height() + 2 * MARGIN_PX)  # the text shows above it
        self.worker.post(request)

    def _end(self) -> None:
        self._active_id = None
        self.bar.end()
        self.editor.keep_clear_below(0)
        self.editor.end_insertion()
        self.running_changed.emit(False)
        self.ended.emit()

    @Slot(int, str)
    def _on_worker_chunk_ready(self, request_id: int, text: str) -> None:
        if request_id == self._active_id:
            self.editor.insert_chunk(text)
            self.bar.written(self.editor.inserted_text())

    @Slot(int, str)
    def _on_worker_draft_ready(self, request_id: int, text: str) -> None:
        if request_id == self._active_id and self.editor.inserting:
            self.editor.show_draft(text)
            self.bar.written(self.editor.inserted_text() + text)

    @Slot(int, object)
    def _on_worker_finished(self, request_id: int, result: JobResult) -> None:
        if request_id != self._active_id:
            if request_id != self.prepare_posted and self._styled_used:
                # A suggestion came (the writer may rest now), or the place was read at rest.
                self._rest_after = request_id
                rested = self.is_rest_read(request_id)
                self._prepare_timer.setInterval(0 if rested else PREPARE_DELAY_MS)
                self._prepare_timer.start()
            return  # not ours, or stale: a newer request replaced it
        inserted = self.editor.inserted_text()
        self._end()
        if inserted:
            self._by_the_model(word_count(inserted) - self._replaced_words)
            if self._mode == RETRY:
                self.history.add_version(inserted)
            elif self._mode == NEW:
                self.history.new_insertion(self._insert_start, inserted)
        if result.tokens_per_s:
            self.speed.emit(result.tokens_per_s)
        self.message.emit(self.tr("Stopped.") if result.cancelled else self.tr("Done."), 3000)
        self.done.emit(result)

    @Slot(int, str)
    def _on_worker_failed(self, request_id: int, message: str) -> None:
        if request_id == self._active_id:
            inserted = self.editor.inserted_text()
            self._end()
            if inserted:  # what it wrote before failing stays, and is the model's
                self._by_the_model(word_count(inserted) - self._replaced_words)
            self.error.emit(self.tr("Generation failed"), message)
