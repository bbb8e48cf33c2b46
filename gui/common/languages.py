"""The languages a story can be written in, as the window offers them: each spelling
dictionary (UK and US English apart) and Chinese."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox

from backend.text.spelling import LANGUAGES
from gui.common.i18n import QT_TRANSLATE_NOOP

# The spelling languages' names (backend/text/spelling.py), for translation.
LANGUAGE_NAMES = (
    QT_TRANSLATE_NOOP("StoryDialog", "English (UK)"),
    QT_TRANSLATE_NOOP("StoryDialog", "English (US)"),
    QT_TRANSLATE_NOOP("StoryDialog", "Arabic"),
    QT_TRANSLATE_NOOP("StoryDialog", "Basque"),
    QT_TRANSLATE_NOOP("StoryDialog", "Dutch"),
    QT_TRANSLATE_NOOP("StoryDialog", "French"),
    QT_TRANSLATE_NOOP("StoryDialog", "German"),
    QT_TRANSLATE_NOOP("StoryDialog", "Italian"),
    QT_TRANSLATE_NOOP("StoryDialog", "Latvian"),
    QT_TRANSLATE_NOOP("StoryDialog", "Persian"),
    QT_TRANSLATE_NOOP("StoryDialog", "Portuguese"),
    QT_TRANSLATE_NOOP("StoryDialog", "Russian"),
    QT_TRANSLATE_NOOP("StoryDialog", "Spanish"),
)


def language_box(current: str = "") -> QComboBox:
    """The languages a story can be written in (each spelling dictionary, UK and US
    English apart, and Chinese), with `current` chosen; a code the list does not name
    ("en-AU") is kept as it is."""

    translate = QCoreApplication.translate
    box = QComboBox()
    box.addItem(translate("StoryDialog", "Automatic (from the text)"), "")
    for code, name in LANGUAGES.items():
        box.addItem(translate("StoryDialog", name), code)
        if code == "en-US":
            box.addItem(translate("StoryDialog", "English (UK or US by the system's region)"), "en")
    box.addItem(translate("StoryDialog", "Chinese (not spell checked)"), "zh")
    found = box.findData(current)
    if found < 0 and current:
        box.addItem(current, current)
        found = box.count() - 1
    box.setCurrentIndex(max(0, found))
    return box
