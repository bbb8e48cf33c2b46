"""Snapshots: every kept version of every scene, inside the project, small on disk.

Layout, simple enough to read with a text editor and gunzip::

    Story.inkling/snapshots/
      <scene id>.jsonl                one line per snapshot of that scene, oldest first
      objects/<sha256>.txt.gz         whole texts (UTF-8, gzip), named by their checksum

A line is a JSON object::

    {"id": "3f9a2c1b", "time": "2026-12-07T01:23:45Z", "cause": "continuation",
     "name": "", "words": 5012, "chars": 28113,
     "sha256": "<checksum of this version's text>",
     "base": "<checksum of a whole text in objects/>",
     "delta": [120, -5, "new words", 300]}

Without "delta" the version is the whole text `base` itself. With it, the version is
`base` changed by the delta: a positive number copies that many characters of the base,
a negative one skips that many, a string is inserted (backend/text/diff.py). Deltas always
start from a whole text, never from another delta, so one damaged file costs at most the
versions that start from it. Identical texts share one object; a version that differs a
little from the scene's last whole text costs a line of a few hundred bytes.

A project may come from someone else: scene ids become file names only through
`backend/untrusted.py`, every file is read bounded, a damaged line or object costs that
version only (with a note), and every rebuilt text is checked against its checksum.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import json
import os
import secrets
import stat
import time
from datetime import UTC, datetime
from pathlib import Path

from backend.storage.atomic import SaveError, atomic_write_bytes, describe_os_error, fsync_dir
from backend.storage.documents import MAX_DOCUMENT_BYTES
from backend.story.snapshot_format import (
    _CAUSE,
    _HEX,
    MAX_NAME_CHARS,
    History,
    Snapshot,
    SnapshotError,
    _gunzip,
    _Log,
    _parse_line,
    text_sha,
)
from backend.text.counts import word_count
from backend.text.diff import DeltaError, apply_delta, delta
from backend.untrusted import RefusedFile, inside, is_safe_id, read_bounded, shown

SNAPSHOTS = "snapshots"
OBJECTS = "objects"
LOG_SUFFIX = ".jsonl"
OBJECT_SUFFIX = ".txt.gz"
# Why a snapshot was taken. Unknown causes from a newer Inkling are shown as they are.
CAUSES = ("manual", "session", "continuation", "rewrite", "replace", "restore")
MAX_LOG_BYTES = 256 * 1024 * 1024  # a thousand versions of a long scene, with room
MAX_OBJECT_BYTES = MAX_DOCUMENT_BYTES  # compressed; the text itself is bounded the same way
MAX_TEXT_CHARS = MAX_DOCUMENT_BYTES
MAX_ENTRIES = 100_000  # per scene; older ones beyond this are not listed
# A version is kept as a delta while the delta is small against its text, gzip'd.
DELTA_SHARE = 0.25
DELTA_FLOOR = 512
DELTA_SECONDS = 0.2  # a rewrite is not worth a long comparison: it is stored whole
DEFAULT_LIMIT_MB = 200
ORPHAN_GRACE_S = 3600  # an object no line names yet may be a snapshot being written


class SnapshotStore:
    """The snapshots of one project folder. Not thread-safe: use it from one thread."""

    def __init__(self, project: Path) -> None:
        self.root = Path(project)
        self._texts: dict[str, str] = {}  # a few whole texts, by checksum

    # --- paths ----------------------------------------------------------------------
    def folder(self, create: bool) -> Path:
        """The snapshots folder, proven inside the project before anything is made in it
        (it and its objects folder are made when `create`)."""
        for parts in ((SNAPSHOTS,), (SNAPSHOTS, OBJECTS)):
            path = self.root.joinpath(*parts)
            if create and not os.path.lexists(path):
                try:
                    path.mkdir()
                except OSError as exc:
                    raise SnapshotError(describe_os_error(exc, path)) from exc
            try:
                resolved = inside(self.root, *parts)
            except RefusedFile as exc:
                raise SnapshotError(
                    f"The “{'/'.join(parts)}” folder of {self.root.name} leads outside the "
                    "story; Inkling never reads or writes there."
                ) from exc
            if create and not resolved.is_dir():
                raise SnapshotError(
                    f"{'/'.join(parts)} in {self.root.name} is not a folder; snapshots "
                    "cannot be kept."
                )
        return inside(self.root, SNAPSHOTS)

    def _log_path(self, scene_id: str, create: bool = False) -> Path:
        if not is_safe_id(scene_id):
            raise SnapshotError(f"The scene name {shown(scene_id)} is not one Inkling uses.")
        self.folder(create)
        try:
            return inside(self.root, SNAPSHOTS, scene_id + LOG_SUFFIX)
        except RefusedFile as exc:
            raise SnapshotError(str(exc)) from exc

    def _object_path(self, sha: str) -> Path:
        if not _HEX.fullmatch(sha):
            raise SnapshotError(f"{shown(sha)} does not name a kept text.")
        try:
            return inside(self.root, SNAPSHOTS, OBJECTS, sha + OBJECT_SUFFIX)
        except RefusedFile as exc:
            raise SnapshotError(str(exc)) from exc

    # --- reading --------------------------------------------------------------------
    def scenes(self) -> list[str]:
        """The ids of scenes that have snapshots (live, trashed or gone)."""
        try:
            folder = self.folder(False)
            names = os.listdir(folder)
        except (SnapshotError, OSError):
            return []
        return sorted(
            n[: -len(LOG_SUFFIX)]
            for n in names
            if n.endswith(LOG_SUFFIX) and is_safe_id(n[: -len(LOG_SUFFIX)])
        )

    def history(self, scene_id: str) -> History:
        """The scene's snapshots, newest first; damaged lines become one note."""
        out = History(scene_id)
        try:
            log = self._read_log(scene_id)
        except SnapshotError as exc:
            out.notes.append(str(exc))
            return out
        out.snapshots = list(reversed(log.snapshots))
        if log.damaged:
            out.notes.append(
                f"{len(log.damaged)} snapshot(s) of this scene could not be read (damaged "
                "lines in its history file); the others are shown."
            )
        return out

    def _read_log(self, scene_id: str) -> _Log:
        path = self._log_path(scene_id)
        try:
            data = read_bounded(path, MAX_LOG_BYTES, root=self.root)
        except FileNotFoundError:
            return _Log()
        except RefusedFile as exc:
            raise SnapshotError(str(exc)) from exc
        except OSError as exc:
            reason = exc.strerror or exc
            raise SnapshotError(f"Could not read the history of this scene: {reason}.") from exc
        log = _Log()
        for raw in data.splitlines():
            if not raw.strip():
                continue
            snap = _parse_line(raw, scene_id)
            if snap is None:
                log.damaged.append(raw)
            elif len(log.snapshots) < MAX_ENTRIES:
                log.snapshots.append(snap)
        return log

    def text_of(self, snap: Snapshot) -> str:
        """The text of a snapshot, checked against its checksum. Raises SnapshotError."""
        base = self._whole_text(snap.base)
        if snap.delta is None:
            text = base
        else:
            try:
                text = apply_delta(base, snap.delta, MAX_TEXT_CHARS)
            except DeltaError as exc:
                raise SnapshotError(f"This snapshot is damaged ({exc}).") from exc
        if text_sha(text) != snap.sha256:
            raise SnapshotError("This snapshot is damaged: its text does not match its checksum.")
        return text

    def _whole_text(self, sha: str) -> str:
        cached = self._texts.get(sha)
        if cached is not None:
            return cached
        path = self._object_path(sha)
        try:
            data = read_bounded(path, MAX_OBJECT_BYTES, root=self.root)
        except FileNotFoundError as exc:
            raise SnapshotError("The text this snapshot starts from is missing.") from exc
        except RefusedFile as exc:
            raise SnapshotError(str(exc)) from exc
        except OSError as exc:
            raise SnapshotError(f"Could not read this snapshot: {exc.strerror}.") from exc
        raw = _gunzip(data, MAX_TEXT_CHARS * 4)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SnapshotError("The text this snapshot starts from is damaged.") from exc
        if text_sha(text) != sha:
            raise SnapshotError("The text this snapshot starts from is damaged (checksum).")
        if len(self._texts) >= 8:
            self._texts.pop(next(iter(self._texts)))
        self._texts[sha] = text
        return text

    # --- writing --------------------------------------------------------------------
    def take(
        self,
        scene_id: str,
        text: str,
        cause: str,
        name: str = "",
        when: datetime | None = None,
    ) -> Snapshot | None:
        """Keep `text` as a version of the scene. None when it equals the scene's newest
        snapshot and no name is given (nothing new to keep). Raises SnapshotError."""
        name = " ".join(name.split())[:MAX_NAME_CHARS]
        if len(text) > MAX_TEXT_CHARS:
            raise SnapshotError("This scene is too long to keep a snapshot of.")
        path = self._log_path(scene_id, create=True)
        try:
            log = self._read_log(scene_id)
        except SnapshotError:
            log = _Log()  # unreadable: a new line still goes on the end
        sha = text_sha(text)
        newest = log.snapshots[-1] if log.snapshots else None
        if newest is not None and newest.sha256 == sha and not name:
            return None
        snap = Snapshot(
            id=secrets.token_hex(4),
            scene=scene_id,
            time=when or datetime.now(UTC),
            cause=cause if _CAUSE.fullmatch(cause) else "manual",
            name=name,
            words=word_count(text),
            chars=len(text),
            sha256=sha,
            base=sha,
        )
        if not self._has_object(sha):
            ops = self._delta_from(newest, text)
            if ops is not None and newest is not None:
                snap.base, snap.delta = newest.base, ops
            else:
                self._write_object(sha, text)
        line = snap.to_line()
        self._append(path, line)
        snap.line_bytes = len(line)
        return snap

    def _delta_from(self, newest: Snapshot | None, text: str) -> list[int | str] | None:
        """A delta from the newest snapshot's whole text, when that is small enough."""
        if newest is None:
            return None
        try:
            base = self._whole_text(newest.base)
        except SnapshotError:
            return None
        try:
            ops = delta(base, text, DELTA_SECONDS)
        except ValueError:
            return None
        size = len(json.dumps(ops, ensure_ascii=False).encode())
        # Against the whole text as it would be stored (gzip): past a share of that, a new
        # whole text costs less than the deltas that would keep starting from the old one.
        stored = len(gzip.compress(text.encode("utf-8"), compresslevel=1, mtime=0))
        if size > max(DELTA_FLOOR, DELTA_SHARE * stored):
            return None
        return ops

    def _has_object(self, sha: str) -> bool:
        """True when the whole text `sha` is kept and reads back intact (a damaged one is
        written again rather than shared by new snapshots)."""
        try:
            if not self._object_path(sha).is_file():
                return False
            self._whole_text(sha)
        except SnapshotError:
            return False
        return True

    def _write_object(self, sha: str, text: str) -> None:
        path = self._object_path(sha)
        data = gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)
        try:
            atomic_write_bytes(path, data, backup=False)
        except SaveError as exc:
            raise SnapshotError(f"Could not keep a snapshot: {exc}") from exc
        self._texts[sha] = text

    def _append(self, path: Path, line: bytes) -> None:
        """Add one line at the end of a log, durably; a line cut short by a crash before it
        stays a damaged line of its own."""
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(path, flags | getattr(os, "O_NONBLOCK", 0), 0o644)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise SnapshotError(
                    f"{path.name} is a link; Inkling does not write snapshots through it."
                ) from exc
            raise _cannot_keep(exc, path) from exc
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise SnapshotError(f"{path.name} is not an ordinary file; no snapshot was kept.")
            new = info.st_size == 0
            if not new:
                with open(path, "rb") as f:  # the fd is write-only
                    f.seek(-1, os.SEEK_END)
                    if f.read(1) != b"\n":
                        line = b"\n" + line
            os.write(fd, line)
            os.fsync(fd)
        except OSError as exc:
            raise _cannot_keep(exc, path) from exc
        finally:
            os.close(fd)
        if new:
            fsync_dir(path.parent)

    # --- size -----------------------------------------------------------------------
    def usage(self) -> int:
        """Bytes the snapshots take on disk (logs and objects)."""
        total = 0
        try:
            folder = self.folder(False)
        except SnapshotError:
            return 0
        for sub in (folder, folder / OBJECTS):
            with contextlib.suppress(OSError), os.scandir(sub) as entries:
                for entry in entries:
                    with contextlib.suppress(OSError):
                        if entry.is_file(follow_symlinks=False):
                            total += entry.stat(follow_symlinks=False).st_size
        return total

    def prune(self, limit_bytes: int) -> tuple[int, int]:
        """Remove the oldest unnamed snapshots until the store fits in `limit_bytes`.

        Named snapshots and each scene's newest one are never removed. Returns (snapshots
        removed, bytes freed).
        """
        before = self.usage()
        if before <= limit_bytes:
            return 0, 0
        logs = self._all_logs()
        refs: dict[str, int] = {}
        for log in logs.values():
            for snap in log.snapshots:
                refs[snap.base] = refs.get(snap.base, 0) + 1
        doomed: set[int] = set()
        released: set[str] = set()
        freed = 0
        for snap in _oldest_first(logs):
            if before - freed <= limit_bytes:
                break
            doomed.add(id(snap))
            freed += len(snap.to_line())
            refs[snap.base] -= 1
            if refs[snap.base] == 0:
                released.add(snap.base)
                with contextlib.suppress(OSError, SnapshotError):
                    freed += self._object_path(snap.base).stat().st_size
        if not doomed:
            return 0, 0
        for scene_id, log in logs.items():
            kept = [s for s in log.snapshots if id(s) not in doomed]
            if len(kept) == len(log.snapshots):
                continue
            data = b"".join([*(raw + b"\n" for raw in log.damaged), *(s.to_line() for s in kept)])
            try:
                atomic_write_bytes(self._log_path(scene_id), data, backup=False)
            except SaveError as exc:
                raise SnapshotError(f"Could not prune snapshots: {exc}") from exc
        self._remove_unreferenced({sha for sha, n in refs.items() if n > 0}, released)
        return len(doomed), max(0, before - self.usage())

    def _all_logs(self) -> dict[str, _Log]:
        logs: dict[str, _Log] = {}
        for scene_id in self.scenes():
            with contextlib.suppress(SnapshotError):
                logs[scene_id] = self._read_log(scene_id)
        return logs

    def _remove_unreferenced(self, referenced: set[str], released: set[str]) -> None:
        """Remove objects no line names: those this prune released at once, others (left by
        an interrupted snapshot) once they are an hour old."""
        try:
            folder = self.folder(False) / OBJECTS
            entries = list(os.scandir(folder))
        except (SnapshotError, OSError):
            return
        now = time.time()
        for entry in entries:
            sha = entry.name[: -len(OBJECT_SUFFIX)]
            if not entry.name.endswith(OBJECT_SUFFIX) or not _HEX.fullmatch(sha):
                continue
            if sha in referenced:
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                old = now - info.st_mtime > ORPHAN_GRACE_S
                if stat.S_ISREG(info.st_mode) and (sha in released or old):
                    os.unlink(entry.path)
                    self._texts.pop(sha, None)


def _oldest_first(logs: dict[str, _Log]) -> list[Snapshot]:
    """Snapshots that may be pruned, oldest first: unnamed, and not a scene's newest."""
    found = [snap for log in logs.values() for snap in log.snapshots[:-1] if not snap.name]
    return sorted(found, key=lambda snap: snap.time)


def _cannot_keep(exc: OSError, path: Path) -> SnapshotError:
    return SnapshotError(f"Could not keep a snapshot: {describe_os_error(exc, path)}")
