"""`import`, `stats` and `export`: the book commands, which need no model. Each prints JSON
or a message."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from backend.formats.book import ExportError, book_from_story
from backend.formats.export import write_book
from backend.formats.manuscript import ImportProblem, import_manuscript
from backend.storage.atomic import SaveError
from backend.storage.documents import DocumentError
from backend.story.progress import book_stats
from backend.story.project import STORY_SUFFIX
from backend.story.project_read import load_story
from backend.story.project_save import write_new_story


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add import, stats and export to the command-line parser."""
    imp = sub.add_parser("import", help="import a .txt/.md/.docx manuscript as a story")
    imp.add_argument("file", help="the manuscript")
    imp.add_argument("--to", required=True, metavar="STORY.inkling", help="the new story folder")
    imp.add_argument("--chapters", metavar="REGEX", help="heading pattern (default: automatic)")
    stats = sub.add_parser("stats", help="word counts of a story as JSON")
    stats.add_argument("story", metavar="STORY.inkling")
    export = sub.add_parser("export", help="export a story to .docx, .epub, .md or .txt")
    export.add_argument("story", metavar="STORY.inkling")
    export.add_argument("--to", required=True, metavar="OUT", help="OUT.docx|.epub|.md|.txt")
    export.add_argument("--chapters", metavar="RANGE", help="e.g. 1-5 (default: all)")


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    """Run import, stats or export; 0 on success, 2 for bad input, 1 when writing failed."""
    try:
        if args.command == "import":
            return _import(args, stdout)
        story, notes = load_story(args.story)
        for note in notes:
            print(f"inkling: {note}", file=sys.stderr)
        if args.command == "stats":
            json.dump(book_stats(story.binder, story.title), stdout, ensure_ascii=False, indent=2)
            print(file=stdout)
            return 0
        target = Path(args.to)
        write_book(book_from_story(story, args.chapters), target)
        print(
            json.dumps({"written": str(target), "format": target.suffix.lstrip(".")}), file=stdout
        )
        return 0
    except (DocumentError, ExportError) as exc:
        print(f"inkling: {exc}", file=sys.stderr)
        return 2
    except SaveError as exc:
        print(f"inkling: {exc}", file=sys.stderr)
        return 1


def _import(args: argparse.Namespace, stdout: TextIO) -> int:
    target = Path(args.to)
    if target.suffix != STORY_SUFFIX:
        raise ImportProblem(f"The story folder's name must end in {STORY_SUFFIX}.")
    story, plan = import_manuscript(Path(args.file), target, args.chapters)
    write_new_story(story)
    summary = {"story": str(target), **plan.summary()}
    json.dump(summary, stdout, ensure_ascii=False, indent=2)
    print(file=stdout)
    return 0
