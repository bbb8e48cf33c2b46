"""The open document's life: new, open, save, save as, close, recent, export, autosave.

Questions to the writer go through a `Prompts` object, so tests can answer them and the
app shows real dialogs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from backend.storage.atomic import SaveError
from backend.storage.documents import (
    STORY_SUFFIX,
    Document,
    DocumentError,
    EncodingProblem,
    Story,
    changed_on_disk,
    export_text,
    load_story,
    read_document,
    save_document,
    save_story,
)
from backend.storage.recovery import DocumentLock, LockError, Recovery, RecoveryStore
from backend.storage.settings import Settings
from gui.editor import Editor

log = logging.getLogger(__name__)

AUTOSAVE_IDLE_MS = 2000
AUTOSAVE_PERIOD_MS = 30_000
OPEN_FILTER = "Stories and text (*.txt *.md *.markdown story.toml);;All files (*)"


class Prompts:
    """Real dialogs; tests substitute an object with the same methods."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def save_changes(self, name: str) -> str:
        """'save', 'discard' or 'cancel'."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Unsaved changes",
            f"Save the changes to {name} before closing it?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self.parent,
        )
        answer = box.exec()
        return {
            QMessageBox.StandardButton.Save: "save",
            QMessageBox.StandardButton.Discard: "discard",
        }.get(QMessageBox.StandardButton(answer), "cancel")

    def open_path(self) -> str:
        """A file to open ('' for none)."""
        return QFileDialog.getOpenFileName(self.parent, "Open", "", OPEN_FILTER)[0]

    def save_path(self, suggested: str) -> str:
        """Where to save ('' for cancel). A name ending in .inkling makes a story project."""
        return QFileDialog.getSaveFileName(
            self.parent,
            "Save as",
            suggested,
            "Markdown (*.md);;Plain text (*.txt);;Inkling story folder (*.inkling)",
        )[0]

    def export_path(self, markdown: bool) -> str:
        """Where to export the manuscript."""
        kind = "Markdown (*.md)" if markdown else "Plain text (*.txt)"
        return QFileDialog.getSaveFileName(self.parent, "Export", "", kind)[0]

    def encoding(self, message: str) -> str | None:
        """'cp1252', 'replace' or None (do not open)."""
        choices = ["Open as Windows-1252", "Open with replacement characters (�)"]
        choice, ok = QInputDialog.getItem(self.parent, "Not UTF-8", message, choices, 0, False)
        if not ok:
            return None
        return "cp1252" if choice == choices[0] else "replace"

    def overwrite_changed(self, name: str) -> bool:
        """The file changed on disk since it was opened: overwrite it anyway?"""
        answer = QMessageBox.question(
            self.parent,
            "File changed on disk",
            f"{name} was changed by another program since you opened it. Overwrite it?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def recover(self, rec: Recovery) -> str:
        """'restore', 'discard' or 'later' for one recovery file, with a preview."""
        box = QMessageBox(self.parent)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle("Recover unsaved work")
        box.setText(f"Inkling found unsaved work on {rec.title} from an earlier session.")
        box.setInformativeText("…" + rec.preview(300))
        box.setDetailedText(rec.text[-5000:])
        restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Decide later", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        clicked = box.clickedButton()
        return "restore" if clicked is restore else "discard" if clicked is discard else "later"

    def error(self, title: str, message: str) -> None:
        """Tell the writer something went wrong."""
        QMessageBox.warning(self.parent, title, message)


class DocumentController(QObject):
    """Owns the current document, its lock, its recovery file and the autosave timers."""

    title_changed = Signal(str)
    status = Signal(str)
    saved = Signal(str)
    recent_changed = Signal()
    autosave_failed = Signal(str)
    opened = Signal()

    def __init__(
        self,
        editor: Editor,
        settings: Settings,
        recovery: RecoveryStore,
        prompts: Prompts,
        persist_settings: object,
    ) -> None:
        super().__init__(editor)
        self.editor = editor
        self.settings = settings
        self.recovery = recovery
        self.prompts = prompts
        self._persist_settings = persist_settings
        self.doc = Document("")
        self.story: Story | None = None
        self.bible_provider: Callable[[], tuple[list, list, str, str]] | None = None
        self.lock: DocumentLock | None = None
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(AUTOSAVE_IDLE_MS)
        self._idle.timeout.connect(self.autosave)
        self._period = QTimer(self)
        self._period.setInterval(AUTOSAVE_PERIOD_MS)
        self._period.timeout.connect(self.autosave)
        self._period.start()
        self._closed = False
        self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inkling-autosave")
        self.autosave_failed.connect(self.status)
        editor.document().modificationChanged.connect(self.emit_title)
        editor.document().contentsChange.connect(self._on_document_contents_change)

    # --- state ----------------------------------------------------------------------
    @property
    def modified(self) -> bool:
        """True when the editor holds changes not yet saved."""
        return self.editor.document().isModified()

    @property
    def display_name(self) -> str:
        """The document's name for titles and prompts."""
        if self.story is not None:
            return self.story.title or self.story.folder.stem
        return self.doc.path.name if self.doc.path else "Untitled"

    def emit_title(self, *_args: object) -> None:
        self.title_changed.emit(self.display_name)

    def _on_document_contents_change(self, _pos: int, removed: int, added: int) -> None:
        if (removed or added) and not self.editor.inserting:
            self._idle.start()

    # --- commands -------------------------------------------------------------------
    def new(self) -> bool:
        """Close the current document (asking to save) and start an empty one."""
        if not self.close_document():
            return False
        self._set_document(Document(""), None)
        return True

    def open(self, path: str | None = None) -> bool:
        """Open a text file or a story project; returns True if one was opened."""
        path = path or self.prompts.open_path()
        if not path:
            return False
        target = Path(path)
        if target.name == "story.toml":
            target = target.parent
        if not self.close_document():
            return False
        try:
            if target.is_dir():
                story, doc = load_story(target)
            else:
                story, read = None, self._read_with_choice(target)
                if read is None:
                    return False
                doc = read
            lock = DocumentLock(doc.path or target)
            note = lock.acquire()
        except (DocumentError, LockError) as exc:
            self.prompts.error("Cannot open", str(exc))
            return False
        self._set_document(doc, story, lock)
        for message in [*doc.notes, note]:
            if message:
                self.status.emit(message)
        self.settings.add_recent(str(target))
        self._persist()
        self.recent_changed.emit()
        return True

    def save(self) -> bool:
        """Save to the current file, or ask where. Returns True on success."""
        if self.doc.path is None and self.story is None:
            return self.save_as()
        if changed_on_disk(self.doc) and not self.prompts.overwrite_changed(self.display_name):
            return False
        return self._write(self.doc.path)

    def save_as(self) -> bool:
        """Ask for a new place and save there."""
        suggested = str(self.doc.path) if self.doc.path else "Untitled.md"
        path = self.prompts.save_path(suggested)
        if not path:
            return False
        target = Path(path)
        old_key = self.doc.path
        if target.suffix == STORY_SUFFIX:
            old = self.story
            self.story = Story(target, title=target.stem)
            if old is not None:
                self.story.notes, self.story.style = old.notes, old.style
            self.doc = Document(self.editor.toPlainText(), target / "manuscript.md")
        else:
            self.story = None
        ok = self._write(target if self.story is None else self.doc.path)
        if ok:
            self._discard_recovery(old_key)
            self._relock()
            self.settings.add_recent(str(self.story.folder if self.story else target))
            self._persist()
            self.recent_changed.emit()
        return ok

    def export(self, markdown: bool) -> bool:
        """Export the manuscript as Markdown or plain text."""
        path = self.prompts.export_path(markdown)
        if not path:
            return False
        try:
            export_text(self.editor.toPlainText(), Path(path), markdown)
        except SaveError as exc:
            self.prompts.error("Export failed", str(exc))
            return False
        self.status.emit(f"Exported to {path}")
        return True

    def close_document(self) -> bool:
        """Ask to save unsaved changes; False if the writer cancelled."""
        if self.modified and self.editor.toPlainText():
            answer = self.prompts.save_changes(self.display_name)
            if answer == "cancel":
                return False
            if answer == "save" and not self.save():
                return False
        self._discard_recovery(self.doc.path)
        if self.lock is not None:
            self.lock.release()
            self.lock = None
        return True

    def autosave(self) -> None:
        """Write unsaved work to the recovery file (never to the document itself).

        The text is copied here; the write and fsync happen on a background thread, so a
        slow disk never freezes typing. Writes and discards run in order on that thread.
        """
        self._idle.stop()
        if not self.modified:
            return
        future = self._submit(self.recovery.write, self.doc.path, self.editor.toPlainText())
        if future is not None:
            future.add_done_callback(self._on_autosave_done)

    def _on_autosave_done(self, future: Future) -> None:
        exc = future.exception()
        if exc is not None:
            self.autosave_failed.emit(f"Autosave failed: {exc}")

    def flush(self) -> None:
        """Wait until every queued recovery write or discard has finished."""
        future = self._submit(lambda: None)
        if future is not None:
            future.result()

    def shutdown(self) -> None:
        """Finish pending recovery writes and stop the background writer."""
        self._closed = True
        self._idle.stop()
        self._period.stop()
        self._io.shutdown(wait=True)

    def _submit(self, fn: Callable[..., object], *args: object) -> Future | None:
        if self._closed:
            return None
        return self._io.submit(fn, *args)

    def _discard_recovery(self, path: Path | None) -> None:
        self._submit(self.recovery.discard, path)

    def restore(self, rec: Recovery) -> None:
        """Put recovered text into the editor (as unsaved changes to its document)."""
        path = Path(rec.document) if rec.document else None
        doc = Document("", path)
        if path is not None and path.exists():
            try:
                doc = read_document(path, replace=True)
            except DocumentError:
                doc = Document("", path)
        self._set_document(doc, None)
        self.editor.selectAll()
        self.editor.insertPlainText(rec.text)
        self.editor.document().setModified(True)
        self._submit(self.recovery.discard_file, rec.file)
        self.autosave()

    # --- helpers --------------------------------------------------------------------
    def _read_with_choice(self, path: Path) -> Document | None:
        try:
            return read_document(path)
        except EncodingProblem as problem:
            choice = self.prompts.encoding(str(problem))
            if choice is None:
                return None
            if choice == "replace":
                return read_document(path, replace=True)
            return read_document(path, encoding=choice)

    def _write(self, target: Path | None) -> bool:
        text = self.editor.toPlainText()
        try:
            if self.story is not None:
                if self.bible_provider is not None:
                    characters, background, premise, genre = self.bible_provider()
                    self.story.characters, self.story.background = characters, background
                    self.story.premise = premise or self.story.premise
                    if genre:
                        self.story.style["genre"] = genre
                save_story(self.story, self.doc, text)
            else:
                save_document(self.doc, text, target)
        except SaveError as exc:
            self.prompts.error("Save failed", f"{exc}\n\nYou can save to another place.")
            return False
        self.editor.document().setModified(False)
        self._discard_recovery(self.doc.path)
        self._discard_recovery(None)
        self.emit_title()
        self.saved.emit(str(self.doc.path))
        return True

    def _relock(self) -> None:
        if self.lock is not None:
            self.lock.release()
        self.lock = DocumentLock(self.doc.path) if self.doc.path else None
        if self.lock is not None:
            try:
                self.lock.acquire()
            except LockError as exc:
                self.status.emit(str(exc))
                self.lock = None

    def _set_document(
        self, doc: Document, story: Story | None, lock: DocumentLock | None = None
    ) -> None:
        self.doc, self.story, self.lock = doc, story, lock
        self.editor.clear_ghost()
        self.editor.setPlainText(doc.text)
        self.editor.document().setModified(False)
        self.emit_title()
        self.opened.emit()

    def _persist(self) -> None:
        if callable(self._persist_settings):
            self._persist_settings()
