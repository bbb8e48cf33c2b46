"""Drafts in the story bible: the cast drafted from an imported book
(backend/story/memory/drafts.py) listed after the writer's own entries of each kind, in grey
italics and tagged as drafts; the selected one shown read-only, with Keep (it becomes an
entry of the writer's own, one undo step) and Dismiss (hidden, and no longer told to the
model, for this story; one undo step)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QCoreApplication, Qt, SignalInstance
from PySide6.QtGui import QPalette, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from backend.story.bible import entry_kind, fields_for
from backend.story.memory.drafts import BookDrafts, DraftEntry, dismiss, dismissed
from gui.story.bible_form import AddEntry, ShowFn, kind_icon

if TYPE_CHECKING:
    from gui.story.memory import MemoryController

Row = dict[str, Any] | DraftEntry  # a row of the bible's list: the writer's entry, or a draft
LabelFn = Callable[[dict[str, Any]], str]


def _tr(field: str) -> str:
    """A field's name as the writer reads it (marked in bible_form.FIELD_LABELS)."""
    return QCoreApplication.translate("BiblePanel", field)


class Panel(Protocol):
    """What the drafts use of the story bible panel (gui/story/bible.py)."""

    characters: list[dict[str, Any]]
    background: list[dict[str, Any]]
    form_stack: QStackedWidget
    undo_stack: QUndoStack
    status: SignalInstance

    def add_entry(self, kind: str, values: dict[str, str] | None = None) -> dict[str, Any]:
        """Add an entry and select it."""
        ...

    def refresh(self, select: dict[str, Any] | None = None) -> None:
        """Rebuild the list."""
        ...

    def entries(self) -> list[dict[str, Any]]:
        """Every entry, characters first."""
        ...


class DraftView(QWidget):
    """A draft's fields, read-only, with Keep and Dismiss."""

    def __init__(self, keep: Callable[[], None], dismiss: Callable[[], None]) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.fields = QFormLayout()
        layout.addLayout(self.fields)
        row = QHBoxLayout()
        self.keep_button = QPushButton(QCoreApplication.translate("BiblePanel", "Keep"))
        self.keep_button.setToolTip(
            QCoreApplication.translate(
                "BiblePanel",
                "Make this draft an entry of your own, with these fields, to change as you "
                "like. Undo takes it back.",
            )
        )
        self.keep_button.clicked.connect(keep)
        self.dismiss_button = QPushButton(QCoreApplication.translate("BiblePanel", "Dismiss"))
        self.dismiss_button.setToolTip(
            QCoreApplication.translate(
                "BiblePanel",
                "Hide this draft and stop telling the model of it, for this story. Undo "
                "brings it back.",
            )
        )
        self.dismiss_button.clicked.connect(dismiss)
        row.addWidget(self.keep_button)
        row.addWidget(self.dismiss_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)

    def show_draft(self, draft: DraftEntry) -> None:
        """Show `draft`: where the book names it, and its drafted fields."""
        if draft.mentions:
            where = QCoreApplication.translate(
                "BiblePanel", "Drafted from the book: named {0} times, first in chapter {1}."
            ).format(draft.mentions, draft.first_chapter)
        else:
            where = QCoreApplication.translate(
                "BiblePanel", "Drafted from the book, first named in chapter {0}."
            ).format(draft.first_chapter)
        told = QCoreApplication.translate(
            "BiblePanel",
            "The model is told of it, marked as a draft, until you keep it or dismiss it.",
        )
        self.note.setText(f"{where}\n{told}")
        while self.fields.rowCount():
            self.fields.removeRow(0)
        entry = draft.bible_entry()
        for field in fields_for(entry_kind(entry)):
            if entry.get(field):
                value = QLabel(entry[field])
                value.setWordWrap(True)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.fields.addRow(_tr(field), value)


