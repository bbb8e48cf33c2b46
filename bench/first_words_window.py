"""How soon a styled continuation's first words show in the window (Ctrl+Enter), on the
bundled model: the first one in a session, one at a new place right after a suggestion there
(nothing read ahead for the style yet: the plain prompt it is guided against is the
suggestion's), and one asked for after the writer rested a moment (the window reads the
styled prompt ahead, gui/editor/continuation.py), a few words further on and on another page.

The window is real (offscreen by default; set DISPLAY and QT_QPA_PLATFORM=xcb to run it on
an X display such as Xvfb). A writer's page of Alice is in the editor, the style panel asks
for first person, past tense. Times run from the Ctrl+Enter key event to the first words
painted in the editor (a draft's shown part, or kept text). With --busy, another process
spins on one core throughout. Last, with suggestions off (as the runs above have them),
Ctrl+Enter at a new page after resting 1, 2.5 and 5 s there, with the window reading the
place at rest and, in turn, reading nothing (as before it did with suggestions off;
`--suggestions-off-only` runs only these). The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import tempfile
import time

from common import ROOT, bundled_model_path, median

CORPUS = ROOT / "tests" / "data" / "corpus" / "alice.txt"
PLACES = (20000, 21500, 23000)
TYPED = " She looked"  # typed before the second Ctrl+Enter at each place
MOVE = 6000  # characters further on: another page, where the writer rests before Ctrl+Enter
REST_S = (1.0, 2.5, 5.0)  # rests before Ctrl+Enter at a new page, suggestions off
# Between those pages: far enough that no page's prompt begins as another's.
OFF_STEP = 5500


def spin(seconds: float) -> None:
    """Keep one core busy."""
    end = time.perf_counter() + seconds
    x = 0
    while time.perf_counter() < end:
        x += 1


def run(rounds: int, paragraph_end: bool = False, off_only: bool = False) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from backend.models.bundled import BUNDLED_NAME
    from backend.models.spec import ModelSpec
    from backend.storage.paths import app_paths
    from gui.editor.positions import draft_display
    from gui.window.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow(
        app_paths(tempfile.mkdtemp()), ModelSpec("llamacpp", bundled_model_path(), BUNDLED_NAME)
    )
    window.prompts.save_changes = lambda _name: "discard"  # no dialog when the run ends
    window.show()

    def wait(done, limit: float = 600.0) -> None:  # type: ignore[no-untyped-def]
        deadline = time.perf_counter() + limit
        while not done():
            if time.perf_counter() > deadline:
                raise TimeoutError("the window did not get there in time")
            app.processEvents()
            time.sleep(0.002)

    wait(lambda: window.model_ready)
    # Ctrl+Enter is a shortcut of the active window: on an X display with no window manager
    # the window must be given the keyboard first.
    window.activateWindow()
    window.raise_()
    window.editor.setFocus()
    wait(lambda: QApplication.activeWindow() is window, limit=10.0)
    window.suggestions.set_enabled(False)  # only the continuation is timed
    panel = window.style_panel
    panel.pov.setCurrentIndex(panel.pov.findData("first"))
    panel.tense.setCurrentIndex(panel.tense.findData("past"))
    text = CORPUS.read_text("utf-8")
    doc = "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip())
    worker = window.model_thread.worker
    seen: list[float] = []
    # Words the writer can see: a draft's shown part, or kept text that is not only a break.
    # `first_line` is what a draft showed before one that opens a paragraph showed its words.
    first_line: list[float] = []

    def on_draft(_id: int, text: str) -> None:
        if draft_display(text).strip():
            seen.append(time.perf_counter())
        if text.split("\n", 1)[0].strip():
            first_line.append(time.perf_counter())

    def on_chunk(_id: int, text: str) -> None:
        if text.strip():
            seen.append(time.perf_counter())
            first_line.append(time.perf_counter())

    worker.draft_ready.connect(on_draft)
    worker.chunk_ready.connect(on_chunk)

    def first_words() -> float:
        seen.clear()
        first_line.clear()
        started = time.perf_counter()
        QTest.keyClick(window.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        wait(lambda: bool(seen) and bool(first_line))
        app.processEvents()  # painted
        took = seen[0] - started
        first_line_s.append(first_line[0] - started)
        window.continuation.stop()
        wait(lambda: not window.editor.inserting and not worker.busy())
        return took

    def rest() -> float:
        """The writer rests: after a request finishes the window waits PREPARE_DELAY_MS (or
        not at all after the place itself was read at rest), then reads ahead (the last
        request here is the continuation that was stopped). Returns the read-ahead's
        seconds, from its posting to its end."""
        controller = window.continuation
        controller._on_worker_finished(-1, None)  # type: ignore[arg-type]
        wait(lambda: controller.prepare_posted is not None)
        posted = time.perf_counter()
        wait(lambda: not worker.busy() and not controller._prepare_timer.isActive())
        controller.prepare_posted = None
        return time.perf_counter() - posted

    def page_end(place: int) -> int:
        """Where the page ends: at `place`, or with --paragraph-end at the end of the whole
        paragraph before it, so that the continuation opens a new one."""
        return doc.rfind("\n\n", 0, place) if paragraph_end else place

    def after_suggestion(place: int) -> float:
        """The writer types at a new place, a suggestion comes, and Ctrl+Enter goes before
        anything was read ahead for the style (the plain prompt is the suggestion's)."""
        window.editor.setPlainText(doc[: page_end(place)])
        window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
        wait(lambda: not worker.busy())
        window.continuation._styled_used = False
        window.suggestions.set_enabled(True)
        QTest.keyClicks(window.editor, TYPED)
        wait(lambda: bool(window.editor.ghost_text) and not worker.busy())
        window.suggestions.set_enabled(False)
        return first_words()

    def pause(seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.002)

    first_line_s: list[float] = []
    rest_read = window.continuation.is_rest_read

    def off_at_rest(place: int, rest_s: float, reads: bool) -> float:
        """Suggestions off: the writer (who has continued in a style before) comes to a new
        page, rests `rest_s` seconds and presses Ctrl+Enter. With `reads` the window reads
        the place at rest, then the styled prompt; without, it reads nothing (as it did for
        a writer with suggestions off)."""
        window.suggestions.read_at_rest = reads
        window.continuation.is_rest_read = rest_read if reads else (lambda _id: False)
        window.continuation._styled_used = True
        window.editor.setPlainText(doc[: page_end(place)])
        window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
        pause(rest_s)
        return first_words()

    def suggestions_off() -> dict:
        """Both ways in turn at each place and rest (the machine's speed drifts)."""
        runs: dict[str, dict[str, list[float]]] = {"reads_at_rest": {}, "reads_nothing": {}}
        pages = iter(range(40000, len(doc), OFF_STEP))  # a page of its own each time
        for rest_s in REST_S:
            for k in range(rounds):
                for reads in (True, False) if k % 2 == 0 else (False, True):
                    took = off_at_rest(next(pages), rest_s, reads)
                    mode = runs["reads_at_rest" if reads else "reads_nothing"]
                    mode.setdefault(f"{rest_s:g}", []).append(took)
        return {
            "suggestions_off_rested_s": {
                mode: {r: round(median(t), 3) for r, t in by_rest.items()}
                for mode, by_rest in runs.items()
            },
            "suggestions_off_all": {
                mode: {r: [round(x, 2) for x in t] for r, t in by_rest.items()}
                for mode, by_rest in runs.items()
            },
        }

    if off_only:
        out = suggestions_off()
        window.close()
        window.model_thread.stop()
        return out

    cold, rested, ahead, moved, ahead_moved, suggested = [], [], [], [], [], []
    for place in PLACES[:rounds]:
        suggested.append(after_suggestion(place + 3 * MOVE))
        window.editor.setPlainText(doc[: page_end(place)])
        window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
        wait(lambda: not worker.busy())
        window.continuation._styled_used = False  # no read-ahead here before Ctrl+Enter
        cold.append(first_words())
        QTest.keyClicks(window.editor, TYPED)
        ahead.append(rest())
        rested.append(first_words())
        # The writer goes to another page and rests there: the whole window is read ahead.
        window.editor.setPlainText(doc[: page_end(place + MOVE)])
        window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
        ahead_moved.append(rest())
        moved.append(first_words())
    off = suggestions_off()
    window.close()
    window.model_thread.stop()
    return {
        # Suggestions off, a new page, Ctrl+Enter after resting this many seconds.
        **off,
        "first_styled_s": round(median(cold), 3),
        "after_a_suggestion_s": round(median(suggested), 3),
        "after_a_suggestion_all": [round(x, 2) for x in suggested],
        "after_rest_s": round(median(rested), 3),
        "read_ahead_s": round(median(ahead), 3),
        "elsewhere_after_rest_s": round(median(moved), 3),
        "read_ahead_elsewhere_s": round(median(ahead_moved), 3),
        "first_styled_all": [round(x, 2) for x in cold],
        "after_rest_all": [round(x, 2) for x in rested],
        # The same Ctrl+Enters timed to a draft's first line, as the window showed drafts
        # before a draft opening a paragraph showed its words after a pilcrow.
        "first_line_all": [round(x, 2) for x in first_line_s],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--busy", action="store_true", help="spin on one core meanwhile")
    parser.add_argument(
        "--paragraph-end", action="store_true", help="continue after a whole paragraph"
    )
    parser.add_argument(
        "--suggestions-off-only", action="store_true", help="only the rests with suggestions off"
    )
    args = parser.parse_args()
    busy = None
    if args.busy:
        busy = multiprocessing.Process(target=spin, args=(3600.0,), daemon=True)
        busy.start()
    try:
        out = run(args.rounds, args.paragraph_end, args.suggestions_off_only)
    finally:
        if busy is not None:
            busy.terminate()
    out["busy_core"] = args.busy
    out["platform"] = os.environ.get("QT_QPA_PLATFORM", "")
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
