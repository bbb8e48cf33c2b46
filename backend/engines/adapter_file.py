"""LoRA adapters in llama.cpp's GGUF form: tensor names, writing, reading, and the checks.

An adapter file is what llama.cpp's loader reads (`general.type = "adapter"`,
`adapter.type = "lora"`, `adapter.lora.alpha` as float32, a `<base tensor>.lora_a` /
`.lora_b` pair per adapted weight), plus Inkling's own `inkling.*` keys: which base model it
was trained on (a fingerprint, so an adapter for another model is refused before any engine
sees it), where its text came from, and the gain measured when it was made.

Adapter files are shared between writers, so what they say about themselves is checked:
the `inkling.*` JSON is bounded in size and nesting and every field is type-checked, and
only regular files are read.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backend.engines.base import EngineError
from backend.engines.gguf_meta import read_metadata
from backend.untrusted import RefusedFile, loads_json, read_json

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

# The projections an adapter may change: attention and MLP (Gemma/Llama names, then GPT-2's).
# Never the embeddings or the head: the bundled model ties them.
TARGET_MODULES = (
    "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj",
    "c_attn", "c_proj", "c_fc",
)  # fmt: skip
_FINGERPRINT_BYTES = 1 << 20
# transformers' model_type where llama.cpp names the architecture differently.
_ARCH_ALIASES = {"gemma3_text": "gemma3", "gemma2_text": "gemma2"}
_META = "inkling.adapter"
CONFIG_LIMIT = 8 << 20  # a transformers folder's config.json
# What an adapter may say about itself: its own JSON, and the texts kept from it.
OWN_JSON_LIMIT = 1 << 20
MAX_TEXT = 300
MAX_SOURCES = 1000


NOT_ON_A_SERVER = "Voice adapters are not available through a server: its model runs elsewhere."


class AdapterError(EngineError):
    """An adapter file is damaged, not an adapter, or made for another model."""


@dataclass(frozen=True)
class BaseModel:
    """What an adapter is checked against: a model's file or folder, its llama.cpp
    architecture and its fingerprint, read once."""

    path: Path
    architecture: str
    fingerprint: str

    @classmethod
    def of(cls, model_path: Path) -> BaseModel:
        """Read the architecture and the fingerprint of `model_path`."""
        identity = fingerprint(model_path)  # AdapterError first for a missing model
        arch, _blocks = model_architecture(model_path)
        return cls(model_path, arch, identity)


@dataclass(frozen=True)
class AdapterMeta:
    """What an adapter file says about itself."""

    architecture: str
    alpha: float
    rank: int
    tensors: int
    base_id: str = ""
    base_name: str = ""
    name: str = ""
    sources: tuple[str, ...] = ()
    created: str = ""
    tokens: int = 0
    seconds: float = 0.0
    measured: Mapping[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-friendly form."""
        out = asdict(self)
        out["sources"] = list(self.sources)
        out["measured"] = dict(self.measured)
        return out


def fingerprint(model_path: Path) -> str:
    """A short identity of a base model: its size and its first and last megabyte.

    Reading 2 MB instead of hashing the whole file still tells a fine-tune from its base
    (their weights differ at the end of the file) and costs milliseconds.
    """
    digest = hashlib.sha256()
    files = [model_path] if model_path.is_file() else _weight_files(model_path)
    if not files:
        raise AdapterError(f"{model_path} is not a model Inkling can train an adapter for.")
    for path in files:
        try:
            _digest_ends(digest, path)
        except OSError as exc:
            raise AdapterError(f"Cannot read {path.name}: {exc.strerror or exc}.") from exc
    return digest.hexdigest()[:16]


