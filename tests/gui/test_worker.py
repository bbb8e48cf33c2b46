"""The model thread on its own: newest wins, cancel, typed results, engine death and reload."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.engines.params import SamplerParams
from backend.jobs.kinds import ContinueJob, EntryEvent, EntryJob, JobResult
from gui.worker import ModelThread, Request
from tests.fakes import FakeFactory, fake_spec

PARAMS = SamplerParams(temperature=0.0, max_tokens=12)


@pytest.fixture
def model_thread(qtbot, tmp_path: Path) -> Iterator[tuple[ModelThread, FakeFactory]]:
    factory = FakeFactory(delay=0.02)
    thread = ModelThread(tmp_path, factory)
    with qtbot.waitSignal(thread.worker.model_loaded, timeout=5000):
        thread.worker.load_model(fake_spec(tmp_path))
    yield thread, factory
    assert thread.stop()


def collect(worker) -> dict[int, list]:  # type: ignore[no-untyped-def]
    seen: dict[int, list] = {}
    worker.chunk_ready.connect(lambda i, t: seen.setdefault(i, []).append(t))
    worker.event_ready.connect(lambda i, e: seen.setdefault(i, []).append(e))
    return seen


def test_the_newest_request_wins(qtbot, model_thread) -> None:
    thread, _factory = model_thread
    worker = thread.worker
    results: dict[int, JobResult] = {}
    worker.finished.connect(lambda i, r: results.__setitem__(i, r))
    first, second, third = (Request(ContinueJob("Once", PARAMS), revision=n) for n in (1, 2, 3))
    worker.post(first)
    qtbot.waitUntil(lambda: _started(thread), timeout=5000)
    worker.post(second)
    worker.post(third)  # replaces `second` before it ever runs
    qtbot.waitUntil(lambda: third.id in results, timeout=10000)
    assert results[first.id].cancelled is True
    assert second.id not in results
    final = results[third.id]
    assert final.cancelled is False and final.revision == 3
    # The fake model re-creates the healed word, then writes its sentence.
    assert final.text.split()[:4] == ["the", "rabbit", "ran", "down"]
    assert final.ttft_ms is not None and final.tokens_per_s is not None


def _started(thread: ModelThread) -> bool:
    factory_engines = thread.worker._engine
    return factory_engines is not None and factory_engines.started.is_set()


def test_cancel_by_id_stops_within_a_token(qtbot, model_thread) -> None:
    thread, factory = model_thread
    worker = thread.worker
    request = Request(ContinueJob("Once", PARAMS.with_(max_tokens=200)))
    with qtbot.waitSignal(worker.finished, timeout=5000) as done:
        worker.post(request)
        qtbot.waitUntil(lambda: factory.engines[-1].tokens_emitted >= 2, timeout=5000)
        worker.cancel(request.id)
    request_id, result = done.args
    assert request_id == request.id and result.cancelled
    assert factory.engines[-1].tokens_emitted < 14


def test_events_and_text_arrive_typed(qtbot, model_thread) -> None:
    thread, _factory = model_thread
    worker = thread.worker
    seen = collect(worker)
    job = EntryJob("background", premise="A harbour town", seed=1)
    request = Request(job)
    with qtbot.waitSignal(worker.finished, timeout=20000) as done:
        worker.post(request)
    assert isinstance(done.args[1], JobResult)
    events = seen[request.id]
    assert events and all(isinstance(e, EntryEvent) for e in events)
    assert {e.field for e in events if e.final} >= {"Name", "Kind"}


def test_an_engine_that_dies_is_reported_and_reloaded(qtbot, model_thread) -> None:
    thread, factory = model_thread
    worker = thread.worker
    factory.engines[-1].raise_on_stream = RuntimeError("segfault-ish")
    failures: list[str] = []
    worker.failed.connect(lambda _i, message: failures.append(message))
    with qtbot.waitSignal(worker.model_loaded, timeout=5000):
        worker.post(Request(ContinueJob("Once", PARAMS)))
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert "segfault-ish" in failures[0] and "Reloading" in failures[0]
    assert factory.engines[-2].closed and len(factory.engines) == 2
    with qtbot.waitSignal(worker.finished, timeout=5000) as done:
        worker.post(Request(ContinueJob("Once", PARAMS)))
    assert done.args[1].text.strip().startswith("the rabbit")


def test_no_model_is_a_failure_not_a_crash(qtbot, tmp_path: Path) -> None:
    thread = ModelThread(tmp_path, FakeFactory(fail_load="no such model"))
    try:
        with qtbot.waitSignal(thread.worker.model_failed, timeout=5000):
            thread.worker.load_model(fake_spec(tmp_path))
        with qtbot.waitSignal(thread.worker.failed, timeout=5000) as failed:
            thread.worker.post(Request(ContinueJob("Once", PARAMS)))
        assert "No model" in failed.args[1]
    finally:
        assert thread.stop()


def test_generation_runs_on_the_generation_model_and_suggestions_do_not(
    qtbot, model_thread, tmp_path: Path
) -> None:
    from backend.engines.base import EngineKind
    from backend.jobs.kinds import SuggestJob
    from backend.models.spec import ModelSpec

    thread, factory = model_thread
    worker = thread.worker
    bigger = tmp_path / "bigger.gguf"
    bigger.write_bytes(b"GGUF" + bytes(1024))
    spec = ModelSpec(EngineKind.LLAMACPP, bigger, "Bigger")
    with qtbot.waitSignal(worker.generator_loaded, timeout=5000) as loaded:
        worker.load_generator(spec)
    assert loaded.args == ["Bigger"]
    main, generator = factory.engines
    assert generator.name == "Bigger"
    results: dict[int, JobResult] = {}
    worker.finished.connect(lambda i, r: results.__setitem__(i, r))
    story = Request(ContinueJob("Once upon a", PARAMS))
    worker.post(story)
    qtbot.waitUntil(lambda: story.id in results, timeout=10000)
    assert generator.prompts and not main.prompts
    suggestion = Request(SuggestJob("Once upon a", cursor=11))
    worker.post(suggestion)
    qtbot.waitUntil(lambda: suggestion.id in results, timeout=10000)
    assert main.prompts  # ghost text stays on the model that suggests
    with qtbot.waitSignal(worker.generator_loaded, timeout=5000) as off:
        worker.load_generator(None)
    assert off.args == [""] and generator.closed


def test_a_generation_model_too_big_for_the_memory_left_is_not_loaded(
    qtbot, model_thread, tmp_path: Path, monkeypatch
) -> None:
    import psutil

    from backend.engines.base import EngineKind
    from backend.models.spec import ModelSpec

    thread, factory = model_thread
    big = tmp_path / "big.gguf"
    big.write_bytes(b"GGUF" + bytes(4096))

    class Tight:
        available = 1 << 20

    monkeypatch.setattr(psutil, "virtual_memory", lambda: Tight())
    with qtbot.waitSignal(thread.worker.generator_failed, timeout=5000) as failed:
        thread.worker.load_generator(ModelSpec(EngineKind.LLAMACPP, big, "Big"))
    assert "MB are free" in failed.args[0]
    assert len(factory.engines) == 1  # nothing was loaded beside the first model


class _SentenceJob:
    """Drafts twenty one-character tokens, then keeps them as one sentence, as a styled
    continuation does (each token drafted in grey, whole sentences yielded)."""

    kind = "continue"

    def run(self, engine, cancel, draft):  # type: ignore[no-untyped-def]
        text = ""
        for c in "It rained all night.":
            time.sleep(0.01)
            text += c
            draft(text)
        yield text


def test_the_speed_of_a_drafted_sentence_counts_its_tokens(qtbot, model_thread) -> None:
    thread, _factory = model_thread
    worker = thread.worker
    request = Request(_SentenceJob())  # type: ignore[arg-type]
    started = time.perf_counter()
    with qtbot.waitSignal(worker.finished, timeout=10000) as done:
        worker.post(request)
    elapsed = time.perf_counter() - started
    result = done.args[1]
    assert result.text == "It rained all night."
    # 20 tokens (the fake tokenizes a character each) written within `elapsed`: the rate
    # counts them, not the one chunk the sentence came in (which gave no rate at all).
    assert result.tokens_per_s is not None and result.tokens_per_s >= 19 / elapsed


def test_which_model_was_loaded_is_told_before_it_is_ready(qtbot, tmp_path: Path) -> None:
    # The window takes the model for ready on model_loaded and learns which model it is
    # from spec_loaded: in the other order a check in between found no model chosen.
    thread = ModelThread(tmp_path, FakeFactory())
    order: list[str] = []
    thread.worker.spec_loaded.connect(lambda _spec: order.append("spec"))
    thread.worker.model_loaded.connect(lambda _name: order.append("ready"))
    try:
        with qtbot.waitSignal(thread.worker.model_loaded, timeout=5000):
            thread.worker.load_model(fake_spec(tmp_path))
        qtbot.waitUntil(lambda: len(order) == 2, timeout=5000)
        assert order == ["spec", "ready"]
    finally:
        assert thread.stop()
