"""Every command: its parser and what runs it (the package's docstring says which module
holds which)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from typing import TextIO

from backend.cli import ask, book, character, check, keeping, models, serve, voice, write
from backend.cli.options import add_common_options, add_window_options

COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
    "complete": write.run_complete,
    "continue": write.run_continue,
    "rewrite": write.run_rewrite,
    "character": character.run,
    "serve": serve.run,
    "setup-model": models.run,
    "models": models.run_models,
    "background": character.run,
    "train-voice": voice.run,
    "import": book.run,
    "stats": book.run,
    "export": book.run,
    "snapshot": keeping.run,
    "history": keeping.run,
    "backup": keeping.run,
    "restore": keeping.run,
    "ask": ask.run,
    "check": check.run,
}


def build_parser() -> argparse.ArgumentParser:
    """The parser for `python main.py [command]`; no command opens the window."""
    parser = argparse.ArgumentParser(prog="inkling", description="A local writing assistant.")
    # The shared options work before or after the command; after it they must not reset
    # what was given before it, hence SUPPRESS as the sub-command default.
    common = argparse.ArgumentParser(add_help=False)
    add_common_options(common, argparse.SUPPRESS)
    add_common_options(parser, None)
    add_window_options(parser)
    sub = parser.add_subparsers(dest="command")
    write.add_complete(sub, common)
    serve.add_parser(sub, common)
    write.add_styled(sub, common)
    character.add_parser(sub, common)
    models.add_parser(sub, common)
    voice.add_parser(sub, common)
    book.add_parsers(sub)
    keeping.add_parsers(sub, common)
    ask.add_parser(sub, common)
    check.add_parser(sub, common)
    return parser


def run_headless(args: argparse.Namespace, stdout: TextIO = sys.stdout) -> int:
    """Run a headless command; returns the process exit code."""
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    return COMMANDS[args.command](args, stdout)
