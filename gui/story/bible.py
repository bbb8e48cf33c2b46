"""The story bible dock: characters and background entries, generated or written by hand."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from backend.jobs.kinds import EntryEvent, EntryJob
from backend.story.bible import entry_kind, fields_for
from gui.common.screens import fit_on_screen
from gui.story.bible_dialogs import AlternativesDialog, card_buttons, read_card, write_export
from gui.story.bible_drafts import DraftRows
from gui.story.bible_form import (
    ChangeEntry,
    DeleteEntry,
    Form,
    FormHooks,
    Outcome,
    build_form,
    changed_fields,
    progress_row,
    renamed_fields,
)


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
        self._loading = False
        # The entry being generated, and what the fields the job writes held before.
        self._pending_target: dict[str, Any] | None = None
        self._pending_before: dict[str, str] = {}
        # The entry in the form and its name when last settled, to follow a rename by hand.
        self._named: tuple[dict[str, Any] | None, str] = (None, "")
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
        for button in (self.new_character_button, self.new_background_button):
            row.addWidget(button)
        layout.addLayout(row)
        layout.addLayout(self._build_generate_row())
        layout.addWidget(self._build_progress_row())
        layout.addLayout(self._build_card_row())

        layout.addWidget(self._build_form_host(), 2)
        self.editors: dict[str, QLineEdit | QPlainTextEdit] = {}
        self.lock_boxes: dict[str, QCheckBox] = {}
        self.regen_buttons: dict[str, QToolButton] = {}
        self.drafts = DraftRows(self, self._show_changed)  # the cast drafted from the book
        self.setWidget(body)
        self.refresh()

    def _build_form_host(self) -> QScrollArea:
        """The scrolling place where the selected entry's form (or a draft) shows."""
        self.form_host = QScrollArea()
        self.form_host.setWidgetResizable(True)
        self.form_stack = QStackedWidget()
        self.form_stack.addWidget(QLabel(self.tr("Add a character or a place to start.")))
        self.form_host.setWidget(self.form_stack)
        self._forms: dict[str, Form] = {}
        return self.form_host

    def _build_progress_row(self) -> QWidget:
        """While an entry is written: which field, and a Stop button (Esc in the panel too)."""
        self.progress_row, self.progress_label, self.stop_button = progress_row()
        self.stop_button.clicked.connect(self.stop_requested)
        stop_key = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        stop_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        stop_key.activated.connect(self._on_escape)
        return self.progress_row

    def _build_generate_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.generate_button = QPushButton(self.tr("Generate"))
        self.generate_button.setToolTip(
            self.tr(
                "Write the empty fields of the selected entry (a new character if none is "
                "selected). What is written stays; Undo takes the generated fields back."
            )
        )
        self.generate_button.clicked.connect(self.generate_current)
        self.generate3_button = QPushButton(self.tr("Generate 3"))
        self.generate3_button.setToolTip(
            self.tr("Three alternatives for the empty fields, side by side")
        )
        self.generate3_button.clicked.connect(self.generate_three)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.clicked.connect(self.delete_current)
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.clicked.connect(self.undo_stack.undo)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo_stack.undoTextChanged.connect(
            lambda text: self.undo_button.setToolTip(self.tr("Undo: {0}").format(text))
        )
        self.undo_button.setEnabled(False)
        for b in (self.generate_button, self.generate3_button, self.delete_button):
            row.addWidget(b)
        row.addWidget(self.undo_button)
        return row

    def _build_card_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        for button in card_buttons(self, self.import_card_file, self.export_current):
            row.addWidget(button)
        self.wide_button = QPushButton(self.tr("Wide View"))
        self.wide_button.setCheckable(True)
        self.wide_button.setToolTip(self.tr("The bible in a window of its own, with room"))
        self.wide_button.toggled.connect(self.set_wide)
        self.topLevelChanged.connect(self.wide_button.setChecked)
        row.addWidget(self.wide_button)
        return row

    def set_wide(self, wide: bool) -> None:
        """Float the panel as a roomy window of its own, or put it back in its dock."""
        self.setFloating(wide)
        if wide:
            fit_on_screen(self, max(self.width(), 720), max(self.height(), 760))

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
        """Rebuild the list, each kind's drafts after its entries (and keep or set the
        selection)."""
        keep = select or self.current
        self.list.blockSignals(True)
        index = self.drafts.fill(self.list, keep, self._label)
        self.list.setCurrentRow(index)
        self.list.blockSignals(False)
        self._on_list_current_row_changed(index)

    def _label(self, entry: dict[str, Any]) -> str:
        name = entry.get("Name") or self.tr("Unnamed")
        return name if entry_kind(entry) == "character" else f"{name} ({entry.get('Kind', '')})"

    def _relabel(self) -> None:
        """A name changed: new labels in the list (new rows when an entry came or went or
        the name is a draft's), the form left as it is."""
        if not self.drafts.relabel(self.list, self._label):
            self.refresh()

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
        """Delete the selected entry (undoable); a selected draft is dismissed."""
        if self.current is None:
            self.drafts.dismiss_selected()
            return
        owner = self.characters if entry_kind(self.current) == "character" else self.background
        index = next(i for i, e in enumerate(owner) if e is self.current)
        text = self.tr("Delete {0}").format(self.current.get("Name") or self.tr("entry"))
        self.undo_stack.push(DeleteEntry(text, owner, index, self._show_changed))

    def _show_changed(self, entry: dict[str, Any] | None) -> None:
        """An undo or redo changed the bible: show it, and the entry it changed."""
        self.refresh(select=entry)
        if self.current is not None:
            self._named = (self.current, str(self.current.get("Name", "")))
        self.changed.emit()

    def _holds(self, entry: dict[str, Any] | None) -> bool:
        """True while `entry` is in the bible (it may have been deleted meanwhile)."""
        return entry is not None and any(e is entry for e in self.entries())

    # --- form -----------------------------------------------------------------------
    def _on_list_current_row_changed(self, row: int) -> None:
        self._show(self.drafts.entry_at(row))
        self.drafts.show_row(row)  # a draft's row: its fields, read-only, Keep and Dismiss

    def _show(self, entry: dict[str, Any] | None) -> None:
        if entry is not self.current:
            self.locks = set()
        if entry is not self._named[0]:
            self._commit_rename()
            self._named = (entry, str(entry.get("Name", "")) if entry else "")
        self.current = entry
        if entry is None:
            self.form_stack.setCurrentIndex(0)
            self.editors, self.lock_boxes, self.regen_buttons = {}, {}, {}
            return
        # One form per kind, built once and refilled: building 44 widgets and polishing
        # them on their first paint took 30-50 ms, a visible stall, at every refresh.
        kind = entry_kind(entry)
        if kind not in self._forms:
            hooks = FormHooks(
                self._on_field_edited,
                self._commit_rename,
                self._on_lock_toggled,
                self.regenerate_field,
            )
            self._forms[kind] = build_form(kind, hooks)
            self.form_stack.addWidget(self._forms[kind].widget)
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

    def _on_field_edited(self, field: str) -> None:
        if self._loading or self.current is None:
            return
        editor = self.editors[field]
        text = editor.text() if isinstance(editor, QLineEdit) else editor.toPlainText()
        self.current[field] = text
        if self._pending_target is self.current:
            # Typed while the entry is being written: the writer's text wins over the model's.
            self._pending_before.pop(field, None)
        if field in ("Name", "Kind"):
            self._relabel()
        self.changed.emit()

    def _on_lock_toggled(self, field: str, on: bool, regen: QToolButton) -> None:
        (self.locks.add if on else self.locks.discard)(field)
        regen.setEnabled(not on and not self.progress_row.isVisible())

    def _commit_rename(self) -> None:
        """A name changed by hand: the old name in the entry's other fields follows it, as
        one undo step with the rename."""
        entry, old = self._named
        if entry is None or not self._holds(entry):
            return
        new = str(entry.get("Name", ""))
        self._named = (entry, new)
        after = renamed_fields(entry, old, new)
        if not after:
            return
        fields = ", ".join(self.tr(f) for f in after)
        before = {"Name": old, **{f: str(entry[f]) for f in after}}
        text = self.tr("Rename {0} to {1}").format(old, new)
        command = ChangeEntry(text, entry, before, {"Name": new, **after}, self._show_changed)
        self.undo_stack.push(command)
        self.status.emit(
            self.tr("“{0}” is now “{1}” in {2} too. Undo in the story bible takes it back.").format(
                old, new, fields
            )
        )

    def set_field(self, field: str, text: str) -> None:
        """Show generated text in the form (and store it)."""
        if self.current is None or field not in self.editors:
            return
        self.current[field] = text
        if field == "Name":
            self._named = (self.current, text)  # not a rename by hand
        editor = self.editors[field]
        self._loading = True
        if isinstance(editor, QLineEdit):
            editor.setText(text)
        else:
            editor.setPlainText(text)
        self._loading = False

    # --- generation -----------------------------------------------------------------
    def _request(self, count: int = 1, only: tuple[str, ...] = ()) -> EntryJob | None:
        """The job for the selected entry (a new character if none), or None with a word to
        the writer when there is nothing to write. What is written stays: the model fills
        the empty fields around it, and skips the locked ones even when they are empty."""
        if self.current is None:
            self.add_entry("character")
        assert self.current is not None
        kind = entry_kind(self.current)
        fields = fields_for(kind)
        kept = {f: v for f in fields if (v := str(self.current.get(f, ""))).strip()}
        targets = only or tuple(f for f in fields if f not in kept and f not in self.locks)
        if not targets:
            self.status.emit(
                self.tr(
                    "Nothing to fill: every field of {0} is written or locked. Clear a field, "
                    "or press ↻ beside it, to have it written again."
                ).format(self.current.get("Name") or self.tr("this entry"))
            )
            return None
        self._seed += 1
        return EntryJob(
            entry_kind=kind,
            premise=self.premise.text(),
            genre=self.genre.text(),
            locked=kept,
            only=targets,
            cast=self.cast(),
            seed=self._seed,
            count=count,
            memory=self.memory_text(),
            language=self.language(),
        )

    def _start(self, job: EntryJob | None) -> None:
        """Ask for `job`, remembering what its fields held so it can be undone in one step."""
        if job is None or self.current is None:
            return
        self._pending_target = self.current
        self._pending_before = {f: str(self.current.get(f, "")) for f in job.only}
        self.generate_requested.emit(job)

    def generate_current(self) -> None:
        """Fill the empty, unlocked fields of the selected entry."""
        self._start(self._request())

    def regenerate_field(self, field: str) -> None:
        """Regenerate one field with all the others as context."""
        if field not in self.locks:
            self._start(self._request(only=(field,)))

    def generate_three(self) -> None:
        """Three alternatives for the selected entry's empty fields, shown side by side."""
        job = self._request(count=3)
        if job is None or self.current is None:
            return
        self._pending_target, self._pending_before = None, {}
        use = partial(self._use, self.current, job)  # the entry asked for, chosen later
        self.alternatives_dialog = AlternativesDialog(self, job.entry_kind, job.only, use)
        self.alternatives_dialog.open()
        self.generate_requested.emit(job)

    def set_generating(self, running: bool, label: str = "") -> None:
        """Show (or hide) what is being written and the Stop button."""
        self.progress_row.setVisible(running)
        self.progress_label.setText(label)
        for button in (self.generate_button, self.generate3_button, self.delete_button):
            button.setEnabled(not running)
        for form in self._forms.values():  # one field at a time, and never a locked one
            for field, regen in form.regens.items():
                regen.setEnabled(not running and not form.locks[field].isChecked())

    def _on_escape(self) -> None:
        if self.progress_row.isVisible():
            self.stop_requested.emit()

    def apply_event(self, event: EntryEvent) -> bool:
        """A streamed field event from the generator; True when it is one of the fields the
        job writes (the kept ones come back as they were sent and are left alone)."""
        target = self._pending_target
        if target is None:
            dialog = self.alternatives_dialog
            return dialog is not None and dialog.add(event)
        if event.field not in self._pending_before:
            return False
        if target is self.current:
            self.set_field(event.field, event.text)
        else:
            target[event.field] = event.text
        if event.final:
            if event.field == "Name":
                self._relabel()
            self.changed.emit()
        return True

    def finish_generation(self) -> Outcome:
        """The job ended (done, stopped or failed): what it wrote becomes one undo step.
        'unnamed' when the entry still has no name, 'nothing' when no field changed."""
        target, before = self._pending_target, self._pending_before
        self._pending_target, self._pending_before = None, {}
        if target is None:
            return "alternatives"
        if not self._holds(target):
            return "nothing"
        after = changed_fields(before, target)
        if after:
            text = self.tr("Generate {0}").format(target.get("Name") or self.tr("entry"))
            old = {f: before[f] for f in after}
            self.undo_stack.push(ChangeEntry(text, target, old, after, self._show_changed))
        if not str(target.get("Name", "")).strip():
            return "unnamed"
        return "done" if after else "nothing"

    def _use(self, target: dict[str, Any], job: EntryJob, alt: int, values: dict[str, str]) -> None:
        """Write a chosen alternative into the fields still empty (one undo step)."""
        if not self._holds(target):
            self.add_entry(job.entry_kind, values)
            return
        after = {f: v for f, v in values.items() if not str(target.get(f, "")).strip()}
        if after:
            before = {f: str(target.get(f, "")) for f in after}
            name = after.get("Name") or target.get("Name") or self.tr("entry")
            text = self.tr("Use alternative #{0} for {1}").format(alt + 1, name)
            self.undo_stack.push(ChangeEntry(text, target, before, after, self._show_changed))

    # --- cards ----------------------------------------------------------------------
    def import_card_file(self, path: str | None = None) -> bool:
        """Import a PNG or JSON character card as a new character."""
        read = read_card(self, path)
        if isinstance(read, str):
            self.status.emit(read)
        if not isinstance(read, tuple):
            return False
        sheet, card = read
        entry = self.add_entry("character", sheet)
        entry["_card"] = json.dumps(card, ensure_ascii=False)
        self.status.emit(self.tr("Imported {0}.").format(sheet.get("Name")))
        return True

    def export_current(self, fmt: str, path: str | None = None) -> bool:
        """Export the selected character as a card or Markdown, or the whole bible."""
        written, message = write_export(self, fmt, self.current, self.entries(), path)
        if message:
            self.status.emit(message)
        return written
