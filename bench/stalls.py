"""The longest event-loop stall for each activity, in the real window with the bundled model.

  suggestions    typing at a writer's pace (bench/soaklib.Typist) with suggestions streaming
  continuation   Ctrl+Enter continuations streaming (nothing typed)
  bible          characters generated in the story bible while the writer types on
  long document  typing at a writer's pace in the middle of a 150,000-word plain document,
                 suggestions on
  backup         typing at a writer's pace in a 150,000-word story project: twenty keys,
                 then File → Back Up Now and keys until the backup is done, over and
                 over; the stalls while backing up and between backups, suggestions on

A precise 4 ms timer measures how late the event loop comes back (soaklib.StallMeter): a
stall is time in which the window could not paint or take a key. QT_QPA_PLATFORM picks the
display (offscreen unless set; xvfb-run for a real X window). Goal: no stall over 16 ms.

    python bench/stalls.py [--only NAME] [--profile]

--profile adds a sampling of the GUI thread's slowest event-loop iterations (cProfile of
whatever ran during each stall over 8 ms). Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import unwrapped_corpus

ACTIVITIES = ("suggestions", "continuation", "bible", "long document", "backup")


def open_window():
    from soaklib import open_window as open_bench_window

    return open_bench_window(base_delay_ms=120, size=(1100, 800))


def type_for(app, window, typist, keys: int) -> None:
    from soaklib import pump

    for _ in range(keys):
        typist.key()
        pump(app, typist.pause())


def suggestions(app, window, meter, keys: int) -> None:
    from soaklib import Typist, pump

    typist = Typist(window.editor, unwrapped_corpus(), seed=3)
    type_for(app, window, typist, 100)  # warm-up: first requests, caches
    pump(app, 1.0)
    meter.reset()
    meter.activity = "suggestions"
    type_for(app, window, typist, keys)


def continuation(app, window, meter, runs: int) -> None:
    from soaklib import pump

    window.editor.setPlainText(unwrapped_corpus()[:3000])
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    pump(app, 1.0)  # the new text's layout and first paint are not the continuation's
    meter.reset()
    meter.activity = "continuation"
    for _ in range(runs):
        done: list[object] = []
        window.continuation_done.connect(done.append)
        window.start_continuation()
        while not done:
            pump(app, 0.01)
        window.continuation_done.disconnect(done.append)
        pump(app, 0.3)


def bible(app, window, meter, runs: int) -> None:
    from soaklib import Typist, pump

    window.bible.premise.setText("A lighthouse keeper hides a stranger from a winter storm")
    window.bible.genre.setText("gothic")
    typist = Typist(window.editor, unwrapped_corpus()[5000:], seed=5)
    for _ in range(runs):
        done: list[object] = []
        window.bible_done.connect(done.append)
        window.bible.add_entry("character")
        meter.activity = "bible"
        window.bible.generate_current()
        while not done:
            typist.key()
            pump(app, typist.pause())
        window.bible_done.disconnect(done.append)
        meter.activity = "idle"
        pump(app, 0.3)


def long_document(app, window, meter, keys: int) -> None:
    from soaklib import Typist, pump

    text = unwrapped_corpus()
    book = (text + "\n\n") * max(1, 150_000 // len(text.split()) + 1)
    window.editor.setPlainText(book)
    cursor = window.editor.textCursor()
    cursor.setPosition(len(book) // 2)
    window.editor.setTextCursor(cursor)
    window.editor.centerCursor()
    pump(app, 2.0)  # layout, counts, spelling settle
    typist = Typist(window.editor, text[20000:], seed=9, expected=book[: len(book) // 2])
    meter.reset()
    meter.activity = "long document"
    type_for(app, window, typist, keys)


def backup(app, window, meter, keys: int) -> None:
    """Type while the project is zipped on the keeping thread, one backup after another."""
    import tempfile
    from pathlib import Path

    from soaklib import Typist, pump

    from backend.story.binder import Chapter, Scene
    from backend.story.project import Story
    from backend.story.project_save import write_new_story

    text = unwrapped_corpus()
    words = text.split()
    folder = Path(tempfile.mkdtemp()) / "Long.inkling"
    story = Story(folder, title="Long")
    per_scene = 2500
    for n in range(150_000 // per_scene):
        start = (n * per_scene) % max(1, len(words) - per_scene)
        chunk = words[start : start + per_scene]
        # Paragraphs of about a hundred words, as prose has them.
        body = "\n\n".join(" ".join(chunk[i : i + 100]) for i in range(0, len(chunk), 100))
        story.binder.chapters.append(
            Chapter(title=f"Chapter {n + 1}", scenes=[Scene(title="Scene 1", text=body)])
        )
    write_new_story(story)
    assert window.documents.open(str(folder))
    editor = window.editor
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    pump(app, 2.0)
    keeping = window.book.keeping
    made: list[object] = []
    keeping.backed_up.connect(made.append)
    typist = Typist(editor, text[30000:], seed=11, expected=editor.toPlainText())
    meter.reset()
    typed = 0
    while typed < keys:
        # Twenty keys with nothing being backed up, then keys until a backup has finished:
        # the two activities' stalls side by side.
        meter.activity = "typing"
        for _ in range(20):
            typist.key()
            pump(app, typist.pause())
        keeping.back_up_now()
        meter.activity = "backup"
        while keeping.busy:
            typist.key()
            typed += 1
            pump(app, typist.pause())
        typed += 20
    meter.activity = "idle"
    print(f"backup: {len(made)} backups of {folder.name} while typing {typed} keys", flush=True)


class StallProfiler:
    """cProfile around each event-loop iteration; keeps the profiles of slow ones."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, str]] = []

    def wrap(self, key):
        """A Typist.key that is profiled like an event-loop iteration."""

        def profiled(typist) -> None:
            prof = cProfile.Profile()
            t = time.perf_counter()
            prof.enable()
            key(typist)
            prof.disable()
            self._keep(prof, (time.perf_counter() - t) * 1000)

        return profiled

    def _keep(self, prof: cProfile.Profile, ms: float) -> None:
        if ms > 8:
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(14)
            self.samples.append((ms, out.getvalue()))

    def run(self, app, seconds: float) -> None:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            prof = cProfile.Profile()
            t = time.perf_counter()
            prof.enable()
            app.processEvents()
            prof.disable()
            self._keep(prof, (time.perf_counter() - t) * 1000)
            time.sleep(0.001)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=ACTIVITIES)
    parser.add_argument("--keys", type=int, default=600)
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    import soaklib
    from soaklib import StallMeter

    profiler = StallProfiler() if args.profile else None
    if profiler is not None:
        soaklib.pump = profiler.run  # every pause in the activities is profiled
        soaklib.Typist.key = profiler.wrap(soaklib.Typist.key)  # and every keystroke
    app, window = open_window()
    meter = StallMeter()
    wanted = [args.only] if args.only else list(ACTIVITIES)
    stalls = {}
    for name in wanted:
        window.editor.clear()
        meter.reset()
        started = time.perf_counter()
        if name == "suggestions":
            suggestions(app, window, meter, args.keys)
        elif name == "continuation":
            continuation(app, window, meter, args.runs)
        elif name == "bible":
            bible(app, window, meter, args.runs)
        elif name == "backup":
            backup(app, window, meter, args.keys // 2)
        else:
            long_document(app, window, meter, args.keys // 2)
        report = stalls[name] = meter.report().get(name, {})
        if name == "backup":
            stalls["typing between backups"] = meter.report().get("typing", {})
            report = {"while backing up": report, "between": stalls["typing between backups"]}
        print(f"{name}: {report} in {time.perf_counter() - started:.0f} s", flush=True)
        meter.activity = "idle"
    result = {
        "platform": os.environ["QT_QPA_PLATFORM"],
        "stalls": stalls,
    }
    if profiler is not None:
        print(f"{len(profiler.samples)} iterations over 8 ms")
        for ms, text in sorted(profiler.samples, reverse=True)[:8]:
            print(f"--- {ms:.1f} ms\n{text}")
    window.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
