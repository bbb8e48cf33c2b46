"""Opening a story project, defensively: what is damaged inside becomes a note for the
writer, never a lost story.

A missing or unreadable scene is reported and left untouched on disk (shown read-only); a
scene whose id cannot name a file gets a fresh id, its text kept when its file could be
read inside the project; a damaged binder.toml falls back to its backup, then to the scene
files themselves; scene files the binder does not list are recovered into a chapter of
their own. Format 1 projects (one manuscript.md) are migrated: the manuscript becomes
chapter 1, scene 1, and the old file is kept as manuscript.md.format1.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
from pathlib import Path
from typing import Any

from backend.storage.atomic import SaveError
from backend.storage.documents import DocumentError, read_document
from backend.story.binder import Binder, Chapter, Scene
from backend.story.project import (
    STORY_FORMAT,
    SUBFOLDERS,
    Claims,
    Story,
    claim_id,
    folder_problem,
    fresh_id,
    scenes_in,
)
from backend.story.project_save import save_story
from backend.story.project_toml import binder_from_dict, story_from_dict
from backend.untrusted import (
    OpenFolder,
    RefusedFile,
    entry_inside,
    fold_id,
    inside,
    is_safe_id,
    parts_inside,
    read_toml,
    shown,
)

log = logging.getLogger(__name__)

FORMAT1_BACKUP = "manuscript.md.format1"
# binder.toml holds no text: 100,000 scenes with a synopsis each come to about 21 MB.
MAX_BINDER_BYTES = 32 * 1024 * 1024
MAX_STORY_BYTES = 16 * 1024 * 1024


def _read_reason(path: Path, exc: OSError) -> str:
    return f"Could not read {path.name}: {exc.strerror or exc}."


def load_story(folder: str | os.PathLike[str]) -> tuple[Story, list[str]]:
    """Open a project folder; returns the story and notes for the writer about problems.

    Raises DocumentError only when the folder is not a story at all (no story.toml) or was
    saved by a newer Inkling; anything damaged inside is a note.
    """
    root = Path(folder)
    notes: list[str] = []
    data = _read_story_data(root, notes)
    version = _story_format(root, data, notes)
    story = story_from_dict(root, data, notes)
    if version < 2:
        _migrate_format1(story, notes)
        return story, notes
    story.binder = _load_binder(root, notes)
    _read_texts(story, notes)
    if not story.binder.chapters:
        story.binder.chapters.append(Chapter(title="Chapter 1", scenes=[Scene(title="Scene 1")]))
    return story, notes


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


def _read_texts(story: Story, notes: list[str]) -> None:
    root = story.folder
    problems = {sub: folder_problem(root, sub) for sub in SUBFOLDERS}
    claimed: Claims = {}
    with contextlib.ExitStack() as stack:
        folders = {sub: _open_folder(stack, root, sub, problems[sub]) for sub in SUBFOLDERS}
        for _chapter, scene in story.binder.scenes():
            _settle_scene(story, scene, "scenes", problems["scenes"], claimed, notes, folders)
        for scene in story.binder.trash:
            _settle_scene(story, scene, "trash", problems["trash"], claimed, notes, folders)
        if not problems["scenes"]:
            _recover_orphans(story, claimed, notes, folders["scenes"])
    for sub, problem in problems.items():
        if problem:
            count = sum(1 for s in scenes_in(story.binder, sub) if s.problem == problem)
            notes.append(
                f"{problem} Its {count} scene(s) are shown empty and read-only, and nothing "
                "is saved there."
            )
    for chapter in story.binder.chapters:
        raw = chapter.id
        if not claim_id(claimed, raw, "chapter"):
            chapter.id = fresh_id(claimed, "chapter")
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


def _read_scene(
    story: Story, scene: Scene, path: Path, notes: list[str], folder: OpenFolder | None = None
) -> None:
    try:
        scene.text = read_document(path, root=story.folder, folder=folder).text
    except DocumentError as exc:
        scene.problem = str(exc)
        notes.append(f"Scene “{scene.title}” could not be read: {exc} It was left as it is.")


def _settle_scene(
    story: Story,
    scene: Scene,
    sub: str,
    problem: str,
    claimed: Claims,
    notes: list[str],
    folders: dict[str, OpenFolder | None],
) -> None:
    """Give `scene` an id that names its own file inside the project, and read its text."""
    root, raw = story.folder, scene.id
    if claim_id(claimed, raw, sub):
        if problem:
            scene.problem = problem
            return
        path = root / sub / f"{raw}.md"
        if os.path.lexists(path):
            _read_scene(story, scene, path, notes, folders[sub])
        elif sub == "scenes":
            notes.append(f"Scene “{scene.title}” has no file ({path.name}); it is empty.")
        return
    scene.id = fresh_id(claimed, sub)
    if problem:
        scene.problem = problem
        return
    if is_safe_id(raw):
        found = _taken_id_source(story, scene, sub, raw, claimed[fold_id(raw)], notes, folders[sub])
    else:
        found = _odd_id_source(root, scene, sub, raw, notes)
    if found is not None:
        _read_moved(root, scene, *found, notes)


def _taken_id_source(
    story: Story,
    scene: Scene,
    sub: str,
    raw: str,
    taken: tuple[str, str],
    notes: list[str],
    folder: OpenFolder | None,
) -> tuple[str, Path] | None:
    """What to tell the writer about a scene whose id `raw` another item has `taken` (that
    item's id and folder), and the file its text is in (None when the scene was read as a
    copy of that file)."""
    root = story.folder
    where = "in the trash " if sub == "trash" else ""
    other, other_sub = taken
    if other == raw and other_sub == sub:
        # Two entries naming one file: the second becomes its own copy; the file stays
        # with the first.
        notes.append(f"Two scenes shared the file {raw}.md; “{scene.title}” is now a copy.")
        _read_scene(story, scene, root / sub / f"{raw}.md", notes, folder)
        return None
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
    return said, root / sub / f"{raw}.md"


def _odd_id_source(
    root: Path, scene: Scene, sub: str, raw: str, notes: list[str]
) -> tuple[str, Path] | None:
    """What to tell the writer about a scene whose id `raw` cannot name a file, and the file
    it points at (None, the scene left read-only, when that leads out of `sub`)."""
    where = "in the trash " if sub == "trash" else ""
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
        return None
    said = (
        f"Scene “{scene.title}” {where}had an id Inkling does not use ({shown(raw)}); it "
        "was given a new one."
    )
    return said, source


def _read_moved(root: Path, scene: Scene, said: str, source: Path, notes: list[str]) -> None:
    """Read a scene given a new id from its old file, which the next save moves."""
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
        scene.moved_from = "/".join(parts_inside(root, source))
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
        target = entry_inside(base, pieces)
    except RefusedFile as exc:
        raise RefusedFile(f"it leads outside the “{sub}” folder") from exc
    except OSError as exc:  # a name too long for the file system, a folder not allowed
        if exc.errno == errno.ENAMETOOLONG:
            raise RefusedFile("the name is too long") from exc
        raise RefusedFile(f"it could not be looked at: {exc.strerror}") from exc
    # The folders on the way are resolved now: name the file from the story's own folder.
    return root / target.relative_to(root.resolve())


def _recover_orphans(
    story: Story, claimed: Claims, notes: list[str], opened: OpenFolder | None
) -> None:
    root = story.folder
    folder = root / "scenes"
    try:
        names = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
    except OSError as exc:
        log.warning("could not list %s: %s", folder, exc)
        return
    # Files scenes given a new id were read from: the next save moves them.
    moving = {s.moved_from for s in (*scenes_in(story.binder, "scenes"), *story.binder.trash)}
    chapter = Chapter(title="Recovered scenes", status="outline")
    for name in names:
        if not name.endswith(".md") or f"scenes/{name}" in moving:
            continue
        stem, path = name[: -len(".md")], folder / name
        title = stem if stem.isprintable() and stem else shown(name).strip("“”")
        if claim_id(claimed, stem, "scenes"):
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
        scene = Scene(id=fresh_id(claimed, "scenes"), title=title, text=text)
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
            entry_inside(root, (FORMAT1_BACKUP,))
            os.replace(manuscript, root / FORMAT1_BACKUP)
        except (OSError, RefusedFile) as exc:
            log.warning("could not rename the old manuscript: %s", exc)
    notes.append(
        f"This story was updated to the chapters-and-scenes format; the old manuscript is "
        f"kept as {FORMAT1_BACKUP}."
    )
