"""Long-book memory in the window: the book's recall index (rebuilt in the background as
the book changes), the book context every request carries, the "What the model sees"
dock, pins and mutes, budgets, and draft synopses for the binder."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QDialog, QMainWindow

from backend.jobs.kinds import JobResult, SynopsisJob
from backend.story.binder import Chapter
from backend.story.memory.assembly import Assembly, BookContext
from backend.story.memory.budgets import ContextSettings
from backend.story.memory.drafts import BookDrafts, day_one_drafts
from backend.story.memory.position import book_context, scene_texts
from backend.story.memory.recall import RecallIndex, build_index, cache_path
from backend.story.memory.synopsis import extractive_synopsis
from gui.book.project import ProjectController
from gui.editor.editor import Editor
from gui.story.context_view import BudgetsDialog, ContextDock, DraftDialog
from gui.story.continuity import detached
from gui.worker import GenerationWorker, Request

log = logging.getLogger(__name__)

INDEX_DELAY_MS = 4000


class MemoryController(QObject):
    """Owns the recall index of the open story and what each request is told about it."""

    message = Signal(str, int)
    # What requests are told of the book changed (the index or the drafts came): suggestions
    # read the place again before the writer types.
    context_ready = Signal()
    _built = Signal(object, str, int)  # index, note, generation (from the index thread)
    _drafted = Signal(int)  # generation (from the index thread)

    def __init__(
        self,
        window: QMainWindow,
        project: ProjectController,
        editor: Editor,
        worker: GenerationWorker,
        cache_dir: Path | None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.project = project
        self.editor = editor
        self.worker = worker
        self.cache_dir = cache_dir
        self.bible_entries: Callable[[], list] = list
        self.authors_note: Callable[[], str] = str
        self.index: RecallIndex | None = None
        # Drafts of the cast and the chapters where the writer has written none (made in
        # the background with the index; marked as drafts wherever they are shown).
        self.drafts: BookDrafts | None = None
        self.dialog: QDialog | None = None
        self._generation = 0
        self._synopsis: tuple[int, str] | None = None  # request id, item id
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inkling-recall")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(INDEX_DELAY_MS)
        self._timer.timeout.connect(self.rebuild_index)
        self.dock = ContextDock(window)
        self.dock.memory_edited.connect(self._on_dock_memory_edited)
        self.dock.pin_requested.connect(self.pin)
        self.dock.mute_requested.connect(self.mute)
        self.dock.budgets_requested.connect(self.edit_budgets)
        self._built.connect(self._on_index_built)
        self._drafted.connect(self._on_drafted)
        worker.event_ready.connect(self._on_worker_event_ready)
        worker.finished.connect(self._on_worker_finished)
        worker.failed.connect(self._on_worker_failed)
        editor.contents_changed.connect(self._on_editor_contents_changed)
        project.changed.connect(self._timer.start)
        project.structure_changed.connect(self._timer.start)

    # --- the open story -------------------------------------------------------------
    def story_opened(self) -> None:
        """A story (or a plain document) was opened: show its memory, index its scenes."""
        story = self.project.story
        self.index = None
        self.drafts = None
        self.dock.forget_request()
        self.dock.set_memory(story.memory if story else "", story is not None)
        self._show_settings()
        if story is not None:
            self.rebuild_index()

    def settings(self) -> ContextSettings:
        """The open story's context settings (defaults without a story)."""
        story = self.project.story
        return ContextSettings.from_mapping(story.context)[0] if story else ContextSettings()

    def book_context(self, authors_note: str | None = None) -> BookContext:
        """What a request at the cursor is told about the book."""
        note = self.authors_note() if authors_note is None else authors_note
        bible = tuple({str(k): str(v) for k, v in e.items()} for e in self.bible_entries())
        story = self.project.story
        if story is None or not self.project.current:
            return BookContext(bible=bible, authors_note=note)
        return book_context(
            story,
            self.project.current,
            index=self.index,
            authors_note=note,
            bible=bible,
            drafts=self.drafts,
        )

    # --- the recall index -----------------------------------------------------------
    @Slot()
    def rebuild_index(self) -> None:
        """Re-index the book in the background (only changed scenes are read again)."""
        story = self.project.story
        if story is None:
            return
        self._generation += 1
        texts = dict(self.project.texts())
        scenes = scene_texts(story, texts)
        cache = cache_path(self.cache_dir, story.folder) if self.cache_dir else None
        generation = self._generation
        future = self._pool.submit(build_index, scenes, cache)
        future.add_done_callback(lambda f: self._on_index_future_done(f, generation))
        drafted = self._pool.submit(day_one_drafts, detached(story, texts), texts=texts)
        drafted.add_done_callback(lambda f: self._on_drafts_done(f, generation))

    def _on_drafts_done(self, future: Future, generation: int) -> None:
        """On the index thread: keep the drafts (a plain reference, read by the window)."""
        if future.cancelled() or future.exception() is not None:
            if not future.cancelled():
                log.warning("no day-one drafts: %s", future.exception())
            return
        if generation == self._generation:
            self.drafts = future.result()
            self._drafted.emit(generation)

    @Slot(int)
    def _on_drafted(self, generation: int) -> None:
        if generation == self._generation and self.project.story is not None:
            self.context_ready.emit()

    def _on_index_future_done(self, future: Future, generation: int) -> None:
        exc = future.exception()
        if exc is not None:  # never fatal: requests go on without recalled passages
            log.warning("the recall index could not be built: %s", exc)
            return
        index, note = future.result()
        self._built.emit(index, note, generation)

    @Slot(object, str, int)
    def _on_index_built(self, index: RecallIndex, note: str, generation: int) -> None:
        if generation != self._generation or self.project.story is None:
            return  # the book changed again, or was closed
        self.index = index
        self.context_ready.emit()
        if note:
            self.message.emit(note, 6000)

    def _on_editor_contents_changed(self, _pos: int, removed: int, added: int) -> None:
        if (removed or added) and self.project.story is not None:
            self._timer.start()

    # --- the dock -------------------------------------------------------------------
    @Slot(int, object)
    def _on_worker_event_ready(self, _request_id: int, event: object) -> None:
        if isinstance(event, Assembly):
            self.dock.show_assembly(event, event.task)

    def _on_dock_memory_edited(self, text: str) -> None:
        story = self.project.story
        if story is not None and story.memory != text:
            story.memory = text
            self.project.touch()

    def _store(self, settings: ContextSettings) -> None:
        story = self.project.story
        if story is None:
            return
        story.context = {**story.context, **settings.to_mapping()}  # other keys stay (drafts)
        self.project.touch()
        self._show_settings()

    def _show_settings(self) -> None:
        settings = self.settings()
        self.dock.pinned, self.dock.muted = settings.pinned, settings.muted

    @Slot(str, bool)
    def pin(self, key: str, on: bool = True) -> None:
        """Always include (or stop always including) a lore entry or passage."""
        self._store(self.settings().pin(key, on))
        self.message.emit(
            self.tr("Pinned: the next request includes it.") if on else self.tr("Unpinned."), 4000
        )

    @Slot(str, bool)
    def mute(self, key: str, on: bool = True) -> None:
        """Never include (or include again) a lore entry or passage."""
        self._store(self.settings().mute(key, on))
        self.message.emit(
            self.tr("Muted: the model will not be told this.") if on else self.tr("Unmuted."), 4000
        )

    @Slot()
    def edit_budgets(self) -> None:
        """The budgets dialog (non-modal); accepted budgets are kept with the story."""
        dialog = BudgetsDialog(self.settings().budgets, self.window)
        dialog.accepted.connect(lambda: self._on_budgets_accepted(dialog))
        self.dialog = dialog
        dialog.show()

    def _on_budgets_accepted(self, dialog: BudgetsDialog) -> None:
        settings = self.settings()
        self._store(ContextSettings(dialog.budgets(), settings.pinned, settings.muted))

    # --- draft synopses -------------------------------------------------------------
    def item_text(self, item_id: str) -> str:
        """A scene's text, or all of a chapter's scenes."""
        item = self.project.binder.item(item_id)
        if isinstance(item, Chapter):
            return "\n\n".join(self.project.text_of(s.id) for s in item.scenes)
        return self.project.text_of(item_id)

    def draft_synopsis(self, item_id: str, by_model: bool) -> None:
        """Offer a draft synopsis of a chapter or scene: extractive at once, or written by
        the model in the background. Nothing is kept without the writer's say."""
        text = self.item_text(item_id)
        if not text.strip():
            self.message.emit(self.tr("There is no text to summarise yet."), 4000)
            return
        if not by_model:
            self._offer(item_id, extractive_synopsis(text))
            return
        if self.editor.inserting:
            self.message.emit(self.tr("Wait for the continuation to finish first."), 4000)
            return
        what = "chapter" if isinstance(self.project.binder.item(item_id), Chapter) else "scene"
        request = Request(SynopsisJob(text, what))
        self._synopsis = (request.id, item_id)
        self.worker.post(request)
        self.message.emit(self.tr("The model is drafting a synopsis…"), 0)

    def _on_worker_finished(self, request_id: int, result: JobResult) -> None:
        if self._synopsis is None or self._synopsis[0] != request_id:
            return
        item_id = self._synopsis[1]
        self._synopsis = None
        self.message.emit("", 1)
        if not result.cancelled and result.text.strip():
            self._offer(item_id, result.text)
        elif not result.cancelled:
            self.message.emit(self.tr("The model wrote no synopsis; try the quick draft."), 6000)

    def _on_worker_failed(self, request_id: int, message: str) -> None:
        if self._synopsis is not None and self._synopsis[0] == request_id:
            self._synopsis = None
            self.message.emit(self.tr("No draft synopsis: {0}").format(message), 8000)

    def _offer(self, item_id: str, draft: str) -> None:
        try:
            item = self.project.binder.item(item_id)
        except KeyError:
            return  # deleted meanwhile
        dialog = DraftDialog(item.title, draft, self.window)
        dialog.accepted.connect(lambda: self._use_synopsis(item_id, dialog.synopsis()))
        self.dialog = dialog
        dialog.show()

    def _use_synopsis(self, item_id: str, synopsis: str) -> None:
        try:
            item = self.project.binder.item(item_id)
        except KeyError:
            return
        item.synopsis = synopsis
        self.project.touch()
        self.project.structure_changed.emit()

    def shutdown(self) -> None:
        """Stop indexing (the window is closing)."""
        self._timer.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)
