"""Which model to load and with which engine, the checks a local model passes first, and
the engine that runs it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from backend.engines.base import Engine, EngineError, EngineKind
from backend.engines.gguf_meta import check_gguf
from backend.engines.transformers_folder import check_transformers_folder

ENGINES = tuple(kind.value for kind in EngineKind)


@dataclass(frozen=True)
class ModelSpec:
    """Which model to load and with which engine (remote: a server's URL and model name)."""

    engine: EngineKind
    path: Path
    name: str
    url: str = ""
    remote_model: str = ""
    api_key: str = field(default="", repr=False)
    # Extra stop strings from the model's prompt format (an instruct model's end-of-turn).
    stop: tuple[str, ...] = ()
    # An instruct model: generation jobs go through its chat template (models/chat.py).
    chat: bool = False

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "engine", EngineKind(self.engine))
        except ValueError:
            raise EngineError(
                f"Unknown engine {self.engine!r}; choose one of {', '.join(ENGINES)}."
            ) from None

    def to_json(self) -> dict[str, str]:
        """A JSON-friendly form for settings and the headless protocol (never the key)."""
        out = {"engine": self.engine.value, "path": str(self.path), "name": self.name}
        if self.engine == EngineKind.REMOTE:
            out.update(url=self.url, model=self.remote_model)
        return out


def spec_for_path(path: str | os.PathLike[str], engine: str | None = None) -> ModelSpec:
    """Pick the engine for a model path (a .gguf file or a transformers folder) and check it."""
    p = Path(path).expanduser()
    if engine is not None and engine not in ENGINES:
        raise EngineError(f"Unknown engine {engine!r}; choose one of {', '.join(ENGINES)}.")
    if engine == EngineKind.REMOTE:
        raise EngineError("The remote engine takes a server URL (--url), not a model path.")
    if p.is_dir():
        if engine == EngineKind.LLAMACPP:
            raise EngineError("The llama.cpp engine loads a .gguf file, not a folder.")
        check_transformers_folder(p)
        return ModelSpec(EngineKind.TRANSFORMERS, p, p.name)
    check_gguf(p)
    return ModelSpec(EngineKind(engine or EngineKind.LLAMACPP), p, p.stem, chat=_has_template(p))


def _has_template(path: Path) -> bool:
    """True when a GGUF file carries a chat template (an instruct model)."""
    from backend.engines.gguf_meta import read_metadata

    try:
        template = read_metadata(path).get("tokenizer.chat_template")
    except EngineError:
        return False
    return isinstance(template, str) and bool(template.strip())


def create_engine(spec: ModelSpec, cache: Path | None = None) -> Engine:
    """An unloaded engine for `spec`; importing torch or llama_cpp waits until here. `cache`:
    a folder where a GGUF model's vocabulary is kept between starts (see piece_cache)."""
    if spec.engine == EngineKind.LLAMACPP:
        from backend.engines.llamacpp import LlamaCppEngine
        from backend.models.chat import attach

        engine = LlamaCppEngine(spec.path, name=spec.name, extra_stop=spec.stop, cache=cache)
        if spec.chat:
            attach(engine, spec.path)
        return engine
    if spec.engine == EngineKind.TRANSFORMERS:
        from backend.engines.transformers_engine import TransformersEngine

        return TransformersEngine(spec.path, name=spec.name, extra_stop=spec.stop)
    if spec.engine == EngineKind.REMOTE:
        from backend.engines.remote import RemoteEngine

        return RemoteEngine(
            spec.url, spec.remote_model, spec.api_key, name=spec.name, extra_stop=spec.stop
        )
    raise EngineError(f"Unknown engine {spec.engine!r}.")
