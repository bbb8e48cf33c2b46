"""Repetition benchmark on the bundled model: how often continuations loop, DRY off and on.

Chinese (故乡, its paragraphs joined with one newline) and English (Alice, hard-wrapped
lines joined), continued at several places, plainly (`continue_text`, sampled by llama.cpp)
and in a style (first person, past tense: `styled_stream`, sampled by Inkling's own
sampler), each with N seeds, DRY off and on alternating in the same process. For each
setting: the share of continuations that loop (a line of 4+ characters three or more times,
or an 8-gram three or more times), the distinct-line ratio, the distinct 4-gram ratio
(characters for Chinese, words for English), and tokens per second.
Also the cost per token of DRY in Inkling's own sampler (262k logits) and in llama.cpp's
chain. Last line: one JSON object.

    .venv/bin/python bench/repetition.py [--seeds 2] [--places 3] [--tokens 200]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator

import numpy as np
from common import CORPUS_DIR, bundled_model_path, median, unwrapped_corpus

from backend.engines.llamacpp import LlamaCppEngine
from backend.engines.params import CONTINUATION_DRY, SamplerParams
from backend.engines.sampling import _dry, dry_breakers, sample, seeded_rng
from backend.jobs.complete import continue_text
from backend.jobs.styled import styled_prepare, styled_stream
from backend.story.style.model import Style, sampler_for

PROMPT_CHARS = {"zh": 1650, "en": 1800}  # the text before each place
# Where the continuations start: character offsets into the Chinese text (the first is
# where the reported loops were seen; the others end a paragraph), fractions of Alice.
ZH_PLACES = (1650, 1434, 2079, 1031)
EN_PLACES = (0.12, 0.37, 0.62, 0.87)
STYLE = Style(pov="first", tense="past", length="beat", creativity=0.5)


def chinese_text() -> str:
    """故乡 with each paragraph on one line, paragraphs joined by a newline."""
    raw = (CORPUS_DIR / "guxiang.txt").read_text(encoding="utf-8")
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", raw) if p.strip()]
    return "\n".join(paragraphs)


def places(lang: str, n: int) -> list[str]:
    """The texts to continue: up to PROMPT_CHARS before each place, starting a paragraph."""
    if lang == "zh":
        text = chinese_text()
        ends = [min(at, len(text)) for at in ZH_PLACES[:n]]
    else:
        text = unwrapped_corpus()
        breaks = [m.start() for m in re.finditer("\n\n", text)]
        ends = [breaks[int(f * (len(breaks) - 1))] for f in EN_PLACES[:n]]
    out = []
    for end in ends:
        start = max(0, end - PROMPT_CHARS[lang])
        para = text.find("\n", start)
        start = para + 1 if 0 < para < end - 200 else start
        out.append(text[start:end].strip("\n") + ("\n\n" if lang == "en" else "\n"))
    return out


def units(text: str, lang: str) -> list[str]:
    """Characters (no spaces) for Chinese, words for English."""
    return [c for c in text if not c.isspace()] if lang == "zh" else text.split()


def loops(text: str, lang: str) -> bool:
    """True when a line of 4+ characters, or an 8-gram, comes three or more times."""
    lines = Counter(line.strip() for line in text.splitlines() if len(line.strip()) >= 4)
    if lines and max(lines.values()) >= 3:
        return True
    seq = units(text, lang)
    grams = Counter(tuple(seq[i : i + 8]) for i in range(len(seq) - 7))
    return bool(grams) and max(grams.values()) >= 3


def distinct_lines(text: str) -> float:
    """Distinct non-empty lines over all of them (1.0: no line comes twice)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return len(set(lines)) / len(lines) if lines else 1.0


def distinct_4grams(text: str, lang: str) -> float:
    """Distinct 4-grams over all of them."""
    seq = units(text, lang)
    grams = [tuple(seq[i : i + 4]) for i in range(len(seq) - 3)]
    return len(set(grams)) / len(grams) if grams else 1.0


