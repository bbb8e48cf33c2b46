"""The only bridge between Qt and the backend: one long-lived thread that owns the model.

Requests are immutable and carry an increasing id and the document revision. The newest
request wins: posting one cancels the running job through a threading.Event (set directly
from the GUI thread, checked on every token) and replaces anything still waiting, so there
is never a backlog. Replies travel back as queued signals.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import logging
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot

from backend.engines.adapter_file import NOT_ON_A_SERVER
from backend.engines.base import Engine, EngineError, EngineKind
from backend.engines.heap import TRIM_EVERY_S, HeapTrimmer
from backend.jobs.kinds import Job, JobKind, JobResult
from backend.models.bundled import bundled_spec
from backend.models.spec import ModelSpec, create_engine

log = logging.getLogger(__name__)

_ids = itertools.count(1)
GIL_SWITCH_INTERVAL_S = 0.0005
# What a second model needs beyond its file: llama.cpp's compute buffers and its cache.
GENERATOR_MARGIN = 1.15
GENERATOR_EXTRA_BYTES = 300 << 20
# The jobs a generation model runs (suggestions stay on the model that suggests).
GENERATION_KINDS = frozenset(
    {JobKind.CONTINUE, JobKind.REWRITE, JobKind.ENTRY, JobKind.SYNOPSIS, JobKind.ASK}
)


def next_request_id() -> int:
    """A process-wide increasing request id."""
    return next(_ids)


@dataclass(frozen=True)
class Request:
    """One job for the model thread, with its id and the document revision it was made at."""

    job: Job
    revision: int = 0
    id: int = field(default_factory=next_request_id)


class GenerationWorker(QObject):
    """Lives on the model thread; every native call happens in its slots."""

    chunk_ready = Signal(int, str)
    event_ready = Signal(int, object)  # a typed event that is not text (an EntryEvent)
    draft_ready = Signal(int, str)  # the sentence being written, not yet checked and kept
    finished = Signal(int, object)  # a JobResult
    failed = Signal(int, str)
    load_progress = Signal(float)
    model_loaded = Signal(str)
    model_failed = Signal(str)
    spec_loaded = Signal(object)  # the ModelSpec now in use (after a switch or a fallback)
    switch_failed = Signal(str)  # the new model failed; the previous one is loaded again
    adapter_changed = Signal(object)  # (path, strength) of the voice adapter now on, or None
    adapter_failed = Signal(str)
    # The second model, for sheets, continuations and rewrites ('' when none is loaded).
    generator_loaded = Signal(str)
    generator_failed = Signal(str)
    _wake = Signal()
    _generator_requested = Signal(object)
    _adapter_requested = Signal(object, float)
    _forget_requested = Signal(object)
    _load_requested = Signal(object)
    _close_requested = Signal()

    def __init__(
        self, models_dir: Any, engine_factory: Callable[[ModelSpec], Engine] = create_engine
    ) -> None:
        super().__init__()
        self._models_dir = models_dir
        self._engine_factory = engine_factory
        self._engine: Engine | None = None
        self._spec: ModelSpec | None = None
        self._generator: Engine | None = None
        self._generator_spec: ModelSpec | None = None
        self._lock = threading.Lock()
        self._pending: tuple[Request, threading.Event] | None = None
        self._current: tuple[Request, threading.Event] | None = None
        self._heap = HeapTrimmer()
        # A drain inside the trimmer's interval is trimmed a little later (a child timer,
        # so it moves to the model thread with the worker).
        self._trim_later = QTimer(self)
        self._trim_later.setSingleShot(True)
        self._trim_later.setInterval(round(TRIM_EVERY_S * 1000) + 100)
        self._trim_later.timeout.connect(self._on_trim_later_timeout)
        self._wake.connect(self._drain)
        self._load_requested.connect(self._load)
        self._generator_requested.connect(self._load_generator)
        self._close_requested.connect(self._close)
        self._adapter_requested.connect(self._set_adapter)
        self._forget_requested.connect(self._forget_adapter)

    # --- called from the GUI thread -------------------------------------------------
    def post(self, request: Request) -> None:
        """Queue `request`, cancelling the running job and dropping any waiting one."""
        with self._lock:
            if self._current is not None:
                self._current[1].set()
            self._pending = (request, threading.Event())
        self._wake.emit()

    def busy(self) -> bool:
        """True while a job runs or waits (safe from any thread)."""
        with self._lock:
            return self._current is not None or self._pending is not None

    def working_on(self) -> int | None:
        """The id of the request that runs or waits (None: idle; safe from any thread)."""
        with self._lock:
            job = self._pending or self._current
            return job[0].id if job is not None else None

    def cancel(self, request_id: int | None = None) -> None:
        """Cancel the given request (or whatever runs) within one token."""
        with self._lock:
            if self._pending and request_id in (None, self._pending[0].id):
                self._pending = None
            if self._current and request_id in (None, self._current[0].id):
                self._current[1].set()

    def load_model(self, spec: ModelSpec | None) -> None:
        """Load `spec` (None: the bundled model) on the model thread."""
        self.cancel()
        self._load_requested.emit(spec)

    def load_generator(self, spec: ModelSpec | None) -> None:
        """Load `spec` for generation (sheets, continuations, rewrites) beside the model
        that suggests, on the model thread; None: generation uses that model too."""
        self.cancel()
        self._generator_requested.emit(spec)

    def set_adapter(self, path: Path | None, scale: float = 1.0) -> None:
        """Switch the voice adapter (None: off) on the model thread, between two jobs."""
        self.cancel()
        self._adapter_requested.emit(path, float(scale))

    def forget_adapter(self, path: Path) -> None:
        """Release a deleted adapter's weights on the model thread."""
        self._forget_requested.emit(path)

    def request_close(self) -> None:
        """Cancel everything, close the model on its own thread, then stop the thread."""
        self.cancel()
        self._close_requested.emit()

    # --- runs on the model thread ---------------------------------------------------
    @Slot(object)
    def _load(self, spec: ModelSpec | None) -> None:
        """Unload the current model, load `spec`; if that fails, load the previous again."""
        previous = self._spec
        self._release_engine()
        self._spec = None
        error = self._try_load(spec)
        if error is None:
            return
        if previous is not None and previous != spec:
            fallback_error = self._try_load(previous)
            if fallback_error is None:
                self.switch_failed.emit(
                    self.tr("{0} Inkling went back to {1}.").format(error, previous.name)
                )
                return
        self.model_failed.emit(error)

    def _try_load(self, spec: ModelSpec | None) -> str | None:
        """Load `spec` (None: the bundled model); returns an error message or None."""
        engine = None
        try:
            if spec is None:
                spec = bundled_spec(self._models_dir, lambda f: self.load_progress.emit(0.2 * f))
            engine = self._engine_factory(spec)
            engine.load(lambda f: self.load_progress.emit(0.2 + 0.7 * f))
            # The pieces are read here (native calls stay on this thread); token healing's
            # index is built from them on a thread of its own, so the model is ready to
            # suggest 0.4 s sooner (the first suggestions go without healing).
            vocab = engine.vocabulary
            if vocab is not None:
                vocab.build_index_in_background(then=_freeze)
            else:
                _freeze()
            self.load_progress.emit(1.0)
        except Exception as exc:  # a broken model must never take the app down
            if not isinstance(exc, EngineError):
                log.exception("model load failed")
            if engine is not None:
                try:
                    engine.close()
                except Exception:
                    log.exception("closing a half-loaded model failed")
            return (
                str(exc)
                if isinstance(exc, EngineError)
                else self.tr("The model could not be loaded: {0}").format(exc)
            )
        self._engine, self._spec = engine, spec
        # Which model it is goes first: whoever sees the model ready can ask which it is
        # (the other order left a moment with the model ready and no model chosen).
        self.spec_loaded.emit(spec)
        self.model_loaded.emit(spec.name)
        return None

    @Slot(object)
    def _load_generator(self, spec: ModelSpec | None) -> None:
        """Replace the generation model; one that does not fit in the memory left is not
        loaded, and generation stays on the model that suggests."""
        self._release_generator()
        if spec is None or spec == self._spec:
            self.generator_loaded.emit("")
            return
        short = memory_shortfall(spec)
        if short:
            self.generator_failed.emit(short)
            return
        engine = None
        try:
            engine = self._engine_factory(spec)
            engine.load(None)
        except Exception as exc:
            if not isinstance(exc, EngineError):
                log.exception("the generation model failed to load")
            if engine is not None:
                with contextlib.suppress(Exception):
                    engine.close()
            self.generator_failed.emit(str(exc))
            return
        self._generator, self._generator_spec = engine, spec
        self.generator_loaded.emit(spec.name)

    def _release_generator(self) -> None:
        if self._generator is not None:
            try:
                self._generator.close()
            except Exception:
                log.exception("closing the generation model failed")
        self._generator, self._generator_spec = None, None

    def engine_for(self, job: Job) -> Engine | None:
        """The model a job runs on: generation jobs on the generation model when one is
        loaded, everything else (suggestions first) on the main one."""
        if self._generator is not None and job.kind in GENERATION_KINDS:
            return self._generator
        return self._engine

    @Slot(object, float)
    def _set_adapter(self, path: Path | None, scale: float) -> None:
        if self._engine is None:
            self.adapter_failed.emit(self.tr("No model is loaded yet."))
            return
        slot = self._engine.adapters
        if slot is None:
            self.adapter_failed.emit(NOT_ON_A_SERVER)
            return
        try:
            slot.set_adapter(path, scale)
        except EngineError as exc:
            self.adapter_failed.emit(str(exc))
            return
        self.adapter_changed.emit(slot.adapter)

    @Slot(object)
    def _forget_adapter(self, path: Path) -> None:
        slot = self._engine.adapters if self._engine is not None else None
        if slot is not None:
            slot.forget_adapter(path)

    @Slot()
    def _drain(self) -> None:
        while True:
            with self._lock:
                if self._pending is None:
                    self._current = None
                    break
                self._current = self._pending
                self._pending = None
                request, cancel = self._current
            self._run(request, cancel)
        # Idle: give freed memory back to the system, now or shortly.
        if self._heap.available and not self._heap.maybe_trim():
            self._trim_later.start()

    @Slot()
    def _on_trim_later_timeout(self) -> None:
        if self._current is None:
            self._heap.maybe_trim()

    def _run(self, request: Request, cancel: threading.Event) -> None:
        engine = self.engine_for(request.job)
        if engine is None:
            self.failed.emit(request.id, self.tr("No model is loaded yet."))
            return
        started = time.perf_counter()
        first = drafted = None
        chunks = 0
        parts: list[str] = []

        def draft(text: str) -> None:
            nonlocal drafted
            if drafted is None and text:
                drafted = time.perf_counter()
            self.draft_ready.emit(request.id, text)

        try:
            for item in request.job.run(engine, cancel, draft):
                if first is None:
                    first = time.perf_counter()
                chunks += 1
                if isinstance(item, str):
                    parts.append(item)
                    self.chunk_ready.emit(request.id, item)
                else:
                    self.event_ready.emit(request.id, item)
        except EngineError as exc:
            self.failed.emit(request.id, str(exc))
            return
        except Exception as exc:  # the engine died: say so, reload, keep the app alive
            log.exception("generation failed")
            self.failed.emit(
                request.id, self.tr("Generation failed: {0}. Reloading the model.").format(exc)
            )
            self._reload()
            return
        text = "".join(parts)
        result = JobResult(
            text=text,
            cancelled=cancel.is_set(),
            ttft_ms=(first - started) * 1000 if first is not None else None,
            tokens_per_s=_rate(engine, text, chunks, first, drafted),
            revision=request.revision,
        )
        self.finished.emit(request.id, result)

    def _reload(self) -> None:
        spec, generator = self._spec, self._generator_spec
        self._release_generator()
        self._release_engine()
        if spec is not None:
            self._load(spec)
        if generator is not None:
            self._load_generator(generator)

    def _release_engine(self) -> None:
        if self._engine is not None:
            try:
                self._engine.close()
            except Exception:
                log.exception("closing the model failed")
            self._engine = None

    @Slot()
    def _close(self) -> None:
        self._trim_later.stop()  # on its own thread, before the thread ends
        self._release_generator()
        self._release_engine()
        QThread.currentThread().quit()


