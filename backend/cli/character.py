"""`character` and `background`: a character sheet or a background entry from a premise on
stdout (a character exported as a card if asked), in the premise's language unless --lang
says otherwise, as the window does."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from backend.cli.common import (
    USER_ERRORS,
    choose,
    headless_settings,
    load_engine,
    refused,
    run_loaded,
)
from backend.engines.base import Engine
from backend.engines.params import ParamError
from backend.storage.atomic import SaveError, atomic_write_bytes
from backend.storage.paths import app_paths
from backend.story.bible import bible_markdown, fields_for
from backend.story.cards import CardError, read_portrait, sheet_to_card, write_card_png


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """The character and background sub-commands."""
    character = sub.add_parser("character", parents=[common], help="generate a character sheet")
    background = sub.add_parser(
        "background", parents=[common], help="generate a background entry (a place, a thing)"
    )
    for parser in (character, background):
        parser.add_argument("--premise", required=True)
        parser.add_argument("--genre", default="literary")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--lock", action="append", default=[], metavar="FIELD=VALUE")
        parser.add_argument(
            "--lang",
            default="",
            metavar="CODE",
            help="the language to write in (en, zh, ...); default: the premise's language",
        )
        parser.add_argument("--export", metavar="FILE", help="also write a .png/.json card or .md")
    character.add_argument(
        "--portrait", metavar="IMAGE", help="a picture (PNG, JPEG, WebP) for a .png card"
    )


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    """Check the locked fields, load the model and generate the sheet."""
    paths = app_paths(args.config)
    try:
        locked = _locked(args)
        settings = headless_settings(args, paths)
        model = choose(args, paths, settings)
        engine = load_engine(model.spec, paths.vocabulary)
    except USER_ERRORS as exc:
        return refused(exc)
    return run_loaded(args, engine, lambda: run_character(engine, args, locked, stdout))


def _kind(args: argparse.Namespace) -> str:
    return "background" if args.command == "background" else "character"


def _locked(args: argparse.Namespace) -> dict[str, str]:
    fields = fields_for(_kind(args))
    locked: dict[str, str] = {}
    for item in args.lock:
        field, sep, value = item.partition("=")
        if not sep or field not in fields:
            raise ParamError(f"--lock takes FIELD=VALUE with FIELD one of {fields}")
        locked[field] = value
    return locked


def entry_language(chosen: str, premise: str, genre: str = "") -> str:
    """The language to write the entry in: the one asked for, else the premise's (as the
    window detects it), English when there is no pack for it."""
    from backend.story.language import generation_language

    return generation_language(chosen, premise, genre)


def run_character(
    engine: Engine, args: argparse.Namespace, locked: dict[str, str], stdout: TextIO
) -> int:
    """Generate a character sheet or background entry, print it, and export it if asked."""
    from backend.jobs.character import generate_entry

    lang = entry_language(args.lang, args.premise)
    sheet = generate_entry(
        engine, _kind(args), args.premise, args.genre, locked=locked, seed=args.seed, lang=lang
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
