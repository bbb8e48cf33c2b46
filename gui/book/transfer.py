"""Import and export: a manuscript split into a story, a story written as a book, a text
exported as Markdown or plain text.

A manuscript can be a long .docx (python-docx takes seconds for an ordinary novel) and a
split can make tens of thousands of scene files, so reading, splitting and writing an import
run on a thread of their own; each result comes back to the GUI thread as a queued signal,
tagged with the import it belongs to, so a cancelled import's late result is dropped. Book
exports run on the documents' background writer.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QProgressDialog

from backend.formats.book import ExportError, book_from_story
from backend.formats.export import write_book
from backend.formats.manuscript import (
    ImportPlan,
    check_new_story,
    manuscript_details,
    read_manuscript,
)
from backend.storage.atomic import SaveError
from backend.storage.documents import DocumentError, export_text
from backend.story.project import STORY_SUFFIX, Story
from backend.story.project_read import load_story
from backend.story.project_save import write_new_story
from backend.untrusted import RefusedFile
from gui.book.dialogs import ExportDialog, ImportDialog, SplitPreview, split_preview
from gui.book.new_project import folder_name
from gui.book.project import ProjectController
from gui.book.prompts import Prompts
from gui.editor.editor import Editor

log = logging.getLogger(__name__)

# Problems a file or a disk can cause; anything else is a fault, logged with its traceback.
WRITER_ERRORS = (DocumentError, RefusedFile, SaveError, OSError)
PROGRESS_DELAY_MS = 400  # a quick import finishes before its progress window would show


class OpenDocument(Protocol):
    """What an import or an export asks of the open document (the DocumentController)."""

    @property
    def story(self) -> Story | None:
        """The open story project (None for a plain text)."""
        ...

    @property
    def prompts(self) -> Prompts:
        """The questions to the writer."""
        ...

    @property
    def editor(self) -> Editor:
        """The editor, whose window the dialogs belong to."""
        ...

    @property
    def project(self) -> ProjectController:
        """The open project's scenes."""
        ...

    @property
    def document_path(self) -> Path | None:
        """The plain text's file (None when it was never saved, or for a story)."""
        ...

    def plain_text(self) -> str:
        """The plain text's words."""
        ...

    def submit(self, fn: Callable[..., object], *args: object) -> Future | None:
        """Run `fn` on the background writer (None once it has stopped)."""
        ...

    def open_story(self, folder: Path, story: Story, notes: list[str]) -> bool:
        """Show a story project loaded elsewhere; False if the writer kept the old one."""
        ...


