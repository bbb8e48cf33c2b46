"""Pieces shared by the soak benchmarks: a simulated writer, an event-loop stall meter, RSS."""

from __future__ import annotations

import ctypes
import random
import time
from collections import defaultdict
from typing import Any

from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

STALL_LIMIT_MS = 16
TICK_MS = 4


def rss_mb() -> float:
    """Resident memory of this process in MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost",
        )
    ]  # fmt: skip


def memory_breakdown() -> dict[str, float]:
    """MB of anonymous and file-backed resident memory, and what malloc has handed out
    (small blocks in its heaps, large ones mapped), to tell a leak from fragmentation."""
    out: dict[str, float] = {}
    with open("/proc/self/status") as f:
        for line in f:
            key = line.split(":")[0]
            if key in ("VmRSS", "RssAnon", "RssFile"):
                out[key] = int(line.split()[1]) / 1024
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _MallInfo2
        info = libc.mallinfo2()
        out["malloc_in_use"] = info.uordblks / 2**20
        out["malloc_free_in_heaps"] = info.fordblks / 2**20
        out["malloc_mapped"] = info.hblkhd / 2**20
    except (OSError, AttributeError):
        pass
    return {k: round(v, 1) for k, v in out.items()}


class StallMeter:
    """A timer that should fire every TICK_MS: a later firing means the event loop was
    blocked that long. Each stall is booked to the activity running at the time."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.clock.start()
        self.last = self.clock.nsecsElapsed()
        self.activity = "typing"
        self.worst: dict[str, float] = defaultdict(float)
        self.over: dict[str, int] = defaultdict(int)
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.timer.start(TICK_MS)

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed()
        stall = (now - self.last) / 1e6 - TICK_MS
        self.last = now
        if stall > self.worst[self.activity]:
            self.worst[self.activity] = stall
        if stall > STALL_LIMIT_MS:
            self.over[self.activity] += 1

    def reset(self) -> None:
        """Forget what was measured (after a warm-up)."""
        self.worst.clear()
        self.over.clear()
        self.last = self.clock.nsecsElapsed()

    def report(self) -> dict[str, Any]:
        """Worst stall (ms) and the number of stalls over the limit, per activity."""
        return {
            name: {"worst_ms": round(self.worst[name], 1), "over_16ms": self.over.get(name, 0)}
            for name in sorted(self.worst)
        }


def open_window(base_delay_ms: int, suggest: bool = True, size: tuple[int, int] | None = None):
    """The real window on a fresh settings folder with the bundled model, once it is ready."""
    import tempfile

    from common import bundled_model_path

    from backend.models.bundled import BUNDLED_NAME
    from backend.models.spec import ModelSpec
    from backend.storage.paths import app_paths
    from gui.window.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow(
        app_paths(tempfile.mkdtemp()), ModelSpec("llamacpp", bundled_model_path(), BUNDLED_NAME)
    )
    window.prompts.save_changes = lambda _n: "discard"
    if size is not None:
        window.resize(*size)
    window.show()
    while not window.model_ready:
        pump(app, 0.01)
    window.suggestions.base_delay_ms = base_delay_ms
    window.suggestions.set_enabled(suggest)
    window.activateWindow()
    window.editor.setFocus()
    return app, window


def pump(app: QApplication, seconds: float) -> None:
    """Let the event loop run for `seconds`, as the app does while the writer pauses."""
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.001)


class Typist:
    """Types from a source text into the editor with the mistakes and habits of a writer:
    accepts suggestions (Tab, Ctrl+Right), dismisses them, deletes, moves back. Keeps the
    text the document must hold afterwards."""

    def __init__(self, editor: Any, source: str, seed: int, expected: str = "") -> None:
        self.editor = editor
        self.source = source
        self.rng = random.Random(seed)
        self.expected = expected
        self.cursor = len(expected)
        self.position = 0  # in the source
        self.keys = 0
        self.accepted = 0
        self.dismissed = 0

    def key(self) -> None:
        """One keystroke (or one accept)."""
        editor, roll = self.editor, self.rng.random()
        ghost = editor.ghost_text
        self.keys += 1
        if ghost and roll < 0.05:
            QTest.keyClick(editor, Qt.Key.Key_Tab)
            self.insert(ghost)
            self.accepted += 1
        elif ghost and roll < 0.08:
            before = editor.textCursor().position()
            QTest.keyClick(editor, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
            self.insert(ghost[: editor.textCursor().position() - before])
            self.accepted += 1
        elif roll < 0.12 and self.cursor > 0:
            QTest.keyClick(editor, Qt.Key.Key_Backspace)
            self.expected = self.expected[: self.cursor - 1] + self.expected[self.cursor :]
            self.cursor -= 1
        elif roll < 0.14 and self.cursor > 0:
            QTest.keyClick(editor, Qt.Key.Key_Left)
            self.cursor -= 1
        elif roll < 0.15 and ghost:
            QTest.keyClick(editor, Qt.Key.Key_Escape)
            self.dismissed += 1
        else:
            ch = self.source[self.position % len(self.source)]
            self.position += 1
            if ch == "\n":
                QTest.keyClick(editor, Qt.Key.Key_Return)
            else:
                QTest.keyClicks(editor, ch)
            self.insert(ch)

    def insert(self, text: str) -> None:
        """Text went in at the cursor."""
        self.expected = self.expected[: self.cursor] + text + self.expected[self.cursor :]
        self.cursor += len(text)

    def pause(self) -> float:
        """How long the writer stops after a key: mostly short, sometimes to read."""
        return self.rng.choice((0.002, 0.005, 0.01, 0.05, 0.3))

    def took_insertion(self, start: int, old_len: int) -> str | None:
        """After the app replaced expected[start:start+old_len] (a continuation or its
        retry): check the rest is untouched, take the new part, return it (None if the
        app changed anything else)."""
        text = self.editor.toPlainText()
        tail = self.expected[start + old_len :]
        new_len = len(text) - len(self.expected) + old_len
        ok = text[:start] == self.expected[:start] and text[start + new_len :] == tail
        if not ok or new_len < 0:
            return None
        inserted = text[start : start + new_len]
        self.expected = text
        self.cursor = self.editor.textCursor().position()
        return inserted
