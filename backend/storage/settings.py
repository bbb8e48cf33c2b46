"""Per-user settings: one typed object, stored as TOML, merged over defaults, never lost.

The file is written atomically with the previous good copy kept as settings.toml.bak. A
corrupt or wrong-typed file is renamed aside with a timestamp; the backup (or the defaults)
loads instead and the writer is told once. Unknown keys are kept as they were.

The file is read through the untrusted-file gate (bounded size and nesting, no FIFOs or
devices, a BOM accepted), and whatever is wrong in it, the window still starts.
"""

from __future__ import annotations

import copy
import logging
import math
import os
import time
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import tomli_w

from backend.engines.params import SAMPLING_KEYS, ParamError, SamplerParams
from backend.storage.atomic import SaveError, atomic_write_bytes, backup_path
from backend.storage.paths import AppPaths
from backend.untrusted import RefusedFile, is_safe_id, loads_toml, read_bounded

log = logging.getLogger(__name__)

THEMES = ("system", "light", "dark")
HOTKEY_NAMES = ("accept", "accept_word", "dismiss", "next", "previous", "request")
DEFAULT_HOTKEYS = {
    "accept": "Tab",
    "accept_word": "Ctrl+Right",
    "dismiss": "Esc",
    "next": "Alt+]",
    "previous": "Alt+[",
    "request": "Ctrl+Space",
}
MAX_RECENT = 10
MAX_SETTINGS_FILE = 1024 * 1024  # a settings file is a few KB; unknown sections are kept
MAX_PATH_CHARS = 4096  # PATH_MAX on Linux
MAX_HOTKEY_CHARS = 64
MAX_ID_CHARS = 200


class SettingsError(ValueError):
    """A settings value has the wrong type or is out of range."""


@dataclass
class ModelSettings:
    """Which model and engine to load (empty path: the bundled model)."""

    path: str = ""
    engine: str = ""
    active: str = ""  # an id from the model list (models.toml); wins over path
    # The model for sheets, bible entries, rewrites and styled continuations ('' = the same
    # as `active`): ghost text may stay on a small base model while generation uses a
    # larger instruct model.
    generation: str = ""
    # Better models were offered once, after the bundled model first worked.
    offered: bool = False


_SAMPLER = SamplerParams()


@dataclass
class SamplerSettings:
    """Defaults for continuations: the sampler's own, with a continuation's length."""

    temperature: float = _SAMPLER.temperature
    top_p: float = _SAMPLER.top_p
    top_k: int = _SAMPLER.top_k
    min_p: float = _SAMPLER.min_p
    repeat_penalty: float = _SAMPLER.repeat_penalty
    max_tokens: int = 120

    def params(self) -> SamplerParams:
        """These settings as sampler parameters (raises ParamError when out of range)."""
        values = {k: getattr(self, k) for k in SAMPLING_KEYS}
        return SamplerParams(max_tokens=self.max_tokens, **values)


@dataclass
class SuggestionSettings:
    """Inline suggestions: on/off, timing, length and hotkeys."""

    enabled: bool = True
    delay_ms: int = 250
    max_tokens: int = 12
    hotkeys: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_HOTKEYS))


@dataclass
class EditorSettings:
    """How the writing surface looks."""

    theme: str = "system"
    font_family: str = "Serif"
    font_size: int = 13
    zoom: int = 0  # steps of Ctrl+= / Ctrl+- over font_size
    column_width: int = 0  # characters; 0 is a comfortable centred measure (about 70)
    typewriter: bool = True  # typewriter scrolling in focus mode
    spellcheck: bool = True
    language: str = ""  # the interface language ("en", "zh_CN"); '' follows the system


@dataclass
class KeepingSettings:
    """Snapshots and backups: how much to keep, and where backups go."""

    backup_on_close: bool = True
    keep_last: int = 5  # the newest backups kept whatever their age
    keep_days: int = 7  # and the newest of each day for this many days
    keep_weeks: int = 4  # and the newest of each week for this many weeks
    snapshot_limit_mb: int = 200  # per project; the oldest unnamed snapshots go first
    backup_folder: str = ""  # '' is the user data folder's backups/
    # A project's own backup folder, by the project folder's path.
    project_backup_folders: dict[str, str] = field(default_factory=dict)


