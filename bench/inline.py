"""Inline-suggestion benchmark on the bundled model: keystroke savings, latency, UI stalls.

A simulated writer types 1,500 characters of Alice in Wonderland (unwrapped) after 3,000
characters of preceding text. A suggestion is requested at every word start and after each
word's first letter (and right after an acceptance); the leading whole words of the first
suggestion that match the real text are accepted at one keystroke per word.

KSR = (characters typed - keystrokes used) / characters typed, for our pipeline, for our
pipeline with token healing off, and for raw llama-cpp-python (prompt = text before the
cursor, greedy, 12 tokens). Latency is measured in a 4,000-token document. The last line is
one JSON object.

With --lang zh: Lu Xun's 故乡 (public domain) is typed character by character after its
first 800 characters (see backend.jobs.keystrokes.simulate_cjk: one request after every
character not covered by an accepted suggestion, one keystroke per two accepted
characters), for our pipeline and for raw llama-cpp-python; latency comes from the same
requests.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import threading
import time

from common import CORPUS_DIR, bundled_model_path, median, percentile, unwrapped_corpus

from backend.engines.llamacpp import LlamaCppEngine
from backend.engines.params import SamplerParams
from backend.jobs import keystrokes
from backend.jobs.suggest import SuggestOptions

CONTEXT_CHARS = 3000
TYPED_CHARS = 1500
ZH_CONTEXT = 800
ZH_TYPED_CHARS = 1000


def simulate(suggest_fn, context: str, target: str) -> dict:
    """The shared harness's result as a dict."""
    return vars(keystrokes.simulate(suggest_fn, context, target))


def ours(engine: LlamaCppEngine, heal: bool):
    return keystrokes.editor_suggestions(engine, SuggestOptions(heal=heal))


def raw_baseline(engine: LlamaCppEngine):
    llm = engine.runtime.llm

    def run(doc: str) -> tuple[str, float | None, float]:
        started = time.perf_counter()
        out = llm.create_completion(doc, max_tokens=12, temperature=0.0, repeat_penalty=1.0)
        return out["choices"][0]["text"], None, (time.perf_counter() - started) * 1000

    return run


def cancel_latency(engine: LlamaCppEngine, doc: str, rounds: int = 5) -> tuple[float, float]:
    """Median ms from setting the cancel flag to the stream ending, and one token's ms."""
    results, token_ms = [], []
    params = SamplerParams(temperature=0.8, max_tokens=300, seed=1)
    for r in range(rounds):
        cancel = threading.Event()
        stream = engine.stream(doc, params.with_(seed=r + 1), cancel)
        stamps = []
        set_at = 0.0
        for _ in stream:
            stamps.append(time.perf_counter())
            if len(stamps) == 20:
                set_at = time.perf_counter()
                threading.Thread(target=cancel.set).start()
        ended = time.perf_counter()
        if set_at:
            results.append((ended - set_at) * 1000)
            gaps = [b - a for a, b in itertools.pairwise(stamps[1:])]
            token_ms.append(median(gaps) * 1000)
    return median(results), median(token_ms)