def _digest_ends(digest: Any, path: Path) -> None:
    """Add a file's name, size, first and last megabyte to `digest`. A regular file only:
    a FIFO would block the read, and a device has no size to find its end by."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise AdapterError(
                f"{path.name} is not an ordinary file (it is a device, a pipe or a socket)."
            )
        os.set_blocking(fd, True)
        digest.update(f"{path.name}:{st.st_size}".encode())
        digest.update(f.read(_FINGERPRINT_BYTES))
        f.seek(max(0, st.st_size - _FINGERPRINT_BYTES))
        digest.update(f.read(_FINGERPRINT_BYTES))


def _weight_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted([*folder.glob("*.safetensors"), *folder.glob("config.json")])


def model_architecture(model_path: Path) -> tuple[str, int]:
    """llama.cpp's architecture name and block count for a GGUF file or a transformers folder."""
    if model_path.is_dir():
        try:
            config = read_json(model_path / "config.json", CONFIG_LIMIT)
        except RefusedFile as exc:
            raise AdapterError(f"Cannot use {model_path.name}: {exc}") from exc
        except OSError as exc:
            raise AdapterError(
                f"Cannot read {model_path.name}'s config.json ({exc.strerror or exc})."
            ) from exc
        if not isinstance(config, dict):
            raise AdapterError(f"{model_path.name}'s config.json is not a model configuration.")
        arch = _text(config.get("model_type"))
        arch = _ARCH_ALIASES.get(arch, arch)
        blocks = _whole(config.get("num_hidden_layers")) or _whole(config.get("n_layer"))
        return arch, blocks
    try:
        meta = read_metadata(model_path, _has_block_count)
    except EngineError as exc:
        raise AdapterError(str(exc)) from exc
    arch = _text(meta.get("general.architecture"))
    return arch, _whole(meta.get(f"{arch}.block_count"))


def _text(value: object, most: int = MAX_TEXT) -> str:
    """`value` if it is text (cut to `most` characters), else ''."""
    return value[:most] if isinstance(value, str) else ""


def _whole(value: object) -> int:
    """`value` if it is a non-negative whole number, else 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _number(value: object) -> float:
    """`value` if it is a finite number, else 0.0."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    number = float(value)
    return number if math.isfinite(number) else 0.0


def _has_block_count(meta: dict[str, Any]) -> bool:
    arch = meta.get("general.architecture")
    return bool(arch) and f"{arch}.block_count" in meta


def tensor_names(module_names: Iterable[str], arch: str, blocks: int) -> dict[str, str]:
    """GGUF weight names (`blk.0.attn_q.weight`) of the adaptable modules among `module_names`."""
    import gguf

    found = [k for k, v in gguf.MODEL_ARCH_NAMES.items() if v == arch]
    if not found:
        raise AdapterError(f"llama.cpp does not know the {arch!r} architecture.")
    names = gguf.get_tensor_name_map(found[0], blocks)
    out = {}
    for module in module_names:
        if module.rsplit(".", 1)[-1] not in TARGET_MODULES:
            continue
        mapped = names.get_name(module + ".weight", try_suffixes=(".weight",))
        if mapped is None:
            raise AdapterError(f"No llama.cpp tensor matches {module} ({arch}).")
        out[module] = mapped
    if not out:
        raise AdapterError(f"This {arch} model has no attention or MLP projections to adapt.")
    return out


