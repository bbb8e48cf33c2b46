"""A story project: the `Story` (its book, bible, style, goals and notes), where its files
are, and the ids that name them.

Format 2 layout::

    Story.inkling/
      story.toml      title, author, premise, notes, style, bible, goals, language, words,
                      memory, the context budgets and [view] (the scene and cursor the
                      writer left off at)
      binder.toml     chapters and scenes in order with their metadata, and the trash
      scenes/<id>.md  one Markdown file per scene
      trash/<id>.md   deleted scenes, until the trash is emptied

A project may come from someone else, so everything in it is untrusted: ids from
binder.toml name files only when they follow `ID_PATTERN` and are unique (ignoring case,
live and trashed scenes together), and every path is resolved and proven to lie inside the
project (backend/untrusted.py) before anything is read, written, renamed or
deleted. A link leading out of the project is never followed. Reading is
project_read.py, the TOML tables project_toml.py, saving project_save.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backend.story.binder import Binder, Chapter, Scene, new_id
from backend.text.counts import is_mostly_cjk
from backend.untrusted import RefusedFile, fold_id, inside, is_inside, is_safe_id, shown

STORY_SUFFIX = ".inkling"
STORY_FORMAT = 2
SUBFOLDERS = ("scenes", "trash")
# Where the writer left off ([view] in story.toml): the cursor is a position in the scene's
# text, so it is bounded by the longest text a scene can hold.
MAX_VIEW_CURSOR = 2**31 - 1


@dataclass
class Story:
    """A story project: its book (binder and scenes), bible, style, goals and notes."""

    folder: Path
    title: str = ""
    author: str = ""
    premise: str = ""
    authors_note: str = ""  # the style panel's note, placed a few paragraphs before the cursor
    notes: str = ""
    language: str = ""  # '' is automatic: detected from the text
    style: dict[str, Any] = field(default_factory=dict)
    characters: list[dict[str, Any]] = field(default_factory=list)
    background: list[dict[str, Any]] = field(default_factory=list)
    goals: dict[str, int] = field(default_factory=dict)
    history: dict[str, int] = field(default_factory=dict)
    spelling_words: list[str] = field(default_factory=list)
    # Lines the model is always told (long-book memory) and the [context] table: budgets,
    # pinned and muted items (see backend/story/memory/budgets.py).
    memory: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    # The scene shown and the cursor in it when the project was last saved ('' and 0: the
    # first scene, at its start).
    view_scene: str = ""
    view_cursor: int = 0
    binder: Binder = field(default_factory=Binder)
    extra: dict[str, Any] = field(default_factory=dict)

    def scene_path(self, scene_id: str) -> Path:
        """Where a scene's text lives. Raises RefusedFile for an id that cannot name a file
        or a path that leads out of the project."""
        return _proven(self.folder, "scenes", scene_id)

    def trash_path(self, scene_id: str) -> Path:
        """Where a deleted scene's text lives. Raises RefusedFile like `scene_path`."""
        return _proven(self.folder, "trash", scene_id)


def new_story(folder: Path, text: str = "", title: str = "", language: str = "") -> Story:
    """A fresh project holding `text` as chapter 1, scene 1, named in the book's language
    (`language`, or else what `text` is written in): a Chinese book's "第一章", "第1场"."""
    story = Story(folder, title=title or folder.stem)
    chinese = language.startswith("zh") if language else is_mostly_cjk(text[:20000])
    names = ("第一章", "第1场") if chinese else ("Chapter 1", "Scene 1")
    story.binder.chapters.append(Chapter(title=names[0], scenes=[Scene(title=names[1], text=text)]))
    return story


def _file_of(root: Path, sub: str, scene_id: str) -> Path:
    """The file of a scene in `sub`, by name only (nothing resolved yet)."""
    if not is_safe_id(scene_id):
        raise RefusedFile(f"The scene name {shown(scene_id)} is not a file name Inkling uses.")
    return root / sub / f"{scene_id}.md"


def _proven(root: Path, sub: str, scene_id: str) -> Path:
    """The file of a scene in `sub`, proven inside the project. Raises RefusedFile."""
    path = _file_of(root, sub, scene_id)
    inside(root, sub, path.name)
    return path


def folder_problem(root: Path, sub: str) -> str:
    """Why the scenes or trash folder cannot be used ('' when it can, or is missing)."""
    path = root / sub
    if not os.path.lexists(path):
        return ""
    if not is_inside(root, path):
        return (
            f"The “{sub}” folder of {root.name} is a link leading outside the story; "
            "Inkling never reads or writes there."
        )
    if not os.path.isdir(path):
        return f"The “{sub}” folder of {root.name} is not a folder."
    return ""


# Claimed ids: the case-folded id -> (the id, where it lives: 'scenes', 'trash', 'chapter').
Claims = dict[str, tuple[str, str]]


def fresh_id(claimed: Claims, where: str) -> str:
    """A new id for an item in `where`, claimed at once."""
    while True:
        candidate = new_id()
        if fold_id(candidate) not in claimed:
            claimed[fold_id(candidate)] = (candidate, where)
            return candidate


def claim_id(claimed: Claims, item_id: str, where: str) -> bool:
    """Take `item_id` for an item; False when it cannot name a file or is already taken."""
    if not is_safe_id(item_id) or fold_id(item_id) in claimed:
        return False
    claimed[fold_id(item_id)] = (item_id, where)
    return True


def scenes_in(binder: Binder, sub: str) -> list[Scene]:
    """The scenes whose files live in `sub`: the trash, or every chapter's scenes."""
    if sub == "trash":
        return list(binder.trash)
    return [scene for _chapter, scene in binder.scenes()]
