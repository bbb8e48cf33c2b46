"""The window's model status: loading the first model, switching models, the Manage
Models dialog and the worker's model signals. `MainWindow` (gui/window/main_window.py)
builds on `ModelStatus`, which uses the parts the window sets up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLocale, Slot
from PySide6.QtWidgets import QMainWindow

from backend.models.bundled import BUNDLED_NAME
from backend.models.catalogue import BUNDLED_ID, Catalog, CatalogError
from backend.models.choice import choose_model
from backend.models.spec import ModelSpec
from backend.storage.paths import AppPaths
from backend.storage.settings import Settings
from backend.untrusted import RefusedFile
from gui.common.i18n import QT_TRANSLATE_NOOP
from gui.common.messages import translate_message
from gui.editor.continuation import ContinuationController
from gui.editor.editor import Editor
from gui.editor.suggestions import SuggestionController
from gui.models.adapters import AdaptersPanel
from gui.models.chooser import ModelChooserDialog, offer_models
from gui.models.manager import ModelManagerDialog
from gui.models.voice import VoiceController
from gui.window.status_bar import StatusBar
from gui.worker import ModelThread


def _tr(text: str) -> str:
    """Translated in the context these strings had in `MainWindow`."""
    return QCoreApplication.translate("MainWindow", text)


# Marked here so that lupdate keeps them in that context.
NOT_LOADED = QT_TRANSLATE_NOOP("MainWindow", "The model could not be loaded")
LOADED = QT_TRANSLATE_NOOP("MainWindow", "{0} is loaded.")
SUGGESTION_FAILED = QT_TRANSLATE_NOOP("MainWindow", "Suggestion failed: {0}")
OFFER = QT_TRANSLATE_NOOP(
    "MainWindow", "The built-in model is small. A better one may suit this computer."
)
OFFER_BUTTON = QT_TRANSLATE_NOOP("MainWindow", "See Better Models")
GENERATOR_LOADED = QT_TRANSLATE_NOOP(
    "MainWindow", "{0} writes sheets, continuations and rewrites; suggestions stay as they were."
)
GENERATOR_GONE = QT_TRANSLATE_NOOP(
    "MainWindow",
    "The model chosen for generation cannot be used ({0}); the model that suggests "
    "writes everything.",
)


class ModelStatus(QMainWindow):
    """The model part of the main window: which model is loaded, and loading another."""

    paths: AppPaths
    settings: Settings
    catalog: Catalog
    active_model_id: str
    model_name: str
    model_ready: bool
    generation_model_name: str
    last_error: str
    models_dialog: ModelManagerDialog | None
    chooser: ModelChooserDialog | None
    editor: Editor
    status: StatusBar
    model_thread: ModelThread
    suggestions: SuggestionController
    continuation: ContinuationController
    voice: VoiceController

    if TYPE_CHECKING:

        def show_error(self, title: str, message: str) -> None: ...
        def save_settings(self) -> None: ...

    def _connect_worker(self) -> None:
        worker = self.model_thread.worker
        worker.load_progress.connect(self.status.load_progress)
        worker.model_loaded.connect(self._on_worker_model_loaded)
        worker.model_failed.connect(self._on_worker_model_failed)
        worker.spec_loaded.connect(self._on_worker_spec_loaded)
        worker.switch_failed.connect(self._on_worker_switch_failed)
        worker.generator_loaded.connect(self._on_worker_generator_loaded)
        worker.generator_failed.connect(self._on_worker_generator_failed)

    def _load_first_model(self, spec: ModelSpec | None, load_error: str | None) -> None:
        if load_error:
            self._on_worker_model_failed(load_error)
            return
        if spec is None:
            choice = choose_model(self.paths, self.settings.model)
            spec = choice.spec
            if choice.notice:
                self.status.notify(translate_message(choice.notice))
            if choice.problem:
                self._on_worker_model_failed(choice.problem)
        self.load_model(spec)

    def load_model(self, spec: ModelSpec | None) -> None:
        """Load a model in the background (None: the bundled one)."""
        self._set_model_ready(False)
        self.status.model_loading()
        self.model_thread.worker.load_model(spec)

    def _set_model_ready(self, ready: bool) -> None:
        self.model_ready = ready
        self.suggestions.model_ready = ready
        self.continuation.model_ready = ready

    @Slot()
    def show_models(self) -> ModelManagerDialog:
        """Model → Manage Models."""
        if self.models_dialog is None:
            self.models_dialog = ModelManagerDialog(self.catalog, self.active_model_id, self)
            self.models_dialog.switch_requested.connect(self.switch_model)
            self.models_dialog.generation_chosen.connect(self.use_for_generation)
            self.models_dialog.busy = self.model_thread.worker.busy
            panel = AdaptersPanel(self.voice, self.models_dialog)
            self.models_dialog.selection_changed.connect(panel.show_model)
            self.models_dialog.add_section(panel)
        self.models_dialog.refresh()
        self.models_dialog.show()
        self.models_dialog.raise_()
        return self.models_dialog

    @Slot()
    def show_chooser(self) -> ModelChooserDialog:
        """Model → Get a Better Model: the catalogue fitted to this computer."""
        if self.chooser is None:
            language = self.settings.editor.language or QLocale().name()
            self.chooser = offer_models(
                self, self.catalog, language, busy=self.model_thread.worker.busy
            )
            self.chooser.switch_requested.connect(self.switch_model)
            self.chooser.generation_chosen.connect(self.use_for_generation)
            self.chooser.model_added.connect(self._on_chooser_model_added)
        else:
            self.chooser.present()
        return self.chooser

    @Slot(object)
    def _on_chooser_model_added(self, _entry: object) -> None:
        if self.models_dialog is not None:
            self.models_dialog.refresh()

    def _offer_better_models_once(self) -> None:
        """The first time the bundled model works, say once (never in the way) that a
        better model can be had."""
        if self.settings.model.offered or self.active_model_id not in ("", BUNDLED_ID):
            return
        self.settings.model.offered = True
        self.save_settings()
        self.status.offer(_tr(OFFER), _tr(OFFER_BUTTON), self.show_chooser)

    @Slot(str)
    def switch_model(self, entry_id: str) -> None:
        """Unload the current model and load another one from the list, while the app runs."""
        if self.editor.inserting:
            self.continuation.stop()
        try:
            spec = None if entry_id == BUNDLED_ID else self.catalog.spec(entry_id)
        except (CatalogError, RefusedFile) as exc:
            self.show_error(_tr(NOT_LOADED), str(exc))
            return
        self.load_model(spec)

    @Slot(str)
    def use_for_generation(self, entry_id: str) -> None:
        """Write sheets, continuations and rewrites with `entry_id` ('' or the model that
        suggests: the same model for everything), loaded beside the one that suggests."""
        self.settings.model.generation = "" if entry_id == self.active_model_id else entry_id
        self.save_settings()
        self._load_generation_model()

    def _load_generation_model(self) -> None:
        wanted = self.settings.model.generation
        spec = None
        if wanted and wanted != self.active_model_id:
            try:
                spec = None if wanted == BUNDLED_ID else self.catalog.spec(wanted)
            except (CatalogError, RefusedFile) as exc:
                self.status.showMessage(_tr(GENERATOR_GONE).format(exc), 10000)
        if spec is not None or wanted == BUNDLED_ID or self.generation_model_name:
            self.model_thread.worker.load_generator(spec)

    @Slot(str)
    def _on_worker_generator_loaded(self, name: str) -> None:
        self.generation_model_name = name
        if name:
            self.status.showMessage(_tr(GENERATOR_LOADED).format(name), 8000)

    @Slot(str)
    def _on_worker_generator_failed(self, message: str) -> None:
        self.generation_model_name = ""
        self.status.report(message, 12000)

    @Slot(object)
    def _on_worker_spec_loaded(self, spec: ModelSpec) -> None:
        entry_id = self.catalog.id_for_spec(spec) or ""
        if spec.name == BUNDLED_NAME and not entry_id:
            entry_id = BUNDLED_ID
        self.active_model_id = entry_id
        if entry_id and self.settings.model.active != entry_id:
            self.settings.model.active = entry_id
            self.settings.model.path = ""
            self.settings.model.engine = ""
            self.save_settings()
        if self.models_dialog is not None:
            self.models_dialog.set_active(entry_id)
            self.models_dialog.status.setText(_tr(LOADED).format(spec.name))
        self._load_generation_model()

    @Slot(str)
    def _on_worker_switch_failed(self, message: str) -> None:
        self.last_error = message
        if self.models_dialog is not None:
            self.models_dialog.status.setText(message)
        self.show_error(_tr(NOT_LOADED), message)

    @Slot(str)
    def _on_worker_model_loaded(self, name: str) -> None:
        self._set_model_ready(True)
        self.model_name = name
        self.status.model_ready(name)
        if name == BUNDLED_NAME:
            self._offer_better_models_once()

    @Slot(str)
    def _on_worker_model_failed(self, message: str) -> None:
        self._set_model_ready(False)
        self.status.model_failed()
        self.show_error(_tr(NOT_LOADED), message)

    @Slot(str)
    def _on_suggestions_failed(self, message: str) -> None:
        # Every request's failure is told by the part that asked (continuations, the bible,
        # synopses each say their own), so a suggestion's failure is only the suggestion's.
        self.last_error = message
        self.status.report(_tr(SUGGESTION_FAILED).format(message), 8000)
