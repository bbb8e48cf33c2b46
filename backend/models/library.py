"""The curated list of models Inkling offers to download (resources/models/catalogue.toml),
each checked against the schema below, and the memory each needs at the default context.

The writer's own list of models (the ones they have) is catalogue.py; this one is the
shelf they choose from. The file ships with Inkling but is read like any other file:
bounded, every field checked, an entry that cannot be right is skipped with a log line.

Memory needed (`ram_bytes`) is a formula, not a figure from a card:

    weights   the file's size (llama.cpp maps the whole file)
  + KV cache  2 (keys and values) x layers x KV heads x head size x context x 2 bytes (f16)
  + runtime   RUNTIME_BYTES for llama.cpp's compute buffers and Inkling itself

with the layers, heads and head size from the model's published config (the entry's
sources). Where the config was not found the cache is taken as KV_SHARE of the file size
and the estimate is marked rough (`ram_exact` False). For a file on disk the GGUF header
gives the exact shape (`ram_for_file`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backend.engines.base import EngineError
from backend.engines.gguf_meta import read_metadata
from backend.models.download import REPO_RE, DownloadError, check_names
from backend.models.entry import PROMPT_FORMATS
from backend.storage.paths import RESOURCES
from backend.untrusted import RefusedFile, is_safe_id, read_toml

log = logging.getLogger(__name__)

CATALOGUE_FILE = RESOURCES / "models" / "catalogue.toml"
CATALOGUE_LIMIT = 256 << 10
MAX_MODELS = 64
MAX_TEXT = 300
MAX_SOURCES = 8
KINDS = ("base", "instruct")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")
# llama.cpp's default context in Inkling (backend/engines/llamacpp.py DEFAULT_CONTEXT).
DEFAULT_CONTEXT = 4096
RUNTIME_BYTES = 300 << 20
KV_SHARE = 0.15
F16_BYTES = 2


@dataclass(frozen=True)
class CuratedModel:
    """One model on the shelf, with everything the chooser shows about it."""

    id: str
    name: str
    repo: str
    file: str
    quantisation: str
    size_bytes: int  # 0: not known until the hub is asked
    size_exact: bool
    licence: str
    licence_url: str
    accept_required: bool
    languages: tuple[str, ...]
    kind: str  # base | instruct
    prompt_format: str
    writers: str
    sources: tuple[str, ...]
    context_length: int = 0  # 0: not given by a source
    layers: int = 0
    kv_heads: int = 0
    head_dim: int = 0

    @property
    def shape_known(self) -> bool:
        """True when the KV cache can be computed from a published config."""
        return bool(self.layers and self.kv_heads and self.head_dim)

    def ram_bytes(self, context: int = DEFAULT_CONTEXT) -> int:
        """Memory needed at `context` tokens (0 when the file size is not known)."""
        if not self.size_bytes:
            return 0
        if self.shape_known:
            kv = kv_cache_bytes(self.layers, self.kv_heads, self.head_dim, context)
        else:
            kv = int(self.size_bytes * KV_SHARE)
        return self.size_bytes + kv + RUNTIME_BYTES

    @property
    def ram_exact(self) -> bool:
        """True when the estimate rests on the exact size and a published shape."""
        return self.size_exact and self.shape_known

    def speaks(self, lang: str) -> bool:
        """True when the model's card lists `lang` (a base code: 'en', 'zh')."""
        return lang.split("-")[0].split("_")[0].lower() in self.languages


def kv_cache_bytes(layers: int, kv_heads: int, head_dim: int, context: int) -> int:
    """llama.cpp's f16 KV cache: keys and values for every layer and position."""
    return 2 * layers * kv_heads * head_dim * context * F16_BYTES


def ram_for_file(path: Path, context: int = DEFAULT_CONTEXT) -> int:
    """Memory needed to run a GGUF file on disk at `context` tokens, from its header;
    raises EngineError for a file that is not a readable GGUF."""
    meta = read_metadata(path, enough=lambda m: "tokenizer.ggml.model" in m)
    arch = meta.get("general.architecture")
    if not isinstance(arch, str):
        raise EngineError(f"{path.name} does not say which architecture it is.")
    layers = _count(meta.get(f"{arch}.block_count"))
    heads = _count(meta.get(f"{arch}.attention.head_count"))
    kv_heads = _count(meta.get(f"{arch}.attention.head_count_kv")) or heads
    head_dim = _count(meta.get(f"{arch}.attention.key_length"))
    if not head_dim and heads:
        head_dim = _count(meta.get(f"{arch}.embedding_length")) // heads
    size = path.stat().st_size
    if not (layers and kv_heads and head_dim):
        return size + int(size * KV_SHARE) + RUNTIME_BYTES
    return size + kv_cache_bytes(layers, kv_heads, head_dim, context) + RUNTIME_BYTES


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