@dataclass
class Settings:
    """Everything Inkling remembers between runs."""

    model: ModelSettings = field(default_factory=ModelSettings)
    sampler: SamplerSettings = field(default_factory=SamplerSettings)
    suggestions: SuggestionSettings = field(default_factory=SuggestionSettings)
    editor: EditorSettings = field(default_factory=EditorSettings)
    keeping: KeepingSettings = field(default_factory=KeepingSettings)
    recent_files: list[str] = field(default_factory=list)
    last_style_preset: str = ""
    # The writer has asked for a continuation (Ctrl+Enter): the window reads the place
    # when the cursor rests even with suggestions off, so the next one starts at once.
    uses_continuations: bool = False
    extra: dict[str, Any] = field(default_factory=dict, repr=False)

    def add_recent(self, path: str) -> None:
        """Put `path` first in the recent-files list."""
        self.recent_files = [path, *(p for p in self.recent_files if p != path)][:MAX_RECENT]

    def validate(self) -> None:
        """Raise SettingsError for out-of-range values."""
        if self.editor.theme not in THEMES:
            raise SettingsError(f"theme must be one of {', '.join(THEMES)}")
        if not 6 <= self.editor.font_size <= 72:
            raise SettingsError("font size must be between 6 and 72")
        if not -10 <= self.editor.zoom <= 30:
            raise SettingsError("zoom must be between -10 and 30 steps")
        if self.editor.column_width and not 30 <= self.editor.column_width <= 300:
            raise SettingsError("text column width must be 0 (full width) or 30–300 characters")
        language = self.editor.language
        if language and not is_safe_id(language):
            # It names a translation file, so it is a language code, never a path.
            raise SettingsError(f"language must be a code such as zh_CN, not {_brief(language)}")
        _check_line("font", self.editor.font_family, MAX_ID_CHARS)
        if not 0 <= self.suggestions.delay_ms <= 5000:
            raise SettingsError("suggestion delay must be between 0 and 5000 ms")
        if not 1 <= self.suggestions.max_tokens <= 64:
            raise SettingsError("suggestion length must be between 1 and 64 tokens")
        unknown = set(self.suggestions.hotkeys) - set(HOTKEY_NAMES)
        if unknown:
            raise SettingsError(f"unknown hotkey(s): {', '.join(sorted(unknown))[:200]}")
        for name, keys in self.suggestions.hotkeys.items():
            _check_line(f"the {name} hotkey", keys, MAX_HOTKEY_CHARS)
        _check_line("the model's path", self.model.path, MAX_PATH_CHARS)
        _check_line("the model's engine", self.model.engine, MAX_ID_CHARS)
        _check_line("the model's id", self.model.active, MAX_ID_CHARS)
        _check_line("the generation model's id", self.model.generation, MAX_ID_CHARS)
        _check_line("the last style preset", self.last_style_preset, MAX_ID_CHARS)
        self._validate_keeping()
        try:
            self.sampler.params()
        except ParamError as exc:
            raise SettingsError(f"[sampler] {exc}") from exc

    def _validate_keeping(self) -> None:
        keeping = self.keeping
        if not 1 <= keeping.keep_last <= 1000:
            raise SettingsError("backups kept must be between 1 and 1000")
        if not 0 <= keeping.keep_days <= 366 or not 0 <= keeping.keep_weeks <= 520:
            raise SettingsError("daily backups 0–366 days, weekly backups 0–520 weeks")
        if not 1 <= keeping.snapshot_limit_mb <= 100_000:
            raise SettingsError("snapshot space must be between 1 MB and 100,000 MB")
        _check_line("the backup folder", keeping.backup_folder, MAX_PATH_CHARS)
        if len(keeping.project_backup_folders) > 1000:
            raise SettingsError("too many project backup folders (at most 1000)")
        for project, folder in keeping.project_backup_folders.items():
            _check_line("a project's path", project, MAX_PATH_CHARS)
            _check_line("a project's backup folder", folder, MAX_PATH_CHARS)

    def backup_folder_for(self, project: str, default: str) -> str:
        """Where backups of `project` go: its own folder, the chosen one, else `default`."""
        keeping = self.keeping
        return keeping.project_backup_folders.get(project) or keeping.backup_folder or default

    def to_dict(self) -> dict[str, Any]:
        """The TOML document: known sections over whatever unknown keys were read."""
        data = copy.deepcopy(self.extra)
        known = asdict(self)
        known.pop("extra")
        for key, value in known.items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key].update(value)
            else:
                data[key] = value
        return data


def _brief(value: object) -> str:
    """A value from the file, short enough to quote in a message."""
    if isinstance(value, bool | float) or (isinstance(value, int) and abs(value) < 10**30):
        return repr(value)
    if isinstance(value, int):
        return "a very large number"
    if isinstance(value, str):
        shown = repr(value)
        return shown if len(shown) <= 40 else shown[:40] + "…"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"


def _check_line(what: str, text: str, most: int) -> None:
    """Text that is one line of at most `most` characters (paths and names in the file)."""
    if len(text) > most:
        raise SettingsError(f"{what} is longer than {most} characters")
    if not _one_line(text):
        raise SettingsError(f"{what} holds control characters")


def _one_line(text: str) -> bool:
    return all(unicodedata.category(c) not in ("Cc", "Zl", "Zp") for c in text)


