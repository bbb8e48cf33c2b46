"""How a table of menus becomes the window's menu bar, toolbar and shortcuts.

An entry names its text (a source string of the "Menus" translation context, translated
when the menu is built), what it calls, its shortcut and when it is enabled; every entry is
built by the same loop. The table itself is gui/window/menu_table.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum, auto
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QWidget

# A shortcut: a key sequence as text, a platform's standard key, or several.
Keys = str | QKeySequence.StandardKey | tuple[str, ...] | None


class When(Enum):
    """When an entry is enabled."""

    ALWAYS = auto()
    PROJECT = auto()  # a story project is open
    BINDER_UNDO = auto()  # a story project is open and its binder can undo a change
    RUNNING = auto()  # a continuation is being written
    IDLE = auto()  # no continuation is being written


@dataclass(frozen=True)
class Item:
    """One entry: its text (a "Menus" source string), what it calls and its shortcut."""

    text: str
    slot: Callable[..., object]
    keys: Keys = None
    name: str = ""  # kept in Actions.named under this name
    when: When = When.ALWAYS
    tip: str = ""  # a "Menus" source string for the status bar
    hotkey: str = ""  # the editor's hotkey the entry shows (its key comes from Preferences)
    toggle: bool = False  # checkable and on at first; `slot` gets each new state


@dataclass(frozen=True)
class DockToggle:
    """A dock's View entry, checked while the dock is open, and its shortcut: the key brings
    the dock forward with the keyboard in it, and pressed again there, returns to the text
    (see `present_dock`). `text` (a "Menus" source string) replaces the dock's title."""

    dock: QDockWidget
    keys: str
    text: str = ""


@dataclass(frozen=True)
class Toolbar:
    """A toolbar: its title (a "Menus" source string), its name, the actions it shows."""

    text: str
    object_name: str
    actions: tuple[str, ...]  # names of entries in the menus


@dataclass(frozen=True)
class Menu:
    """A menu or a submenu and its entries; None is a separator."""

    text: str
    entries: tuple[Item | DockToggle | Menu | None, ...]
    name: str = ""  # kept in Actions.menus under this name


@dataclass
class Actions:
    """The actions other parts of the window enable, check or relabel."""

    named: dict[str, QAction] = field(default_factory=dict)
    menus: dict[str, QMenu] = field(default_factory=dict)
    # hotkey name -> (action, label): the editor owns these keys, the menu shows them
    suggest: dict[str, tuple[QAction, str]] = field(default_factory=dict)
    when: dict[When, list[QAction]] = field(default_factory=dict)
    # Book actions that need a story project: off while a plain text is open
    book_structure: list[QAction] = field(default_factory=list)
    # dock object name -> the action of its shortcut (the View entry is its toggleViewAction)
    docks: dict[str, QAction] = field(default_factory=dict)

    @property
    def continue_(self) -> QAction:
        """Generate → Continue writing."""
        return self.named["continue"]

    @property
    def auto_suggest(self) -> QAction:
        """Suggest → Suggestions as you type."""
        return self.named["auto_suggest"]

    @property
    def about(self) -> QAction:
        """Help → About Inkling."""
        return self.named["about"]

    @property
    def recent_menu(self) -> QMenu:
        """File → Open Recent."""
        return self.menus["recent"]

    def keep(self, item: Item, act: QAction) -> None:
        """Remember `act`, built from `item`, by its name, hotkey and when it is enabled."""
        if item.name:
            self.named[item.name] = act
        if item.hotkey:
            self.suggest[item.hotkey] = (act, act.text())
        self.when.setdefault(item.when, []).append(act)
        if item.when in (When.PROJECT, When.BINDER_UNDO):
            self.book_structure.append(act)

    def _enable(self, when: When, enabled: bool) -> None:
        for act in self.when.get(when, []):
            act.setEnabled(enabled)

    def show_project(self, is_open: bool, can_undo: bool) -> None:
        """Enable the structural book actions when a story project is open."""
        self._enable(When.PROJECT, is_open)
        self._enable(When.BINDER_UNDO, is_open and can_undo)

    def show_running(self, running: bool) -> None:
        """Stop while a continuation is being written, Continue writing otherwise."""
        self._enable(When.RUNNING, running)
        self._enable(When.IDLE, not running)


MAX_FOCUS_CHAIN = 10_000  # a guard: the focus chain is a ring, but never trust a ring


def _t(text: str) -> str:
    return QCoreApplication.translate("Menus", text)


def _set_keys(act: QAction, keys: Keys) -> None:
    if isinstance(keys, tuple):
        act.setShortcuts([QKeySequence(k) for k in keys])
    elif isinstance(keys, str):
        act.setShortcut(QKeySequence(keys))
    elif keys is not None:
        act.setShortcut(keys)


