"""Engines behind one protocol; each is imported only when it is used."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from backend.engines.base import Engine, EngineError, ProgressFn

if TYPE_CHECKING:
    from backend.models import ModelSpec

__all__ = ["Engine", "EngineError", "ProgressFn", "create_engine"]


def create_engine(spec: ModelSpec, **options: Any) -> Engine:
    """An unloaded engine for `spec`; importing torch or llama_cpp waits until here."""
    if spec.engine == "llamacpp":
        from backend.engines.llamacpp import LlamaCppEngine

        return LlamaCppEngine(spec.path, name=spec.name, **options)
    if spec.engine == "transformers":
        from backend.engines.transformers_engine import TransformersEngine

        return TransformersEngine(spec.path, name=spec.name)
    raise EngineError(f"Unknown engine {spec.engine!r}.")
