"""What every command that runs a model shares: the common options, the writer's settings,
the model they chose (or the command line asks for), and loading and closing its engine
with the command's exit codes."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from backend.engines.adapter_file import NOT_ON_A_SERVER
from backend.engines.base import Engine, EngineError
from backend.engines.params import ParamError, SamplerParams
from backend.models.adapter_library import clamp_scale
from backend.models.catalogue import BUNDLED_ID, Catalog
from backend.models.choice import API_KEY_ENV, ModelRequest, choose_model
from backend.models.spec import ModelSpec, create_engine
from backend.storage.documents import DocumentError
from backend.storage.paths import AppPaths
from backend.storage.settings import ModelSettings, Settings, SettingsStore
from backend.story.memory.position import PlaceError
from backend.story.style.model import StyleError

# What a writer's input or choice of model can get wrong before the model runs: exit 2.
USER_ERRORS = (EngineError, ParamError, StyleError, DocumentError, PlaceError)
# Commands that generate (sheets, entries, rewrites, styled continuations): they run the
# model the writer chose for generation, where there is one; the rest run the suggestions one.
GENERATION_COMMANDS = frozenset({"continue", "rewrite", "character", "background"})


@dataclass(frozen=True)
class ChosenModel:
    """The model a command runs, and the sampler defaults it starts from."""

    spec: ModelSpec
    defaults: SamplerParams


def add_adapter_options(parser: argparse.ArgumentParser) -> None:
    """--adapter and --adapter-scale."""
    parser.add_argument("--adapter", metavar="ADAPTER.gguf", help="a voice adapter for the model")
    parser.add_argument(
        "--adapter-scale", type=float, default=1.0, help="the adapter's strength (0 to 2)"
    )


def model_request(args: argparse.Namespace) -> ModelRequest:
    """What the command line asks for, model-wise."""
    return ModelRequest(
        model=args.model or "",
        engine=args.engine or "",
        url=args.url or "",
        api_key=os.environ.get(API_KEY_ENV, ""),
    )


def headless_settings(args: argparse.Namespace, paths: AppPaths) -> Settings:
    """The writer's settings (or the defaults, with --ignore-settings). A damaged settings
    file is set aside as the window does it, and the notice goes to stderr."""
    if args.ignore_settings:
        return Settings()
    store = SettingsStore(paths)
    settings = store.load()
    if store.notice:
        print(f"inkling: {store.notice}", file=sys.stderr)
    return settings


def model_settings_for(
    args: argparse.Namespace, paths: AppPaths, settings: Settings
) -> ModelSettings:
    """The writer's model choice for this command: the generation model (when one is
    chosen and still listed) for the commands that generate, the suggestions model for
    the rest."""
    generation = settings.model.generation
    if not generation or getattr(args, "command", None) not in GENERATION_COMMANDS:
        return settings.model
    if generation != BUNDLED_ID and Catalog(paths).get(generation) is None:
        print(
            "inkling: The model chosen for generation is gone; using the one for suggestions.",
            file=sys.stderr,
        )
        return settings.model
    return dataclasses.replace(settings.model, active=generation)


def chosen_spec(args: argparse.Namespace, paths: AppPaths, settings: Settings) -> ModelSpec:
    """The model to load (a model on the command line wins over the writer's choice); why
    the writer's choice could not be used goes to stderr."""
    choice = choose_model(paths, model_settings_for(args, paths, settings), model_request(args))
    if choice.notice or choice.problem:
        print(f"inkling: {choice.notice or choice.problem}", file=sys.stderr)
    return choice.resolve(paths)


def choose(args: argparse.Namespace, paths: AppPaths, settings: Settings) -> ChosenModel:
    """The model to load, with the writer's sampler settings over the model's own."""
    spec = chosen_spec(args, paths, settings)
    return ChosenModel(spec, settings.sampler.params().with_(**model_sampler(paths, spec)))


def model_sampler(paths: AppPaths, spec: ModelSpec) -> dict[str, float]:
    """The model's own sampler defaults from the model manager (empty when it has none)."""
    catalog = Catalog(paths)
    entry = catalog.get(catalog.id_for_spec(spec) or "")
    return dict(entry.sampler) if entry is not None else {}


def load_engine(spec: ModelSpec, cache: Path | None = None) -> Engine:
    """Create and load the engine for `spec` (`cache`: where its vocabulary is kept)."""
    engine = create_engine(spec, cache)
    engine.load()
    return engine


def refused(exc: Exception) -> int:
    """Tell the writer what was wrong with the command; exit code 2."""
    print(f"inkling: {exc}", file=sys.stderr)
    return 2


def run_loaded(args: argparse.Namespace, engine: Engine, work: Callable[[], int]) -> int:
    """Switch on --adapter, run `work` and close the engine: `work`'s exit code, 2 for a
    refused adapter, 1 when the model failed, 130 when interrupted."""
    try:
        _apply_adapter(args, engine)
    except EngineError as exc:
        engine.close()
        return refused(exc)
    try:
        return work()
    except EngineError as exc:
        print(f"inkling: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        engine.close()


def _apply_adapter(args: argparse.Namespace, engine: Engine) -> None:
    """Switch on --adapter at --adapter-scale (EngineError: refused, or a server)."""
    path = getattr(args, "adapter", None)
    if not path:
        return
    slot = engine.adapters
    if slot is None:
        raise EngineError(NOT_ON_A_SERVER)
    slot.set_adapter(Path(path).expanduser(), clamp_scale(args.adapter_scale))


def print_stream(chunks: Iterable[str], stdout: TextIO) -> int:
    """Write text to stdout as it arrives, then a new line; exit code 0."""
    for chunk in chunks:
        stdout.write(chunk)
        stdout.flush()
    stdout.write("\n")
    return 0
