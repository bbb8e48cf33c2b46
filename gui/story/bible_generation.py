"""Generated story-bible entries: the panel asks, the model thread writes field by field."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from backend.jobs.kinds import EntryEvent, EntryJob, JobResult
from gui.story.bible import BiblePanel
from gui.story.bible_form import Outcome
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
        self._fields_done = 0
        panel.generate_requested.connect(self._on_panel_generate_requested)
        panel.stop_requested.connect(self.stop)
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
            self.panel.finish_generation()  # nothing was written
            self.message.emit(self.tr("The model is busy or not ready yet."), 4000)
            return
        request = Request(job)
        self._active_id = request.id
        self._fields_done = 0
        self.panel.set_generating(True, self.tr("Writing the entry…"))
        self.message.emit(self.tr("Writing the entry… (Stop in the story bible, or Esc there)"), 0)
        self.worker.post(request)

    @Slot()
    def stop(self) -> None:
        """Stop writing the entry; the fields written so far stay."""
        if self._active_id is not None:
            self.worker.cancel(self._active_id)
            self.panel.set_generating(True, self.tr("Stopping…"))

    @Slot(int, object)
    def _on_worker_event_ready(self, request_id: int, event: EntryEvent) -> None:
        if request_id != self._active_id:
            return
        # The fields kept as they were come back too; only the ones written are counted.
        if self.panel.apply_event(event) and event.final:
            self._fields_done += 1
        name = QCoreApplication.translate("BiblePanel", event.field)
        self.panel.set_generating(
            True,
            self.tr("Writing “{0}”… (fields done: %n)", "", self._fields_done).format(name),
        )

    def _end(self) -> Outcome:
        """The job is over: the panel takes its buttons back and keeps what was written as
        one undo step."""
        self._active_id = None
        self.panel.setEnabled(True)
        self.panel.set_generating(False)
        return self.panel.finish_generation()

    @Slot(int, object)
    def _on_worker_finished(self, request_id: int, result: JobResult) -> None:
        if request_id != self._active_id:
            return
        outcome = self._end()
        written = outcome in ("done", "unnamed")
        if result.cancelled:
            text = self.tr(
                "Stopped. What was written stays; Undo in the story bible takes it back."
            )
            self.message.emit(text if written else self.tr("Stopped."), 8000)
        elif outcome == "unnamed":
            text = self.tr(
                "The model gave this entry no name: type one in Name, or press ↻ beside it."
            )
            self.message.emit(text, 0)
        elif outcome == "nothing":
            self.message.emit(self.tr("The model wrote nothing new for this entry."), 8000)
        elif written:
            self.message.emit(self.tr("Generated. Undo in the story bible takes it back."), 8000)
        else:
            self.message.emit(self.tr("Generated."), 4000)
        self.done.emit(result)

    @Slot(int, str)
    def _on_worker_failed(self, request_id: int, message: str) -> None:
        if request_id == self._active_id:
            self._end()
            self.error.emit(self.tr("Generation failed"), message)
