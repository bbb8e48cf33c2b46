"""The writer's models: the bundled one, added files and folders, downloads and servers.

Kept in `models.toml` beside the settings (written atomically). API keys live apart, in
`secrets.toml`, readable by the user only. Every local model is inspected before it is
accepted: the file's magic bytes and metadata, an architecture this build can run, weights
and tokenizer present.

Both files, and a model folder's config.json, tokenizer_config.json and README, are read
through the bounded readers of backend.untrusted: a list edited by hand or a model
folder from elsewhere may hold anything. A model's location may be any file of the writer's
own, but Inkling only ever deletes a file that lies inside its own models folder.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from dataclasses import MISSING, asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import tomli_w

from backend.engines.base import EngineError, EngineKind
from backend.engines.gguf_meta import check_gguf, read_metadata
from backend.engines.params import SAMPLING_KEYS
from backend.engines.remote import strip_api_suffix
from backend.engines.transformers_folder import check_transformers_folder
from backend.models.bundled import BUNDLED_FILE, BUNDLED_LICENCE, BUNDLED_NAME
from backend.models.spec import ENGINES, ModelSpec
from backend.storage.atomic import SaveError, atomic_write_bytes
from backend.storage.paths import AppPaths
from backend.untrusted import (
    RefusedFile,
    is_inside,
    is_safe_id,
    loads_toml,
    read_bounded,
    read_head,
    read_json,
    read_toml,
)

log = logging.getLogger(__name__)

BUNDLED_ID = "bundled"
# The most Inkling reads of each file; a real models.toml is a few KB, a config.json a few
# KB (a few MB with a large label map), a tokenizer_config.json up to several MB.
MODELS_LIMIT = 4 << 20
SECRETS_LIMIT = 256 << 10
CONFIG_LIMIT = 8 << 20
TOKENIZER_CONFIG_LIMIT = 32 << 20
README_HEAD = 16 << 10
MAX_TEXT = 4096  # the longest name, path or address taken from models.toml
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
        """Read models.toml; a damaged file is set aside and the bundled model remains.

        An entry that cannot be right (a wrong type, an unknown engine, a relative path) is
        skipped with a note in `problem`; the others are kept, and a copy of the file as it
        was is kept beside it, so nothing the writer wrote is lost at the next save.
        """
        self.entries = [bundled_entry(self.paths.models)]
        self.problem = ""
        try:
            raw = read_bounded(self.file, MODELS_LIMIT)
            data = loads_toml(raw, self.file.name)
        except FileNotFoundError:
            return
        except RefusedFile as exc:
            self.problem = f"{exc} The model list was set aside; the bundled model remains."
            log.warning("%s", self.problem)
            self._set_aside()
            return
        except OSError as exc:
            self.problem = (
                f"The model list could not be read ({exc.strerror or exc}); it was set aside."
            )
            log.warning("%s", self.problem)
            self._set_aside()
            return
        skipped: list[str] = []
        rows = data.get("model", [])
        if not isinstance(rows, list):
            skipped.append("“model” is not a list of [[model]] tables")
            rows = []
        taken = {BUNDLED_ID}
        for number, row in enumerate(rows, 1):
            try:
                entry = self._entry_from(row, taken)
            except CatalogError as exc:
                skipped.append(f"model {number}: {exc}")
                continue
            if entry is not None:
                taken.add(entry.id)
                self.entries.append(entry)
        if skipped:
            self._keep_copy(raw)
            self.problem = (
                f"Some of the model list in {self.file.name} could not be used and was "
                f"skipped ({'; '.join(skipped[:3])}{'; …' if len(skipped) > 3 else ''}). "
                f"The file as it was is kept as {self.file.name}.damaged."
            )
            for note in skipped:
                log.warning("%s: skipped %s", self.file, note)

    def _entry_from(self, row: object, taken: set[str]) -> ModelEntry | None:
        """One entry from models.toml, every field checked; None for the bundled model's
        own row. Raises CatalogError saying what is wrong."""
        if not isinstance(row, dict):
            raise CatalogError("it is not a table")
        entry_id = row.get("id")
        if entry_id == BUNDLED_ID:
            return None
        if not isinstance(entry_id, str) or not is_safe_id(entry_id):
            raise CatalogError("its id is missing or not a plain name")
        if entry_id in taken:
            raise CatalogError(f"the id {entry_id} is listed twice")
        entry = ModelEntry(**_checked_fields(row, entry_id))
        if entry.downloaded and not self._own_download(entry.path):
            # Only files in the models folder were downloaded by Inkling; anything else
            # is the writer's own and is never deleted.
            log.warning("%s: %s is outside the models folder; kept as the writer's own file",
                        self.file, entry.path)  # fmt: skip
            entry.downloaded = False
        return entry

    def _own_download(self, path: str) -> bool:
        """True when `path` lies inside the models folder (links resolved) and is not the
        bundled model: the only files removing an entry may delete."""
        if not path or "\x00" in path:
            return False
        target = Path(path)
        return is_inside(self.paths.models, target) and _resolved(target) != _resolved(
            self.paths.models / BUNDLED_FILE
        )

    def _keep_copy(self, data: bytes) -> None:
        try:
            atomic_write_bytes(self.file.with_name(self.file.name + ".damaged"), data, backup=False)
        except SaveError as exc:
            log.warning("could not keep a copy of %s: %s", self.file, exc)

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
        try:
            target = _resolved(Path(path).expanduser())
        except RuntimeError:  # no home folder to expand ~ to
            return None
        if target is None:
            return None
        for e in self.entries:
            if e.path and _resolved(Path(e.path)) == target:
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
                where = _resolved(Path(e.path)) if e.path else None
                same = bool(
                    e.engine == spec.engine
                    and where is not None
                    and where == _resolved(Path(spec.path))
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
        if entry.downloaded and self._own_download(entry.path):
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
            data = read_toml(self.secrets_file, SECRETS_LIMIT)
        except FileNotFoundError:
            return {}
        except (OSError, RefusedFile) as exc:
            log.warning("the API key file could not be read: %s", exc)
            return {}
        # Only text keys for plain ids; anything else is dropped when the file is next saved.
        return {k: v for k, v in data.items() if is_safe_id(k) and isinstance(v, str)}


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


def _resolved(path: Path) -> str | None:
    """`path` with every link resolved, or None when it cannot be (a link loop, a NUL)."""
    try:
        return str(path.resolve())
    except (OSError, RuntimeError, ValueError):
        return None


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
