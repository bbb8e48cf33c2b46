"""A book's structure: chapters (optionally grouped into parts) holding scenes.

Pure data and the operations the binder offers (add, rename, move, delete to the trash,
split, merge), each recorded as an undoable snapshot. Reading and writing the project
folder is backend/story/project_read.py and project_save.py; text lives in `Scene.text`.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field

STATUSES = ("outline", "draft", "revised", "done")
MAX_UNDO = 100


def new_id() -> str:
    """A short random id, also the scene's file name."""
    return secrets.token_hex(6)


@dataclass
class Item:
    """What chapters and scenes share: a title and the writer's notes about it."""

    id: str = field(default_factory=new_id)
    title: str = ""
    synopsis: str = ""
    status: str = "draft"
    pov: str = ""
    tags: list[str] = field(default_factory=list)


@dataclass
class Scene(Item):
    """A scene: one Markdown file in the project's scenes/ folder."""

    text: str = ""
    # Set when the file could not be read: the scene is shown but never written over.
    problem: str = ""
    # The project-relative file the text was read from when the scene had to be given a new
    # id (the old one could not name a file, or was another scene's): the next save writes
    # the text under the new id, then removes this file.
    moved_from: str = ""


@dataclass
class Chapter(Item):
    """A chapter: its scenes in order, and the part it opens or belongs to ('' for none)."""

    part: str = ""
    scenes: list[Scene] = field(default_factory=list)


# Chapters, trash and the label of the change that followed them.
_Snapshot = tuple[list[Chapter], list[Scene], str]


class BinderError(ValueError):
    """An operation that makes no sense (merging the last scene, …)."""


