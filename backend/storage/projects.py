"""Story projects on disk: a `.inkling` folder with story.toml, binder.toml and scenes/.

Format 2 layout::

    Story.inkling/
      story.toml      title, author, premise, notes, style, bible, goals, language, words,
                      memory and the context budgets
      binder.toml     chapters and scenes in order with their metadata, and the trash
      scenes/<id>.md  one Markdown file per scene
      trash/<id>.md   deleted scenes, until the trash is emptied

A project may come from someone else, so everything in it is untrusted: ids from
binder.toml name files only when they follow `ID_PATTERN` and are unique (ignoring case,
live and trashed scenes together), and every path is resolved and proven to lie inside the
project (backend/storage/untrusted.py) before anything is read, written, renamed or
deleted. A link leading out of the project is never followed.

Reading is defensive: a missing or unreadable scene is reported and left untouched on
disk (shown read-only); a scene whose id cannot name a file gets a fresh id, its text kept
when its file could be read inside the project; a damaged binder.toml falls back to its
backup, then to the scene files themselves; scene files the binder does not list are
recovered into a chapter of their own. Format 1 projects (one manuscript.md) are migrated:
the manuscript becomes chapter 1, scene 1, and the old file is kept as
manuscript.md.format1. A new project (an import) is written into a hidden folder beside
its place and renamed into place when complete (`write_new_story`).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from backend.storage.atomic import (
    SaveError,
    atomic_write_bytes,
    fsync_dir,
    os_reason,
    sync_new_files,
    write_new_file,
)
from backend.storage.documents import DocumentError, read_document
from backend.storage.recovery import pid_alive
from backend.storage.untrusted import (
    OpenFolder,
    RefusedFile,
    fold_id,
    inside,
    is_inside,
    is_safe_id,
    read_toml,
    shown,
)
from backend.story.binder import STATUSES, Binder, Chapter, Scene, new_id

log = logging.getLogger(__name__)

STORY_SUFFIX = ".inkling"
STORY_FORMAT = 2
FORMAT1_BACKUP = "manuscript.md.format1"
# binder.toml holds no text: 100,000 scenes with a synopsis each come to about 21 MB.
MAX_BINDER_BYTES = 32 * 1024 * 1024
MAX_STORY_BYTES = 16 * 1024 * 1024
# A new project is written in a hidden folder '.<name>.<pid>-<random>.part' beside it.
PART_SUFFIX = ".part"
_ITEM_KEYS = ("id", "title", "synopsis", "status", "pov", "tags")
_STORY_KEYS = {
    "format", "title", "author", "premise", "notes", "style", "characters", "background",
    "goals", "history", "language", "spelling_words", "memory", "context",
}  # fmt: skip
_SUBFOLDERS = ("scenes", "trash")


@dataclass
class Story:
    """A story project: its book (binder and scenes), bible, style, goals and notes."""

    folder: Path
    title: str = ""
    author: str = ""
    premise: str = ""
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
    binder: Binder = field(default_factory=Binder)
    extra: dict[str, Any] = field(default_factory=dict)

    def scene_path(self, scene_id: str) -> Path:
        """Where a scene's text lives. Raises RefusedFile for an id that cannot name a file
        or a path that leads out of the project."""
        return _proven(self.folder, "scenes", scene_id)

    def trash_path(self, scene_id: str) -> Path:
        """Where a deleted scene's text lives. Raises RefusedFile like `scene_path`."""
        return _proven(self.folder, "trash", scene_id)


def new_story(folder: Path, text: str = "", title: str = "") -> Story:
    """A fresh project holding `text` as chapter 1, scene 1."""
    story = Story(folder, title=title or folder.stem)
    story.binder.chapters.append(
        Chapter(title="Chapter 1", scenes=[Scene(title="Scene 1", text=text)])
    )
    return story


# --- paths ----------------------------------------------------------------------------
def _file_of(root: Path, sub: str, scene_id: str) -> Path:
    """The file of a scene in `sub`, by name only (nothing resolved yet)."""
    if not is_safe_id(scene_id):
        raise RefusedFile(f"The scene name {shown(scene_id)} is not a file name Inkling uses.")
    return root / sub / f"{scene_id}.md"


def _proven(root: Path, sub: str, scene_id: str) -> Path:
    path = _file_of(root, sub, scene_id)
    inside(root, sub, path.name)
    return path


