"""How soon a continuation's first words come (Ctrl+Enter), on the bundled model.

A plain continuation reads the same window of text as a suggestion at the cursor
(backend/jobs/kinds.py SHARED_WINDOW), so once a suggestion has been asked for there (or
the window read the text when the cursor came to rest), its prompt is already in the
model's cache. Measured at three places in Alice's Adventures in Wonderland, each after a
prefill at the cursor, with the shared window and without it; then a styled continuation
(first person, past tense), whose style header sits a few paragraphs before the end: with
the whole context, and capped to the suggestion's window, at places nothing was read (the
plain prompt is then read once and copied into both of the guided pair's sequences); then
the same after a suggestion at the place (what a writer who types and presses Ctrl+Enter
before the window read ahead for the style meets): both prompts then start as the
suggestion's, taken from its cache, and only the header and the paragraphs after it are
read.
`--chinese`: the same runs in Lu Xun's 故乡, its paragraphs parted by line breaks alone, as
most Chinese writers type them (each line with words is a paragraph: the header goes before
the last ones there too).
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time

from common import ROOT, bundled_model_path, median

import backend.jobs.kinds as kinds
from backend.engines.llamacpp import LlamaCppEngine
from backend.engines.params import SamplerParams
from backend.jobs.kinds import ContinueJob, SuggestJob
from backend.jobs.suggest import SuggestOptions, prefill_options
from backend.story.style.model import Style

CORPUS = ROOT / "tests" / "data" / "corpus" / "alice.txt"
PLACES = (20000, 21500, 23000)
CHINESE = ROOT / "tests" / "data" / "corpus" / "guxiang.txt"
CHINESE_PLACES = (1300, 1650, 2000)
TYPED_AFTER = 60  # characters the writer types after the read-ahead, before Ctrl+Enter


def first_words(engine: LlamaCppEngine, job: ContinueJob) -> float:
    """Seconds until the job's first piece of text (or its first draft)."""
    started = time.perf_counter()
    seen: list[float] = []  # when the first draft came: it is on screen from then on
    cancel = threading.Event()

    def draft(text: str) -> None:
        if text and not seen:
            seen.append(time.perf_counter())
            cancel.set()  # measured: the rest of the run is not

    for item in job.run(engine, cancel, draft):
        if seen or (isinstance(item, str) and item):
            break
    return (seen[0] if seen else time.perf_counter()) - started


def suggested_at(engine: LlamaCppEngine, before: str) -> None:
    """Read the place as a suggestion at its end does (the window's prefill)."""
    prefill = SuggestJob(before, len(before), prefill_options(SuggestOptions()))
    list(prefill.run(engine, threading.Event(), lambda _t: None))


def main() -> None:
    """Print the times and a JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--read-ahead-only", action="store_true", help="only the read-ahead runs")
    parser.add_argument("--chinese", action="store_true", help="故乡, one line a paragraph")
    args = parser.parse_args()
    text = (CHINESE if args.chinese else CORPUS).read_text("utf-8")
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    doc = ("\n" if args.chinese else "\n\n").join(paragraphs)
    places = CHINESE_PLACES if args.chinese else PLACES
    engine = LlamaCppEngine(bundled_model_path(), n_threads=args.threads)
    engine.load()
    params = SamplerParams(temperature=0.8, max_tokens=60, seed=1)
    out: dict[str, float] = {}
    style = Style(pov="first", tense="past")
    for shared in () if args.read_ahead_only else (False, True):
        kinds.SHARED_WINDOW = shared
        times = []
        for k, cut in enumerate(places):
            before = doc[: cut + 7 * k]
            suggested_at(engine, before)
            times.append(first_words(engine, ContinueJob(before, params)))
        name = "plain_shared_s" if shared else "plain_own_window_s"
        out[name] = round(median(times), 3)
        print(f"plain continuation, {'shared' if shared else 'own'} window: {times}")
    for shared in () if args.read_ahead_only else (False, True):
        kinds.SHARED_WINDOW = shared
        styled = [first_words(engine, ContinueJob(doc[:c], params, style=style)) for c in places]
        name = "styled_capped_s" if shared else "styled_whole_context_s"
        out[name] = round(median(styled), 3)
        print(f"styled continuation (first person, past), {name}: {styled}")
    kinds.SHARED_WINDOW = True
    after = []
    for k, cut in enumerate(places):
        before = doc[: cut + 13 * k]
        suggested_at(engine, before)
        after.append(first_words(engine, ContinueJob(before, params, style=style)))
    out["styled_after_suggestion_s"] = round(median(after), 3)
    print(f"styled, capped, after a suggestion there, nothing read ahead: {after}")
    # Read ahead (the window does it when a writer who uses a style rests): the styled
    # prompts are in the guidance pair's cache, at the place itself and after a few more
    # words typed there.
    for typed in (0, TYPED_AFTER):
        styled, prepared = [], []
        for k, cut in enumerate(places):
            here = doc[: cut + 11 * k]
            started = time.perf_counter()
            ahead = ContinueJob(here, params, style=style, prepare_only=True)
            list(ahead.run(engine, threading.Event(), lambda _t: None))
            prepared.append(time.perf_counter() - started)
            later = doc[: cut + 11 * k + typed]
            styled.append(first_words(engine, ContinueJob(later, params, style=style)))
        name = f"styled_read_ahead_typed_{typed}_s"
        out[name] = round(median(styled), 3)
        out[f"read_ahead_{typed}_s"] = round(median(prepared), 3)
        print(f"styled, read ahead, {typed} characters typed since: {styled} (ahead {prepared})")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
