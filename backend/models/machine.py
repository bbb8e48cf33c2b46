"""What the writer's machine can run: memory, cores, CPU features and a GPU if llama.cpp has
one, an estimated speed for each curated model, and one recommendation per language.

Speed. Generating a token reads every weight once, so on a CPU the speed is about the
memory bandwidth the model gets divided by the file's size. That bandwidth is measured, not
guessed: a two-second probe of the bundled model gives its decoding speed in tokens per
second (tokens fed one at a time after the prompt, as generation does), and tokens/s x its
size is the bandwidth (`Calibration`). The probe times several short windows and keeps the
fastest, so a burst of other work on the machine does not stand for its speed; a window
in which Inkling's own model was busy does not count at all, and a figure measured while
the machine was overloaded is shown but not kept. The result is kept in the
cache folder with the time it was measured, one per machine key (CPU, cores, memory), and
measured again when it is older than CALIBRATION_MAX_AGE_S or when the writer asks. The
probe is a plain callable so tests (and the window) can pass their own.

Fit. "unknown" when the file's size is not known (no memory figure, no speed); "too big"
when the memory needed (library.ram_bytes) exceeds USABLE_SHARE of the machine's memory;
"runs slowly" under SLOW_TOKENS_PER_S; otherwise "runs well". Without a calibration the
speed is unknown and only memory decides.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from backend.engines.base import Engine, EngineError
from backend.models.library import CuratedModel
from backend.storage.atomic import SaveError, atomic_write_text
from backend.untrusted import RefusedFile, read_json

log = logging.getLogger(__name__)

RUNS_WELL = "runs well"
RUNS_SLOWLY = "runs slowly"
TOO_BIG = "too big"
UNKNOWN = "unknown"
USABLE_SHARE = 0.75  # of total memory: the desktop, the editor and the browser need the rest
SLOW_TOKENS_PER_S = 5.0  # below this a suggestion arrives after the writer has moved on
PROBE_SECONDS = 2.0
PROBE_WINDOWS = 4  # the probe's time is cut into this many windows; the fastest counts
PROBE_WARMUP_TOKENS = 4  # decoded before timing starts (caches, threads spinning up)
PROBE_PROMPT = "The rain had not stopped since the night the lighthouse keeper left, and"
CALIBRATION_FILE = "machine.json"
CALIBRATION_LIMIT = 64 << 10
CALIBRATION_MAX_AGE_S = 7 * 24 * 3600.0  # a week: new drivers, a new llama.cpp, less load
MAX_KEPT_MACHINES = 8  # a home folder shared between machines keeps one entry for each
CPU_FEATURES = ("avx", "avx2", "avx512f", "fma", "f16c", "neon", "asimd", "sve")
CPUINFO_LIMIT = 1 << 20

ProbeFn = Callable[[], "ProbeResult"]
BusyFn = Callable[[], bool]


class ProbeBusy(RuntimeError):
    """Inkling's own model was busy for the whole probe, so nothing was measured."""


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
    # False when the machine was overloaded (more runnable work than cores) while it ran:
    # the figure is shown but not kept, so the next look measures again.
    steady: bool = True


@dataclass(frozen=True)
class Calibration:
    """The memory bandwidth models get on this machine, from the probe."""

    machine_key: str
    bytes_per_s: float
    probe_tokens_per_s: float
    probe_size_bytes: int
    measured_at: float = 0.0  # seconds since the epoch

    def age_s(self, now: float | None = None) -> float:
        """Seconds since the probe ran."""
        return max(0.0, (time.time() if now is None else now) - self.measured_at)

    def tokens_per_s(self, size_bytes: int) -> float | None:
        """Estimated generation speed for a model file of this size (None: unknown)."""
        if size_bytes <= 0 or self.bytes_per_s <= 0:
            return None
        return self.bytes_per_s / size_bytes


@dataclass(frozen=True)
class Fit:
    """How one curated model fits this machine."""

    model_id: str
    fit: str  # RUNS_WELL | RUNS_SLOWLY | TOO_BIG | UNKNOWN
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
    if not model.size_bytes:
        return Fit(model.id, UNKNOWN, 0, None)
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
    cache_dir: Path,
    machine: Machine,
    probe: ProbeFn | None = None,
    *,
    refresh: bool = False,
    now: float | None = None,
) -> Calibration | None:
    """The kept calibration for this machine when it is younger than a week, else a new one
    from `probe` (kept for next time). None when there is none and no probe, or the probe
    failed. `refresh` measures again whatever is kept."""
    path = cache_dir / CALIBRATION_FILE
    now = time.time() if now is None else now
    kept = _read_kept(path)
    if not refresh:
        found = kept.get(machine.key)
        if found is not None and found.age_s(now) <= CALIBRATION_MAX_AGE_S:
            return found
    if probe is None:
        return None
    try:
        result = probe()
    except Exception as exc:  # a probe runs a model: any failure means "no calibration"
        log.warning("the speed probe failed: %s", exc)
        return None
    if not result.tokens_per_s > 0 or result.size_bytes <= 0:
        return None
    found = Calibration(
        machine.key, result.tokens_per_s * result.size_bytes, result.tokens_per_s,
        result.size_bytes, now,
    )  # fmt: skip
    if not result.steady:
        log.info(
            "the machine was overloaded during the speed probe; not keeping %.1f",
            found.probe_tokens_per_s,
        )
        return found
    kept[machine.key] = found
    newest = sorted(kept.values(), key=lambda c: c.measured_at, reverse=True)
    data = {"machines": [asdict(c) for c in newest[:MAX_KEPT_MACHINES]]}
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(data), backup=False)
    except (OSError, SaveError) as exc:
        log.warning("could not keep the speed calibration: %s", exc)
    return found


