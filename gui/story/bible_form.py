"""The parts of the bible panel: an entry's form (which fields take one line, their names
for translation, fields that grow with their text), the icons of the kinds, the row that
shows what is being written, an entry's bytes for export, the changes to entries that undo
in one step, and a new name carried through an entry's text."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from typing import Any, Literal

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QIcon, QUndoCommand
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QWidget,
)

from backend.storage.paths import RESOURCES
from backend.story.bible import bible_markdown, fields_for
from backend.story.cards import kept_card, sheet_to_card, write_card_png
from backend.text.counts import CJK_CHAR
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
# How a generation ended for the entry it wrote (BiblePanel.finish_generation).
Outcome = Literal["done", "unnamed", "nothing", "alternatives"]
# Drawn icons, not emoji: an emoji needs a colour font many desktops lack (a box shows).
ICONS = {"character": "character.svg", "background": "place.svg"}


@cache
def kind_icon(kind: str) -> QIcon:
    """The drawn icon of a 'character' or 'background' entry."""
    return QIcon(str(RESOURCES / "icons" / ICONS[kind]))


@dataclass
class Form:
    """The fields of one kind of entry: built once, refilled for each entry shown."""

    widget: QWidget
    editors: dict[str, QLineEdit | QPlainTextEdit]
    locks: dict[str, QCheckBox]
    regens: dict[str, QToolButton]


@dataclass(frozen=True)
class FormHooks:
    """What the form's widgets call: a field edited, the Name left, a lock, a ↻."""

    edited: Callable[[str], None]
    name_finished: Callable[[], None]
    locked: Callable[[str, bool, QToolButton], None]
    regenerate: Callable[[str], None]


def _tr(field: str) -> str:
    """A field's name as the writer reads it (marked in FIELD_LABELS)."""
    return QCoreApplication.translate("BiblePanel", field)


