"""The training process: started with Inkling's own main.py, wherever the package lives."""

from __future__ import annotations

from gui.models import training


def test_training_runs_inklings_own_main_py() -> None:
    assert training.MAIN.name == "main.py" and training.MAIN.is_file()
    assert (training.MAIN.parent / "gui" / "models" / "training.py").is_file()
