"""Engine benchmark: our pipeline against raw llama-cpp-python on the bundled model.

Last line: one JSON object with load_s, prompt_tps, decode_tps, raw_decode_tps,
overhead_ratio, cold_ttft_ms, warm_ttft_ms and the transformers engine's cold/warm TTFT.
"""

from __future__ import annotations

import argparse
import json
import time

from common import bundled_model_path, median, unwrapped_corpus

from backend.engines.llamacpp import LlamaCppEngine
from backend.engines.transformers_engine import TransformersEngine
from backend.params import SamplerParams

DECODE_TOKENS = 128
ROUNDS = 3


def prompt_of(engine, text: str, n_tokens: int) -> str:
    """A prefix of `text` that is about n_tokens long."""
    ids = engine.tokenize(text)[:n_tokens]
    return engine._llm.detokenize(ids).decode() if hasattr(engine, "_llm") else text


def first_chunk_ms(engine, prompt: str, params: SamplerParams) -> float:
    started = time.perf_counter()
    stream = engine.stream(prompt, params)
    next(stream)
    elapsed = (time.perf_counter() - started) * 1000
    stream.close()
    return elapsed


def decode_rate(chunks) -> float:
    """Tokens per second between the first and the last chunk (one chunk per token)."""
    first = None
    n = 0
    for _ in chunks:
        now = time.perf_counter()
        if first is None:
            first = now
        n += 1
        last = now
    return (n - 1) / (last - first) if n > 1 else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-transformers", action="store_true")
    args = parser.parse_args()
    corpus = unwrapped_corpus()
    path = bundled_model_path()

    started = time.perf_counter()
    engine = LlamaCppEngine(path)
    engine.load()
    load_s = time.perf_counter() - started
    llm = engine._llm

    long_prompt = prompt_of(engine, corpus[2000:], 2000)
    n_long = len(engine.tokenize(long_prompt))
    one = SamplerParams(temperature=0.0, max_tokens=1)

    cold, warm = [], []
    for r in range(ROUNDS):
        llm.reset()
        cold.append(first_chunk_ms(engine, long_prompt, one))
        warm.append(first_chunk_ms(engine, long_prompt + f" word{r}", one))
    cold_ms, warm_ms = median(cold), median(warm)

    short_prompt = corpus[:1500]
    params = SamplerParams(
        temperature=0.8,
        top_k=40,
        top_p=0.95,
        min_p=0.05,
        repeat_penalty=1.1,
        max_tokens=DECODE_TOKENS,
        seed=1,
    )
    ours, raw = [], []
    for r in range(ROUNDS):
        llm.reset()
        ours.append(decode_rate(engine.stream(short_prompt, params.with_(seed=r + 1))))
        llm.reset()
        raw.append(
            decode_rate(
                llm.create_completion(
                    short_prompt,
                    max_tokens=DECODE_TOKENS,
                    temperature=0.8,
                    top_k=40,
                    top_p=0.95,
                    min_p=0.05,
                    repeat_penalty=1.1,
                    seed=r + 1,
                    stream=True,
                )
            )
        )
    decode_tps, raw_tps = median(ours), median(raw)
    result = {
        "load_s": round(load_s, 3),
        "prompt_tokens": n_long,
        "prompt_tps": round(n_long / (cold_ms / 1000), 1),
        "decode_tps": round(decode_tps, 1),
        "raw_decode_tps": round(raw_tps, 1),
        "overhead_ratio": round(decode_tps / raw_tps, 3),
        "cold_ttft_ms": round(cold_ms, 1),
        "warm_ttft_ms": round(warm_ms, 1),
        "warm_over_cold": round(warm_ms / cold_ms, 4),
    }
    engine.close()
    print(f"llama.cpp: {result}", flush=True)

    if not args.skip_transformers:
        started = time.perf_counter()
        hf = TransformersEngine(path)
        hf.load()
        result["hf_load_s"] = round(time.perf_counter() - started, 1)
        hf_cold, hf_warm = [], []
        for r in range(2):
            hf._reset_cache()
            hf_cold.append(first_chunk_ms(hf, long_prompt, one))
            hf_warm.append(first_chunk_ms(hf, long_prompt + f" word{r}", one))
        result["hf_cold_ttft_ms"] = round(median(hf_cold), 1)
        result["hf_warm_ttft_ms"] = round(median(hf_warm), 1)
        result["hf_decode_tps"] = round(decode_rate(hf.stream(short_prompt, params)), 1)
        hf.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
