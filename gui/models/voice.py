"""The writer's voice adapters: training them, switching them on, keeping the list per model.

The adapter in use is applied on the model thread (`GenerationWorker.set_adapter`) without
reloading the model; which one is on, and how strongly, is kept with each model's adapters
and applied again whenever that model loads.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QLabel, QWidget

from backend.engines.adapter_file import NOT_ON_A_SERVER, AdapterError
from backend.engines.base import EngineKind
from backend.jobs.voice.texts import MIN_WORDS
from backend.models.adapter_library import AdapterEntry, AdapterLibrary
from backend.models.spec import ModelSpec
from backend.storage.atomic import SaveError, atomic_write_text
from backend.storage.paths import AppPaths
from backend.text.counts import word_count
from backend.untrusted import RefusedFile
from gui.models.training import EXIT_CANCELLED, TrainingProcess, TrainVoiceDialog
from gui.worker import GenerationWorker

log = logging.getLogger(__name__)

TRAINING_OUT = "new-voice.gguf"
# (title, text) of the book or document open in the window, or None.
BookText = Callable[[], tuple[str, str] | None]


class VoiceController(QObject):
    """Trains adapters for the loaded model and switches them on and off live."""

    message = Signal(str)
    error = Signal(str, str)
    changed = Signal()  # the list or the adapter in use changed

    def __init__(
        self, parent: QWidget, worker: GenerationWorker, paths: AppPaths, book: BookText
    ) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.worker = worker
        self.root = paths.data / "adapters"
        self.book = book
        self.spec: ModelSpec | None = None
        self.active: tuple[Path, float] | None = None
        self.status_label = QLabel("")
        self.process = TrainingProcess(self)
        self.process.line_read.connect(self._on_process_event)
        self.process.ended.connect(self._on_process_ended)
        self.dialog: TrainVoiceDialog | None = None
        self._dialog_for: ModelSpec | None = None
        self._book_file: Path | None = None  # the book's text, written for one run
        self._libraries: dict[Path, AdapterLibrary] = {}
        self.trained: AdapterEntry | None = None
        self._result: dict[str, Any] = {}
        worker.spec_loaded.connect(self._on_worker_spec_loaded)
        worker.adapter_changed.connect(self._on_worker_adapter_changed)
        worker.adapter_failed.connect(self._on_worker_adapter_failed)

    # --- the library ----------------------------------------------------------------
    def library(self, spec: ModelSpec | None = None) -> AdapterLibrary | None:
        """The adapters of `spec` (default: the loaded model); None for a server."""
        spec = spec or self.spec
        if spec is None or spec.engine == EngineKind.REMOTE:
            return None
        if spec.path not in self._libraries:  # one read of the model's identity each
            try:
                self._libraries[spec.path] = AdapterLibrary(self.root, spec.path)
            except (AdapterError, RefusedFile) as exc:
                log.warning("no adapter list for %s: %s", spec.name, exc)
                return None
        return self._libraries[spec.path]

    def is_loaded(self, spec: ModelSpec) -> bool:
        """Whether `spec` is the model in use."""
        return self.spec is not None and self.spec.path == spec.path

    def switch(self, library: AdapterLibrary, file: str | None, scale: float = 1.0) -> None:
        """Turn an adapter on at `scale` (None: off); live when its model is loaded."""
        try:
            active = library.switch(file, scale)
        except (AdapterError, RefusedFile) as exc:
            self.error.emit(self.tr("The voice could not be switched"), str(exc))
            return
        if self.spec is not None and library.model_path == self.spec.path:
            self.worker.set_adapter(active.path if active else None, active.scale if active else 1)
        self.changed.emit()

    def delete(self, library: AdapterLibrary, file: str) -> None:
        """Delete an adapter (switching it off first if it is on)."""
        path = library.folder / file
        try:
            library.delete(file)
        except (AdapterError, RefusedFile) as exc:
            self.error.emit(self.tr("The voice could not be deleted"), str(exc))
            return
        if self.active is not None and self.active[0] == path.resolve():
            self.worker.set_adapter(None)
        self.worker.forget_adapter(path)
        self.changed.emit()

    # --- the model thread -----------------------------------------------------------
    @Slot(object)
    def _on_worker_spec_loaded(self, spec: ModelSpec) -> None:
        self.spec = spec
        self.active = None
        library = self.library()
        active = library.active() if library is not None else None
        if active is not None:
            self.worker.set_adapter(active.path, active.scale)
        self._show_active()

    @Slot(object)
    def _on_worker_adapter_changed(self, active: tuple[Path, float] | None) -> None:
        self.active = active
        self._show_active()
        self.changed.emit()

    @Slot(str)
    def _on_worker_adapter_failed(self, message: str) -> None:
        self.error.emit(self.tr("The voice could not be used"), message)

    def _show_active(self) -> None:
        if self.active is None:
            self.status_label.setText("")
            return
        library = self.library()
        name = self.active[0].stem
        if library is not None:
            names = {library.folder / e.file: e.name for e in library.entries()}
            name = names.get(self.active[0], name)
        self.status_label.setText(self.tr("Voice: {0} ({1:.0%})").format(name, self.active[1]))
        self.status_label.setToolTip(self.tr("A voice trained on your writing is on."))

    # --- training -------------------------------------------------------------------
    def show_training(self) -> TrainVoiceDialog | None:
        """Model → Train on My Writing."""
        if self.spec is None:
            self.error.emit(self.tr("Train on my writing"), self.tr("No model is loaded yet."))
            return None
        if self.library() is None:
            self.error.emit(self.tr("Train on my writing"), NOT_ON_A_SERVER)
            return None
        if self.dialog is not None and not self.process.running and self._dialog_for != self.spec:
            self.dialog.deleteLater()
            self.dialog = None
        if self.dialog is None:
            self._dialog_for = self.spec
            book = self.book()
            label = (
                self.tr("{0} ({1:,} words)").format(book[0], word_count(book[1])) if book else ""
            )
            self.dialog = TrainVoiceDialog(self.spec.name, label, self.parent_widget)
            self.dialog.start_requested.connect(self._on_dialog_start_requested)
            self.dialog.cancel_requested.connect(self.cancel_training)
            self.dialog.switch_on_requested.connect(self._on_dialog_switch_on_requested)
            self.dialog.delete_requested.connect(self._on_dialog_delete_requested)
            self.dialog.set_running(self.process.running, self._resumable())
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog

    def _training_out(self) -> Path | None:
        library = self.library()
        return library.folder / "training" / TRAINING_OUT if library is not None else None

    def _resumable(self) -> bool:
        out = self._training_out()
        return out is not None and (out.parent / f"{TRAINING_OUT}.training").is_dir()

    @Slot(list, bool, int)
    def _on_dialog_start_requested(self, files: list[str], use_book: bool, minutes: int) -> None:
        assert self.dialog is not None
        out, spec = self._training_out(), self.spec
        if out is None or spec is None:
            return
        texts = list(files)
        try:
            if use_book:
                self._book_file = self._write_book(out.parent)
                texts.insert(0, str(self._book_file))
        except (SaveError, OSError) as exc:
            self.dialog.stage.setText(self.tr("Could not prepare the book's text: {0}").format(exc))
            return
        if not texts:
            self.dialog.stage.setText(
                self.tr(
                    "Choose what to learn from: the book or your files (at least {0:,} words)."
                ).format(MIN_WORDS)
            )
            return
        self.trained, self._result = None, {}
        self.process.start([
            "--model", str(spec.path), "--engine", spec.engine.value, "--out", str(out),
            "--minutes", str(minutes), "--text", *texts,
        ])  # fmt: skip
        self.dialog.set_running(True)
        self.dialog.stage.setText(self.tr("Starting…"))
        self.message.emit(self.tr("Training on your writing in the background…"))

    def _write_book(self, folder: Path) -> Path:
        book = self.book()
        if book is None:
            raise OSError("no book is open")
        title, text = book
        folder.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^\w-]+", "-", title).strip("-") or "book"
        path = folder / f"{safe}.txt"
        atomic_write_text(path, text, backup=False)
        return path

    @Slot()
    def cancel_training(self) -> None:
        """Stop the training; it keeps a checkpoint to resume from."""
        if self.process.running:
            self.process.cancel()
            if self.dialog is not None:
                self.dialog.cancel_button.setEnabled(False)
                self.dialog.stage.setText(
                    self.tr("Stopping at the next step and saving a checkpoint…")
                )

    @Slot(dict)
    def _on_process_event(self, event: dict[str, Any]) -> None:
        if event.get("event") == "done":
            self._result = event
        if self.dialog is not None:
            self.dialog.reflect(event)

    @Slot(int, str)
    def _on_process_ended(self, code: int, error: str) -> None:
        if self._book_file is not None:
            # A resume writes the book again (it may have changed); no copy is left behind.
            self._book_file.unlink(missing_ok=True)
            self._book_file = None
        dialog = self.dialog
        if code == 0 and self._result:
            self._keep_trained()
        if dialog is None:
            return
        dialog.set_running(False, self._resumable())
        if code == 0 and self.trained is not None:
            dialog.show_result(self._result)
        elif code == EXIT_CANCELLED:
            dialog.stage.setText(self.tr("Cancelled. Resume picks up from the last checkpoint."))
        else:
            dialog.stage.setText(error or self.tr("The training stopped."))
        self.message.emit(
            self.tr("Voice training finished.") if code == 0 else self.tr("Voice training stopped.")
        )

    def _keep_trained(self) -> None:
        library = self.library()
        out = self._training_out()
        if library is None or out is None:
            return
        try:
            self.trained = library.add(out, move=True)
        except (AdapterError, RefusedFile) as exc:
            self.error.emit(self.tr("The voice could not be kept"), str(exc))
            return
        self.changed.emit()

    @Slot()
    def _on_dialog_switch_on_requested(self) -> None:
        library = self.library()
        if library is not None and self.trained is not None:
            self.switch(library, self.trained.file, 1.0)
            self.message.emit(self.tr("Voice “{0}” is on.").format(self.trained.name))
        if self.dialog is not None:
            self.dialog.close()

    @Slot()
    def _on_dialog_delete_requested(self) -> None:
        library = self.library()
        if library is not None and self.trained is not None:
            self.delete(library, self.trained.file)
            self.trained = None
        if self.dialog is not None:
            self.dialog.close()

    def shutdown(self, wait_ms: int = 10_000) -> None:
        """Stop a running training (it checkpoints, so the next run resumes)."""
        if self.process.running:
            self.process.process.terminate()
            if not self.process.process.waitForFinished(wait_ms):
                self.process.process.kill()
                self.process.process.waitForFinished(2000)
