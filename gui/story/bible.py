"""The story bible dock: characters and background entries, generated or written by hand."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QIcon, QKeySequence, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from backend.jobs.kinds import EntryEvent, EntryJob
from backend.storage.atomic import SaveError, atomic_write_bytes
from backend.storage.paths import RESOURCES
from backend.story.bible import entry_kind, fields_for
from backend.story.cards import CardError, import_card
from backend.untrusted import RefusedFile
from gui.common.messages import translate_message
from gui.story.bible_dialogs import AlternativesDialog
from gui.story.bible_form import ICONS, SHORT_FIELDS, Form, export_bytes, fit_height


class _DeleteEntry(QUndoCommand):
    """Deleting an entry, undoable."""

    def __init__(self, panel: BiblePanel, entries: list[dict[str, Any]], index: int) -> None:
        name = entries[index].get("Name") or QCoreApplication.translate("BiblePanel", "entry")
        super().__init__(QCoreApplication.translate("BiblePanel", "Delete {0}").format(name))
        self.panel, self.entries, self.index = panel, entries, index
        self.entry = entries[index]

    def redo(self) -> None:
        self.entries.pop(self.index)
        self.panel.refresh()
        self.panel.changed.emit()

    def undo(self) -> None:
        self.entries.insert(self.index, self.entry)
        self.panel.refresh(select=self.entry)
        self.panel.changed.emit()


class BiblePanel(QDockWidget):
    """Lists the bible's entries and edits the selected one, field by field."""

    changed = Signal()
    generate_requested = Signal(object)
    stop_requested = Signal()
    status = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Story bible"), parent)
        self.setObjectName("story-bible")
        self.characters: list[dict[str, Any]] = []
        self.background: list[dict[str, Any]] = []
        self.current: dict[str, Any] | None = None
        # The book's memory lines, told to the model with the premise (set by the window).
        self.memory_text: Callable[[], str] = str
        self.language: Callable[[], str] = str  # the story's language ('' detects it)
        self.undo_stack = QUndoStack(self)
        self.locks: set[str] = set()
        self.alternatives: list[dict[str, str]] = [{}, {}, {}]
        self._loading = False
        self._pending_target: dict[str, Any] | None = None
        self._seed = 0
        self.alternatives_dialog: AlternativesDialog | None = None

        body = QWidget()
        layout = QVBoxLayout(body)
        context = QFormLayout()
        self.premise = QLineEdit()
        self.premise.setPlaceholderText(self.tr("What the story is about"))
        self.genre = QLineEdit()
        self.genre.setPlaceholderText(self.tr("e.g. mystery, cozy fantasy"))
        for line in (self.premise, self.genre):
            line.textEdited.connect(lambda _t: self.changed.emit())
        context.addRow(self.tr("Premise"), self.premise)
        context.addRow(self.tr("Genre"), self.genre)
        layout.addLayout(context)
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        layout.addWidget(self.list, 1)

        row = QHBoxLayout()
        self.new_character_button = QPushButton(self.tr("New character"))
        self.new_character_button.clicked.connect(lambda: self.add_entry("character"))
        self.new_background_button = QPushButton(self.tr("New place/thing"))
        self.new_background_button.clicked.connect(lambda: self.add_entry("background"))
        row.addWidget(self.new_character_button)
        row.addWidget(self.new_background_button)
        layout.addLayout(row)
        layout.addLayout(self._build_generate_row())
        layout.addWidget(self._build_progress_row())
        layout.addLayout(self._build_card_row())

        self.form_host = QScrollArea()
        self.form_host.setWidgetResizable(True)
        self.form_stack = QStackedWidget()
        self.form_stack.addWidget(QLabel(self.tr("Add a character or a place to start.")))
        self.form_host.setWidget(self.form_stack)
        self._forms: dict[str, Form] = {}
        layout.addWidget(self.form_host, 2)
        self.editors: dict[str, QLineEdit | QPlainTextEdit] = {}
        self.lock_boxes: dict[str, QCheckBox] = {}
        self.regen_buttons: dict[str, QToolButton] = {}
        self.setWidget(body)
        self.refresh()

    def _build_progress_row(self) -> QWidget:
        """While an entry is written: which field, and a Stop button (Esc in the panel too)."""
        self.progress_row = QWidget()
        progress = QHBoxLayout(self.progress_row)
        progress.setContentsMargins(0, 0, 0, 0)
        self.progress_label = QLabel("")
        self.progress_label.setWordWrap(True)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("Stop writing this entry (Esc); what is written stays"))
        self.stop_button.clicked.connect(self.stop_requested)
        progress.addWidget(self.progress_label, 1)
        progress.addWidget(self.stop_button)
        self.progress_row.setVisible(False)
        # Hidden, it keeps its room: the buttons below must not jump when writing ends,
        # or a click meant for Stop lands on the button that moved under the pointer.
        policy = self.progress_row.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.progress_row.setSizePolicy(policy)
        stop_key = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        stop_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        stop_key.activated.connect(self._on_escape)
        return self.progress_row

    def _build_generate_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.generate_button = QPushButton(self.tr("Generate"))
        self.generate_button.setToolTip(self.tr("Fill every unlocked field"))
        self.generate_button.clicked.connect(self.generate_current)
        self.generate3_button = QPushButton(self.tr("Generate 3"))
        self.generate3_button.setToolTip(self.tr("Three alternatives side by side"))
        self.generate3_button.clicked.connect(self.generate_three)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.clicked.connect(self.delete_current)
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.clicked.connect(self.undo_stack.undo)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo_button.setEnabled(False)
        for b in (self.generate_button, self.generate3_button, self.delete_button):
            row.addWidget(b)
        row.addWidget(self.undo_button)
        return row

    def _build_card_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        import_button = QPushButton(self.tr("Import card…"))
        import_button.clicked.connect(lambda: self.import_card_file())
        export_button = QPushButton(self.tr("Export"))  # draws its arrow beside the text
        menu = QMenu(export_button)
        menu.addAction(self.tr("Character card (PNG)…"), lambda: self.export_current("png"))
        menu.addAction(self.tr("Character card (JSON)…"), lambda: self.export_current("json"))
        menu.addAction(self.tr("Entry as Markdown…"), lambda: self.export_current("md"))
        menu.addAction(self.tr("Whole bible as Markdown…"), lambda: self.export_current("bible"))
        export_button.setMenu(menu)
        self.wide_button = QPushButton(self.tr("Wide View"))
        self.wide_button.setCheckable(True)
        self.wide_button.setToolTip(self.tr("The bible in a window of its own, with room"))
        self.wide_button.toggled.connect(self.set_wide)
        self.topLevelChanged.connect(self.wide_button.setChecked)
        for button in (import_button, export_button, self.wide_button):
            row.addWidget(button)
        return row

    def set_wide(self, wide: bool) -> None:
        """Float the panel as a roomy window of its own, or put it back in its dock."""
        self.setFloating(wide)
        if wide:
            self.resize(max(self.width(), 720), max(self.height(), 760))

    # --- data -----------------------------------------------------------------------
    def bind(self, characters: list[dict[str, Any]], background: list[dict[str, Any]]) -> None:
        """Edit these lists (a story project's own) in place."""
        self.characters, self.background = characters, background
        self.undo_stack.clear()
        self.refresh()

    def entries(self) -> list[dict[str, Any]]:
        """Every entry, characters first."""
        return [*self.characters, *self.background]

    def cast(self) -> str:
        """'Name (occupation); …' of the characters, for Relationships."""
        return "; ".join(
            f"{c.get('Name')} ({c.get('Occupation', '').lower() or 'character'})"
            for c in self.characters
            if c.get("Name") and c is not self.current
        )

    def refresh(self, select: dict[str, Any] | None = None) -> None:
        """Rebuild the list (and keep or set the selection)."""
        keep = select or self.current
        self.list.blockSignals(True)
        self.list.clear()
        for entry in self.entries():
            self.list.addItem(QListWidgetItem(_icon(entry_kind(entry)), self._label(entry)))
        entries = self.entries()
        index = next((i for i, e in enumerate(entries) if e is keep), -1)
        if index == -1 and entries:
            index = 0
        self.list.setCurrentRow(index)
        self.list.blockSignals(False)
        self._show(entries[index] if index >= 0 else None)

    def _label(self, entry: dict[str, Any]) -> str:
        name = entry.get("Name") or self.tr("Unnamed")
        return name if entry_kind(entry) == "character" else f"{name} ({entry.get('Kind', '')})"

    def _relabel(self) -> None:
        """A name changed: new labels in the list, the form left as it is."""
        entries = self.entries()
        if self.list.count() != len(entries):
            self.refresh()
            return
        for row, entry in enumerate(entries):
            item = self.list.item(row)
            if item.text() != self._label(entry):
                item.setText(self._label(entry))

    def add_entry(self, kind: str, values: dict[str, str] | None = None) -> dict[str, Any]:
        """Add an entry (empty, or with values) and select it."""
        entry: dict[str, Any] = {f: "" for f in fields_for(kind)}
        if kind == "background":
            entry["Kind"] = "setting"
        entry.update(values or {})
        (self.characters if kind == "character" else self.background).append(entry)
        self.refresh(select=entry)
        self.changed.emit()
        return entry

    def delete_current(self) -> None:
        """Delete the selected entry (undoable)."""
        if self.current is None:
            return
        owner = self.characters if entry_kind(self.current) == "character" else self.background
        index = next(i for i, e in enumerate(owner) if e is self.current)
        self.undo_stack.push(_DeleteEntry(self, owner, index))

    # --- form -----------------------------------------------------------------------
    def _on_list_current_row_changed(self, row: int) -> None:
        entries = self.entries()
        self._show(entries[row] if 0 <= row < len(entries) else None)

    def _show(self, entry: dict[str, Any] | None) -> None:
        if entry is not self.current:
            self.locks = set()
        self.current = entry
        if entry is None:
            self.form_stack.setCurrentIndex(0)
            self.editors, self.lock_boxes, self.regen_buttons = {}, {}, {}
            return
        # One form per kind, built once and refilled: building 44 widgets and polishing
        # them on their first paint took 30-50 ms, a visible stall, at every refresh.
        kind = entry_kind(entry)
        if kind not in self._forms:
            self._forms[kind] = self._build_form(kind)
        form = self._forms[kind]
        self.editors, self.lock_boxes, self.regen_buttons = form.editors, form.locks, form.regens
        self._loading = True
        for field, editor in self.editors.items():
            value = str(entry.get(field, ""))
            if isinstance(editor, QLineEdit):
                if editor.text() != value:
                    editor.setText(value)
            elif editor.toPlainText() != value:
                editor.setPlainText(value)
            self.lock_boxes[field].setChecked(field in self.locks)
        self._loading = False
        self.form_stack.setCurrentWidget(form.widget)

    def _build_form(self, kind: str) -> Form:
        form = Form(QWidget(), {}, {}, {})
        grid = QGridLayout(form.widget)
        for row, field in enumerate(fields_for(kind)):
            grid.addWidget(QLabel(self.tr(field)), row, 0, Qt.AlignmentFlag.AlignTop)
            if field in SHORT_FIELDS:
                line = QLineEdit()
                line.textEdited.connect(lambda _t, f=field: self._on_field_edited(f))
                editor: QLineEdit | QPlainTextEdit = line
            else:
                editor = QPlainTextEdit()
                editor.setFixedHeight(58)
                editor.textChanged.connect(lambda f=field: self._on_field_edited(f))
                # The field grows with its text (the sheet scrolls, not each field).
                editor.document().documentLayout().documentSizeChanged.connect(
                    lambda _size, e=editor: fit_height(e)
                )
            lock = QCheckBox(self.tr("lock"))
            lock.toggled.connect(lambda on, f=field: self._on_lock_toggled(f, on))
            regen = QToolButton()
            regen.setText("↻")
            regen.setToolTip(self.tr("Regenerate {0} only").format(self.tr(field)))
            regen.clicked.connect(lambda _c=False, f=field: self.regenerate_field(f))
            grid.addWidget(editor, row, 1)
            grid.addWidget(lock, row, 2, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(regen, row, 3, Qt.AlignmentFlag.AlignTop)
            form.editors[field], form.locks[field], form.regens[field] = editor, lock, regen
        self.form_stack.addWidget(form.widget)
        return form

    def _on_field_edited(self, field: str) -> None:
        if self._loading or self.current is None:
            return
        editor = self.editors[field]
        text = editor.text() if isinstance(editor, QLineEdit) else editor.toPlainText()
        self.current[field] = text
        if field in ("Name", "Kind"):
            self._relabel()
        self.changed.emit()

    def _on_lock_toggled(self, field: str, on: bool) -> None:
        (self.locks.add if on else self.locks.discard)(field)

    def set_field(self, field: str, text: str) -> None:
        """Show generated text in the form (and store it)."""
        if self.current is None or field not in self.editors:
            return
        self.current[field] = text
        editor = self.editors[field]
        self._loading = True
        if isinstance(editor, QLineEdit):
            editor.setText(text)
        else:
            editor.setPlainText(text)
        self._loading = False

    # --- generation -----------------------------------------------------------------
    def _request(self, count: int = 1, only: tuple[str, ...] = ()) -> EntryJob:
        if self.current is None:
            self.add_entry("character")
        assert self.current is not None
        kind = entry_kind(self.current)
        if only:
            locked = {f: v for f, v in self.current.items() if f in fields_for(kind) and v}
        else:
            locked = {f: self.current.get(f, "") for f in self.locks if self.current.get(f)}
        return EntryJob(
            entry_kind=kind,
            premise=self.premise.text(),
            genre=self.genre.text(),
            locked=locked,
            only=tuple(only),
            cast=self.cast(),
            seed=self._next_seed(),
            count=count,
            memory=self.memory_text(),
            language=self.language(),
        )

    def _next_seed(self) -> int:
        self._seed += 1
        return self._seed

    def generate_current(self) -> None:
        """Fill every unlocked field of the selected entry."""
        job = self._request()
        self._pending_target = self.current
        self.generate_requested.emit(job)

    def regenerate_field(self, field: str) -> None:
        """Regenerate one field with all the others as context."""
        job = self._request(only=(field,))
        self._pending_target = self.current
        self.generate_requested.emit(job)

    def generate_three(self) -> None:
        """Three alternative entries, shown side by side."""
        job = self._request(count=3)
        self._pending_target = None
        self.alternatives = [{}, {}, {}]
        self.alternatives_dialog = AlternativesDialog(self, job.entry_kind, self.choose_alternative)
        self.alternatives_dialog.open()
        self.generate_requested.emit(job)

    def set_generating(self, running: bool, label: str = "") -> None:
        """Show (or hide) what is being written and the Stop button."""
        self.progress_row.setVisible(running)
        self.progress_label.setText(label)
        for button in (self.generate_button, self.generate3_button, self.delete_button):
            button.setEnabled(not running)

    def _on_escape(self) -> None:
        if self.progress_row.isVisible():
            self.stop_requested.emit()

    def apply_event(self, event: EntryEvent) -> None:
        """A streamed field event from the generator."""
        if self._pending_target is not None:
            if self._pending_target is self.current:
                self.set_field(event.field, event.text)
            else:
                self._pending_target[event.field] = event.text
            if event.final and event.field == "Name":
                self._relabel()
            if event.final:
                self.changed.emit()
            return
        if 0 <= event.alt < 3:
            self.alternatives[event.alt][event.field] = event.text
            if self.alternatives_dialog is not None:
                self.alternatives_dialog.update_column(event.alt, self.alternatives[event.alt])

    def choose_alternative(self, alt: int) -> None:
        """Use one of the three alternatives as the selected entry's values."""
        values = {k: v for k, v in self.alternatives[alt].items() if v}
        if self.current is None:
            self.add_entry("character", values)
            return
        for field, value in values.items():
            if field not in self.locks:
                self.current[field] = value
        self.refresh(select=self.current)
        self.changed.emit()

    # --- cards ----------------------------------------------------------------------
    def import_card_file(self, path: str | None = None) -> bool:
        """Import a PNG or JSON character card as a new character."""
        path = (
            path
            or QFileDialog.getOpenFileName(
                self,
                self.tr("Import character card"),
                "",
                self.tr("Character cards (*.png *.json)"),
            )[0]
        )
        if not path:
            return False
        try:
            sheet, card = import_card(path)
        except (CardError, RefusedFile) as exc:
            self.status.emit(self.tr("Card not imported: {0}").format(translate_message(str(exc))))
            return False
        entry = self.add_entry("character", sheet)
        entry["_card"] = json.dumps(card, ensure_ascii=False)
        self.status.emit(self.tr("Imported {0}.").format(sheet.get("Name")))
        return True

    def export_current(self, fmt: str, path: str | None = None) -> bool:
        """Export the selected character as a card or Markdown, or the whole bible."""
        not_a_character = self.current is None or entry_kind(self.current) != "character"
        if fmt in ("png", "json") and not_a_character:
            self.status.emit(self.tr("Select a character to export as a card."))
            return False
        suffix = {"png": "PNG (*.png)", "json": "JSON (*.json)"}.get(fmt, "Markdown (*.md)")
        # (file filters name formats, the same in every language)
        path = path or QFileDialog.getSaveFileName(self, self.tr("Export"), "", suffix)[0]
        if not path:
            return False
        data = export_bytes(fmt, self.current or {}, self.entries())
        try:
            atomic_write_bytes(Path(path), data, backup=False)
        except (SaveError, RefusedFile) as exc:
            self.status.emit(str(exc))
            return False
        self.status.emit(self.tr("Exported {0}.").format(Path(path).name))
        return True


@cache
def _icon(kind: str) -> QIcon:
    return QIcon(str(RESOURCES / "icons" / ICONS[kind]))
