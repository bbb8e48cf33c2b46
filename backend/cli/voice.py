"""`train-voice`: train an adapter in this process, printing JSON lines as it goes (the
window runs it as a child process at low priority and reads them)."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import threading
from pathlib import Path
from typing import Any, TextIO

from backend.cli.common import USER_ERRORS, chosen_spec, headless_settings, refused
from backend.jobs.voice.run import VoiceRequest, error_event, train_voice
from backend.jobs.voice.trainer import TrainSettings
from backend.models.spec import ModelSpec
from backend.storage.paths import app_paths

# Training yields to the editor: suggestions keep their speed while it runs.
NICENESS = 10


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """The train-voice sub-command."""
    train = sub.add_parser(
        "train-voice", parents=[common], help="train an adapter on your own writing"
    )
    train.add_argument("--text", nargs="+", required=True, metavar="FILE",
                       help=".txt, .md or .docx files of your writing")  # fmt: skip
    train.add_argument("--out", required=True, metavar="ADAPTER.gguf")
    train.add_argument("--minutes", type=float, default=10.0, help="time budget (default 10)")
    train.add_argument("--holdout", metavar="FILE", help="measure on this text, not the last tenth")
    train.add_argument("--name", default="", help="the adapter's name")
    train.add_argument("--steps", type=int, default=0, help="stop after this many steps")
    train.add_argument("--rank", type=int, default=TrainSettings.rank)
    train.add_argument("--learning-rate", type=float, default=TrainSettings.learning_rate)
    train.add_argument("--sequence", type=int, default=256, help="tokens per training step")
    train.add_argument(
        "--targets",
        default=",".join(TrainSettings.targets),
        help="projections to adapt, comma-separated (q_proj,k_proj,v_proj,o_proj,gate_proj,"
        "up_proj,down_proj; GPT-2: c_attn,c_proj,c_fc)",
    )
    train.add_argument("--min-words", type=int, default=1000, help=argparse.SUPPRESS)
    train.add_argument("--no-nice", action="store_true", help="run at normal priority")


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    """Train for the model the writer chose; 2 when that model cannot be used."""
    paths = app_paths(args.config)
    try:
        settings = headless_settings(args, paths)
        return run_train_voice(args, chosen_spec(args, paths, settings), stdout)
    except USER_ERRORS as exc:
        return refused(exc)


def run_train_voice(args: argparse.Namespace, spec: ModelSpec, stdout: TextIO) -> int:
    """Train; 0 when an adapter was written, 3 when cancelled (resumable), 1 on an error."""
    if not args.no_nice:
        with contextlib.suppress(OSError, AttributeError):
            os.nice(NICENESS)
    cancel = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_a: cancel.set())

    def emit(event: dict[str, Any]) -> None:
        stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
        stdout.flush()

    request = VoiceRequest(
        texts=tuple(Path(t) for t in args.text),
        out=Path(args.out),
        model=spec,
        settings=TrainSettings(
            minutes=args.minutes,
            rank=args.rank,
            alpha=2.0 * args.rank,
            learning_rate=args.learning_rate,
            sequence=args.sequence,
            max_steps=args.steps,
            targets=tuple(t.strip() for t in args.targets.split(",") if t.strip()),
        ),
        holdout=Path(args.holdout) if args.holdout else None,
        name=args.name,
        min_words=args.min_words,
    )
    try:
        result = train_voice(request, emit, cancel)
    except Exception as exc:  # every failure ends as one JSON line for the window to show
        emit(error_event(exc))
        return 1
    if result.get("cancelled"):
        return 3
    emit({k: result[k] for k in ("adapter", "tokens", "seconds", "ppl_before", "ppl_after")})
    return 0
