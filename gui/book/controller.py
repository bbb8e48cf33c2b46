"""The book around the editor: the binder dock, find and replace, spell checking, focus
mode, zoom, live counts in the status bar, goals, and the whole-book reader. The main
window builds one BookController and the menus call into it."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMainWindow

from backend.storage.paths import AppPaths
from backend.storage.settings import Settings
from backend.text.counts import cjk_count, is_mostly_cjk, word_count
from backend.text.language import detect_language
from backend.text.words import warm_up
from gui.book.binder import BinderDock
from gui.book.files import DocumentController
from gui.book.find import FindDock
from gui.book.keeping import Keeping
from gui.common.theme import writing_font
from gui.editor.editor import Editor
from gui.editor.focus import FocusMode
from gui.editor.spelling import SpellController

if TYPE_CHECKING:
    # Dialogs and the book's reading are imported when first opened: not at start-up.
    from gui.book.dialogs import BookReader
    from gui.book.goals import GoalsDialog
    from gui.book.history_view import HistoryDialog

PLAIN_COUNT_DELAY_MS = 500


CJK_LANGUAGES = ("zh", "ja")


class BookController(QObject):
    """Owns the book features; the window owns the editor and the documents."""

    message = Signal(str, int)
    language_changed = Signal(str)  # the language the text is written in ("zh", "en")
    _plain_counted = Signal(int, int)  # CJK characters, other words

    def __init__(
        self,
        window: QMainWindow,
        editor: Editor,
        documents: DocumentController,
        paths: AppPaths,
        persist_settings: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.editor = editor
        self.documents = documents
        self.project = documents.project
        self.binder = BinderDock(self.project, window)
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.binder)
        self.binder.hide()
        self.find = FindDock(editor, self.project, lambda q: documents.prompts.confirm(q), window)
        # Under the binder, not across the foot of the window: the page keeps its height.
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.find)
        window.splitDockWidget(self.binder, self.find, Qt.Orientation.Vertical)
        self.find.hide()
        self.spelling = SpellController(editor)
        self.focus = FocusMode(window, editor)
        self.counts_label = QLabel("")
        # Stays in the status bar while the shown scene is read-only, with the reason.
        self.locked_label = QLabel("")
        self.locked_label.setVisible(False)
        self.locked_label.setMaximumWidth(320)
        self.keeping = Keeping(documents, paths, persist_settings)
        self.keeping.message.connect(self.message)
        self.history_dialog: HistoryDialog | None = None
        self.binder.history_requested.connect(self.show_history)
        self.goals_dialog: GoalsDialog | None = None
        self.reader: BookReader | None = None
        self.settings = Settings()
        self._plain_words = 0
        self._plain_chars = 0  # Han, kana and Hangul characters: counted one by one
        self.language = ""
        self._closed = False
        self._counter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inkling-count")
        self._plain_timer = QTimer(self)
        self._plain_timer.setSingleShot(True)
        self._plain_timer.setInterval(PLAIN_COUNT_DELAY_MS)
        self._plain_timer.timeout.connect(self._count_plain)
        self._plain_counted.connect(self._on_plain_counted)
        editor.contents_changed.connect(self._on_editor_contents_changed)
        self.project.counts_changed.connect(self.update_counts)
        self.project.scene_opened.connect(self.update_counts)
        self.project.message.connect(lambda m: self.message.emit(m, 6000))
        self.spelling.message.connect(lambda m: self.message.emit(m, 8000))
        self.spelling.word_added.connect(self._on_spelling_word_added)
        documents.opened.connect(self._on_documents_opened)
        editor.locked_changed.connect(self._on_editor_locked_changed)
        editor.typed_while_locked.connect(self._on_editor_typed_while_locked)
        self.binder.ensure_project = self.offer_project

    # --- settings -------------------------------------------------------------------
    def apply_settings(self, settings: Settings) -> None:
        """Font size with zoom, the column width, typewriter scrolling, spell checking."""
        self.settings = settings
        self.keeping.settings = settings
        font = writing_font(
            settings.editor.font_family, max(4, settings.editor.font_size + settings.editor.zoom)
        )
        self.editor.setFont(font)
        self.editor.document().setDefaultFont(font)
        self.focus.typewriter = settings.editor.typewriter
        self.focus.normal_column = settings.editor.column_width
        if not self.focus.active:
            self.editor.set_column(settings.editor.column_width)
        self.configure_spelling()

    def zoom(self, step: int) -> None:
        """Ctrl+= / Ctrl+- (step ±1) and Ctrl+0 (step 0 resets)."""
        editor = self.settings.editor
        editor.zoom = 0 if step == 0 else max(-10, min(30, editor.zoom + step))
        self.apply_settings(self.settings)
        self.message.emit(
            self.tr("Zoom %+d") % editor.zoom if editor.zoom else self.tr("Zoom reset"), 2000
        )

    def story_language(self) -> str:
        """The story's chosen language, else the one its text is written in ('' if none)."""
        story = self.documents.story
        if story is not None and story.language:
            return story.language
        position = self.editor.textCursor().position()
        return detect_language(self.editor.text_range(max(0, position - 4000), position + 400))

    def configure_spelling(self) -> None:
        story = self.documents.story
        words: list[str] = []
        language = "en"
        if story is not None:
            opening = self.editor.text_range(0, 4000)
            language = story.language or detect_language(opening) or "en"
            words = list(story.spelling_words)
            for entry in story.characters:
                words.extend(str(entry.get("Name", "")).split())
        self.spelling.configure(
            self.settings.editor.spellcheck and language != "zh", language, words
        )

    def _on_spelling_word_added(self, word: str) -> None:
        story = self.documents.story
        if story is not None and word not in story.spelling_words:
            story.spelling_words.append(word)
            self.documents.mark_changed()

    def _on_documents_opened(self) -> None:
        has_story = self.documents.story is not None
        self.binder.setVisible(has_story and not self.focus.active)
        self.binder.rebuild()
        self.configure_spelling()
        if not has_story:
            self._count_plain()
        self.update_counts()

    def offer_project(self) -> bool:
        """Chapters and scenes need a story project: offer to turn the plain text into one
        (it becomes chapter 1, scene 1). True when a project is open afterwards."""
        if self.documents.story is not None:
            return True
        if self.project.refuses_while_busy():
            return False
        question = self.tr(
            "Turn this document into a story project?\n\nChapters and scenes live in a story "
            "project: a folder whose name ends in .inkling. Your text becomes chapter 1, "
            "scene 1, and the project is saved there at once."
        )
        if not self.documents.prompts.confirm(question):
            return False
        return self.documents.save_as_project()

    def _on_editor_locked_changed(self, reason: str) -> None:
        elided = reason if len(reason) <= 120 else reason[:119] + "…"
        self.locked_label.setText(self.tr("Read-only: {0}").format(elided))
        self.locked_label.setToolTip(reason)
        self.locked_label.setVisible(bool(reason))

    def _on_editor_typed_while_locked(self, reason: str) -> None:
        self.message.emit(self.tr("This scene is read-only: {0}").format(reason), 8000)

    # --- counts ---------------------------------------------------------------------
    def _on_editor_contents_changed(self, _pos: int, removed: int, added: int) -> None:
        if self.documents.story is None and (removed or added):
            self._plain_timer.start()

    def _count_plain(self) -> None:
        # The text is copied here; counting runs on a worker thread, off the typing path.
        if self._closed:
            return
        text = self.editor.toPlainText()
        future = self._counter.submit(lambda: _script_counts(text))
        future.add_done_callback(self._on_plain_future_done)

    def _on_plain_future_done(self, future: Future) -> None:
        if future.exception() is None:
            self._plain_counted.emit(*future.result())

    def _on_plain_counted(self, chars: int, words: int) -> None:
        self._plain_chars, self._plain_words = chars, words
        self.update_counts()

    def count_text(self) -> str:
        """What the status bar shows: scene, chapter, book, today against the goal."""
        unit = self.tr("characters") if self._cjk() else self.tr("words")
        if self.documents.story is None:
            return self._plain_count_text()
        project = self.project
        if not project.current:
            return f"{project.book_words():,} {unit}"
        chapter = project.binder.chapter_of(project.current)
        progress = project.progress
        today = f"{progress.shown_today:,}" + (
            f" / {progress.daily_goal:,}" if progress.daily_goal else ""
        )
        return (
            self.tr("%1 %4 in this scene · %2 in the chapter · %3 in the book · %5 today")
            .replace("%1", f"{project.counts.get(project.current, 0):,}")
            .replace("%2", f"{project.chapter_words(chapter):,}")
            .replace("%3", f"{project.book_words():,}")
            .replace("%4", unit)
            .replace("%5", today)
        )

    def _plain_count_text(self) -> str:
        """Characters for Chinese and Japanese, words for the rest; mixed text gets both."""
        chars = self.tr("{0:,} characters").format(self._plain_chars)
        words = self.tr("{0:,} words").format(self._plain_words)
        if self._plain_chars and self._plain_words:
            return f"{chars} · {words}"
        return chars if self._plain_chars else words

    def _cjk(self) -> bool:
        if self.documents.story is None:
            return self._plain_chars > self._plain_words
        return (
            is_mostly_cjk(self.project.text_of(self.project.current)[:5000])
            if self.project.current
            else False
        )

    def update_counts(self, *_args: object) -> None:
        """Refresh the status bar's counts (and say when the text's language changed)."""
        self.counts_label.setText(self.count_text())
        language = self.story_language()
        if language and language != self.language:
            self.language = language
            self.language_changed.emit(language)
            if language in CJK_LANGUAGES and not self._closed:
                # The word segmenter's dictionary loads off the GUI thread, so the first
                # Ctrl+Right in Chinese does not wait for it.
                self._counter.submit(warm_up)

    # --- commands -------------------------------------------------------------------
    def undo(self) -> None:
        """Edit → Undo: the binder's last change when it has the focus, else the text's."""
        if self.binder.tree.hasFocus() and self.documents.story is not None:
            label = self.project.undo()
            self.message.emit(
                self.tr("Undone: %s") % label if label else self.tr("Nothing to undo."), 4000
            )
        else:
            self.editor.undo()

    def redo(self) -> None:
        """Edit → Redo, the same way."""
        if self.binder.tree.hasFocus() and self.documents.story is not None:
            self.project.redo()
        else:
            self.editor.redo()

    def show_goals(self) -> None:
        """Story → Goals and history."""
        if self.documents.story is None:
            self.message.emit(
                self.tr("Goals belong to a story project (Save As a .inkling folder)."), 6000
            )
            return
        from gui.book.goals import GoalsDialog

        dialog = GoalsDialog(self.project.progress, self.window, characters=self._cjk())
        dialog.accepted.connect(self._on_goals_accepted)
        dialog.open()
        self.goals_dialog = dialog

    def _on_goals_accepted(self) -> None:
        if self.goals_dialog is not None:
            self.goals_dialog.apply()
            self.documents.mark_changed()
            self.update_counts()

    def show_history(self, scene_id: str = "") -> None:
        """Book → Scene History: the snapshots of a scene (the current one by default)."""
        scene_id = scene_id or self.project.current
        if self.documents.story is None or not scene_id:
            self.message.emit(self.tr("Snapshots belong to the scenes of a story project."), 6000)
            return
        try:
            title = self.project.binder.item(scene_id).title
        except KeyError:
            return
        if self.history_dialog is not None:
            self.history_dialog.close()
            self.history_dialog.deleteLater()
        from gui.book.history_view import HistoryDialog

        self.history_dialog = HistoryDialog(self.keeping, scene_id, title, self.window)
        self.history_dialog.show()

    def read_book(self) -> None:
        """View → Read the whole book."""
        story = self.documents.story
        if story is None:
            return
        self.project.sync()
        from gui.book.dialogs import BookReader

        self.reader = BookReader(story, self.window)
        self.reader.show()
        if self.project.current:
            chapter = self.project.binder.chapter_of(self.project.current)
            self.reader.show_chapter(self.project.binder.chapters.index(chapter) + 1)

    def book_text(self) -> tuple[str, str] | None:
        """(title, text) of the open book, every scene in order, or of the open document."""
        story = self.documents.story
        if story is None:
            text = self.editor.toPlainText()
            return (self.documents.display_name, text) if text.strip() else None
        from backend.story.memory.position import scene_texts

        scenes = scene_texts(story, dict(self.documents.project.texts()))
        text = "\n\n".join(s.text.strip() for s in scenes if s.text.strip())
        return (story.title or story.folder.name, text) if text else None

    def shutdown(self) -> None:
        """Stop the counting thread, and finish the snapshots and backups queued."""
        self._closed = True
        self._plain_timer.stop()
        self._counter.shutdown(wait=True)
        self.keeping.shutdown()


def _script_counts(text: str) -> tuple[int, int]:
    """(CJK characters, other words) of `text`."""
    chars = cjk_count(text)
    return chars, word_count(text) - chars
