"""The main window: the editor, the menus and a status bar that tells what the model does."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QProgressBar, QWidget

from backend.atomic import SaveError
from backend.catalog import BUNDLED_ID, Catalog, CatalogError
from backend.engines import create_engine
from backend.engines.base import Engine, EngineError
from backend.jobs.suggest import SuggestOptions
from backend.models import BUNDLED_NAME, ModelSpec, spec_for_path
from backend.params import SamplerParams
from backend.paths import AppPaths
from backend.recovery import RecoveryStore
from backend.settings import Settings, SettingsStore
from backend.state import StateStore
from backend.style import Style, StyleError, match_style
from gui.about import AboutDialog
from gui.bible_panel import BiblePanel
from gui.editor import Editor
from gui.files import DocumentController, Prompts
from gui.history import InsertionHistory
from gui.model_manager import ModelManagerDialog
from gui.preferences import PreferencesDialog
from gui.story_dialog import StoryDialog
from gui.style_panel import StylePanel
from gui.suggestions import SuggestionController
from gui.theme import apply_theme
from gui.worker import ModelThread, Request

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """Inkling's window. Widgets never call engines; they post requests to the worker."""

    continuation_done = Signal(object)
    bible_done = Signal(object)

    def __init__(
        self,
        paths: AppPaths,
        spec: ModelSpec | None = None,
        load_error: str | None = None,
        parent: QWidget | None = None,
        engine_factory: Callable[[ModelSpec], Engine] = create_engine,
        prompts: Prompts | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Inkling")
        self.resize(900, 680)
        self.paths = paths
        self.store = SettingsStore(paths)
        self.settings: Settings = self.store.load()
        self.state = StateStore(paths)
        self.editor = Editor(self)
        self.setCentralWidget(self.editor)
        self.model_name = ""
        self.model_ready = False
        self.last_error = ""
        self._active_id: int | None = None
        self._error_box: QMessageBox | None = None
        self._closed = False
        self.prompts = prompts or Prompts(self)

        self._build_status_bar()
        self.model_thread = ModelThread(paths.models, engine_factory)
        worker = self.model_thread.worker
        self.suggestions = SuggestionController(self.editor, worker)
        self.documents = DocumentController(
            self.editor, self.settings, RecoveryStore(paths.state), self.prompts, self.save_settings
        )
        self.documents.title_changed.connect(self._on_documents_title_changed)
        self.documents.status.connect(lambda m: self.statusBar().showMessage(m, 8000))
        self.documents.recent_changed.connect(self._rebuild_recent_menu)
        self.bible = BiblePanel(self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.bible)
        self.bible.generate_requested.connect(self._on_bible_generate_requested)
        self.bible.changed.connect(self._on_bible_changed)
        self.bible.status.connect(lambda m: self.statusBar().showMessage(m, 8000))
        self.style_panel = StylePanel(paths.data / "presets", self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.style_panel)
        self.tabifyDockWidget(self.bible, self.style_panel)
        self.bible.raise_()
        self.style_panel.changed.connect(self._on_style_panel_changed)
        self.style_panel.status.connect(lambda m: self.statusBar().showMessage(m, 6000))
        self.style_panel.match_requested.connect(self.match_style_from_selection)
        self.history = InsertionHistory()
        self.documents.opened.connect(self._on_documents_opened)
        self.documents.bible_provider = self._bible_state
        self.suggestions.bible_entries = self.bible.entries
        self._bible_id: int | None = None
        self._build_actions()
        self.apply_settings(self.settings)
        self._restore_geometry()

        worker.chunk_ready.connect(self._on_worker_chunk_ready)
        worker.draft_ready.connect(self._on_worker_draft_ready)
        worker.finished.connect(self._on_worker_finished)
        worker.failed.connect(self._on_worker_failed)
        worker.load_progress.connect(self._on_worker_load_progress)
        worker.model_loaded.connect(self._on_worker_model_loaded)
        worker.model_failed.connect(self._on_worker_model_failed)
        self.catalog = Catalog(paths)
        self.active_model_id = ""
        worker.spec_loaded.connect(self._on_worker_spec_loaded)
        worker.switch_failed.connect(self._on_worker_switch_failed)
        active = self.settings.model.active
        if spec is None and not load_error and active and active != BUNDLED_ID:
            try:
                spec = self.catalog.spec(active)
            except CatalogError:
                self.statusBar().showMessage("The chosen model is gone; using the bundled one.")
        elif spec is None and not load_error and self.settings.model.path:
            try:
                spec = spec_for_path(self.settings.model.path, self.settings.model.engine or None)
            except EngineError as exc:
                load_error = f"{exc} Falling back to the bundled model."
                self._on_worker_model_failed(load_error)
                load_error = None
        if load_error:
            self._on_worker_model_failed(load_error)
        else:
            self.load_model(spec)
        if self.store.notice:
            self.show_error("Settings were reset", self.store.notice)
        self.documents._emit_title()

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

    def _action(self, text: str, slot: Callable[..., object], shortcut: object = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, list):
                action.setShortcuts(shortcut)
            else:
                action.setShortcut(shortcut)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        menu = self.menuBar()
        keys = QKeySequence.StandardKey
        file_menu = menu.addMenu("&File")
        file_menu.addAction(self._action("&New", self.documents.new, keys.New))
        file_menu.addAction(self._action("&Open…", lambda: self.documents.open(), keys.Open))
        self.recent_menu = file_menu.addMenu("Open &Recent")
        file_menu.addAction(self._action("&Save", self.documents.save, keys.Save))
        file_menu.addAction(self._action("Save &As…", self.documents.save_as, keys.SaveAs))
        file_menu.addAction(self._action("&Close", self.documents.new, keys.Close))
        export = file_menu.addMenu("&Export")
        export.addAction(self._action("As &Markdown…", lambda: self.documents.export(True)))
        export.addAction(self._action("As &Plain Text…", lambda: self.documents.export(False)))
        file_menu.addSeparator()
        self.story_action = self._action("Story &Details…", self.show_story_details)
        file_menu.addAction(self.story_action)
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, keys.Quit))
        self._rebuild_recent_menu()

        edit_menu = menu.addMenu("&Edit")
        edit_menu.addAction(self._action("&Undo", self.editor.undo, keys.Undo))
        edit_menu.addAction(self._action("&Redo", self.editor.redo, keys.Redo))
        edit_menu.addSeparator()
        self.preferences_action = self._action(
            "&Preferences…", self.show_preferences, keys.Preferences
        )
        edit_menu.addAction(self.preferences_action)

        gen_menu = menu.addMenu("&Generate")
        self.continue_action = self._action(
            "&Continue writing",
            self.start_continuation,
            [QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")],
        )
        self.stop_action = self._action(
            "&Stop", self.stop_generation, QKeySequence(Qt.Key.Key_Escape)
        )
        self.stop_action.setEnabled(False)
        self.retry_action = self._action("&Retry", self.retry_continuation, QKeySequence("Ctrl+R"))
        self.older_action = self._action(
            "&Previous version", lambda: self.browse_versions(-1), QKeySequence("Alt+Left")
        )
        self.newer_action = self._action(
            "&Next version", lambda: self.browse_versions(1), QKeySequence("Alt+Right")
        )
        self.rewrite_action = self._action(
            "Re&write selection", self.rewrite_selection, QKeySequence("Ctrl+Shift+R")
        )
        gen_menu.addActions(
            [
                self.continue_action,
                self.stop_action,
                self.retry_action,
                self.older_action,
                self.newer_action,
                self.rewrite_action,
            ]
        )

        suggest_menu = menu.addMenu("&Suggest")
        self.auto_suggest_action = QAction("Suggestions as you &type", self)
        self.auto_suggest_action.setCheckable(True)
        self.auto_suggest_action.setChecked(True)
        self.auto_suggest_action.toggled.connect(self._on_auto_suggest_toggled)
        suggest_menu.addAction(self.auto_suggest_action)
        suggest_menu.addSeparator()
        # The editor owns these keys (they are rebindable there); the menu shows and runs them.
        self._suggest_menu_actions: dict[str, tuple[QAction, str]] = {}
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
            action = self._action(label, slot)
            self._suggest_menu_actions[name] = (action, label)
            suggest_menu.addAction(action)
        toolbar = self.addToolBar("Suggestions")
        toolbar.setObjectName("suggestions-toolbar")
        toolbar.addAction(self.auto_suggest_action)
        toolbar.addAction(self.continue_action)

        view_menu = menu.addMenu("&View")
        bible_toggle = self.bible.toggleViewAction()
        bible_toggle.setShortcut(QKeySequence("Ctrl+B"))
        view_menu.addAction(bible_toggle)
        style_toggle = self.style_panel.toggleViewAction()
        style_toggle.setShortcut(QKeySequence("Ctrl+Shift+Y"))
        view_menu.addAction(style_toggle)

        model_menu = menu.addMenu("&Model")
        self.models_action = self._action(
            "&Manage Models…", self.show_models, QKeySequence("Ctrl+Shift+M")
        )
        model_menu.addAction(self.models_action)

        help_menu = menu.addMenu("&Help")
        self.about_action = self._action("&About Inkling", self.show_about)
        help_menu.addAction(self.about_action)

    def _rebuild_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent_files:
            self.recent_menu.addAction(
                self._action(Path(path).name, lambda _c=False, p=path: self.documents.open(p))
            )
        self.recent_menu.setEnabled(bool(self.settings.recent_files))

    # --- settings -------------------------------------------------------------------
    def apply_settings(self, settings: Settings) -> None:
        """Apply everything that can change live: font, theme, suggestions, hotkeys."""
        self.settings = settings
        self.documents.settings = settings
        font = QFont(settings.editor.font_family)
        font.setPointSize(settings.editor.font_size)
        self.editor.setFont(font)
        apply_theme(settings.editor.theme)
        self.editor.keys = {
            name: QKeySequence(seq) for name, seq in settings.suggestions.hotkeys.items()
        }
        for name, (action, label) in self._suggest_menu_actions.items():
            key = self.editor.keys[name].toString(QKeySequence.SequenceFormat.NativeText)
            action.setText(f"{label}\t{key}")
        self.suggestions.base_delay_ms = settings.suggestions.delay_ms
        self.suggestions.options = SuggestOptions(max_tokens=settings.suggestions.max_tokens)
        self.auto_suggest_action.blockSignals(True)
        self.auto_suggest_action.setChecked(settings.suggestions.enabled)
        self.auto_suggest_action.blockSignals(False)
        self.suggestions.set_enabled(settings.suggestions.enabled)

    def save_settings(self) -> None:
        """Persist the settings now; a failure is reported, never fatal."""
        try:
            self.store.save(self.settings)
        except (SaveError, ValueError) as exc:
            self.statusBar().showMessage(f"Settings not saved: {exc}", 8000)

    @property
    def continue_params(self) -> SamplerParams:
        """Sampler settings for Ctrl+Enter: the preferences, under the model's own defaults."""
        params = self.settings.sampler.params()
        entry = self.catalog.get(self.active_model_id)
        return params.with_(**entry.sampler) if entry is not None and entry.sampler else params

    @Slot(bool)
    def _on_auto_suggest_toggled(self, enabled: bool) -> None:
        self.settings.suggestions.enabled = enabled
        self.suggestions.set_enabled(enabled)
        self.save_settings()

    @Slot()
    def show_preferences(self) -> None:
        """Edit → Preferences; every change applies and persists at once."""
        dialog = PreferencesDialog(self.settings, self)
        dialog.settings_changed.connect(self._on_preferences_settings_changed)
        dialog.open()
        self.preferences_dialog = dialog

    @Slot(object)
    def _on_preferences_settings_changed(self, settings: Settings) -> None:
        settings.recent_files = list(self.settings.recent_files)
        self.apply_settings(settings)
        self.save_settings()

    def _restore_geometry(self) -> None:
        geometry = self.state.get("window_geometry")
        if isinstance(geometry, str):
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode()))

    # --- model ----------------------------------------------------------------------
    def load_model(self, spec: ModelSpec | None) -> None:
        """Load a model in the background (None: the bundled one)."""
        self.model_ready = False
        self.suggestions.model_ready = False
        self.model_label.setText("Loading model…")
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.model_thread.worker.load_model(spec)

    @Slot()
    def show_models(self) -> ModelManagerDialog:
        """Model → Manage Models."""
        dialog = getattr(self, "models_dialog", None)
        if dialog is None:
            dialog = ModelManagerDialog(self.catalog, self.active_model_id, self)
            dialog.switch_requested.connect(self.switch_model)
            self.models_dialog = dialog
        dialog.refresh()
        dialog.show()
        dialog.raise_()
        return dialog

    @Slot(str)
    def switch_model(self, entry_id: str) -> None:
        """Unload the current model and load another one from the list, while the app runs."""
        if self.editor.inserting:
            self.stop_generation()
        try:
            spec = None if entry_id == BUNDLED_ID else self.catalog.spec(entry_id)
        except CatalogError as exc:
            self.show_error("The model could not be loaded", str(exc))
            return
        self.load_model(spec)

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
        dialog = getattr(self, "models_dialog", None)
        if dialog is not None:
            dialog.set_active(entry_id)
            dialog.status.setText(f"{spec.name} is loaded.")

    @Slot(str)
    def _on_worker_switch_failed(self, message: str) -> None:
        self.last_error = message
        dialog = getattr(self, "models_dialog", None)
        if dialog is not None:
            dialog.status.setText(message)
        self.show_error("The model could not be loaded", message)

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
    def _generation_options(self) -> dict:
        options: dict = {"bible": [dict(e) for e in self.bible.entries()]}
        style = self.style_panel.style()
        note = self.style_panel.authors_note.text().strip()
        # An untouched style panel means plain continuation with the Preferences sampler.
        if self.style_panel.enabled.isChecked() and (style != Style() or note):
            options["style"] = style
            options["premise"] = self.bible.premise.text()
            options["authors_note"] = self.style_panel.authors_note.text()
        return options

    @Slot()
    def start_continuation(self, replace_last: bool = False) -> None:
        """Stream a continuation at the cursor (Ctrl+Enter); Retry replaces the last one."""
        if self.editor.inserting:
            return
        if not self.model_ready:
            self.statusBar().showMessage("The model is not ready yet.", 4000)
            return
        if replace_last:
            node = self.history.current_node(self.editor.toPlainText())
            if node is None:
                self.statusBar().showMessage("Nothing to retry: continue first.", 4000)
                return
            self.editor.select_range(node.start, node.start + len(node.text))
            before_end = node.start
        else:
            before_end = self.editor.textCursor().selectionStart()
        text = self.editor.toPlainText()
        self._seed_counter = getattr(self, "_seed_counter", 0) + 1
        params = self.continue_params.with_(seed=self._seed_counter)
        request = Request("continue", text, before_end, params, options=self._generation_options())
        self._begin_request(request, "retry" if replace_last else "new")

    def _begin_request(self, request: Request, mode: str) -> None:
        self._active_id = request.id
        self._active_mode = mode
        self.editor.begin_insertion()
        self._insert_start = self.editor.insertion_position()
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
        if request_id == self._bible_id:
            self.bible.apply_event(json.loads(text))
            return
        if request_id != self._active_id:
            return  # not ours, or stale: a newer request replaced it
        self.editor.insert_chunk(text)

    @Slot(int, str)
    def _on_worker_draft_ready(self, request_id: int, text: str) -> None:
        if request_id == self._active_id and self.editor.inserting:
            self.editor.show_draft(text)

    @Slot()
    def retry_continuation(self) -> None:
        """Ctrl+R: replace the last continuation with a new one (the old one is kept)."""
        self.start_continuation(replace_last=True)

    @Slot()
    def browse_versions(self, step: int) -> None:
        """Alt+Left / Alt+Right: step through the versions of the last continuation."""
        if self.editor.inserting:
            return
        node = self.history.current_node(self.editor.toPlainText())
        if node is None:
            return
        text = node.step(step)
        if text is None:
            return
        self.editor.replace_range(node.start, node.start + len(node.previous_text), text)
        self.statusBar().showMessage(f"Version {node.index + 1} of {len(node.versions)}", 3000)

    @Slot()
    def rewrite_selection(self) -> None:
        """Rewrite the selected passage in the chosen style."""
        cursor = self.editor.textCursor()
        if not cursor.hasSelection() or not self.model_ready or self.editor.inserting:
            self.statusBar().showMessage("Select a passage to rewrite.", 4000)
            return
        passage = cursor.selectedText().replace("\u2029", "\n")
        self._seed_counter = getattr(self, "_seed_counter", 0) + 1
        options = self._generation_options()
        options.setdefault("style", self.style_panel.style())
        request = Request(
            "rewrite",
            passage,
            len(passage),
            self.continue_params.with_(seed=self._seed_counter),
            options=options,
        )
        self._begin_request(request, "rewrite")

    @Slot()
    def match_style_from_selection(self) -> None:
        """'Match my style': derive the style from the selected passage."""
        passage = self.editor.textCursor().selectedText().replace("\u2029", "\n")
        if len(passage.split()) < 15:
            self.statusBar().showMessage("Select a passage of a few sentences first.", 5000)
            return
        derived = match_style(passage)
        current = self.style_panel.style()
        style = current.with_(
            pov=derived.pov or current.pov,
            tense=derived.tense or current.tense,
            notes=derived.notes,
        )
        self.style_panel.set_style(style)
        self._on_style_panel_changed(style)
        self.statusBar().showMessage("Style matched to the selection.", 5000)

    @Slot(object)
    def _on_style_panel_changed(self, style: object) -> None:
        if self.documents.story is not None:
            self.documents.story.style = dict(style.to_dict())
            self.editor.document().setModified(True)
        self.settings.last_style_preset = getattr(style, "name", "") or ""

    @Slot(int, object)
    def _on_worker_finished(self, request_id: int, result: dict) -> None:
        if request_id == self._bible_id:
            self._bible_id = None
            self.bible.setEnabled(True)
            done = "Stopped." if result.get("cancelled") else "Generated."
            self.statusBar().showMessage(done, 4000)
            self.bible_done.emit(result)
            return
        if request_id != self._active_id:
            return
        inserted = self.editor.inserted_text()
        start = self._insert_start
        self._end_continuation()
        if inserted:
            if self._active_mode_was == "retry":
                self.history.add_version(inserted)
            elif self._active_mode_was == "new":
                self.history.new_insertion(start, inserted)
        tps = result.get("tokens_per_s")
        if tps:
            self.speed_label.setText(f"{tps:.0f} tokens/s")
        self.statusBar().showMessage("Stopped." if result.get("cancelled") else "Done.", 3000)
        self.continuation_done.emit(result)

    @Slot(int, str)
    def _on_worker_failed(self, request_id: int, message: str) -> None:
        if request_id == self._bible_id:
            self._bible_id = None
            self.bible.setEnabled(True)
            self.show_error("Generation failed", message)
        elif request_id == self._active_id:
            self._end_continuation()
            self.show_error("Generation failed", message)
        else:
            self.last_error = message
            self.statusBar().showMessage(f"Suggestion failed: {message}", 8000)

    def _end_continuation(self) -> None:
        self._active_mode_was = getattr(self, "_active_mode", "new")
        self._active_id = None
        self.editor.end_insertion()
        self.stop_action.setEnabled(False)
        self.continue_action.setEnabled(True)
        self.statusBar().clearMessage()
        self.documents.autosave()

    # --- story bible ----------------------------------------------------------------
    @Slot(object)
    def _on_bible_generate_requested(self, options: dict) -> None:
        if not self.model_ready or self.editor.inserting:
            self.statusBar().showMessage("The model is busy or not ready yet.", 4000)
            return
        request = Request("bible", "", 0, SamplerParams(), options=options)
        self._bible_id = request.id
        self.statusBar().showMessage("Generating… (Esc in the editor does not stop this)")
        self.model_thread.worker.post(request)

    @Slot()
    def _on_bible_changed(self) -> None:
        self.editor.document().setModified(True)
        self.documents._emit_title()

    def _bible_state(self) -> tuple[list, list, str, str]:
        return (
            self.bible.characters,
            self.bible.background,
            self.bible.premise.text(),
            self.bible.genre.text(),
        )

    @Slot()
    def _on_documents_opened(self) -> None:
        story = self.documents.story
        self.history = InsertionHistory()
        if story is not None:
            try:
                self.style_panel.set_style(Style.from_mapping(story.style))
            except StyleError as exc:
                self.statusBar().showMessage(f"The story's style was not understood: {exc}")
            self.bible.bind(story.characters, story.background)
            self.bible.premise.setText(story.premise)
            self.bible.genre.setText(str(story.style.get("genre", "")))
        else:
            self.bible.bind([], [])

    # --- documents ------------------------------------------------------------------
    @Slot(str)
    def _on_documents_title_changed(self, name: str) -> None:
        self.setWindowTitle(f"{name}[*] — Inkling")
        self.setWindowModified(self.documents.modified)

    @Slot()
    def show_story_details(self) -> None:
        """Title, premise and notes of a story project (Save As a .inkling folder first)."""
        story = self.documents.story
        if story is None:
            self.statusBar().showMessage(
                "Story details belong to a story project: use Save As and a name ending in "
                ".inkling.",
                8000,
            )
            return
        dialog = StoryDialog(story, self)
        dialog.accepted.connect(lambda: dialog.apply() and self._story_changed())
        dialog.accepted.connect(lambda: self.bible.premise.setText(story.premise))
        dialog.open()
        self.story_dialog = dialog

    def _story_changed(self) -> None:
        self.editor.document().setModified(True)
        self.documents._emit_title()

    def offer_recovery(self) -> None:
        """After a crash, offer the unsaved work found in recovery files."""
        for rec in self.documents.recovery.pending():
            answer = self.prompts.recover(rec)
            if answer == "restore":
                if not self.documents.close_document():
                    return
                self.documents.restore(rec)
                return
            if answer == "discard":
                self.documents.recovery.discard_file(rec.file)

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
        """Ask about unsaved work, then close the model on its own thread."""
        if self._closed:
            super().closeEvent(event)
            return
        if not self.documents.close_document():
            event.ignore()
            return
        self._closed = True
        self.state.set("window_geometry", bytes(self.saveGeometry().toBase64()).decode())
        self.documents.shutdown()
        self.model_thread.stop()
        super().closeEvent(event)
