"""Book dialogs: importing a manuscript with a preview of the split, exporting chosen
chapters, and reading the whole book as one continuous text."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backend.formats.book import book_from_story, chapter_html
from backend.formats.manuscript import PRESETS, ImportPlan, ImportProblem, split_manuscript
from backend.storage.projects import Story
from gui.i18n import QT_TRANSLATE_NOOP

AUTOMATIC = QT_TRANSLATE_NOOP("ImportDialog", "Automatic")


class ImportDialog(QDialog):
    """Choose how to split a manuscript and see the chapters before anything is written."""

    def __init__(self, source: Path, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import %s") % source.name)
        self.resize(560, 520)
        self.source = source
        self.text = text
        self.plan: ImportPlan | None = None
        self.pattern = QComboBox()
        self.pattern.setEditable(True)
        self.pattern.addItems([self.tr(AUTOMATIC), *PRESETS])
        self.pattern.setToolTip(
            self.tr("A preset, or a regular expression matching a heading line")
        )
        self.preview = QTreeWidget()
        self.preview.setHeaderLabels([self.tr("Chapter"), self.tr("Scenes"), self.tr("Words")])
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
        self.update_preview()

    def pattern_text(self) -> str | None:
        """The chosen pattern (None for automatic)."""
        text = self.pattern.currentText().strip()
        return None if text in ("", AUTOMATIC, self.tr(AUTOMATIC)) else text

    def update_preview(self, *_args: object) -> None:
        """Split again with the current pattern and show the chapters found."""
        self.preview.clear()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        try:
            self.plan = split_manuscript(self.text, self.pattern_text())
        except ImportProblem as exc:
            self.plan = None
            self.notes.setText(str(exc))
            ok.setEnabled(False)
            return
        for chapter in self.plan.chapters:
            title = f"{chapter.part} · {chapter.title}" if chapter.part else chapter.title
            self.preview.addTopLevelItem(
                QTreeWidgetItem([title, str(len(chapter.scenes)), f"{chapter.words:,}"])
            )
        count = len(self.plan.chapters)
        self.notes.setText(" ".join([self.tr("%n chapter(s).", "", count), *self.plan.notes]))
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