def clean_recent(value: object) -> list[str]:
    """The recent-files list with whatever is not a usable path dropped (not text, empty,
    over PATH_MAX, with control characters, repeated), at most MAX_RECENT entries."""
    out: list[str] = []
    if not isinstance(value, list):
        return out
    for item in value:
        usable = isinstance(item, str) and 0 < len(item) <= MAX_PATH_CHARS and _one_line(item)
        if usable and item not in out:
            out.append(item)
            if len(out) == MAX_RECENT:
                break
    return out


def _coerce(value: Any, default: Any, where: str) -> Any:
    """Check `value` against the type of `default` (ints are accepted for floats)."""
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok:
            try:
                value = float(value)
            except OverflowError:
                ok = False
            ok = ok and math.isfinite(value)
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, str):
        ok = isinstance(value, str)
    elif isinstance(default, list):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    elif isinstance(default, dict):
        ok = isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        )
    else:
        ok = True
    if not ok:
        raise SettingsError(f"{where} should be {type(default).__name__}, not {_brief(value)}")
    return value


def settings_from_dict(data: dict[str, Any]) -> Settings:
    """Merge `data` over the defaults; unknown keys go to `extra`. Raises SettingsError."""
    if not isinstance(data, dict):
        raise SettingsError("the settings are not a table")
    settings = Settings()
    settings.extra = copy.deepcopy(data)
    for f in fields(Settings):
        if f.name == "extra" or f.name not in data:
            continue
        current = getattr(settings, f.name)
        value = data[f.name]
        if f.name == "recent_files":
            settings.recent_files = clean_recent(value)
        elif hasattr(current, "__dataclass_fields__"):
            if not isinstance(value, dict):
                raise SettingsError(f"[{f.name}] should be a table")
            for sub in fields(current):
                if sub.name in value:
                    where = f"{f.name}.{sub.name}"
                    default = getattr(current, sub.name)
                    merged = _coerce(value[sub.name], default, where)
                    if isinstance(default, dict):
                        merged = {**default, **merged}
                    setattr(current, sub.name, merged)
        else:
            setattr(settings, f.name, _coerce(value, current, f.name))
    settings.validate()
    return settings


def read_settings(path: Path) -> Settings:
    """The settings in `path`, read bounded and checked. Raises SettingsError, whatever is
    wrong with the file (unreadable, special, too large, damaged, wrong types)."""
    try:
        data = loads_toml(read_bounded(path, MAX_SETTINGS_FILE), path.name)
    except RefusedFile as exc:
        raise SettingsError(str(exc).rstrip(".")) from exc
    except OSError as exc:
        raise SettingsError(f"{path.name} could not be read ({exc.strerror or exc})") from exc
    except ValueError as exc:  # tomllib's own: an integer of more digits than Python converts
        raise SettingsError(f"{path.name} is damaged ({exc})") from exc
    try:
        return settings_from_dict(data)
    except SettingsError:
        raise
    except Exception as exc:  # whatever the file holds, the window must start
        raise SettingsError(f"{path.name} holds a value Inkling cannot use ({exc})") from exc


class SettingsStore:
    """Loads and saves settings.toml under the config folder."""

    def __init__(self, paths: AppPaths) -> None:
        self.path = paths.settings_file
        self.notice: str | None = None

    def load(self) -> Settings:
        """The settings on disk, or the backup, or the defaults; sets `notice` on recovery."""
        self.notice = None
        if not os.path.lexists(self.path):
            return Settings()
        try:
            return read_settings(self.path)
        except SettingsError as exc:
            problem = str(exc)
        log.warning("settings file unusable: %s", problem)
        aside = self._move_aside()
        kept = f"It was kept as {aside.name}" if aside else "It was left as it is"
        bak = backup_path(self.path)
        if os.path.lexists(bak):
            try:
                settings = read_settings(bak)
            except SettingsError as exc:
                log.warning("settings backup unusable too: %s", exc)
            else:
                self.notice = (
                    f"Your settings file could not be used: {problem}. {kept} and the last "
                    "good copy was loaded."
                )
                return settings
        self.notice = (
            f"Your settings file could not be used: {problem}. {kept} and the defaults were loaded."
        )
        return Settings()

    def save(self, settings: Settings) -> None:
        """Write atomically, keeping the previous good file as the backup. Raises SaveError."""
        settings.validate()
        data = tomli_w.dumps(settings.to_dict()).encode("utf-8")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SaveError(f"Could not create {self.path.parent}: {exc.strerror}.") from exc
        atomic_write_bytes(self.path, data, backup=True)

    def _move_aside(self) -> Path | None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"settings.corrupt-{stamp}.toml")
        try:
            self.path.replace(aside)
        except OSError:
            log.warning("could not move the unreadable settings file aside")
            return None
        return aside
