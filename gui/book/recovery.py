"""Autosave, recovery files and hot exit for the open document: the part of
`DocumentController` (gui/book/files.py) that keeps unsaved work safe between saves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtGui import QTextDocument

from backend.storage.atomic import SaveError
from backend.storage.documents import Document, DocumentError, read_document
from backend.storage.recovery import DocumentLock, Recovery, RecoveryStore, StoryState
from backend.story.project import Story
from backend.story.project_save import plan_save, run_save
from backend.untrusted import RefusedFile
from gui.book.project import ProjectController
from gui.book.prompts import Prompts
from gui.common.i18n import QT_TRANSLATE_NOOP
from gui.editor.editor import Editor

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    """Translated in the context these strings had in `DocumentController`."""
    return QCoreApplication.translate("DocumentController", text)


# Marked here so that lupdate keeps it in that context.
AUTOSAVE_FAILED = QT_TRANSLATE_NOOP("DocumentController", "Autosave failed: {0}")


class DocumentRecovery(QObject):
    """Autosave and recovery for `DocumentController`, which sets up the state used here."""

    autosave_failed = Signal(str)
    restored = Signal(object)  # the StoryState that came back with a recovered text
    _project_save_failed = Signal(object)

    editor: Editor
    recovery: RecoveryStore
    prompts: Prompts
    project: ProjectController
    doc: Document
    lock: DocumentLock | None
    story_state: Callable[[], StoryState]
    _idle: QTimer
    _period: QTimer
    _closed: bool
    _edited_since_autosave: bool
    _plain_document: QTextDocument

    if TYPE_CHECKING:

        @property
        def story(self) -> Story | None: ...
        @property
        def modified(self) -> bool: ...
        @property
        def has_unsaved_work(self) -> bool: ...
        def emit_title(self, *_args: object) -> None: ...
        def plain_text(self) -> str: ...
        def _check_plain_shown(self) -> None: ...
        def close_document(self) -> bool: ...
        def flush(self) -> None: ...
        def shutdown(self) -> None: ...
        def submit(self, fn: Callable[..., object], *args: object) -> Future | None: ...
        def _set_document(
            self, doc: Document, story: Story | None, lock: DocumentLock | None = None
        ) -> None: ...

    def autosave(self) -> None:
        """Write unsaved work to the recovery file (never to the document itself).

        The text is copied here; the write and fsync happen on a background thread, so a
        slow disk never freezes typing. Writes and discards run in order on that thread.
        """
        self._idle.stop()
        if not self.modified:
            return
        if self.story is not None:
            self._autosave_project()
            return
        self._check_plain_shown()
        future = self.submit(
            self.recovery.write, self.doc.path, self.plain_text(), self.story_state()
        )
        if future is not None:
            future.add_done_callback(self._on_autosave_done)
        self._edited_since_autosave = False

    def _autosave_project(self) -> None:
        """A story saves itself: the changed scenes are copied here and written in the
        background, the way Scrivener and novelWriter keep a project on disk."""
        if self.story is None:
            return
        changed = self._prepare_project_save()
        try:
            plan = plan_save(self.story, changed)
        except (SaveError, RefusedFile) as exc:
            self.autosave_failed.emit(_tr(AUTOSAVE_FAILED).format(exc))
            return
        self.project.mark_saved(changed)
        self.emit_title()
        future = self.submit(run_save, plan)
        if future is not None:
            future.add_done_callback(lambda f: self._on_project_autosave_done(f, changed))

    def _on_project_autosave_done(self, future: Future, changed: set[str]) -> None:
        exc = future.exception()
        if exc is not None:
            self._project_save_failed.emit(changed)
            self.autosave_failed.emit(_tr(AUTOSAVE_FAILED).format(exc))

    def _prepare_project_save(self) -> set[str]:
        story = self.story
        assert story is not None
        keep_story_state(story, self.story_state())
        self.project.sync()
        story.history = dict(self.project.progress.history)
        story.goals = self.project.progress.goals()
        self._note_view()
        return self.project.changed_ids()

    def _note_view(self) -> None:
        """Where the writer is (the scene shown, the cursor in it), for story.toml."""
        story = self.story
        if story is None:
            return
        current = self.project.current
        shown = self.project.docs.get(current)
        if not current or shown is None or self.editor.document() is not shown:
            return
        story.view_scene = current
        story.view_cursor = self.editor.textCursor().position()

    def _on_autosave_done(self, future: Future) -> None:
        exc = future.exception()
        if exc is not None:
            self.autosave_failed.emit(_tr(AUTOSAVE_FAILED).format(exc))

    def _discard_recovery(self, path: Path | None) -> None:
        self.submit(self.recovery.discard, path)

    def restore(self, rec: Recovery) -> None:
        """Put recovered text into the editor (as unsaved changes to its document)."""
        path = Path(rec.document) if rec.document else None
        doc = Document("", path)
        if path is not None and path.exists():
            try:
                doc = read_document(path, replace=True)
            except (DocumentError, RefusedFile, OSError):
                doc = Document("", path)
        self._set_document(doc, None)
        self.editor.selectAll()
        self.editor.insertPlainText(rec.text)
        self.restored.emit(rec.story)
        self._plain_document.setModified(True)
        self.submit(self.recovery.discard_file, rec.file)
        self.autosave()

    def offer_recovery(self) -> None:
        """After a crash or a hot exit, offer the unsaved work found in recovery files."""
        for rec in self.recovery.pending():
            answer = self.prompts.recover(rec)
            if answer == "restore":
                if self.close_document():
                    self.restore(rec)
                return
            if answer == "discard":
                self.recovery.discard_file(rec.file)

    def hot_exit(self) -> None:
        """Logout or a polite kill: keep the unsaved work for the next start, ask nothing.

        Runs on the GUI thread and waits for the writes, so the process may end right after.
        A story project saves itself in place; a text goes to its recovery file (written
        again only if something changed since the last autosave). The lock is released.
        """
        self._idle.stop()
        self._period.stop()
        if not self._closed:
            self.flush()  # an autosave in flight finishes first
        try:
            if self.story is not None and self.project.modified:
                changed = self._prepare_project_save()
                run_save(plan_save(self.story, changed))
                self.project.mark_saved(changed)
            elif self.story is None and self.has_unsaved_work and self._recovery_stale():
                self.recovery.write(self.doc.path, self.plain_text(), self.story_state())
        except (SaveError, RefusedFile, OSError):
            log.exception("hot exit could not keep the unsaved work")
        if self.lock is not None:
            self.lock.release()
            self.lock = None
        self.shutdown()

    def _recovery_stale(self) -> bool:
        """True if the text or bible changed after the last autosave (or there was none)."""
        return self._edited_since_autosave or not self.recovery.path_for(self.doc.path).exists()


def keep_story_state(story: Story, state: StoryState) -> None:
    """The docks' bible, premise, author's note and genre, into the story that keeps them."""
    story.characters, story.background = state.characters, state.background
    story.premise = state.premise or story.premise
    story.authors_note = state.authors_note
    if state.genre:
        story.style["genre"] = state.genre
