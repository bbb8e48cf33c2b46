"""Project backups: the whole project folder in one zip, checked after writing, and
rotated. Restoring one into a new folder is backend/story/backup_restore.py.

A backup is written as a hidden '.<name>.<pid>.part' file beside where it goes, read back
(every entry's CRC checked) and only then renamed to '<project> <date> <time>.zip': a
crash or a full disk never leaves a half zip looking like a backup, and the next backup
removes what an interrupted one left. The zip's comment names the project folder, so
rotation only ever removes backups of the same project, and only files it made.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from backend.storage.atomic import describe_os_error, fsync_dir
from backend.storage.paths import AppPaths
from backend.storage.recovery import pid_alive
from backend.storage.settings import Settings
from backend.story.project import STORY_SUFFIX

BACKUP_MARK = "inkling-backup"
PART_SUFFIX = ".part"
MAX_DEPTH = 16
_STAMP = "%Y-%m-%d %H.%M.%S"
_SKIPPED_SUFFIXES = (".inkling-lock", ".tmp", PART_SUFFIX)


class BackupError(Exception):
    """A backup could not be written, read or restored; the message is for the writer."""


@dataclass(frozen=True)
class Retention:
    """Which backups rotation keeps: the newest `last`, the newest of each of the last
    `days` days and of each of the last `weeks` weeks."""

    last: int = 5
    days: int = 7
    weeks: int = 4


@dataclass(frozen=True)
class Backup:
    """A backup zip of one project."""

    path: Path
    time: datetime
    size: int
    files: int = 0


def backup_name(project: Path, when: datetime) -> str:
    """'<project name> 2026-12-07 01.23.45.zip'."""
    stem = (
        project.name[: -len(STORY_SUFFIX)] if project.name.endswith(STORY_SUFFIX) else project.name
    )
    stem = "".join(c if c.isprintable() and c not in '/\\:*?"<>|' else "_" for c in stem)
    return f"{stem.strip(' .') or 'Story'} {when.strftime(_STAMP)}.zip"


def _project_key(project: Path) -> str:
    return os.path.normcase(os.fspath(project.resolve()))


# --- writing -----------------------------------------------------------------------------
def project_files(project: Path) -> list[tuple[Path, str]]:
    """Every ordinary file of the project with its name in the zip (inside a folder named
    as the project's), metadata first.

    Links are never followed (a link leading outside the project would back up someone
    else's files), and locks, temporary files and leftovers of interrupted writes are left
    out.
    """
    root = project.resolve()
    found: list[tuple[Path, str]] = []

    def walk(folder: Path, prefix: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                name = f"{prefix}{entry.name}"
                if entry.is_symlink():
                    continue
                if entry.is_dir(follow_symlinks=False):
                    walk(Path(entry.path), name + "/", depth + 1)
                elif entry.is_file(follow_symlinks=False) and not entry.name.endswith(
                    _SKIPPED_SUFFIXES
                ):
                    found.append((Path(entry.path), name))

    top = f"{project.name}/"
    walk(root, top, 0)
    first = {f"{top}story.toml": 0, f"{top}binder.toml": 1}
    found.sort(key=lambda item: (first.get(item[1], 2), item[1]))
    return found


def _stamp_of(path: Path) -> tuple[int, int, int] | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def back_up(
    project: Path,
    folder: Path,
    *,
    when: datetime | None = None,
    create_folder: bool = True,
    opener: Callable[[Path], BinaryIO] | None = None,
) -> Backup:
    """Zip `project` into `folder` and return the checked backup. Raises BackupError.

    The project is only read. If a file changes while it is being read (an autosave),
    the zip is made again, up to three times, so a backup never mixes two saves.
    `create_folder` False refuses a missing folder (a drive that is not connected).
    """
    project = Path(project)
    if not (project / "story.toml").is_file():
        raise BackupError(f"{project.name} is not an Inkling story (it has no story.toml).")
    _ready_folder(folder, create_folder)
    _remove_leftovers(folder)
    when = when or datetime.now().astimezone()
    target = folder / backup_name(project, when)
    n = 2
    while os.path.lexists(target):  # another backup in the same second
        target = folder / f"{backup_name(project, when)[:-4]} ({n}).zip"
        n += 1
    part = folder / f".{target.stem}.{os.getpid()}{PART_SUFFIX}"
    comment = json.dumps(
        {BACKUP_MARK: 1, "project": _project_key(project), "time": when.isoformat()}
    ).encode()
    try:
        for _attempt in range(3):
            files = project_files(project)
            stamps = {path: _stamp_of(path) for path, _name in files}
            count = _write_zip(part, files, comment, opener)
            if all(_stamp_of(path) == stamps[path] for path, _n in files) and len(
                project_files(project)
            ) == len(files):
                break
        _verify(part)
        os.rename(part, target)
        fsync_dir(folder)
    except OSError as exc:
        _discard(part)
        raise BackupError(_os_message(exc, folder)) from exc
    except BaseException:
        _discard(part)
        raise
    return Backup(target, when, target.stat().st_size, count)


def _ready_folder(folder: Path, create: bool) -> None:
    if folder.is_dir():
        if not os.access(folder, os.W_OK | os.X_OK):
            raise BackupError(
                f"The backup folder {folder} cannot be written to; choose another in "
                "File → Backup Folder."
            )
        return
    if os.path.lexists(folder):
        raise BackupError(f"The backup folder {folder} is not a folder.")
    if not create:
        raise BackupError(
            f"The backup folder {folder} does not exist (is its drive connected?). "
            "Nothing was written."
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(_os_message(exc, folder)) from exc


def _os_message(exc: OSError, folder: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return f"The disk holding {folder} is full; the backup was not written."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"The backup folder {folder} cannot be written to; the backup was not written."
    return f"The backup was not written: {describe_os_error(exc, folder)}"


def _write_zip(
    part: Path,
    files: list[tuple[Path, str]],
    comment: bytes,
    opener: Callable[[Path], BinaryIO] | None,
) -> int:
    """Write the zip to `part` and make it durable; returns the number of files."""
    count = 0
    with (opener or _open_new)(part) as raw:
        with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            for path, name in files:
                try:
                    data = _read_plain(path)
                except FileNotFoundError:
                    continue  # removed by a save while we were reading
                info = zipfile.ZipInfo(name, _zip_time(path))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = (stat.S_IFREG | 0o644) << 16
                archive.writestr(info, data)
                count += 1
            archive.comment = comment
        raw.flush()
        os.fsync(raw.fileno())
    return count


def _open_new(path: Path) -> BinaryIO:
    return open(path, "wb")


def _read_plain(path: Path) -> bytes:
    """A project file's bytes, never through a link or from a special file."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            return b""
        return f.read()


def _zip_time(path: Path) -> tuple[int, int, int, int, int, int]:
    try:
        stamp = time.localtime(os.lstat(path).st_mtime)
    except OSError:
        stamp = time.localtime()
    year = min(max(stamp.tm_year, 1980), 2107)
    return (year, stamp.tm_mon, stamp.tm_mday, stamp.tm_hour, stamp.tm_min, stamp.tm_sec)


def _verify(path: Path) -> None:
    """Read the zip back: every entry inflated and its CRC checked. Raises BackupError."""
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BackupError(
            f"The backup did not read back correctly ({exc}); it was removed."
        ) from exc
    if bad is not None:
        raise BackupError(f"The backup did not read back correctly ({bad} fails its check).")


def _discard(part: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(part)


def _remove_leftovers(folder: Path) -> None:
    """Parts of backups an interrupted Inkling left ('.<name>.<pid>.part', pid gone)."""
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not (entry.name.startswith(".") and entry.name.endswith(PART_SUFFIX)):
                continue
            pid = entry.name[: -len(PART_SUFFIX)].rsplit(".", 1)[-1]
            if pid.isdigit() and (int(pid) == os.getpid() or not pid_alive(int(pid))):
                with contextlib.suppress(OSError):
                    if entry.is_file(follow_symlinks=False):
                        os.unlink(entry.path)


# --- listing and rotating ------------------------------------------------------------------
def _backup_of(path: Path) -> dict[str, object] | None:
    """The comment of an Inkling backup zip, or None for anything else."""
    try:
        with zipfile.ZipFile(path) as archive:
            comment = archive.comment
        data = json.loads(comment.decode("utf-8")) if comment and len(comment) < 8192 else None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get(BACKUP_MARK) == 1 else None


def list_backups(project: Path, folder: Path) -> list[Backup]:
    """The backups of `project` in `folder`, newest first."""
    key = _project_key(Path(project))
    found: list[Backup] = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not entry.name.endswith(".zip") or not entry.is_file(follow_symlinks=False):
                continue
            data = _backup_of(Path(entry.path))
            if data is None or data.get("project") != key:
                continue
            try:
                when = datetime.fromisoformat(str(data.get("time", "")))
            except ValueError:
                continue
            if when.tzinfo is None:
                when = when.astimezone()
            found.append(Backup(Path(entry.path), when, entry.stat().st_size))
    return sorted(found, key=lambda b: b.time, reverse=True)


def to_keep(backups: list[Backup], policy: Retention, now: datetime) -> set[Path]:
    """The backups rotation keeps (see Retention)."""
    newest_first = sorted(backups, key=lambda b: b.time, reverse=True)
    keep = {b.path for b in newest_first[: max(1, policy.last)]}
    days: set[object] = set()
    weeks: set[object] = set()
    for b in newest_first:
        age = now - b.time
        day = b.time.date()
        if age <= timedelta(days=policy.days) and day not in days:
            days.add(day)
            keep.add(b.path)
        week = b.time.isocalendar()[:2]
        if age <= timedelta(weeks=policy.weeks) and week not in weeks:
            weeks.add(week)
            keep.add(b.path)
    return keep


def rotate(
    project: Path, folder: Path, policy: Retention, now: datetime | None = None
) -> list[Path]:
    """Remove this project's backups that `policy` does not keep; returns those removed."""
    now = now or datetime.now().astimezone()
    backups = list_backups(project, folder)
    keep = to_keep(backups, policy, now)
    removed = []
    for b in backups:
        if b.path not in keep:
            with contextlib.suppress(OSError):
                os.unlink(b.path)
                removed.append(b.path)
    return removed


def needs_backup(project: Path, folder: Path) -> bool:
    """True when a project file changed after its newest backup in `folder` was made."""
    backups = list_backups(project, folder)
    if not backups:
        return True
    newest = backups[0].time.timestamp()
    for path, _name in project_files(Path(project)):
        with contextlib.suppress(OSError):
            if os.lstat(path).st_mtime > newest:
                return True
    return False


# --- the writer's settings -----------------------------------------------------------------
def backup_place(settings: Settings, paths: AppPaths, project: Path) -> tuple[Path, bool]:
    """Where backups of `project` go, and whether Inkling may create that folder (only its
    own default: a folder the writer chose is on a drive that may not be connected)."""
    chosen = settings.backup_folder_for(str(Path(project).resolve()), "")
    if chosen:
        return Path(chosen).expanduser(), False
    return paths.backups, True


def retention(settings: Settings) -> Retention:
    """The rotation the writer chose in Preferences."""
    keeping = settings.keeping
    return Retention(keeping.keep_last, keeping.keep_days, keeping.keep_weeks)


def back_up_and_rotate(
    project: Path, settings: Settings, paths: AppPaths, to: Path | None = None
) -> tuple[Backup, list[Path]]:
    """Back up `project` where the settings say (or into `to`), then rotate its backups
    there. Raises BackupError."""
    folder, create = (Path(to), True) if to is not None else backup_place(settings, paths, project)
    made = back_up(project, folder, create_folder=create)
    return made, rotate(project, folder, retention(settings))


def back_up_if_changed(
    project: Path, settings: Settings, paths: AppPaths
) -> tuple[Backup, list[Path]] | None:
    """Back up and rotate when a file of `project` changed since its newest backup (a
    story being closed); None when nothing changed. Raises BackupError."""
    place, _create = backup_place(settings, paths, project)
    if not needs_backup(project, place):
        return None
    return back_up_and_rotate(project, settings, paths)
