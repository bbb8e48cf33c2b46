"""Command-line parsing and the headless commands (complete, continue, rewrite, character,
serve, setup-model). They load the model the writer chose and use their sampler defaults,
as the window does, unless --ignore-settings or a flag says otherwise. The book commands
(import, stats, export) are in backend/formats/commands.py and need no model."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from backend.engines import create_engine
from backend.engines.base import Engine, EngineError
from backend.engines.params import SAMPLING_KEYS, ParamError, SamplerParams
from backend.formats.commands import add_commands, run_book_command
from backend.jobs.complete import continue_text
from backend.jobs.kinds import ContinueJob, text_stream
from backend.jobs.rewrite import rewrite_stream
from backend.jobs.styled import styled_stream
from backend.jobs.voice.command import add_parser as add_voice_command
from backend.jobs.voice.command import run_train_voice
from backend.models.adapter_library import clamp_scale
from backend.models.adapters import NOT_ON_A_SERVER
from backend.models.bundled import bundled_spec
from backend.models.catalogue import Catalog
from backend.models.choice import ModelRequest, choose_model
from backend.models.spec import ENGINES, ModelSpec
from backend.storage.atomic import SaveError, atomic_write_bytes
from backend.storage.documents import DocumentError
from backend.storage.paths import AppPaths, app_paths
from backend.storage.settings import Settings, SettingsStore
from backend.story.bible import CHARACTER_FIELDS, bible_markdown
from backend.story.cards import CardError, read_portrait, sheet_to_card, write_card_png
from backend.story.memory.position import PlaceError, StoryPlace, open_place
from backend.story.style.model import LENGTHS, POVS, TENSES, Style, StyleError

log = logging.getLogger(__name__)
API_KEY_ENV = "INKLING_API_KEY"
BOOK_COMMANDS = ("import", "stats", "export")


def build_parser() -> argparse.ArgumentParser:
    """The parser for `python main.py [command]`; no command opens the window."""
    parser = argparse.ArgumentParser(prog="inkling", description="A local writing assistant.")
    # The shared options work before or after the command; after it they must not reset
    # what was given before it, hence SUPPRESS as the sub-command default.
    common = argparse.ArgumentParser(add_help=False)
    _add_common(common, argparse.SUPPRESS)
    _add_common(parser, None)
    parser.add_argument("--open", metavar="FILE", help="open FILE (text or story) in the window")
    sub = parser.add_subparsers(dest="command")

    complete = sub.add_parser("complete", parents=[common], help="continue TEXT on stdout")
    complete.add_argument("text", help="the text to continue")
    complete.add_argument("--max-tokens", type=int, default=64)
    # Unset sampler options take the writer's defaults from Preferences.
    complete.add_argument("--temperature", type=float)
    complete.add_argument("--top-p", type=float)
    complete.add_argument("--top-k", type=int)
    complete.add_argument("--min-p", type=float)
    complete.add_argument("--repeat-penalty", type=float)
    complete.add_argument("--stop", action="append", default=[])
    complete.add_argument("--seed", type=int)

    serve = sub.add_parser("serve", parents=[common], help="answer JSON lines on stdin")
    serve.add_argument("--stdio", action="store_true", required=True)

    for name, help_text, target in (
        ("continue", "continue TEXT in a style", "the text to continue"),
        ("rewrite", "rewrite PASSAGE in a style", "the passage to rewrite"),
    ):
        styled = sub.add_parser(name, parents=[common], help=help_text)
        styled.add_argument("text", help=target, nargs="?" if name == "continue" else None)
        _add_style_options(styled)
        if name == "continue":
            styled.add_argument("--story", metavar="FOLDER", help="continue a story instead")
            styled.add_argument("--chapter", type=int, default=1, help="chapter number (from 1)")
            styled.add_argument("--scene", type=int, default=1, help="scene number (from 1)")
            styled.add_argument("--cursor", type=int, help="offset in the scene (default: end)")

    character = sub.add_parser("character", parents=[common], help="generate a character sheet")
    character.add_argument("--premise", required=True)
    character.add_argument("--genre", default="literary")
    character.add_argument("--seed", type=int, default=1)
    character.add_argument("--lock", action="append", default=[], metavar="FIELD=VALUE")
    character.add_argument("--export", metavar="FILE", help="also write a .png/.json card or .md")
    character.add_argument(
        "--portrait", metavar="IMAGE", help="a picture (PNG, JPEG, WebP) for a .png card"
    )

    sub.add_parser("setup-model", parents=[common], help="prepare the bundled model")
    add_voice_command(sub, common)
    for name in ("complete", "serve", "continue"):
        _add_adapter_options(sub.choices[name])
    add_commands(sub)
    return parser


def _add_adapter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--adapter", metavar="ADAPTER.gguf", help="a voice adapter for the model")
    parser.add_argument(
        "--adapter-scale", type=float, default=1.0, help="the adapter's strength (0 to 2)"
    )


def _add_style_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--genre", default="")
    parser.add_argument("--tone", default="")
    parser.add_argument("--pov", default="", choices=["", *POVS])
    parser.add_argument("--tense", default="", choices=["", *TENSES])
    parser.add_argument("--length", default="paragraph", choices=LENGTHS)
    parser.add_argument("--creativity", type=float, default=0.5)
    parser.add_argument("--notes", default="")
    parser.add_argument("--seed", type=int, default=1)


def _add_common(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--config", metavar="DIR", default=default, help="keep settings and data under DIR"
    )
    parser.add_argument(
        "--engine", choices=ENGINES, default=default, help="which engine runs the model"
    )
    parser.add_argument(
        "--model",
        metavar="PATH",
        default=default,
        help="a .gguf file or a transformers folder (with --engine remote: the server's model)",
    )
    parser.add_argument(
        "--url",
        metavar="URL",
        default=default,
        help="an OpenAI-compatible server for --engine remote (API key in $INKLING_API_KEY)",
    )
    parser.add_argument(
        "--ignore-settings",
        action="store_true",
        default=default or False,
        help="use the bundled model and built-in defaults, not the writer's settings",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", default=default or False, help="log more"
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


def load_engine(spec: ModelSpec) -> Engine:
    """Create and load the engine for `spec`."""
    engine = create_engine(spec)
    engine.load()
    return engine


def _style(args: argparse.Namespace) -> Style:
    return Style(
        genre=args.genre,
        tone=args.tone,
        pov=args.pov,
        tense=args.tense,
        length=args.length,
        creativity=args.creativity,
        notes=args.notes,
    )


def _complete_params(args: argparse.Namespace, defaults: SamplerParams) -> SamplerParams:
    given = {k: getattr(args, k) for k in (*SAMPLING_KEYS, "seed") if getattr(args, k) is not None}
    return defaults.with_(max_tokens=args.max_tokens, stop=tuple(args.stop), **given)


def _locked(args: argparse.Namespace) -> dict[str, str]:
    locked: dict[str, str] = {}
    for item in getattr(args, "lock", []):
        field, sep, value = item.partition("=")
        if not sep or field not in CHARACTER_FIELDS:
            raise ParamError(f"--lock takes FIELD=VALUE with FIELD one of {CHARACTER_FIELDS}")
        locked[field] = value
    return locked


def run_headless(args: argparse.Namespace, stdout: TextIO = sys.stdout) -> int:
    """Run a headless command; returns the process exit code."""
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.command in BOOK_COMMANDS:
        return run_book_command(args, stdout)
    paths = app_paths(args.config)
    try:
        args.locked = _locked(args)
        if args.command == "setup-model":
            path = bundled_spec(paths.models).path
            print(f"Bundled model ready: {path}", file=stdout)
            return 0
        settings = headless_settings(args, paths)
        if args.command == "complete":
            _complete_params(args, settings.sampler.params())  # bad values are said first
        choice = choose_model(paths, settings.model, model_request(args))
        if choice.notice or choice.problem:
            print(f"inkling: {choice.notice or choice.problem}", file=sys.stderr)
        spec = choice.resolve(paths)
        if args.command == "train-voice":
            return run_train_voice(args, spec, stdout)
        defaults = settings.sampler.params().with_(**model_sampler(paths, spec))
        params = _complete_params(args, defaults) if args.command == "complete" else defaults
        style = _style(args) if args.command in ("continue", "rewrite") else None
        args.place = _place(args, paths)
        engine = load_engine(spec)
    except (EngineError, ParamError, StyleError, DocumentError, PlaceError) as exc:
        print(f"inkling: {exc}", file=sys.stderr)
        return 2
    try:
        _apply_adapter(args, engine)
    except EngineError as exc:
        engine.close()
        print(f"inkling: {exc}", file=sys.stderr)
        return 2
    try:
        return _run_loaded(args, engine, spec, params, style, stdout)
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


def _place(args: argparse.Namespace, paths: AppPaths) -> StoryPlace | None:
    """The story place of `continue --story` (None for every other command)."""
    if args.command != "continue":
        return None
    if args.story is None:
        if args.text is None:
            raise ParamError("give the text to continue, or --story FOLDER --chapter N")
        return None
    return open_place(args.story, args.chapter, args.scene, args.cursor, cache_dir=paths.cache)


def model_sampler(paths: AppPaths, spec: ModelSpec) -> dict[str, float]:
    """The model's own sampler defaults from the model manager (empty when it has none)."""
    catalog = Catalog(paths)
    entry = catalog.get(catalog.id_for_spec(spec) or "")
    return dict(entry.sampler) if entry is not None else {}


