"""A 150,000-word book: open, switch scenes, save a scene, find all, replace all, export
DOCX and EPUB, and the longest event-loop stall while typing 300 characters in a scene with
live counts and spell checking on. Prints JSON.

    python bench/project.py [--words 150000] [--suggestions]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from common import bundled_model_path, unwrapped_corpus

CHAPTERS, SCENES = 60, 3


def build_story(folder: Path, words: int):
    """60 chapters × 3 scenes of corpus prose, repeated to `words` words, saved to disk."""
    from backend.story.binder import Chapter, Scene
    from backend.story.project import Story
    from backend.story.project_save import save_story

    paragraphs = unwrapped_corpus().split("\n\n")
    per_scene = words // (CHAPTERS * SCENES)
    story = Story(folder, title="Bench Book", author="A. Bencher")
    index = 0
    for c in range(CHAPTERS):
        chapter = Chapter(title=f"Chapter {c + 1}")
        for s in range(SCENES):
            chunk: list[str] = []
            count = 0
            while count < per_scene:
                paragraph = paragraphs[index % len(paragraphs)]
                index += 1
                chunk.append(paragraph)
                count += len(paragraph.split())
            chapter.scenes.append(Scene(title=f"Scene {s + 1}", text="\n".join(chunk)))
        story.binder.chapters.append(chapter)
    save_story(story)
    return story


def timed(fn, repeat: int = 1) -> float:
    """Median milliseconds of `fn()`."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words", type=int, default=150_000)
    parser.add_argument("--suggestions", action="store_true", help="suggestions on while typing")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from backend.formats.book import book_from_story
    from backend.formats.export import write_book
    from backend.models.bundled import BUNDLED_NAME
    from backend.models.spec import ModelSpec
    from backend.storage.paths import app_paths
    from backend.story.project_read import load_story
    from backend.story.project_save import save_story
    from gui.window.main_window import MainWindow

    tmp = Path(tempfile.mkdtemp())
    folder = tmp / "Bench.inkling"
    story = build_story(folder, args.words)
    result: dict[str, float | int | str] = {}
    result["words"] = sum(len(s.text.split()) for _c, s in story.binder.scenes())
    result["backend_load_ms"] = round(timed(lambda: load_story(folder), 3), 1)

    app = QApplication.instance() or QApplication([])
    window = MainWindow(
        app_paths(tmp / "home"), ModelSpec("llamacpp", bundled_model_path(), BUNDLED_NAME)
    )
    window.prompts.save_changes = lambda _name: "discard"
    window.show()
    while not window.model_ready:
        app.processEvents()
        time.sleep(0.01)
    window.suggestions.set_enabled(args.suggestions)
    docs = window.documents
    result["open_ms"] = round(timed(lambda: docs.open(str(folder))), 1)
    project = docs.project
    ids = [s.id for _c, s in project.binder.scenes()]
    order = iter(ids[1::7] * 3)

    def switch() -> None:
        project.open_scene(next(order))
        app.processEvents()

    result["switch_scene_ms"] = round(timed(switch, 20), 2)
    scene = ids[5]
    project.open_scene(scene)
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    QTest.keyClicks(window.editor, " x")

    def save_one() -> None:
        QTest.keyClicks(window.editor, "y")
        docs.save()

    result["save_scene_ms"] = round(timed(save_one, 5), 1)
    find = window.book.find
    find.query.setText("Alice")
    find.scope.setCurrentIndex(1)
    hits: list[object] = []
    result["find_all_ms"] = round(timed(lambda: hits.extend(find.find_all()), 3), 1)
    result["find_all_hits"] = len(find.hits)
    find.replacement.setText("Alicia")
    find.confirm = lambda _q: True
    replaced = [0]
    result["replace_all_ms"] = round(timed(lambda: replaced.__setitem__(0, find.replace_all())), 1)
    result["replace_all_count"] = replaced[0]
    project.sync()
    book = docs.story
    assert book is not None
    result["export_docx_ms"] = round(
        timed(lambda: write_book(book_from_story(book), tmp / "b.docx")), 1
    )
    result["export_epub_ms"] = round(
        timed(lambda: write_book(book_from_story(book), tmp / "b.epub")), 1
    )
    result["save_whole_book_ms"] = round(timed(lambda: save_story(book)), 1)
    result["typing_max_stall_ms"] = typing_stall(app, window, ids[90])
    result["spellcheck"] = str(window.book.spelling.enabled)
    result["suggestions"] = str(args.suggestions)
    window.close()
    print(json.dumps(result, indent=2))


def typing_stall(app, window, scene_id: str, chars: int = 300) -> float:
    """Longest gap (ms) in a 5 ms ticker while 300 characters are typed at 90 ms each."""
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtTest import QTest

    window.documents.project.open_scene(scene_id)
    editor = window.editor
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    text = (unwrapped_corpus()[5000:5400].replace("\n", " ") * 2)[:chars]
    clock = QElapsedTimer()
    clock.start()
    last, worst, typed = [clock.elapsed()], [0], [0]

    def tick() -> None:
        now = clock.elapsed()
        worst[0] = max(worst[0], now - last[0] - 5)
        last[0] = now

    def type_one() -> None:
        if typed[0] < len(text):
            QTest.keyClicks(editor, text[typed[0]])
            typed[0] += 1

    ticker, typer = QTimer(), QTimer()
    ticker.timeout.connect(tick)
    typer.timeout.connect(type_one)
    ticker.start(5)
    typer.start(90)
    settle = clock.elapsed() + 500
    while typed[0] < len(text) or clock.elapsed() < settle:
        if typed[0] < len(text):
            settle = clock.elapsed() + 1500  # counts and spelling run after the last key
        app.processEvents()
        time.sleep(0.001)
    ticker.stop()
    typer.stop()
    return float(worst[0])


if __name__ == "__main__":
    main()
