"""Snapshots and backups of the open story, kept on a thread of their own.

Snapshots are taken before the model's work changes a scene (a continuation, a rewrite,
replace-all, a restored version), at the first change to each scene in a writing session,
and on demand. Backups zip the project on demand and when a changed project is closed.
Both run in one helper process, in the order they were asked for: zipping a book or
comparing two versions of a long scene is Python work, and on a thread of this process it
would hold the interpreter lock in slices that the window's event handling waits behind
(typing stalled by up to 70 ms while a backup ran). The texts are copied on the GUI thread
when a snapshot is asked for; only plain data crosses to the helper and back.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from backend.storage.paths import AppPaths
from backend.storage.settings import Settings
from backend.story.backup import Backup, back_up_and_rotate, back_up_if_changed, backup_place
from backend.story.backup_restore import restore
from backend.story.project import STORY_SUFFIX
from backend.story.snapshot_ops import Version, history_of, snapshot_scenes, version_of
from backend.story.snapshots import History, Snapshot
from gui.book.files import DocumentController
from gui.book.project import ProjectController
from gui.common.messages import translate_message

log = logging.getLogger(__name__)


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


class Keeping(QObject):
    """Takes snapshots, reads history, backs up and restores, off the GUI thread."""

    message = Signal(str, int)
    problem = Signal(str, str)  # title and message for something the writer asked for
    backed_up = Signal(object)  # the Backup
    restored = Signal(str)  # the new project folder
    history_ready = Signal(str, object)  # scene id, History
    version_ready = Signal(object)  # Version
    _delivered = Signal(object, object, object)  # callback, result, exception
    _saved_for_backup = Signal(object)  # the project folder, once its changes are on disk

    def __init__(
        self,
        documents: DocumentController,
        paths: AppPaths,
        persist_settings: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(documents)
        self.documents = documents
        self.project: ProjectController = documents.project
        self.paths = paths
        self.settings = Settings()
        self.persist_settings = persist_settings
        self._pool: Executor = _new_pool()
        self._closed = False
        self._pending = 0
        self._delivered.connect(self._on_delivered)
        self._saved_for_backup.connect(self._on_saved_for_backup)
        self.project.before_change.connect(self.keep)
        documents.story_closing.connect(self._on_story_closing)

    # --- running on the thread ---------------------------------------------------------
    def _run(
        self, work: Callable[..., object], *args: object, then: Callable[[object, object], None]
    ) -> Future | None:
        if self._closed:
            return None
        self._pending += 1
        try:
            future = self._pool.submit(work, *args)
        except BrokenProcessPool:
            # The helper process died (killed, out of memory): start another one.
            log.warning("the keeping process had stopped; starting a new one")
            self._pool = _new_pool()
            future = self._submit_or_thread(work, *args)
        except (RuntimeError, OSError) as exc:
            future = self._on_thread_instead(exc, work, *args)
        future.add_done_callback(lambda f: self._delivered.emit(then, *_outcome(f)))
        return future

    def _submit_or_thread(self, work: Callable[..., object], *args: object) -> Future:
        try:
            return self._pool.submit(work, *args)
        except (BrokenProcessPool, RuntimeError, OSError) as exc:
            return self._on_thread_instead(exc, work, *args)

    def _on_thread_instead(
        self, exc: BaseException, work: Callable[..., object], *args: object
    ) -> Future:
        """No helper process can start here (a script without a main guard, no processes
        left): keep snapshots and backups working on a thread of this process instead."""
        log.warning("snapshots and backups run on a thread: no helper process (%s)", exc)
        with contextlib.suppress(Exception):
            self._pool.shutdown(wait=False, cancel_futures=False)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inkling-keep")
        return self._pool.submit(work, *args)

    @Slot(object, object, object)
    def _on_delivered(self, then: object, result: object, exc: object) -> None:
        self._pending -= 1
        if callable(then):
            then(result, exc)

    @property
    def busy(self) -> bool:
        """True while a snapshot, backup or restore is queued or running."""
        return self._pending > 0

    def flush(self) -> None:
        """Wait for everything queued so far (tests, and the window before it closes)."""
        if not self._closed:
            self._pool.submit(_nothing).result()

    def shutdown(self) -> None:
        """Finish what is queued (a backup on close included) and stop the thread."""
        self._closed = True
        self._pool.shutdown(wait=True)

    # --- snapshots -------------------------------------------------------------------
    @Slot(object, str)
    def keep(self, items: list[tuple[str, str]], cause: str, name: str = "") -> None:
        """Snapshot these (scene id, text) pairs of the open story, on the thread."""
        story = self.project.story
        if story is None or not items:
            return
        limit = self.settings.keeping.snapshot_limit_mb
        self._run(
            snapshot_scenes,
            story.folder,
            list(items),
            cause,
            name,
            limit,
            then=lambda result, exc: self._on_kept(result, exc, bool(name)),
        )

    def _on_kept(self, result: object, exc: object, named: bool) -> None:
        problems = result[1] if isinstance(result, tuple) else [str(exc)]
        if problems:
            text = translate_message(str(problems[0]))
            self.message.emit(self.tr("Snapshot not kept: {0}").format(text), 10000)
        elif named and isinstance(result, tuple):
            taken = len(result[0])
            self.message.emit(
                self.tr("Snapshot taken.") if taken else self.tr("Nothing to snapshot."), 4000
            )

    def take_snapshot(self) -> None:
        """Book → Take Snapshot: the current scene, with a name if the writer gives one."""
        if self.project.story is None or not self.project.current:
            self.message.emit(self.tr("Snapshots belong to the scenes of a story project."), 6000)
            return
        name = self.documents.prompts.text(
            self.tr("Take snapshot"), self.tr("A name for this version (optional):")
        )
        if name is None:
            return
        scene_id = self.project.current
        text = self.project.text_of(scene_id)
        self.keep([(scene_id, text)], "manual", name.strip() or self.tr("Snapshot"))

    def load_history(self, scene_id: str) -> None:
        """Read a scene's snapshots on the thread; history_ready brings them."""
        story = self.project.story
        if story is None:
            return
        self._run(
            history_of,
            story.folder,
            scene_id,
            then=lambda result, exc: self.history_ready.emit(
                scene_id, result if isinstance(result, History) else _failed(scene_id, exc)
            ),
        )

    def load_version(self, snapshot: Snapshot, current: str) -> None:
        """A snapshot's text and its word diff against `current`, on the thread."""
        story = self.project.story
        if story is None:
            return
        self._run(
            version_of,
            story.folder,
            snapshot,
            current,
            then=lambda result, exc: self.version_ready.emit(
                result if isinstance(result, Version) else Version(snapshot, problem=str(exc))
            ),
        )

    def restore_version(self, scene_id: str, text: str) -> bool:
        """Put a snapshot's text back into a live scene as one undo step; the text it
        replaces is kept as a snapshot first. False when the scene cannot take it."""
        project = self.project
        if project.story is None or project.refuses_while_busy():
            return False
        try:
            scene = project.binder.scene(scene_id)
        except KeyError:
            self.message.emit(
                self.tr("Restore the scene from the trash first, then its version."), 6000
            )
            return False
        if scene.problem:
            self.message.emit(project.problem_of(scene_id), 6000)
            return False
        current = project.text_of(scene_id)
        if current == text:
            self.message.emit(self.tr("The scene already reads like this version."), 4000)
            return True
        project.keep_before([scene_id], "restore")
        doc = project.document(scene_id)
        project.apply_edits(scene_id, [(0, doc.characterCount() - 1, text)])
        project.changed.emit()
        self.documents.mark_changed()
        self.message.emit(self.tr("Version restored (Undo takes it back)."), 6000)
        return True

    # --- backups ---------------------------------------------------------------------
    def backup_folder(self) -> Path:
        """Where the open project's backups go."""
        story = self.project.story
        if story is None:
            return Path(self.settings.keeping.backup_folder or self.paths.backups)
        return backup_place(self.settings, self.paths, story.folder)[0]

    def back_up_now(self) -> None:
        """File → Back Up Now: save in the background, then zip the project."""
        story = self.project.story
        if story is None:
            self.message.emit(self.tr("Backups are made of story projects."), 6000)
            return
        self.message.emit(self.tr("Backing up…"), 0)
        self._pending += 1  # busy from now: the save comes first
        self.documents.autosave()  # a story saves its changes on the background writer
        waiter = self.documents.submit(_nothing)  # runs once that save is on disk
        if waiter is None:
            self._saved_for_backup.emit(story.folder)
        else:
            folder = story.folder
            waiter.add_done_callback(lambda _f: self._saved_for_backup.emit(folder))

    @Slot(object)
    def _on_saved_for_backup(self, folder: object) -> None:
        self._pending -= 1
        self._run(back_up_and_rotate, folder, self.settings, self.paths, then=self._on_backed_up)

    def _on_backed_up(self, result: object, exc: object, asked: bool = True) -> None:
        if isinstance(result, tuple) and isinstance(result[0], Backup):
            made: Backup = result[0]
            self.message.emit(
                self.tr("Backed up to {0} ({1}).").format(made.path, _size(made.size)), 8000
            )
            self.backed_up.emit(made)
            return
        if result is None and exc is None:
            return  # nothing changed since the last backup
        reason = translate_message(str(exc))
        self.message.emit(self.tr("Backup failed: {0}").format(reason), 15000)
        if asked:
            self.problem.emit(
                self.tr("Backup failed"),
                self.tr("{0}\n\nYour project is untouched; keep writing.").format(reason),
            )

    @Slot(object)
    def _on_story_closing(self, folder: object) -> None:
        if not self.settings.keeping.backup_on_close or not isinstance(folder, Path):
            return
        self._run(
            back_up_if_changed,
            folder,
            self.settings,
            self.paths,
            then=lambda result, exc: self._on_backed_up(result, exc, asked=False),
        )

    def choose_backup_folder(self) -> None:
        """File → Backup Folder: where this project's backups go."""
        story = self.project.story
        if story is None:
            self.message.emit(self.tr("Backups are made of story projects."), 6000)
            return
        chosen = self.documents.prompts.folder_path(
            self.tr("Backup folder for {0}").format(self.documents.display_name),
            str(self.backup_folder()),
        )
        if not chosen:
            return
        key = str(story.folder.resolve())
        self.settings.keeping.project_backup_folders[key] = chosen
        self.persist_settings()
        self.message.emit(self.tr("Backups of this story go to {0}.").format(chosen), 6000)

    def restore_from_backup(self) -> None:
        """File → Restore from Backup: unpack a chosen backup into a new project folder
        beside the open one (never over it), then open it."""
        path = self.documents.prompts.backup_path(str(self.backup_folder()))
        if not path:
            return
        source = Path(path)
        story = self.project.story
        parent = story.folder.parent if story is not None else source.parent
        target = _free_name(parent, f"{source.stem} (restored)")
        self.message.emit(self.tr("Restoring {0}…").format(source.name), 0)
        self._run(restore, source, target, then=self._on_restored)

    def _on_restored(self, result: object, exc: object) -> None:
        if not isinstance(result, Path):
            reason = translate_message(str(exc))
            self.message.emit(self.tr("Not restored: {0}").format(reason), 10000)
            self.problem.emit(self.tr("Restore failed"), reason)
            return
        self.message.emit(
            self.tr("Restored into {0}; the project you had open was not changed.").format(result),
            10000,
        )
        self.restored.emit(str(result))
        self.documents.open(str(result))


def _new_pool() -> ProcessPoolExecutor:
    """One helper process, started from a fresh interpreter (never forked from the
    window's, whose Qt and model threads a fork would copy half-way)."""
    return ProcessPoolExecutor(
        max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_low_priority
    )


def _low_priority() -> None:
    """The helper gives way to the window when both want the processor."""
    with contextlib.suppress(OSError, AttributeError):
        os.nice(10)


def _nothing() -> None:
    return None


def _outcome(future: Future) -> tuple[object, object]:
    exc = future.exception()
    return (None, exc) if exc is not None else (future.result(), None)


def _failed(scene_id: str, exc: object) -> History:
    return History(scene_id, notes=[str(exc)])


def _free_name(parent: Path, stem: str) -> Path:
    """`parent/<stem>.inkling`, or with ' 2', ' 3'… when that exists."""
    candidate = parent / f"{stem}{STORY_SUFFIX}"
    n = 2
    while candidate.exists():
        candidate = parent / f"{stem} {n}{STORY_SUFFIX}"
        n += 1
    return candidate
