"""Spell checking in the editor: only the visible lines are checked, on a timer after
typing or scrolling stops (never per keystroke); misspellings get a wavy underline, and a
right-click offers corrections, "Add to dictionary" and "Ignore". English is British or
American as the story's language says ("en-GB", "en-US"); plain "en" follows the region of
the system's locale."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QLocale, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QMenu, QTextEdit

from backend.text.spelling import (
    Speller,
    SpellingError,
    dictionary_code,
    dictionary_loaded,
    is_checked,
    load_dictionary,
)
from gui.editor.editor import Editor, qt_position

CHECK_DELAY_MS = 350


def system_region() -> str:
    """The region of the system's locale, as Qt reads it on every platform ("GB")."""
    return QLocale.territoryToCode(QLocale.system().territory())


class SpellController(QObject):
    """Underlines unknown words in the visible part of the editor."""

    word_added = Signal(str)
    message = Signal(str)
    ready = Signal()  # checking is on, with its dictionary read
    _loaded = Signal(str, object)  # a dictionary code, the error reading it or None

    def __init__(self, editor: Editor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.speller: Speller | None = None
        self.enabled = False
        self.ignored: set[str] = set()
        self.menu: QMenu | None = None
        self.underlined: list[tuple[int, int, str]] = []
        self.own_words: Callable[[], list[str]] = list
        self.region: Callable[[], str] = system_region  # for English that names none
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check_visible)
        self._wanted: tuple[str, list[str]] | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inkling-dictionary")
        # Queued even when the read ended before its callback was added (then it runs here).
        self._loaded.connect(self._on_loaded, Qt.ConnectionType.QueuedConnection)
        editor.contents_changed.connect(self._on_editor_changed)
        editor.document_replaced.connect(self.schedule)
        editor.verticalScrollBar().valueChanged.connect(self.schedule)
        editor.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        editor.customContextMenuRequested.connect(self.show_menu)

    def configure(self, enabled: bool, language: str, words: list[str]) -> None:
        """Turn checking on or off, for a language ("en-GB", "en", "fr"; never "zh"),
        knowing the project's own words. A dictionary not read yet is read in the
        background (it takes half a second, which the window's start should not wait for);
        checking starts when it is ready (`ready`)."""
        self.enabled = enabled and is_checked(language)
        self._wanted = None
        if self.enabled:
            try:
                code = dictionary_code(language, self.region())
                if self.speller is None or self.speller.language != code:
                    if not dictionary_loaded(code):
                        self._load_later(code, words)
                        return
                    self.speller = Speller(code)
                self.speller.add_words(words)
            except SpellingError as exc:
                self.message.emit(str(exc))
                self.enabled = False
        if self.enabled:
            self.schedule()
            self.ready.emit()
        else:
            self.clear()

    def _load_later(self, code: str, words: list[str]) -> None:
        """Read `code`'s dictionary on a thread of its own, then configure again."""
        self.speller = None
        self.clear()
        self._wanted = (code, list(words))
        future = self._pool.submit(load_dictionary, code)
        future.add_done_callback(lambda f: self._report_loaded(code, f.exception()))

    def _report_loaded(self, code: str, error: BaseException | None) -> None:
        """From the reading thread: tell the controller, unless it is gone (the window
        closed while the dictionary was read)."""
        with contextlib.suppress(RuntimeError):
            self._loaded.emit(code, error)

    def _on_loaded(self, code: str, error: object) -> None:
        wanted = self._wanted
        if wanted is None or wanted[0] != code or not self.enabled:
            return  # configured otherwise since
        self._wanted = None
        if error is not None:
            self.message.emit(str(error))
            self.enabled = False
            return
        self.speller = Speller(code)
        self.speller.add_words(wanted[1])
        self.schedule()
        self.ready.emit()

    def clear(self) -> None:
        """Remove every underline."""
        self.underlined = []
        self.editor.setExtraSelections([])

    def _on_editor_changed(self, _pos: int, removed: int, added: int) -> None:
        if removed or added:
            self.schedule()

    def schedule(self, *_args: object) -> None:
        """Check again once the writer pauses."""
        if self.enabled:
            self._timer.start()

    def check_visible(self) -> None:
        """Underline the unknown words on the lines now on screen."""
        self._timer.stop()
        if not self.enabled or self.speller is None:
            return
        editor = self.editor
        block = editor.firstVisibleBlock()
        bottom = editor.viewport().height()
        offset = editor.contentOffset()
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
        fmt.setUnderlineColor(QColor("#d04040"))
        selections, found = [], []
        while (
            block.isValid()
            and editor.blockBoundingGeometry(block).translated(offset).top() <= bottom
        ):
            text, base = block.text(), block.position()
            for start, end, word in self.speller.misspelled(text):
                if word in self.ignored:
                    continue
                selection = QTextEdit.ExtraSelection()
                cursor = QTextCursor(editor.document())
                cursor.setPosition(base + qt_position(text, start))
                cursor.setPosition(base + qt_position(text, end), QTextCursor.MoveMode.KeepAnchor)
                selection.cursor = cursor
                selection.format = fmt
                selections.append(selection)
                found.append((cursor.selectionStart(), cursor.selectionEnd(), word))
            block = block.next()
        self.underlined = found
        editor.setExtraSelections(selections)

    def word_at(self, position: int) -> tuple[int, int, str] | None:
        """The underlined word at a document position, if any."""
        for start, end, word in self.underlined:
            if start <= position <= end:
                return start, end, word
        return None

    def show_menu(self, pos: QPoint) -> QMenu:
        """The editor's context menu, with corrections first for a misspelt word."""
        standard = self.editor.createStandardContextMenu(pos)
        hit = self.word_at(self.editor.cursorForPosition(pos).position()) if self.enabled else None
        menu = QMenu(self.editor)
        if hit is not None and self.speller is not None:
            start, end, word = hit
            suggestions = self.speller.suggestions(word)
            for suggestion in suggestions:
                act = menu.addAction(suggestion)
                act.triggered.connect(lambda _c=False, s=suggestion: self.correct(start, end, s))
            if not suggestions:
                menu.addAction(self.tr("(no suggestions)")).setEnabled(False)
            menu.addSeparator()
            menu.addAction(self.tr("Add “%s” to dictionary") % word, lambda: self.add_word(word))
            menu.addAction(self.tr("Ignore “%s”") % word, lambda: self.ignore_word(word))
            menu.addSeparator()
        standard.setParent(menu, standard.windowFlags())
        menu.addActions(standard.actions())
        self.menu = menu
        menu.popup(self.editor.viewport().mapToGlobal(pos))
        return menu

    def correct(self, start: int, end: int, word: str) -> None:
        """Replace the misspelling with `word` (one undo step)."""
        self.editor.replace_range(start, end, word)
        self.check_visible()

    def add_word(self, word: str) -> None:
        """Know `word` from now on, in this project."""
        if self.speller is not None:
            self.speller.add_words([word])
        self.word_added.emit(word)
        self.check_visible()

    def ignore_word(self, word: str) -> None:
        """Stop underlining `word` until the app closes."""
        self.ignored.add(word)
        self.check_visible()
