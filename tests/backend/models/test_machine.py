"""Fitting the curated models to a machine: memory, a calibrated speed, recommendations."""

from __future__ import annotations

from pathlib import Path

from backend.models.library import checked_model
from backend.models.machine import (
    RUNS_SLOWLY,
    RUNS_WELL,
    TOO_BIG,
    Machine,
    ProbeResult,
    _cpuinfo,
    calibration,
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
