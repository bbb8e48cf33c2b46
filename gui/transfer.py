"""Import and export: a manuscript split into a story, a story written as a book, a text
exported as Markdown or plain text. Long writes run on the documents' background writer.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from backend.formats.book import ExportError, book_from_story, write_book
from backend.formats.manuscript import check_new_story, read_manuscript
from backend.storage.atomic import SaveError
from backend.storage.documents import DocumentError, export_text
from backend.storage.projects import STORY_SUFFIX, save_story
from gui.book_dialogs import ExportDialog, ImportDialog

if TYPE_CHECKING:
    from gui.files import DocumentController


class BookTransfer(QObject):
    """File → Import Manuscript and File → Export for the open document."""

    _export_done = Signal(str, object)

    def __init__(self, docs: DocumentController) -> None:
        super().__init__(docs)
        self.docs = docs
        self.import_dialog: ImportDialog | None = None
        self.export_dialog: ExportDialog | None = None
        self._export_done.connect(self._on_export_done)

    def export(self, markdown: bool) -> bool:
        """Export the manuscript as Markdown or plain text (a story: the book dialog)."""
        if self.docs.story is not None:
            self.export_book()
            return False
        path = self.docs.prompts.export_path(markdown)
        if not path:
            return False
        try:
            export_text(self.docs.editor.toPlainText(), Path(path), markdown)
        except SaveError as exc:
            self.docs.prompts.error(self.tr("Export failed"), str(exc))
            return False
        self.docs.status.emit(self.tr("Exported to {0}").format(path))
        return True

    def export_book(self) -> None:
        """File → Export: choose a format and chapters, then where."""
        if self.docs.story is None:
            self.docs.status.emit(self.tr("Export of chapters belongs to a story project."))
            return
        self.export_dialog = ExportDialog(
            len(self.docs.story.binder.chapters), self.docs.editor.window()
        )
        self.export_dialog.accepted.connect(self._on_export_dialog_accepted)
        self.export_dialog.open()

    def _on_export_dialog_accepted(self) -> None:
        dialog = self.export_dialog
        if dialog is None or self.docs.story is None:
            return
        kind = str(dialog.kind.currentData())
        path = self.docs.prompts.export_path(kind)
        if not path:
            return
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(f".{kind}")
        self.docs.project.sync()
        try:
            book = book_from_story(self.docs.story, dialog.chapters())
        except ExportError as exc:
            self.docs.prompts.error(self.tr("Export failed"), str(exc))
            return
        # A long book takes seconds to lay out as DOCX: written on the background writer.
        future = self.docs.submit(write_book, book, target)
        if future is not None:
            self.docs.status.emit(self.tr("Exporting to {0}…").format(target.name))
            future.add_done_callback(lambda f: self._export_done.emit(str(target), f.exception()))

    def _on_export_done(self, target: str, exc: BaseException | None) -> None:
        if exc is None:
            self.docs.status.emit(self.tr("Exported to {0}").format(target))
        else:
            self.docs.prompts.error(self.tr("Export failed"), str(exc))

    def import_manuscript(self) -> None:
        """File → Import Manuscript: choose a file, preview the split, then make a story."""
        path = self.docs.prompts.import_path()
        if not path:
            return
        source = Path(path)
        try:
            text = read_manuscript(source)
        except DocumentError as exc:
            self.docs.prompts.error(self.tr("Cannot import"), str(exc))
            return
        self.import_dialog = ImportDialog(source, text, self.docs.editor.window())
        self.import_dialog.accepted.connect(self._on_import_dialog_accepted)
        self.import_dialog.open()

    def _on_import_dialog_accepted(self) -> None:
        dialog = self.import_dialog
        if dialog is None or dialog.plan is None:
            return
        path = self.docs.prompts.save_path(str(dialog.source.with_suffix(STORY_SUFFIX)))
        if not path:
            return
        target = Path(path)
        if target.suffix != STORY_SUFFIX:
            target = target.with_name(target.name + STORY_SUFFIX)
        try:
            check_new_story(target)
            save_story(dialog.plan.to_story(target, dialog.source.stem))
        except (DocumentError, SaveError) as exc:
            self.docs.prompts.error(self.tr("Cannot import"), str(exc))
            return
        self.docs.open(str(target))
