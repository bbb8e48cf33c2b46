"""Helpers shared by the benchmarks: the corpus, the bundled model, timing."""

from __future__ import annotations

import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPUS_DIR = ROOT / "tests" / "data" / "corpus"  # public-domain prose, in the project
CORPUS = CORPUS_DIR / "alice.txt"


def unwrapped_corpus() -> str:
    """Alice in Wonderland with hard-wrapped lines joined; paragraphs kept."""
    raw = CORPUS.read_text(encoding="utf-8").replace("\r\n", "\n")
    paragraphs = [re.sub(r"\s*\n\s*", " ", p).strip() for p in re.split(r"\n\s*\n", raw)]
    return "\n\n".join(p for p in paragraphs if p)


def bundled_model_path() -> Path:
    """The bundled model in the user's data folder (assembled on first use)."""
    from backend.models.bundled import ensure_bundled_model
    from backend.storage.paths import app_paths

    return ensure_bundled_model(app_paths().models)


def median(values: list[float]) -> float:
    """The median, or NaN for no values."""
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]
