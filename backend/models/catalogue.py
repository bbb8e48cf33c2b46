"""The writer's models: the bundled one, added files and folders, downloads and servers.

Kept in `models.toml` beside the settings (written atomically). API keys live apart, in
`secrets.toml`, readable by the user only. Every local model is inspected before it is
accepted: the file's magic bytes and metadata, an architecture this build can run, weights
and tokenizer present.
"""

from __future__ import annotations

import json
import logging
import os
import re
import stat
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import tomli_w

from backend.engines.base import EngineError, EngineKind
from backend.engines.params import SAMPLING_KEYS
from backend.engines.remote import strip_api_suffix
from backend.models.bundled import BUNDLED_FILE, BUNDLED_LICENCE, BUNDLED_NAME
from backend.models.gguf_meta import check_gguf, read_metadata
from backend.models.spec import ENGINES, ModelSpec, check_transformers_folder
from backend.storage.atomic import SaveError, atomic_write_bytes
from backend.storage.paths import AppPaths

log = logging.getLogger(__name__)

BUNDLED_ID = "bundled"
# Prompt formats we recognise from a chat template, and the strings that end a turn in each.
PROMPT_FORMATS = {
    "plain": (),
    "chatml": ("<|im_end|>", "<|im_start|>"),
    "gemma": ("<end_of_turn>", "<start_of_turn>"),
    "llama3": ("<|eot_id|>", "<|start_header_id|>"),
    "mistral": ("[INST]", "[/INST]"),
}
LICENCE_NAMES = {
    "gemma": BUNDLED_LICENCE,
    "apache-2.0": "Apache License 2.0",
    "mit": "MIT License",
    "llama3": "Llama 3 Community License",
    "llama3.1": "Llama 3.1 Community License",
    "llama3.2": "Llama 3.2 Community License",
}


class CatalogError(ValueError):
    """A model could not be added or changed; the message is meant for the writer."""


@dataclass
class ModelEntry:
    """One model the writer can choose, with what the manager shows about it."""

    id: str
    name: str
    engine: str  # llamacpp | transformers | remote
    path: str = ""
    url: str = ""
    remote_model: str = ""
    size_bytes: int = 0
    format: str = ""
    architecture: str = ""
    context_length: int = 0
    licence: str = ""
    prompt_format: str = "plain"
    downloaded: bool = False
    source: str = ""  # where a download came from (repo/file)
    sampler: dict[str, float] = field(default_factory=dict)

    @property
    def bundled(self) -> bool:
        """True for the model that ships with Inkling."""
        return self.id == BUNDLED_ID

    def spec(self, models_dir: Path, api_key: str = "") -> ModelSpec:
        """What the engine factory needs to load this model."""
        stop = PROMPT_FORMATS.get(self.prompt_format, ())
        if self.engine == EngineKind.REMOTE:
            return ModelSpec(
                EngineKind.REMOTE,
                Path(),
                self.name,
                url=self.url,
                remote_model=self.remote_model,
                api_key=api_key,
                stop=stop,
            )
        path = models_dir / BUNDLED_FILE if self.bundled else Path(self.path)
        return ModelSpec(EngineKind(self.engine), path, self.name, stop=stop)

    def summary(self) -> str:
        """One line for lists and status messages."""
        bits = [self.format or self.engine, self.architecture]
        if self.context_length:
            bits.append(f"{self.context_length:,} tokens")
        if self.size_bytes:
            bits.append(human_size(self.size_bytes))
        return " · ".join(b for b in bits if b)


def human_size(n: int) -> str:
    """'253 MB', '1.2 GB'."""
    if n >= 1 << 30:
        return f"{n / (1 << 30):.1f} GB"
    if n >= 1 << 20:
        return f"{n / (1 << 20):.0f} MB"
    return f"{max(1, n // 1024)} KB"


def bundled_entry(models_dir: Path) -> ModelEntry:
    """The bundled Gemma model (its file may not be assembled yet)."""
    path = models_dir / BUNDLED_FILE
    size = path.stat().st_size if path.is_file() else 253_000_000
    return ModelEntry(
        id=BUNDLED_ID,
        name=BUNDLED_NAME,
        engine=EngineKind.LLAMACPP,
        path=str(path),
        size_bytes=size,
        format="GGUF",
        architecture="gemma3",
        context_length=32768,
        licence=BUNDLED_LICENCE,
    )


def prompt_format_of(chat_template: str) -> str:
    """The prompt format a chat template implies ('plain' without one)."""
    if "<|im_start|>" in chat_template:
        return "chatml"
    if "<start_of_turn>" in chat_template:
        return "gemma"
    if "<|start_header_id|>" in chat_template:
        return "llama3"
    if "[INST]" in chat_template:
        return "mistral"
    return "plain"


