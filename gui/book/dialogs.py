"""Book dialogs: importing a manuscript with a preview of the split, exporting chosen
chapters, and reading the whole book as one continuous text."""

from __future__ import annotations

import contextlib
import html
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backend.formats.book import book_from_story, chapter_html
from backend.formats.manuscript import PRESETS, ImportPlan, ImportProblem, split_manuscript
from backend.story.project import Story
from gui.common.i18n import QT_TRANSLATE_NOOP
from gui.common.messages import translate_message

AUTOMATIC = QT_TRANSLATE_NOOP("ImportDialog", "Automatic")
SPLIT_DELAY_MS = 250  # a pattern is split again once typing pauses, not per keystroke
MAX_PREVIEW_ROWS = 2000  # a manuscript with 60,000 headings lists the first ones, then counts


@dataclass(frozen=True)
class SplitPreview:
    """A split of a manuscript and the preview's rows (title, scenes, words), made on any
    thread: counting the words of a long book is not done on the GUI thread."""

    plan: ImportPlan | None
    problem: str = ""  # why the pattern finds nothing (plan is None)
    rows: list[tuple[str, int, int]] = field(default_factory=list)


def split_preview(text: str, pattern: str | None = None) -> SplitPreview:
    """Split `text` and count the first MAX_PREVIEW_ROWS chapters' words."""
    try:
        plan = split_manuscript(text, pattern)
    except ImportProblem as exc:
        return SplitPreview(None, str(exc))
    rows = [
        (f"{c.part} · {c.title}" if c.part else c.title, len(c.scenes), c.words)
        for c in plan.chapters[:MAX_PREVIEW_ROWS]
    ]
    return SplitPreview(plan, "", rows)


class ImportDialog(QDialog):
    """Choose how to split a manuscript and see the chapters before anything is written.

    With an `executor`, a changed pattern is split there (a long manuscript takes a while)
    and only the newest split is shown; without one it is split at once.
    """

    _split_done = Signal(int, object)  # split number, its SplitPreview

    def __init__(
        self,
        source: Path,
        text: str,
        parent: QWidget | None = None,
        preview: SplitPreview | None = None,
        executor: Executor | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import %s") % source.name)
        self.resize(760, 560)
        self.source = source
        self.text = text
        self.plan: ImportPlan | None = None
        self._executor = executor
        self._asked = 0  # splits asked for; only the newest one's result is shown
        self._shown = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SPLIT_DELAY_MS)
        self._timer.timeout.connect(self._split)
        self._split_done.connect(self._on_split_done)
        self.pattern = QComboBox()
        self.pattern.setEditable(True)
        self.pattern.addItems([self.tr(AUTOMATIC), *PRESETS])
        self.pattern.setToolTip(
            self.tr("A preset, or a regular expression matching a heading line")
        )
        self.preview = QTreeWidget()
        self.preview.setHeaderLabels([self.tr("Chapter"), self.tr("Scenes"), self.tr("Words")])
        self.preview.setRootIsDecorated(False)
        # The chapter's title takes the room; the counts keep theirs.
        header = self.preview.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.notes = QLabel("")
        self.notes.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Import"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Chapters start at"), self.pattern)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.notes)
        layout.addWidget(self.buttons)
        self.pattern.currentTextChanged.connect(self.update_preview)
        if preview is not None:
            self._show(preview)
        else:
            self.update_preview()

    @property
    def pending(self) -> bool:
        """True while a split for the current pattern is still to come."""
        return self._timer.isActive() or self._shown != self._asked

    def pattern_text(self) -> str | None:
        """The chosen pattern (None for automatic)."""
        text = self.pattern.currentText().strip()
        return None if text in ("", AUTOMATIC, self.tr(AUTOMATIC)) else text

    def update_preview(self, *_args: object) -> None:
        """Split again with the current pattern (once typing pauses) and show the chapters."""
        if self._executor is None:
            self._split()
            return
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.notes.setText(self.tr("Looking for chapters…"))
        self._timer.start()

    def _split(self) -> None:
        self._timer.stop()
        self._asked += 1
        asked, pattern = self._asked, self.pattern_text()
        if self._executor is None:
            self._on_split_done(asked, split_preview(self.text, pattern))
            return
        future = self._executor.submit(split_preview, self.text, pattern)
        future.add_done_callback(lambda f: self._deliver(asked, f))

    def _deliver(self, asked: int, future: Future) -> None:
        # On the executor's thread: only data crosses, through a queued signal.
        if future.cancelled() or future.exception() is not None:
            return
        with contextlib.suppress(RuntimeError):  # the dialog was closed and deleted meanwhile
            self._split_done.emit(asked, future.result())

    def _on_split_done(self, asked: int, preview: SplitPreview) -> None:
        if asked != self._asked:
            return  # a newer pattern was typed meanwhile
        self._shown = asked
        self._show(preview)

    def _show(self, preview: SplitPreview) -> None:
        self.preview.clear()
        self.plan = plan = preview.plan
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if plan is None:
            self.notes.setText(preview.problem)
            ok.setEnabled(False)
            return
        rows = []
        for title, scenes, words in preview.rows:
            row = QTreeWidgetItem([title, str(scenes), f"{words:,}"])
            row.setToolTip(0, title)
            for column in (1, 2):
                row.setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
            rows.append(row)
        count = len(plan.chapters)
        if count > len(preview.rows):
            more = count - len(preview.rows)
            rows.append(QTreeWidgetItem([self.tr("…and %n more chapter(s)", "", more), "", ""]))
        self.preview.addTopLevelItems(rows)
        notes = [translate_message(n) for n in plan.notes]
        self.notes.setText(" ".join([self.tr("%n chapter(s).", "", count), *notes]))
        ok.setEnabled(True)


class ExportDialog(QDialog):
    """Which format and which chapters."""

    def __init__(self, chapters: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export the book"))
        self.kind = QComboBox()
        for label, ext in (
            (self.tr("Word (.docx)"), "docx"),
            (self.tr("EPUB 3 (.epub)"), "epub"),
            (self.tr("Markdown (.md)"), "md"),
            (self.tr("Plain text (.txt)"), "txt"),
        ):
            self.kind.addItem(label, ext)
        self.range = QComboBox()
        self.range.setEditable(True)
        self.range.addItem(self.tr("All chapters"), "")
        self.range.setToolTip(
            self.tr("All chapters, or a range such as 1-5 or 2,4 (of %n)", "", chapters)
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Format"), self.kind)
        form.addRow(self.tr("Chapters"), self.range)
        form.addRow(buttons)

    def chapters(self) -> str:
        """'' for all, else the range typed."""
        text = self.range.currentText().strip()
        return "" if text == self.range.itemText(0) else text


class BookReader(QDialog):
    """The whole book as one continuous, read-only text, chapter headings included."""

    def __init__(self, story: Story, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(story.title or story.folder.stem)
        self.resize(720, 800)
        self.browser = QTextBrowser()
        book = book_from_story(story)
        parts = [f"<h1 style='text-align:center'>{html.escape(book.title)}</h1>"]
        last_part = ""
        for chapter in book.chapters:
            part = chapter.part if chapter.part and chapter.part != last_part else ""
            last_part = chapter.part
            parts.append(f"<a name='chapter-{chapter.number}'></a>" + chapter_html(chapter, part))
        self.browser.setHtml("\n".join(parts))
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)

    def show_chapter(self, number: int) -> None:
        """Scroll to a chapter."""
        self.browser.scrollToAnchor(f"chapter-{number}")
