"""The main window's menus, left to right, and its toolbar: each entry's text, what it
calls, its shortcut and when it is enabled, built by gui/window/menus.py.

The window is seen through `MenuParts`: the parts and slots the entries call, nothing else.
Texts are marked for the "Menus" translation context and translated when built.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget

from gui.book.controller import BookController
from gui.book.files import DocumentController
from gui.common.i18n import QT_TRANSLATE_NOOP
from gui.editor.continuation import ContinuationController
from gui.editor.editor import Editor
from gui.editor.suggestions import SuggestionController
from gui.models.voice import VoiceController
from gui.story.ask import AskController
from gui.story.continuity import ContinuityController
from gui.story.memory import MemoryController
from gui.window.menus import DockToggle, Item, Menu, Toolbar, When
from gui.window.text_actions import TextActions

STANDARD = QKeySequence.StandardKey
NEEDS_PROJECT = QT_TRANSLATE_NOOP(
    "Menus", "Open a story project, or use New Chapter to turn this text into one."
)
TOOLBAR = Toolbar(
    QT_TRANSLATE_NOOP("Menus", "Suggestions"), "suggestions-toolbar", ("auto_suggest", "continue")
)


class MenuParts(Protocol):
    """What the menus call: the window's parts and its own slots."""

    @property
    def documents(self) -> DocumentController:
        """The open document: files, import and export."""
        ...

    @property
    def book(self) -> BookController:
        """The book around the editor: binder, find, focus, zoom, goals."""
        ...

    @property
    def continuation(self) -> ContinuationController:
        """Continuations, retries and their versions."""
        ...

    @property
    def suggestions(self) -> SuggestionController:
        """Inline suggestions."""
        ...

    @property
    def editor(self) -> Editor:
        """The writing surface."""
        ...

    @property
    def voice(self) -> VoiceController:
        """Voice adapters and their training."""
        ...

    @property
    def bible(self) -> QDockWidget:
        """The story bible dock."""
        ...

    @property
    def style_panel(self) -> QDockWidget:
        """The style dock."""
        ...

    @property
    def text_actions(self) -> TextActions:
        """Cut, copy, paste and select all in the field the keyboard is in."""
        ...

    @property
    def memory(self) -> MemoryController:
        """Long-book memory, with the "What the model sees" dock."""
        ...

    @property
    def continuity(self) -> ContinuityController:
        """The continuity check and its dock."""
        ...

    @property
    def ask(self) -> AskController:
        """Ask the Book and its dock."""
        ...

    def show_story_details(self) -> None:
        """File → Story Details."""
        ...

    def show_preferences(self) -> None:
        """Edit → Preferences."""
        ...

    def show_models(self) -> object:
        """Model → Manage Models."""
        ...

    def show_chooser(self) -> object:
        """Model → Get a Better Model."""
        ...

    def show_about(self) -> None:
        """Help → About."""
        ...

    def show_shortcuts(self) -> None:
        """Help → Keyboard Shortcuts."""
        ...

    def set_auto_suggest(self, enabled: bool) -> None:
        """Suggest → Suggestions as you type."""
        ...

    def close(self) -> bool:
        """File → Quit."""
        ...


def menu_table(w: MenuParts) -> tuple[Menu, ...]:
    """The menu bar, left to right."""
    return (
        _file_menu(w),
        _edit_menu(w),
        _generate_menu(w),
        _suggest_menu(w),
        _view_menu(w),
        _book_menu(w),
        Menu(
            QT_TRANSLATE_NOOP("Menus", "&Model"),
            (
                Item(
                    QT_TRANSLATE_NOOP("Menus", "&Manage Models…"),
                    w.show_models,
                    "Ctrl+Shift+M",
                    name="models",
                ),
                Item(
                    QT_TRANSLATE_NOOP("Menus", "Get a &Better Model…"),
                    w.show_chooser,
                    name="better_models",
                ),
                Item(
                    QT_TRANSLATE_NOOP("Menus", "&Train on My Writing…"),
                    w.voice.show_training,
                    name="train_voice",
                ),
            ),
        ),
        Menu(
            QT_TRANSLATE_NOOP("Menus", "&Help"),
            (
                Item(
                    QT_TRANSLATE_NOOP("Menus", "&Keyboard Shortcuts"),
                    w.show_shortcuts,
                    name="shortcuts",
                ),
                Item(QT_TRANSLATE_NOOP("Menus", "&About Inkling"), w.show_about, name="about"),
            ),
        ),
    )


