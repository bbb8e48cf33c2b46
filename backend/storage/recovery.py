"""Autosave recovery files and document locks: a crash loses at most a couple of seconds.

Unsaved work is written (atomically) to a recovery file in the state folder: the text and
everything else the writer made for it (story bible entries, premise, genre, style, author's
note). After a crash, or a hot exit at logout, the next start finds it and offers it back;
it is deleted only when the writer saves or says to discard it. A lock file beside a
document stops a second Inkling from editing it; a lock whose process is gone is stale and
is taken over.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import stat
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backend.storage.atomic import atomic_write_text
from backend.untrusted import RefusedFile, read_json

# A recovery file holds a whole document (up to 64 MB, more once escaped as JSON) and its
# story details; a lock file a few dozen bytes.
MAX_RECOVERY_BYTES = 160 * 1024 * 1024
MAX_LOCK_BYTES = 64 * 1024


def _entries(value: object) -> list[dict[str, Any]]:
    """Story bible entries from a recovery file: dicts of text fields, anything else dropped."""
    if not isinstance(value, list):
        return []
    return [
        {str(k): str(v) for k, v in item.items() if isinstance(v, str | int | float)}
        for item in value
        if isinstance(item, dict)
    ]


@dataclass(frozen=True)
class StoryState:
    """What goes with an unsaved text besides the text: its bible, premise, genre, style."""

    characters: list[dict[str, Any]] = field(default_factory=list)
    background: list[dict[str, Any]] = field(default_factory=list)
    premise: str = ""
    genre: str = ""
    style: dict[str, Any] = field(default_factory=dict)
    authors_note: str = ""
    style_on: bool = True

    @property
    def has_work(self) -> bool:
        """True if the writer made anything here that would be lost."""
        return bool(self.characters or self.background or self.premise or self.genre)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form kept in a recovery file."""
        return {
            "characters": self.characters,
            "background": self.background,
            "premise": self.premise,
            "genre": self.genre,
            "style": self.style,
            "authors_note": self.authors_note,
            "style_on": self.style_on,
        }

    @classmethod
    def from_mapping(cls, data: object) -> StoryState:
        """Read defensively: a damaged part is left empty, the rest still comes back."""
        if not isinstance(data, dict):
            return cls()
        style = data.get("style")
        return cls(
            characters=_entries(data.get("characters")),
            background=_entries(data.get("background")),
            premise=str(data.get("premise") or ""),
            genre=str(data.get("genre") or ""),
            style=dict(style) if isinstance(style, dict) else {},
            authors_note=str(data.get("authors_note") or ""),
            style_on=bool(data.get("style_on", True)),
        )


@dataclass(frozen=True)
class Recovery:
    """One recovery file: what was being written, and where it belongs."""

    file: Path
    document: str
    text: str
    saved_at: float
    pid: int
    story: StoryState = field(default_factory=StoryState)

    @property
    def title(self) -> str:
        """A short label for the recovery dialog."""
        return Path(self.document).name if self.document else "Untitled"

    def preview(self, chars: int = 400) -> str:
        """The end of the recovered text, where the latest work is."""
        return self.text[-chars:]


class RecoveryStore:
    """Recovery files under <state>/recovery, one per open document."""

    def __init__(self, state_dir: Path) -> None:
        self.folder = state_dir / "recovery"
        self.session = uuid.uuid4().hex[:12]

    def key_for(self, document: Path | None) -> str:
        """A stable file name for a document (untitled ones are per session)."""
        if document is None:
            return f"untitled-{self.session}"
        return hashlib.sha256(str(document.resolve()).encode()).hexdigest()[:24]

    def path_for(self, document: Path | None) -> Path:
        """The recovery file of `document` (it may not exist)."""
        return self.folder / f"{self.key_for(document)}.json"

    def write(self, document: Path | None, text: str, story: StoryState | None = None) -> Path:
        """Save unsaved work for `document`. Raises SaveError."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.path_for(document)
        payload = {
            "document": str(document) if document else "",
            "text": text,
            "saved_at": time.time(),
            "pid": os.getpid(),
            "story": (story or StoryState()).to_dict(),
        }
        atomic_write_text(target, json.dumps(payload, ensure_ascii=False), backup=False)
        return target

    def discard(self, document: Path | None) -> None:
        """Remove the recovery file for `document` (after a save, or when the writer says)."""
        with contextlib.suppress(OSError):
            self.path_for(document).unlink()

    def discard_file(self, file: Path) -> None:
        """Remove one recovery file."""
        with contextlib.suppress(OSError):
            file.unlink()

    def pending(self) -> list[Recovery]:
        """Recovery files left by Inkling processes that are no longer running."""
        found: list[Recovery] = []
        if not self.folder.is_dir():
            return found
        for file in sorted(self.folder.glob("*.json")):
            try:
                data = read_json(file, MAX_RECOVERY_BYTES)
                rec = Recovery(
                    file,
                    str(data["document"]),
                    str(data["text"]),
                    float(data["saved_at"]),
                    int(data["pid"]),
                    StoryState.from_mapping(data.get("story")),
                )
            except (OSError, RefusedFile, ValueError, KeyError, TypeError, AttributeError):
                continue
            if rec.pid != os.getpid() and not pid_alive(rec.pid):
                found.append(rec)
        return found


def pid_alive(pid: int) -> bool:
    """True if a process with this id exists on this machine."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except (OSError, OverflowError):  # OverflowError: a number no process id can be
        return False
    return True


class LockError(Exception):
    """Another running Inkling is editing the document."""


class DocumentLock:
    """A lock file beside the document: '.~<name>.inkling-lock' with pid, host and time."""

    def __init__(self, document: Path) -> None:
        self.document = document
        self.path = document.with_name(f".~{document.name}.inkling-lock")
        self.held = False

    def acquire(self) -> str | None:
        """Take the lock. Raises LockError if a live process holds it; returns a note if a
        stale lock was taken over. A folder we cannot write to gets no lock (read-only use).
        """
        note = None
        owner = self._owner()
        if owner is not None:
            host, pid = owner.get("host"), owner.get("pid", 0)
            if isinstance(pid, bool) or not isinstance(pid, int) or not isinstance(host, str):
                host, pid = socket.gethostname(), 0  # a damaged lock: nobody holds it
            if host == socket.gethostname() and pid != os.getpid() and pid_alive(pid):
                raise LockError(
                    f"{self.document.name} is open in another Inkling window (process {pid})."
                )
            if host != socket.gethostname():
                raise LockError(
                    f"{self.document.name} is being edited on {host}; close it there first."
                )
            note = f"A stale lock on {self.document.name} was cleared (Inkling had stopped)."
        payload = {"pid": os.getpid(), "host": socket.gethostname(), "time": time.time()}
        if not self._write(json.dumps(payload).encode("utf-8")):
            return note
        self.held = True
        return note

    def _write(self, data: bytes) -> bool:
        """Write the lock file itself: never through a link, never into a pipe or device."""
        flags = os.O_WRONLY | os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(self.path, flags | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except OSError:  # a link (ELOOP), a pipe nobody reads (ENXIO), a read-only folder
            return False
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return False
            os.ftruncate(fd, 0)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        except OSError:
            return False
        finally:
            os.close(fd)
        return True

    def release(self) -> None:
        """Remove the lock if we hold it."""
        if self.held:
            with contextlib.suppress(OSError):
                self.path.unlink()
            self.held = False

    def _owner(self) -> dict[str, Any] | None:
        try:
            data = read_json(self.path, MAX_LOCK_BYTES, root=self.path.parent)
        except (OSError, RefusedFile):
            return None
        return data if isinstance(data, dict) else None
