"""What the window shows when nothing is open: start a new project, open one, import a
manuscript, or pick up a recent file. The view only asks; the window connects its signals
to the document's commands."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

PATH_ROLE = Qt.ItemDataRole.UserRole


class WelcomeView(QWidget):
    """Buttons for New Project, Open and Import Manuscript, and the recent files."""

    new_project_requested = Signal()
    open_requested = Signal()
    import_requested = Signal()
    recent_chosen = Signal(str)  # the path of a recent file or story folder

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = QLabel(self.tr("Start writing"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        heading.setFont(font)
        self.new_button = QPushButton(self.tr("New Project…"))
        self.open_button = QPushButton(self.tr("Open…"))
        self.import_button = QPushButton(self.tr("Import Manuscript…"))
        self.new_button.clicked.connect(self.new_project_requested)
        self.open_button.clicked.connect(self.open_requested)
        self.import_button.clicked.connect(self.import_requested)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.open_button, self.import_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.recent_label = QLabel(self.tr("Recent"))
        self.recent = QListWidget()
        self.recent.itemActivated.connect(self._on_recent_activated)
        self.empty_label = QLabel(self.tr("Nothing opened yet."))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 36, 48, 36)
        layout.addWidget(heading)
        layout.addLayout(buttons)
        layout.addSpacing(16)
        layout.addWidget(self.recent_label)
        layout.addWidget(self.recent, 1)
        layout.addWidget(self.empty_label)
        self.set_recent([])

    def set_recent(self, paths: list[str]) -> None:
        """Show these recent files, newest first (each by its name, with its folder)."""
        self.recent.clear()
        for path in paths:
            place = Path(path)
            item = QListWidgetItem(f"{place.name} — {place.parent}")
            item.setData(PATH_ROLE, path)
            item.setToolTip(path)
            self.recent.addItem(item)
        self.recent.setVisible(bool(paths))
        self.empty_label.setVisible(not paths)

    def choose_recent(self, row: int) -> None:
        """Open the recent file in `row` (as a double click or Enter does)."""
        item = self.recent.item(row)
        if item is not None:
            self._on_recent_activated(item)

    def _on_recent_activated(self, item: QListWidgetItem) -> None:
        self.recent_chosen.emit(str(item.data(PATH_ROLE)))