def _read_kept(path: Path) -> dict[str, Calibration]:
    """The kept calibrations by machine key; anything unreadable counts as none (an older
    file without time stamps too, so its figures are measured again)."""
    try:
        data = read_json(path, CALIBRATION_LIMIT)
    except FileNotFoundError:
        return {}
    except (OSError, RefusedFile) as exc:
        log.warning("ignoring %s: %s", path, exc)
        return {}
    rows = data.get("machines") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        return {}
    kept: dict[str, Calibration] = {}
    for row in rows[:MAX_KEPT_MACHINES]:
        found = _calibration_from(row)
        if found is not None:
            kept[found.machine_key] = found
    return kept


def _calibration_from(row: object) -> Calibration | None:
    if not isinstance(row, dict):
        return None
    try:
        found = Calibration(
            machine_key=str(row["machine_key"])[:400],
            bytes_per_s=float(row["bytes_per_s"]),
            probe_tokens_per_s=float(row["probe_tokens_per_s"]),
            probe_size_bytes=int(row["probe_size_bytes"]),
            measured_at=float(row["measured_at"]),
        )
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    # A time stamp from the future (a clock set back) would keep a figure forever.
    if not (found.bytes_per_s > 0 and 0 < found.measured_at <= time.time() + 86400):
        return None
    return found


def bundled_probe(
    models_dir: Path, seconds: float = PROBE_SECONDS, busy: BusyFn | None = None
) -> ProbeFn:
    """A probe that loads the bundled model on its own (not the window's) and measures how
    many tokens a second it decodes, one at a time after the prompt, for about `seconds`.
    `busy` says whether Inkling's own model is working; such windows are not counted."""

    def probe() -> ProbeResult:
        from backend.models.bundled import bundled_spec
        from backend.models.spec import create_engine

        spec = bundled_spec(models_dir)
        engine = create_engine(spec)
        engine.load()
        try:
            rate = decoding_speed(engine, seconds, busy)
        finally:
            engine.close()
        return ProbeResult(rate, spec.path.stat().st_size, steady=not overloaded())

    return probe


def overloaded() -> bool:
    """True when more work waits for the CPU than it has cores (the 1-minute load)."""
    import psutil

    try:
        load = psutil.getloadavg()[0]
    except (OSError, AttributeError):
        return False
    return load > (psutil.cpu_count(logical=True) or 1)


def decoding_speed(engine: Engine, seconds: float, busy: BusyFn | None = None) -> float:
    """Tokens a second `engine` decodes, the fastest of PROBE_WINDOWS windows over about
    `seconds`. Raises ProbeBusy when `busy` was true in every window, EngineError when the
    engine cannot step."""
    import numpy as np  # the probe runs on the model thread, after the window

    stepper = engine.stepper
    if stepper is None:
        raise EngineError(f"{engine.name} cannot be stepped token by token.")
    prompt = engine.tokenize(PROBE_PROMPT)
    session = stepper.session(prompt, None)
    if session is None:
        raise EngineError("the probe's prompt was not read")
    room = max(0, engine.context_length - len(prompt) - 2)

    def step() -> None:
        # Greedy, and whatever comes (an end token too): only the decoding time matters.
        session.push(int(np.argmax(session.logits())))

    for _ in range(min(PROBE_WARMUP_TOKENS, room)):
        step()
    room -= PROBE_WARMUP_TOKENS
    best, window = 0.0, seconds / PROBE_WINDOWS
    counted = False
    for _ in range(PROBE_WINDOWS):
        was_busy = busy is not None and busy()
        start, produced = time.perf_counter(), 0
        while room > 0 and time.perf_counter() - start < window:
            step()
            produced += 1
            room -= 1
        elapsed = time.perf_counter() - start
        if was_busy or (busy is not None and busy()) or not produced or elapsed <= 0:
            continue
        counted = True
        best = max(best, produced / elapsed)
    if not counted:
        raise ProbeBusy("Inkling's model was busy while the probe ran.")
    return best
