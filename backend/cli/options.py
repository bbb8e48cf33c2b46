"""The options every command shares, and the window's own parser: `python main.py` with no
command opens the window, and parsing its few options must not import every command (that
cost the start-up about a third of a second)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from backend.models.spec import ENGINES

# Every command's name (tests/backend/cli/test_options.py holds it to the full parser).
COMMAND_NAMES = frozenset(
    {
        "complete", "continue", "rewrite", "character", "background", "serve", "setup-model",
        "models", "train-voice", "import", "stats", "export", "snapshot", "history", "backup",
        "restore", "ask", "check",
    }
)  # fmt: skip
HELP_FLAGS = frozenset({"-h", "--help"})


def add_common_options(parser: argparse.ArgumentParser, default: object) -> None:
    """--config, --engine, --model, --url, --ignore-settings and --verbose."""
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


def add_window_options(parser: argparse.ArgumentParser) -> None:
    """The options only the window reads."""
    parser.add_argument("--open", metavar="FILE", help="open FILE (text or story) in the window")


def wants_window(argv: Sequence[str]) -> bool:
    """True when `argv` surely names no command (nor asks for help), so the window's own
    parser reads it; otherwise the full parser decides (it opens the window too when it finds
    no command)."""
    return not any(arg in COMMAND_NAMES or arg in HELP_FLAGS for arg in argv)


def window_parser() -> argparse.ArgumentParser:
    """The top level of the full parser without its commands: the same options, the same
    defaults, and `command` None."""
    parser = argparse.ArgumentParser(prog="inkling", description="A local writing assistant.")
    add_common_options(parser, None)
    add_window_options(parser)
    parser.set_defaults(command=None)
    return parser
