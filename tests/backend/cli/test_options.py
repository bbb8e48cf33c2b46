"""The window's own parser: the same top-level options as the full parser, without
importing a single command."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from backend.cli import COMMANDS, build_parser
from backend.cli.options import COMMAND_NAMES, wants_window, window_parser

ROOT = Path(__file__).resolve().parents[3]


def subcommands(parser: argparse.ArgumentParser) -> set[str]:
    return {
        name
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    }


def test_the_command_names_are_the_full_parsers() -> None:
    assert COMMAND_NAMES == subcommands(build_parser()) == set(COMMANDS)


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--open", "draft.txt"],
        ["--model", "my.gguf", "--engine", "llamacpp", "-v"],
        ["--config", "/tmp/x", "--ignore-settings"],
        ["--engine", "remote", "--url", "http://127.0.0.1:8080", "--model", "m"],
    ],
)
def test_the_window_parser_reads_what_the_full_parser_reads(argv: list[str]) -> None:
    assert wants_window(argv)
    assert vars(window_parser().parse_args(argv)) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize(
    "argv", [["check", "book"], ["--verbose", "models"], ["--help"], ["-h"], ["--model", "ask"]]
)
def test_a_command_or_help_goes_to_the_full_parser(argv: list[str]) -> None:
    assert not wants_window(argv)


def test_an_unknown_option_is_refused_by_both(capsys) -> None:
    for parser in (window_parser(), build_parser()):
        with pytest.raises(SystemExit):
            parser.parse_args(["--no-such-option"])
    assert "--no-such-option" in capsys.readouterr().err


def test_parsing_the_window_options_imports_no_command() -> None:
    probe = (
        "import json, sys\n"
        "from backend.cli.options import window_parser\n"
        "window_parser().parse_args(['--open', 'a.txt'])\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('backend.cli'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == ["backend.cli", "backend.cli.options"]