def action(parent: QMainWindow, item: Item) -> QAction:
    """The QAction of `item`: translated, with its shortcuts, calling its slot."""
    act = QAction(_t(item.text), parent)
    _set_keys(act, item.keys)
    if item.toggle:
        act.setCheckable(True)
        act.setChecked(True)
        act.toggled.connect(item.slot)
    else:
        act.triggered.connect(item.slot)
    if item.tip:
        act.setStatusTip(_t(item.tip))
    return act


def build_menus(window: QMainWindow, menus: Sequence[Menu], toolbar: Toolbar) -> Actions:
    """Build the menu bar and the toolbar of `window`; returns the actions it keeps."""
    actions = Actions()
    for menu in menus:
        top = window.menuBar().addMenu(_t(menu.text))
        if menu.name:
            actions.menus[menu.name] = top
        _fill(window, top, menu.entries, actions)
    actions.show_running(False)
    bar = window.addToolBar(_t(toolbar.text))
    bar.setObjectName(toolbar.object_name)
    bar.addActions([actions.named[name] for name in toolbar.actions])
    _keep_shortcuts(window)
    return actions


def _fill(
    window: QMainWindow,
    menu: QMenu,
    entries: tuple[Item | DockToggle | Menu | None, ...],
    actions: Actions,
) -> None:
    """Add `entries` to `menu`, keeping what `actions` needs."""
    for entry in entries:
        if entry is None:
            menu.addSeparator()
        elif isinstance(entry, Menu):
            sub = menu.addMenu(_t(entry.text))
            if entry.name:
                actions.menus[entry.name] = sub
            _fill(window, sub, entry.entries, actions)
        elif isinstance(entry, DockToggle):
            menu.addAction(_dock_entry(window, entry, actions))
        else:
            act = action(window, entry)
            menu.addAction(act)
            actions.keep(entry, act)


def _dock_entry(window: QMainWindow, entry: DockToggle, actions: Actions) -> QAction:
    """The dock's View entry (showing or hiding it) and, kept on the window, its shortcut."""
    dock = entry.dock
    toggle = dock.toggleViewAction()
    label = _t(entry.text) if entry.text else dock.windowTitle()
    keys = QKeySequence(entry.keys)
    # The key belongs to `present`; the entry only shows it, as the suggestion entries do.
    toggle.setText(f"{label}\t{keys.toString(QKeySequence.SequenceFormat.NativeText)}")
    toggle.triggered.connect(lambda shown: _shown_from_menu(dock, window, shown))
    present = QAction(label, window)
    present.setObjectName(f"present-{dock.objectName()}")
    present.setShortcut(keys)
    present.triggered.connect(lambda: present_dock(dock, window.centralWidget()))
    window.addAction(present)
    actions.docks[dock.objectName()] = present
    return toggle


def _shown_from_menu(dock: QDockWidget, window: QMainWindow, shown: bool) -> None:
    """A dock opened from the View menu comes forward with the keyboard in it."""
    if shown:
        present_dock(dock, window.centralWidget())


def present_dock(dock: QDockWidget, home: QWidget | None) -> None:
    """A dock's shortcut: show the dock (in front of the docks tabbed with it) with the
    keyboard in it; pressed while the keyboard is already in it, go back to `home` (the
    text), leaving the dock open."""
    window = dock.window()
    focused = window.focusWidget() if window is not None else None
    if home is not None and dock.isVisible() and focused is not None and dock.isAncestorOf(focused):
        home.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return
    if dock.isHidden():
        dock.show()
    dock.raise_()
    target = _first_focusable(dock)
    if target is not None:
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)


def _first_focusable(dock: QDockWidget) -> QWidget | None:
    """Where the keyboard goes in `dock`: the field it had last, else its first field."""
    inner = dock.widget()
    if inner is None:
        return None
    last = inner.focusWidget()
    if last is not None and inner.isAncestorOf(last) and _takes_focus(last, dock):
        return last
    widget = inner.nextInFocusChain()
    for _ in range(MAX_FOCUS_CHAIN):
        if widget is None or widget is inner:
            break
        if inner.isAncestorOf(widget) and _takes_focus(widget, dock):
            return widget
        widget = widget.nextInFocusChain()
    return None


def _takes_focus(widget: QWidget, dock: QDockWidget) -> bool:
    return (
        widget.isEnabled()
        and widget.isVisibleTo(dock)
        and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
    )


def _keep_shortcuts(window: QMainWindow) -> None:
    """Shortcuts keep working while focus mode hides the menu bar."""
    for top in window.menuBar().actions():
        sub = top.menu()
        if isinstance(sub, QMenu):
            window.addActions([a for a in sub.actions() if not a.isSeparator()])


def fill_recent_menu(menu: QMenu, paths: list[str], open_path: Callable[[str], object]) -> None:
    """List the recent files in `menu` (disabled when there are none)."""
    menu.clear()
    for path in paths:
        act = QAction(Path(path).name, menu)
        act.triggered.connect(lambda _c=False, p=path: open_path(p))
        menu.addAction(act)
    menu.setEnabled(bool(paths))