def timed(chunks: Iterator[str], engine: LlamaCppEngine) -> tuple[str, float]:
    """The whole text, and its tokens per second (the prompt is read beforehand: see
    `warm`; a styled run's sentence checks count, as the writer waits for them)."""
    started = time.perf_counter()
    text = "".join(chunks)
    spent = time.perf_counter() - started
    tokens = len(engine.tokenize(text))
    return text, tokens / spent if spent > 0 and tokens else float("nan")


def warm(engine: LlamaCppEngine, mode: str, lang: str, text: str) -> None:
    """Read the prompt of `mode` at `text` into the cache, so no timed run pays for it."""
    if mode == "plain":
        list(continue_text(engine, text, SamplerParams(max_tokens=1)))
    else:
        styled_prepare(engine, text, STYLE, lang=lang)


def runner(
    engine: LlamaCppEngine, mode: str, lang: str, tokens: int, dry: dict[str, object]
) -> Callable[[str, int, bool], Iterator[str]]:
    """A function continuing (text, seed, DRY on) in `mode` ('plain' or 'styled')."""

    def plain(text: str, seed: int, on: bool) -> Iterator[str]:
        params = SamplerParams(seed=seed, max_tokens=tokens, temperature=0.8)
        return continue_text(engine, text, params.with_(**dry) if on else params)

    def styled(text: str, seed: int, on: bool) -> Iterator[str]:
        params = sampler_for(STYLE, seed, continuing=on)
        if on:
            params = params.with_(**dry)
        params = params.with_(max_tokens=min(params.max_tokens, tokens))
        return styled_stream(engine, text, STYLE, seed=seed, params=params, lang=lang)

    return plain if mode == "plain" else styled


def measure(
    engine: LlamaCppEngine, args: argparse.Namespace, dry: dict[str, object]
) -> dict[str, dict[str, float]]:
    """Every setting's figures, DRY off and on alternating place by place and seed by seed."""
    results: dict[str, dict[str, float]] = {}
    for lang in args.lang:
        texts = places(lang, args.places)
        for mode in args.mode:
            run = runner(engine, mode, lang, args.tokens, dry)
            seen: dict[bool, list[tuple[str, float]]] = {False: [], True: []}
            for text in texts:
                warm(engine, mode, lang, text)
                for seed in range(1, args.seeds + 1):
                    for on in (False, True) if seed % 2 else (True, False):
                        seen[on].append(timed(run(text, seed, on), engine))
            for on, outs in seen.items():
                key = f"{lang}_{mode}_{'dry' if on else 'off'}"
                results[key] = summary([t for t, _ in outs], [s for _, s in outs], lang)
                print(key, json.dumps(results[key]), flush=True)
                if args.show:
                    for text, _speed in outs:
                        print("   ---", text[:400].replace("\n", " / "))
    return results


def summary(texts: list[str], speeds: list[float], lang: str) -> dict[str, float]:
    """The figures of one setting's continuations."""
    return {
        "n": len(texts),
        "loop_share": round(sum(loops(t, lang) for t in texts) / len(texts), 3),
        "distinct_lines": round(statistics.mean(distinct_lines(t) for t in texts), 3),
        "distinct_4grams": round(statistics.mean(distinct_4grams(t, lang) for t in texts), 3),
        "units": round(median([float(len(units(t, lang))) for t in texts]), 1),
        "tokens_per_s": round(median([s for s in speeds if s == s]), 1),
    }