def _entry(root: Path, parts: tuple[str, ...]) -> Path:
    """`root/parts` with every folder on the way resolved and proven inside `root`; the
    last part is not followed, but when it is a link it must lead inside `root` too.
    Raises RefusedFile."""
    if not parts or parts[-1] in ("", ".", ".."):
        raise RefusedFile(f"{shown('/'.join(parts))} is not a file name inside {root.name}.")
    folder = inside(root, *parts[:-1])
    target = folder / parts[-1]
    if target.is_symlink() and not is_inside(root, target):
        raise RefusedFile(
            f"{shown(parts[-1])} is a link leading outside {root.name}; Inkling never reads "
            "or writes there."
        )
    return target


def _relative(root: Path, path: Path) -> tuple[str, ...]:
    """The parts of `path` below `root`, refusing '..' and anything not under it."""
    try:
        parts = path.relative_to(root).parts
    except ValueError as exc:
        raise RefusedFile(f"{shown(path.name)} is not inside {root.name}.") from exc
    if not parts or any(p in ("", ".", "..") for p in parts):
        raise RefusedFile(f"{shown(path.name)} is not inside {root.name}.")
    return parts


def _folder_problem(root: Path, sub: str) -> str:
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


# --- reading ----------------------------------------------------------------------------
def _item_fields(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {k: data[k] for k in _ITEM_KEYS if k in data}
    raw_id = out.get("id")
    # An id is checked once the whole binder is read (see _settle_scene); until then it is
    # only text, and a missing one is simply new.
    out["id"] = raw_id if isinstance(raw_id, str) and raw_id else str(raw_id or new_id())
    out["title"] = str(out.get("title", ""))
    out["synopsis"] = str(out.get("synopsis", ""))
    out["pov"] = str(out.get("pov", ""))
    status = str(out.get("status", "draft"))
    out["status"] = status if status in STATUSES else "draft"
    tags = out.get("tags", [])
    out["tags"] = [str(t) for t in tags] if isinstance(tags, list) else []
    return out


class _DamagedBinder(RefusedFile):
    """binder.toml parses but is not shaped like a chapter list."""


def binder_from_dict(data: dict[str, Any], notes: list[str] | None = None) -> Binder:
    """The structure from binder.toml data (texts not yet read, ids not yet checked).

    Raises RefusedFile when the chapter list or the trash is not a list; entries that are
    not tables are skipped and counted in `notes`.
    """
    chapters, trash = data.get("chapters", []), data.get("trash", [])
    if not isinstance(chapters, list):
        raise _DamagedBinder("binder.toml is damaged (its chapter list is not a list).")
    if not isinstance(trash, list):
        raise _DamagedBinder("binder.toml is damaged (its trash is not a list).")
    binder = Binder()
    skipped = 0
    for raw in chapters:
        if not isinstance(raw, dict):
            skipped += 1
            continue
        chapter = Chapter(**_item_fields(raw), part=str(raw.get("part", "")))
        scenes = raw.get("scenes", [])
        if not isinstance(scenes, list):
            skipped += 1
            scenes = []
        for scene in scenes:
            if isinstance(scene, dict):
                chapter.scenes.append(Scene(**_item_fields(scene)))
            else:
                skipped += 1
        binder.chapters.append(chapter)
    for raw in trash:
        if isinstance(raw, dict):
            binder.trash.append(Scene(**_item_fields(raw)))
        else:
            skipped += 1
    if skipped and notes is not None:
        what = (
            "1 entry that is not a chapter or a scene; it was"
            if skipped == 1
            else f"{skipped} entries that are not chapters or scenes; they were"
        )
        notes.append(
            f"binder.toml has {what} skipped (scene files left out that way are in "
            "“Recovered scenes”)."
        )
    return binder


def _item_dict(item: Chapter | Scene) -> dict[str, Any]:
    return {k: getattr(item, k) for k in _ITEM_KEYS}


def binder_to_dict(binder: Binder) -> dict[str, Any]:
    """binder.toml data."""
    return {
        "format": STORY_FORMAT,
        "chapters": [
            {**_item_dict(c), "part": c.part, "scenes": [_item_dict(s) for s in c.scenes]}
            for c in binder.chapters
        ],
        "trash": [_item_dict(s) for s in binder.trash],
    }


def _read_reason(path: Path, exc: OSError) -> str:
    return f"Could not read {path.name}: {exc.strerror or exc}."


def _load_binder(root: Path, notes: list[str]) -> Binder:
    path = root / "binder.toml"
    for candidate in (path, path.with_name("binder.toml.bak")):
        found: list[str] = []
        try:
            binder = binder_from_dict(read_toml(candidate, MAX_BINDER_BYTES, root=root), found)
        except FileNotFoundError:
            continue
        except RefusedFile as exc:
            notes.append(str(exc))
            continue
        except OSError as exc:
            notes.append(_read_reason(candidate, exc))
            continue
        if candidate != path:
            notes.append("The chapter list was restored from its backup copy.")
        notes.extend(found)
        return binder
    if os.path.lexists(root / "scenes"):
        notes.append("The chapter list was lost; the scenes were recovered from their files.")
    return Binder()


def _read_scene(
    story: Story, scene: Scene, path: Path, notes: list[str], folder: OpenFolder | None = None
) -> None:
    try:
        scene.text = read_document(path, root=story.folder, folder=folder).text
    except DocumentError as exc:
        scene.problem = str(exc)
        notes.append(f"Scene “{scene.title}” could not be read: {exc} It was left as it is.")


# Claimed ids: the case-folded id -> (the id, where it lives: 'scenes', 'trash', 'chapter').
_Claims = dict[str, tuple[str, str]]


def _fresh_id(claimed: _Claims, where: str) -> str:
    while True:
        candidate = new_id()
        if fold_id(candidate) not in claimed:
            claimed[fold_id(candidate)] = (candidate, where)
            return candidate


def _claim(claimed: _Claims, item_id: str, where: str) -> bool:
    """Take `item_id` for an item; False when it cannot name a file or is already taken."""
    if not is_safe_id(item_id) or fold_id(item_id) in claimed:
        return False
    claimed[fold_id(item_id)] = (item_id, where)
    return True


def _read_texts(story: Story, notes: list[str]) -> None:
    root = story.folder
    problems = {sub: _folder_problem(root, sub) for sub in _SUBFOLDERS}
    claimed: _Claims = {}
    with contextlib.ExitStack() as stack:
        folders = {sub: _open_folder(stack, root, sub, problems[sub]) for sub in _SUBFOLDERS}
        for _chapter, scene in story.binder.scenes():
            _settle_scene(story, scene, "scenes", problems["scenes"], claimed, notes, folders)
        for scene in story.binder.trash:
            _settle_scene(story, scene, "trash", problems["trash"], claimed, notes, folders)
        if not problems["scenes"]:
            _recover_orphans(story, claimed, notes, folders["scenes"])
    for sub, problem in problems.items():
        if problem:
            count = sum(1 for s in _in(story.binder, sub) if s.problem == problem)
            notes.append(
                f"{problem} Its {count} scene(s) are shown empty and read-only, and nothing "
                "is saved there."
            )
    for chapter in story.binder.chapters:
        raw = chapter.id
        if not _claim(claimed, raw, "chapter"):
            chapter.id = _fresh_id(claimed, "chapter")
            if not is_safe_id(raw):
                notes.append(
                    f"Chapter “{chapter.title}” had an id Inkling does not use "
                    f"({shown(raw)}); it was given a new one."
                )


def _open_folder(
    stack: contextlib.ExitStack[bool | None], root: Path, sub: str, problem: str
) -> OpenFolder | None:
    """The scenes or trash folder held open while the story is read (None to read each file
    by its path, which checks the same more slowly)."""
    if problem or not os.path.isdir(root / sub):
        return None
    try:
        return stack.enter_context(OpenFolder(root, sub))
    except (OSError, RefusedFile):
        return None


def _in(binder: Binder, sub: str) -> list[Scene]:
    if sub == "trash":
        return list(binder.trash)
    return [scene for _chapter, scene in binder.scenes()]


def _settle_scene(
    story: Story,
    scene: Scene,
    sub: str,
    problem: str,
    claimed: _Claims,
    notes: list[str],
    folders: dict[str, OpenFolder | None],
) -> None:
    """Give `scene` an id that names its own file inside the project, and read its text."""
    root, raw = story.folder, scene.id
    if _claim(claimed, raw, sub):
        if problem:
            scene.problem = problem
            return
        path = root / sub / f"{raw}.md"
        if os.path.lexists(path):
            _read_scene(story, scene, path, notes, folders[sub])
        elif sub == "scenes":
            notes.append(f"Scene “{scene.title}” has no file ({path.name}); it is empty.")
        return
    scene.id = _fresh_id(claimed, sub)
    if problem:
        scene.problem = problem
        return
    where = "in the trash " if sub == "trash" else ""
    if is_safe_id(raw):
        other, other_sub = claimed[fold_id(raw)]
        if other == raw and other_sub == sub:
            # Two entries naming one file: the second becomes its own copy; the file stays
            # with the first.
            notes.append(f"Two scenes shared the file {raw}.md; “{scene.title}” is now a copy.")
            _read_scene(story, scene, root / sub / f"{raw}.md", notes, folders[sub])
            return
        if other == raw:
            said = (
                f"Scene “{scene.title}” {where}had the same id as a scene "
                f"{'in the trash' if other_sub == 'trash' else 'in the book'} ({raw}); it "
                "was given its own, so neither is lost."
            )
        else:
            said = (
                f"Scene “{scene.title}” {where}had an id ({raw}) that differs from another "
                "scene's only in capital letters, which macOS and Windows see as the same "
                "file; it was given its own."
            )
        source = root / sub / f"{raw}.md"
    else:
        try:
            source = _unsafe_source(root, sub, raw)
        except RefusedFile as exc:
            scene.problem = (
                f"Its file name {shown(raw)} in binder.toml is not one Inkling accepts ({exc})"
            )
            notes.append(
                f"Scene “{scene.title}” {where}names its file {shown(raw)}, which is not a "
                f"scene file inside the story ({exc}). It was not read; the scene is shown "
                "empty and read-only."
            )
            return
        said = (
            f"Scene “{scene.title}” {where}had an id Inkling does not use ({shown(raw)}); it "
            "was given a new one."
        )
    if not os.path.lexists(source):
        notes.append(f"{said} It has no file, so it is empty.")
        return
    try:
        scene.text = read_document(source, root=root).text
    except DocumentError as exc:
        scene.problem = str(exc)
        notes.append(f"{said} Its file could not be read: {exc} It was left as it is.")
        return
    with contextlib.suppress(RefusedFile):  # else the old file simply stays where it is
        scene.moved_from = "/".join(_relative(root, source))
    notes.append(f"{said} Its text is kept.")


def _unsafe_source(root: Path, sub: str, raw: str) -> Path:
    """The file an id that is not a plain name points at, when it stays inside `sub`.
    Raises RefusedFile for NUL bytes, absolute paths and anything leading out of `sub`."""
    if "\x00" in raw:
        raise RefusedFile("it holds a NUL character")
    if len(raw) > 250:
        raise RefusedFile("the name is too long")
    if os.path.isabs(raw):
        raise RefusedFile("a path from the top of the disk")
    if raw.startswith("~"):
        raise RefusedFile("a path into the home folder")
    base = inside(root, sub)
    pieces = tuple(f"{raw}.md".split("/"))
    try:
        target = _entry(base, pieces)
    except RefusedFile as exc:
        raise RefusedFile(f"it leads outside the “{sub}” folder") from exc
    except OSError as exc:  # a name too long for the file system, a folder not allowed
        if exc.errno == errno.ENAMETOOLONG:
            raise RefusedFile("the name is too long") from exc
        raise RefusedFile(f"it could not be looked at: {exc.strerror}") from exc
    # The folders on the way are resolved now: name the file from the story's own folder.
    return root / target.relative_to(root.resolve())


def _recover_orphans(
    story: Story, claimed: _Claims, notes: list[str], opened: OpenFolder | None
) -> None:
    root = story.folder
    folder = root / "scenes"
    try:
        names = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
    except OSError as exc:
        log.warning("could not list %s: %s", folder, exc)
        return
    # Files scenes given a new id were read from: the next save moves them.
    moving = {s.moved_from for s in (*_in(story.binder, "scenes"), *story.binder.trash)}
    chapter = Chapter(title="Recovered scenes", status="outline")
    for name in names:
        if not name.endswith(".md") or f"scenes/{name}" in moving:
            continue
        stem, path = name[: -len(".md")], folder / name
        title = stem if stem.isprintable() and stem else shown(name).strip("“”")
        if _claim(claimed, stem, "scenes"):
            scene = Scene(id=stem, title=stem)
            _read_scene(story, scene, path, notes, opened)  # kept under its name, even unread
            chapter.scenes.append(scene)
            continue
        if is_safe_id(stem):
            other, sub = claimed[fold_id(stem)]
            if other == stem or _same_file(path, root / sub / f"{other}.md"):
                continue  # listed (or the same file on a file system that ignores case)
        try:
            text = read_document(path, root=root, folder=opened).text
        except DocumentError as exc:
            # Left where it is: given a new id it would come back at every opening.
            notes.append(
                f"The file scenes/{shown(name).strip('“”')} is not in the chapter list and "
                f"could not be read: {exc} It was left as it is."
            )
            continue
        scene = Scene(id=_fresh_id(claimed, "scenes"), title=title, text=text)
        scene.moved_from = f"scenes/{name}"
        chapter.scenes.append(scene)
    if chapter.scenes:
        story.binder.chapters.append(chapter)
        notes.append(
            f"{len(chapter.scenes)} scene file(s) not in the chapter list were put in "
            "“Recovered scenes”."
        )


def _same_file(a: Path, b: Path) -> bool:
    """Two names of one file (links are compared as links, never followed)."""
    try:
        first, second = os.lstat(a), os.lstat(b)
    except OSError:
        return False
    return (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino)


def _text_field(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _entries(value: object) -> list[dict[str, Any]] | None:
    """Bible entries: tables of field name to text; anything else is not understood."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        return None
    return [{str(k): v if isinstance(v, str) else str(v) for k, v in e.items()} for e in value]


def _counts(value: object) -> dict[str, int] | None:
    if not isinstance(value, dict):
        return None
    return {
        str(k): int(v) for k, v in value.items() if isinstance(v, int) and not isinstance(v, bool)
    }


def _words(value: object) -> list[str] | None:
    if not isinstance(value, list):
        return None
    return [w for w in value if isinstance(w, str)]


def _table(value: object) -> dict[str, Any] | None:
    return dict(value) if isinstance(value, dict) else None


def _story_from_data(root: Path, data: dict[str, Any], notes: list[str]) -> Story:
    if data.get("format", 0) == 0 and isinstance(data.get("story", {}), dict):
        # Format 0 kept the premise under [story] and had no bible tables.
        old = data.pop("story", {})
        data.setdefault("title", old.get("title", ""))
        data.setdefault("premise", old.get("premise", ""))
    story = Story(root, extra={k: v for k, v in data.items() if k not in _STORY_KEYS})
    wrong: list[str] = []
    readers: dict[str, tuple[Callable[[object], Any], Callable[[], Any]]] = {
        "title": (_text_field, str),
        "author": (_text_field, str),
        "premise": (_text_field, str),
        "notes": (_text_field, str),
        "language": (_text_field, str),
        "memory": (_text_field, str),
        "style": (_table, dict),
        "context": (_table, dict),
        "characters": (_entries, list),
        "background": (_entries, list),
        "goals": (_counts, dict),
        "history": (_counts, dict),
        "spelling_words": (_words, list),
    }
    for key, (reader, empty) in readers.items():
        if key not in data:
            continue
        value = reader(data[key])
        if value is None:
            wrong.append(key)
            value = empty()
        setattr(story, key, value)
    if wrong:
        notes.append(
            "Some details in story.toml are not in a form Inkling understands and were left "
            f"empty: {', '.join(wrong)}."
        )
    return story


def _read_story_data(root: Path, notes: list[str]) -> dict[str, Any]:
    """story.toml (or its backup); {} with a note when neither can be read."""
    meta = root / "story.toml"
    if not os.path.lexists(meta):
        raise DocumentError(f"{root.name} is not an Inkling story (no story.toml).")
    problem = ""
    for candidate in (meta, root / "story.toml.bak"):
        try:
            data = read_toml(candidate, MAX_STORY_BYTES, root=root)
        except FileNotFoundError:
            continue
        except RefusedFile as exc:
            problem = problem or str(exc)
            continue
        except OSError as exc:
            problem = problem or _read_reason(candidate, exc)
            continue
        if candidate != meta:
            notes.append(
                f"story.toml could not be read: {problem} The story's details were restored "
                "from its backup copy."
            )
        return data
    notes.append(
        f"story.toml could not be read: {problem} The title, bible and style are left empty; "
        "saving writes a new story.toml."
    )
    return {}


def _story_format(root: Path, data: dict[str, Any], notes: list[str]) -> int:
    """The layout to read: 2 (binder and scenes) or 1 (one manuscript.md)."""
    has_binder = any(os.path.lexists(root / n) for n in ("binder.toml", "binder.toml.bak"))
    guess = 1 if not has_binder and os.path.lexists(root / "manuscript.md") else STORY_FORMAT
    if not data:
        return guess
    version = data.get("format", 0)
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        notes.append(
            f"story.toml gives its format as {shown(str(version))}, which Inkling does not "
            f"know; it was read as format {guess}."
        )
        return guess
    if version > STORY_FORMAT:
        raise DocumentError(
            f"This story was saved by a newer Inkling (format {version}); please update."
        )
    if version < STORY_FORMAT and has_binder:
        # Updating the format writes binder.toml; one already there means story.toml lies.
        given = f"format {version}" if "format" in data else "no format"
        notes.append(
            f"story.toml gives {given}, but the story has a chapter list (binder.toml); it "
            "was read as it is."
        )
        return STORY_FORMAT
    return max(version, 1)


def load_story(folder: str | os.PathLike[str]) -> tuple[Story, list[str]]:
    """Open a project folder; returns the story and notes for the writer about problems.

    Raises DocumentError only when the folder is not a story at all (no story.toml) or was
    saved by a newer Inkling; anything damaged inside is a note.
    """
    root = Path(folder)
    notes: list[str] = []
    data = _read_story_data(root, notes)
    version = _story_format(root, data, notes)
    story = _story_from_data(root, data, notes)
    if version < 2:
        _migrate_format1(story, notes)
        return story, notes
    story.binder = _load_binder(root, notes)
    _read_texts(story, notes)
    if not story.binder.chapters:
        story.binder.chapters.append(Chapter(title="Chapter 1", scenes=[Scene(title="Scene 1")]))
    return story, notes


def _migrate_format1(story: Story, notes: list[str]) -> None:
    """The manuscript becomes chapter 1, scene 1; written out in format 2 straight away."""
    root = story.folder
    manuscript = root / "manuscript.md"
    scene = Scene(title="Scene 1")
    story.binder.chapters = [Chapter(title="Chapter 1", scenes=[scene])]
    if os.path.lexists(manuscript):
        try:
            scene.text = read_document(manuscript, root=root).text
        except DocumentError as exc:
            scene.problem = str(exc)
            notes.append(
                f"The manuscript of this older story could not be read: {exc} Nothing was "
                "changed on disk; the scene is shown empty and read-only."
            )
            return
    try:
        save_story(story)
    except SaveError as exc:
        notes.append(f"This story could not be updated to the new format on disk: {exc}")
        return
    if os.path.lexists(manuscript):
        try:
            # Both names were proven inside the story: the manuscript by reading it.
            _entry(root, (FORMAT1_BACKUP,))
            os.replace(manuscript, root / FORMAT1_BACKUP)
        except (OSError, RefusedFile) as exc:
            log.warning("could not rename the old manuscript: %s", exc)
    notes.append(
        f"This story was updated to the chapters-and-scenes format; the old manuscript is "
        f"kept as {FORMAT1_BACKUP}."
    )


# --- writing ----------------------------------------------------------------------------
def story_to_dict(story: Story) -> dict[str, Any]:
    """story.toml data: known fields over whatever unknown keys were read."""
    return {
        **story.extra,
        "format": STORY_FORMAT,
        "title": story.title,
        "author": story.author,
        "premise": story.premise,
        "notes": story.notes,
        "language": story.language,
        "style": story.style,
        "characters": story.characters,
        "background": story.background,
        "goals": story.goals,
        "history": story.history,
        "spelling_words": sorted(set(story.spelling_words)),
        "memory": story.memory,
        "context": story.context,
    }


def _ensure_safe_ids(binder: Binder) -> None:
    """Every scene and chapter with an id of its own that can name a file. Stories read by
    load_story already are; this keeps one built some other way from writing anywhere odd."""
    claimed: _Claims = {}
    for sub, scenes in (("scenes", _in(binder, "scenes")), ("trash", _in(binder, "trash"))):
        for scene in scenes:
            if not _claim(claimed, scene.id, sub):
                log.warning(
                    "scene %r had an id that cannot name its file; given a new one", scene.id[:80]
                )
                scene.id = _fresh_id(claimed, sub)
    for chapter in binder.chapters:
        if not _claim(claimed, chapter.id, "chapter"):
            chapter.id = _fresh_id(claimed, "chapter")


@dataclass
class SavePlan:
    """Everything one save writes and removes, built on the GUI thread, run anywhere.

    `keep` lists every scene file the story still owns, written now or not: nothing that is
    one of them is removed, whatever names the removals use.
    """

    folder: Path
    writes: list[tuple[Path, bytes]] = field(default_factory=list)
    removes: list[Path] = field(default_factory=list)
    keep: list[Path] = field(default_factory=list)


def plan_save(story: Story, changed: set[str] | None = None) -> SavePlan:
    """What saving `story` means: changed scenes (all when None), the trash, the metadata.

    A scene with a problem (its file could not be read) is never written or removed.
    """
    _ensure_safe_ids(story.binder)
    root = story.folder
    plan = SavePlan(root)
    scenes, trash = root / "scenes", root / "trash"
    # Through a folder leading out of the story nothing is looked at; run_save refuses.
    scenes_usable = not _folder_problem(root, "scenes")
    for _chapter, scene in story.binder.scenes():
        path = scenes / f"{scene.id}.md"
        plan.keep.append(path)
        if scene.problem:
            continue  # never write over a file we could not read
        if changed is None or scene.id in changed or not scenes_usable or not os.path.lexists(path):
            plan.writes.append((path, scene.text.encode("utf-8")))
        plan.removes.append(trash / f"{scene.id}.md")
        if scene.moved_from:
            plan.removes.append(root / scene.moved_from)
    for scene in story.binder.trash:
        path = trash / f"{scene.id}.md"
        plan.keep.append(path)
        if scene.problem:
            continue
        plan.writes.append((path, scene.text.encode("utf-8")))
        plan.removes.append(scenes / f"{scene.id}.md")
        if scene.moved_from:
            plan.removes.append(root / scene.moved_from)
    plan.writes.append((root / "binder.toml", tomli_w.dumps(binder_to_dict(story.binder)).encode()))
    plan.writes.append((root / "story.toml", tomli_w.dumps(story_to_dict(story)).encode()))
    return plan


class _Gate:
    """Folders of one save, resolved and proven inside the story once each."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._prefix = os.path.join(os.fspath(root), "")
        self._folders: dict[tuple[str, ...], str | RefusedFile] = {}

    def folder(self, parts: tuple[str, ...]) -> str:
        """The resolved folder `parts` below the story. Raises RefusedFile."""
        if parts not in self._folders:
            try:
                self._folders[parts] = os.fspath(inside(self.root, *parts))
            except RefusedFile as exc:
                self._folders[parts] = exc
        found = self._folders[parts]
        if isinstance(found, RefusedFile):
            raise found
        return found

    def target(self, path: Path | str) -> str:
        """Where `path` is, with its folders proven inside the story; the file itself is
        not followed. Raises RefusedFile for a path not below the story or with '..'."""
        text = os.fspath(path)
        # Plain string work: an autosave of a long book looks at tens of thousands of names.
        if not text.startswith(self._prefix):
            raise RefusedFile(f"{shown(os.path.basename(text))} is not inside {self.root.name}.")
        parts = tuple(text[len(self._prefix) :].split(os.sep))
        if any(p in ("", ".", "..") for p in parts):
            raise RefusedFile(f"{shown(os.path.basename(text))} is not inside {self.root.name}.")
        return os.path.join(self.folder(parts[:-1]), parts[-1])


def run_save(plan: SavePlan) -> None:
    """Write a SavePlan: texts first, metadata last, each atomically. Raises SaveError.

    Every path is proven to lie inside the story first; a write through a folder that
    leads elsewhere is refused, and a removal there is skipped.
    """
    root = plan.folder
    try:
        root.mkdir(parents=True, exist_ok=True)
        for sub in _SUBFOLDERS:
            if not os.path.lexists(root / sub):
                (root / sub).mkdir()
    except OSError as exc:
        raise SaveError(f"Could not create {plan.folder}: {exc.strerror}.") from exc
    gate = _Gate(root)
    for path, data in plan.writes:
        target = _write_target(gate, path)
        keep_old = path.suffix == ".toml" or os.path.lexists(target)
        atomic_write_bytes(target, data, backup=keep_old)
    _remove(gate, plan)


def _write_target(gate: _Gate, path: Path) -> Path:
    try:
        target = gate.target(path)
    except RefusedFile as exc:
        parts = path.relative_to(gate.root).parts if path.is_relative_to(gate.root) else ()
        where = f"the “{parts[0]}” folder" if len(parts) > 1 else path.name
        raise SaveError(
            f"Could not save {path.name}: {where} of {gate.root.name} leads outside the "
            "story (it is a link), and Inkling never writes there. Save the story to a new "
            "folder to keep this scene."
        ) from exc
    if os.path.islink(target):
        # The link is replaced by a file of our own; what it points at is never read (as a
        # backup) or written.
        try:
            os.unlink(target)
        except OSError as exc:
            raise SaveError(f"Could not save {path.name}: {os_reason(exc)}.") from exc
    return Path(target)


def _remove(gate: _Gate, plan: SavePlan) -> None:
    doomed: dict[str, None] = {}  # in order, each once
    for path in plan.removes:
        try:
            target = gate.target(path)
        except RefusedFile as exc:
            log.warning("not removing %s: %s", path, exc)
            continue
        for stale in (target, target + ".bak"):
            if not os.path.lexists(stale):
                continue
            if os.path.islink(stale) and not is_inside(gate.root, Path(stale)):
                log.warning("not removing %s: a link leading outside the story", stale)
                continue
            doomed[stale] = None
    if not doomed:
        return
    kept = _identities(gate, [*plan.keep, *(p for p, _d in plan.writes)])
    for stale in doomed:
        try:
            info = os.lstat(stale)
            if stat.S_ISDIR(info.st_mode) or (info.st_dev, info.st_ino) in kept:
                continue  # another name of a file the story keeps (case-insensitive disks)
            os.unlink(stale)
        except FileNotFoundError:
            continue
        except OSError as exc:
            log.warning("could not remove %s: %s", stale, exc)


def _identities(gate: _Gate, paths: list[Path]) -> set[tuple[int, int]]:
    """(device, inode) of each kept file, and of what a kept link points at."""
    out: set[tuple[int, int]] = set()
    for path in paths:
        try:
            target = gate.target(path)
            info = os.lstat(target)
            out.add((info.st_dev, info.st_ino))
            if stat.S_ISLNK(info.st_mode) and is_inside(gate.root, Path(target)):
                followed = os.stat(target)
                out.add((followed.st_dev, followed.st_ino))
        except (OSError, RefusedFile):
            continue
    return out


def save_story(story: Story, changed: set[str] | None = None) -> None:
    """Save the project now (changed scenes only when `changed` is given)."""
    run_save(plan_save(story, changed))


# --- a new project --------------------------------------------------------------------
def write_new_story(story: Story) -> None:
    """Write a brand-new project (an import, or Save As to a new folder) in one step.

    Everything goes into a hidden folder beside `story.folder`, is made durable with one
    sync for the whole folder rather than two per file, and is renamed into place at the
    end: a crash or a kill leaves no half project, and a later try cleans up what it left.
    Raises SaveError when the folder already holds something or writing fails.
    """
    target = story.folder
    parent = target.parent
    try:
        if os.path.lexists(target) and (
            os.path.islink(target) or not os.path.isdir(target) or os.listdir(target)
        ):
            raise SaveError(f"{target.name} already exists; choose a new name for the story.")
        parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(parent, target.name)
        work = Path(
            tempfile.mkdtemp(
                prefix=f".{target.name}.{os.getpid()}-", suffix=PART_SUFFIX, dir=parent
            )
        )
    except OSError as exc:
        raise SaveError(f"Could not create {target.name}: {os_reason(exc)}.") from exc
    try:
        _write_into(story, work)
        if os.path.isdir(target) and not os.path.islink(target):
            target.rmdir()  # empty (checked above); not every system renames over a folder
        os.rename(work, target)
        fsync_dir(parent)
    except OSError as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise SaveError(
            f"Could not create {target.name}: {os_reason(exc)}. Nothing was written."
        ) from exc


def _write_into(story: Story, work: Path) -> None:
    """Every file of `story` into the empty folder `work`, then one sync. Raises OSError."""
    _ensure_safe_ids(story.binder)
    files: list[Path] = []

    def put(path: Path, data: bytes) -> None:
        write_new_file(path, data)
        files.append(path)

    for sub in _SUBFOLDERS:
        (work / sub).mkdir()
    for _chapter, scene in story.binder.scenes():
        if not scene.problem:
            put(work / "scenes" / f"{scene.id}.md", scene.text.encode("utf-8"))
    for scene in story.binder.trash:
        if not scene.problem:
            put(work / "trash" / f"{scene.id}.md", scene.text.encode("utf-8"))
    put(work / "binder.toml", tomli_w.dumps(binder_to_dict(story.binder)).encode())
    put(work / "story.toml", tomli_w.dumps(story_to_dict(story)).encode())
    sync_new_files([work / "scenes", work / "trash", work], files)


def _remove_leftovers(parent: Path, name: str) -> None:
    """Hidden folders an earlier, killed write of this project left beside it."""
    prefix = f".{name}."
    with contextlib.suppress(OSError), os.scandir(parent) as entries:
        for entry in entries:
            if not (entry.name.startswith(prefix) and entry.name.endswith(PART_SUFFIX)):
                continue
            pid = entry.name[len(prefix) :].split("-", 1)[0]
            if not pid.isdigit() or pid_alive(int(pid)):
                continue  # still being written by a running Inkling
            if entry.is_dir(follow_symlinks=False):
                log.info("removing %s, left by an interrupted import", entry.path)
                shutil.rmtree(entry.path, ignore_errors=True)
