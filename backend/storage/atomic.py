"""Atomic, corruption-safe file writes: the previous version survives any failure."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

BACKUP_SUFFIX = ".bak"


class SaveError(Exception):
    """A save failed; the previous file is intact and the message says why, for the writer."""

    def __init__(self, message: str, errno_value: int | None = None) -> None:
        super().__init__(message)
        self.errno = errno_value


def os_reason(exc: OSError) -> str:
    """Why a write failed, in a writer's words ('the disk is full')."""
    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.EACCES: "Inkling is not allowed to write there",
        errno.EPERM: "Inkling is not allowed to write there",
        errno.EROFS: "the disk is read-only",
        errno.ENOENT: "the folder no longer exists",
    }
    return reasons.get(exc.errno or 0, exc.strerror or str(exc))


def describe_os_error(exc: OSError, path: Path) -> str:
    """A sentence a writer can act on, for a failed write to `path`."""
    return f"Could not save {path.name}: {os_reason(exc)}. The previous version is unchanged."


def backup_path(path: Path) -> Path:
    """Where the previous version of `path` is kept."""
    return path.with_name(path.name + BACKUP_SUFFIX)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, backup: bool = True) -> None:
    """Write `data` to `path` so that a crash or error leaves either the old or the new file.

    Temp file in the same folder, flush, fsync, keep the old file as `.bak`, replace, fsync
    the folder. Raises SaveError (with a message for the writer) and leaves the old file.
    """
    target = Path(path)
    folder = target.parent
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if backup and target.is_file():
            _keep_backup(target)
        with contextlib.suppress(OSError):
            if target.exists():
                shutil.copymode(target, tmp_name)
        os.replace(tmp_name, target)
        tmp_name = None
        fsync_dir(folder)
    except OSError as exc:
        raise SaveError(describe_os_error(exc, target), exc.errno) from exc
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def write_new_file(path: Path, data: bytes) -> None:
    """Create `path`, which must not exist yet, holding `data`, without syncing it.

    For a whole new folder that is made durable at once by `sync_new_files` and only then
    renamed into place: until the rename nothing points at it, so a crash loses nothing.
    Raises OSError (FileExistsError if something, even a link, is already there).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def sync_new_files(folders: list[Path], files: Iterable[Path]) -> None:
    """Make files written by `write_new_file` durable, then the folders that list them.

    On Linux one syncfs() flushes the whole file system the folders are on, which is far
    cheaper than an fsync per file once there are thousands of them; elsewhere each file
    is synced once. Raises OSError.
    """
    if not (folders and _syncfs(folders[0])):
        for path in files:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    for folder in folders:
        fsync_dir(folder)


def _syncfs(folder: Path) -> bool:
    """syncfs(2) on the file system holding `folder`; False where it is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        syncfs = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return False
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        return bool(syncfs(fd) == 0)
    finally:
        os.close(fd)


def atomic_write_text(path: str | os.PathLike[str], text: str, *, backup: bool = True) -> None:
    """atomic_write_bytes for UTF-8 text."""
    atomic_write_bytes(path, text.encode("utf-8"), backup=backup)


def _keep_backup(target: Path) -> None:
    """Copy the current file to .bak (atomically too), so the old version is never missing."""
    bak = backup_path(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{bak.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out, target.open("rb") as src:
            shutil.copyfileobj(src, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, bak)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
