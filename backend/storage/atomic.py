"""Atomic, corruption-safe file writes: the previous version survives any failure."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

BACKUP_SUFFIX = ".bak"


class SaveError(Exception):
    """A save failed; the previous file is intact and the message says why, for the writer."""

    def __init__(self, message: str, errno_value: int | None = None) -> None:
        super().__init__(message)
        self.errno = errno_value


def describe_os_error(exc: OSError, path: Path) -> str:
    """A sentence a writer can act on, for a failed write to `path`."""
    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.EACCES: "Inkling is not allowed to write there",
        errno.EPERM: "Inkling is not allowed to write there",
        errno.EROFS: "the disk is read-only",
        errno.ENOENT: "the folder no longer exists",
    }
    reason = reasons.get(exc.errno or 0, exc.strerror or str(exc))
    return f"Could not save {path.name}: {reason}. The previous version is unchanged."


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
