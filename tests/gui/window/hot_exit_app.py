"""Inkling run as the real app (gui.window.app.start_gui) for the hot-exit tests.

    python -m tests.gui.window.hot_exit_app MODE [main.py options]

Once the model is ready it types into an untitled document, fills in the premise and genre
and, in MODE "character", generates a character with the model. Then it prints READY and
waits to be killed. With --open FILE the text goes at the end of that file instead. In MODE
"display-lost" it then ends the event loop with status 1, as Qt does when the X display goes.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtTest import QTest

from backend.cli import build_parser
from gui.window.app import run_event_loop, start_gui

TEXT = "The lamp went out at nine, and Mara counted the waves."
PREMISE = "A lighthouse keeper hides a stranger from the storm"
GENRE = "gothic"


def main() -> int:
    mode, rest = sys.argv[1], sys.argv[2:]
    app, window = start_gui(build_parser().parse_args(rest))

    def ready(*_args: object) -> None:
        print("READY", flush=True)

    def act() -> None:
        window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
        QTest.keyClicks(window.editor, TEXT)
        QTest.keyClicks(window.bible.premise, PREMISE)
        QTest.keyClicks(window.bible.genre, GENRE)
        if mode == "character":
            window.bible_done.connect(ready)
            window.bible.generate_current()
        else:
            ready()
        if mode == "display-lost":
            QTimer.singleShot(100, lambda: app.exit(1))

    starter = Starter(act)
    window.model_thread.worker.model_loaded.connect(starter.on_model_loaded)
    return run_event_loop(app, window)


class Starter(QObject):
    """Runs `act` on the GUI thread once the model is loaded (a lambda would run on the
    model thread)."""

    def __init__(self, act: Callable[[], None]) -> None:
        super().__init__()
        self.act = act

    @Slot(str)
    def on_model_loaded(self, _name: str) -> None:
        QTimer.singleShot(0, self.act)


if __name__ == "__main__":
    sys.exit(main())
