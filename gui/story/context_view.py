"""What the model sees: the last request's prompt, section by section and coloured, with
tokens against each budget and what was left out; the book's memory lines; pins, mutes
and the budgets dialog."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backend.story.memory.assembly import Assembly
from backend.story.memory.budgets import DEFAULT_SHARES, TITLES, BudgetError, Budgets
from backend.story.memory.sections import MUTED, NO_ROOM, PINNED, TRIMMED
from gui.common.i18n import QT_TRANSLATE_NOOP

WORDS_PER_PAGE = 300  # a manuscript page, for telling how much text the model saw

# Soft section colours that read on light and dark themes alike (drawn translucent).
COLOURS = {
    "style": QColor(150, 150, 150, 60),
    "memory": QColor(80, 140, 255, 60),
    "story_so_far": QColor(120, 90, 220, 60),
    "this_chapter": QColor(40, 170, 170, 60),
    "lore": QColor(60, 180, 80, 60),
    "recalled": QColor(230, 160, 40, 70),
    "authors_note": QColor(230, 80, 80, 70),
    "recent": QColor(0, 0, 0, 0),
}
REDRAW_DELAY_MS = 400
KEY = Qt.ItemDataRole.UserRole
STATE_WORDS = {
    "in": QT_TRANSLATE_NOOP("ContextDock", "in"),
    PINNED: QT_TRANSLATE_NOOP("ContextDock", "pinned"),
    MUTED: QT_TRANSLATE_NOOP("ContextDock", "muted"),
    NO_ROOM: QT_TRANSLATE_NOOP("ContextDock", "left out: no room"),
    TRIMMED: QT_TRANSLATE_NOOP("ContextDock", "trimmed to fit"),
}
# The sections' titles (backend/story/memory/budgets.py TITLES), for translation.
SECTION_TITLES = (
    QT_TRANSLATE_NOOP("Sections", "Style"),
    QT_TRANSLATE_NOOP("Sections", "Memory"),
    QT_TRANSLATE_NOOP("Sections", "Story so far"),
    QT_TRANSLATE_NOOP("Sections", "This chapter"),
    QT_TRANSLATE_NOOP("Sections", "Characters and places"),
    QT_TRANSLATE_NOOP("Sections", "Recalled passages"),
    QT_TRANSLATE_NOOP("Sections", "Author's note"),
    QT_TRANSLATE_NOOP("Sections", "Recent text"),
)


def section_title(title: str) -> str:
    """A section's title in the interface's language."""
    return QCoreApplication.translate("Sections", title)


class ContextDock(QDockWidget):
    """The memory lines, and the exact prompt of the last request, explained."""

    memory_edited = Signal(str)
    pin_requested = Signal(str, bool)
    mute_requested = Signal(str, bool)
    budgets_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("What the model sees"), parent)
        self.setObjectName("context")
        self.assembly: Assembly | None = None
        self.pinned: frozenset[str] = frozenset()
        self.muted: frozenset[str] = frozenset()
        self.menu: QMenu | None = None
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(
            QLabel(self.tr("Memory: a few lines the model is told all through the book"))
        )
        self.memory = QPlainTextEdit()
        self.memory.setPlaceholderText(
            self.tr("e.g. Mara is a smuggler's daughter. The city floods every spring.")
        )
        self.memory.setMaximumHeight(100)
        self.memory.textChanged.connect(self._on_memory_text_changed)
        layout.addWidget(self.memory)
        row = QHBoxLayout()
        self.summary = QLabel(self.tr("Nothing has been asked of the model yet."))
        self.summary.setWordWrap(True)
        self.budgets_button = QPushButton(self.tr("Budgets…"))
        self.budgets_button.clicked.connect(self.budgets_requested)
        row.addWidget(self.summary, 1)
        row.addWidget(self.budgets_button)
        layout.addLayout(row)
        split = QSplitter(Qt.Orientation.Vertical)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("Section"), self.tr("Tokens"), self.tr("State")])
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._on_tree_menu)
        self.prompt = QTextEdit()
        self.prompt.setReadOnly(True)
        split.addWidget(self.tree)
        split.addWidget(self.prompt)
        layout.addWidget(split, 1)
        self.setWidget(body)
        self._loading = False
        self._stale = False
        self._task = ""
        # Drawing a prompt takes 10-16 ms; a request every keystroke pause or every
        # sentence of a continuation would make typing and streaming stutter. The latest
        # one is drawn once requests stop coming for a moment.
        self._redraw = QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(REDRAW_DELAY_MS)
        self._redraw.timeout.connect(self._draw)
        self.visibilityChanged.connect(self._on_visibility_changed)

    def _on_visibility_changed(self, visible: bool) -> None:
        if visible and self._stale and self.assembly is not None:
            self._draw()

    # --- memory ---------------------------------------------------------------------
    def set_memory(self, text: str, enabled: bool) -> None:
        """Show a story's memory lines (disabled without a story)."""
        self._loading = True
        self.memory.setPlainText(text)
        self.memory.setEnabled(enabled)
        self.budgets_button.setEnabled(enabled)
        if not enabled:
            self.memory.setPlaceholderText(self.tr("Open or create a story to keep memory."))
        self._loading = False

    def _on_memory_text_changed(self) -> None:
        if not self._loading:
            self.memory_edited.emit(self.memory.toPlainText())

    # --- the last prompt ------------------------------------------------------------
    def forget_request(self) -> None:
        """Another document was opened: the last prompt was about the one before."""
        self._redraw.stop()
        self.assembly = None
        self._stale = False
        self.summary.setText(self.tr("Nothing has been asked of the model yet."))
        self.summary.setToolTip("")
        self.tree.clear()
        self.prompt.clear()

    def show_assembly(self, assembly: Assembly, task: str = "") -> None:
        """Show a request's prompt: sections, items, notes, coloured text. While the dock
        is hidden it is only kept, and drawn when the dock is shown."""
        self.assembly = assembly
        self._task = task
        self._stale = True
        if self.isVisible():
            self._redraw.start()

    def _draw(self) -> None:
        assembly, task = self.assembly, self._task
        if assembly is None or not self.isVisible():
            return
        self._stale = False
        used, budget = assembly.total_tokens, assembly.budget
        what = f"{task} · " if task else ""
        # Words first; the token counts are there for whoever looks closer.
        self.summary.setText(self.describe(assembly))
        self.summary.setToolTip(
            self.tr("Last request: {0}{1} of {2} tokens").format(what, used, budget)
        )
        self._fill_tree(assembly)
        self._fill_prompt(assembly)

    def describe(self, assembly: Assembly) -> str:
        """What the model was shown, in a writer's words."""
        used: dict[str, int] = {}
        tokens: dict[str, int] = {}
        for section in assembly.sections:
            kept = sum(1 for i in section.items if i.state not in (MUTED, NO_ROOM))
            used[section.name] = used.get(section.name, 0) + kept
            tokens[section.name] = tokens.get(section.name, 0) + section.tokens
        pages = tokens.get("recent", 0) * 0.75 / WORDS_PER_PAGE
        parts = [
            self.tr("about %n page(s) of your text before the cursor", "", max(1, round(pages)))
            if pages >= 0.5
            else self.tr("about half a page of your text before the cursor")
        ]
        if used.get("story_so_far"):
            parts.append(
                self.tr("the summaries of %n earlier chapter(s)", "", used["story_so_far"])
            )
        if tokens.get("this_chapter"):
            parts.append(self.tr("this chapter so far, in summary"))
        if used.get("lore"):
            parts.append(self.tr("%n character(s) and place(s) from the bible", "", used["lore"]))
        if used.get("recalled"):
            parts.append(self.tr("%n passage(s) recalled from earlier", "", used["recalled"]))
        if tokens.get("memory"):
            parts.append(self.tr("your memory lines"))
        return self.tr("The model saw {0}.").format(", ".join(parts))

    def _fill_tree(self, assembly: Assembly) -> None:
        self.tree.clear()
        merged: dict[str, QTreeWidgetItem] = {}
        for section in assembly.sections:
            if not (section.text or section.items or section.notes):
                continue
            top = merged.get(section.name)
            if top is None:
                top = QTreeWidgetItem([section_title(section.title), "", ""])
                top.setBackground(0, QBrush(COLOURS.get(section.name, QColor(0, 0, 0, 0))))
                top.setData(1, KEY, 0)
                merged[section.name] = top
                self.tree.addTopLevelItem(top)
            total = int(top.data(1, KEY)) + section.tokens
            top.setData(1, KEY, total)
            top.setText(1, f"{total} / {section.budget}")
            states = {i.state for i in section.items}
            if TRIMMED in states or (section.notes and section.name == "memory"):
                top.setText(2, self.tr("trimmed to fit"))
            elif NO_ROOM in states:
                top.setText(2, self.tr("some left out"))
            for item in section.items:
                state = self.tr(STATE_WORDS[item.state])
                child = QTreeWidgetItem([item.label, str(item.tokens), state])
                child.setData(0, KEY, item.key)
                top.addChild(child)
            for note in section.notes:
                child = QTreeWidgetItem([f"⚠ {note}", "", ""])
                child.setToolTip(0, note)
                top.addChild(child)
        self.tree.expandAll()

    def _fill_prompt(self, assembly: Assembly) -> None:
        self.prompt.clear()
        cursor = self.prompt.textCursor()
        for section in assembly.sections:
            fmt = QTextCharFormat()
            fmt.setBackground(QBrush(COLOURS.get(section.name, QColor(0, 0, 0, 0))))
            fmt.setToolTip(section_title(section.title))
            cursor.insertText(section.text, fmt)
        cursor.movePosition(QTextCursor.MoveOperation.End)
        self.prompt.setTextCursor(cursor)
        self.prompt.ensureCursorVisible()

    # --- pins and mutes -------------------------------------------------------------
    def _on_tree_menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        key = str(item.data(0, KEY) or "") if item is not None else ""
        if not key.startswith(("lore:", "recall:")) or not self.memory.isEnabled():
            return
        menu = QMenu(self)
        pinned, muted = key in self.pinned, key in self.muted
        pin = menu.addAction(self.tr("Unpin") if pinned else self.tr("Pin: always include"))
        pin.triggered.connect(lambda: self.pin_requested.emit(key, not pinned))
        mute = menu.addAction(self.tr("Unmute") if muted else self.tr("Mute: never include"))
        mute.triggered.connect(lambda: self.mute_requested.emit(key, not muted))
        self.menu = menu
        menu.popup(self.tree.viewport().mapToGlobal(pos))