def _file_menu(w: MenuParts) -> Menu:
    docs = w.documents
    return Menu(
        QT_TRANSLATE_NOOP("Menus", "&File"),
        (
            Item(QT_TRANSLATE_NOOP("Menus", "&New"), docs.new, STANDARD.New),
            Item(
                QT_TRANSLATE_NOOP("Menus", "New &Project…"),
                lambda: docs.new_project(),
                "Ctrl+Alt+N",
            ),
            Item(QT_TRANSLATE_NOOP("Menus", "&Open…"), lambda: docs.open(), STANDARD.Open),
            Menu(QT_TRANSLATE_NOOP("Menus", "Open &Recent"), (), name="recent"),
            Item(QT_TRANSLATE_NOOP("Menus", "&Save"), docs.save, STANDARD.Save),
            Item(QT_TRANSLATE_NOOP("Menus", "Save &As…"), docs.save_as, STANDARD.SaveAs),
            Item(QT_TRANSLATE_NOOP("Menus", "&Close"), docs.new, STANDARD.Close),
            None,
            Item(
                QT_TRANSLATE_NOOP("Menus", "&Import Manuscript…"),
                docs.transfer.import_manuscript,
            ),
            Menu(
                QT_TRANSLATE_NOOP("Menus", "&Export"),
                (
                    Item(
                        QT_TRANSLATE_NOOP("Menus", "&Book (Word, EPUB, Markdown, text)…"),
                        docs.transfer.export_book,
                        "Ctrl+E",
                    ),
                    Item(
                        QT_TRANSLATE_NOOP("Menus", "As &Markdown…"),
                        lambda: docs.transfer.export(True),
                    ),
                    Item(
                        QT_TRANSLATE_NOOP("Menus", "As &Plain Text…"),
                        lambda: docs.transfer.export(False),
                    ),
                ),
            ),
            None,
            *_backup_items(w),
            None,
            Item(QT_TRANSLATE_NOOP("Menus", "Story &Details…"), w.show_story_details, name="story"),
            None,
            Item(QT_TRANSLATE_NOOP("Menus", "&Quit"), w.close, STANDARD.Quit),
        ),
    )


def _backup_items(w: MenuParts) -> tuple[Item, ...]:
    """File's backup entries: back up now, restore, the story's backup folder."""
    keeping = w.book.keeping
    return (
        Item(
            QT_TRANSLATE_NOOP("Menus", "Back &Up Now"),
            keeping.back_up_now,
            "Ctrl+Alt+B",
            when=When.PROJECT,
            tip=NEEDS_PROJECT,
        ),
        Item(QT_TRANSLATE_NOOP("Menus", "Restore from Bac&kup…"), keeping.restore_from_backup),
        Item(
            QT_TRANSLATE_NOOP("Menus", "Backup &Folder…"),
            keeping.choose_backup_folder,
            when=When.PROJECT,
            tip=NEEDS_PROJECT,
        ),
    )


def _edit_menu(w: MenuParts) -> Menu:
    book = w.book
    text = w.text_actions
    return Menu(
        QT_TRANSLATE_NOOP("Menus", "&Edit"),
        (
            Item(
                QT_TRANSLATE_NOOP("Menus", "&Undo"),
                lambda: text.undo(book.undo),
                STANDARD.Undo,
                name="undo",
            ),
            Item(
                QT_TRANSLATE_NOOP("Menus", "&Redo"),
                lambda: text.redo(book.redo),
                STANDARD.Redo,
                name="redo",
            ),
            None,
            Item(QT_TRANSLATE_NOOP("Menus", "Cu&t"), text.cut, STANDARD.Cut, name="cut"),
            Item(QT_TRANSLATE_NOOP("Menus", "&Copy"), text.copy, STANDARD.Copy, name="copy"),
            Item(QT_TRANSLATE_NOOP("Menus", "Pa&ste"), text.paste, STANDARD.Paste, name="paste"),
            Item(
                QT_TRANSLATE_NOOP("Menus", "Select &All"),
                text.select_all,
                STANDARD.SelectAll,
                name="select_all",
            ),
            None,
            Item(
                QT_TRANSLATE_NOOP("Menus", "&Find…"), lambda: book.find.open(False), STANDARD.Find
            ),
            Item(
                QT_TRANSLATE_NOOP("Menus", "Find in &Book…"),
                lambda: book.find.open(False, whole_book=True),
                "Ctrl+Shift+F",
                when=When.PROJECT,
                tip=NEEDS_PROJECT,
            ),
            Item(
                QT_TRANSLATE_NOOP("Menus", "Find and &Replace…"),
                lambda: book.find.open(True),
                "Ctrl+H",
            ),
            None,
            Item(
                QT_TRANSLATE_NOOP("Menus", "&Preferences…"),
                w.show_preferences,
                STANDARD.Preferences,
                name="preferences",
            ),
        ),
        name="edit",
    )


def _generate_menu(w: MenuParts) -> Menu:
    c = w.continuation
    return Menu(
        QT_TRANSLATE_NOOP("Menus", "&Generate"),
        (
            Item(
                QT_TRANSLATE_NOOP("Menus", "&Continue writing"),
                c.start,
                ("Ctrl+Return", "Ctrl+Enter"),
                name="continue",
                when=When.IDLE,
            ),
            Item(
                QT_TRANSLATE_NOOP("Menus", "&Stop"), c.stop, "Esc", name="stop", when=When.RUNNING
            ),
            Item(QT_TRANSLATE_NOOP("Menus", "&Retry"), c.retry, "Ctrl+R", name="retry"),
            Item(
                QT_TRANSLATE_NOOP("Menus", "&Previous version"),
                lambda: c.browse(-1),
                "Alt+Left",
                name="older",
            ),
            Item(
                QT_TRANSLATE_NOOP("Menus", "&Next version"),
                lambda: c.browse(1),
                "Alt+Right",
                name="newer",
            ),
            Item(
                QT_TRANSLATE_NOOP("Menus", "Re&write selection"),
                c.rewrite_selection,
                "Ctrl+Shift+R",
                name="rewrite",
            ),
        ),
    )