def _slug(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "model"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


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
    arch = str(meta.get("general.architecture", ""))
    if not arch:
        raise CatalogError(f"{path.name} does not say which architecture it is.")
    if meta.get("gguf.tensor_count", 0) == 0:
        raise CatalogError(f"{path.name} holds no weights (it may be a vocabulary-only file).")
    if probe:
        _probe_llama(path, arch)
    licence = str(meta.get("general.license", ""))
    template = meta.get("tokenizer.chat_template", "")
    return ModelEntry(
        id="",
        name=path.stem,
        engine=EngineKind.LLAMACPP,
        path=str(path),
        size_bytes=path.stat().st_size,
        format="GGUF",
        architecture=arch,
        context_length=int(meta.get(f"{arch}.context_length", 0) or 0),
        licence=LICENCE_NAMES.get(licence.lower(), licence),
        prompt_format=prompt_format_of(template if isinstance(template, str) else ""),
    )


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
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogError(f"{path.name}/config.json cannot be read ({exc}).") from exc
    if not isinstance(config, dict):
        raise CatalogError(f"{path.name}/config.json is not a model configuration.")
    model_type = str(config.get("model_type", ""))
    try:
        from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES
    except ImportError as exc:
        raise CatalogError("The transformers engine is not installed.") from exc
    if model_type not in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES:
        raise CatalogError(
            f"{path.name} is a {model_type or 'unknown'!s} model; transformers cannot run it "
            "as a text generator."
        )
    context = next(
        (
            int(config[k])
            for k in ("max_position_embeddings", "n_positions", "n_ctx")
            if isinstance(config.get(k), int)
        ),
        0,
    )
    size = sum(p.stat().st_size for p in path.glob("*.safetensors"))
    template = ""
    tok_config = path / "tokenizer_config.json"
    if tok_config.is_file():
        try:
            template = str(json.loads(tok_config.read_text("utf-8")).get("chat_template") or "")
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError):
            template = ""
    return ModelEntry(
        id="",
        name=path.name,
        engine=EngineKind.TRANSFORMERS,
        path=str(path),
        size_bytes=size,
        format="safetensors",
        architecture=model_type,
        context_length=context,
        licence=_readme_licence(path),
        prompt_format=prompt_format_of(template),
    )


def _readme_licence(path: Path) -> str:
    readme = path / "README.md"
    try:
        head = readme.read_text("utf-8", errors="replace")[:4000] if readme.is_file() else ""
    except OSError:
        return ""
    m = re.search(r"^license:\s*(\S+)", head, re.MULTILINE)
    return LICENCE_NAMES.get(m.group(1).lower(), m.group(1)) if m else ""


def inspect_path(path: str | os.PathLike[str]) -> ModelEntry:
    """inspect_gguf for a file, inspect_transformers for a folder."""
    p = Path(path).expanduser()
    if not p.exists():
        raise CatalogError(f"{p} does not exist.")
    return inspect_transformers(p) if p.is_dir() else inspect_gguf(p)


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


