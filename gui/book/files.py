"""The open document's life: new, open, save, save as, close, recent, import, export, autosave.
Questions to the writer go through `Prompts` (prompts.py): tests answer them, the app asks."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QLocale, QTimer, Signal

from backend.formats.manuscript import check_new_story
from backend.storage.atomic import SaveError
from backend.storage.documents import (
    Document,
    DocumentError,
    EncodingProblem,
    changed_on_disk,
    read_document,
    save_document,
)
from backend.storage.recovery import (
    DocumentLock,
    LockError,
    RecoveryStore,
    StoryState,
)
from backend.storage.settings import Settings
from backend.story.project import STORY_SUFFIX, Story, new_story
from backend.story.project_read import load_story
from backend.story.project_save import save_story, write_new_story
from backend.story.snapshot_ops import copy_snapshots
from backend.story.snapshots import SnapshotError
from backend.untrusted import RefusedFile
from gui.book.new_project import NewProject
from gui.book.project import ProjectController
from gui.book.prompts import Prompts
from gui.book.recovery import DocumentRecovery, keep_story_state
from gui.book.transfer import BookTransfer
from gui.common.messages import translate_message
from gui.editor.editor import Editor

log = logging.getLogger(__name__)

# Unsaved work reaches the disk (a project's files, a text's recovery file; written on a
# background thread) once the writer pauses this long, and every AUTOSAVE_PERIOD_MS while
# they type on. At 2 s and 30 s, a crash lost the sentence typed last.
AUTOSAVE_IDLE_MS = 750
AUTOSAVE_PERIOD_MS = 5_000
MAX_NOTES_SHOWN = 12  # a damaged project can have a note per scene; the rest are counted


class DocumentController(DocumentRecovery):
    """Owns the current document, its lock, its recovery file and the autosave timers."""

    title_changed = Signal(str)
    status = Signal(str)
    saved = Signal(str)
    recent_changed = Signal()
    opened = Signal()
    story_closing = Signal(object)  # the folder of a story project being closed (saved)

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
        self.project = ProjectController(editor, lambda: editor.inserting)
        self.project.changed.connect(self.emit_title)
        self._plain_document = editor.document()
        self._project_save_failed.connect(self.project.mark_unsaved)
        self.transfer = BookTransfer(self, self)
        self.transfer.status.connect(self.status)
        # The bible, premise, genre and style shown for the document (set by the window).
        self.story_state: Callable[[], StoryState] = StoryState
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
        self._edited_since_autosave = False
        self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inkling-autosave")
        self.autosave_failed.connect(self.status)
        editor.modificationChanged.connect(self.emit_title)
        editor.contents_changed.connect(self._on_document_contents_change)

    # --- state ----------------------------------------------------------------------
    @property
    def story(self) -> Story | None:
        """The open story project (None for a plain text file)."""
        return self.project.story

    @property
    def modified(self) -> bool:
        """True when the editor holds changes not yet saved."""
        if self.story is not None:
            return self.project.modified
        return self._plain_document.isModified()

    def mark_changed(self) -> None:
        """The story's details (bible, style, goals) changed."""
        if self.story is not None:
            self.project.touch()
        else:
            self._plain_document.setModified(True)
        self._edited_since_autosave = True
        self.emit_title()
        self._idle.start()

    @property
    def has_unsaved_work(self) -> bool:
        """True when closing now would lose something the writer made."""
        if not self.modified:
            return False
        return self.story is not None or bool(self.plain_text()) or self.story_state().has_work

    @property
    def display_name(self) -> str:
        """The document's name for titles and prompts."""
        if self.story is not None:
            return self.story.title or self.story.folder.stem
        return self.doc.path.name if self.doc.path else self.tr("Untitled")

    @property
    def document_path(self) -> Path | None:
        """The plain text's file (None when it was never saved, or for a story)."""
        return self.doc.path if self.story is None else None

    def plain_text(self) -> str:
        """The plain text's words, from its own document whatever the editor shows: a save
        or an autosave never takes the text of something else (an empty scene view)."""
        return self._plain_document.toPlainText()

    def _check_plain_shown(self) -> None:
        """Without a story the editor shows the plain text, editable; put it back if not."""
        if self.story is not None:
            return
        if self.editor.document() is not self._plain_document or self.editor.locked_reason:
            log.warning("the editor was not showing the plain text; it is shown again")
            self.editor.show_document(self._plain_document)
            self.editor.set_locked("")
            self.emit_title()

    def emit_title(self, *_args: object) -> None:
        self.title_changed.emit(self.display_name)

    def _on_document_contents_change(self, _pos: int, removed: int, added: int) -> None:
        if removed or added:
            self._edited_since_autosave = True
            if not self.editor.inserting:
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
                story, notes = load_story(target)
                return self._show_opened(target, Document("", target / "story.toml"), story, notes)
            read = self._read_with_choice(target)
        except (DocumentError, RefusedFile, OSError) as exc:
            self._cannot_open(target, exc)
            return False
        return read is not None and self._show_opened(target, read, None, [])

    def reopen_last(self) -> bool:
        """At start-up: open the last project again (the first recent file, when it is a
        story folder that still exists). False when there is none or it did not open."""
        if not self.settings.recent_files:
            return False
        folder = Path(self.settings.recent_files[0])
        if folder.suffix != STORY_SUFFIX or not (folder / "story.toml").is_file():
            return False
        return self.open(str(folder))

    def new_project(self, details: NewProject | None = None) -> bool:
        """File → New Project: ask for the book's details (unless given), make
        `<where>/<title>.inkling` with chapter 1, scene 1, and open it."""
        details = details or self.prompts.new_project()
        if details is None:
            return False
        target = details.folder
        try:
            check_new_story(target)
            names = details.language or QLocale().name()  # automatic: the interface's
            story = new_story(target, title=details.title, language=names)
            story.author, story.language = details.author, details.language
            write_new_story(story)
            story, notes = load_story(target)
        except (DocumentError, SaveError, RefusedFile, OSError) as exc:
            self.prompts.error(self.tr("Cannot create the project"), self._problem_text(exc))
            return False
        return self.open_story(target, story, notes)

    def open_story(self, folder: Path, story: Story, notes: list[str]) -> bool:
        """Show a story project loaded elsewhere (an import loads it off the GUI thread)."""
        if not self.close_document():
            return False
        return self._show_opened(folder, Document("", folder / "story.toml"), story, notes)

    def _show_opened(
        self, target: Path, doc: Document, story: Story | None, notes: list[str]
    ) -> bool:
        try:
            lock = DocumentLock(doc.path or target)
            note = lock.acquire()
        except (LockError, RefusedFile, OSError) as exc:
            self._cannot_open(target, exc)
            return False
        self._set_document(doc, story, lock)
        for message in [*doc.notes, note]:
            if message:
                self.status.emit(translate_message(message))
        if notes:
            self.prompts.error(self.tr("Opened with problems"), self._notes_text(notes))
        self.settings.add_recent(str(target))
        self._persist()
        self.recent_changed.emit()
        return True

    def _cannot_open(self, target: Path, exc: Exception) -> None:
        # Worded as the backend words them, so they come translated (gui/common/messages.py).
        if isinstance(exc, FileNotFoundError):
            message = f"{target.name} does not exist (was it moved or deleted?)."
        else:
            message = self._problem_text(exc, target)
        self.prompts.error(self.tr("Cannot open"), message)

    @staticmethod
    def _problem_text(exc: Exception, target: Path | None = None) -> str:
        if isinstance(exc, OSError) and not isinstance(exc, SaveError):
            name = target.name if target is not None else exc.filename or ""
            return f"Could not read {name}: {exc.strerror or exc}."
        return str(exc)

    def _notes_text(self, notes: list[str]) -> str:
        """The notes from opening a project, the first few in full and the rest counted."""
        shown = [translate_message(n) for n in notes[:MAX_NOTES_SHOWN]]
        if len(notes) > MAX_NOTES_SHOWN:
            more = len(notes) - MAX_NOTES_SHOWN
            shown.append(self.tr("…and %n more problem(s) like these.", "", more))
        return "\n\n".join(shown)

    def save(self) -> bool:
        """Save to the current file, or ask where. Returns True on success."""
        self._check_plain_shown()
        if self.doc.path is None and self.story is None:
            return self.save_as()
        if changed_on_disk(self.doc) and not self.prompts.overwrite_changed(self.display_name):
            return False
        return self._write(self.doc.path)

    def save_as(self) -> bool:
        """Ask for a new place and save there."""
        self._check_plain_shown()
        # A bare name goes in the folder last saved to (gui/book/folders.py).
        suggested = str(self.doc.path) if self.doc.path else self.tr("Untitled") + ".md"
        path = self.prompts.save_path(suggested)
        if not path:
            return False
        return self._save_to(Path(path))

    def save_as_project(self) -> bool:
        """Turn the plain text into a story project: ask for the folder (a name ending in
        .inkling), make the text chapter 1, scene 1 and save it there now."""
        if self.story is not None:
            return True
        self._check_plain_shown()
        stem = self.doc.path.stem if self.doc.path else self.tr("Untitled")
        name = f"{stem}{STORY_SUFFIX}"
        suggested = str(self.doc.path.parent / name) if self.doc.path else name
        path = self.prompts.save_path(suggested, project=True)
        if not path:
            return False
        target = Path(path)
        if target.suffix != STORY_SUFFIX:
            target = target.with_name(target.name + STORY_SUFFIX)
        return self._save_to(target)

    def _save_to(self, target: Path) -> bool:
        old_key = self.doc.path
        if target.suffix == STORY_SUFFIX:
            if not self._become_project(target):
                return False
        elif self.story is not None:
            self.prompts.error(
                self.tr("Save failed"),
                self.tr(
                    "A story is saved as a folder whose name ends in .inkling. Use File → Export "
                    "for a single .docx, .epub, .md or .txt file."
                ),
            )
            return False
        ok = self._write(target if self.story is None else self.doc.path)
        if ok:
            self._discard_recovery(old_key)
            self._relock()
            self.settings.add_recent(str(self.story.folder if self.story else target))
            self._persist()
            self.recent_changed.emit()
        return ok

    def _become_project(self, target: Path) -> bool:
        """Save As a .inkling folder: a text becomes chapter 1, a story moves to `target`.
        False (and the writer is told) when `target` already holds something."""
        try:
            check_new_story(target)
        except DocumentError as exc:
            self.prompts.error(self.tr("Save failed"), str(exc))
            return False
        if self.story is not None:
            self.project.sync()
            with contextlib.suppress(SnapshotError, OSError):
                copy_snapshots(self.story.folder, target)  # the scenes keep their history
            self.story.folder = target
            self.project.mark_unsaved({s.id for _c, s in self.story.binder.scenes()})
        else:
            story = new_story(target, self.plain_text())
            state = self.story_state()  # the text's details go with it, before the docks
            story.style = dict(state.style)  # show the story's
            keep_story_state(story, state)
            self._plain_document.clear()  # its undo history would replay into the next text
            self._plain_document.setModified(False)
            self.project.bind(story)
            self.project.mark_unsaved({s.id for _c, s in story.binder.scenes()})
            self.opened.emit()
        self.doc = Document("", target / "story.toml")
        return True

    def close_document(self) -> bool:
        """Ask to save unsaved changes; False if the writer cancelled."""
        if self.has_unsaved_work:
            answer = self.prompts.save_changes(self.display_name)
            if answer == "cancel":
                return False
            if answer == "save" and not self.save():
                return False
        if self.story is not None:
            if not self.modified:
                self._keep_view()
            self.story_closing.emit(self.story.folder)
        self._discard_recovery(self.doc.path)
        if self.lock is not None:
            self.lock.release()
            self.lock = None
        return True

    def _keep_view(self) -> None:
        """Nothing is unsaved, but the writer may have moved to another scene or place
        since the last save: story.toml keeps where they left off."""
        story = self.story
        if story is None:
            return
        scene, cursor = story.view_scene, story.view_cursor
        self._note_view()
        if (scene, cursor) == (story.view_scene, story.view_cursor):
            return
        self.flush()
        try:
            save_story(story, set())
        except (SaveError, RefusedFile, OSError) as exc:
            log.warning("where the writer left off was not kept: %s", exc)

    def _restore_view(self, story: Story) -> None:
        """Show the scene and cursor the project was left at (the first scene when that
        scene is gone or cannot be shown)."""
        live = {s.id for _c, s in story.binder.scenes()}
        if story.view_scene in live and story.view_scene != self.project.current:
            self.project.open_scene(story.view_scene)
        if not story.view_cursor or self.project.current != story.view_scene:
            return
        cursor = self.editor.textCursor()
        last = max(0, self.editor.document().characterCount() - 1)
        cursor.setPosition(min(story.view_cursor, last))
        self.editor.setTextCursor(cursor)
        self.editor.centerCursor()

    def flush(self) -> None:
        """Wait until every queued recovery write or discard has finished."""
        future = self.submit(lambda: None)
        if future is not None:
            future.result()

    def shutdown(self) -> None:
        """Finish pending recovery writes and stop the background writer."""
        self._closed = True
        self._idle.stop()
        self._period.stop()
        self.transfer.shutdown()
        self._io.shutdown(wait=True)

    def submit(self, fn: Callable[..., object], *args: object) -> Future | None:
        """Run `fn` on the background writer, after every write queued before it."""
        if self._closed:
            return None
        return self._io.submit(fn, *args)

    # --- helpers --------------------------------------------------------------------
    def _read_with_choice(self, path: Path) -> Document | None:
        try:
            return read_document(path)
        except EncodingProblem as problem:
            choice = self.prompts.encoding(str(problem), problem.candidates)
            if choice is None:
                return None
            if choice == "replace":
                return read_document(path, replace=True)
            return read_document(path, encoding=choice)

    def _write(self, target: Path | None) -> bool:
        try:
            if self.story is not None:
                self.flush()  # an autosave in flight finishes first
                changed = self._prepare_project_save()
                save_story(self.story, changed)
                self.project.mark_saved(changed)
            else:
                self._check_plain_shown()
                save_document(self.doc, self.plain_text(), target)
                self._plain_document.setModified(False)
        except (SaveError, RefusedFile) as exc:
            self.prompts.error(
                self.tr("Save failed"), self.tr("{0}\n\nYou can save to another place.").format(exc)
            )
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
        self.doc, self.lock = doc, lock
        self.editor.clear_ghost()
        self.project.bind(story)
        if story is None:
            self.editor.show_document(self._plain_document)
            self.editor.set_locked("")
            self.editor.setPlainText(doc.text)
        else:
            self._restore_view(story)
        self.editor.document().setModified(False)
        self.emit_title()
        self.opened.emit()

    def _persist(self) -> None:
        if callable(self._persist_settings):
            self._persist_settings()
