"""Goals say what the book counts: words, or a Chinese book's characters."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout

from backend.story.progress import Progress
from gui.book.goals import GoalsDialog


def test_a_chinese_books_goals_count_characters(qtbot) -> None:
    for characters, unit in ((False, "words"), (True, "characters")):
        dialog = GoalsDialog(Progress.start({"daily": 500}, {}, 0), None, characters=characters)
        qtbot.addWidget(dialog)
        form = dialog.findChild(QFormLayout)
        assert form is not None
        labels = [form.labelForField(box).text() for box in (dialog.daily, dialog.book)]
        assert labels == [f"Daily goal ({unit})", f"Book goal ({unit})"]
