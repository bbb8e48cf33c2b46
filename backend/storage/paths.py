"""Where Inkling keeps per-user files; one override (--config DIR) moves all of them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "Inkling"
ENV_ROOT = "INKLING_HOME"
# Presets, templates and icons shipped with the program.
RESOURCES = Path(__file__).resolve().parents[2] / "resources"


@dataclass(frozen=True)
class AppPaths:
    """The per-user folders: settings, data (models), state and cache."""

    config: Path
    data: Path
    state: Path
    cache: Path

    @property
    def models(self) -> Path:
        """Where the bundled model and downloaded models live."""
        return self.data / "models"

    @property
    def vocabulary(self) -> Path:
        """Where a GGUF model's vocabulary is kept between starts (rebuilt when missing)."""
        return self.cache / "vocabulary"

    @property
    def backups(self) -> Path:
        """Where project backups go unless the writer chose another folder."""
        return self.data / "backups"

    @property
    def settings_file(self) -> Path:
        """The settings file."""
        return self.config / "settings.toml"


def app_paths(root: str | os.PathLike[str] | None = None) -> AppPaths:
    """The app's folders: under `root` (or $INKLING_HOME) if given, else the platform's own."""
    root = root or os.environ.get(ENV_ROOT)
    if root:
        base = Path(root).expanduser().resolve()
        return AppPaths(base / "config", base / "data", base / "state", base / "cache")
    return AppPaths(
        Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_state_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
    )