def sampler_cost(engine: LlamaCppEngine, dry: dict[str, object]) -> dict[str, float]:
    """Milliseconds per token of Inkling's sampler with DRY off and on, in turns, and of the
    DRY step alone (262k logits; the last `dry_window` tokens of the Chinese text, then of
    a loop of two lines repeated after it)."""
    vocab = engine.vocabulary
    started = time.perf_counter()
    breakers = dry_breakers(vocab)
    out = {"breaker_ids_ms": round((time.perf_counter() - started) * 1000, 1)}
    on = SamplerParams(temperature=0.8, seed=1).with_(**dry)
    off = on.with_(dry_multiplier=0.0)
    loop = "“你把他放下来。”\n“我把他拿下来。”\n" * 40
    logits = np.random.default_rng(0).normal(0, 3, vocab.size).astype(np.float32)
    for name, text in (("text", chinese_text()), ("loop", chinese_text() + loop)):
        history = engine.tokenize(text)[-on.dry_window :]
        times: dict[str, list[float]] = {"off": [], "dry": [], "step": []}
        rng = seeded_rng(1)
        for i in range(200):
            recent = history[: len(history) - 200 + i]
            for key, params in (("off", off), ("dry", on)):
                row = logits.copy()
                t = time.perf_counter()
                sample(row, params, recent, rng, None, breakers)
                times[key].append(time.perf_counter() - t)
            row = logits.copy()
            t = time.perf_counter()
            _dry(row, on, recent[-on.dry_window :], breakers)
            times["step"].append(time.perf_counter() - t)
        out[f"{name}_sample_ms_off"] = round(median(times["off"]) * 1000, 3)
        out[f"{name}_sample_ms_dry"] = round(median(times["dry"]) * 1000, 3)
        out[f"{name}_dry_step_ms"] = round(median(times["step"]) * 1000, 3)
        out[f"{name}_dry_step_ms_max"] = round(max(times["step"]) * 1000, 3)
    out.update(native_cost(engine, on, history))
    return out


def native_cost(
    engine: LlamaCppEngine, params: SamplerParams, history: list[int]
) -> dict[str, float]:
    """Milliseconds per pick of llama.cpp's own sampler chain, without DRY and with it."""
    rt = engine.runtime
    rt.prefill([*rt.bos_tokens(), *history], None)
    rt.set_seed(1)
    sampling = {"top_k": 40, "top_p": 0.95, "min_p": 0.05, "temp": 0.8, "repeat_penalty": 1.1}
    times: dict[str, list[float]] = {"off": [], "dry": []}
    chains = {
        "off": rt.sampler(None, None, history, **sampling),
        "dry": rt.sampler(None, params, history, **sampling),
    }
    try:
        for _ in range(200):
            for key, chain in chains.items():
                t = time.perf_counter()
                rt.sample_at(chain, -1)
                times[key].append(time.perf_counter() - t)
    finally:
        for chain in chains.values():
            chain.close()
    return {f"native_pick_ms_{k}": round(median(v) * 1000, 3) for k, v in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--places", type=int, default=3)
    parser.add_argument("--tokens", type=int, default=200, help="most tokens a continuation")
    parser.add_argument("--lang", nargs="+", default=["zh", "en"], choices=["zh", "en"])
    parser.add_argument("--mode", nargs="+", default=["plain", "styled"])
    parser.add_argument("--multiplier", type=float, default=None)
    parser.add_argument("--base", type=float, default=None)
    parser.add_argument("--allowed", type=int, default=None)
    parser.add_argument("--window", type=int, default=None)
    parser.add_argument("--show", action="store_true", help="print each continuation's start")
    args = parser.parse_args()
    dry = dict(CONTINUATION_DRY)
    for key, value in (
        ("dry_multiplier", args.multiplier), ("dry_base", args.base),
        ("dry_allowed_length", args.allowed), ("dry_window", args.window),
    ):  # fmt: skip
        if value is not None:
            dry[key] = value
    engine = LlamaCppEngine(bundled_model_path())
    engine.load()
    try:
        started = time.perf_counter()
        cost = sampler_cost(engine, dry)
        print("sampler", json.dumps(cost), flush=True)
        results = measure(engine, args, dry)
        seconds = round(time.perf_counter() - started, 1)
    finally:
        engine.close()
    print(json.dumps({"dry": dry, "sampler": cost, "results": results, "seconds": seconds}))


if __name__ == "__main__":
    main()
