"""Help → Keyboard Shortcuts: every menu entry that has a key, read from the menus
themselves (so the list can never disagree with them), grouped by menu."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMenu,
    QMenuBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.common.screens import fitted_size


def _plain(text: str) -> str:
    """A menu text without its accelerator mark ("&Find…" -> "Find…")."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _keyed(menu: QMenu) -> list[tuple[str, str]]:
    """(entry, keys) for every entry of `menu` and its submenus that has a key."""
    out: list[tuple[str, str]] = []
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu):
            out += _keyed(sub)
            continue
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        keys = [k for k in keys if k]
        text, _tab, shown = action.text().partition("\t")
        if not keys and shown:
            keys = [shown]  # a key the editor owns, shown in the entry's text
        if keys and not action.isSeparator():
            out.append((_plain(text), ", ".join(keys)))
    return out


class ShortcutsDialog(QDialog):
    """The window's keys, menu by menu."""

    def __init__(self, menu_bar: QMenuBar, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard Shortcuts"))
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("What"), self.tr("Keys")])
        self.tree.setRootIsDecorated(False)
        for action in menu_bar.actions():
            menu = action.menu()
            if not isinstance(menu, QMenu):
                continue
            rows = _keyed(menu)
            if not rows:
                continue
            heading = QTreeWidgetItem([_plain(action.text()), ""])
            font = heading.font(0)
            font.setBold(True)
            heading.setFont(0, font)
            self.tree.addTopLevelItem(heading)
            for text, keys in rows:
                self.tree.addTopLevelItem(QTreeWidgetItem(["    " + text, keys]))
        self.tree.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        self.resize(fitted_size(self, 620, 720))

    def entries(self) -> list[tuple[str, str]]:
        """(entry, keys) as listed, headings left out."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and item.text(1):
                out.append((item.text(0).strip(), item.text(1)))
        return out
