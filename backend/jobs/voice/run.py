"""Train a voice adapter end to end: read the texts, check the model, measure, train, measure.

Runs in its own process (`main.py train-voice`), which the window starts at low priority and
reads JSON events from; a cancel is SIGTERM. Every event is a dict with an "event" key:
texts, loading, check, measured, resumed, step, saved, cancelled, done, error.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from backend.engines.adapter_file import (
    AdapterError,
    AdapterMeta,
    fingerprint,
    model_architecture,
    write_adapter,
)
from backend.engines.base import Engine, EngineError, EngineKind
from backend.jobs.voice.agreement import check_agreement
from backend.jobs.voice.measure import Measurement, measure
from backend.jobs.voice.texts import TrainingText, VoiceError, gather, read_source
from backend.jobs.voice.trainer import Checkpoint, Progress, Trained, Trainer, TrainSettings
from backend.jobs.voice.trainer import plan_key as make_plan_key
from backend.models.spec import ModelSpec, create_engine

log = logging.getLogger(__name__)

Emit = Callable[[dict[str, Any]], None]
# Room for the adapter, its draft and a checkpoint of the bundled model's size.
MIN_FREE_BYTES = 200 << 20
# Below these an adapter is not worth switching on: 2 % lower perplexity, and no more than
# two points of keystroke savings lost (on a 600-character passage one word is about a
# point, so smaller changes are noise).
HELPS_PPL = 0.98
HELPS_KSR = -0.02


@dataclass(frozen=True)
class VoiceRequest:
    """What to learn from, for which model, and where the adapter goes."""

    texts: tuple[Path, ...]
    out: Path
    model: ModelSpec
    settings: TrainSettings = field(default_factory=TrainSettings)
    holdout: Path | None = None
    name: str = ""
    min_words: int = 1000

    @property
    def work(self) -> Path:
        """The folder holding the checkpoint while training."""
        return self.out.with_name(self.out.name + ".training")


def helps(before: Measurement, after: Measurement) -> bool:
    """Whether the adapter is worth switching on."""
    return after.perplexity <= before.perplexity * HELPS_PPL and after.ksr - before.ksr >= HELPS_KSR


def train_voice(request: VoiceRequest, emit: Emit, cancel: threading.Event) -> dict[str, Any]:
    """Train, measure and write the adapter; the final result (or {"cancelled": ...}).

    A cancel at any stage ends the run with a "cancelled" event; the checkpoint of the
    steps done so far stays for the next run over the same text to resume from.
    """
    request.settings.check()
    if request.model.engine == EngineKind.REMOTE:
        raise VoiceError("Adapters cannot be trained for a model on a server.")
    started = time.monotonic()
    text = _read_texts(request)
    emit({"event": "texts", "train_words": text.train_words,
          "holdout_words": text.holdout_words, "sources": list(text.sources)})  # fmt: skip
    _check_room(request.out)
    emit({"event": "loading"})
    try:
        result = _train_loaded(request, text, emit, cancel)
    except EngineError:
        if not cancel.is_set():
            raise
        result = {"cancelled": True, "step": 0}
    if result.get("cancelled"):
        emit({"event": "cancelled", "step": result["step"]})
        return result
    result["wall_seconds"] = round(time.monotonic() - started, 1)
    emit({"event": "done", **result})
    return result


def _train_loaded(
    request: VoiceRequest, text: TrainingText, emit: Emit, cancel: threading.Event
) -> dict[str, Any]:
    model_path = request.model.path
    base_id = fingerprint(model_path)
    arch, blocks = model_architecture(model_path)
    trainer, judge = _load(request, arch, blocks, emit)
    try:
        before = _measure(judge, text, "before", emit, cancel)
        checkpoint = Checkpoint(request.work, make_plan_key(text.train, request.settings, base_id))
        if checkpoint.load() is not None:
            emit({"event": "resumed"})
        sequences = trainer.sequences(text.train, request.settings.sequence)
        trained = trainer.train(
            sequences, request.settings, checkpoint, lambda p: emit(_progress(p)), cancel
        )
        if trained.cancelled:
            return {"cancelled": True, "step": trained.steps, "checkpoint": str(checkpoint.path)}
        meta = AdapterMeta(
            arch, request.settings.alpha, request.settings.rank, len(trained.pairs),
            base_id=base_id, base_name=request.model.name, name=request.name or _name(text),
            sources=text.sources, created=dt.datetime.now().isoformat(timespec="seconds"),
            tokens=trained.tokens, seconds=round(trained.seconds, 1),
        )  # fmt: skip
        after = _measure_adapter(judge, text, trained, meta, request, emit, cancel)
        result = _finish(request, trained, meta, before, after)
        checkpoint.discard()
        return result
    finally:
        judge.close()


def _read_texts(request: VoiceRequest) -> TrainingText:
    if not request.texts:
        raise VoiceError("Choose at least one text to learn from.")
    sources = [(p.name, read_source(p)) for p in request.texts]
    held = read_source(request.holdout) if request.holdout is not None else None
    return gather(sources, held, request.min_words)


def _check_room(out: Path) -> None:
    folder = out.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(folder).free
    except OSError as exc:
        raise VoiceError(f"Cannot write to {folder}: {exc.strerror or exc}.") from exc
    if free < MIN_FREE_BYTES:
        raise VoiceError(
            f"There is not enough free disk space in {folder} to train "
            f"({free >> 20} MB free; about {MIN_FREE_BYTES >> 20} MB needed)."
        )


def _load(request: VoiceRequest, arch: str, blocks: int, emit: Emit) -> tuple[Trainer, Engine]:
    """The trainable transformers copy, and the engine that measures (the writer's own)."""
    from backend.engines.transformers_engine import load_pretrained

    path = request.model.path
    tokenizer, model = load_pretrained(path, path.suffix.lower() == ".gguf", lambda _f: None)
    trainer = Trainer(tokenizer, model, arch, blocks, request.settings.targets)
    judge = create_engine(request.model)
    judge.load()
    if request.model.engine == EngineKind.LLAMACPP:
        try:
            agreed = check_agreement(tokenizer, model, judge)
        except BaseException:
            judge.close()
            raise
        emit({"event": "check", "agreed": agreed})
    return trainer, judge


def _measure(
    judge: Engine, text: TrainingText, when: str, emit: Emit, cancel: threading.Event
) -> Measurement:
    result = measure(judge, text.holdout, cancel)
    emit({"event": "measured", "when": when, "perplexity": round(result.perplexity, 3),
          "ksr": round(result.ksr, 4), "tokens": result.tokens})  # fmt: skip
    return result


def _measure_adapter(
    judge: Engine,
    text: TrainingText,
    trained: Trained,
    meta: AdapterMeta,
    request: VoiceRequest,
    emit: Emit,
    cancel: threading.Event,
) -> Measurement:
    """Write a draft of the adapter, switch it on in the measuring engine, measure."""
    slot = judge.adapters
    if slot is None:
        raise VoiceError("This engine cannot use adapters.")
    draft = request.work / "draft.gguf"
    _write(draft, trained, meta)
    try:
        slot.set_adapter(draft, 1.0)
        return _measure(judge, text, "after", emit, cancel)
    finally:
        slot.set_adapter(None)
        slot.forget_adapter(draft)
        draft.unlink(missing_ok=True)


def _write(path: Path, trained: Trained, meta: AdapterMeta) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_adapter(path, trained.pairs, meta)
    except OSError as exc:
        raise VoiceError(
            f"Could not write the adapter ({exc.strerror or exc}); the disk may be full. "
            "Nothing was kept; free some space and train again (it resumes where it stopped)."
        ) from exc


def _finish(
    request: VoiceRequest,
    trained: Trained,
    meta: AdapterMeta,
    before: Measurement,
    after: Measurement,
) -> dict[str, Any]:
    measured = {"ppl_before": round(before.perplexity, 3), "ppl_after": round(after.perplexity, 3),
                "ksr_before": round(before.ksr, 4), "ksr_after": round(after.ksr, 4)}  # fmt: skip
    final = replace(meta, measured=measured)
    _write(request.out, trained, final)
    return {
        "adapter": str(request.out),
        "tokens": trained.tokens,
        "steps": trained.steps,
        "seconds": round(trained.seconds, 1),
        "tokens_per_second": round(trained.tokens / max(trained.seconds, 1e-9), 1),
        **measured,
        "helps": helps(before, after),
    }


def _progress(p: Progress) -> dict[str, Any]:
    return {"event": "step", "step": p.step, "steps": p.steps, "loss": round(p.loss, 4),
            "elapsed": round(p.elapsed, 1), "remaining": round(p.remaining, 1),
            "fraction": round(p.fraction, 4), "tokens": p.tokens,
            "validation": None if p.validation is None else round(p.validation, 3)}  # fmt: skip


def _name(text: TrainingText) -> str:
    first = Path(text.sources[0]).stem if text.sources else "my writing"
    more = f" and {len(text.sources) - 1} more" if len(text.sources) > 1 else ""
    return f"Voice of {first}{more}"


def error_event(exc: BaseException) -> dict[str, Any]:
    """The last event of a run that failed, with a message for the writer."""
    if isinstance(exc, VoiceError | AdapterError | EngineError):
        return {"event": "error", "message": str(exc)}
    log.exception("voice training failed")
    return {"event": "error", "message": f"Training stopped: {exc}"}
