"""Fitting the curated models to a machine: memory, a calibrated speed, recommendations."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

import backend.models.machine as machine_module
from backend.models.library import checked_model
from backend.models.machine import (
    CALIBRATION_MAX_AGE_S,
    PROBE_WINDOWS,
    RUNS_SLOWLY,
    RUNS_WELL,
    TOO_BIG,
    UNKNOWN,
    Machine,
    ProbeBusy,
    ProbeResult,
    _cpuinfo,
    calibration,
    decoding_speed,
    fit,
    read_machine,
    recommend,
)
from tests.backend.models.test_library import GOOD

GB = 1_000_000_000


def machine(total: int = 8 * GB) -> Machine:
    return Machine(total, total // 2, 4, 8, "Test CPU", ("avx2",), False)


def model(model_id: str, size: int, languages: tuple[str, ...] = ("en",)):
    return checked_model({**GOOD, "id": model_id, "size_bytes": size, "languages": list(languages)})


def test_the_real_machine_is_read() -> None:
    found = read_machine()
    assert found.total_bytes > 0 and found.physical_cores >= 1
    assert found.available_bytes <= found.total_bytes


def test_cpu_features_are_read_from_cpuinfo(tmp_path: Path) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text("model name\t: Some CPU\nflags\t\t: fpu sse avx avx2 fma\n")
    assert _cpuinfo(info) == ("Some CPU", ("avx", "avx2", "fma"))
    assert _cpuinfo(tmp_path / "missing") == ("", ())


def test_the_probe_calibrates_speed_once_per_machine(tmp_path: Path) -> None:
    calls: list[int] = []

    def probe() -> ProbeResult:
        calls.append(1)
        return ProbeResult(tokens_per_s=40.0, size_bytes=250_000_000)  # 10 GB/s

    first = calibration(tmp_path, machine(), probe)
    again = calibration(tmp_path, machine(), probe)
    assert calls == [1]
    assert first is not None and again == first
    assert first.tokens_per_s(1 * GB) == 10.0
    # Another machine does not reuse it.
    assert calibration(tmp_path, machine(16 * GB), None) is None


def test_a_failing_probe_leaves_the_speed_unknown(tmp_path: Path) -> None:
    def probe() -> ProbeResult:
        raise RuntimeError("no model")

    assert calibration(tmp_path, machine(), probe) is None
    assert fit(model("a", GB), machine(), None).est_tokens_per_s is None


def test_fit_marks_well_slow_and_too_big(tmp_path: Path) -> None:
    calib = calibration(tmp_path, machine(), lambda: ProbeResult(40.0, 250_000_000))
    assert fit(model("small", GB), machine(), calib).fit == RUNS_WELL
    assert fit(model("slow", 3 * GB), machine(), calib).fit == RUNS_SLOWLY  # 3.3 tokens/s
    assert fit(model("huge", 7 * GB), machine(), calib).fit == TOO_BIG


def test_one_recommendation_per_language(tmp_path: Path) -> None:
    calib = calibration(tmp_path, machine(), lambda: ProbeResult(40.0, 250_000_000))
    models = [
        model("en-small", GB // 2),
        model("en-big", int(1.5 * GB)),
        model("zh", GB, ("en", "zh")),
        model("zh-huge", 7 * GB, ("zh",)),
    ]
    fits = {m.id: fit(m, machine(), calib) for m in models}
    assert recommend(models, fits, "en") == "en-big"
    assert recommend(models, fits, "zh") == "zh"
    assert recommend(models, fits, "ja") is None


def test_a_model_of_unknown_size_has_an_unknown_fit(tmp_path: Path) -> None:
    calib = calibration(tmp_path, machine(), lambda: ProbeResult(40.0, 250_000_000))
    found = fit(model("unsized", 0), machine(), calib)
    assert found.fit == UNKNOWN and found.ram_bytes == 0 and found.est_tokens_per_s is None


def test_a_calibration_older_than_a_week_is_measured_again(tmp_path: Path) -> None:
    rates = iter([40.0, 80.0, 120.0])

    def probe() -> ProbeResult:
        return ProbeResult(next(rates), 250_000_000)

    start = 1_700_000_000.0
    first = calibration(tmp_path, machine(), probe, now=start)
    assert first is not None and first.measured_at == start
    day = calibration(tmp_path, machine(), probe, now=start + 86400)
    assert day == first  # kept: a day old
    later = calibration(tmp_path, machine(), probe, now=start + CALIBRATION_MAX_AGE_S + 1)
    assert later is not None and later.probe_tokens_per_s == 80.0
    # "Measure again" measures whatever is kept.
    again = calibration(tmp_path, machine(), probe, refresh=True)
    assert again is not None and again.probe_tokens_per_s == 120.0


def test_each_machine_keeps_its_own_calibration(tmp_path: Path) -> None:
    small, big = machine(), machine(16 * GB)
    calibration(tmp_path, small, lambda: ProbeResult(40.0, 250_000_000))
    calibration(tmp_path, big, lambda: ProbeResult(90.0, 250_000_000))
    kept_small = calibration(tmp_path, small, None)
    kept_big = calibration(tmp_path, big, None)
    assert kept_small is not None and kept_small.probe_tokens_per_s == 40.0
    assert kept_big is not None and kept_big.probe_tokens_per_s == 90.0


def test_an_old_or_hostile_cache_is_measured_again(tmp_path: Path) -> None:
    path = tmp_path / "machine.json"
    old = {"machine_key": machine().key, "bytes_per_s": 2e8, "probe_tokens_per_s": 0.8,
           "probe_size_bytes": 250_000_000}  # fmt: skip
    path.write_text(json.dumps(old))  # no time stamp: written by the probe that counted pieces
    assert calibration(tmp_path, machine(), None) is None
    future = {**old, "measured_at": time.time() + 365 * 86400}
    path.write_text(json.dumps({"machines": [future]}))
    assert calibration(tmp_path, machine(), None) is None
    path.write_text(json.dumps({"machines": [{**old, "measured_at": "soon"}, 7, []]}))
    assert calibration(tmp_path, machine(), None) is None
    path.write_bytes(b"{" * 100_000)
    assert calibration(tmp_path, machine(), None) is None
    found = calibration(tmp_path, machine(), lambda: ProbeResult(40.0, 250_000_000))
    assert found is not None and found.probe_tokens_per_s == 40.0


class _Clock:
    """perf_counter for the probe: every decoded token takes `step` seconds."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        return self.now


