"""Generated story-bible entries: the panel asks, the model thread writes field by field."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from backend.jobs.kinds import EntryEvent, EntryJob, JobResult
from gui.story.bible import BiblePanel
from gui.worker import GenerationWorker, Request


class BibleController(QObject):
    """Posts the panel's generation requests and feeds the fields back into it."""

    done = Signal(object)  # the JobResult
    message = Signal(str, int)
    error = Signal(str, str)

    def __init__(
        self, panel: BiblePanel, worker: GenerationWorker, can_start: Callable[[], bool]
    ) -> None:
        super().__init__(panel)
        self.panel = panel
        self.worker = worker
        self.can_start = can_start
        self._active_id: int | None = None
        panel.generate_requested.connect(self._on_panel_generate_requested)
        worker.event_ready.connect(self._on_worker_event_ready)
        worker.finished.connect(self._on_worker_finished)
        worker.failed.connect(self._on_worker_failed)

    @property
    def running(self) -> bool:
        """True while an entry is being generated."""
        return self._active_id is not None

    def owns(self, request_id: int) -> bool:
        """True when `request_id` is the running generation."""
        return request_id == self._active_id

    @Slot(object)
    def _on_panel_generate_requested(self, job: EntryJob) -> None:
        if not self.can_start():
            self.message.emit(self.tr("The model is busy or not ready yet."), 4000)
            return
        request = Request(job)
        self._active_id = request.id
        self.message.emit(self.tr("Generating… (Esc in the editor does not stop this)"), 0)
        self.worker.post(request)

    @Slot(int, object)
    def _on_worker_event_ready(self, request_id: int, event: EntryEvent) -> None:
        if request_id == self._active_id:
            self.panel.apply_event(event)

    @Slot(int, object)
    def _on_worker_finished(self, request_id: int, result: JobResult) -> None:
        if request_id != self._active_id:
            return
        self._active_id = None
        self.panel.setEnabled(True)
        self.message.emit(self.tr("Stopped.") if result.cancelled else self.tr("Generated."), 4000)
        self.done.emit(result)

    @Slot(int, str)
    def _on_worker_failed(self, request_id: int, message: str) -> None:
        if request_id == self._active_id:
            self._active_id = None
            self.panel.setEnabled(True)
            self.error.emit(self.tr("Generation failed"), message)
