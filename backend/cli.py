"""Command-line parsing and the headless commands (complete, serve, setup-model)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import TextIO

from backend.bible import CHARACTER_FIELDS
from backend.engines import create_engine
from backend.engines.base import Engine, EngineError
from backend.jobs.complete import continue_text
from backend.models import ENGINES, ModelSpec, bundled_spec, spec_for_path
from backend.params import ParamError, SamplerParams
from backend.paths import app_paths
from backend.style import LENGTHS, POVS, TENSES, Style, StyleError

log = logging.getLogger(__name__)
API_KEY_ENV = "INKLING_API_KEY"


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
    complete.add_argument("--temperature", type=float, default=0.8)
    complete.add_argument("--top-p", type=float, default=0.95)
    complete.add_argument("--top-k", type=int, default=40)
    complete.add_argument("--min-p", type=float, default=0.05)
    complete.add_argument("--repeat-penalty", type=float, default=1.1)
    complete.add_argument("--stop", action="append", default=[])
    complete.add_argument("--seed", type=int)

    serve = sub.add_parser("serve", parents=[common], help="answer JSON lines on stdin")
    serve.add_argument("--stdio", action="store_true", required=True)

    cont = sub.add_parser("continue", parents=[common], help="continue TEXT in a style")
    cont.add_argument("text", help="the text to continue")
    cont.add_argument("--genre", default="")
    cont.add_argument("--tone", default="")
    cont.add_argument("--pov", default="", choices=["", *POVS])
    cont.add_argument("--tense", default="", choices=["", *TENSES])
    cont.add_argument("--length", default="paragraph", choices=LENGTHS)
    cont.add_argument("--creativity", type=float, default=0.5)
    cont.add_argument("--notes", default="")
    cont.add_argument("--seed", type=int, default=1)

    character = sub.add_parser("character", parents=[common], help="generate a character sheet")
    character.add_argument("--premise", required=True)
    character.add_argument("--genre", default="literary")
    character.add_argument("--seed", type=int, default=1)
    character.add_argument("--lock", action="append", default=[], metavar="FIELD=VALUE")
    character.add_argument("--export", metavar="FILE", help="also write a .png/.json card or .md")

    sub.add_parser("setup-model", parents=[common], help="prepare the bundled model")
    return parser


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
        "-v", "--verbose", action="store_true", default=default or False, help="log more"
    )


def resolve_spec(
    model: str | None, engine: str | None, config: str | None, url: str | None = None
) -> ModelSpec:
    """The model to use: a server, --model if given, else the bundled default."""
    if engine == "remote" or url:
        if not url:
            raise EngineError("--engine remote needs --url http://host:port.")
        if engine not in (None, "remote"):
            raise EngineError("--url is for --engine remote.")
        return ModelSpec(
            "remote",
            Path(),
            model or url,
            url=url,
            remote_model=model or "",
            api_key=os.environ.get(API_KEY_ENV, ""),
        )
    if model:
        return spec_for_path(model, engine)
    spec = bundled_spec(app_paths(config).models)
    if engine and engine != spec.engine:
        return ModelSpec(engine, spec.path, spec.name)
    return spec


def load_engine(spec: ModelSpec) -> Engine:
    """Create and load the engine for `spec`."""
    engine = create_engine(spec)
    engine.load()
    return engine


def run_headless(args: argparse.Namespace, stdout: TextIO = sys.stdout) -> int:
    """Run a headless command; returns the process exit code."""
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    locked: dict[str, str] = {}
    for item in getattr(args, "lock", []):
        field, sep, value = item.partition("=")
        if not sep or field not in CHARACTER_FIELDS:
            print(f"inkling: --lock takes FIELD=VALUE with FIELD one of {CHARACTER_FIELDS}")
            return 2
        locked[field] = value
    args.locked = locked
    try:
        if args.command == "setup-model":
            path = bundled_spec(app_paths(args.config).models).path
            print(f"Bundled model ready: {path}", file=stdout)
            return 0
        params = None
        style = None
        if args.command == "continue":
            style = Style(
                genre=args.genre,
                tone=args.tone,
                pov=args.pov,
                tense=args.tense,
                length=args.length,
                creativity=args.creativity,
                notes=args.notes,
            )
        if args.command == "complete":
            params = SamplerParams(
                temperature=args.temperature,
                top_p=args.top_p,
                top_k=args.top_k,
                min_p=args.min_p,
                repeat_penalty=args.repeat_penalty,
                max_tokens=args.max_tokens,
                stop=tuple(args.stop),
                seed=args.seed,
            )
        spec = resolve_spec(args.model, args.engine, args.config, args.url)
        engine = load_engine(spec)
    except (EngineError, ParamError, StyleError) as exc:
        print(f"inkling: {exc}", file=sys.stderr)
        return 2
    try:
        if args.command == "complete":
            assert params is not None
            for chunk in continue_text(engine, args.text, params):
                stdout.write(chunk)
                stdout.flush()
            stdout.write("\n")
            return 0
        if args.command == "character":
            return run_character(engine, args, stdout)
        if args.command == "continue":
            from backend.jobs.styled import styled_stream

            for chunk in styled_stream(engine, args.text, style, seed=args.seed):
                stdout.write(chunk)
                stdout.flush()
            stdout.write("\n")
            return 0
        from backend.serve import serve_stdio

        serve_stdio(engine, spec.name, sys.stdin, stdout)
        return 0
    except EngineError as exc:
        print(f"inkling: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        engine.close()


def run_character(engine: Engine, args: argparse.Namespace, stdout: TextIO) -> int:
    """Generate a character sheet, print it, and export it if asked."""
    from pathlib import Path

    from backend.atomic import SaveError, atomic_write_bytes
    from backend.bible import bible_markdown
    from backend.cards import sheet_to_card, write_card_png
    from backend.jobs.character import generate_entry

    sheet = generate_entry(
        engine, "character", args.premise, args.genre, locked=args.locked, seed=args.seed
    )
    for field, value in sheet.items():
        stdout.write(f"{field}: {value}\n")
    if args.export:
        target = Path(args.export)
        suffix = target.suffix.lower()
        if suffix == ".png":
            data = write_card_png(sheet_to_card(sheet))
        elif suffix == ".json":
            data = json.dumps(sheet_to_card(sheet), ensure_ascii=False, indent=2).encode()
        elif suffix == ".md":
            data = bible_markdown([sheet], title=sheet.get("Name") or "Character").encode()
        else:
            print("inkling: --export takes a .png, .json or .md file", file=sys.stderr)
            return 2
        try:
            atomic_write_bytes(target, data, backup=False)
        except SaveError as exc:
            print(f"inkling: {exc}", file=sys.stderr)
            return 1
        stdout.write(f"Exported {target}\n")
    return 0
