"""Engines behind one protocol; each is imported only when it is used."""

from __future__ import annotations

from typing import TYPE_CHECKING

from backend.engines.base import Engine, EngineError, EngineKind, ProgressFn

if TYPE_CHECKING:
    from backend.models.spec import ModelSpec

__all__ = ["Engine", "EngineError", "EngineKind", "ProgressFn", "create_engine"]


def create_engine(spec: ModelSpec) -> Engine:
    """An unloaded engine for `spec`; importing torch or llama_cpp waits until here."""
    if spec.engine == EngineKind.LLAMACPP:
        from backend.engines.llamacpp import LlamaCppEngine

        return LlamaCppEngine(spec.path, name=spec.name, extra_stop=spec.stop)
    if spec.engine == EngineKind.TRANSFORMERS:
        from backend.engines.transformers_engine import TransformersEngine

        return TransformersEngine(spec.path, name=spec.name, extra_stop=spec.stop)
    if spec.engine == EngineKind.REMOTE:
        from backend.engines.remote import RemoteEngine

        return RemoteEngine(
            spec.url, spec.remote_model, spec.api_key, name=spec.name, extra_stop=spec.stop
        )
    raise EngineError(f"Unknown engine {spec.engine!r}.")
