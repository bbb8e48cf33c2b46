"""Style presets: the ones shipped with Inkling and the writer's own, as TOML files."""

from __future__ import annotations

import tomllib
from pathlib import Path

import tomli_w

from backend.storage.atomic import atomic_write_text
from backend.storage.paths import RESOURCES
from backend.story.style.model import Style, StyleError

PRESET_DIR = RESOURCES / "presets"


def builtin_presets() -> dict[str, Style]:
    """The presets shipped in resources/presets."""
    out = {}
    for path in sorted(PRESET_DIR.glob("*.toml")):
        style = load_preset(path)
        out[style.name or path.stem] = style
    return out


def load_preset(path: Path) -> Style:
    """Read a preset TOML file. Raises StyleError with a clear message."""
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise StyleError(f"{path.name} is not a readable preset: {exc}") from exc
    style = Style.from_mapping(data)
    return style if style.name else style.with_(name=path.stem)


def save_preset(style: Style, path: Path) -> None:
    """Write a preset as TOML (atomically)."""
    atomic_write_text(path, tomli_w.dumps(style.to_dict()), backup=False)


def user_presets(folder: Path) -> dict[str, Style]:
    """The writer's own presets in `folder` (unreadable ones are skipped)."""
    out = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*.toml")):
            try:
                style = load_preset(path)
            except StyleError:
                continue
            out[style.name] = style
    return out
