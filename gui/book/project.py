"""The open story project in the window: one QTextDocument per opened scene, switching
between scenes, structural changes with undo, and live counts kept off the typing path.

Each scene keeps its own document, so its undo history survives switching away and a
book-wide replace is one undo step in each scene it touched.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QTextDocument

from backend.story.binder import Binder, BinderError, Chapter, Scene
from backend.story.progress import Progress
from backend.story.project import Story
from backend.text.counts import word_count
from gui.common.i18n import QT_TRANSLATE_NOOP
from gui.common.messages import translate_message
from gui.editor.editor import Editor, edit_document, new_text_document, python_index

COUNT_DELAY_MS = 400
NO_PROJECT = QT_TRANSLATE_NOOP(
    "ProjectController",
    "Chapters and scenes belong to a story project: use Book → New Chapter, or Save As with a "
    "name ending in .inkling.",
)


class ProjectController(QObject):
    """Owns the scene documents of the open story and which scene the editor shows."""

    scene_opened = Signal(str)
    structure_changed = Signal()
    counts_changed = Signal()
    changed = Signal()
    message = Signal(str)
    # (scene id, text) pairs about to change, and why: a snapshot keeps each text first.
    before_change = Signal(object, str)

    def __init__(self, editor: Editor, busy: Callable[[], bool] = lambda: False) -> None:
        super().__init__(editor)
        self.editor = editor
        self.busy = busy
        self.story: Story | None = None
        self.current = ""
        self.docs: dict[str, QTextDocument] = {}
        self.counts: dict[str, int] = {}
        self.progress = Progress()
        self.binder_dirty = False
        self._dirty: set[str] = set()
        self._kept_this_session: set[str] = set()
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self.recount_current)
        editor.contents_changed.connect(self._on_editor_contents_changed)

    # --- binding --------------------------------------------------------------------
    @property
    def binder(self) -> Binder:
        """The open story's structure (an empty one when none is open)."""
        return self.story.binder if self.story is not None else Binder()

    def bind(self, story: Story | None) -> None:
        """Show `story` (None: no project is open)."""
        self._count_timer.stop()
        self.story = story
        self.docs.clear()
        self.current = ""
        self.binder_dirty = False
        self._dirty.clear()
        self._kept_this_session.clear()
        self.counts = {}
        if story is None:
            return
        self.counts = {s.id: word_count(s.text) for _c, s in story.binder.scenes()}
        self.progress = Progress.start(story.goals, story.history, self.book_words())
        first = story.binder.first_scene()
        self.structure_changed.emit()
        if first is not None:
            self.open_scene(first.id)
        self.counts_changed.emit()

    # --- scenes ---------------------------------------------------------------------
    def document(self, scene_id: str) -> QTextDocument:
        """The scene's document, made on first use."""
        doc = self.docs.get(scene_id)
        if doc is None:
            scene = self.binder.scene(scene_id)
            doc = new_text_document(self)
            doc.setPlainText(scene.text)
            doc.setModified(False)
            doc.modificationChanged.connect(
                lambda modified, sid=scene_id: self._on_doc_modification_changed(sid, modified)
            )
            self.docs[scene_id] = doc
        return doc

    def _on_doc_modification_changed(self, scene_id: str, modified: bool) -> None:
        """The first change to a scene in this session keeps its text as it was."""
        if not modified or scene_id in self._kept_this_session or self.story is None:
            return
        try:
            scene = self.binder.scene(scene_id)
        except KeyError:
            return
        doc = self.docs.get(scene_id)
        if scene.problem or doc is None or doc.toPlainText() == scene.text:
            return  # marked modified with the words unchanged (formats, or undone at once)
        self._kept_this_session.add(scene_id)
        self.before_change.emit([(scene_id, scene.text)], "session")

    def keep_before(self, scene_ids: list[str], cause: str) -> None:
        """Snapshot these scenes' current texts before something other than typing
        changes them (a continuation, a rewrite, replace-all, a restored version)."""
        if self.story is None:
            return
        items = []
        for scene_id in scene_ids:
            try:
                item = self.binder.item(scene_id)
            except KeyError:
                continue
            if isinstance(item, Scene) and not item.problem:
                doc = self.docs.get(scene_id)
                items.append((scene_id, doc.toPlainText() if doc is not None else item.text))
        if items:
            self.before_change.emit(items, cause)

    def open_scene(self, scene_id: str) -> bool:
        """Show a scene in the editor; refused while a continuation is being written."""
        if scene_id == self.current:
            return True
        if self.refuses_while_busy():
            return False
        try:
            scene = self.binder.scene(scene_id)
        except KeyError:
            return False
        self.recount_current()
        self.current = scene_id
        self.editor.show_document(self.document(scene_id))
        self.editor.set_locked(self.problem_of(scene_id))
        if scene.problem:
            self.message.emit(
                self.tr("This scene is shown read-only: {0}").format(self.problem_of(scene_id))
            )
        self.scene_opened.emit(scene_id)
        return True

    def refuses_while_busy(self) -> bool:
        """True (and says so) while a continuation is being written into the editor."""
        if not self.busy():
            return False
        self.message.emit(self.tr("Wait for the continuation to finish, or stop it, first."))
        return True

    def problem_of(self, scene_id: str) -> str:
        """Why a scene (live or in the trash) is read-only, for the writer ('' if it is not)."""
        try:
            item = self.binder.item(scene_id)
        except KeyError:
            return ""
        problem = item.problem if isinstance(item, Scene) else ""
        return translate_message(problem) if problem else ""

    def _refuses_problem(self, item_id: str) -> bool:
        """True (and says why) when `item_id` is, or holds, a scene that could not be read.

        Such a scene stays where it is on disk: moving it to or from the trash, splitting or
        merging it would leave its text only in memory, or remove the file that holds it.
        """
        try:
            item = self.binder.item(item_id)
        except KeyError:
            return False
        scenes = item.scenes if isinstance(item, Chapter) else [item]
        broken = next((s for s in scenes if s.problem), None)
        if broken is None:
            return False
        self.message.emit(
            self.tr("“{0}” could not be read, so Inkling leaves it as it is: {1}").format(
                broken.title, translate_message(broken.problem)
            )
        )
        return True

    def text_of(self, scene_id: str) -> str:
        """A scene's current text (its open document when it has one)."""
        doc = self.docs.get(scene_id)
        return doc.toPlainText() if doc is not None else self.binder.scene(scene_id).text

    def by_the_model(self, words: int) -> None:
        """`words` (net) were written by the model: the book's count takes them, the
        writer's count for today and this session does not."""
        self.recount_current()  # the scene's count now holds what the model wrote
        self.progress.by_the_model(words)
        self.counts_changed.emit()

    def texts(self) -> Iterator[tuple[str, str]]:
        """(scene id, current text) in reading order."""
        for _chapter, scene in self.binder.scenes():
            yield scene.id, self.text_of(scene.id)

    def sync(self) -> None:
        """Copy edited documents into their scenes."""
        for scene_id, doc in self.docs.items():
            if doc.isModified():
                self._dirty.add(scene_id)
            if scene_id in self._dirty:
                with contextlib.suppress(KeyError):  # a scene in the trash
                    self.binder.scene(scene_id).text = doc.toPlainText()

    @property
    def modified(self) -> bool:
        """True when a scene or the structure changed since the last save."""
        return (
            self.binder_dirty
            or bool(self._dirty)
            or any(d.isModified() for d in self.docs.values())
        )

    def changed_ids(self) -> set[str]:
        """Scenes to write at the next save (after `sync`)."""
        return set(self._dirty)

    def mark_saved(self, ids: set[str]) -> None:
        """These scenes (and the structure) are on disk now."""
        self._dirty -= ids
        for scene_id in ids:
            doc = self.docs.get(scene_id)
            if doc is not None:
                doc.setModified(False)
        self.binder_dirty = False

    def mark_unsaved(self, ids: set[str]) -> None:
        """A background save of these scenes failed: they still need writing."""
        self._dirty |= ids
        self.binder_dirty = True
        self.changed.emit()

    def touch(self) -> None:
        """Metadata changed (bible, style, goals): the project needs saving."""
        self.binder_dirty = True
        self.changed.emit()

    # --- structure ------------------------------------------------------------------
    def apply(self, operation: Callable[[Binder], object], touches: tuple[str, ...] = ()) -> object:
        """Run a binder operation with the texts in step; refreshes documents and the view.

        `touches` names the items whose files the operation moves, splits or merges: one
        that could not be read is refused. Without a story project there is no binder, and
        nothing happens (the text in the editor is never replaced).
        """
        if self.story is None:
            self.message.emit(self.tr(NO_PROJECT))
            return None
        if any(self._refuses_problem(item_id) for item_id in touches):
            return None
        if self.refuses_while_busy():
            return None
        self.sync()
        try:
            result = operation(self.binder)
        except (BinderError, KeyError) as exc:
            self.message.emit(str(exc).strip("'"))
            return None
        self._after_structure_change()
        return result

    def _after_structure_change(self) -> None:
        live = {s.id: s for _c, s in self.binder.scenes()}
        for scene_id in list(self.docs):
            scene = live.get(scene_id)
            if scene is None:
                if scene_id != self.current:
                    del self.docs[scene_id]
                continue
            doc = self.docs[scene_id]
            if doc.toPlainText() != scene.text:
                doc.setPlainText(scene.text)
                self._dirty.add(scene_id)
        for scene_id, scene in live.items():
            if scene_id not in self.counts or scene_id in self._dirty:
                self.counts[scene_id] = word_count(scene.text)
        self.binder_dirty = True
        if self.current not in live:
            self.docs.pop(self.current, None)
            self.current = ""
            first = self.binder.first_scene()
            if first is not None:
                self.open_scene(first.id)
            else:
                self.editor.show_document(new_text_document(self))
                self.editor.set_locked(
                    self.tr("The book has no scene: add one with Book → New Scene.")
                )
        self.structure_changed.emit()
        self.counts_changed.emit()
        self.changed.emit()

    def undo(self) -> str:
        """Take back the last structural change."""
        return str(self.apply(lambda b: b.undo()) or "")

    def redo(self) -> str:
        """Make the last undone structural change again."""
        return str(self.apply(lambda b: b.redo()) or "")

    def split_at_cursor(self) -> Scene | None:
        """Split the current scene at the cursor."""
        if self.story is None:
            self.message.emit(self.tr(NO_PROJECT))
            return None
        if not self.current:
            return None
        # The binder cuts a Python string; the cursor counts UTF-16 units.
        at = python_index(self.editor.toPlainText(), self.editor.textCursor().position())
        scene_id = self.current
        result = self.apply(lambda b: b.split_scene(scene_id, at), (scene_id,))
        if isinstance(result, Scene):
            self.open_scene(result.id)
            return result
        return None

    # --- counts ---------------------------------------------------------------------
    def _on_editor_contents_changed(self, _pos: int, removed: int, added: int) -> None:
        if self.current and (removed or added):
            self._count_timer.start()

    def recount_current(self) -> None:
        """Count the current scene again (runs after typing pauses, never per keystroke)."""
        self._count_timer.stop()
        if not self.current or self.current not in self.docs:
            return
        words = word_count(self.docs[self.current].toPlainText())
        if words != self.counts.get(self.current):
            self.counts[self.current] = words
            self.progress.update(self.book_words())
            self.counts_changed.emit()

    def book_words(self) -> int:
        """Words in the whole book (from the per-scene counts)."""
        return sum(self.counts.get(s.id, 0) for _c, s in self.binder.scenes())

    def chapter_words(self, chapter: Chapter) -> int:
        """Words in one chapter."""
        return sum(self.counts.get(s.id, 0) for s in chapter.scenes)

    def apply_edits(self, scene_id: str, edits: list[tuple[int, int, str]]) -> None:
        """Replace ranges of a scene (in order, Qt positions) as one undo step."""
        doc = self.document(scene_id)
        edit_document(doc, edits)
        self.counts[scene_id] = word_count(doc.toPlainText())
        self.progress.update(self.book_words())
        self.counts_changed.emit()
