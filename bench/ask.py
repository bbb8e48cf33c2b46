"""Ask the book: how often the right chapter is among the top answers, and how fast.

Two books and their question sets (bench/data/ask/):

  alice     the 60-chapter Alice book of bench/alice_book.py, 48 questions in English
  guxiang   Lu Xun's 故乡 (tests/data/corpus/guxiang.txt) cut into chapters of two scenes
            of a few sentences each, 18 questions in Chinese

Each question lists the chapters whose text answers it. The questions were written before
the ranking was tuned; those marked "dev" were looked at while tuning, the "held" ones
were not, and the held-out figure is the one to quote. Retrieval only (no model): the
model's sentence is measured, if at all, by `--model` on a few questions.

Prints the share of questions whose top answer is in a right chapter (top 1) and whose top
three hold one (top 3), per book and set, the misses, the time to build the index and to
answer; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
import tomllib
from pathlib import Path

from alice_book import build_book
from common import ROOT, median, percentile

from backend.story.binder import Chapter, Scene
from backend.story.memory.ask import ask_book
from backend.story.memory.position import story_index
from backend.story.project import Story, new_story
from backend.text.words import warm_up

DATA = ROOT / "bench" / "data" / "ask"
GUXIANG = ROOT / "tests" / "data" / "corpus" / "guxiang.txt"
SCENE_CHARS = 60  # a Chinese scene: sentences up to about this many characters
_CJK_SENTENCE = re.compile(r"[^。！？]+[。！？]*[”」]?")


def guxiang_scenes() -> list[str]:
    """故乡 cut into scenes of whole sentences (paragraph breaks kept inside a scene)."""
    text = GUXIANG.read_text("utf-8")
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    scenes: list[str] = []
    current = ""
    for para in paragraphs:
        for sentence in _CJK_SENTENCE.findall(para):
            current += sentence
            if len(current) >= SCENE_CHARS:
                scenes.append(current)
                current = ""
        if current:
            current += "\n\n"
    if current.strip():
        scenes.append(current.strip())
    return scenes


def build_guxiang(folder: Path) -> Story:
    """故乡 as a story: chapters of two scenes."""
    story = new_story(folder, title="故乡")
    scenes = guxiang_scenes()
    story.binder.chapters = [
        Chapter(
            title=f"第{n // 2 + 1}章",
            scenes=[Scene(title=f"场景{k + 1}", text=t) for k, t in enumerate(scenes[n : n + 2])],
        )
        for n in range(0, len(scenes), 2)
    ]
    return story


def chapter_text(story: Story, number: int) -> str:
    """The text of chapter `number` (from 1), its scenes joined."""
    return "\n\n".join(s.text for s in story.binder.chapters[number - 1].scenes)


def load_questions(name: str) -> list[dict]:
    """The question set of a book, each checked against its evidence."""
    data = tomllib.loads((DATA / f"{name}.toml").read_text("utf-8"))
    return list(data["question"])


def check_evidence(story: Story, questions: list[dict]) -> list[str]:
    """Questions whose evidence is in none of their chapters (a broken key)."""
    bad = []
    for q in questions:
        texts = " ".join(" ".join(chapter_text(story, c).split()) for c in q["chapters"])
        if not re.search(q["evidence"], texts):
            bad.append(q["text"])
    return bad


def run_book(name: str, story: Story, cache: Path) -> dict:
    """Answer every question of a book; the scores per set, misses and times."""
    questions = load_questions(name)
    broken = check_evidence(story, questions)
    warm_up()  # the window loads jieba's dictionary at start; its first use is not an answer
    started = time.perf_counter()
    index, _ = story_index(story, cache)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    index, _ = story_index(story, cache)
    warm = time.perf_counter() - started
    sets: dict[str, dict[str, float]] = {}
    times: list[float] = []
    misses = []
    for q in questions:
        started = time.perf_counter()
        answer = ask_book(story, q["text"], index=index, count=5)
        times.append((time.perf_counter() - started) * 1000)
        got = [c.chapter for c in answer.citations]
        want = set(q["chapters"])
        top1 = bool(got[:1]) and got[0] in want
        top3 = bool(want & set(got[:3]))
        row = sets.setdefault(q["set"], {"questions": 0, "top1": 0, "top3": 0})
        row["questions"] += 1
        row["top1"] += top1
        row["top3"] += top3
        if not top3:
            misses.append({"set": q["set"], "q": q["text"], "want": sorted(want), "got": got[:3],
                           "quote": answer.citations[0].quote[:80] if got else ""})  # fmt: skip
    for row in sets.values():
        row["top1_share"] = row["top1"] / row["questions"]
        row["top3_share"] = row["top3"] / row["questions"]
    chapters = len(story.binder.chapters)
    return {
        "chapters": chapters, "passages": len(index), "sets": sets, "misses": misses,
        "broken_keys": broken, "index_cold_s": cold, "index_warm_s": warm,
        "ask_ms_p50": median(times), "ask_ms_p95": percentile(times, 95),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", choices=("alice", "guxiang"), help="one book only")
    parser.add_argument("--misses", action="store_true", help="print every miss")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        books = {
            "alice": lambda: build_book(Path(tmp) / "alice.inkling", notes=False),
            "guxiang": lambda: build_guxiang(Path(tmp) / "guxiang.inkling"),
        }
        for name, build in books.items():
            if args.book not in (None, name):
                continue
            out = run_book(name, build(), Path(tmp) / "cache")
            results[name] = out
            for set_name, row in sorted(out["sets"].items()):
                print(
                    f"{name} [{set_name}]: top 1 {row['top1']}/{row['questions']} "
                    f"({row['top1_share']:.0%}), top 3 {row['top3']}/{row['questions']} "
                    f"({row['top3_share']:.0%})",
                    flush=True,
                )
            print(
                f"{name}: {out['chapters']} chapters, {out['passages']} passages; index "
                f"{out['index_cold_s']:.2f} s cold, {out['index_warm_s']:.2f} s cached; "
                f"ask p50 {out['ask_ms_p50']:.1f} ms, p95 {out['ask_ms_p95']:.1f} ms",
                flush=True,
            )
            if out["broken_keys"]:
                print(f"{name}: evidence not found for {out['broken_keys']}")
            for miss in out["misses"] if args.misses else []:
                print(f"  miss {miss}")
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