def memory_shortfall(spec: ModelSpec) -> str:
    """Why `spec` cannot be loaded beside the model already in memory ('' if it can): its
    file (mapped whole) and some room for its work must fit in the memory now free."""
    if spec.engine != EngineKind.LLAMACPP:
        return ""
    try:
        size = spec.path.stat().st_size
    except OSError as exc:
        return str(exc)
    import psutil

    needed = int(size * GENERATOR_MARGIN) + GENERATOR_EXTRA_BYTES
    free = psutil.virtual_memory().available
    if needed <= free:
        return ""
    return QCoreApplication.translate(
        "GenerationWorker",
        "{0} needs about {1} MB and {2} MB are free: sheets and continuations stay on the "
        "model that suggests.",
    ).format(spec.name, needed >> 20, free >> 20)


def _freeze() -> None:
    # The app, the model and its vocabulary are now some 300,000 objects that live as long
    # as the model: a full garbage collection walking them took 54 ms and, with the GIL
    # held, stalled the window. Frozen, later collections skip them.
    gc.freeze()


class ModelThread:
    """Owns the QThread and the worker on it; start once, stop once."""

    def __init__(
        self, models_dir: Any, engine_factory: Callable[[ModelSpec], Engine] = create_engine
    ) -> None:
        # The model thread runs Python between native calls; a short GIL switch interval
        # keeps it from holding the GUI thread up for the default 5 ms at every handoff.
        sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
        self.thread = QThread()
        self.thread.setObjectName("inkling-model")
        self.worker = GenerationWorker(models_dir, engine_factory)
        self.worker.moveToThread(self.thread)
        self.thread.start()

    def stop(self, timeout_ms: int = 30_000) -> bool:
        """Cancel work, close the model on its thread, and wait for the thread to end."""
        if not self.thread.isRunning():
            return True
        self.worker.request_close()
        return self.thread.wait(timeout_ms)


def _rate(
    engine: Engine, text: str, chunks: int, first: float | None, drafted: float | None
) -> float | None:
    """Tokens per second until now. A job that drafts (a continuation shows each token in
    grey and yields whole sentences) is timed from its first draft and its text counted in
    tokens; any other from its first chunk, each chunk a token."""
    since = first if drafted is None else drafted
    end = time.perf_counter()
    if since is None or end <= since:
        return None
    tokens = chunks
    if drafted is not None and text:
        with contextlib.suppress(EngineError):
            tokens = max(chunks, len(engine.tokenize(text)))
    return (tokens - 1) / (end - since) if tokens > 1 else None
