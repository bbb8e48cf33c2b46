"""Layering rules that keep the backend usable without Qt and cheap to import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Every backend module, engines included: the heavy libraries wait until a model loads.
PROBE = """
import importlib, json, pkgutil, sys
import backend
for info in pkgutil.walk_packages(backend.__path__, "backend."):
    importlib.import_module(info.name)
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in
    ('PySide6', 'shiboken6', 'torch', 'llama_cpp', 'transformers', 'huggingface_hub', 'PIL'))))
"""


def test_backend_never_imports_qt_and_engines_load_lazily() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert loaded == [], f"importing backend pulled in {loaded}"


def test_no_backend_source_mentions_pyside() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "backend").rglob("*.py")
        if "PySide6" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_the_import_contracts_hold() -> None:
    """The layers and rooms of pyproject.toml's import contracts (docs/architecture.md)."""
    lint = Path(sys.executable).parent / "lint-imports"
    out = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout


# The window as a writer starts it: its modules, the application and the main window shown.
WINDOW_PROBE = """
import json, os, sys, tempfile
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import gui.window.app as app
import gui.worker
# The model thread loads the model (llama_cpp, numpy) as soon as the window exists: that is
# after start-up by design, and racing it would make the probe flaky, so it loads nothing.
gui.worker.GenerationWorker._load = lambda self, spec: None
qt = app.make_application()
window = app.MainWindow(app.app_paths(tempfile.mkdtemp()), None)
window.show()
qt.processEvents()
print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & {
    'numpy', 'llama_cpp', 'torch', 'transformers', 'rank_bm25', 'jieba', 'huggingface_hub'
} | ({'http.client'} & set(sys.modules)) | ({'importlib.metadata'} & set(sys.modules)))))
window.model_thread.stop()
os._exit(0)
"""


def test_the_window_shows_before_the_heavy_libraries_load() -> None:
    """numpy, the engines, the retrieval and HTTP libraries and package metadata wait until
    the model thread or a feature needs them: start-up is Python imports first of all."""
    out = subprocess.run(
        [sys.executable, "-c", WINDOW_PROBE], cwd=ROOT, capture_output=True, text=True,
        check=True, timeout=300,
    )  # fmt: skip
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert loaded == [], f"showing the window pulled in {loaded}"
