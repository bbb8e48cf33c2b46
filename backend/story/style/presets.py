"""Style presets: the ones shipped with Inkling and the writer's own, as TOML files.

Preset files travel (a writer imports one from a forum or a friend), so they are read
through the untrusted-file gate: bounded in size and nesting, never through a FIFO, a
device or a link out of the presets folder. One damaged preset is skipped with a message;
it never empties the list.
"""

from __future__ import annotations

import logging
import unicodedata
from pathlib import Path

import tomli_w

from backend.storage.atomic import atomic_write_text
from backend.storage.paths import RESOURCES
from backend.story.style.model import Style, StyleError
from backend.untrusted import RefusedFile, inside, read_toml

log = logging.getLogger(__name__)

PRESET_DIR = RESOURCES / "presets"
MAX_PRESET_FILE = 256 * 1024  # a preset is a dozen short lines
MAX_PRESET_DEPTH = 8  # a preset is one flat table; a little room for future sections
MAX_NAME_CHARS = 200
MAX_TEXT_CHARS = 20_000  # notes, genre, tone
# File names made from preset names stay well under the 255 bytes most file systems allow,
# even when every character takes four bytes in UTF-8.
_FILE_NAME_CHARS = 60


def builtin_presets() -> dict[str, Style]:
    """The presets shipped in resources/presets (a damaged one is skipped and logged)."""
    return _presets_in(PRESET_DIR, None)


def load_preset(path: Path, root: Path | None = None) -> Style:
    """Read a preset TOML file (inside `root`, when given). Raises StyleError with a clear
    message naming the file."""
    try:
        data = read_toml(path, MAX_PRESET_FILE, root=root, max_depth=MAX_PRESET_DEPTH)
    except RefusedFile as exc:
        raise StyleError(str(exc)) from exc
    except OSError as exc:
        raise StyleError(f"{path.name} is not a readable preset ({exc.strerror or exc}).") from exc
    except ValueError as exc:  # a NUL byte in the path
        raise StyleError(f"{path.name} is not a readable preset ({exc}).") from exc
    try:
        style = Style.from_mapping(data)
    except StyleError as exc:
        raise StyleError(f"{path.name} is not a usable preset: {exc}.") from exc
    except (TypeError, ValueError) as exc:
        raise StyleError(f"{path.name} is not a usable preset ({exc}).") from exc
    _check_text(style, path.name)
    return style if style.name else style.with_(name=path.stem[:MAX_NAME_CHARS])


def _check_text(style: Style, file_name: str) -> None:
    """Refuse text no writer typed: a name of many lines or thousands of characters."""
    one_line = all(unicodedata.category(c) not in ("Cc", "Zl", "Zp") for c in style.name)
    if len(style.name) > MAX_NAME_CHARS or not one_line:
        raise StyleError(
            f"{file_name} is not a usable preset: its name must be one line of at most "
            f"{MAX_NAME_CHARS} characters."
        )
    for key in ("genre", "tone", "notes"):
        if len(getattr(style, key)) > MAX_TEXT_CHARS:
            raise StyleError(
                f"{file_name} is not a usable preset: its {key} is longer than "
                f"{MAX_TEXT_CHARS:,} characters."
            )


def save_preset(style: Style, path: Path) -> None:
    """Write a preset as TOML (atomically)."""
    atomic_write_text(path, tomli_w.dumps(style.to_dict()), backup=False)


def preset_file_name(name: str) -> str:
    """The file name (without .toml) a preset called `name` is saved under: letters,
    digits, '-', '_' and spaces only, short enough for any file system."""
    safe = "".join(c if c.isalnum() or c in "-_ " else "_" for c in name)
    return safe[:_FILE_NAME_CHARS].strip() or "preset"


def preset_path(folder: Path, name: str) -> Path:
    """Where the writer's preset called `name` lives in `folder`, proven to be inside it.
    Raises StyleError when it is not (a link in the folder leading elsewhere)."""
    try:
        return inside(folder, preset_file_name(name) + ".toml")
    except RefusedFile as exc:
        raise StyleError(str(exc)) from exc


def user_presets(folder: Path, problems: list[str] | None = None) -> dict[str, Style]:
    """The writer's own presets in `folder`. Unreadable ones are skipped; why is logged
    and, when `problems` is given, appended to it for the writer."""
    return _presets_in(folder, problems)


def _presets_in(folder: Path, problems: list[str] | None) -> dict[str, Style]:
    out: dict[str, Style] = {}
    try:
        paths = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    except OSError as exc:
        log.warning("could not list the presets in %s: %s", folder, exc)
        return out
    for path in paths:
        try:
            style = load_preset(path, root=folder)
        except StyleError as exc:
            log.warning("preset skipped: %s", exc)
            if problems is not None:
                problems.append(str(exc))
            continue
        out[style.name] = style
    return out