def build_form(kind: str, hooks: FormHooks) -> Form:
    """The fields of one kind of entry, each with its lock and its ↻."""
    form = Form(QWidget(), {}, {}, {})
    grid = QGridLayout(form.widget)
    for row, field in enumerate(fields_for(kind)):
        grid.addWidget(QLabel(_tr(field)), row, 0, Qt.AlignmentFlag.AlignTop)
        if field in SHORT_FIELDS:
            line = QLineEdit()
            line.textEdited.connect(lambda _t, f=field: hooks.edited(f))
            if field == "Name":
                line.editingFinished.connect(hooks.name_finished)
            editor: QLineEdit | QPlainTextEdit = line
        else:
            editor = QPlainTextEdit()
            editor.setFixedHeight(58)
            editor.textChanged.connect(lambda f=field: hooks.edited(f))
            # The field grows with its text (the sheet scrolls, not each field).
            editor.document().documentLayout().documentSizeChanged.connect(
                lambda _size, e=editor: fit_height(e)
            )
        lock = QCheckBox(QCoreApplication.translate("BiblePanel", "lock"))
        lock.setToolTip(
            QCoreApplication.translate(
                "BiblePanel", "Generating leaves this field as it is, even when empty"
            )
        )
        regen = QToolButton()
        lock.toggled.connect(lambda on, f=field, r=regen: hooks.locked(f, on, r))
        regen.setText("↻")
        regen.setToolTip(
            QCoreApplication.translate("BiblePanel", "Regenerate {0} only").format(_tr(field))
        )
        regen.clicked.connect(lambda _c=False, f=field: hooks.regenerate(f))
        grid.addWidget(editor, row, 1)
        grid.addWidget(lock, row, 2, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(regen, row, 3, Qt.AlignmentFlag.AlignTop)
        form.editors[field], form.locks[field], form.regens[field] = editor, lock, regen
    return form


def progress_row() -> tuple[QWidget, QLabel, QPushButton]:
    """The row shown while an entry is written: which field, and a Stop button."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    label = QLabel("")
    label.setWordWrap(True)
    stop = QPushButton(QCoreApplication.translate("BiblePanel", "Stop"))
    stop.setToolTip(
        QCoreApplication.translate(
            "BiblePanel", "Stop writing this entry (Esc); what is written stays"
        )
    )
    layout.addWidget(label, 1)
    layout.addWidget(stop)
    row.setVisible(False)
    # Hidden, it keeps its room: the buttons below must not jump when writing ends,
    # or a click meant for Stop lands on the button that moved under the pointer.
    policy = row.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    row.setSizePolicy(policy)
    return row, label, stop


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


# Shows an entry again after an undo or redo changed it (None: the list's first entry).
ShowFn = Callable[[dict[str, Any] | None], None]


class DeleteEntry(QUndoCommand):
    """Deleting an entry, undoable."""

    def __init__(self, text: str, entries: list[dict[str, Any]], index: int, show: ShowFn) -> None:
        super().__init__(text)
        self.entries, self.index, self.show = entries, index, show
        self.entry = entries[index]

    def redo(self) -> None:
        """Take the entry out of its list."""
        self.entries.pop(self.index)
        self.show(None)

    def undo(self) -> None:
        """Put it back where it was."""
        self.entries.insert(self.index, self.entry)
        self.show(self.entry)


class AddEntry(QUndoCommand):
    """An entry added to its list (a draft kept), undoable."""

    def __init__(
        self, text: str, entries: list[dict[str, Any]], entry: dict[str, Any], show: ShowFn
    ) -> None:
        super().__init__(text)
        self.entries, self.entry, self.show = entries, entry, show
        self.index = next(i for i, e in enumerate(entries) if e is entry)

    def redo(self) -> None:
        """The entry in its list (already there when first pushed)."""
        if not any(e is self.entry for e in self.entries):
            self.entries.insert(min(self.index, len(self.entries)), self.entry)
        self.show(self.entry)

    def undo(self) -> None:
        """Take the entry out of its list again."""
        self.index = next(i for i, e in enumerate(self.entries) if e is self.entry)
        self.entries.pop(self.index)
        self.show(None)


class ChangeEntry(QUndoCommand):
    """Fields of one entry changed together (generated, chosen, renamed): one undo step."""

    def __init__(
        self,
        text: str,
        entry: dict[str, Any],
        before: dict[str, str],
        after: dict[str, str],
        show: ShowFn,
    ) -> None:
        super().__init__(text)
        self.entry, self.before, self.after, self.show = entry, before, after, show

    def redo(self) -> None:
        """The fields as the change left them (already so when first pushed)."""
        self.entry.update(self.after)
        self.show(self.entry)

    def undo(self) -> None:
        """The fields as they were before the change."""
        self.entry.update(self.before)
        self.show(self.entry)


def renamed_fields(entry: dict[str, Any], old: str, new: str) -> dict[str, str]:
    """The entry's other fields that name it, with the `old` name made `new`."""
    out = {}
    for field, value in entry.items():
        if field != "Name" and not field.startswith("_") and isinstance(value, str):
            text = replace_name(value, old, new)
            if text != value:
                out[field] = text
    return out


def changed_fields(before: dict[str, str], entry: dict[str, Any]) -> dict[str, str]:
    """The fields of `entry` whose text is no longer what `before` held."""
    return {f: str(entry.get(f, "")) for f, v in before.items() if str(entry.get(f, "")) != v}


def _name_pattern(name: str) -> re.Pattern[str]:
    """`name` as a whole word, in any case. Chinese and Japanese are written without spaces,
    so a name in those scripts is found wherever it stands."""
    start = "" if CJK_CHAR.match(name[0]) else r"(?<!\w)"
    end = "" if CJK_CHAR.match(name[-1]) else r"(?!\w)"
    return re.compile(start + re.escape(name) + end, re.IGNORECASE)


def _in_case_of(match: re.Match[str], old: str, new: str) -> str:
    """`new` in the case the `old` name was found written in (SOPHIE -> MABEL FINCH)."""
    found = match[0]
    if found.isupper() and not old.isupper():
        return new.upper()
    if found.islower() and not old.islower():
        return new.lower()
    return new


def replace_name(text: str, old: str, new: str) -> str:
    """`text` with every whole-word `old` name made `new`, each in the case it was written
    in; and when both are two names or more, the old first name alone becomes the new one."""
    old, new = old.strip(), new.strip()
    if not old or not new or old == new:
        return text
    pairs = [(old, new)]
    old_words, new_words = old.split(), new.split()
    if len(old_words) > 1 and len(new_words) > 1 and old_words[0] != new_words[0]:
        pairs.append((old_words[0], new_words[0]))
    for before, after in pairs:
        pattern = _name_pattern(before)
        if pattern.search(after):
            continue  # a name made longer ('Sophie' -> 'Sophie Hart'): the short one still fits
        text = pattern.sub(partial(_in_case_of, old=before, new=after), text)
    return text
