"""Inline-suggestion benchmark on the bundled model: keystroke savings, latency, UI stalls.

A simulated writer types 1,500 characters of Alice in Wonderland (unwrapped) after 3,000
characters of preceding text. A suggestion is requested at every word start and after each
word's first letter (and right after an acceptance); the leading whole words of the first
suggestion that match the real text are accepted at one keystroke per word.

KSR = (characters typed - keystrokes used) / characters typed, for our pipeline, for our
pipeline with token healing off, and for raw llama-cpp-python (prompt = text before the
cursor, greedy, 12 tokens). Latency (time to the first piece and to the whole suggestion,
p50 and p95) is measured in a 4,000-token document (as much of a --text passage as there
is), and again over the typing itself (typing_full_*); tokens_mean is the tokens llama.cpp
sampled per suggestion; ksr_tab counts a suggestion that matches in full as one Tab (see
keystrokes.Typing). The last line is one JSON object.

With --lang zh: Lu Xun's 故乡 (public domain) is typed character by character after its
first 800 characters (see backend.jobs.keystrokes.simulate_cjk: one request after every
character not covered by an accepted suggestion, one keystroke per two accepted
characters), for our pipeline and for raw llama-cpp-python; latency comes from the same
requests.

--text PATH types a passage of your own instead of Alice (the same split: CONTEXT_CHARS of
context, then TYPED_CHARS typed; bench/data/unseen_en.txt was written for this benchmark,
so the model cannot have seen it). --min-confidence X ends the first suggestion before a
new word the model gives less than probability X (SuggestOptions.min_confidence).
--compare X,Y,... measures several thresholds in one process: keystroke savings typing the
passage once per threshold, latency with every request of the long document run once per
threshold in turn (rotating the order), so a busy machine slows them all alike.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import threading
import time
from dataclasses import replace
from pathlib import Path

from common import CORPUS_DIR, bundled_model_path, median, percentile, unwrapped_corpus

from backend.engines.llamacpp import LlamaCppEngine
from backend.engines.params import SamplerParams
from backend.jobs import keystrokes
from backend.jobs.suggest import SuggestOptions

CONTEXT_CHARS = 3000
TYPED_CHARS = 1500
LATENCY_DOC_TOKENS = 3700
LATENCY_CHARS = 300
ZH_CONTEXT = 800
ZH_TYPED_CHARS = 1000


def simulate(suggest_fn, context: str, target: str) -> dict:
    """The shared harness's result as a dict."""
    return vars(keystrokes.simulate(suggest_fn, context, target))


def ours(engine: LlamaCppEngine, heal: bool, min_confidence: float | None = None):
    options = SuggestOptions(heal=heal)
    if min_confidence is not None:
        options = replace(options, min_confidence=min_confidence)
    return keystrokes.editor_suggestions(engine, options)


class SampledTokens:
    """Counts the tokens llama.cpp's own sampler picks, per request of a suggestion function
    (each one a row of the output layer; healing's constrained steps not counted)."""

    def __init__(self, engine: LlamaCppEngine) -> None:
        llm = engine.runtime.llm
        original = llm.sample
        self.count = 0

        def counting(*args, **kwargs):
            self.count += 1
            return original(*args, **kwargs)

        llm.sample = counting  # `Llama.generate` calls `self.sample` once per token

    def per_request(self, fn, counts: list[int]):
        def run(doc: str):
            before = self.count
            out = fn(doc)
            counts.append(self.count - before)
            return out

        return run


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