class DismissDraft(QUndoCommand):
    """A draft dismissed, undoable."""

    def __init__(
        self, text: str, draft: DraftEntry, apply: Callable[[DraftEntry, bool], None]
    ) -> None:
        super().__init__(text)
        self.draft, self.apply = draft, apply

    def redo(self) -> None:
        """Dismiss the draft."""
        self.apply(self.draft, True)

    def undo(self) -> None:
        """Bring the draft back."""
        self.apply(self.draft, False)


class DraftRows:
    """The drafts in the bible's list (each kind's after the writer's own entries of that
    kind), and the selected draft's read-only view in the panel's form stack."""

    def __init__(self, panel: Panel, show_changed: ShowFn) -> None:
        self.panel = panel
        self.show_changed = show_changed
        # Where the drafts come from, and what dismissing one (True) or bringing it back
        # (False) does: set by `install`. A panel on its own lists no drafts.
        self.source: Callable[[], BookDrafts | None] = lambda: None
        self.set_dismissed: Callable[[DraftEntry, bool], None] = lambda _draft, _on: None
        self.rows: list[Row] = []
        self.selected: DraftEntry | None = None
        self.view = DraftView(self.keep_selected, self.dismiss_selected)
        panel.form_stack.addWidget(self.view)

    def shown(self) -> list[DraftEntry]:
        """The drafts to list: none with the name of an entry the writer has."""
        drafts = self.source()
        if drafts is None:
            return []
        named = {str(e.get("Name", "")).strip() for e in self.panel.entries()}
        return [d for d in drafts.entries if d.name not in named]

    def lay_out(self) -> list[Row]:
        """The rows: the characters and the drafted people, the background and the drafted
        places."""
        drafts = self.shown()
        people = [d for d in drafts if d.kind != "location"]
        places = [d for d in drafts if d.kind == "location"]
        return [*self.panel.characters, *people, *self.panel.background, *places]

    def fill(self, view: QListWidget, keep: dict[str, Any] | None, label: LabelFn) -> int:
        """Put the rows in `view`. The row to select: `keep`'s, else the draft shown before,
        else the writer's first entry (-1: none)."""
        self.rows = self.lay_out()
        view.clear()
        for row in self.rows:
            view.addItem(self._item(row, view, label))
        index = next((i for i, r in enumerate(self.rows) if r is keep), -1)
        selected = self.selected
        if keep is None and selected is not None:
            index = next((i for i, r in enumerate(self.rows) if _same(r, selected)), -1)
        if index == -1:
            index = next((i for i, r in enumerate(self.rows) if isinstance(r, dict)), -1)
        return index

    def _item(self, row: Row, view: QListWidget, label: LabelFn) -> QListWidgetItem:
        if isinstance(row, dict):
            return QListWidgetItem(kind_icon(entry_kind(row)), label(row))
        entry = row.bible_entry()
        text = QCoreApplication.translate("BiblePanel", "{0} · draft").format(label(entry))
        item = QListWidgetItem(kind_icon(entry_kind(entry)), text)
        font = item.font()
        font.setItalic(True)
        item.setFont(font)
        grey = view.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        item.setForeground(grey)
        item.setToolTip(
            QCoreApplication.translate(
                "BiblePanel",
                "Drafted from the book. The model is told of it, marked as a draft, until you "
                "keep it or dismiss it.",
            )
        )
        return item

    def relabel(self, view: QListWidget, label: LabelFn) -> bool:
        """New labels for the writer's entries in `view`; False, with nothing changed, when
        the rows are no longer the same (an entry came or went, or a name is now a draft's
        or no longer is)."""
        rows = self.lay_out()
        if len(rows) != len(self.rows) or not all(map(_same, rows, self.rows)):
            return False
        for n, row in enumerate(rows):
            item = view.item(n)
            if isinstance(row, dict) and item.text() != label(row):
                item.setText(label(row))
        return True

    def entry_at(self, row: int) -> dict[str, Any] | None:
        """The writer's entry in the list's `row` (None: a draft, or no row)."""
        found = self.rows[row] if 0 <= row < len(self.rows) else None
        return found if isinstance(found, dict) else None

    def show_row(self, row: int) -> None:
        """The list's `row` was selected: a draft shows in the form stack, read-only."""
        found = self.rows[row] if 0 <= row < len(self.rows) else None
        self.selected = found if isinstance(found, DraftEntry) else None
        if self.selected is not None:
            self.view.show_draft(self.selected)
            self.panel.form_stack.setCurrentWidget(self.view)

    def keep_selected(self) -> None:
        """The selected draft becomes an entry of the writer's own, with the drafted fields,
        the way a new entry is added; Undo takes it out again."""
        draft, self.selected = self.selected, None
        if draft is None:
            return
        values = draft.bible_entry()
        kind = entry_kind(values)
        entry = self.panel.add_entry(kind, values)
        owner = self.panel.characters if kind == "character" else self.panel.background
        text = QCoreApplication.translate("BiblePanel", "Keep {0}").format(draft.name)
        self.panel.undo_stack.push(AddEntry(text, owner, entry, self.show_changed))
        self.panel.status.emit(
            QCoreApplication.translate(
                "BiblePanel",
                "“{0}” is an entry of your own now. Undo in the story bible takes it back.",
            ).format(draft.name)
        )

    def dismiss_selected(self) -> None:
        """Hide the selected draft, and tell the model of it no more (for this story); the
        next draft is shown. Undo brings it back."""
        draft = self.selected
        if draft is None:
            return
        drafts = [r for r in self.rows if isinstance(r, DraftEntry)]
        others = [d for d in drafts if not _same(d, draft)]
        at = next((i for i, d in enumerate(drafts) if _same(d, draft)), len(others))
        self.selected = others[min(at, len(others) - 1)] if others else None
        text = QCoreApplication.translate("BiblePanel", "Dismiss the draft {0}").format(draft.name)
        self.panel.undo_stack.push(DismissDraft(text, draft, self._apply_dismissed))
        self.panel.status.emit(
            QCoreApplication.translate(
                "BiblePanel",
                "The draft “{0}” is dismissed: the model is no longer told of it. Undo in the "
                "story bible brings it back.",
            ).format(draft.name)
        )

    def _apply_dismissed(self, draft: DraftEntry, on: bool) -> None:
        self.set_dismissed(draft, on)
        if not on:
            self.selected = draft
        self.panel.refresh()