class BudgetsDialog(QDialog):
    """Each section's share of the model's context, per story."""

    def __init__(self, budgets: Budgets, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Context budgets"))
        self.boxes: dict[str, QDoubleSpinBox] = {}
        form = QFormLayout(self)
        form.addRow(QLabel(self.tr("Share of the model's context for each section (percent).")))
        for name in DEFAULT_SHARES:
            box = QDoubleSpinBox()
            box.setRange(0.0, 50.0)
            box.setSuffix(" %")
            box.setDecimals(0)
            box.setValue(budgets.share(name) * 100)
            box.valueChanged.connect(self._check)
            self.boxes[name] = box
            form.addRow(section_title(TITLES[name]), box)
        self.recent = QLabel()
        form.addRow(section_title(TITLES["recent"]), self.recent)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        form.addRow(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        restore = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.clicked.connect(self._restore)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        form.addRow(buttons)
        self._check()

    def budgets(self) -> Budgets:
        """The budgets as set (BudgetError when they cannot work)."""
        return Budgets({name: box.value() / 100 for name, box in self.boxes.items()})

    def _restore(self) -> None:
        for name, box in self.boxes.items():
            box.setValue(DEFAULT_SHARES[name] * 100)

    def _check(self) -> None:
        try:
            budgets = self.budgets()
        except BudgetError as exc:
            self.problem.setText(str(exc))
            self.recent.setText("")
            self.ok.setEnabled(False)
            return
        self.problem.setText("")
        self.recent.setText(
            self.tr("{0:.0f} % (what the others leave)").format(budgets.share("recent") * 100)
        )
        self.ok.setEnabled(True)


class DraftDialog(QDialog):
    """A draft synopsis, editable, kept only when the writer says so."""

    def __init__(self, label: str, draft: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Draft synopsis: {0}").format(label))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Edit the draft, then use it, or discard it.")))
        self.text = QPlainTextEdit(draft)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox()
        use = buttons.addButton(
            self.tr("Use this synopsis"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(self.tr("Discard"), QDialogButtonBox.ButtonRole.RejectRole)
        use.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(480, 240)

    def synopsis(self) -> str:
        """The draft as edited."""
        return self.text.toPlainText().strip()
