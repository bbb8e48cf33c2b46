"""The main window: the editor, the docks, and the wiring between them and the model thread.

Menus: a table (menu_table.py) built by menus.py; the status bar: status_bar.py; each feature
has a controller of its own (suggestions, continuations, the story bible, documents).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QProcess, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from backend.engines.base import Engine
from backend.engines.params import SamplerParams
from backend.jobs.suggest import SuggestOptions
from backend.models.catalogue import Catalog
from backend.models.spec import ModelSpec, create_engine
from backend.storage.atomic import SaveError
from backend.storage.paths import AppPaths
from backend.storage.recovery import RecoveryStore, StoryState
from backend.storage.settings import Settings, SettingsStore
from backend.storage.state import StateStore
from backend.story.style.model import Style, StyleError
from backend.text.counts import is_mostly_cjk
from gui.book.controller import BookController
from gui.book.files import DocumentController
from gui.book.prompts import Prompts
from gui.common.i18n import INTERFACE_LANGUAGES
from gui.common.messages import translate_message
from gui.common.theme import apply_theme
from gui.editor.continuation import ContinuationController, StoryInputs
from gui.editor.editor import Editor
from gui.editor.suggestions import SuggestionController
from gui.models.chooser import ModelChooserDialog
from gui.models.manager import ModelManagerDialog
from gui.models.voice import VoiceController
from gui.story import ask, bible_drafts, continuity
from gui.story.bible import BiblePanel
from gui.story.bible_generation import BibleController
from gui.story.details import StoryDialog
from gui.story.memory import MemoryController
from gui.story.style import StylePanel
from gui.window.about import HelpMenu
from gui.window.layout import keep_layout, restore_layout
from gui.window.menu_table import TOOLBAR, menu_table
from gui.window.menus import build_menus, fill_recent_menu
from gui.window.model_status import ModelStatus
from gui.window.preferences import PreferencesDialog
from gui.window.session import SessionGuard, apply_story_state, story_state
from gui.window.status_bar import StatusBar
from gui.window.text_actions import TextActions
from gui.worker import GenerationWorker, ModelThread

log = logging.getLogger(__name__)


class MainWindow(ModelStatus, HelpMenu):
    """Inkling's window. Widgets never call engines; they post requests to the worker."""

    continuation_done = Signal(object)
    bible_done = Signal(object)

    def __init__(
        self,
        paths: AppPaths,
        spec: ModelSpec | None = None,
        load_error: str | None = None,
        parent: QWidget | None = None,
        engine_factory: Callable[[ModelSpec], Engine] | None = None,
        prompts: Prompts | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Inkling"))
        self.paths = paths
        self.store = SettingsStore(paths)
        self.settings: Settings = self.store.load()
        self.state = StateStore(paths)
        self.catalog = Catalog(paths)
        self.active_model_id = self.model_name = self.generation_model_name = self.last_error = ""
        self.model_ready = False
        self.models_dialog: ModelManagerDialog | None = None
        self.chooser: ModelChooserDialog | None = None
        self._error_box: QMessageBox | None = None
        self.closed = False
        self.session: SessionGuard | None = None  # set when run as the app
        self.prompts = prompts or Prompts(self)
        self.start_dialog: QDialog | None = None  # the start page, when Inkling opens empty
        if isinstance(self.prompts, Prompts):
            self.prompts.folders.attach(self.state)  # the last folder of each kind of dialog
        self.editor = Editor(self)
        self.setCentralWidget(self.editor)
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self.model_thread = ModelThread(
            paths.models, engine_factory or partial(create_engine, cache=paths.vocabulary)
        )
        self._build_parts()
        self.text_actions = TextActions(self, self.editor)
        self.menu_actions = build_menus(self, menu_table(self), TOOLBAR)
        self.text_actions.bind(self.menu_actions.named)
        self.menu_actions.menus["edit"].aboutToShow.connect(self.text_actions.update)
        self.editor.locked_changed.connect(self.text_actions.update)
        self.documents.opened.connect(self._update_book_actions)
        self.documents.project.structure_changed.connect(self._update_book_actions)
        self._update_book_actions()
        self._rebuild_recent_menu()
        self._connect_worker()
        self.apply_settings(self.settings)
        restore_layout(self, self.state)
        self._load_first_model(spec, load_error)
        if self.store.notice:
            self.show_error(self.tr("Settings were reset"), self.store.notice)
        self.documents.emit_title()

    # --- construction ---------------------------------------------------------------
    def _build_parts(self) -> None:
        worker = self.model_thread.worker
        self.suggestions = SuggestionController(self.editor, worker)
        self.suggestions.failed.connect(self._on_suggestions_failed)
        self.suggestions.silent.connect(lambda why: self.status.showMessage(why, 6000))
        self._build_documents()
        self._build_story_docks()
        self._build_memory(worker)
        self._build_generation(worker)
        self._build_book_knowledge(worker)
        self.voice = VoiceController(self, worker, self.paths, self.book.book_text)
        self.voice.message.connect(lambda m: self.status.showMessage(m, 8000))
        self.voice.error.connect(self.show_error)
        self.status.addPermanentWidget(self.voice.status_label)

    def _build_documents(self) -> None:
        """The open document and the book around the editor."""
        self.documents = DocumentController(
            self.editor,
            self.settings,
            RecoveryStore(self.paths.state),
            self.prompts,
            self.save_settings,
        )
        self.documents.title_changed.connect(self._on_documents_title_changed)
        self.documents.status.connect(lambda m: self.status.showMessage(m, 8000))
        self.documents.recent_changed.connect(self._rebuild_recent_menu)
        self.documents.opened.connect(self._on_documents_opened)
        self.book = BookController(
            self, self.editor, self.documents, self.paths, self.save_settings
        )
        self.book.message.connect(self.status.showMessage)
        self.book.keeping.problem.connect(self.show_error)
        self.status.addPermanentWidget(self.book.locked_label)
        self.status.addPermanentWidget(self.book.counts_label)

    def _build_story_docks(self) -> None:
        """The story bible and the style dock, tabbed on the right: the open text's story."""
        self.bible = BiblePanel(self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.bible)
        self.bible.changed.connect(self._on_story_changed)
        self.bible.status.connect(lambda m: self.status.showMessage(m, 8000))
        self.style_panel = StylePanel(self.paths.data / "presets", self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.style_panel)
        self.tabifyDockWidget(self.bible, self.style_panel)
        self.bible.raise_()
        self.style_panel.changed.connect(self._on_style_panel_changed)
        # One genre: the bible's field and the style's are the same setting, shown twice.
        self.bible.genre.textEdited.connect(self.style_panel.set_genre)
        self.style_panel.genre.textEdited.connect(self.bible.genre.setText)
        self.style_panel.status.connect(lambda m: self.status.showMessage(m, 6000))
        self.style_panel.match_requested.connect(self.match_style_from_selection)
        self.documents.story_state = lambda: story_state(self.bible, self.style_panel)
        self.documents.restored.connect(self._on_story_state_restored)

    @Slot(object)
    def _on_story_state_restored(self, state: StoryState) -> None:
        apply_story_state(state, self.bible, self.style_panel)
        self._expect_story_style()

    def _expect_story_style(self) -> None:
        """A story that comes with its style on: read ahead for it from the first rest."""
        if self.style_panel.styled():
            self.continuation.expect_style()

    def _build_memory(self, worker: GenerationWorker) -> None:
        """Long-book memory: its dock beside the others, what every request is told."""
        self.memory = MemoryController(
            self, self.documents.project, self.editor, worker, self.paths.cache
        )
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.memory.dock)
        self.tabifyDockWidget(self.style_panel, self.memory.dock)
        self.bible.raise_()
        bible_drafts.install(self.bible, self.memory)  # entries to the model, drafts back
        self.memory.authors_note = self._suggestion_note
        self.memory.message.connect(self._on_controller_message)
        self.bible.memory_text = lambda: self.documents.story.memory if self.documents.story else ""
        self.bible.language = self.book.story_language
        self.book.language_changed.connect(self.style_panel.set_language)
        self.suggestions.book_context = self.memory.book_context
        self.memory.context_ready.connect(self.suggestions.read_again)
        self.book.binder.draft_requested.connect(self.memory.draft_synopsis)

    def _build_generation(self, worker: GenerationWorker) -> None:
        """Continuations and generated bible entries, and what the window shows of them."""
        self.continuation = ContinuationController(
            self.editor, worker, self._story_inputs, lambda: self.continue_params, self._style
        )
        self.bible_generation = BibleController(
            self.bible, worker, lambda: self.model_ready and not self.editor.inserting
        )
        self.suggestions.held = lambda: self.bible_generation.running
        self.continuation.is_rest_read = lambda rid: rid == self.suggestions.prefill_posted
        for controller in (self.continuation, self.bible_generation):
            controller.message.connect(self._on_controller_message)
            controller.error.connect(self.show_error)
        self.continuation.running_changed.connect(self._on_continuation_running_changed)
        self.continuation.ended.connect(self._on_continuation_ended)
        self.continuation.speed.connect(self._on_continuation_speed)
        self.continuation.about_to_write.connect(self._on_continuation_about_to_write)
        self.continuation.done.connect(self.continuation_done)
        self.continuation.model_words.connect(self.documents.project.by_the_model)
        self.bible_generation.done.connect(self.bible_done)

    def _build_book_knowledge(self, worker: GenerationWorker) -> None:
        """The continuity check and Ask the Book, tabbed beside What the Model Sees."""
        project, cache = self.documents.project, self.paths.cache
        self.continuity = continuity.install(self, project, self.editor, cache)
        self.ask = ask.install(self, worker, self.memory, cache)
        for dock in (self.continuity.dock, self.ask.dock):
            self.tabifyDockWidget(self.memory.dock, dock)
        self.bible.raise_()
        self.continuity.open_scenes_changed.connect(self.book.binder.mark_scenes)
        self.continuity.bible_changed.connect(self.bible.refresh)
        self.continuity.bible_changed.connect(self._on_story_changed)
        for controller in (self.continuity, self.ask):
            controller.message.connect(self._on_controller_message)

    @Slot(str)
    def _on_continuation_about_to_write(self, cause: str) -> None:
        project = self.documents.project
        if project.current:
            project.keep_before([project.current], cause)

    @Slot()
    def _update_book_actions(self) -> None:
        project = self.documents.project
        self.menu_actions.show_project(project.story is not None, bool(project.binder.can_undo()))

    @Slot()
    def _rebuild_recent_menu(self) -> None:
        fill_recent_menu(
            self.menu_actions.recent_menu, self.settings.recent_files, self.documents.open
        )

    # --- settings -------------------------------------------------------------------
    def apply_settings(self, settings: Settings) -> None:
        """Apply everything that can change live: font, theme, suggestions, hotkeys."""
        self.settings = settings
        self.documents.settings = settings
        self.book.apply_settings(settings)
        apply_theme(settings.editor.theme)
        self.editor.keys = {
            name: QKeySequence(seq) for name, seq in settings.suggestions.hotkeys.items()
        }
        for name, (act, label) in self.menu_actions.suggest.items():
            key = self.editor.keys[name].toString(QKeySequence.SequenceFormat.NativeText)
            act.setText(f"{label}\t{key}")
        self.suggestions.base_delay_ms = settings.suggestions.delay_ms
        self.suggestions.options = SuggestOptions(max_tokens=settings.suggestions.max_tokens)
        self.menu_actions.auto_suggest.blockSignals(True)
        self.menu_actions.auto_suggest.setChecked(settings.suggestions.enabled)
        self.menu_actions.auto_suggest.blockSignals(False)
        self.suggestions.set_enabled(settings.suggestions.enabled)
        self.suggestions.read_at_rest = settings.uses_continuations

    def save_settings(self) -> None:
        """Persist the settings now; a failure is reported, never fatal."""
        try:
            self.store.save(self.settings)
        except (SaveError, ValueError) as exc:
            self.status.showMessage(self.tr("Settings not saved: {0}").format(exc), 8000)

    @property
    def continue_params(self) -> SamplerParams:
        """Sampler settings for Ctrl+Enter: the preferences, under the model's own defaults."""
        params = self.settings.sampler.params()
        entry = self.catalog.get(self.active_model_id)
        return params.with_(**entry.sampler) if entry is not None and entry.sampler else params

    @Slot(bool)
    def set_auto_suggest(self, enabled: bool) -> None:
        """Suggest → Suggestions as you type."""
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
        settings.uses_continuations = self.settings.uses_continuations  # learnt, not set there
        # Chosen per story (File → Backup Folder), not in Preferences.
        settings.keeping.project_backup_folders = dict(self.settings.keeping.project_backup_folders)
        new_language = settings.editor.language != self.settings.editor.language
        self.apply_settings(settings)
        self.save_settings()
        if new_language:
            QTimer.singleShot(0, lambda: self.offer_restart(settings.editor.language))

    def offer_restart(self, language: str) -> bool:
        """Offer to restart in the new interface language (work saved or asked about first)."""
        name = INTERFACE_LANGUAGES.get(language, self.tr("the system's language"))
        question = self.tr(
            "The interface will be in {0} from the next start. Restart Inkling now?"
        ).format(name)
        if not self.prompts.confirm(question, self.tr("Restart Now"), self.tr("Later")):
            self.status.showMessage(self.tr("The new language applies at the next start."), 8000)
            return False
        preferences = getattr(self, "preferences_dialog", None)
        if preferences is not None:
            preferences.close()
        if not self.close():
            return False
        return QProcess.startDetached(sys.executable, [*sys.orig_argv[1:]])[0]

    # --- continuation and style -----------------------------------------------------
    def _style(self) -> Style:
        return self.style_panel.current_style()

    def _story_inputs(self) -> StoryInputs:
        style = self.style_panel.current_style()
        styled = self.style_panel.styled()
        note = self.style_panel.authors_note.text() if styled else ""
        return StoryInputs(
            style=style if styled else None,
            premise=self.bible.premise.text() if styled else "",
            authors_note=note,
            bible=tuple(dict(e) for e in self.bible.entries()),
            book=self.memory.book_context(note),
            language=self.book.story_language(),
        )

    def _suggestion_note(self) -> str:
        """Suggestions follow the author's note while the style panel is on."""
        return self.style_panel.authors_note.text() if self.style_panel.enabled.isChecked() else ""

    @Slot(bool)
    def _on_continuation_running_changed(self, running: bool) -> None:
        self.menu_actions.show_running(running)
        if running and not self.settings.uses_continuations:
            # From now on the place is read at rest even with suggestions off (kept).
            self.settings.uses_continuations = self.suggestions.read_at_rest = True
            self.save_settings()
        if running:
            self.status.clear_speed()

    @Slot(float)
    def _on_continuation_speed(self, tokens_per_s: float) -> None:
        """Words per second, or characters for a continuation in Chinese or Japanese."""
        written = self.editor.inserted_text()
        self.status.set_speed(tokens_per_s, characters=bool(written) and is_mostly_cjk(written))

    @Slot()
    def _on_continuation_ended(self) -> None:
        self.status.clearMessage()
        self.documents.autosave()

    @Slot(str, int)
    def _on_controller_message(self, text: str, ms: int) -> None:
        self.status.showMessage(text, ms)

    @Slot()
    def start_continuation(self) -> None:
        """Ctrl+Enter."""
        self.continuation.start()

    @Slot()
    def match_style_from_selection(self) -> None:
        """'Match my style': derive the style from the selected passage."""
        self.style_panel.match_passage(self.editor.textCursor().selectedText())

    @Slot(object)
    def _on_style_panel_changed(self, style: Style) -> None:
        self.continuation.expect_style()
        if self.documents.story is not None:
            self.documents.story.style = dict(style.to_dict())
            self.documents.mark_changed()
        self.settings.last_style_preset = style.name

    # --- story ----------------------------------------------------------------------
    @Slot()
    def _on_story_changed(self) -> None:
        self.documents.mark_changed()

    @Slot()
    def _on_documents_opened(self) -> None:
        story, panel = self.documents.story, self.style_panel
        # The writer opened this to write in it: the keyboard (and Edit's entries) go there.
        QTimer.singleShot(0, self.editor.setFocus)
        self.continuation.reset_history()
        self.memory.story_opened()
        self.continuity.story_opened()
        if story is None:  # a text has no story details, none of the story closed before it
            blank = StoryState(style=Style().to_dict(), style_on=panel.enabled.isChecked())
            apply_story_state(blank, self.bible, panel)
            return
        try:
            self.style_panel.set_style(Style.from_mapping(story.style))
        except StyleError as exc:
            self.status.showMessage(
                self.tr("The story's style was not understood: {0}").format(exc)
            )
        self.bible.bind(story.characters, story.background)
        self.bible.premise.setText(story.premise)
        panel.authors_note.setText(story.authors_note)
        self.bible.genre.setText(str(story.style.get("genre", "")))
        self._expect_story_style()

    @Slot(str)
    def _on_documents_title_changed(self, name: str) -> None:
        self.setWindowTitle(self.tr("{0}[*] — Inkling").format(name))
        self.setWindowModified(self.documents.modified)

    @Slot()
    def show_story_details(self) -> None:
        """Title, premise and notes of a story project (Save As a .inkling folder first)."""
        story = self.documents.story
        if story is None:
            self.status.showMessage(
                self.tr(
                    "Story details belong to a story project: use Save As and a name ending in "
                    ".inkling."
                ),
                8000,
            )
            return
        dialog = StoryDialog(story, self)
        dialog.accepted.connect(lambda: dialog.apply() and self._on_story_changed())
        dialog.accepted.connect(lambda: self.bible.premise.setText(story.premise))
        dialog.accepted.connect(self.book.configure_spelling)
        dialog.open()
        self.story_dialog = dialog

    # --- dialogs --------------------------------------------------------------------
    @Slot(str, str)
    def show_error(self, title: str, message: str) -> None:
        """Say what went wrong in the status bar and a non-blocking dialog."""
        message = translate_message(message)
        self.last_error = message
        self.status.report(f"{title}: {message}")
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, parent=self)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
        self._error_box = box

    def hot_exit(self) -> bool:
        """Logout or a polite kill: keep the unsaved work for the next start, ask nothing,
        close the model. False if the model thread did not stop within a second and a half."""
        if self.closed:
            return True
        self.documents.hot_exit()
        return self._shut_down(voice_wait_ms=1000, model_wait_ms=1500)

    def _shut_down(self, voice_wait_ms: int = 10_000, model_wait_ms: int = 30_000) -> bool:
        """Keep the window's place, stop the background threads, close the model (False: late)."""
        self.closed = True
        keep_layout(self, self.state)
        self.book.shutdown()
        self.memory.shutdown()
        self.continuity.shutdown()
        self.ask.shutdown()
        self.voice.shutdown(wait_ms=voice_wait_ms)
        return self.model_thread.stop(timeout_ms=model_wait_ms)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask about unsaved work, then close the model on its own thread."""
        if self.closed:
            super().closeEvent(event)
            return
        if not self.documents.close_document():
            event.ignore()
            return
        self.documents.shutdown()
        self._shut_down()
        super().closeEvent(event)
