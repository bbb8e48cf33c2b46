"""`complete`, `continue` and `rewrite`: text from the model on stdout as it arrives.

`complete` continues plain text with the writer's sampler settings; `continue` continues
TEXT (or a scene of a story) in a chosen style; `rewrite` rewrites a passage in one.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from backend.cli.common import (
    USER_ERRORS,
    add_adapter_options,
    choose,
    headless_settings,
    load_engine,
    print_stream,
    refused,
    run_loaded,
)
from backend.engines.base import Engine
from backend.engines.params import SAMPLING_KEYS, ParamError, SamplerParams, kept_from_looping
from backend.jobs.complete import continue_text
from backend.jobs.kinds import ContinueJob, text_stream
from backend.jobs.rewrite import rewrite_stream
from backend.jobs.styled import styled_stream
from backend.storage.paths import AppPaths, app_paths
from backend.story.language import generation_language
from backend.story.memory.position import StoryPlace, open_place
from backend.story.style.model import LENGTHS, POVS, TENSES, Style


def add_complete(sub: Any, common: argparse.ArgumentParser) -> None:
    """The complete sub-command."""
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
    add_adapter_options(complete)


def add_styled(sub: Any, common: argparse.ArgumentParser) -> None:
    """The continue and rewrite sub-commands."""
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
            add_adapter_options(styled)


def _add_style_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--genre", default="")
    parser.add_argument("--tone", default="")
    parser.add_argument("--pov", default="", choices=["", *POVS])
    parser.add_argument("--tense", default="", choices=["", *TENSES])
    parser.add_argument("--length", default="paragraph", choices=LENGTHS)
    parser.add_argument("--creativity", type=float, default=0.5)
    parser.add_argument("--notes", default="")
    parser.add_argument("--seed", type=int, default=1)


def run_complete(args: argparse.Namespace, stdout: TextIO) -> int:
    """Continue TEXT with the writer's sampler settings and the flags over them."""
    paths = app_paths(args.config)
    try:
        settings = headless_settings(args, paths)
        _complete_params(args, settings.sampler.params())  # bad values are said first
        model = choose(args, paths, settings)
        params = kept_from_looping(_complete_params(args, model.defaults))
        engine = load_engine(model.spec, paths.vocabulary)
    except USER_ERRORS as exc:
        return refused(exc)
    return run_loaded(
        args, engine, lambda: print_stream(continue_text(engine, args.text, params), stdout)
    )


def _complete_params(args: argparse.Namespace, defaults: SamplerParams) -> SamplerParams:
    given = {k: getattr(args, k) for k in (*SAMPLING_KEYS, "seed") if getattr(args, k) is not None}
    return defaults.with_(max_tokens=args.max_tokens, stop=tuple(args.stop), **given)


def run_continue(args: argparse.Namespace, stdout: TextIO) -> int:
    """Continue TEXT, or a scene of a story at a place in it, in the chosen style."""
    paths = app_paths(args.config)
    try:
        settings = headless_settings(args, paths)
        model = choose(args, paths, settings)
        style = _style(args)
        place = _place(args, paths)
        engine = load_engine(model.spec, paths.vocabulary)
    except USER_ERRORS as exc:
        return refused(exc)
    return run_loaded(
        args, engine, lambda: print_stream(_continued(args, engine, style, place), stdout)
    )


def _continued(
    args: argparse.Namespace, engine: Engine, style: Style, place: StoryPlace | None
) -> Iterator[str]:
    """The continuation of TEXT, or of the story at `place` with the book around it."""
    if place is None:
        lang = generation_language("", args.text[-2000:])  # as the window's continuations
        return styled_stream(engine, args.text, style, seed=args.seed, lang=lang)
    job = ContinueJob(
        place.before, SamplerParams(seed=args.seed), style, place.story.premise, book=place.book
    )
    for note in place.notes:
        print(f"inkling: {note}", file=sys.stderr)
    return text_stream(job, engine)


def _place(args: argparse.Namespace, paths: AppPaths) -> StoryPlace | None:
    """The story place of `continue --story` (None when continuing TEXT)."""
    if args.story is None:
        if args.text is None:
            raise ParamError("give the text to continue, or --story FOLDER --chapter N")
        return None
    return open_place(args.story, args.chapter, args.scene, args.cursor, cache_dir=paths.cache)


def run_rewrite(args: argparse.Namespace, stdout: TextIO) -> int:
    """Rewrite PASSAGE in the chosen style."""
    paths = app_paths(args.config)
    try:
        settings = headless_settings(args, paths)
        model = choose(args, paths, settings)
        style = _style(args)
        engine = load_engine(model.spec, paths.vocabulary)
    except USER_ERRORS as exc:
        return refused(exc)
    return run_loaded(
        args,
        engine,
        lambda: print_stream(rewrite_stream(engine, args.text, style, seed=args.seed), stdout),
    )


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