class Catalog:
    """The list of models, read from and written to models.toml."""

    def __init__(self, paths: AppPaths) -> None:
        self.paths = paths
        self.file = paths.config / "models.toml"
        self.secrets_file = paths.config / "secrets.toml"
        self.entries: list[ModelEntry] = []
        self.problem = ""
        self.load()

    # --- persistence ------------------------------------------------------------------
    def load(self) -> None:
        """Read models.toml; a damaged file is set aside and the bundled model remains."""
        self.entries = [bundled_entry(self.paths.models)]
        if not self.file.is_file():
            return
        try:
            data = tomllib.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            self.problem = f"The model list could not be read ({exc}); it was set aside."
            log.warning("%s", self.problem)
            self._set_aside()
            return
        known = {f.name for f in fields(ModelEntry)}
        for raw in data.get("model", []):
            if not isinstance(raw, dict) or raw.get("id") in (None, BUNDLED_ID):
                continue
            try:
                entry = ModelEntry(**{k: v for k, v in raw.items() if k in known})
            except TypeError:
                continue
            if entry.engine in ENGINES:
                self.entries.append(entry)

    def _set_aside(self) -> None:
        try:
            os.replace(self.file, self.file.with_name(self.file.name + ".damaged"))
        except OSError:
            log.warning("could not move %s aside", self.file)

    def save(self) -> None:
        """Write models.toml atomically (raises SaveError with a message for the writer)."""
        self.paths.config.mkdir(parents=True, exist_ok=True)
        rows = [asdict(e) for e in self.entries if not e.bundled]
        atomic_write_bytes(self.file, tomli_w.dumps({"model": rows}).encode("utf-8"))

    # --- queries ----------------------------------------------------------------------
    def get(self, entry_id: str) -> ModelEntry | None:
        """The entry with this id, or None."""
        return next((e for e in self.entries if e.id == entry_id), None)

    def find_path(self, path: str) -> ModelEntry | None:
        """The entry for a local file or folder, or None."""
        target = str(Path(path).expanduser().resolve())
        for e in self.entries:
            if e.path and str(Path(e.path).resolve()) == target:
                return e
        return None

    def id_for_spec(self, spec: ModelSpec) -> str | None:
        """The entry a loaded spec came from (None if it is not in the list)."""
        for e in self.entries:
            if spec.engine == EngineKind.REMOTE:
                same = e.engine == EngineKind.REMOTE and (e.url, e.remote_model) == (
                    spec.url,
                    spec.remote_model,
                )
            else:
                same = bool(
                    e.engine == spec.engine
                    and e.path
                    and Path(e.path).resolve() == Path(spec.path).resolve()
                )
            if same:
                return e.id
        return None

    def spec(self, entry_id: str) -> ModelSpec:
        """The load spec for an entry, with its API key."""
        entry = self.get(entry_id)
        if entry is None:
            raise CatalogError(f"No model {entry_id!r} in the list.")
        return entry.spec(self.paths.models, self.api_key(entry_id))

    # --- changes ----------------------------------------------------------------------
    def add(self, entry: ModelEntry) -> ModelEntry:
        """Add an inspected entry (a file or folder already listed is returned as it is)."""
        if entry.path and entry.engine != EngineKind.REMOTE:
            existing = self.find_path(entry.path)
            if existing is not None:
                return existing
        entry = replace(entry, id=_slug(entry.name, {e.id for e in self.entries}))
        self.entries.append(entry)
        self.save()
        return entry

    def add_path(self, path: str | os.PathLike[str]) -> ModelEntry:
        """Inspect and add a .gguf file or transformers folder."""
        return self.add(inspect_path(path))

    def add_remote(
        self, name: str, url: str, remote_model: str = "", api_key: str = ""
    ) -> ModelEntry:
        """Add a server (an OpenAI-compatible completions endpoint)."""
        base = check_url(url)
        entry = self.add(
            ModelEntry(
                id="",
                name=name.strip() or remote_model or base,
                engine=EngineKind.REMOTE,
                url=base,
                remote_model=remote_model.strip(),
                format="server",
            )
        )
        if api_key:
            self.set_api_key(entry.id, api_key)
        return entry

    def update_sampler(self, entry_id: str, values: dict[str, Any]) -> None:
        """Set an entry's own sampler defaults."""
        entry = self.get(entry_id)
        if entry is None:
            raise CatalogError(f"No model {entry_id!r} in the list.")
        if entry.bundled:
            raise CatalogError("The bundled model uses the sampler settings in Preferences.")
        entry.sampler = check_sampler(values)
        self.save()

    def set_prompt_format(self, entry_id: str, fmt: str) -> None:
        """Override the detected prompt format."""
        entry = self.get(entry_id)
        if entry is None or fmt not in PROMPT_FORMATS:
            raise CatalogError(f"Unknown model or prompt format {fmt!r}.")
        entry.prompt_format = fmt
        self.save()

    def remove(self, entry_id: str) -> bool:
        """Drop an entry; a file Inkling downloaded is deleted too. Returns True if deleted."""
        entry = self.get(entry_id)
        if entry is None or entry.bundled:
            raise CatalogError("The bundled model cannot be removed.")
        self.entries.remove(entry)
        self.save()
        self.set_api_key(entry_id, "")
        if entry.downloaded and entry.path:
            try:
                Path(entry.path).unlink(missing_ok=True)
            except OSError as exc:
                log.warning("could not delete %s: %s", entry.path, exc)
                return False
            return True
        return False

    # --- secrets ----------------------------------------------------------------------
    def api_key(self, entry_id: str) -> str:
        """The stored API key for a server entry ('' if none)."""
        return str(self._secrets().get(entry_id, ""))

    def set_api_key(self, entry_id: str, key: str) -> None:
        """Store (or with '' forget) an API key, in a file only the user can read."""
        secrets = self._secrets()
        if key:
            secrets[entry_id] = key
        elif entry_id in secrets:
            del secrets[entry_id]
        else:
            return
        self.paths.config.mkdir(parents=True, exist_ok=True)
        try:
            atomic_write_bytes(
                self.secrets_file, tomli_w.dumps(secrets).encode("utf-8"), backup=False
            )
            os.chmod(self.secrets_file, stat.S_IRUSR | stat.S_IWUSR)
        except OSError as exc:
            raise SaveError(f"Could not store the API key: {exc.strerror or exc}.") from exc

    def _secrets(self) -> dict[str, Any]:
        try:
            return tomllib.loads(self.secrets_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            log.warning("the API key file could not be read: %s", exc)
            return {}