class LibraryError(ValueError):
    """The curated list could not be read at all; the message is meant for the writer."""


def load_library(path: Path = CATALOGUE_FILE) -> list[CuratedModel]:
    """Every usable entry of the curated list, in file order. Raises LibraryError when the
    file itself cannot be read; a bad entry is skipped (and logged)."""
    try:
        data = read_toml(path, CATALOGUE_LIMIT)
    except (OSError, RefusedFile) as exc:
        raise LibraryError(f"The list of models to download cannot be read ({exc}).") from exc
    rows = data.get("model", [])
    if not isinstance(rows, list):
        raise LibraryError("The list of models to download has no [[model]] entries.")
    models: list[CuratedModel] = []
    for number, row in enumerate(rows[:MAX_MODELS], 1):
        try:
            model = checked_model(row)
        except ValueError as exc:
            log.warning("%s: model %d skipped: %s", path.name, number, exc)
            continue
        if any(m.id == model.id for m in models):
            log.warning("%s: model %s listed twice; the first is kept", path.name, model.id)
            continue
        models.append(model)
    return models


def find(models: list[CuratedModel], model_id: str) -> CuratedModel | None:
    """The entry with this id, or None."""
    return next((m for m in models if m.id == model_id), None)


def checked_model(row: object) -> CuratedModel:
    """One entry, every field checked against the schema; ValueError says what is wrong."""
    if not isinstance(row, dict):
        raise ValueError("it is not a table")
    get = _Fields(row)
    model = CuratedModel(
        id=get.text("id"),
        name=get.text("name"),
        repo=get.text("repo"),
        file=get.text("file"),
        quantisation=get.text("quantisation"),
        size_bytes=get.count("size_bytes"),
        size_exact=get.flag("size_exact"),
        licence=get.text("licence"),
        licence_url=get.url("licence_url"),
        accept_required=get.flag("accept_required"),
        languages=get.languages(),
        kind=get.choice("kind", KINDS),
        prompt_format=get.choice("prompt_format", tuple(PROMPT_FORMATS)),
        writers=get.text("writers"),
        sources=get.sources(),
        context_length=get.count("context_length", required=False),
        layers=get.count("layers", required=False),
        kv_heads=get.count("kv_heads", required=False),
        head_dim=get.count("head_dim", required=False),
    )
    if not is_safe_id(model.id):
        raise ValueError(f"the id {model.id!r} is not a plain name")
    if not REPO_RE.match(model.repo):
        raise ValueError(f"{model.repo!r} is not a repository id")
    try:
        check_names(model.repo, model.file)
    except DownloadError as exc:
        raise ValueError(str(exc)) from exc
    if not model.file.endswith(".gguf"):
        raise ValueError(f"{model.file!r} is not a .gguf file")
    unknown = set(row) - set(CuratedModel.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    return model


class _Fields:
    """Typed reads of one table, each raising ValueError naming the field."""

    def __init__(self, row: dict[str, Any]) -> None:
        self.row = row

    def text(self, key: str) -> str:
        value = self.row.get(key)
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
            raise ValueError(f"{key} must be text of 1 to {MAX_TEXT} characters")
        return value.strip()

    def url(self, key: str) -> str:
        value = self.text(key)
        if not value.startswith("https://"):
            raise ValueError(f"{key} must be an https:// address")
        return value

    def flag(self, key: str) -> bool:
        value = self.row.get(key)
        if not isinstance(value, bool):
            raise ValueError(f"{key} must be true or false")
        return value

    def count(self, key: str, *, required: bool = True) -> int:
        value = self.row.get(key, None if required else 0)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << 50:
            raise ValueError(f"{key} must be a whole number")
        return value

    def choice(self, key: str, allowed: tuple[str, ...]) -> str:
        value = self.text(key)
        if value not in allowed:
            raise ValueError(f"{key} must be one of {', '.join(allowed)}")
        return value

    def languages(self) -> tuple[str, ...]:
        value = self.row.get("languages")
        if not isinstance(value, list) or not value or len(value) > 20:
            raise ValueError("languages must be a list of language codes")
        if not all(isinstance(v, str) and LANGUAGE_RE.match(v) for v in value):
            raise ValueError("languages must be codes such as 'en' or 'zh'")
        return tuple(value)

    def sources(self) -> tuple[str, ...]:
        value = self.row.get("sources")
        if not isinstance(value, list) or not 0 < len(value) <= MAX_SOURCES:
            raise ValueError("sources must list the pages every figure comes from")
        if not all(isinstance(v, str) and v.startswith("https://") for v in value):
            raise ValueError("every source must be an https:// address")
        return tuple(value)