class BookTransfer(QObject):
    """File → Import Manuscript and File → Export for the open document."""

    status = Signal(str)
    _export_done = Signal(str, object)
    _import_read = Signal(int, object, object)  # import, (source, text, preview), exception
    _import_written = Signal(int, str, object, object)  # import, folder, (story, notes), error
    import_finished = Signal(str)  # the imported project, open now ('' if none was made)

    def __init__(self, docs: OpenDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.docs = docs
        self.import_dialog: ImportDialog | None = None
        self.export_dialog: ExportDialog | None = None
        self.progress: QProgressDialog | None = None
        self._details: tuple[str, str] | None = None  # the manuscript's title and author
        self._importer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inkling-import")
        self._import_id = 0
        self._running = False
        self._cancellable = False
        self._closed = False
        self._export_done.connect(self._on_export_done)
        self._import_read.connect(self._on_import_read)
        self._import_written.connect(self._on_import_written)

    # --- export ---------------------------------------------------------------------
    def export(self, markdown: bool) -> bool:
        """Export the manuscript as Markdown or plain text (a story: the book dialog, with
        that format chosen)."""
        kind = "md" if markdown else "txt"
        if self.docs.story is not None:
            self._open_export_dialog(kind)
            return False
        place = self._export_place(kind)
        path = self.docs.prompts.export_path(markdown, *place)
        if not path:
            return False
        try:
            export_text(self.docs.plain_text(), Path(path), markdown)
        except (SaveError, RefusedFile) as exc:
            self.docs.prompts.error(self.tr("Export failed"), str(exc))
            return False
        self.status.emit(self.tr("Exported to {0}").format(path))
        return True

    def export_book(self) -> None:
        """File → Export: choose a format and chapters, then where."""
        self._open_export_dialog("")

    def _open_export_dialog(self, kind: str) -> None:
        """The book's export dialog, showing the format `kind` ('' leaves its first)."""
        if self.docs.story is None:
            self.status.emit(self.tr("Export of chapters belongs to a story project."))
            return
        dialog = ExportDialog(len(self.docs.story.binder.chapters), self.docs.editor.window())
        if kind:
            dialog.kind.setCurrentIndex(max(0, dialog.kind.findData(kind)))
        dialog.accepted.connect(self._on_export_dialog_accepted)
        self.export_dialog = dialog
        dialog.open()

    def _on_export_dialog_accepted(self) -> None:
        dialog = self.export_dialog
        if dialog is None or self.docs.story is None:
            return
        kind = str(dialog.kind.currentData())
        path = self.docs.prompts.export_path(kind, *self._export_place(kind))
        if not path:
            return
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(f".{kind}")
        self.docs.project.sync()
        try:
            book = book_from_story(self.docs.story, dialog.chapters())
        except (ExportError, RefusedFile) as exc:
            self.docs.prompts.error(self.tr("Export failed"), str(exc))
            return
        # A long book takes seconds to lay out as DOCX: written on the background writer.
        future = self.docs.submit(write_book, book, target)
        if future is not None:
            self.status.emit(self.tr("Exporting to {0}…").format(target.name))
            future.add_done_callback(lambda f: self._export_done.emit(str(target), f.exception()))

    def _export_place(self, kind: str) -> tuple[str, str]:
        """The file name an export offers and the folder it falls back to (when no export
        was made yet): the book's title beside its project, or the text's own name and
        folder."""
        story, path = self.docs.story, self.docs.document_path
        if story is not None:
            stem = story.title.strip() or story.folder.stem
            name = folder_name(stem).removesuffix(STORY_SUFFIX) or story.folder.stem
            return f"{name}.{kind}", str(story.folder.parent)
        if path is not None:
            return f"{path.stem}.{kind}", str(path.parent)
        return "", ""

    def _on_export_done(self, target: str, exc: BaseException | None) -> None:
        if exc is None:
            self.status.emit(self.tr("Exported to {0}").format(target))
        else:
            if not isinstance(exc, (ExportError, *WRITER_ERRORS)):
                log.error("export failed", exc_info=exc)
            self.docs.prompts.error(self.tr("Export failed"), str(exc))

    # --- import ---------------------------------------------------------------------
    @property
    def importing(self) -> bool:
        """True while a manuscript is being read or its project written."""
        return self._running

    def import_manuscript(self) -> None:
        """File → Import Manuscript: choose a file; it is read and split in the background,
        then the preview shows the chapters before anything is written."""
        if self.importing:
            self.status.emit(self.tr("An import is already running."))
            return
        path = self.docs.prompts.import_path()
        if not path:
            return
        source = Path(path)
        import_id = self._begin(self.tr("Reading {0}…").format(source.name), cancellable=True)
        future = self._importer.submit(_read_and_split, source)
        future.add_done_callback(lambda f: self._deliver_read(import_id, f))

    def _deliver_read(self, import_id: int, future: Future) -> None:
        # On the import thread: only data crosses, through a queued signal.
        exc = future.exception()
        with contextlib.suppress(RuntimeError):  # the window closed meanwhile
            if not self._closed:
                self._import_read.emit(import_id, None if exc else future.result(), exc)

    def _on_import_read(self, import_id: int, result: object, exc: object) -> None:
        if import_id != self._import_id or not self.importing:
            return  # cancelled: its result is dropped
        self._end()
        if not isinstance(result, tuple):
            self.docs.prompts.error(self.tr("Cannot import"), self._problem(exc))
            return
        source, text, preview, details = result
        self._details = details
        dialog = ImportDialog(
            source, text, self.docs.editor.window(), preview=preview, executor=self._importer
        )
        dialog.accepted.connect(self._on_import_dialog_accepted)
        self.import_dialog = dialog
        dialog.open()

    def _on_import_dialog_accepted(self) -> None:
        dialog = self.import_dialog
        if dialog is None or dialog.plan is None or self.importing:
            return
        # The title page of a DOCX or EPUB export shows these.
        title, author = self._details or (dialog.source.stem, "")
        answer = self.docs.prompts.book_details(title, author)
        if answer is None:
            return
        title, author = answer[0] or dialog.source.stem, answer[1]
        name = folder_name(title) or dialog.source.stem + STORY_SUFFIX
        path = self.docs.prompts.save_path(name, project=True)
        if not path:
            return
        target = Path(path)
        if target.suffix != STORY_SUFFIX:
            target = target.with_name(target.name + STORY_SUFFIX)
        # Once scene files are being written the import runs to its end, so no half-made
        # project is left behind; the window stays usable meanwhile.
        import_id = self._begin(self.tr("Writing {0}…").format(target.name), cancellable=False)
        future = self._importer.submit(_write_story, dialog.plan, target, title, author)
        future.add_done_callback(lambda f: self._deliver_written(import_id, target, f))

    def _deliver_written(self, import_id: int, target: Path, future: Future) -> None:
        exc = future.exception()
        with contextlib.suppress(RuntimeError):  # the window closed meanwhile
            if not self._closed:
                result = None if exc else future.result()
                self._import_written.emit(import_id, str(target), result, exc)

    def _on_import_written(self, import_id: int, target: str, result: object, exc: object) -> None:
        if import_id != self._import_id or not self.importing:
            return
        self._end()
        if not isinstance(result, tuple):
            self.docs.prompts.error(self.tr("Cannot import"), self._problem(exc))
            self.import_finished.emit("")
            return
        story, notes = result
        opened = self.docs.open_story(Path(target), story, notes)
        self.import_finished.emit(target if opened else "")

    def cancel_import(self) -> None:
        """Stop waiting for the running import; whatever it reads is dropped. Writing a
        project, once begun, is finished (and the project opened) instead."""
        if not self.importing or not self._cancellable:
            return
        self._import_id += 1  # the running import's result is stale from now on
        self._end()
        self.status.emit(self.tr("Import cancelled."))

    def _begin(self, label: str, cancellable: bool) -> int:
        """An import step starts: the progress window (after a moment) and the status bar."""
        self._import_id += 1
        self._running = True
        self._cancellable = cancellable
        # Qt's own Cancel button (translated with Qt's dialogs); a busy bar, no percentage.
        progress = QProgressDialog(self.docs.editor.window())
        progress.setLabelText(label)
        progress.setRange(0, 0)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        if not cancellable:
            progress.setCancelButton(None)
        progress.setMinimumDuration(PROGRESS_DELAY_MS)
        progress.canceled.connect(self.cancel_import)
        self.progress = progress
        self.status.emit(label)
        return self._import_id

    def _end(self) -> None:
        self._running = False
        progress, self.progress = self.progress, None
        if progress is not None:
            progress.canceled.disconnect(self.cancel_import)
            progress.reset()
            progress.hide()
            progress.deleteLater()

    def _problem(self, exc: object) -> str:
        """What the writer reads about a failed import step."""
        if isinstance(exc, WRITER_ERRORS):
            return str(exc)
        log.error("import failed", exc_info=exc if isinstance(exc, BaseException) else None)
        return self.tr("Inkling could not import this file: {0}").format(exc)

    def shutdown(self) -> None:
        """Drop any running import's result and stop the import thread (a project being
        written is finished first, so no half-made folder is left)."""
        self._closed = True
        self._import_id += 1
        self._end()
        self._importer.shutdown(wait=False, cancel_futures=True)


def _read_and_split(source: Path) -> tuple[Path, str, SplitPreview, tuple[str, str]]:
    """On the import thread: the manuscript's text, its automatic split, and the title and
    author it names (a .docx's properties, else the file's name)."""
    text = read_manuscript(source)
    return source, text, split_preview(text), manuscript_details(source)


def _write_story(
    plan: ImportPlan, target: Path, title: str, author: str = ""
) -> tuple[Story, list[str]]:
    """On the import thread: the planned chapters and scenes as a new project at `target`,
    then read back as the window will show it (with its notes)."""
    check_new_story(target)
    story = plan.to_story(target, title)
    story.author = author
    write_new_story(story)
    return load_story(target)
