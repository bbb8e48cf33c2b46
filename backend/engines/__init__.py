"""Engines behind one protocol; each is imported only when it is used."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from backend.engines.base import Engine, EngineError, ProgressFn

if TYPE_CHECKING:
    from backend.models import ModelSpec

__all__ = ["Engine", "EngineError", "ProgressFn", "create_engine"]


def create_engine(spec: ModelSpec, **options: Any) -> Engine:
    """An unloaded engine for `spec`; importing torch or llama_cpp waits until here."""
    engine: Any
    if spec.engine == "llamacpp":
        from backend.engines.llamacpp import LlamaCppEngine

        engine = LlamaCppEngine(spec.path, name=spec.name, **options)
    elif spec.engine == "transformers":
        from backend.engines.transformers_engine import TransformersEngine

        engine = TransformersEngine(spec.path, name=spec.name)
    elif spec.engine == "remote":
        from backend.engines.remote import RemoteEngine

        return RemoteEngine(
            spec.url, spec.remote_model, spec.api_key, name=spec.name, extra_stop=spec.stop
        )
    else:
        raise EngineError(f"Unknown engine {spec.engine!r}.")
    engine.extra_stop = tuple(spec.stop)
    return engine
