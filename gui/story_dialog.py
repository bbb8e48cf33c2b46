"""Story → Details: the title, premise and notes kept in a story project."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from backend.storage.documents import Story


class StoryDialog(QDialog):
    """Edits a story's title, premise and notes; the caller saves them with the story."""

    def __init__(self, story: Story, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Story details")
        self.story = story
        form = QFormLayout(self)
        self.title = QLineEdit(story.title)
        self.premise = QPlainTextEdit(story.premise)
        self.premise.setMaximumHeight(90)
        self.notes = QPlainTextEdit(story.notes)
        form.addRow("Title", self.title)
        form.addRow("Premise", self.premise)
        form.addRow("Notes", self.notes)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(520, 420)

    def apply(self) -> bool:
        """Copy the fields into the story; True if anything changed."""
        new = (self.title.text().strip(), self.premise.toPlainText(), self.notes.toPlainText())
        old = (self.story.title, self.story.premise, self.story.notes)
        self.story.title, self.story.premise, self.story.notes = new
        return new != old