def _suggest_menu(w: MenuParts) -> Menu:
    editor = w.editor
    return Menu(
        QT_TRANSLATE_NOOP("Menus", "&Suggest"),
        (
            Item(
                QT_TRANSLATE_NOOP("Menus", "Suggestions as you &type"),
                w.set_auto_suggest,
                name="auto_suggest",
                toggle=True,
            ),
            None,
            Item(
                QT_TRANSLATE_NOOP("Menus", "Suggest &now"),
                w.suggestions.request_now,
                hotkey="request",
            ),
            Item(
                QT_TRANSLATE_NOOP("Menus", "&Accept suggestion"),
                editor.accept_ghost,
                hotkey="accept",
            ),
            Item(
                QT_TRANSLATE_NOOP("Menus", "Accept next &word"),
                editor.accept_next_word,
                hotkey="accept_word",
            ),
            Item(
                QT_TRANSLATE_NOOP("Menus", "&Next alternative"),
                lambda: editor.alternative_requested.emit(1),
                hotkey="next",
            ),
            Item(
                QT_TRANSLATE_NOOP("Menus", "&Previous alternative"),
                lambda: editor.alternative_requested.emit(-1),
                hotkey="previous",
            ),
        ),
    )


def _view_menu(w: MenuParts) -> Menu:
    book = w.book
    return Menu(
        QT_TRANSLATE_NOOP("Menus", "&View"),
        (
            DockToggle(w.bible, "Ctrl+B"),
            DockToggle(w.style_panel, "Ctrl+Shift+Y"),
            DockToggle(
                w.memory.dock, "Ctrl+Shift+I", QT_TRANSLATE_NOOP("Menus", "What the &Model Sees")
            ),
            DockToggle(book.binder, "Ctrl+Shift+B"),
            DockToggle(w.continuity.dock, "Ctrl+Alt+C", QT_TRANSLATE_NOOP("Menus", "&Continuity")),
            DockToggle(w.ask.dock, "Ctrl+Alt+A", QT_TRANSLATE_NOOP("Menus", "&Ask the Book")),
            None,
            Item(QT_TRANSLATE_NOOP("Menus", "&Focus Mode"), book.focus.toggle, "F11"),
            Item(
                QT_TRANSLATE_NOOP("Menus", "Zoom &In"), lambda: book.zoom(1), ("Ctrl+=", "Ctrl++")
            ),
            Item(QT_TRANSLATE_NOOP("Menus", "Zoom &Out"), lambda: book.zoom(-1), "Ctrl+-"),
            Item(QT_TRANSLATE_NOOP("Menus", "&Reset Zoom"), lambda: book.zoom(0), "Ctrl+0"),
            None,
            Item(
                QT_TRANSLATE_NOOP("Menus", "Read the &Whole Book"),
                book.read_book,
                when=When.PROJECT,
            ),
        ),
    )


def _book_menu(w: MenuParts) -> Menu:
    # New Chapter and New Scene offer to turn a plain text into a story project; the rest
    # only make sense in one and are disabled without it.
    binder = w.book.binder
    project = w.documents.project
    return Menu(
        QT_TRANSLATE_NOOP("Menus", "&Book"),
        (
            Item(QT_TRANSLATE_NOOP("Menus", "New &Chapter"), binder.add_chapter),
            Item(QT_TRANSLATE_NOOP("Menus", "New &Scene"), binder.add_scene, "Ctrl+Shift+N"),
            Item(
                QT_TRANSLATE_NOOP("Menus", "S&plit Scene at Cursor"),
                project.split_at_cursor,
                "Ctrl+Shift+K",
                when=When.PROJECT,
                tip=NEEDS_PROJECT,
            ),
            Item(
                QT_TRANSLATE_NOOP("Menus", "&Merge with Next Scene"),
                binder.merge_current,
                when=When.PROJECT,
                tip=NEEDS_PROJECT,
            ),
            Item(
                QT_TRANSLATE_NOOP("Menus", "&Undo Binder Change"),
                project.undo,
                when=When.BINDER_UNDO,
                tip=NEEDS_PROJECT,
            ),
            None,
            Item(
                QT_TRANSLATE_NOOP("Menus", "Take S&napshot…"),
                w.book.keeping.take_snapshot,
                "Ctrl+Alt+S",
                when=When.PROJECT,
                tip=NEEDS_PROJECT,
            ),
            Item(
                QT_TRANSLATE_NOOP("Menus", "Scene &History…"),
                lambda: w.book.show_history(),
                "Ctrl+Alt+H",
                when=When.PROJECT,
                tip=NEEDS_PROJECT,
            ),
            None,
            Item(QT_TRANSLATE_NOOP("Menus", "&Goals and History…"), w.book.show_goals),
        ),
    )
