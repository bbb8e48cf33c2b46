"""The parts of a bible entry's form: which fields take one line, their names for
translation, the icons of the kinds, and fields that grow with their text."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QCheckBox, QLineEdit, QPlainTextEdit, QToolButton, QWidget

from gui.common.i18n import QT_TRANSLATE_NOOP

# One line each; the rest (an occupation can be a phrase) wrap in a field that grows.
SHORT_FIELDS = {"Name", "Age", "Gender/pronouns", "Kind"}
# Field names as the writer reads them (the entries keep the English keys).
FIELD_LABELS = (
    QT_TRANSLATE_NOOP("BiblePanel", "Name"),
    QT_TRANSLATE_NOOP("BiblePanel", "Age"),
    QT_TRANSLATE_NOOP("BiblePanel", "Gender/pronouns"),
    QT_TRANSLATE_NOOP("BiblePanel", "Occupation"),
    QT_TRANSLATE_NOOP("BiblePanel", "Appearance"),
    QT_TRANSLATE_NOOP("BiblePanel", "Personality"),
    QT_TRANSLATE_NOOP("BiblePanel", "Backstory"),
    QT_TRANSLATE_NOOP("BiblePanel", "Goal"),
    QT_TRANSLATE_NOOP("BiblePanel", "Flaw"),
    QT_TRANSLATE_NOOP("BiblePanel", "Voice"),
    QT_TRANSLATE_NOOP("BiblePanel", "Relationships"),
    QT_TRANSLATE_NOOP("BiblePanel", "Kind"),
    QT_TRANSLATE_NOOP("BiblePanel", "Description"),
    QT_TRANSLATE_NOOP("BiblePanel", "Secrets"),
    QT_TRANSLATE_NOOP("BiblePanel", "Connections"),
)
# Drawn icons, not emoji: an emoji needs a colour font many desktops lack (a box shows).
ICONS = {"character": "character.svg", "background": "place.svg"}


@dataclass
class Form:
    """The fields of one kind of entry: built once, refilled for each entry shown."""

    widget: QWidget
    editors: dict[str, QLineEdit | QPlainTextEdit]
    locks: dict[str, QCheckBox]
    regens: dict[str, QToolButton]


def fit_height(editor: QPlainTextEdit) -> None:
    """As tall as the field's text (two lines at least, twelve at most)."""
    lines = max(2, min(12, editor.document().documentLayout().documentSize().height()))
    spacing = editor.fontMetrics().lineSpacing()
    editor.setFixedHeight(int(lines * spacing) + 2 * editor.frameWidth() + 8)
