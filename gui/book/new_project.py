"""Starting a book: File → New Project (title, author, language and where the project
folder goes) and the title and author an import asks for, so a title page is right later.

The dialogs only gather the details; `DocumentController.new_project` (gui/book/files.py)
makes the project and opens it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from backend.story.project import STORY_SUFFIX
from gui.common.languages import language_box

MAX_NAME_CHARS = 120  # of a project folder's name, before .inkling
# Characters no folder name may hold on some system the project may travel to.
_UNSAFE = re.compile(r'[\x00-\x1f<>:"/\\|?*\x7f]')


def folder_name(title: str) -> str:
    """The project folder's name for a title (its own name if none is usable)."""
    name = _UNSAFE.sub(" ", title)
    name = " ".join(name.split()).strip(" .")[:MAX_NAME_CHARS].strip(" .")
    return name + STORY_SUFFIX if name else ""


@dataclass(frozen=True)
class NewProject:
    """What File → New Project asks: the book's title and author, its language ('' for
    automatic, 'en', 'zh') and the folder the project folder is made in."""

    title: str
    author: str = ""
    language: str = ""
    where: Path = Path()

    @property
    def folder(self) -> Path:
        """`<where>/<title>.inkling`."""
        return self.where / (folder_name(self.title) or "Untitled" + STORY_SUFFIX)


class BookDetailsDialog(QDialog):
    """The book's title and author (an import asks for them before writing the project)."""

    def __init__(self, title: str, author: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Title and author"))
        self.title = QLineEdit(title)
        self.author = QLineEdit(author)
        form = QFormLayout()
        form.addRow(self.tr("&Title:"), self.title)
        form.addRow(self.tr("&Author:"), self.author)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("The title page of an exported book shows these.")))
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def details(self) -> tuple[str, str]:
        """(title, author) as typed, trimmed."""
        return self.title.text().strip(), self.author.text().strip()


class NewProjectDialog(QDialog):
    """File → New Project: the book's details and the folder its project goes in."""

    def __init__(self, parent: QWidget | None = None, where: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New Project"))
        self.title = QLineEdit()
        self.title.setPlaceholderText(self.tr("The book's title"))
        self.author = QLineEdit()
        self.language = language_box()
        self.language.setToolTip(
            self.tr(
                "Its spelling dictionary (UK or US English…), and the language the model writes in"
            )
        )
        self.where = QLineEdit(where)
        self.browse = QPushButton(self.tr("&Browse…"))
        self.browse.clicked.connect(self.choose_where)
        place = QHBoxLayout()
        place.addWidget(self.where, 1)
        place.addWidget(self.browse)
        self.target = QLabel()
        self.target.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("&Title:"), self.title)
        form.addRow(self.tr("&Author:"), self.author)
        form.addRow(self.tr("&Language:"), self.language)
        where_label = QLabel(self.tr("&Where:"))
        where_label.setBuddy(self.where)  # a row holding a layout has no buddy of its own
        form.addRow(where_label, place)
        form.addRow("", self.target)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("C&reate"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        # Room for a folder path and the project's whole name.
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)
        self.title.textChanged.connect(self._update)
        self.where.textChanged.connect(self._update)
        self._update()

    def choose_where(self) -> None:
        """Browse… for the folder the project goes in."""
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Where the project goes"), self.where.text()
        )
        if folder:
            self.where.setText(folder)

    def details(self) -> NewProject:
        """What the writer chose."""
        return NewProject(
            title=self.title.text().strip(),
            author=self.author.text().strip(),
            language=str(self.language.currentData() or ""),
            where=Path(self.where.text().strip()),
        )

    def _update(self) -> None:
        details = self.details()
        where = self.where.text().strip()
        usable = bool(folder_name(details.title)) and bool(where) and Path(where).is_dir()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(usable)
        if not folder_name(details.title):
            self.target.setText(self.tr("Give the book a title."))
        elif not where or not Path(where).is_dir():
            self.target.setText(self.tr("Choose an existing folder for the project."))
        else:
            self.target.setText(self.tr("The project will be {0}").format(details.folder))
