"""LoRA adapters in llama.cpp's GGUF form: tensor names, writing, reading, and the checks.

An adapter file is what llama.cpp's loader reads (`general.type = "adapter"`,
`adapter.type = "lora"`, `adapter.lora.alpha` as float32, a `<base tensor>.lora_a` /
`.lora_b` pair per adapted weight), plus Inkling's own `inkling.*` keys: which base model it
was trained on (a fingerprint, so an adapter for another model is refused before any engine
sees it), where its text came from, and the gain measured when it was made.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from backend.engines.base import EngineError
from backend.models.gguf_meta import read_metadata

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
            size = path.stat().st_size
            with path.open("rb") as f:
                digest.update(f"{path.name}:{size}".encode())
                digest.update(f.read(_FINGERPRINT_BYTES))
                f.seek(max(0, size - _FINGERPRINT_BYTES))
                digest.update(f.read(_FINGERPRINT_BYTES))
        except OSError as exc:
            raise AdapterError(f"Cannot read {path.name}: {exc.strerror or exc}.") from exc
    return digest.hexdigest()[:16]


def _weight_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted([*folder.glob("*.safetensors"), *folder.glob("config.json")])


def model_architecture(model_path: Path) -> tuple[str, int]:
    """llama.cpp's architecture name and block count for a GGUF file or a transformers folder."""
    if model_path.is_dir():
        try:
            config = json.loads((model_path / "config.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise AdapterError(f"Cannot read {model_path.name}'s config.json ({exc}).") from exc
        arch = str(config.get("model_type", ""))
        arch = _ARCH_ALIASES.get(arch, arch)
        blocks = config.get("num_hidden_layers") or config.get("n_layer") or 0
        return arch, int(blocks)
    try:
        meta = read_metadata(model_path, _has_block_count)
    except EngineError as exc:
        raise AdapterError(str(exc)) from exc
    arch = str(meta.get("general.architecture", ""))
    return arch, int(meta.get(f"{arch}.block_count", 0) or 0)


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
    if not path.is_file():
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
    own: dict[str, Any] = {}
    try:
        own = json.loads(str(meta.get(f"{_META}.json", "{}")))
    except ValueError:
        own = {}
    return AdapterMeta(
        architecture=str(meta.get("general.architecture", "")),
        alpha=float(meta.get("adapter.lora.alpha", 0.0) or 0.0),
        rank=int(ranks.pop()),
        tensors=len(pairs),
        base_id=str(own.get("base_id", "")),
        base_name=str(own.get("base_name", "")),
        name=str(own.get("name", "")) or path.stem,
        sources=tuple(str(s) for s in own.get("sources", ())),
        created=str(own.get("created", "")),
        tokens=int(own.get("tokens", 0) or 0),
        seconds=float(own.get("seconds", 0.0) or 0.0),
        measured={k: float(v) for k, v in dict(own.get("measured", {})).items()},
    )


def _pair_shapes(path: Path) -> dict[str, tuple[tuple[int, ...], tuple[int, ...]]]:
    """Base weight name -> (lora_a shape, lora_b shape) in ggml order; AdapterError if odd."""
    import gguf

    try:
        reader = gguf.GGUFReader(str(path))
    except (ValueError, OSError, IndexError, KeyError) as exc:
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
