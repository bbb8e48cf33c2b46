"""`serve --stdio`: the loaded model answers JSON requests, one per line (backend/serve.py)."""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from backend.cli.common import (
    USER_ERRORS,
    add_adapter_options,
    choose,
    headless_settings,
    load_engine,
    refused,
    run_loaded,
)
from backend.storage.paths import app_paths


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """The serve sub-command."""
    serve = sub.add_parser("serve", parents=[common], help="answer JSON lines on stdin")
    serve.add_argument("--stdio", action="store_true", required=True)
    add_adapter_options(serve)


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    """Load the model, then answer requests from stdin until it closes."""
    paths = app_paths(args.config)
    try:
        settings = headless_settings(args, paths)
        model = choose(args, paths, settings)
        engine = load_engine(model.spec, paths.vocabulary)
    except USER_ERRORS as exc:
        return refused(exc)

    def answer() -> int:
        from backend.serve import serve_stdio

        serve_stdio(
            engine,
            model.spec.name,
            sys.stdin,
            stdout,
            defaults=model.defaults,
            cache_dir=paths.cache,
        )
        return 0

    return run_loaded(args, engine, answer)
