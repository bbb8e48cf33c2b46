"""What the window and the command line do with snapshots: keep a set of scenes (then
prune), copy a project's history to a new folder, read a scene's history, and read one
version with its word diff against the scene now. Over backend/story/snapshots.py.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from backend.story.snapshot_format import _HEX, History, Snapshot, SnapshotError
from backend.story.snapshots import LOG_SUFFIX, OBJECT_SUFFIX, OBJECTS, SnapshotStore
from backend.text.diff import Diff, word_diff
from backend.untrusted import RefusedFile, is_safe_id


def snapshot_scenes(
    project: Path,
    items: Iterable[tuple[str, str]],
    cause: str,
    name: str = "",
    limit_mb: int = 0,
) -> tuple[list[Snapshot], list[str]]:
    """Snapshot each (scene id, text) that changed since its last snapshot (every one when
    named; empty scenes only when named), then prune to `limit_mb` if given. Returns the
    snapshots taken and a message for each scene that could not be kept."""
    store = SnapshotStore(project)
    taken: list[Snapshot] = []
    problems: list[str] = []
    for scene_id, text in items:
        if not text and not name:
            continue
        try:
            snap = store.take(scene_id, text, cause, name)
        except SnapshotError as exc:
            problems.append(str(exc))
            continue
        if snap is not None:
            taken.append(snap)
    if limit_mb:
        try:
            store.prune(limit_mb * 1024 * 1024)
        except SnapshotError as exc:
            problems.append(str(exc))
    return taken, problems


def copy_snapshots(source: Path, target: Path) -> int:
    """Copy the snapshots of the project `source` into the project `target` (Save As to
    a new folder keeps every scene's history). Only ordinary files with the names
    snapshots use are copied, never through a link. Returns the number of files."""
    try:
        folder = SnapshotStore(source).folder(False)
    except SnapshotError:
        return 0
    if not folder.is_dir():
        return 0
    dest = SnapshotStore(target).folder(True)
    copied = 0
    for sub, suffix, valid in (
        ("", LOG_SUFFIX, is_safe_id),
        (OBJECTS, OBJECT_SUFFIX, lambda stem: bool(_HEX.fullmatch(stem))),
    ):
        with contextlib.suppress(OSError), os.scandir(folder / sub) as entries:
            for entry in entries:
                stem = entry.name[: -len(suffix)]
                if not entry.name.endswith(suffix) or not valid(stem):
                    continue
                if not entry.is_file(follow_symlinks=False):
                    continue
                with contextlib.suppress(OSError):
                    shutil.copyfile(entry.path, dest / sub / entry.name, follow_symlinks=False)
                    copied += 1
    return copied


@dataclass(frozen=True)
class Version:
    """A snapshot's text and how it differs from the scene now (or why it cannot be read)."""

    snapshot: Snapshot
    text: str = ""
    diff: Diff | None = None
    problem: str = ""


def history_of(project: Path, scene_id: str) -> History:
    """The snapshots of one scene of `project`, newest first."""
    return SnapshotStore(project).history(scene_id)


def version_of(project: Path, snapshot: Snapshot, current: str) -> Version:
    """A snapshot's text and its word diff against `current` (the scene now)."""
    try:
        text = SnapshotStore(project).text_of(snapshot)
    except (SnapshotError, RefusedFile) as exc:
        return Version(snapshot, problem=str(exc))
    return Version(snapshot, text, word_diff(text, current))
