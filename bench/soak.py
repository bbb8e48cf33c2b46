"""Soak benchmarks in the real window with the bundled model answering.

Keystrokes (default): N random keystrokes with suggestions on (typing, deleting, moving,
accepting with Tab and Ctrl+Right, dismissing). Memory (RSS) is read after a warm-up of
1,000 keystrokes and after every further 10,000, each time after an 8-second pause (the
writer stops, the last request ends, the app hands freed memory back); the highest RSS
seen while typing is reported too. The document must equal the text the simulation
expects; stalls of the event loop are reported.

    python bench/soak.py --keys 21000         warm-up, then two rounds of 10,000

Long session (--long): an hour of writing in the app as a writer runs it (gui/window/app.py, so
with its real signal handling): keystrokes as above, continuations (Ctrl+Enter) and a
Retry, generated characters, a save every three minutes, a switch to SmolLM2 and back,
and halfway a SIGTERM from outside and a restart that must offer everything back. At the
end the saved file must equal the expected text byte for byte.

    python bench/soak.py --long [--minutes 60]

Last line of either: one JSON object. QT_QPA_PLATFORM picks the display (offscreen unless
set; run under xvfb-run for a real X window).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import ROOT, unwrapped_corpus

WARMUP_KEYS = 1000
ROUND_KEYS = 10_000
IDLE_BEFORE_MEASURE_S = 8.0


# --- keystroke soak ---------------------------------------------------------------------
def keystroke_soak(args: argparse.Namespace) -> None:
    from soaklib import StallMeter, Typist, memory_breakdown, open_window, pump, rss_mb

    app, window = open_window(base_delay_ms=60, suggest=not args.no_suggest)
    typist = Typist(window.editor, unwrapped_corpus()[:20000], args.seed)
    meter = StallMeter()
    marks: list[tuple[int, float, float]] = []
    peak = 0.0
    for i in range(1, args.keys + 1):
        typist.key()
        pump(app, typist.pause())
        if i == WARMUP_KEYS:
            meter.reset()
        if i == WARMUP_KEYS or (i > WARMUP_KEYS and (i - WARMUP_KEYS) % ROUND_KEYS == 0):
            # Measured as the writer stops: the last request ends and the app gives freed
            # memory back (gui/worker.py trims at most every 5 s), so what is compared is
            # what the app keeps, not what one request had in flight.
            pump(app, IDLE_BEFORE_MEASURE_S)
            marks.append((i, rss_mb(), memory_breakdown().get("malloc_in_use", 0.0)))
        peak = max(peak, rss_mb())
        if i % 1000 == 0:
            worst = max(meter.worst.values(), default=0)
            print(f"{i} keys, {memory_breakdown()}, worst stall {worst:.0f} ms", flush=True)
    ok = window.editor.toPlainText() == typist.expected
    window.close()
    rounds = [round(b[1] - a[1], 1) for a, b in itertools.pairwise(marks)]
    print(
        json.dumps(
            {
                "keys": args.keys,
                "document_matches": ok,
                "accepted_suggestions": typist.accepted,
                "rss_after_warmup_mb": round(marks[0][1], 1) if marks else None,
                "rss_idle_mb": [round(m[1], 1) for m in marks],
                "malloc_in_use_idle_mb": [m[2] for m in marks],
                "rss_peak_mb": round(peak, 1),
                "rss_growth_per_10k_keys_mb": rounds,
                "stalls": meter.report(),
            }
        )
    )


# --- long session: the parent -----------------------------------------------------------
def long_soak(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="inkling-soak-"))
    home, document, state = work / "home", work / "novel.txt", work / "state.json"
    document.write_text("", encoding="utf-8")
    half = args.minutes * 30
    started = time.time()
    first = child(args, "1", home, document, state, until=started + 2 * half)
    time.sleep(max(0.0, started + half - time.time()))
    sent = time.perf_counter()
    first.send_signal(signal.SIGTERM)
    try:
        first.wait(timeout=30)
    except subprocess.TimeoutExpired:
        first.kill()
    exit_s = time.perf_counter() - sent
    one = json.loads(state.read_text(encoding="utf-8"))
    print(f"SIGTERM: exited in {exit_s:.2f} s with code {first.returncode}", flush=True)
    second = child(args, "2", home, document, state, until=started + 2 * half)
    second.wait()
    two = json.loads(state.read_text(encoding="utf-8"))
    saved = document.read_bytes()
    result = {
        "minutes": round((time.time() - started) / 60, 1),
        "sigterm_exit_s": round(exit_s, 2),
        "sigterm_exit_code": first.returncode,
        "restored_text_matches": two.get("restored_text_matches"),
        "restored_characters_match": two.get("restored_characters_match"),
        "document_matches": saved == two["expected"].encode("utf-8"),
        "document_chars": len(two["expected"]),
        "phase1": one["report"],
        "phase2": two["report"],
    }
    print(json.dumps(result))


def child(
    args: argparse.Namespace, phase: str, home: Path, document: Path, state: Path, until: float
) -> subprocess.Popen:
    """Run one phase of the long soak in a process of its own (it is SIGTERMed)."""
    command = [sys.executable, __file__, "--child", phase, "--until", str(until)]
    command += ["--home", str(home), "--document", str(document), "--state", str(state)]
    command += ["--seed", str(args.seed)]
    return subprocess.Popen(command, cwd=Path(__file__).parent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keys", type=int, default=ROUND_KEYS + WARMUP_KEYS)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-suggest", action="store_true", help="type with suggestions off")
    parser.add_argument("--long", action="store_true", help="the one-hour session")
    parser.add_argument("--minutes", type=float, default=60.0)
    for hidden in ("--child", "--until", "--home", "--document", "--state"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        from soak_session import run_phase

        run_phase(args)
    elif args.long:
        long_soak(args)
    else:
        keystroke_soak(args)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
