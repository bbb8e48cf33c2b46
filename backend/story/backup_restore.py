"""Restoring a backup: the zip unpacked into a new folder, never over the live project.

A zip offered for restoring may come from anywhere: entry names are proven to stay inside
the new folder, links and special entries are refused, and counts and sizes are bounded
by the bytes actually inflated, not by what the zip claims. Everything goes into a hidden
folder beside the target first and is renamed into place when complete.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from backend.storage.atomic import describe_os_error, fsync_dir
from backend.story.backup import MAX_DEPTH, PART_SUFFIX, BackupError
from backend.untrusted import shown

MAX_ENTRIES = 200_000
MAX_ENTRY_BYTES = 512 * 1024 * 1024
MAX_TOTAL_BYTES = 4 * 1024 * 1024 * 1024
MAX_NAME_CHARS = 1024
_CHUNK = 1024 * 1024


def restore(zip_path: Path, target: Path) -> Path:
    """Unpack a backup into the new folder `target` (it must not exist, or be empty).

    Everything goes into a hidden folder beside `target` first and is renamed into place
    when complete. Raises BackupError with the reason for a zip that is damaged, is not an
    Inkling backup, or holds names, links or sizes that are refused.
    """
    zip_path, target = Path(zip_path), Path(target)
    if os.path.lexists(target) and (
        not target.is_dir() or target.is_symlink() or os.listdir(target)
    ):
        raise BackupError(f"{target} already exists; restore into a new folder.")
    try:
        archive = zipfile.ZipFile(zip_path)
    except FileNotFoundError as exc:
        raise BackupError(f"{zip_path.name} does not exist.") from exc
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise BackupError(f"{zip_path.name} is not a readable zip file ({exc}).") from exc
    with archive:
        plan = _restore_plan(archive, zip_path.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(
            tempfile.mkdtemp(prefix=f".{target.name}.", suffix=PART_SUFFIX, dir=target.parent)
        )
        try:
            _unpack(archive, plan, work, zip_path.name)
            if target.is_dir():
                target.rmdir()
            os.rename(work, target)
            fsync_dir(target.parent)
        except BackupError:
            shutil.rmtree(work, ignore_errors=True)
            raise
        except OSError as exc:
            shutil.rmtree(work, ignore_errors=True)
            raise BackupError(
                f"Could not restore into {target}: {describe_os_error(exc, target)}"
            ) from exc
    return target


def _restore_plan(
    archive: zipfile.ZipFile, name: str
) -> list[tuple[zipfile.ZipInfo, tuple[str, ...]]]:
    """The entries to unpack and their parts below the new folder. Raises BackupError."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise BackupError(f"{name} holds more than {MAX_ENTRIES:,} files; it was not restored.")
    plan = []
    for info in infos:
        parts = _safe_parts(info.filename, name)
        mode = info.external_attr >> 16
        if info.is_dir():
            continue
        if stat.S_IFMT(mode) not in (0, stat.S_IFREG):
            raise BackupError(
                f"{name} holds {shown(info.filename)}, which is a link or special file; "
                "it was not restored."
            )
        plan.append((info, parts))
    # A backup made by Inkling has the project's files at the top (optionally in one folder).
    tops = {parts[0] for _i, parts in plan if len(parts) > 1}
    if not any(parts == ("story.toml",) for _i, parts in plan):
        if len(tops) == 1 and any(parts[1:] == ("story.toml",) for _i, parts in plan):
            plan = [(i, parts[1:]) for i, parts in plan if len(parts) > 1]
        else:
            raise BackupError(f"{name} is not an Inkling backup (it holds no story.toml).")
    return plan


def _safe_parts(filename: str, name: str) -> tuple[str, ...]:
    if len(filename) > MAX_NAME_CHARS or "\x00" in filename or "\\" in filename:
        raise BackupError(f"{name} holds a file name Inkling refuses ({shown(filename)}).")
    path = PurePosixPath(filename)
    parts = tuple(p for p in path.parts if p not in ("", "."))
    if (
        path.is_absolute()
        or not parts
        or any(p == ".." or ":" in p for p in parts)
        or len(parts) > MAX_DEPTH
    ):
        raise BackupError(
            f"{name} holds {shown(filename)}, a name leading outside the folder it is restored "
            "into; it was not restored."
        )
    return parts


def _unpack(
    archive: zipfile.ZipFile,
    plan: list[tuple[zipfile.ZipInfo, tuple[str, ...]]],
    work: Path,
    name: str,
) -> None:
    total = 0
    for info, parts in plan:
        out = work.joinpath(*parts)
        out.parent.mkdir(parents=True, exist_ok=True)
        if not out.parent.resolve().is_relative_to(work.resolve()):
            raise BackupError(f"{name} holds {shown(info.filename)}, leading outside; refused.")
        written = 0
        try:
            with archive.open(info) as src, open(out, "xb") as dst:
                while chunk := src.read(_CHUNK):
                    written += len(chunk)
                    total += len(chunk)
                    if written > MAX_ENTRY_BYTES or total > MAX_TOTAL_BYTES:
                        raise BackupError(
                            f"{name} unpacks to more than Inkling restores (a file over "
                            "512 MB, or 4 GB in all); it was not restored."
                        )
                    dst.write(chunk)
        except zipfile.BadZipFile as exc:
            raise BackupError(
                f"{name} is damaged: {shown(info.filename)} fails its check ({exc})."
            ) from exc
        except (zlib.error, EOFError) as exc:
            raise BackupError(
                f"{name} is damaged: {shown(info.filename)} cannot be read ({exc})."
            ) from exc
        except FileExistsError as exc:
            raise BackupError(
                f"{name} holds {shown(info.filename)} twice; it was not restored."
            ) from exc
