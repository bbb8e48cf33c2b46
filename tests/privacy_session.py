"""A full writing session with the bundled model, for the privacy test (run as a script).

Types with suggestions on, accepts one, continues, generates a character, saves and quits.
An audit hook records every socket Python code tries to create or connect; the test also
runs this under strace (when available) to see native code too. Prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ATTEMPTS: list[str] = []


NETWORK_EVENTS = ("socket.__new__", "socket.connect", "socket.bind", "socket.getaddrinfo")


def audit(event: str, args: tuple) -> None:
    if event in NETWORK_EVENTS or event == "urllib.Request":
        ATTEMPTS.append(f"{event} {args!r}"[:200])


sys.addaudithook(audit)

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend.storage.paths import app_paths  # noqa: E402
from gui.window.main_window import MainWindow  # noqa: E402
from tests.fakes import ScriptedPrompts  # noqa: E402


def main() -> None:
    home, out_file = Path(sys.argv[1]), Path(sys.argv[2])
    app = QApplication(sys.argv[:1])
    prompts = ScriptedPrompts(save_path=[str(out_file)])
    window = MainWindow(app_paths(home), None, prompts=prompts)
    window.show()

    def wait(cond, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end and not cond():
            app.processEvents()
            time.sleep(0.005)
        return bool(cond())

    steps = {"model": wait(lambda: window.model_ready, 300)}
    window.editor.setFocus()
    QTest.keyClicks(window.editor, "The lighthouse keeper climbed the stairs and saw the ")
    steps["suggestion"] = wait(lambda: bool(window.editor.ghost_text), 60)
    if steps["suggestion"]:
        QTest.keyClick(window.editor, Qt.Key.Key_Tab)
    done: list = []
    window.continuation_done.connect(done.append)
    window.start_continuation()
    steps["continuation"] = wait(lambda: bool(done), 120)
    bible_done: list = []
    window.bible_done.connect(bible_done.append)
    window.bible.premise.setText("A lighthouse keeper finds a stranded girl.")
    window.bible.add_entry("character")
    window.bible.generate_button.click()
    steps["character"] = wait(lambda: bool(bible_done), 300)
    window.documents.save_as()
    steps["saved"] = out_file.exists()
    window.close()
    app.processEvents()
    print(json.dumps({"steps": steps, "sockets": ATTEMPTS}))


if __name__ == "__main__":
    main()
