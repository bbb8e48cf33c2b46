"""Every menu, action and shortcut of the main window, built in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from gui.main_window import MainWindow

Shortcut = QKeySequence | QKeySequence.StandardKey | list[QKeySequence] | None


@dataclass
class Actions:
    """The actions other parts of the window enable, check or relabel."""

    continue_: QAction
    stop: QAction
    retry: QAction
    older: QAction
    newer: QAction
    rewrite: QAction
    auto_suggest: QAction
    preferences: QAction
    models: QAction
    train_voice: QAction
    about: QAction
    story: QAction
    recent_menu: QMenu
    # hotkey name -> (action, label): the editor owns these keys, the menu shows them
    suggest: dict[str, tuple[QAction, str]] = field(default_factory=dict)
    # Book → actions that change a project's structure: off while a plain text is open
    book_structure: list[QAction] = field(default_factory=list)
    book_undo: QAction | None = None

    def show_project(self, is_open: bool, can_undo: bool) -> None:
        """Enable the structural book actions when a story project is open."""
        for act in self.book_structure:
            act.setEnabled(is_open)
        if self.book_undo is not None:
            self.book_undo.setEnabled(is_open and can_undo)


def action(
    parent: QObject, text: str, slot: Callable[..., object], shortcut: Shortcut = None
) -> QAction:
    """A QAction calling `slot`, with an optional shortcut (or several)."""
    act = QAction(text, parent)
    if isinstance(shortcut, list):
        act.setShortcuts(shortcut)
    elif shortcut is not None:
        act.setShortcut(shortcut)
    act.triggered.connect(slot)
    return act


def build_menus(w: MainWindow) -> Actions:
    """Build the menu bar and the toolbar of `w`; returns the actions it keeps."""
    keys = QKeySequence.StandardKey
    menu = w.menuBar()
    docs = w.documents
    file_menu = menu.addMenu(QCoreApplication.translate("Menus", "&File"))
    file_menu.addAction(action(w, QCoreApplication.translate("Menus", "&New"), docs.new, keys.New))
    file_menu.addAction(
        action(w, QCoreApplication.translate("Menus", "&Open…"), lambda: docs.open(), keys.Open)
    )
    recent = file_menu.addMenu(QCoreApplication.translate("Menus", "Open &Recent"))
    file_menu.addAction(
        action(w, QCoreApplication.translate("Menus", "&Save"), docs.save, keys.Save)
    )
    file_menu.addAction(
        action(w, QCoreApplication.translate("Menus", "Save &As…"), docs.save_as, keys.SaveAs)
    )
    file_menu.addAction(
        action(w, QCoreApplication.translate("Menus", "&Close"), docs.new, keys.Close)
    )
    file_menu.addSeparator()
    file_menu.addAction(
        action(
            w,
            QCoreApplication.translate("Menus", "&Import Manuscript…"),
            docs.transfer.import_manuscript,
        )
    )
    export = file_menu.addMenu(QCoreApplication.translate("Menus", "&Export"))
    export.addAction(
        action(
            w,
            QCoreApplication.translate("Menus", "&Book (Word, EPUB, Markdown, text)…"),
            docs.transfer.export_book,
            QKeySequence("Ctrl+E"),
        )
    )
    export.addAction(
        action(
            w,
            QCoreApplication.translate("Menus", "As &Markdown…"),
            lambda: docs.transfer.export(True),
        )
    )
    export.addAction(
        action(
            w,
            QCoreApplication.translate("Menus", "As &Plain Text…"),
            lambda: docs.transfer.export(False),
        )
    )
    file_menu.addSeparator()
    story = action(w, QCoreApplication.translate("Menus", "Story &Details…"), w.show_story_details)
    file_menu.addAction(story)
    file_menu.addSeparator()
    file_menu.addAction(action(w, QCoreApplication.translate("Menus", "&Quit"), w.close, keys.Quit))

    edit_menu = menu.addMenu(QCoreApplication.translate("Menus", "&Edit"))
    edit_menu.addAction(
        action(w, QCoreApplication.translate("Menus", "&Undo"), w.book.undo, keys.Undo)
    )
    edit_menu.addAction(
        action(w, QCoreApplication.translate("Menus", "&Redo"), w.book.redo, keys.Redo)
    )
    edit_menu.addSeparator()
    edit_menu.addAction(
        action(
            w,
            QCoreApplication.translate("Menus", "&Find…"),
            lambda: w.book.find.open(False),
            keys.Find,
        )
    )
    edit_menu.addAction(
        action(
            w,
            QCoreApplication.translate("Menus", "Find and &Replace…"),
            lambda: w.book.find.open(True),
            QKeySequence("Ctrl+H"),
        )
    )
    edit_menu.addSeparator()
    preferences = action(
        w,
        QCoreApplication.translate("Menus", "&Preferences…"),
        w.show_preferences,
        keys.Preferences,
    )
    edit_menu.addAction(preferences)

    actions = _generate_menu(w, recent, story, preferences)
    _suggest_menu(w, actions)
    toolbar = w.addToolBar(QCoreApplication.translate("Menus", "Suggestions"))
    toolbar.setObjectName("suggestions-toolbar")
    toolbar.addAction(actions.auto_suggest)
    toolbar.addAction(actions.continue_)

    view_menu = menu.addMenu(QCoreApplication.translate("Menus", "&View"))
    _dock_toggles(w, view_menu)
    _book_menus(w, view_menu, actions)
    model_menu = menu.addMenu(QCoreApplication.translate("Menus", "&Model"))
    model_menu.addAction(actions.models)
    model_menu.addAction(actions.train_voice)
    menu.addMenu(QCoreApplication.translate("Menus", "&Help")).addAction(actions.about)
    _keep_shortcuts(w)
    return actions


def _dock_toggles(w: MainWindow, view_menu: QMenu) -> None:
    """Show or hide the side panels."""
    for dock, text, keys in (
        (w.bible, "", "Ctrl+B"),
        (w.style_panel, "", "Ctrl+Shift+Y"),
        (
            w.memory.dock,
            QCoreApplication.translate("Menus", "What the &Model Sees"),
            "Ctrl+Shift+I",
        ),
    ):
        toggle = dock.toggleViewAction()
        if text:
            toggle.setText(text)
        toggle.setShortcut(QKeySequence(keys))
        view_menu.addAction(toggle)


def _keep_shortcuts(w: MainWindow) -> None:
    """Shortcuts keep working while focus mode hides the menu bar."""
    for top in w.menuBar().actions():
        sub = top.menu()
        if isinstance(sub, QMenu):
            w.addActions([a for a in sub.actions() if not a.isSeparator()])


def _book_menus(w: MainWindow, view_menu: QMenu, actions: Actions) -> None:
    book = w.book
    binder_toggle = book.binder.toggleViewAction()
    binder_toggle.setShortcut(QKeySequence("Ctrl+Shift+B"))
    view_menu.addAction(binder_toggle)
    view_menu.addSeparator()
    focus = action(
        w,
        QCoreApplication.translate("Menus", "&Focus Mode"),
        book.focus.toggle,
        QKeySequence(Qt.Key.Key_F11),
    )
    view_menu.addAction(focus)
    view_menu.addAction(
        action(
            w,
            QCoreApplication.translate("Menus", "Zoom &In"),
            lambda: book.zoom(1),
            [QKeySequence("Ctrl+="), QKeySequence("Ctrl++")],
        )
    )
    view_menu.addAction(
        action(
            w,
            QCoreApplication.translate("Menus", "Zoom &Out"),
            lambda: book.zoom(-1),
            QKeySequence("Ctrl+-"),
        )
    )
    view_menu.addAction(
        action(
            w,
            QCoreApplication.translate("Menus", "&Reset Zoom"),
            lambda: book.zoom(0),
            QKeySequence("Ctrl+0"),
        )
    )
    view_menu.addSeparator()
    read = action(w, QCoreApplication.translate("Menus", "Read the &Whole Book"), book.read_book)
    view_menu.addAction(read)
    actions.book_structure.append(read)
    book_menu = w.menuBar().addMenu(QCoreApplication.translate("Menus", "&Book"))
    # New Chapter and New Scene offer to turn a plain text into a story project; the rest
    # only make sense in one and are disabled without it.
    needs_project = QCoreApplication.translate(
        "Menus", "Open a story project, or use New Chapter to turn this text into one."
    )
    for label, slot, keys, structural in (
        (QCoreApplication.translate("Menus", "New &Chapter"), book.binder.add_chapter, None, False),
        (
            QCoreApplication.translate("Menus", "New &Scene"),
            book.binder.add_scene,
            QKeySequence("Ctrl+Shift+N"),
            False,
        ),
        (
            QCoreApplication.translate("Menus", "S&plit Scene at Cursor"),
            w.documents.project.split_at_cursor,
            QKeySequence("Ctrl+Shift+K"),
            True,
        ),
        (
            QCoreApplication.translate("Menus", "&Merge with Next Scene"),
            book.binder.merge_current,
            None,
            True,
        ),
        (
            QCoreApplication.translate("Menus", "&Undo Binder Change"),
            w.documents.project.undo,
            None,
            True,
        ),
    ):
        act = action(w, label, slot, keys)
        book_menu.addAction(act)
        if structural:
            act.setStatusTip(needs_project)
            actions.book_structure.append(act)
    actions.book_undo = act  # the last one
    book_menu.addSeparator()
    book_menu.addAction(
        action(w, QCoreApplication.translate("Menus", "&Goals and History…"), book.show_goals)
    )


def _generate_menu(w: MainWindow, recent: QMenu, story: QAction, preferences: QAction) -> Actions:
    c = w.continuation
    actions = Actions(
        continue_=action(
            w,
            QCoreApplication.translate("Menus", "&Continue writing"),
            c.start,
            [QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")],
        ),
        stop=action(
            w, QCoreApplication.translate("Menus", "&Stop"), c.stop, QKeySequence(Qt.Key.Key_Escape)
        ),
        retry=action(
            w, QCoreApplication.translate("Menus", "&Retry"), c.retry, QKeySequence("Ctrl+R")
        ),
        older=action(
            w,
            QCoreApplication.translate("Menus", "&Previous version"),
            lambda: c.browse(-1),
            QKeySequence("Alt+Left"),
        ),
        newer=action(
            w,
            QCoreApplication.translate("Menus", "&Next version"),
            lambda: c.browse(1),
            QKeySequence("Alt+Right"),
        ),
        rewrite=action(
            w,
            QCoreApplication.translate("Menus", "Re&write selection"),
            c.rewrite_selection,
            QKeySequence("Ctrl+Shift+R"),
        ),
        auto_suggest=QAction(QCoreApplication.translate("Menus", "Suggestions as you &type"), w),
        preferences=preferences,
        models=action(
            w,
            QCoreApplication.translate("Menus", "&Manage Models…"),
            w.show_models,
            QKeySequence("Ctrl+Shift+M"),
        ),
        train_voice=action(
            w, QCoreApplication.translate("Menus", "&Train on My Writing…"), w.voice.show_training
        ),
        about=action(w, QCoreApplication.translate("Menus", "&About Inkling"), w.show_about),
        story=story,
        recent_menu=recent,
    )
    actions.stop.setEnabled(False)
    gen_menu = w.menuBar().addMenu(QCoreApplication.translate("Menus", "&Generate"))
    gen_menu.addActions(
        [
            actions.continue_,
            actions.stop,
            actions.retry,
            actions.older,
            actions.newer,
            actions.rewrite,
        ]
    )
    return actions


def _suggest_menu(w: MainWindow, actions: Actions) -> None:
    suggest_menu = w.menuBar().addMenu(QCoreApplication.translate("Menus", "&Suggest"))
    auto = actions.auto_suggest
    auto.setCheckable(True)
    auto.setChecked(True)
    auto.toggled.connect(w.set_auto_suggest)
    suggest_menu.addAction(auto)
    suggest_menu.addSeparator()
    editor = w.editor
    for label, name, slot in (
        (QCoreApplication.translate("Menus", "Suggest &now"), "request", w.suggestions.request_now),
        (QCoreApplication.translate("Menus", "&Accept suggestion"), "accept", editor.accept_ghost),
        (
            QCoreApplication.translate("Menus", "Accept next &word"),
            "accept_word",
            editor.accept_next_word,
        ),
        (
            QCoreApplication.translate("Menus", "&Next alternative"),
            "next",
            lambda: editor.alternative_requested.emit(1),
        ),
        (
            QCoreApplication.translate("Menus", "&Previous alternative"),
            "previous",
            lambda: editor.alternative_requested.emit(-1),
        ),
    ):
        act = action(w, label, slot)
        actions.suggest[name] = (act, label)
        suggest_menu.addAction(act)


def fill_recent_menu(w: MainWindow, menu: QMenu, paths: list[str]) -> None:
    """List the recent files in `menu` (disabled when there are none)."""
    menu.clear()
    for path in paths:
        menu.addAction(action(w, Path(path).name, lambda _c=False, p=path: w.documents.open(p)))
    menu.setEnabled(bool(paths))
