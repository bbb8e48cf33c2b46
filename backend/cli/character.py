"""`character`: a character sheet from a premise on stdout, exported as a card if asked."""

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
from backend.story.bible import CHARACTER_FIELDS, bible_markdown
from backend.story.cards import CardError, read_portrait, sheet_to_card, write_card_png


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """The character sub-command."""
    character = sub.add_parser("character", parents=[common], help="generate a character sheet")
    character.add_argument("--premise", required=True)
    character.add_argument("--genre", default="literary")
    character.add_argument("--seed", type=int, default=1)
    character.add_argument("--lock", action="append", default=[], metavar="FIELD=VALUE")
    character.add_argument("--export", metavar="FILE", help="also write a .png/.json card or .md")
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
        engine = load_engine(model.spec)
    except USER_ERRORS as exc:
        return refused(exc)
    return run_loaded(args, engine, lambda: run_character(engine, args, locked, stdout))


def _locked(args: argparse.Namespace) -> dict[str, str]:
    locked: dict[str, str] = {}
    for item in args.lock:
        field, sep, value = item.partition("=")
        if not sep or field not in CHARACTER_FIELDS:
            raise ParamError(f"--lock takes FIELD=VALUE with FIELD one of {CHARACTER_FIELDS}")
        locked[field] = value
    return locked


def run_character(
    engine: Engine, args: argparse.Namespace, locked: dict[str, str], stdout: TextIO
) -> int:
    """Generate a character sheet, print it, and export it if asked."""
    from backend.jobs.character import generate_entry

    sheet = generate_entry(
        engine, "character", args.premise, args.genre, locked=locked, seed=args.seed
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
