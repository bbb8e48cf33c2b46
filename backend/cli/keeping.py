"""`snapshot`, `history`, `backup` and `restore`: the versions of scenes and the backups of
a project, over the same backend code as the window (backend/story/snapshots.py and
backend/story/backup.py). No model is loaded."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from backend.cli.common import headless_settings
from backend.storage.documents import DocumentError
from backend.storage.paths import app_paths
from backend.story.backup import BackupError, back_up_and_rotate
from backend.story.backup_restore import restore
from backend.story.project import Story
from backend.story.project_read import load_story
from backend.story.snapshot_ops import snapshot_scenes
from backend.story.snapshots import SnapshotError, SnapshotStore


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add snapshot, history, backup and restore to the command-line parser."""
    snap = sub.add_parser(
        "snapshot", parents=[common], help="keep a snapshot of every scene that changed"
    )
    snap.add_argument("story", metavar="STORY.inkling")
    snap.add_argument("--name", default="", help="a name for the snapshots (never pruned)")
    snap.add_argument("--scene", metavar="ID", help="only this scene")
    history = sub.add_parser("history", parents=[common], help="the snapshots of one scene")
    history.add_argument("story", metavar="STORY.inkling")
    history.add_argument("--scene", required=True, metavar="ID", help="the scene's id")
    history.add_argument("--json", action="store_true", help="print JSON")
    history.add_argument("--text", metavar="SNAPSHOT", help="print the text of this snapshot")
    backup = sub.add_parser("backup", parents=[common], help="zip the whole project")
    backup.add_argument("story", metavar="STORY.inkling")
    backup.add_argument("--to", metavar="DIR", help="the backup folder (default: Preferences)")
    rest = sub.add_parser("restore", parents=[common], help="unpack a backup into a new folder")
    rest.add_argument("backup", metavar="BACKUP.zip")
    rest.add_argument("--to", required=True, metavar="DIR", help="the new project folder")


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    """0 on success, 2 for bad input (no such scene, a refused zip), 1 when writing failed."""
    try:
        if args.command == "restore":
            folder = restore(Path(args.backup), Path(args.to))
            print(folder, file=stdout)
            return 0
        if args.command == "backup":
            return _backup(args, stdout)
        story, notes = load_story(args.story)
        for note in notes:
            print(f"inkling: {note}", file=sys.stderr)
        if args.command == "history":
            return _history(args, story.folder, stdout)
        return _snapshot(args, story, stdout)
    except (DocumentError, SnapshotError) as exc:
        print(f"inkling: {exc}", file=sys.stderr)
        return 2
    except BackupError as exc:
        print(f"inkling: {exc}", file=sys.stderr)
        return 1 if args.command == "backup" else 2


def _snapshot(args: argparse.Namespace, story: Story, stdout: TextIO) -> int:
    scenes = [*(s for _c, s in story.binder.scenes()), *story.binder.trash]
    if args.scene:
        scenes = [s for s in scenes if s.id == args.scene]
        if not scenes:
            raise SnapshotError(f"The story has no scene with the id {args.scene!r}.")
    settings = headless_settings(args, app_paths(args.config))
    items = [(s.id, s.text) for s in scenes if not s.problem]
    taken, problems = snapshot_scenes(
        story.folder, items, "manual", args.name, settings.keeping.snapshot_limit_mb
    )
    for problem in problems:
        print(f"inkling: {problem}", file=sys.stderr)
    json.dump(
        {
            "taken": [{"scene": s.scene, **s.as_dict()} for s in taken],
            "unchanged": len(items) - len(taken) - len(problems),
        },
        stdout,
        ensure_ascii=False,
        indent=2,
    )
    print(file=stdout)
    return 1 if problems else 0


def _history(args: argparse.Namespace, folder: Path, stdout: TextIO) -> int:
    store = SnapshotStore(folder)
    history = store.history(args.scene)
    for note in history.notes:
        print(f"inkling: {note}", file=sys.stderr)
    if args.text:
        snap = next((s for s in history.snapshots if s.id == args.text), None)
        if snap is None:
            raise SnapshotError(f"This scene has no snapshot {args.text!r}.")
        stdout.write(store.text_of(snap))
        return 0
    if args.json:
        json.dump(
            {"scene": args.scene, "snapshots": [s.as_dict() for s in history.snapshots]},
            stdout,
            ensure_ascii=False,
            indent=2,
        )
        print(file=stdout)
        return 0
    for snap in history.snapshots:
        when = snap.time.astimezone().strftime("%Y-%m-%d %H:%M")
        label = f" “{snap.name}”" if snap.name else ""
        print(f"{snap.id}  {when}  {snap.words:>7,} words  {snap.cause}{label}", file=stdout)
    return 0


def _backup(args: argparse.Namespace, stdout: TextIO) -> int:
    folder = Path(args.story)
    paths = app_paths(args.config)
    settings = headless_settings(args, paths)
    made, _removed = back_up_and_rotate(folder, settings, paths, Path(args.to) if args.to else None)
    print(made.path, file=stdout)
    return 0