def chinese(engine: LlamaCppEngine, chars: int, baselines: bool, threshold: float) -> dict:
    """Keystroke savings and latency on Chinese text, ours against raw llama-cpp-python."""
    text = (CORPUS_DIR / "guxiang.txt").read_text(encoding="utf-8")
    text = "".join(text.split())  # the hard line breaks of the file are not the author's
    context, target = text[:ZH_CONTEXT], text[ZH_CONTEXT : ZH_CONTEXT + chars]
    ours_zh = keystrokes.simulate_cjk(ours(engine, True, threshold), context, target)
    print(f"ours: ksr={ours_zh.ksr:.3f} requests={ours_zh.requests}", flush=True)
    result = {
        "lang": "zh",
        "min_confidence": threshold,
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


def typing(
    engine: LlamaCppEngine, counter: SampledTokens, context: str, target: str, threshold: float
) -> dict:
    """Keystroke savings typing `target`, with the latency and sampled tokens of its requests."""
    counts: list[int] = []
    fn = counter.per_request(ours(engine, True, threshold), counts)
    run = simulate(fn, context, target)
    return {
        "min_confidence": threshold,
        "ksr": round(run["ksr"], 4),
        "ksr_tab": round(run["ksr_tab"], 4),
        "requests": run["requests"],
        "tokens_mean": round(sum(counts) / max(1, len(counts)), 2),
        "typing_full_p50_ms": round(percentile(run["fulls"], 50), 1),
        "typing_full_p95_ms": round(percentile(run["fulls"], 95), 1),
    }


def long_document(
    engine: LlamaCppEngine, corpus: str, typed: int = LATENCY_CHARS
) -> tuple[str, str]:
    """Up to LATENCY_DOC_TOKENS tokens of `corpus`, and the `typed` characters after them."""
    ids = engine.tokenize(corpus[:20000])
    doc_text = engine.runtime.llm.detokenize(ids[:LATENCY_DOC_TOKENS]).decode("utf-8", "ignore")
    doc_chars = min(len(doc_text), len(corpus) - typed)
    return corpus[:doc_chars], corpus[doc_chars : doc_chars + typed]


def latency(
    engine: LlamaCppEngine, corpus: str, thresholds: list[float], typed: int
) -> dict[float, dict]:
    """Latency in a long document (see `long_document`): the writer types its last
    characters, and each request runs once per threshold, the order rotating, so that the
    thresholds share the machine's moods. The first threshold's suggestions decide what the
    writer accepts."""
    long_ctx, long_target = long_document(engine, corpus, typed)
    engine.runtime.llm.reset()
    fns = {t: ours(engine, True, t) for t in thresholds}
    _, cold, _ = fns[thresholds[0]](long_ctx)
    ttfts: dict[float, list[float]] = {t: [] for t in thresholds}
    fulls: dict[float, list[float]] = {t: [] for t in thresholds}
    turn = itertools.count()

    def alternating(doc: str) -> tuple[str, float | None, float]:
        k = next(turn) % len(thresholds)
        answers = {}
        for t in thresholds[k:] + thresholds[:k]:
            answers[t] = fns[t](doc)
            _text, ttft, full = answers[t]
            if ttft is not None:
                ttfts[t].append(ttft)
            fulls[t].append(full)
        return answers[thresholds[0]]

    simulate(alternating, long_ctx, long_target)
    first = percentile(ttfts[thresholds[0]], 50)
    return {
        t: {
            "doc_tokens": len(engine.tokenize(long_ctx + long_target)),
            "ttft_p50_ms": round(percentile(ttfts[t], 50), 1),
            "ttft_p95_ms": round(percentile(ttfts[t], 95), 1),
            "full_p50_ms": round(percentile(fulls[t], 50), 1),
            "full_p95_ms": round(percentile(fulls[t], 95), 1),
            "cold_ttft_ms": round(cold or float("nan"), 1),
            "cold_vs_warm": round((cold or float("nan")) / first, 1),
        }
        for t in thresholds
    }


def english(args: argparse.Namespace) -> dict:
    """Keystroke savings and latency typing English prose, at one threshold or several."""
    text_path = Path(args.text) if args.text else None
    if text_path is not None:
        corpus = text_path.read_text(encoding="utf-8").replace("\r\n", "\n")
    else:
        corpus = unwrapped_corpus()
    context = corpus[:CONTEXT_CHARS]
    target = corpus[CONTEXT_CHARS : CONTEXT_CHARS + args.chars]
    thresholds = args.compare or [args.min_confidence]
    engine = LlamaCppEngine(bundled_model_path())
    engine.load()
    _ = engine.vocabulary.piece_index
    counter = SampledTokens(engine)
    runs = []
    for threshold in thresholds:
        runs.append(typing(engine, counter, context, target, threshold))
        print(f"ours: {runs[-1]}", flush=True)
    result: dict = {"text": text_path.name if text_path else "alice", "typed_chars": len(target)}
    if not args.skip_baselines:
        unhealed = simulate(ours(engine, heal=False), context, target)
        print(f"no healing: ksr={unhealed['ksr']:.3f}", flush=True)
        raw = simulate(raw_baseline(engine), context, target)
        print(f"raw llama-cpp-python: ksr={raw['ksr']:.3f}", flush=True)
        result["ksr_no_healing"] = round(unhealed["ksr"], 4)
        result["ksr_raw_baseline"] = round(raw["ksr"], 4)
        result["ksr_vs_raw"] = round(runs[0]["ksr"] / max(raw["ksr"], 1e-9), 2)
    timed = latency(engine, corpus, thresholds, args.latency_chars)
    for run in runs:
        run.update(timed[run["min_confidence"]])
    cancel_ms, token_ms = cancel_latency(engine, long_document(engine, corpus)[0][-4000:])
    result["cancel_ms"] = round(cancel_ms, 2)
    result["token_ms"] = round(token_ms, 2)
    engine.close()
    if args.compare:
        result["runs"] = runs
    else:
        result.update(runs[0])
    return result


def thresholds_list(text: str) -> list[float]:
    """Comma-separated thresholds for --compare."""
    return [float(x) for x in text.split(",") if x.strip()]


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
    parser.add_argument("--text", metavar="PATH", help="type this passage instead of Alice")
    parser.add_argument(
        "--latency-chars", type=int, default=LATENCY_CHARS, metavar="N",
        help="characters typed at the end of the long document to time suggestions",
    )  # fmt: skip
    parser.add_argument(
        "--min-confidence", type=float, default=SuggestOptions().min_confidence, metavar="X",
        help="end the first suggestion before a new word the model gives less than X",
    )  # fmt: skip
    parser.add_argument(
        "--compare", type=thresholds_list, metavar="X,Y,...",
        help="several thresholds in one process, their latencies over the same requests",
    )  # fmt: skip
    args = parser.parse_args()
    if args.new_place:
        print(json.dumps(first_at_new_place(args.threads, args.new_place)))
        return
    if args.lang == "zh":
        engine = LlamaCppEngine(bundled_model_path())
        engine.load()
        chars = args.chars if args.chars != TYPED_CHARS else ZH_TYPED_CHARS
        zh = chinese(engine, chars, not args.skip_baselines, args.min_confidence)
        print(json.dumps(zh, ensure_ascii=False))
        engine.close()
        return
    if args.ui_only:
        print(json.dumps({"ui_max_stall_ms": ui_stall(bundled_model_path())}))
        return
    result = english(args)
    if not args.skip_ui:
        result["ui_max_stall_ms"] = ui_stall(bundled_model_path())
    print(json.dumps(result))


if __name__ == "__main__":
    main()
