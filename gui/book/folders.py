"""The folder each kind of file dialog starts in: the last one used for that kind (open,
save, import, export, a new project's place), else the writer's Documents folder.

Kept in memory for the running program; `attach` also keeps them in a store the window
persists (anything with `get(key)` and `set(key, value)`, such as the window's StateStore).
What comes back from that store is checked: only existing folders are used.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QStandardPaths

from backend.story.project import STORY_SUFFIX

KINDS = ("open", "save", "import", "export", "project")
STORE_KEY = "last_folders"
MAX_PATH_CHARS = 4096


class KeyValueStore(Protocol):
    """Where remembered folders are persisted."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def set(self, key: str, value: Any) -> None: ...


def documents_folder() -> Path:
    """The writer's Documents folder (their home when the desktop names none)."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(found) if found else Path.home()
    return folder if folder.is_dir() else Path.home()


def _usable(value: object) -> Path | None:
    if not isinstance(value, str) or not value or len(value) > MAX_PATH_CHARS:
        return None
    if "\x00" in value or not os.path.isabs(value):
        return None
    folder = Path(value)
    return folder if folder.is_dir() else None


class LastFolders:
    """The last folder used for each kind of file dialog."""

    def __init__(self) -> None:
        self._folders: dict[str, str] = {}
        self._store: KeyValueStore | None = None

    def attach(self, store: KeyValueStore) -> None:
        """Read the remembered folders from `store` and write every change back to it."""
        self._store = store
        kept = store.get(STORE_KEY, {})
        if isinstance(kept, dict):
            for kind in KINDS:
                folder = _usable(kept.get(kind))
                if folder is not None:
                    self._folders.setdefault(kind, str(folder))

    def folder(self, kind: str, fallback: Path | None = None) -> Path:
        """Where a dialog of `kind` starts: the last folder used for it, else `fallback`
        (when it exists), else the Documents folder."""
        remembered = _usable(self._folders.get(kind))
        if remembered is not None:
            return remembered
        if fallback is not None and fallback.is_dir():
            return fallback
        return documents_folder()

    def start(self, kind: str, suggested: str = "") -> str:
        """The path a dialog of `kind` opens with: an absolute `suggested` path as it is,
        a bare name (or nothing) inside `folder(kind)`."""
        if suggested and os.path.isabs(suggested):
            return suggested
        folder = self.folder(kind)
        return str(folder / suggested) if suggested else str(folder)

    def remember(self, kind: str, chosen: str) -> None:
        """A file or folder was chosen in a dialog of `kind`: its folder is next time's."""
        if not chosen:
            return
        path = Path(chosen)
        folder = path if kind == "project" else path.parent
        if folder.suffix == STORY_SUFFIX:  # story.toml chosen inside a project
            folder = folder.parent
        if _usable(str(folder)) is None:
            return
        self._folders[kind] = str(folder)
        if self._store is not None:
            self._store.set(STORE_KEY, dict(self._folders))
