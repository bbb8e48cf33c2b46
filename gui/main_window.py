"""The main window: the editor, the menus and a status bar that tells what the model does."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QProgressBar, QWidget

from backend.engines import create_engine
from backend.engines.base import Engine
from backend.models import ModelSpec
from backend.params import SamplerParams
from backend.paths import AppPaths
from gui.about import AboutDialog
from gui.editor import Editor
from gui.suggestions import SuggestionController
from gui.worker import ModelThread, Request

log = logging.getLogger(__name__)

CONTINUE_PARAMS = SamplerParams(temperature=0.8, max_tokens=120, repeat_penalty=1.1)


class MainWindow(QMainWindow):
    """Inkling's window. Widgets never call engines; they post requests to the worker."""

    def __init__(
        self,
        paths: AppPaths,
        spec: ModelSpec | None = None,
        load_error: str | None = None,
        parent: QWidget | None = None,
        engine_factory: Callable[[ModelSpec], Engine] = create_engine,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Inkling")
        self.resize(900, 680)
        self.paths = paths
        self.editor = Editor(self)
        self.setCentralWidget(self.editor)
        self.model_name = ""
        self.model_ready = False
        self.last_error = ""
        self._active_id: int | None = None
        self._error_box: QMessageBox | None = None

        self._build_status_bar()

        self.model_thread = ModelThread(paths.models, engine_factory)
        worker = self.model_thread.worker
        self.suggestions = SuggestionController(self.editor, worker)
        self._build_actions()
        worker.chunk_ready.connect(self._on_worker_chunk_ready)
        worker.finished.connect(self._on_worker_finished)
        worker.failed.connect(self._on_worker_failed)
        worker.load_progress.connect(self._on_worker_load_progress)
        worker.model_loaded.connect(self._on_worker_model_loaded)
        worker.model_failed.connect(self._on_worker_model_failed)
        if load_error:
            self._on_worker_model_failed(load_error)
        else:
            self.load_model(spec)

    # --- construction ---------------------------------------------------------------
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.model_label = QLabel("No model")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(160)
        self.progress.setVisible(False)
        self.speed_label = QLabel("")
        bar.addPermanentWidget(self.speed_label)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.model_label)

    def _build_actions(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        edit_menu = menu.addMenu("&Edit")
        undo = QAction("&Undo", self)
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        undo.triggered.connect(self.editor.undo)
        redo = QAction("&Redo", self)
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        redo.triggered.connect(self.editor.redo)
        edit_menu.addActions([undo, redo])

        gen_menu = menu.addMenu("&Generate")
        self.continue_action = QAction("&Continue writing", self)
        self.continue_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.continue_action.triggered.connect(self.start_continuation)
        self.stop_action = QAction("&Stop", self)
        self.stop_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.stop_action.setEnabled(False)
        self.stop_action.triggered.connect(self.stop_generation)
        gen_menu.addActions([self.continue_action, self.stop_action])

        suggest_menu = menu.addMenu("&Suggest")
        self.auto_suggest_action = QAction("Suggestions as you &type", self)
        self.auto_suggest_action.setCheckable(True)
        self.auto_suggest_action.setChecked(True)
        self.auto_suggest_action.toggled.connect(self.suggestions.set_enabled)
        suggest_menu.addAction(self.auto_suggest_action)
        suggest_menu.addSeparator()
        # The editor owns these keys (they are rebindable there); the menu shows and runs them.
        for label, name, slot in (
            ("Suggest &now", "request", self.suggestions.request_now),
            ("&Accept suggestion", "accept", self.editor.accept_ghost),
            ("Accept next &word", "accept_word", self.editor.accept_next_word),
            ("&Next alternative", "next", lambda: self.editor.alternative_requested.emit(1)),
            (
                "&Previous alternative",
                "previous",
                lambda: self.editor.alternative_requested.emit(-1),
            ),
        ):
            key = self.editor.keys[name].toString(QKeySequence.SequenceFormat.NativeText)
            action = QAction(f"{label}\t{key}", self)
            action.triggered.connect(slot)
            suggest_menu.addAction(action)
        toolbar = self.addToolBar("Suggestions")
        toolbar.setObjectName("suggestions-toolbar")
        toolbar.addAction(self.auto_suggest_action)
        toolbar.addAction(self.continue_action)

        help_menu = menu.addMenu("&Help")
        about = QAction("&About Inkling", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)
        self.about_action = about

    # --- model ----------------------------------------------------------------------
    def load_model(self, spec: ModelSpec | None) -> None:
        """Load a model in the background (None: the bundled one)."""
        self.model_ready = False
        self.model_label.setText("Loading model…")
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.model_thread.worker.load_model(spec)

    @Slot(float)
    def _on_worker_load_progress(self, fraction: float) -> None:
        self.progress.setValue(int(fraction * 100))

    @Slot(str)
    def _on_worker_model_loaded(self, name: str) -> None:
        self.model_ready = True
        self.suggestions.model_ready = True
        self.model_name = name
        self.progress.setVisible(False)
        self.model_label.setText(name)
        self.statusBar().showMessage(f"{name} is ready. Ctrl+Enter continues your text.", 5000)

    @Slot(str)
    def _on_worker_model_failed(self, message: str) -> None:
        self.model_ready = False
        self.suggestions.model_ready = False
        self.progress.setVisible(False)
        self.model_label.setText("No model")
        self.show_error("The model could not be loaded", message)

    # --- continuation ---------------------------------------------------------------
    @Slot()
    def start_continuation(self) -> None:
        """Stream a continuation at the cursor (Ctrl+Enter)."""
        if self.editor.inserting:
            return
        if not self.model_ready:
            self.statusBar().showMessage("The model is not ready yet.", 4000)
            return
        cursor = self.editor.textCursor()
        text = self.editor.toPlainText()
        request = Request("continue", text, cursor.position(), CONTINUE_PARAMS)
        self._active_id = request.id
        self.editor.begin_insertion()
        self.stop_action.setEnabled(True)
        self.continue_action.setEnabled(False)
        self.statusBar().showMessage("Writing… (Esc stops)")
        self.model_thread.worker.post(request)

    @Slot()
    def stop_generation(self) -> None:
        """Stop the running continuation (Esc); what was written so far stays."""
        if self._active_id is not None:
            self.model_thread.worker.cancel(self._active_id)

    @Slot(int, str)
    def _on_worker_chunk_ready(self, request_id: int, text: str) -> None:
        if request_id != self._active_id:
            return  # stale: a newer request replaced it
        self.editor.insert_chunk(text)

    @Slot(int, object)
    def _on_worker_finished(self, request_id: int, result: dict) -> None:
        if request_id != self._active_id:
            return
        self._end_continuation()
        tps = result.get("tokens_per_s")
        if tps:
            self.speed_label.setText(f"{tps:.0f} tokens/s")
        self.statusBar().showMessage("Stopped." if result.get("cancelled") else "Done.", 3000)

    @Slot(int, str)
    def _on_worker_failed(self, request_id: int, message: str) -> None:
        if request_id == self._active_id:
            self._end_continuation()
            self.show_error("Generation failed", message)
        else:
            self.last_error = message
            self.statusBar().showMessage(f"Suggestion failed: {message}", 8000)

    def _end_continuation(self) -> None:
        self._active_id = None
        self.editor.end_insertion()
        self.stop_action.setEnabled(False)
        self.continue_action.setEnabled(True)
        self.statusBar().clearMessage()

    # --- dialogs --------------------------------------------------------------------
    def show_error(self, title: str, message: str) -> None:
        """Say what went wrong in the status bar and a non-blocking dialog."""
        self.last_error = message
        self.statusBar().showMessage(f"{title}: {message}")
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, parent=self)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
        self._error_box = box

    @Slot()
    def show_about(self) -> None:
        """Help → About, with the bundled model's licence."""
        dialog = AboutDialog(self.model_name or "none loaded", self)
        dialog.open()
        self.about_dialog = dialog

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop generation and close the model on its own thread before the window goes."""
        self.model_thread.stop()
        super().closeEvent(event)