def _run_loaded(
    args: argparse.Namespace,
    engine: Engine,
    spec: ModelSpec,
    params: SamplerParams,
    style: Style | None,
    stdout: TextIO,
) -> int:
    if args.command == "character":
        return run_character(engine, args, stdout)
    if args.command == "serve":
        from backend.serve import serve_stdio

        serve_stdio(
            engine,
            spec.name,
            sys.stdin,
            stdout,
            defaults=params,
            cache_dir=app_paths(args.config).cache,
        )
        return 0
    chunks: Iterator[str]
    if args.command == "complete":
        chunks = continue_text(engine, args.text, params)
    elif args.command == "rewrite":
        assert style is not None
        chunks = rewrite_stream(engine, args.text, style, seed=args.seed)
    elif args.place is not None:
        place = args.place
        job = ContinueJob(
            place.before, SamplerParams(seed=args.seed), style, place.story.premise, book=place.book
        )
        for note in place.notes:
            print(f"inkling: {note}", file=sys.stderr)
        chunks = text_stream(job, engine)
    else:
        assert style is not None
        chunks = styled_stream(engine, args.text, style, seed=args.seed)
    for chunk in chunks:
        stdout.write(chunk)
        stdout.flush()
    stdout.write("\n")
    return 0


def run_character(engine: Engine, args: argparse.Namespace, stdout: TextIO) -> int:
    """Generate a character sheet, print it, and export it if asked."""
    from backend.jobs.character import generate_entry

    sheet = generate_entry(
        engine, "character", args.premise, args.genre, locked=args.locked, seed=args.seed
    )
    for field, value in sheet.items():
        stdout.write(f"{field}: {value}\n")
    if not args.export:
        return 0
    target = Path(args.export)
    try:
        data = _export_bytes(sheet, target, args.portrait)
    except (CardError, OSError, ValueError) as exc:
        print(f"inkling: {exc}", file=sys.stderr)
        return 2
    try:
        atomic_write_bytes(target, data, backup=False)
    except SaveError as exc:
        print(f"inkling: {exc}", file=sys.stderr)
        return 1
    stdout.write(f"Exported {target}\n")
    return 0


def _export_bytes(sheet: dict[str, str], target: Path, portrait: str | None) -> bytes:
    """The exported sheet: a PNG card (on `portrait`, if given), card JSON or Markdown."""
    suffix = target.suffix.lower()
    if suffix == ".png":
        image = read_portrait(portrait) if portrait else None
        return write_card_png(sheet_to_card(sheet), image)
    if suffix == ".json":
        return json.dumps(sheet_to_card(sheet), ensure_ascii=False, indent=2).encode()
    if suffix == ".md":
        return bible_markdown([sheet], title=sheet.get("Name") or "Character").encode()
    raise ValueError("--export takes a .png, .json or .md file")
