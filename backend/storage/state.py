"""Disposable per-user state (window geometry and the like) under the state folder."""

from __future__ import annotations

import json
import logging
from typing import Any

from backend.storage.atomic import SaveError, atomic_write_text
from backend.storage.paths import AppPaths
from backend.untrusted import RefusedFile, read_json

MAX_STATE_BYTES = 4 * 1024 * 1024

log = logging.getLogger(__name__)


class StateStore:
    """A small JSON file; unreadable state is simply forgotten."""

    def __init__(self, paths: AppPaths) -> None:
        self.path = paths.state / "state.json"
        try:
            data = read_json(self.path, MAX_STATE_BYTES)
            self._data: dict[str, Any] = data if isinstance(data, dict) else {}
        except (OSError, RefusedFile) as exc:
            if not isinstance(exc, FileNotFoundError):
                log.warning("window state forgotten: %s", exc)
            self._data = {}

    def get(self, key: str, default: Any = None) -> Any:
        """A stored value."""
        return self._data.get(key, default)

    def set(self, key: str, value: Any) -> None:
        """Store a value now (failures are logged: this is disposable state)."""
        self._data[key] = value
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.path, json.dumps(self._data), backup=False)
        except (OSError, SaveError) as exc:
            log.warning("could not save window state: %s", exc)
