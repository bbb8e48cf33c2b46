"""What the writer's machine can run: memory, cores, CPU features and a GPU if llama.cpp has
one, an estimated speed for each curated model, and one recommendation per language.

Speed. Generating a token reads every weight once, so on a CPU the speed is about the
memory bandwidth the model gets divided by the file's size. That bandwidth is measured, not
guessed: a two-second probe of the bundled model gives its tokens per second, and
tokens/s x its size is the bandwidth (`Calibration`). The result is kept in the cache
folder, keyed by the machine (CPU, cores, memory), so the probe runs once per machine.
The probe is a plain callable so tests (and the window) can pass their own.

Fit. "too big" when the memory needed (library.ram_bytes) exceeds USABLE_SHARE of the
machine's memory; "runs slowly" under SLOW_TOKENS_PER_S; otherwise "runs well". Without a
calibration the speed is unknown and only memory decides.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from backend.models.library import CuratedModel
from backend.storage.atomic import SaveError, atomic_write_text
from backend.untrusted import RefusedFile, read_json

log = logging.getLogger(__name__)

RUNS_WELL = "runs well"
RUNS_SLOWLY = "runs slowly"
TOO_BIG = "too big"
USABLE_SHARE = 0.75  # of total memory: the desktop, the editor and the browser need the rest
SLOW_TOKENS_PER_S = 5.0  # below this a suggestion arrives after the writer has moved on
PROBE_SECONDS = 2.0
CALIBRATION_FILE = "machine.json"
CPU_FEATURES = ("avx", "avx2", "avx512f", "fma", "f16c", "neon", "asimd", "sve")
CPUINFO_LIMIT = 1 << 20

ProbeFn = Callable[[], "ProbeResult"]


@dataclass(frozen=True)
class Machine:
    """The machine as Inkling sees it."""

    total_bytes: int
    available_bytes: int
    physical_cores: int
    logical_cores: int
    cpu: str
    cpu_features: tuple[str, ...]
    gpu: bool

    @property
    def key(self) -> str:
        """What a calibration is valid for: the same CPU, cores and memory."""
        return f"{self.cpu}|{self.physical_cores}|{self.logical_cores}|{self.total_bytes >> 20}"

    @property
    def usable_bytes(self) -> int:
        """The memory a model may take."""
        return int(self.total_bytes * USABLE_SHARE)


@dataclass(frozen=True)
class ProbeResult:
    """What the probe measured: tokens per second on a model file of `size_bytes`."""

    tokens_per_s: float
    size_bytes: int


@dataclass(frozen=True)
class Calibration:
    """The memory bandwidth models get on this machine, from the probe."""

    machine_key: str
    bytes_per_s: float
    probe_tokens_per_s: float
    probe_size_bytes: int

    def tokens_per_s(self, size_bytes: int) -> float | None:
        """Estimated generation speed for a model file of this size (None: unknown)."""
        if size_bytes <= 0 or self.bytes_per_s <= 0:
            return None
        return self.bytes_per_s / size_bytes


@dataclass(frozen=True)
class Fit:
    """How one curated model fits this machine."""

    model_id: str
    fit: str  # RUNS_WELL | RUNS_SLOWLY | TOO_BIG
    ram_bytes: int
    est_tokens_per_s: float | None


def read_machine() -> Machine:
    """Memory and cores from psutil, CPU name and features from /proc/cpuinfo (Linux), and
    whether llama.cpp was built with a GPU."""
    import psutil

    memory = psutil.virtual_memory()
    cpu, features = _cpuinfo(Path("/proc/cpuinfo"))
    logical = psutil.cpu_count(logical=True) or os.cpu_count() or 1
    return Machine(
        total_bytes=int(memory.total),
        available_bytes=int(memory.available),
        physical_cores=psutil.cpu_count(logical=False) or logical,
        logical_cores=logical,
        cpu=cpu,
        cpu_features=features,
        gpu=_llama_gpu(),
    )


def _cpuinfo(path: Path) -> tuple[str, tuple[str, ...]]:
    """The CPU's name and the features from CPU_FEATURES it has ('' and () elsewhere)."""
    try:
        with path.open("rb") as f:
            text = f.read(CPUINFO_LIMIT).decode("utf-8", "replace")
    except OSError:
        return "", ()
    name, flags = "", set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key in ("model name", "hardware", "cpu model") and not name:
            name = value.strip()[:100]
        elif key in ("flags", "features"):
            flags.update(value.split())
    return name, tuple(f for f in CPU_FEATURES if f in flags)


