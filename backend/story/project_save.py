"""Saving a story project: a save plan built from the `Story` and written anywhere, and a
brand-new project written in one step.

Every file is written atomically (texts first, metadata last) after its path is proven to
lie inside the project; a scene whose file could not be read is never written or removed.
A new project (an import, or Save As to a new folder) is written into a hidden folder
beside its place and renamed into place when complete (`write_new_story`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

from backend.storage.atomic import (
    SaveError,
    atomic_write_bytes,
    fsync_dir,
    os_reason,
    sync_new_files,
    write_new_file,
)
from backend.storage.recovery import pid_alive
from backend.story.binder import Binder
from backend.story.project import (
    SUBFOLDERS,
    Claims,
    Story,
    claim_id,
    folder_problem,
    fresh_id,
    scenes_in,
)
from backend.story.project_toml import binder_to_dict, story_to_dict
from backend.untrusted import RefusedFile, inside, is_inside, shown

log = logging.getLogger(__name__)

# A new project is written in a hidden folder '.<name>.<pid>-<random>.part' beside it.
PART_SUFFIX = ".part"


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
    scenes_usable = not folder_problem(root, "scenes")
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


def save_story(story: Story, changed: set[str] | None = None) -> None:
    """Save the project now (changed scenes only when `changed` is given)."""
    run_save(plan_save(story, changed))


def _ensure_safe_ids(binder: Binder) -> None:
    """Every scene and chapter with an id of its own that can name a file. Stories read by
    load_story already are; this keeps one built some other way from writing anywhere odd."""
    claimed: Claims = {}
    for sub, scenes in (
        ("scenes", scenes_in(binder, "scenes")),
        ("trash", scenes_in(binder, "trash")),
    ):
        for scene in scenes:
            if not claim_id(claimed, scene.id, sub):
                log.warning(
                    "scene %r had an id that cannot name its file; given a new one", scene.id[:80]
                )
                scene.id = fresh_id(claimed, sub)
    for chapter in binder.chapters:
        if not claim_id(claimed, chapter.id, "chapter"):
            chapter.id = fresh_id(claimed, "chapter")


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
        for sub in SUBFOLDERS:
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

    for sub in SUBFOLDERS:
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