def write_adapter(
    path: Path, pairs: Mapping[str, tuple[np.ndarray, np.ndarray]], meta: AdapterMeta
) -> None:
    """Write `pairs` (GGUF weight name -> (lora_A, lora_B) in peft's layout) atomically.

    An OSError (a full disk) leaves no partial file behind.
    """
    import gguf
    import numpy as np

    tmp = path.with_name(f".{path.name}.part")
    writer = gguf.GGUFWriter(str(tmp), meta.architecture)
    try:
        writer.add_string("general.type", "adapter")
        writer.add_string("adapter.type", "lora")
        writer.add_float32("adapter.lora.alpha", float(meta.alpha))
        writer.add_string(f"{_META}.json", json.dumps(_own_keys(meta)))
        for name, (a, b) in sorted(pairs.items()):
            writer.add_tensor(f"{name}.lora_a", np.ascontiguousarray(a, dtype=np.float32))
            writer.add_tensor(f"{name}.lora_b", np.ascontiguousarray(b, dtype=np.float32))
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()
        with tmp.open("rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        writer.close()
        tmp.unlink(missing_ok=True)
        raise


def _own_keys(meta: AdapterMeta) -> dict[str, Any]:
    out = meta.to_json()
    for key in ("architecture", "alpha", "rank", "tensors"):
        out.pop(key)
    return out


def read_adapter(path: Path) -> AdapterMeta:
    """The metadata of an adapter file; AdapterError if it is not a usable LoRA adapter."""
    if not os.path.lexists(path):
        raise AdapterError(f"The adapter file {path} does not exist.")
    try:
        meta = read_metadata(path)
    except EngineError as exc:
        raise AdapterError(f"{path.name} is not an adapter file: {exc}") from exc
    if meta.get("general.type") != "adapter" or meta.get("adapter.type") != "lora":
        raise AdapterError(f"{path.name} is a GGUF file but not a LoRA adapter.")
    pairs = _pair_shapes(path)
    ranks = {a[1] for a, _b in pairs.values()}
    if not pairs or len(ranks) != 1:
        raise AdapterError(f"{path.name} is a damaged LoRA adapter (its tensors do not pair up).")
    own = _own_json(meta.get(f"{_META}.json"), path)
    sources = own.get("sources")
    measured = own.get("measured")
    return AdapterMeta(
        architecture=_text(meta.get("general.architecture")),
        alpha=_number(meta.get("adapter.lora.alpha")),
        rank=int(ranks.pop()),
        tensors=len(pairs),
        base_id=_text(own.get("base_id")),
        base_name=_text(own.get("base_name")),
        name=_text(own.get("name")).strip() or path.stem,
        sources=tuple(
            _text(s) for s in (sources if isinstance(sources, list) else [])[:MAX_SOURCES]
        ),
        created=_text(own.get("created")),
        tokens=_whole(own.get("tokens")),
        seconds=_number(own.get("seconds")),
        measured={
            k[:MAX_TEXT]: _number(v)
            for k, v in (measured if isinstance(measured, dict) else {}).items()
            if isinstance(v, int | float) and not isinstance(v, bool)
        },
    )


def _own_json(value: object, path: Path) -> dict[str, Any]:
    """Inkling's own keys in an adapter ({} when absent or unusable: the adapter itself is
    still good, only the facts it tells about itself are lost)."""
    if not isinstance(value, str):
        return {}
    data = value.encode("utf-8", "replace")
    if len(data) > OWN_JSON_LIMIT:
        log.warning("%s: its own notes are larger than 1 MB; ignored", path.name)
        return {}
    try:
        own = loads_json(data, f"{path.name}'s notes")
    except RefusedFile as exc:
        log.warning("%s", exc)
        return {}
    return own if isinstance(own, dict) else {}


def _pair_shapes(path: Path) -> dict[str, tuple[tuple[int, ...], tuple[int, ...]]]:
    """Base weight name -> (lora_a shape, lora_b shape) in ggml order; AdapterError if odd."""
    import gguf

    try:
        reader = gguf.GGUFReader(str(path))
    except Exception as exc:  # the gguf reader has no error type of its own for bad data
        raise AdapterError(f"{path.name} is a damaged adapter file ({exc}).") from exc
    shapes: dict[str, dict[str, tuple[int, ...]]] = {}
    for tensor in reader.tensors:
        base, _, part = tensor.name.rpartition(".")
        if part not in ("lora_a", "lora_b"):
            raise AdapterError(f"{path.name} holds a tensor that is not LoRA ({tensor.name}).")
        shapes.setdefault(base, {})[part] = tuple(int(n) for n in tensor.shape)
    out: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}
    for base, parts in shapes.items():
        a, b = parts.get("lora_a"), parts.get("lora_b")
        # ggml order: lora_a is (in, rank), lora_b is (rank, out).
        if a is None or b is None or len(a) != 2 or len(b) != 2 or a[1] != b[0]:
            raise AdapterError(f"{path.name} is a damaged LoRA adapter ({base}).")
        out[base] = (a, b)
    return out


def read_pairs(path: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """GGUF weight name -> (lora_A, lora_B) as peft lays them out (rank x in, out x rank)."""
    import gguf
    import numpy as np

    read_adapter(path)
    reader = gguf.GGUFReader(str(path))
    found: dict[str, dict[str, np.ndarray]] = {}
    for tensor in reader.tensors:
        base, _, part = tensor.name.rpartition(".")
        rows, cols = int(tensor.shape[1]), int(tensor.shape[0])
        data = np.asarray(tensor.data, dtype=np.float32).reshape(rows, cols)
        found.setdefault(base, {})[part] = data.copy()
    return {base: (p["lora_a"], p["lora_b"]) for base, p in found.items()}


def check_adapter(path: Path, base: Path | BaseModel) -> AdapterMeta:
    """The adapter's metadata if it was made for `base`; AdapterError otherwise."""
    meta = read_adapter(path)
    model = base if isinstance(base, BaseModel) else BaseModel.of(base)
    model_path, arch = model.path, model.architecture
    if meta.architecture != arch:
        raise AdapterError(
            f"{path.name} was made for a {meta.architecture or 'different'} model; "
            f"{model_path.name} is {arch or 'something else'}."
        )
    if meta.base_id and meta.base_id != model.fingerprint:
        made_for = meta.base_name or "another model"
        raise AdapterError(
            f"{path.name} was trained on {made_for}, not on {model_path.name}; "
            "an adapter only works with the model it was trained on."
        )
    return meta
