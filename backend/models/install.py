"""From the curated shelf to the writer's models: what fits this machine, the download
(licence accepted first, resumable, cancellable, checked against the hub's SHA-256), the
new entry in models.toml, and which model suggestions and generation use.

The window's chooser and `main.py models` both stand on these functions:

    view = shelf(paths, probe)              # every model with its fit, and recommendations
    entry = install(paths, "qwen3-1_7b", accept_licence=True, progress=..., cancel=...)
    use_for(paths, entry.id, SUGGESTIONS)   # or GENERATION
"""

from __future__ import annotations

import contextlib
import logging
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from backend.models.catalogue import Catalog, CatalogError, ModelEntry
from backend.models.download import DownloadError, ProgressFn, download, local_name
from backend.models.inspection import inspect_gguf
from backend.models.library import CuratedModel, find, load_library
from backend.models.machine import (
    Calibration,
    Fit,
    Machine,
    ProbeFn,
    calibration,
    fit,
    read_machine,
    recommend,
)
from backend.storage.paths import AppPaths
from backend.storage.settings import SettingsStore

log = logging.getLogger(__name__)

SUGGESTIONS = "suggestions"
GENERATION = "generation"
LANGUAGES = ("en", "zh")


class LicenceNotAccepted(DownloadError):
    """The model's licence must be accepted before it is downloaded."""


class UnknownModel(DownloadError):
    """No model of that id on the shelf."""


@dataclass(frozen=True)
class ShelfItem:
    """One curated model as the chooser shows it."""

    model: CuratedModel
    fit: Fit
    installed: str  # the writer's entry id when it is already among their models, else ''


@dataclass(frozen=True)
class Shelf:
    """The curated models fitted to this machine, and one recommendation per language."""

    machine: Machine
    calibration: Calibration | None
    items: tuple[ShelfItem, ...]
    recommended: dict[str, str | None]

    def item(self, model_id: str) -> ShelfItem | None:
        """The item with this id, or None."""
        return next((i for i in self.items if i.model.id == model_id), None)


def shelf(
    paths: AppPaths,
    probe: ProbeFn | None = None,
    machine: Machine | None = None,
    models: list[CuratedModel] | None = None,
) -> Shelf:
    """Every curated model with its fit on this machine. `probe` measures the speed when no
    calibration is kept yet (the window passes machine.bundled_probe; None: speed unknown)."""
    machine = machine or read_machine()
    models = load_library() if models is None else models
    calib = calibration(paths.cache, machine, probe)
    fits = {m.id: fit(m, machine, calib) for m in models}
    catalog = Catalog(paths)
    items = tuple(ShelfItem(m, fits[m.id], _installed(catalog, m)) for m in models)
    recommended = {lang: recommend(models, fits, lang) for lang in LANGUAGES}
    return Shelf(machine, calib, items, recommended)


def _installed(catalog: Catalog, model: CuratedModel) -> str:
    source = f"{model.repo}/{model.file}"
    return next((e.id for e in catalog.entries if e.source == source), "")


def install(
    paths: AppPaths,
    model_id: str,
    *,
    accept_licence: bool = False,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    base: str | None = None,
    models: list[CuratedModel] | None = None,
) -> ModelEntry:
    """Download a curated model, check it, and add it to the writer's models (returns the
    entry; an installed model is returned as it is). Raises LicenceNotAccepted, DownloadError
    (DownloadCancelled keeps the partial file for a later resume) or CatalogError."""
    models = load_library() if models is None else models
    model = find(models, model_id)
    if model is None:
        raise UnknownModel(f"There is no model {model_id!r} in the list.")
    catalog = Catalog(paths)
    done = _installed(catalog, model)
    if done:
        entry = catalog.get(done)
        if entry is not None and Path(entry.path).is_file():
            return entry
    if model.accept_required and not accept_licence:
        raise LicenceNotAccepted(
            f"{model.name} is provided under the {model.licence} ({model.licence_url}). "
            "Accept the licence to download it."
        )
    target = paths.models / local_name(model.file)
    if not target.exists():
        download(model.repo, model.file, paths.models, progress=progress, cancel=cancel, base=base)
    try:
        inspected = inspect_gguf(target)
    except CatalogError:
        # A file the hub sent that llama.cpp cannot read is not kept among the models.
        with contextlib.suppress(OSError):
            target.unlink()
        raise
    entry = replace(
        inspected,
        name=model.name,
        downloaded=True,
        source=f"{model.repo}/{model.file}",
        licence=model.licence,
    )
    return catalog.add(entry)


def use_for(paths: AppPaths, entry_id: str, role: str) -> None:
    """Make an entry of the writer's models the one for suggestions or for generation."""
    if role not in (SUGGESTIONS, GENERATION):
        raise ValueError(f"unknown role {role!r}")
    if Catalog(paths).get(entry_id) is None:
        raise CatalogError(f"No model {entry_id!r} in the list.")
    store = SettingsStore(paths)
    settings = store.load()
    if role == SUGGESTIONS:
        settings.model.active = entry_id
    else:
        settings.model.generation = entry_id
    store.save(settings)
