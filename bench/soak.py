"""Soak: 10,000 random keystrokes with suggestions on, in the real window (offscreen).

Types, deletes, moves, accepts suggestions (Tab, Ctrl+Right) and dismisses them at random
with the bundled model answering. Afterwards the document must equal the text the
simulation expects. Reports memory growth and the longest event-loop stall. Last line: one
JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import bundled_model_path, unwrapped_corpus


def rss_mb() -> float:
    """Resident memory of this process in MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keys", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from PySide6.QtCore import QElapsedTimer, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from backend.models.bundled import BUNDLED_NAME
    from backend.models.spec import ModelSpec
    from backend.storage.paths import app_paths
    from gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow(
        app_paths(tempfile.mkdtemp()), ModelSpec("llamacpp", bundled_model_path(), BUNDLED_NAME)
    )
    window.prompts.save_changes = lambda _n: "discard"
    window.show()
    while not window.model_ready:
        app.processEvents()
        time.sleep(0.01)
    window.suggestions.base_delay_ms = 60
    editor = window.editor
    source = unwrapped_corpus()[:20000]
    rng = random.Random(args.seed)
    expected = ""
    cursor = 0
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]
    worst = [0]

    def tick() -> None:
        now = clock.elapsed()
        worst[0] = max(worst[0], now - last[0] - 5)
        last[0] = now

    ticker = QTimer()
    ticker.timeout.connect(tick)
    ticker.start(5)
    start_rss = rss_mb()
    accepted = 0
    for i in range(args.keys):
        roll = rng.random()
        ghost = editor.ghost_text
        if ghost and roll < 0.05:
            QTest.keyClick(editor, Qt.Key.Key_Tab)
            expected = expected[:cursor] + ghost + expected[cursor:]
            cursor += len(ghost)
            accepted += 1
        elif ghost and roll < 0.08:
            before = editor.textCursor().position()
            QTest.keyClick(editor, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
            taken = editor.textCursor().position() - before
            expected = expected[:cursor] + ghost[:taken] + expected[cursor:]
            cursor += taken
        elif roll < 0.12 and cursor > 0:
            QTest.keyClick(editor, Qt.Key.Key_Backspace)
            expected = expected[: cursor - 1] + expected[cursor:]
            cursor -= 1
        elif roll < 0.14 and cursor > 0:
            QTest.keyClick(editor, Qt.Key.Key_Left)
            cursor -= 1
        elif roll < 0.15 and ghost:
            QTest.keyClick(editor, Qt.Key.Key_Escape)
        else:
            ch = source[i % len(source)]
            if ch == "\n":
                QTest.keyClick(editor, Qt.Key.Key_Return)
            else:
                QTest.keyClicks(editor, ch)
            expected = expected[:cursor] + ch + expected[cursor:]
            cursor += 1
        # Pauses like a writer's, so suggestions arrive and stream.
        deadline = time.perf_counter() + rng.choice((0.002, 0.005, 0.01, 0.05, 0.3))
        while time.perf_counter() < deadline:
            app.processEvents()
        if i == 200:
            worst[0] = 0  # ignore warm-up (first suggestions, caches)
            start_rss = rss_mb()
        if i % 1000 == 0:
            print(f"{i} keys, rss {rss_mb():.0f} MB, worst stall {worst[0]} ms", flush=True)
    end_rss = rss_mb()
    ok = editor.toPlainText() == expected
    window.close()
    result = {
        "keys": args.keys,
        "document_matches": ok,
        "accepted_suggestions": accepted,
        "rss_start_mb": round(start_rss, 1),
        "rss_end_mb": round(end_rss, 1),
        "rss_growth_mb": round(end_rss - start_rss, 1),
        "ui_max_stall_ms": worst[0],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
