"""Voice-training benchmark: learn Alice's chapters I-VIII, measure on IX-XII.

Trains a LoRA adapter on the bundled model with the app's own training code (the same as
`main.py train-voice`) for a time budget on the first eight chapters of Alice in
Wonderland (tests/data/corpus/alice.txt), then measures on the last four, which training
never saw, with the adapter off and on in llama.cpp:
- held-out perplexity (the first 4,096 tokens of chapters IX-XII, 256-token windows);
- keystroke savings with the editor's suggestion pipeline (bench/inline.py's harness):
  1,500 characters typed after 3,000 characters of chapter IX;
- suggestion latency (time to the first piece, p50/p95) during that typing.
Goals: perplexity at least 15 % lower, KSR at least 0.03 higher, latency within 10 %.
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from pathlib import Path

from alice_book import original_chapters
from common import bundled_model_path, percentile

from backend.engines.base import EngineKind
from backend.engines.llamacpp import LlamaCppEngine
from backend.jobs.keystrokes import editor_suggestions, simulate
from backend.jobs.voice.measure import perplexity
from backend.jobs.voice.run import VoiceRequest, train_voice
from backend.jobs.voice.trainer import TrainSettings
from backend.models.spec import ModelSpec

CONTEXT_CHARS = 3000
TYPED_CHARS = 1500
TRAIN_CHAPTERS = 8


def book_parts() -> tuple[str, str]:
    """Chapters I-VIII and IX-XII as unwrapped paragraphs."""
    chapters = original_chapters()
    join = lambda cs: "\n\n".join("\n\n".join(paras) for _title, paras in cs)  # noqa: E731
    return join(chapters[:TRAIN_CHAPTERS]), join(chapters[TRAIN_CHAPTERS:])


def measure(engine: LlamaCppEngine, held: str) -> dict:
    """Perplexity, KSR and latency with the engine as it is set now."""
    ppl, tokens = perplexity(engine, held)
    context, target = held[:CONTEXT_CHARS], held[CONTEXT_CHARS : CONTEXT_CHARS + TYPED_CHARS]
    engine.runtime.llm.reset()
    typing = simulate(editor_suggestions(engine), context, target)
    return {
        "ppl": round(ppl, 3),
        "scored_tokens": tokens,
        "ksr": round(typing.ksr, 4),
        "ttft_p50_ms": round(percentile(typing.ttfts, 50), 1),
        "ttft_p95_ms": round(percentile(typing.ttfts, 95), 1),
        "full_p50_ms": round(percentile(typing.fulls, 50), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--adapter", help="measure this adapter instead of training one")
    parser.add_argument("--learning-rate", type=float, default=TrainSettings.learning_rate)
    parser.add_argument("--rank", type=int, default=TrainSettings.rank)
    parser.add_argument("--sequence", type=int, default=256)
    parser.add_argument("--targets", default=",".join(TrainSettings.targets))
    args = parser.parse_args()
    train_text, held = book_parts()
    model = bundled_model_path()
    result: dict = {}
    if args.adapter:
        adapter = Path(args.adapter)
    else:
        work = Path(tempfile.mkdtemp())
        (work / "chapters-1-8.txt").write_text(train_text, encoding="utf-8")
        (work / "chapters-9-12.txt").write_text(held, encoding="utf-8")
        adapter = work / "alice.gguf"
        settings = TrainSettings(
            minutes=args.minutes, rank=args.rank, alpha=2.0 * args.rank,
            learning_rate=args.learning_rate, sequence=args.sequence,
            targets=tuple(args.targets.split(",")),
        )  # fmt: skip
        request = VoiceRequest(
            (work / "chapters-1-8.txt",), adapter,
            ModelSpec(EngineKind.LLAMACPP, model, "Gemma 3 270M"), settings,
            holdout=work / "chapters-9-12.txt",
        )  # fmt: skip

        def show(event: dict) -> None:
            if event["event"] != "step" or event["step"] % 10 == 0:
                print(json.dumps(event), flush=True)

        started = time.perf_counter()
        trained = train_voice(request, show, threading.Event())
        result["train"] = {
            "tokens": trained["tokens"],
            "steps": trained["steps"],
            "train_seconds": trained["seconds"],
            "tokens_per_second": trained["tokens_per_second"],
            "wall_seconds": round(time.perf_counter() - started, 1),
        }
    engine = LlamaCppEngine(model)
    engine.load()
    _ = engine.vocabulary.piece_index
    result["off"] = measure(engine, held)
    print("off:", result["off"], flush=True)
    engine.set_adapter(adapter, 1.0)
    result["on"] = measure(engine, held)
    print("on:", result["on"], flush=True)
    engine.close()
    off, on = result["off"], result["on"]
    result["ppl_change"] = round((on["ppl"] - off["ppl"]) / off["ppl"], 4)
    result["ksr_change"] = round(on["ksr"] - off["ksr"], 4)
    slower = (on["ttft_p50_ms"] - off["ttft_p50_ms"]) / off["ttft_p50_ms"]
    result["latency_change"] = round(slower, 4)
    result["adapter"] = str(adapter)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
