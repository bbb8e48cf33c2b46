"""The one decision of which model to load, for the window and the headless commands alike.

In order: a server or a model named on the command line; else the writer's choice from
the model manager (an entry in models.toml) or an older settings file's model path; else
the bundled model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from backend.engines.base import EngineError, EngineKind, ProgressFn
from backend.models.bundled import bundled_spec
from backend.models.catalogue import BUNDLED_ID, Catalog, CatalogError
from backend.models.spec import ModelSpec, spec_for_path
from backend.storage.paths import AppPaths
from backend.storage.settings import ModelSettings

# Where a server's API key comes from (never the command line, never a settings file).
API_KEY_ENV = "INKLING_API_KEY"


@dataclass(frozen=True)
class ModelRequest:
    """What the command line asked for (all empty: whatever the settings say)."""

    model: str = ""
    engine: str = ""
    url: str = ""
    api_key: str = ""

    @property
    def explicit(self) -> bool:
        """True when the command line names a model or a server."""
        return bool(self.model or self.url or self.engine == EngineKind.REMOTE)


@dataclass(frozen=True)
class ModelChoice:
    """The model to load (None: the bundled one, assembled when it is loaded), the engine
    to run the bundled model with, and anything the writer should be told about the choice."""

    spec: ModelSpec | None
    bundled_engine: EngineKind = EngineKind.LLAMACPP
    notice: str = ""  # a passing remark (the chosen model is gone)
    problem: str = ""  # worth a dialog (the model in the settings cannot be used)

    def resolve(self, paths: AppPaths, progress: ProgressFn | None = None) -> ModelSpec:
        """The concrete spec, assembling the bundled model if it is the one chosen."""
        if self.spec is not None:
            return self.spec
        spec = bundled_spec(paths.models, progress)
        if self.bundled_engine != spec.engine:
            return ModelSpec(self.bundled_engine, spec.path, spec.name)
        return spec


def choose_model(
    paths: AppPaths, settings: ModelSettings, request: ModelRequest = ModelRequest()
) -> ModelChoice:
    """Decide which model to load. Raises EngineError when the command line asks for a
    model that cannot be used; a stale choice in the settings only earns a notice."""
    if request.explicit:
        return ModelChoice(_requested_spec(request))
    engine = EngineKind(request.engine) if request.engine else EngineKind.LLAMACPP
    if settings.active and settings.active != BUNDLED_ID:
        try:
            spec = Catalog(paths).spec(settings.active)
        except CatalogError:
            return ModelChoice(None, engine, "The chosen model is gone; using the bundled one.")
        return ModelChoice(spec)
    if settings.path:
        try:
            return ModelChoice(spec_for_path(settings.path, settings.engine or None))
        except EngineError as exc:
            return ModelChoice(None, engine, problem=f"{exc} Falling back to the bundled model.")
    return ModelChoice(None, engine)


def _requested_spec(request: ModelRequest) -> ModelSpec:
    if request.engine == EngineKind.REMOTE or request.url:
        if not request.url:
            raise EngineError("--engine remote needs --url http://host:port.")
        if request.engine not in ("", EngineKind.REMOTE):
            raise EngineError("--url is for --engine remote.")
        return ModelSpec(
            EngineKind.REMOTE,
            Path(),
            request.model or request.url,
            url=request.url,
            remote_model=request.model,
            api_key=request.api_key,
        )
    return spec_for_path(request.model, request.engine or None)
