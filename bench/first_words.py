"""How soon a continuation's first words come (Ctrl+Enter), on the bundled model.

A plain continuation reads the same window of text as a suggestion at the cursor
(backend/jobs/kinds.py SHARED_WINDOW), so once a suggestion has been asked for there (or
the window read the text when the cursor came to rest), its prompt is already in the
model's cache. Measured at three places in Alice's Adventures in Wonderland, each after a
prefill at the cursor, with the shared window and without it; then a styled continuation
(first person, past tense), whose style header comes first and so reads its prompt anew:
with the whole context, and capped to the suggestion's window.
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


def first_words(engine: LlamaCppEngine, job: ContinueJob) -> float:
    """Seconds until the job's first piece of text (or its first draft)."""
    started = time.perf_counter()
    seen = threading.Event()

    def draft(_text: str) -> None:
        seen.set()

    for item in job.run(engine, threading.Event(), draft):
        if seen.is_set() or (isinstance(item, str) and item):
            break
    return time.perf_counter() - started


def main() -> None:
    """Print the times and a JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    text = CORPUS.read_text("utf-8")
    doc = "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip())
    engine = LlamaCppEngine(bundled_model_path(), n_threads=args.threads)
    engine.load()
    params = SamplerParams(temperature=0.8, max_tokens=60, seed=1)
    out: dict[str, float] = {}
    for shared in (False, True):
        kinds.SHARED_WINDOW = shared
        times = []
        for k, cut in enumerate(PLACES):
            before = doc[: cut + 7 * k]
            prefill = SuggestJob(before, len(before), prefill_options(SuggestOptions()))
            list(prefill.run(engine, threading.Event(), lambda _t: None))
            times.append(first_words(engine, ContinueJob(before, params)))
        name = "plain_shared_s" if shared else "plain_own_window_s"
        out[name] = round(median(times), 3)
        print(f"plain continuation, {'shared' if shared else 'own'} window: {times}")
    style = Style(pov="first", tense="past")
    for shared in (False, True):
        kinds.SHARED_WINDOW = shared
        styled = [first_words(engine, ContinueJob(doc[:c], params, style=style)) for c in PLACES]
        name = "styled_capped_s" if shared else "styled_whole_context_s"
        out[name] = round(median(styled), 3)
        print(f"styled continuation (first person, past), {name}: {styled}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