def ui_stall(model_path, seconds: float = 25.0) -> float:
    """Longest event-loop stall (ms) while typing with suggestions streaming, in the window."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from backend.models.bundled import BUNDLED_NAME
    from backend.models.spec import ModelSpec
    from backend.storage.paths import app_paths
    from gui.window.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    import tempfile

    home = tempfile.mkdtemp()
    window = MainWindow(app_paths(home), ModelSpec("llamacpp", model_path, BUNDLED_NAME))
    window.prompts.save_changes = lambda _name: "discard"  # no dialog when the run ends
    window.show()
    while not window.model_ready:
        app.processEvents()
        time.sleep(0.01)
    window.suggestions.base_delay_ms = 120
    text = unwrapped_corpus()[CONTEXT_CHARS : CONTEXT_CHARS + 600]
    window.editor.setPlainText(unwrapped_corpus()[:CONTEXT_CHARS])
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]
    worst = [0]
    shown = [0]
    window.suggestions.suggestion_shown.connect(lambda _s: shown.__setitem__(0, shown[0] + 1))

    def tick() -> None:
        now = clock.elapsed()
        worst[0] = max(worst[0], now - last[0] - 5)
        last[0] = now

    ticker = QTimer()
    ticker.timeout.connect(tick)
    ticker.start(5)
    index = [0]

    def type_one() -> None:
        if index[0] >= len(text):
            return
        ch = text[index[0]]
        index[0] += 1
        if ch == "\n":
            QTest.keyClick(window.editor, Qt.Key.Key_Return)
        else:
            QTest.keyClicks(window.editor, ch)

    typer = QTimer()
    typer.timeout.connect(type_one)
    typer.start(90)  # about 130 words a minute: pauses let suggestions stream
    warmup_until = clock.elapsed() + 1000
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        app.processEvents()
        if clock.elapsed() < warmup_until:
            worst[0] = 0
        time.sleep(0.001)
    typer.stop()
    ticker.stop()
    window.close()
    print(f"ui: {shown[0]} suggestions shown while typing {index[0]} characters")
    return float(worst[0])


def chinese(engine: LlamaCppEngine, chars: int, baselines: bool) -> dict:
    """Keystroke savings and latency on Chinese text, ours against raw llama-cpp-python."""
    text = (CORPUS_DIR / "guxiang.txt").read_text(encoding="utf-8")
    text = "".join(text.split())  # the hard line breaks of the file are not the author's
    context, target = text[:ZH_CONTEXT], text[ZH_CONTEXT : ZH_CONTEXT + chars]
    ours_zh = keystrokes.simulate_cjk(
        keystrokes.editor_suggestions(engine, SuggestOptions()), context, target
    )
    print(f"ours: ksr={ours_zh.ksr:.3f} requests={ours_zh.requests}", flush=True)
    result = {
        "lang": "zh",
        "typed_chars": len(target),
        "ksr": round(ours_zh.ksr, 4),
        "requests": ours_zh.requests,
        "accepted": ours_zh.accepted_words,
        "ttft_p50_ms": round(percentile(ours_zh.ttfts, 50), 1),
        "ttft_p95_ms": round(percentile(ours_zh.ttfts, 95), 1),
        "full_p50_ms": round(percentile(ours_zh.fulls, 50), 1),
        "full_p95_ms": round(percentile(ours_zh.fulls, 95), 1),
    }
    if baselines:
        unhealed = keystrokes.simulate_cjk(ours(engine, heal=False), context, target)
        print(f"no healing: ksr={unhealed.ksr:.3f}", flush=True)
        result["ksr_no_healing"] = round(unhealed.ksr, 4)
        raw = keystrokes.simulate_cjk(raw_baseline(engine), context, target)
        print(f"raw llama-cpp-python: ksr={raw.ksr:.3f}", flush=True)
        result["ksr_raw_baseline"] = round(raw.ksr, 4)
        result["ksr_vs_raw"] = round(ours_zh.ksr / max(raw.ksr, 1e-9), 2)
        result["raw_full_p50_ms"] = round(percentile(raw.fulls, 50), 1)
    return result


def first_at_new_place(threads: int | None, places: int) -> dict:
    """The first suggestion at a new place in chapter 35 of the 60-chapter book, after the
    writer types one character there: without and with the place prefilled before the
    keystroke, with the book's memory (full) and without (recent text only)."""
    import tempfile
    from pathlib import Path

    from memory import OPTIONS, Setup

    from backend.jobs.kinds import SuggestJob
    from backend.jobs.suggest import CHARS_PER_TOKEN, prefill_options
    from backend.story.memory.assembly import BookContext
    from backend.text.windows import window_start

    engine = LlamaCppEngine(bundled_model_path(), n_threads=threads)
    engine.load()
    _ = engine.vocabulary.piece_index
    out: dict[str, object] = {"threads": engine.runtime.n_threads}
    with tempfile.TemporaryDirectory() as tmp:
        setup = Setup(engine, Path(tmp))
        book = setup.book
        chapter = book.chapters[34]
        starts = [m.end() for m in re.finditer(r"\n\n", chapter)][1 : 1 + places]
        elsewhere = book.starts[9] + 500  # a place far away: the cache holds it, not ours

        def run(before: str, ctx: BookContext, offset: int, options: SuggestOptions) -> float:
            started = time.perf_counter()
            job = SuggestJob(before, len(before), options, book=ctx, offset=offset)
            for _ in job.run(engine, threading.Event(), lambda _s: None):
                pass
            return (time.perf_counter() - started) * 1000

        def place(condition: str, i: int) -> tuple[str, BookContext, int]:
            if condition == "full":
                return setup.context(condition, i)
            # A plain document: the window the editor sends, anchored in large steps.
            offset = window_start(i, OPTIONS.context_tokens * CHARS_PER_TOKEN)
            return book.text[offset:i], BookContext(), offset

        for condition in ("full", "plain"):
            away = place(condition, elsewhere)
            cold, warm, prefill = [], [], []
            for k in starts:
                i = book.starts[34] + k
                here = place(condition, i)
                typed = place(condition, i + 1)
                for prefilled in (False, True):
                    run(*away, OPTIONS)  # the writer was working elsewhere
                    if prefilled:
                        prefill.append(run(*here, prefill_options(OPTIONS)))
                    (warm if prefilled else cold).append(run(*typed, OPTIONS))
            out[condition] = {
                "first_ms_no_prefill": round(median(cold), 1),
                "first_ms_after_prefill": round(median(warm), 1),
                "prefill_ms": round(median(prefill), 1),
                "places": len(starts),
            }
            print(f"{condition}: {out[condition]}", flush=True)
    engine.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chars", type=int, default=TYPED_CHARS)
    parser.add_argument("--skip-baselines", action="store_true")
    parser.add_argument("--skip-ui", action="store_true")
    parser.add_argument("--ui-only", action="store_true")
    parser.add_argument("--lang", choices=("en", "zh"), default="en")
    parser.add_argument("--threads", type=int, default=None, help="llama.cpp threads")
    parser.add_argument(
        "--new-place", type=int, default=0, metavar="N",
        help="only the first suggestion at N new places in chapter 35 of the long book",
    )  # fmt: skip
    args = parser.parse_args()
    if args.new_place:
        print(json.dumps(first_at_new_place(args.threads, args.new_place)))
        return
    if args.lang == "zh":
        engine = LlamaCppEngine(bundled_model_path())
        engine.load()
        chars = args.chars if args.chars != TYPED_CHARS else ZH_TYPED_CHARS
        print(json.dumps(chinese(engine, chars, not args.skip_baselines), ensure_ascii=False))
        engine.close()
        return
    if args.ui_only:
        print(json.dumps({"ui_max_stall_ms": ui_stall(bundled_model_path())}))
        return
    corpus = unwrapped_corpus()
    context = corpus[:CONTEXT_CHARS]
    target = corpus[CONTEXT_CHARS : CONTEXT_CHARS + args.chars]
    path = bundled_model_path()
    engine = LlamaCppEngine(path)
    engine.load()
    _ = engine.vocabulary.piece_index

    healed = simulate(ours(engine, heal=True), context, target)
    print(f"ours: ksr={healed['ksr']:.3f} requests={healed['requests']}", flush=True)
    result = {"ksr": round(healed["ksr"], 4)}
    if not args.skip_baselines:
        unhealed = simulate(ours(engine, heal=False), context, target)
        print(f"no healing: ksr={unhealed['ksr']:.3f}", flush=True)
        raw = simulate(raw_baseline(engine), context, target)
        print(f"raw llama-cpp-python: ksr={raw['ksr']:.3f}", flush=True)
        result["ksr_no_healing"] = round(unhealed["ksr"], 4)
        result["ksr_raw_baseline"] = round(raw["ksr"], 4)
        result["ksr_vs_raw"] = round(healed["ksr"] / max(raw["ksr"], 1e-9), 2)

    # Latency in a 4,000-token document: type 300 characters after ~3,700 tokens of text.
    big = corpus[:20000]
    ids = engine.tokenize(big)
    doc_chars = len(engine.runtime.llm.detokenize(ids[:3700]).decode("utf-8", "ignore"))
    long_ctx, long_target = corpus[:doc_chars], corpus[doc_chars : doc_chars + 300]
    engine.runtime.llm.reset()
    fn = ours(engine, heal=True)
    _, cold, _ = fn(long_ctx)
    lat = simulate(fn, long_ctx, long_target)
    warm = lat["ttfts"]
    result.update(
        {
            "doc_tokens": len(engine.tokenize(long_ctx + long_target)),
            "ttft_p50_ms": round(percentile(warm, 50), 1),
            "ttft_p95_ms": round(percentile(warm, 95), 1),
            "full_p50_ms": round(percentile(lat["fulls"], 50), 1),
            "cold_ttft_ms": round(cold or float("nan"), 1),
            "cold_vs_warm": round((cold or float("nan")) / percentile(warm, 50), 1),
        }
    )
    cancel_ms, token_ms = cancel_latency(engine, long_ctx[-4000:])
    result["cancel_ms"] = round(cancel_ms, 2)
    result["token_ms"] = round(token_ms, 2)
    engine.close()
    if not args.skip_ui:
        result["ui_max_stall_ms"] = ui_stall(path)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