def _same(a: Row, b: Row) -> bool:
    """The same row: the same entry of the writer's, or a draft of the same name and kind."""
    if isinstance(a, DraftEntry) and isinstance(b, DraftEntry):
        return (a.name, a.kind) == (b.name, b.kind)
    return a is b


class _Bible(Panel, Protocol):
    drafts: DraftRows


def install(panel: _Bible, memory: MemoryController) -> None:
    """Join the story bible panel and the book's memory: the model is told of the panel's
    entries, and the panel lists the drafted cast (anew when drafts come, and when a story
    opens or closes, as the panel is bound to it)."""
    memory.bible_entries = panel.entries
    panel.drafts.source = partial(_drafts_of, memory)
    panel.drafts.set_dismissed = partial(_set_dismissed, memory)
    memory.context_ready.connect(panel.refresh)


def _drafts_of(memory: MemoryController) -> BookDrafts | None:
    """The open story's drafts, less the ones the writer dismissed."""
    story, drafts = memory.project.story, memory.drafts
    if story is None or drafts is None:
        return None
    return drafts.without(dismissed(story))


def _set_dismissed(memory: MemoryController, draft: DraftEntry, on: bool) -> None:
    """Dismiss a draft for the open story, kept with the story (or bring it back): requests
    are told of it no more (or again) at once. Marking the story changed re-drafts the book
    in a moment, with the dismissed names left out."""
    story = memory.project.story
    if story is None:
        return
    dismiss(story, draft.name, on)
    if memory.drafts is not None:
        drafts = memory.drafts
        memory.drafts = drafts.without([draft.name]) if on else drafts.restored(draft)
    memory.project.touch()
