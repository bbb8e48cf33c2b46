"""Story → Details: the story's language, with British and American English apart."""

from __future__ import annotations

from pathlib import Path

from backend.story.project import Story
from gui.story.details import StoryDialog


def test_the_language_offers_british_and_american_english(qtbot, tmp_path: Path) -> None:
    story = Story(folder=tmp_path / "s.inkling", language="en")
    dialog = StoryDialog(story)
    qtbot.addWidget(dialog)
    codes = [dialog.language.itemData(i) for i in range(dialog.language.count())]
    assert codes[:4] == ["", "en-GB", "en-US", "en"]
    assert {"fr", "de", "es", "zh"} <= set(codes)
    assert dialog.language.currentData() == "en"
    assert not dialog.apply()
    dialog.language.setCurrentIndex(codes.index("en-GB"))
    assert dialog.apply() and story.language == "en-GB"
    again = StoryDialog(story)
    qtbot.addWidget(again)
    assert again.language.currentData() == "en-GB"


def test_a_code_the_list_lacks_is_kept(qtbot, tmp_path: Path) -> None:
    story = Story(folder=tmp_path / "s.inkling", language="en-AU")
    dialog = StoryDialog(story)
    qtbot.addWidget(dialog)
    assert dialog.language.currentData() == "en-AU"
    assert not dialog.apply() and story.language == "en-AU"
