"""Story → Details: the title, premise, notes and language kept in a story project."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from backend.story.project import Story
from gui.common.languages import language_box


class StoryDialog(QDialog):
    """Edits a story's title, premise and notes; the caller saves them with the story."""

    def __init__(self, story: Story, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Story details"))
        self.story = story
        form = QFormLayout(self)
        self.title = QLineEdit(story.title)
        self.premise = QPlainTextEdit(story.premise)
        self.premise.setMaximumHeight(90)
        self.notes = QPlainTextEdit(story.notes)
        self.author = QLineEdit(story.author)
        self.language = language_box(story.language)
        self.language.setToolTip(
            self.tr(
                "The language the story is written in: its spelling dictionary, and the "
                "language the model writes in."
            )
        )
        form.addRow(self.tr("Title"), self.title)
        form.addRow(self.tr("Author"), self.author)
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.tr("Premise"), self.premise)
        form.addRow(self.tr("Notes"), self.notes)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(520, 420)

    def apply(self) -> bool:
        """Copy the fields into the story; True if anything changed."""
        new = (
            self.title.text().strip(),
            self.premise.toPlainText(),
            self.notes.toPlainText(),
            self.author.text().strip(),
            str(self.language.currentData()),
        )
        story = self.story
        old = (story.title, story.premise, story.notes, story.author, story.language)
        story.title, story.premise, story.notes, story.author, story.language = new
        return new != old
