"""Checking a models.toml row field by field before it becomes a ModelEntry, and the
server address and sampler settings an entry may carry."""

from __future__ import annotations

import os
import re
from dataclasses import MISSING, fields
from typing import Any

from backend.engines.base import EngineKind
from backend.engines.params import SAMPLING_KEYS
from backend.engines.server_address import strip_api_suffix
from backend.models.entry import PROMPT_FORMATS, CatalogError, ModelEntry
from backend.models.spec import ENGINES

MAX_TEXT = 4096  # the longest name, path or address taken from models.toml


def check_url(url: str) -> str:
    """A normalised http(s) base URL, or CatalogError."""
    u = strip_api_suffix(url.strip())
    if not re.match(r"^https?://[^\s/]+(/\S*)?$", u):
        raise CatalogError("A server address starts with http:// or https://.")
    return u


def check_sampler(values: dict[str, Any]) -> dict[str, float]:
    """Per-model sampler defaults, validated like any other sampler settings."""
    from backend.engines.params import ParamError, SamplerParams

    unknown = set(values) - set(SAMPLING_KEYS)
    if unknown:
        raise CatalogError(f"Unknown sampler setting(s): {', '.join(sorted(unknown))}.")
    try:
        SamplerParams(**values)
    except (ParamError, TypeError) as exc:
        raise CatalogError(str(exc)) from exc
    return dict(values)


def _checked_fields(row: dict[str, Any], entry_id: str) -> dict[str, Any]:
    """The ModelEntry fields of a models.toml row, each of the right type and usable."""
    values: dict[str, Any] = {"name": entry_id}
    for f in fields(ModelEntry):
        if f.name not in row:
            if f.default is MISSING and f.default_factory is MISSING and f.name != "name":
                raise CatalogError(f"it has no {f.name}")
            continue
        values[f.name] = _field_value(f.name, f.type, row[f.name])
    if values["engine"] not in ENGINES:
        raise CatalogError(f"the engine {values['engine'][:40]!r} is not one Inkling has")
    if values["engine"] == EngineKind.REMOTE:
        values["url"] = check_url(values.get("url", ""))
    elif not os.path.isabs(values.get("path", "")):
        raise CatalogError("its path is not a full path to a model file or folder")
    values["sampler"] = check_sampler(values.get("sampler", {}))
    if values.get("prompt_format", "plain") not in PROMPT_FORMATS:
        values["prompt_format"] = "plain"
    return values


# The Python types each models.toml field may hold (the dataclass's annotations are strings).
_FIELD_TYPES: dict[str, type] = {"str": str, "int": int, "bool": bool}


def _field_value(name: str, annotation: object, value: object) -> Any:
    """`value` for the ModelEntry field `name` if its type is right; CatalogError if not."""
    if name == "sampler":
        if not isinstance(value, dict):
            raise CatalogError("its sampler is not a table of settings")
        return value
    expected = _FIELD_TYPES[str(annotation)]
    # bool is an int in Python; a count given as true is as wrong as one given as text.
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise CatalogError(f"its {name} is {_kind(value)}, not {_kind(expected())}")
    if isinstance(value, str) and (len(value) > MAX_TEXT or "\x00" in value):
        raise CatalogError(f"its {name} is not a usable text (too long, or a NUL in it)")
    if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value < 1 << 63:
        raise CatalogError(f"its {name} is out of range")
    return value


def _kind(value: object) -> str:
    """A TOML value's kind in a writer's words."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"
