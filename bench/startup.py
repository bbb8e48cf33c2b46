"""Start-up and hot exit: launch → window shown, launch → bundled model ready to suggest,
and SIGTERM → process gone, for the real app (`python main.py`) in a subprocess.

The first run is "cold" the way a writer's first start after set-up is: the project's
bytecode caches are removed (and the page cache dropped when the system allows it, which
needs root), and no model vocabulary has been kept yet. The rest are warm, and find the
vocabulary the first run kept (--forget-vocabulary: as before it was kept). The app logs its
milestones with the wall clock (gui/window/app.py, logger inkling.startup); each is taken
against the moment of launch. After "model ready" the bench types nothing and sends SIGTERM,
which must end the process within 2 s without a dialog. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import bundled_model_path, median

from backend.storage.paths import app_paths

ROOT = Path(__file__).resolve().parents[1]
MILESTONE = re.compile(r"inkling\.startup:(.+) at (\d+\.\d+)")


def prepare_home(home: Path) -> None:
    """A fresh settings folder whose models folder already has the prepared bundled model
    (as after ./inkling.sh), hard-linked so its verification stamp stays valid."""
    models = app_paths(home).models
    models.mkdir(parents=True)
    source = bundled_model_path()
    for f in (source, source.with_name(source.name + ".verified")):
        try:
            os.link(f, models / f.name)
        except OSError:
            shutil.copy2(f, models / f.name)


def make_cold() -> bool:
    """Remove the project's bytecode caches; drop the page cache if allowed."""
    for folder in ("backend", "gui"):
        for cache in (ROOT / folder).rglob("__pycache__"):
            shutil.rmtree(cache, ignore_errors=True)
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True


def run_once(home: Path, timeout: float = 120.0) -> dict[str, float]:
    """One launch: seconds to each milestone, then seconds from SIGTERM to exit."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # A writer's Python keeps the compiled modules; a shell that says not to would make every
    # warm start compile the whole app again.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.time()
    proc = subprocess.Popen(
        [sys.executable, "main.py", "--config", str(home), "-v"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    marks: dict[str, float] = {}
    ready = threading.Event()
    errors: list[str] = []

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            found = MILESTONE.search(line)
            if found:
                marks[found.group(1)] = float(found.group(2)) - started
                if found.group(1) == "model ready":
                    ready.set()
            elif "Traceback" in line or "ERROR" in line:
                errors.append(line.strip())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not ready.wait(timeout):
        proc.kill()
        raise SystemExit(f"the model was not ready after {timeout} s: {errors}")
    time.sleep(0.5)  # idle a moment, as a writer would
    sent = time.perf_counter()
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = -9
    marks["sigterm_exit"] = time.perf_counter() - sent
    marks["exit_code"] = code
    reader.join(5)
    if errors:
        marks["errors"] = len(errors)
    return marks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="warm runs after the cold one")
    parser.add_argument(
        "--forget-vocabulary",
        action="store_true",
        help="warm runs without the vocabulary the first run kept (as before it was kept)",
    )
    args = parser.parse_args()
    results = []
    dropped = make_cold()
    kept = Path(tempfile.mkdtemp()) / "vocabulary"
    for i in range(args.runs + 1):
        with tempfile.TemporaryDirectory() as tmp:
            home = Path(tmp) / "home"
            prepare_home(home)
            # A writer's later starts find the vocabulary their first start kept.
            vocabulary = app_paths(home).vocabulary
            if kept.is_dir() and not args.forget_vocabulary:
                shutil.copytree(kept, vocabulary)
            marks = run_once(home)
            if not kept.is_dir() and vocabulary.is_dir():
                shutil.copytree(vocabulary, kept)
        kind = "cold" if i == 0 else "warm"
        print(
            f"{kind}: window {marks['window shown']:.2f} s, model ready "
            f"{marks['model ready']:.2f} s, SIGTERM to exit {marks['sigterm_exit']:.2f} s "
            f"(exit code {marks['exit_code']})",
            flush=True,
        )
        results.append(marks)
    warm = results[1:]
    summary = {
        "cold_window_s": round(results[0]["window shown"], 2),
        "cold_model_ready_s": round(results[0]["model ready"], 2),
        "page_cache_dropped": dropped,
        "warm_window_s_median": round(median([r["window shown"] for r in warm]), 2),
        "warm_window_s_max": round(max(r["window shown"] for r in warm), 2),
        "warm_model_ready_s_median": round(median([r["model ready"] for r in warm]), 2),
        "warm_model_ready_s_max": round(max(r["model ready"] for r in warm), 2),
        "sigterm_exit_s_max": round(max(r["sigterm_exit"] for r in results), 2),
        "exit_codes": sorted({int(r["exit_code"]) for r in results}),
    }
    shutil.rmtree(kept.parent, ignore_errors=True)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
