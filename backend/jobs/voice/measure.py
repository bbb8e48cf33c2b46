"""How well a model (with or without an adapter) predicts text it never trained on."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from backend.engines.base import Engine, EngineError
from backend.jobs.keystrokes import editor_suggestions, simulate

# Perplexity is read in windows of this many tokens (each starting fresh), up to a cap that
# keeps the measurement to seconds on a laptop.
SCORE_WINDOW = 256
MAX_SCORED_TOKENS = 4096
# Keystroke savings: the passage typed, after this much of the held-out text before it.
KSR_CONTEXT_CHARS = 1500
KSR_TYPED_CHARS = 600


@dataclass(frozen=True)
class Measurement:
    """Held-out perplexity and keystroke savings of one model setting."""

    perplexity: float
    ksr: float
    tokens: int


def perplexity(
    engine: Engine, text: str, cancel: threading.Event | None = None, limit: int = MAX_SCORED_TOKENS
) -> tuple[float, int]:
    """exp(mean negative log-likelihood) of `text`'s tokens, and how many were scored."""
    stepper = engine.stepper
    if stepper is None:
        raise EngineError("Perplexity needs a local model (a server does not share its logits).")
    tokens = engine.tokenize(text)[:limit]
    window = min(SCORE_WINDOW, engine.context_length - 2)  # room for the start token
    total, count = 0.0, 0
    for start in range(0, len(tokens), window):
        if cancel is not None and cancel.is_set():
            raise EngineError("Cancelled.")
        logp = stepper.score(tokens[start : start + window], cancel)
        total -= float(logp.sum())
        count += len(logp)
    if count == 0:
        raise EngineError("There is too little text to measure.")
    return math.exp(total / count), count


def keystroke_savings(engine: Engine, text: str, cancel: threading.Event | None = None) -> float:
    """KSR of the editor's suggestions typing a passage of `text` after the text before it."""
    cut = min(KSR_CONTEXT_CHARS, max(0, len(text) - KSR_TYPED_CHARS))
    start = text.find(" ", cut) + 1 if cut else 0
    context, target = text[:start], text[start : start + KSR_TYPED_CHARS]
    return simulate(editor_suggestions(engine), context, target, cancel).ksr


def measure(engine: Engine, text: str, cancel: threading.Event | None = None) -> Measurement:
    """Perplexity and keystroke savings on `text` with the engine as it is set now."""
    ppl, tokens = perplexity(engine, text, cancel)
    return Measurement(ppl, keystroke_savings(engine, text, cancel), tokens)