@dataclass
class Binder:
    """Chapters in order, the trash, and the undo history of structural changes."""

    chapters: list[Chapter] = field(default_factory=list)
    trash: list[Scene] = field(default_factory=list)
    _undo: list[_Snapshot] = field(default_factory=list, repr=False)
    _redo: list[_Snapshot] = field(default_factory=list, repr=False)

    # --- looking things up --------------------------------------------------------------
    def scenes(self) -> Iterator[tuple[Chapter, Scene]]:
        """Every live scene with its chapter, in reading order."""
        for chapter in self.chapters:
            for scene in chapter.scenes:
                yield chapter, scene

    def scene(self, scene_id: str) -> Scene:
        """The live scene with this id (KeyError if none)."""
        for _chapter, scene in self.scenes():
            if scene.id == scene_id:
                return scene
        raise KeyError(scene_id)

    def chapter_of(self, scene_id: str) -> Chapter:
        """The chapter holding this scene."""
        for chapter, scene in self.scenes():
            if scene.id == scene_id:
                return chapter
        raise KeyError(scene_id)

    def chapter(self, chapter_id: str) -> Chapter:
        """The chapter with this id."""
        for chapter in self.chapters:
            if chapter.id == chapter_id:
                return chapter
        raise KeyError(chapter_id)

    def item(self, item_id: str) -> Chapter | Scene:
        """A chapter, live scene or trashed scene by id."""
        for chapter in self.chapters:
            if chapter.id == item_id:
                return chapter
        for _chapter, scene in self.scenes():
            if scene.id == item_id:
                return scene
        for scene in self.trash:
            if scene.id == item_id:
                return scene
        raise KeyError(item_id)

    def first_scene(self) -> Scene | None:
        """Where a freshly opened book starts."""
        return next((s for _c, s in self.scenes()), None)

    # --- undo -----------------------------------------------------------------------
    def checkpoint(self, label: str) -> None:
        """Remember the structure before a change, so undo can bring it back."""
        self._undo.append((copy.deepcopy(self.chapters), copy.deepcopy(self.trash), label))
        del self._undo[:-MAX_UNDO]
        self._redo.clear()

    def can_undo(self) -> str:
        """The label of the change undo would take back ('' for none)."""
        return self._undo[-1][2] if self._undo else ""

    def undo(self) -> str:
        """Take back the last structural change; returns its label."""
        return self._step(self._undo, self._redo)

    def redo(self) -> str:
        """Make the last undone change again."""
        return self._step(self._redo, self._undo)

    def _step(self, source: list[_Snapshot], target: list[_Snapshot]) -> str:
        """Go back to the newest snapshot in `source`, keeping the present in `target`."""
        if not source:
            return ""
        chapters, trash, label = source.pop()
        target.append((self.chapters, self.trash, label))
        self.chapters, self.trash = chapters, trash
        return label

    # --- operations -----------------------------------------------------------------
    def add_chapter(self, title: str = "", after: str | None = None) -> Chapter:
        """A new chapter with one empty scene, after the chapter `after` (or at the end)."""
        self.checkpoint("Add chapter")
        index = len(self.chapters)
        if after is not None:
            index = self.chapters.index(self.chapter(after)) + 1
        chapter = Chapter(title=title or f"Chapter {len(self.chapters) + 1}")
        chapter.scenes.append(Scene(title="Scene 1"))
        self.chapters.insert(index, chapter)
        return chapter

    def add_scene(self, chapter_id: str, after: str | None = None, text: str = "") -> Scene:
        """A new scene in the chapter, after the scene `after` (or at its end)."""
        self.checkpoint("Add scene")
        chapter = self.chapter(chapter_id)
        index = len(chapter.scenes)
        if after is not None:
            index = [s.id for s in chapter.scenes].index(after) + 1
        scene = Scene(title=f"Scene {len(chapter.scenes) + 1}", text=text)
        chapter.scenes.insert(index, scene)
        return scene

    def rename(self, item_id: str, title: str) -> None:
        """Give a chapter or scene a new title."""
        title = title.strip()
        if not title:
            raise BinderError("A title cannot be empty.")
        self.checkpoint("Rename")
        self.item(item_id).title = title

    def delete(self, item_id: str) -> list[Scene]:
        """Move a scene, or a chapter's scenes, to the trash; returns what was trashed."""
        item = self.item(item_id)
        self.checkpoint("Delete")
        if isinstance(item, Chapter):
            self.chapters.remove(item)
            trashed = list(item.scenes)
            for scene in trashed:
                scene.tags = [*scene.tags, f"from:{item.title}"]
        else:
            self.chapter_of(item_id).scenes.remove(item)
            trashed = [item]
        self.trash.extend(trashed)
        return trashed

    def restore(self, scene_id: str, chapter_id: str | None = None) -> Scene:
        """Bring a scene back from the trash, to the end of a chapter (the last by default)."""
        scene = next((s for s in self.trash if s.id == scene_id), None)
        if scene is None:
            raise KeyError(scene_id)
        self.checkpoint("Restore")
        self.trash.remove(scene)
        scene.tags = [t for t in scene.tags if not t.startswith("from:")]
        if not self.chapters:
            self.chapters.append(Chapter(title="Chapter 1"))
        target = self.chapter(chapter_id) if chapter_id else self.chapters[-1]
        target.scenes.append(scene)
        return scene

    def move_scene(self, scene_id: str, chapter_id: str, index: int) -> None:
        """Move a scene to position `index` of a chapter (its own or another)."""
        scene = self.scene(scene_id)
        source = self.chapter_of(scene_id)
        target = self.chapter(chapter_id)
        self.checkpoint("Move scene")
        old = source.scenes.index(scene)
        source.scenes.remove(scene)
        if source is target and index > old:
            index -= 1
        target.scenes.insert(max(0, min(index, len(target.scenes))), scene)

    def move_chapter(self, chapter_id: str, index: int) -> None:
        """Move a chapter to position `index` in the book."""
        chapter = self.chapter(chapter_id)
        self.checkpoint("Move chapter")
        old = self.chapters.index(chapter)
        self.chapters.remove(chapter)
        if index > old:
            index -= 1
        self.chapters.insert(max(0, min(index, len(self.chapters))), chapter)

    def shift(self, item_id: str, step: int) -> bool:
        """Move an item one place up (-1) or down (+1); scenes cross into the next chapter."""
        item = self.item(item_id)
        if isinstance(item, Chapter):
            index = self.chapters.index(item) + step
            if not 0 <= index < len(self.chapters):
                return False
            self.move_chapter(item.id, index + (1 if step > 0 else 0))
            return True
        chapter = self.chapter_of(item.id)
        index = chapter.scenes.index(item) + step
        if 0 <= index < len(chapter.scenes):
            self.move_scene(item.id, chapter.id, index + (1 if step > 0 else 0))
            return True
        neighbour = self.chapters.index(chapter) + step
        if not 0 <= neighbour < len(self.chapters):
            return False
        other = self.chapters[neighbour]
        self.move_scene(item.id, other.id, len(other.scenes) if step < 0 else 0)
        return True

    def split_scene(self, scene_id: str, at: int, current_text: str | None = None) -> Scene:
        """Split a scene at character `at`; the second half becomes a new scene after it."""
        scene = self.scene(scene_id)
        text = scene.text if current_text is None else current_text
        if not 0 < at < len(text):
            raise BinderError("Put the cursor inside the scene, not at its start or end.")
        self.checkpoint("Split scene")
        chapter = self.chapter_of(scene_id)
        scene.text = text[:at].rstrip("\n")
        new = Scene(
            title=f"{scene.title} (2)",
            status=scene.status,
            pov=scene.pov,
            text=text[at:].lstrip("\n"),
            tags=list(scene.tags),
        )
        chapter.scenes.insert(chapter.scenes.index(scene) + 1, new)
        return new

    def merge_with_next(self, scene_id: str, texts: dict[str, str] | None = None) -> Scene:
        """Join a scene with the one after it in its chapter; the second goes to the trash."""
        chapter = self.chapter_of(scene_id)
        index = [s.id for s in chapter.scenes].index(scene_id)
        if index + 1 >= len(chapter.scenes):
            raise BinderError("This is the chapter's last scene: there is nothing after it.")
        self.checkpoint("Merge scenes")
        first, second = chapter.scenes[index], chapter.scenes[index + 1]
        texts = texts or {}
        a = texts.get(first.id, first.text).rstrip("\n")
        b = texts.get(second.id, second.text).lstrip("\n")
        first.text = f"{a}\n\n{b}" if a and b else a or b
        chapter.scenes.remove(second)
        second.tags = [*second.tags, f"merged into:{first.title}"]
        self.trash.append(second)
        return first