class _SteppedEngine:
    """An engine whose every decoded token advances the clock: pushes are counted."""

    name = "stepped"
    context_length = 4096

    def __init__(self, clock: _Clock) -> None:
        self.clock = clock
        self.pushed = 0

    def tokenize(self, text: str) -> list[int]:
        return list(range(len(text.split())))

    @property
    def stepper(self) -> _SteppedEngine:
        return self

    def session(self, prompt: list[int], cancel: object) -> _SteppedEngine:
        return self

    def logits(self) -> np.ndarray:
        return np.zeros(8, dtype=np.float32)

    def push(self, token: int) -> None:
        self.pushed += 1
        self.clock.now += self.clock.step


def test_the_probe_counts_decoded_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = _Clock(0.01)  # 100 tokens a second
    monkeypatch.setattr(machine_module.time, "perf_counter", clock)
    engine = _SteppedEngine(clock)
    rate = decoding_speed(engine, 0.4)  # type: ignore[arg-type]
    assert rate == pytest.approx(100.0, rel=0.05)
    assert engine.pushed > 4 * PROBE_WINDOWS  # warm-up tokens, then every window's


def test_windows_where_the_model_was_busy_do_not_count(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = _Clock(0.01)
    monkeypatch.setattr(machine_module.time, "perf_counter", clock)
    engine = _SteppedEngine(clock)
    # Busy in the first window only, and meanwhile the machine was four times slower.
    calls = iter([True, True])

    def busy() -> bool:
        answer = next(calls, False)
        clock.step = 0.04 if answer else 0.01
        return answer

    assert decoding_speed(engine, 0.4, busy) == pytest.approx(100.0, rel=0.05)  # type: ignore[arg-type]
    with pytest.raises(ProbeBusy):
        decoding_speed(engine, 0.4, lambda: True)  # type: ignore[arg-type]


@pytest.mark.slow
def test_the_bundled_model_decodes_at_a_plausible_speed(llama_engine) -> None:
    # The machine may be loaded by other work, so only the sense of the figure is checked.
    rate = decoding_speed(llama_engine, 0.5)
    assert 0.0 < rate < 10_000.0


def test_a_figure_measured_on_an_overloaded_machine_is_not_kept(tmp_path: Path) -> None:
    shaky = calibration(tmp_path, machine(), lambda: ProbeResult(0.8, 250_000_000, steady=False))
    assert shaky is not None and shaky.probe_tokens_per_s == 0.8  # shown this time
    assert calibration(tmp_path, machine(), None) is None  # but measured again next time
