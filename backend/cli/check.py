"""`check`: the continuity check of a story project (backend/story/facts/), as JSON or as
text. No model is loaded."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from backend.storage.documents import DocumentError
from backend.storage.paths import app_paths
from backend.story.facts.check import check_story
from backend.story.facts.model import Report
from backend.story.project_read import load_story


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add `check` to the command-line parser."""
    check = sub.add_parser(
        "check", parents=[common], help="the continuity check: facts that disagree"
    )
    check.add_argument("story", metavar="STORY.inkling")
    check.add_argument("--json", action="store_true", help="print JSON")
    check.add_argument(
        "--no-cache", action="store_true", help="read every scene again (keep no cache)"
    )


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    """0 when the check ran (with or without findings), 2 for a story that cannot be read."""
    try:
        story, notes = load_story(args.story)
    except DocumentError as exc:
        print(f"inkling: {exc}", file=sys.stderr)
        return 2
    for note in notes:
        print(f"inkling: {note}", file=sys.stderr)
    cache = None if args.no_cache else app_paths(args.config).cache
    report = check_story(story, cache)
    if report.note:
        print(f"inkling: {report.note}", file=sys.stderr)
    if args.json:
        json.dump(
            {"findings": [f.as_dict() for f in report.findings], "dismissed": report.dismissed},
            stdout,
            ensure_ascii=False,
            indent=2,
        )
        print(file=stdout)
    else:
        _print_text(report, Path(args.story).name, stdout)
    return 0


def _print_text(report: Report, name: str, stdout: TextIO) -> None:
    if not report.findings:
        print(f"{name}: no continuity findings.", file=stdout)
    for finding in report.findings:
        print(f"[{finding.kind}] {finding.subject}: {finding.message}", file=stdout)
        for cite in finding.evidence:
            where = "bible" if cite.source == "bible" else f"ch. {cite.chapter}, sc. {cite.scene}"
            print(f"    {where}: {cite.quote}", file=stdout)
    if report.dismissed:
        print(f"({report.dismissed} dismissed finding(s) not shown)", file=stdout)
