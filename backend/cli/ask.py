"""`ask`: a question about a story, answered with ranked passages (chapter, scene, quote)
and at most one sentence from the writer's model, marked as generated.

    python main.py ask STORY.inkling "When did Anna first meet Marek?" [--json] [--no-model]

`--json` prints {"question", "answer", "generated", "citations": [{"chapter", "scene",
"quote", "scene_id", "chapter_title", "start", "end", "score"}, ...], "searched", "note"},
citations best first. "answer" is the model's sentence, or "" when there is none (with
--no-model, when nothing matched, or when the model's sentence was not made of the
quotes' words); "generated" is true exactly when "answer" holds one. There is never an
answer without citations.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from backend.cli.common import USER_ERRORS, choose, headless_settings, load_engine, refused
from backend.engines.base import EngineError
from backend.jobs.ask import with_sentence
from backend.storage.paths import app_paths
from backend.story.memory.ask import CITATIONS, GENERATED_LABEL, MAX_CITATIONS, Answer, ask_book
from backend.story.memory.position import story_index
from backend.story.project_read import load_story


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """The ask sub-command."""
    ask = sub.add_parser(
        "ask", parents=[common], help="answer a question about a story with cited passages"
    )
    ask.add_argument("story", metavar="STORY.inkling")
    ask.add_argument("question", help="the question, in plain words")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument(
        "--no-model", action="store_true", help="passages only: no sentence from the model"
    )
    ask.add_argument(
        "--count", type=int, default=CITATIONS, help=f"how many passages (1 to {MAX_CITATIONS})"
    )
    ask.add_argument("--seed", type=int, default=1)


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    """Answer the question: 0 (also when nothing matched), 2 for bad input, 1 when the
    model failed."""
    paths = app_paths(args.config)
    try:
        if not 1 <= args.count <= MAX_CITATIONS:
            raise ValueError(f"--count must be between 1 and {MAX_CITATIONS}.")
        story, notes = load_story(args.story)
        for note in notes:
            print(f"inkling: {note}", file=sys.stderr)
        index, note = story_index(story, paths.cache)
        if note:
            print(f"inkling: {note}", file=sys.stderr)
        answer = ask_book(story, args.question, index=index, count=args.count)
        engine = None
        if answer.citations and not args.no_model:
            engine = load_engine(
                choose(args, paths, headless_settings(args, paths)).spec, paths.vocabulary
            )
    except (*USER_ERRORS, ValueError) as exc:
        return refused(exc)
    if engine is not None:
        try:
            answer = with_sentence(engine, answer, args.seed)
        except EngineError as exc:
            print(f"inkling: {exc}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 130
        finally:
            engine.close()
    _print(answer, args.json, stdout)
    return 0


def _print(answer: Answer, as_json: bool, stdout: TextIO) -> None:
    if as_json:
        json.dump(answer.to_json(), stdout, ensure_ascii=False, indent=2)
        print(file=stdout)
        return
    stdout.write(format_answer(answer))


def format_answer(answer: Answer) -> str:
    """The answer as readable text: the generated sentence (marked), then the passages."""
    if not answer.citations:
        return f"{answer.note}\n"
    lines = []
    if answer.generated:
        lines += [f"{GENERATED_LABEL}:", f"  {answer.sentence}", ""]
    lines.append("Passages, best first:")
    for n, c in enumerate(answer.citations, 1):
        lines.append(f"{n}. Chapter {c.chapter}, scene {c.scene} ({c.chapter_title})")
        lines.append(f"   “{' '.join(c.quote.split())}”")
    return "\n".join(lines) + "\n"
