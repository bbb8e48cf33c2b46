"""Inspecting a model file or folder before it is accepted: a .gguf file's metadata (and
llama.cpp's own reading of it), a transformers folder's config, weights and tokenizer.

config.json, tokenizer_config.json and README are read through the bounded readers of
backend.untrusted: a model folder from elsewhere may hold anything."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from backend.engines.base import EngineError, EngineKind
from backend.engines.gguf_meta import check_gguf, read_metadata
from backend.engines.transformers_folder import check_transformers_folder
from backend.models.entry import LICENCE_NAMES, CatalogError, ModelEntry, prompt_format_of
from backend.untrusted import RefusedFile, read_head, read_json

log = logging.getLogger(__name__)

# The most Inkling reads of each file: a config.json a few KB (a few MB with a large label
# map), a tokenizer_config.json up to several MB.
CONFIG_LIMIT = 8 << 20
TOKENIZER_CONFIG_LIMIT = 32 << 20
README_HEAD = 16 << 10


def inspect_gguf(path: Path, *, probe: bool = True) -> ModelEntry:
    """Check a .gguf file and read what the manager shows; raises CatalogError.

    With `probe`, llama.cpp itself reads the file's vocabulary and architecture (fast: no
    weights), which is the real test that this build can run it.
    """
    try:
        check_gguf(path)
        meta = read_metadata(path)
    except EngineError as exc:
        raise CatalogError(str(exc)) from exc
    arch = _text(meta.get("general.architecture"))
    if not arch:
        raise CatalogError(f"{path.name} does not say which architecture it is.")
    if meta.get("gguf.tensor_count", 0) == 0:
        raise CatalogError(f"{path.name} holds no weights (it may be a vocabulary-only file).")
    if probe:
        _probe_llama(path, arch)
    licence = _text(meta.get("general.license"))
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CatalogError(f"Cannot read {path.name}: {exc.strerror or exc}.") from exc
    return ModelEntry(
        id="",
        name=path.stem,
        engine=EngineKind.LLAMACPP,
        path=str(path),
        size_bytes=size,
        format="GGUF",
        architecture=arch,
        context_length=_count(meta.get(f"{arch}.context_length")),
        licence=LICENCE_NAMES.get(licence.lower(), licence),
        prompt_format=prompt_format_of(_text(meta.get("tokenizer.chat_template"), 1 << 20)),
    )


def _text(value: object, most: int = 200) -> str:
    """A string from a model's metadata, or '' when it is something else."""
    return value[:most] if isinstance(value, str) else ""


def _count(value: object) -> int:
    """A non-negative whole number from a model's metadata, or 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _probe_llama(path: Path, arch: str) -> None:
    """Let llama.cpp read the vocabulary: it refuses an architecture it does not know."""
    from backend.engines.llama_adapter import read_vocabulary_only

    try:
        read_vocabulary_only(path)
    except ImportError as exc:
        raise CatalogError("The llama.cpp engine (llama-cpp-python) is not installed.") from exc
    except (ValueError, RuntimeError, OSError) as exc:
        raise CatalogError(
            f"llama.cpp cannot read {path.name} (architecture {arch!r}): the file is damaged "
            "or this version does not support that architecture."
        ) from exc


def inspect_transformers(path: Path) -> ModelEntry:
    """Check a transformers folder (config, safetensors, tokenizer, a causal LM) and read it."""
    try:
        check_transformers_folder(path)
    except EngineError as exc:
        raise CatalogError(str(exc)) from exc
    try:
        config = read_json(path / "config.json", CONFIG_LIMIT)
    except RefusedFile as exc:
        raise CatalogError(f"The model folder {path.name} cannot be used: {exc}") from exc
    except OSError as exc:
        raise CatalogError(
            f"{path.name}/config.json cannot be read ({exc.strerror or exc})."
        ) from exc
    if not isinstance(config, dict):
        raise CatalogError(f"{path.name}/config.json is not a model configuration.")
    model_type = _text(config.get("model_type"))
    try:
        from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES
    except ImportError as exc:
        raise CatalogError("The transformers engine is not installed.") from exc
    if model_type not in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES:
        raise CatalogError(
            f"{path.name} is {'a ' + model_type if model_type else 'an unknown kind of'} model; "
            "transformers cannot run it as a text generator."
        )
    context = next(
        (
            _count(config[k])
            for k in ("max_position_embeddings", "n_positions", "n_ctx")
            if _count(config.get(k))
        ),
        0,
    )
    return ModelEntry(
        id="",
        name=path.name,
        engine=EngineKind.TRANSFORMERS,
        path=str(path),
        size_bytes=_weights_size(path),
        format="safetensors",
        architecture=model_type,
        context_length=context,
        licence=_readme_licence(path),
        prompt_format=prompt_format_of(_chat_template(path)),
    )


def _weights_size(folder: Path) -> int:
    total = 0
    for weights in folder.glob("*.safetensors"):
        try:
            total += weights.stat().st_size
        except OSError:  # a dangling link: the loader will say so
            continue
    return total


def _chat_template(folder: Path) -> str:
    """The chat template in tokenizer_config.json ('' when there is none or it is unusable):
    a string, or a list of named templates of which the default one counts."""
    path = folder / "tokenizer_config.json"
    try:
        data = read_json(path, TOKENIZER_CONFIG_LIMIT)
    except FileNotFoundError:
        return ""
    except (OSError, RefusedFile) as exc:
        log.warning("ignoring %s: %s", path, exc)
        return ""
    template = data.get("chat_template") if isinstance(data, dict) else None
    if isinstance(template, list):
        named = [t for t in template if isinstance(t, dict)]
        template = next((t.get("template") for t in named if t.get("name") == "default"), None)
    return template if isinstance(template, str) else ""


def _readme_licence(path: Path) -> str:
    head = _read_head(path / "README.md", README_HEAD)
    m = re.search(r"^license:\s*(\S{1,80})", head, re.MULTILINE)
    return LICENCE_NAMES.get(m.group(1).lower(), m.group(1)) if m else ""


def _read_head(path: Path, most: int) -> str:
    """The first `most` bytes of a regular file as text ('' for anything else)."""
    return read_head(path, most).decode("utf-8", errors="replace")


def inspect_path(path: str | os.PathLike[str]) -> ModelEntry:
    """inspect_gguf for a file, inspect_transformers for a folder."""
    try:
        p = Path(path).expanduser()
        if not p.exists():
            raise CatalogError(f"{p} does not exist.")
        is_dir = p.is_dir()
    except (OSError, ValueError) as exc:  # a NUL in the name, a link loop
        raise CatalogError(f"{os.fspath(path)!r} cannot be used as a model ({exc}).") from exc
    return inspect_transformers(p) if is_dir else inspect_gguf(p)
