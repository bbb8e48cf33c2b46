"""The command line, `python main.py [command]`: one module per command group, over the
same jobs backend/serve.py uses. No command opens the window; main.py starts it when no
command is given.

common.py     the options every command shares, the writer's settings, the model they chose
              (or a flag asks for) with its sampler defaults, and the engine's exit codes
write.py      complete, continue, rewrite
character.py  character, background
serve.py      serve --stdio
models.py     setup-model, models (list, download, use)
voice.py      train-voice
book.py       import, stats, export (no model)
keeping.py    snapshot, history, backup, restore (no model)
ask.py        ask (passages without a model; one generated sentence with it)
check.py      check (the continuity check; no model)

Model commands use the writer's settings, as the window does, unless --ignore-settings or a
flag says otherwise. The command line is the top of the backend: it may import every backend
package, and nothing in backend imports it.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from typing import TextIO

from backend.cli import ask, book, character, check, keeping, models, serve, voice, write
from backend.cli.common import add_common_options

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
    parser.add_argument("--open", metavar="FILE", help="open FILE (text or story) in the window")
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
