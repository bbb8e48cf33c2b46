"""The parts of a bible entry's form: which fields take one line, their names for
translation, the icons of the kinds, fields that grow with their text, and an entry's
bytes for export."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QCheckBox, QLineEdit, QPlainTextEdit, QToolButton, QWidget

from backend.story.bible import bible_markdown
from backend.story.cards import kept_card, sheet_to_card, write_card_png
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


def _sheet(entry: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in entry.items() if not k.startswith("_")}


def export_bytes(fmt: str, entry: dict[str, Any], entries: list[dict[str, Any]]) -> bytes:
    """An entry as a card ("png", "json") or Markdown ("md"), or every entry ("bible")."""
    # The kept card came with a story file that may have travelled: read with bounds.
    base = kept_card(entry.get("_card"))
    if fmt == "png":
        return write_card_png(sheet_to_card(_sheet(entry), base))
    if fmt == "json":
        card = sheet_to_card(_sheet(entry), base)
        return json.dumps(card, ensure_ascii=False, indent=2).encode()
    if fmt == "md":
        return bible_markdown([_sheet(entry)], str(entry.get("Name") or "Entry")).encode()
    return bible_markdown([_sheet(e) for e in entries]).encode()