def _llama_gpu() -> bool:
    """True when the installed llama.cpp can offload layers to a GPU."""
    try:
        import llama_cpp

        return bool(llama_cpp.llama_supports_gpu_offload())
    except (ImportError, AttributeError, OSError):
        return False


def fit(model: CuratedModel, machine: Machine, calibration: Calibration | None) -> Fit:
    """How `model` fits `machine` (see the module docstring for the rules)."""
    ram = model.ram_bytes()
    speed = calibration.tokens_per_s(model.size_bytes) if calibration is not None else None
    if ram and ram > machine.usable_bytes:
        verdict = TOO_BIG
    elif speed is not None and speed < SLOW_TOKENS_PER_S:
        verdict = RUNS_SLOWLY
    else:
        verdict = RUNS_WELL
    return Fit(model.id, verdict, ram, round(speed, 1) if speed is not None else None)


def recommend(models: list[CuratedModel], fits: dict[str, Fit], lang: str) -> str | None:
    """The model to suggest for writing in `lang`: the largest instruct model that speaks it
    and runs well, else the largest that runs at all (None: keep the bundled model).
    A model whose size is not known yet is never the recommendation."""
    speakers = [m for m in models if m.speaks(lang) and m.kind == "instruct" and m.size_bytes]
    for wanted in (RUNS_WELL, RUNS_SLOWLY):
        fitting = [m for m in speakers if fits[m.id].fit == wanted]
        if fitting:
            return max(fitting, key=lambda m: m.size_bytes).id
    return None


def calibration(
    cache_dir: Path, machine: Machine, probe: ProbeFn | None = None, *, refresh: bool = False
) -> Calibration | None:
    """The kept calibration for this machine, else a new one from `probe` (kept for next
    time). None when there is none and no probe, or the probe failed."""
    path = cache_dir / CALIBRATION_FILE
    if not refresh:
        kept = _read_calibration(path, machine.key)
        if kept is not None:
            return kept
    if probe is None:
        return None
    try:
        result = probe()
    except Exception as exc:  # a probe runs a model: any failure means "no calibration"
        log.warning("the speed probe failed: %s", exc)
        return None
    if result.tokens_per_s <= 0 or result.size_bytes <= 0:
        return None
    found = Calibration(
        machine.key, result.tokens_per_s * result.size_bytes, result.tokens_per_s,
        result.size_bytes,
    )  # fmt: skip
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(asdict(found)), backup=False)
    except (OSError, SaveError) as exc:
        log.warning("could not keep the speed calibration: %s", exc)
    return found


def _read_calibration(path: Path, key: str) -> Calibration | None:
    try:
        data = read_json(path, 64 << 10)
    except FileNotFoundError:
        return None
    except (OSError, RefusedFile) as exc:
        log.warning("ignoring %s: %s", path, exc)
        return None
    try:
        found = Calibration(
            machine_key=str(data["machine_key"]),
            bytes_per_s=float(data["bytes_per_s"]),
            probe_tokens_per_s=float(data["probe_tokens_per_s"]),
            probe_size_bytes=int(data["probe_size_bytes"]),
        )
    except (KeyError, TypeError, ValueError):
        return None
    return found if found.machine_key == key and found.bytes_per_s > 0 else None


def bundled_probe(models_dir: Path, seconds: float = PROBE_SECONDS) -> ProbeFn:
    """A probe that runs the bundled model for about `seconds` and counts its tokens."""

    def probe() -> ProbeResult:
        from backend.engines.params import SamplerParams
        from backend.models.bundled import bundled_spec
        from backend.models.spec import create_engine

        spec = bundled_spec(models_dir)
        engine = create_engine(spec)
        engine.load()
        try:
            params = SamplerParams(temperature=0.0, max_tokens=512, seed=1)
            # Warm up (the first tokens pay for the prompt), then time the steady state.
            stream = engine.stream("The rain had not stopped since", params)
            next(stream, None)
            start, produced = time.perf_counter(), 0
            for _chunk in stream:
                produced += 1
                if time.perf_counter() - start >= seconds:
                    break
            stream.close()
            elapsed = time.perf_counter() - start
        finally:
            engine.close()
        return ProbeResult(produced / elapsed if elapsed > 0 else 0.0, spec.path.stat().st_size)

    return probe
