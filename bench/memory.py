"""Long-book memory benchmark on the bundled model (bench for the context assembly).

The book: Alice's Adventures in Wonderland cut into 60 chapters (bench/alice_book.py),
with the memory lines, chapter synopses and bible entries of bench/data/alice_memory.toml.
At places in its later half (chapters 31-60), three ways of building the prompt are
compared (suggestions in a story get 2,048 tokens, a plain document 1,536). Absent names
are counted in chapters 21-60, continuations and keystrokes in chapters 31-60:

  recent     recent text only: the last 3,000 characters of the book for names and
             continuations, and for keystroke savings the window the editor sends for a
             plain document (anchored in steps, up to 1,536 tokens), as before
  retrieval  day one: the assembly with no memory, synopses or bible, just recalled
             passages of the book so far and the lead-in from the chapter before
  drafts     day one with drafts: as retrieval, plus what day_one_drafts makes of the
             book so far (extractive chapter synopses, a drafted cast with the story
             facts cited before the place, a memory line naming the cast)
  imported   as drafts, but drafted from the whole book, as on import: the drafts an
             imported novel has (the index still holds only the text before the place;
             like the hand-written synopses of "full", a chapter's draft tells of all of it)
  full       memory, story so far, this chapter, lore, recalled passages, recent text

The index only ever holds the text before the place (no peeking at what comes next).

Measures: absent-name recall (suggestions asked at the start of a cast name that does not
occur in the last 3,000 characters: share whose first word is that name); invented-name
rate and cast recall of 48-token continuations; keystroke savings (KSR) on two later
passages with the harness of bench/inline.py, with warm first-token latency and prompt
size; and draft synopses (extractive and model-written) against the hand-written ones.
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from alice_book import build_book, chapter_texts
from common import bundled_model_path, median, percentile
from inline import simulate

from backend.engines.llamacpp import LlamaCppEngine
from backend.engines.params import SamplerParams
from backend.jobs.kinds import ContinueJob, SuggestJob, SynopsisJob, text_stream
from backend.jobs.suggest import CHARS_PER_TOKEN, SuggestOptions, clean_suggestion
from backend.story.facts.check import check_story
from backend.story.memory.assembly import Assembly, BookContext
from backend.story.memory.drafts import BookDrafts, day_one_drafts
from backend.story.memory.position import book_context, scene_texts
from backend.story.memory.recall import build_index
from backend.story.memory.synopsis import extractive_synopsis
from backend.story.project import Story
from backend.text.terms import names_in, search_terms
from backend.text.windows import window_start

RECENT_CHARS = 3000
CAST = [
    "Rabbit",
    "Mouse",
    "Dodo",
    "Lory",
    "Duck",
    "Eaglet",
    "Bill",
    "Lizard",
    "Caterpillar",
    "Pigeon",
    "Duchess",
    "Cat",
    "Cheshire",
    "Hatter",
    "Hare",
    "March",
    "Dormouse",
    "Queen",
    "King",
    "Knave",
    "Gryphon",
    "Mock",
    "Turtle",
    "Dinah",
    "Footman",
    "Cook",
]
SECOND_WORDS = {"Cat": "Cheshire", "Turtle": "Mock", "Hare": "March", "Rabbit": "White",
                "Lizard": "Bill,"}  # fmt: skip
CONDITIONS = ("recent", "retrieval", "drafts", "imported", "full")
OPTIONS = SuggestOptions()


class Book:
    """The benchmark book as one string, with where each chapter starts."""

    def __init__(self) -> None:
        self.chapters = [text for _title, text in chapter_texts()]
        self.starts: list[int] = []
        text = ""
        for chapter in self.chapters:
            self.starts.append(len(text))
            text += chapter + "\n\n"
        self.text = text

    def chapter_at(self, i: int) -> int:
        return max(k for k, s in enumerate(self.starts) if s <= i)


def absent_name_places(book: Book, first_chapter: int = 20) -> list[tuple[int, str]]:
    """(offset, name) where a cast name starts that is not in the last 3,000 characters."""
    out = []
    for m in re.finditer(r"(?<=[ ‘'\"(\n])(" + "|".join(CAST) + r")\b", book.text):
        i, name = m.start(), m.group()
        if book.chapter_at(i) < first_chapter or name in book.text[i - RECENT_CHARS : i]:
            continue
        before = book.text[:i].split()[-1:] or [""]
        if SECOND_WORDS.get(name) == before[0]:
            continue  # the second word of a two-word name: the first already says it
        out.append((i, name))
    return out


class Setup:
    """The stories (with and without the writer's notes) and the request builders."""

    def __init__(self, engine: LlamaCppEngine, folder: Path) -> None:
        self.engine = engine
        self.book = Book()
        self.full = build_book(folder / "full.inkling", notes=True)
        self.bare = build_book(folder / "bare.inkling", notes=False)
        self.facts = check_story(self.bare).facts  # filtered to those cited before a place
        self.imported: BookDrafts | None = None

    def context(self, condition: str, i: int) -> tuple[str, BookContext, int]:
        """(text before the place, book context, offset) for a place in the book."""
        if condition == "recent":
            start = max(0, i - RECENT_CHARS)
            return self.book.text[start:i], BookContext(), start
        story: Story = self.full if condition == "full" else self.bare
        ch = self.book.chapter_at(i)
        cursor = i - self.book.starts[ch]
        texts = {}
        for n, chapter in enumerate(story.binder.chapters):
            scene = chapter.scenes[0]
            texts[scene.id] = scene.text if n < ch else (scene.text[:cursor] if n == ch else "")
        index, _ = build_index(scene_texts(story, texts), None)
        scene = story.binder.chapters[ch].scenes[0]
        drafts = None
        if condition == "imported":
            if self.imported is None:
                self.imported = day_one_drafts(story, facts=self.facts)
            drafts = self.imported
        if condition == "drafts":
            facts = [f for f in self.facts if (f.cite.chapter - 1, f.cite.end) < (ch, cursor)]
            drafts = day_one_drafts(story, texts=texts, facts=facts)
        book = book_context(story, scene.id, index=index, texts=texts, drafts=drafts)
        return scene.text[:cursor], book, 0

    def suggest(
        self, before: str, book: BookContext, offset: int
    ) -> tuple[str, Assembly, float | None, float]:
        started = time.perf_counter()
        first = None
        parts: list[str] = []
        asm: Assembly | None = None
        job = SuggestJob(before, len(before), OPTIONS, book=book, offset=offset)
        for out in job.run(self.engine, threading.Event(), lambda _s: None):
            if isinstance(out, Assembly):
                asm = out
                continue
            if first is None:
                first = (time.perf_counter() - started) * 1000
            parts.append(out)
        assert asm is not None
        return clean_suggestion("".join(parts)), asm, first, (time.perf_counter() - started) * 1000


def absent_name_recall(setup: Setup, limit: int) -> dict[str, dict]:
    places = absent_name_places(setup.book)[:limit]
    out = {}
    for condition in CONDITIONS:
        hits, examples = 0, []
        for i, name in places:
            text, _asm, _f, _ = setup.suggest(*setup.context(condition, i))
            first = (re.findall(r"[A-Za-z']+", text) or [""])[0]
            hits += first == name
            examples.append(f"{name}:{text.strip()[:24]!r}")
        out[condition] = {"recall": hits / max(1, len(places)), "hits": hits, "places": len(places),
                          "examples": examples[:8]}  # fmt: skip
        print(f"absent-name recall [{condition}]: {hits}/{len(places)}", flush=True)
    return out


def continuation_places(book: Book, count: int) -> list[int]:
    """Paragraph starts spread over chapters 31-60."""
    out = []
    for k in range(count):
        ch = 30 + (k * 30) // count
        start = book.starts[ch]
        para = book.chapters[ch].find("\n\n", len(book.chapters[ch]) // 2)
        out.append(start + (para + 2 if para != -1 else len(book.chapters[ch]) // 2))
    return out


def continuations(setup: Setup, count: int) -> dict[str, dict]:
    known = set(re.findall(r"[A-Z][a-z]+", setup.book.text))
    for entry in (*setup.full.characters, *setup.full.background):
        known |= set(re.findall(r"[A-Z][a-z]+", " ".join(map(str, entry.values()))))
    out = {}
    places = continuation_places(setup.book, count)
    for condition in CONDITIONS:
        names = invented = cast_hits = 0
        for k, i in enumerate(places):
            before, book, _offset = setup.context(condition, i)
            params = SamplerParams(max_tokens=48, seed=100 + k)
            job = ContinueJob(before, params, book=book)
            text = "".join(text_stream(job, setup.engine))
            found = names_in(text)
            names += len(found)
            invented += sum(1 for n in found if n not in known)
            chapter = setup.book.chapters[setup.book.chapter_at(i)]
            present = {n for n in CAST if n in chapter and n not in ("March", "Mock", "Cheshire")}
            cast_hits += any(re.search(rf"\b{n}\b", text) for n in present)
        out[condition] = {
            "invented_rate": invented / max(1, names), "names": names, "invented": invented,
            "cast_recall": cast_hits / len(places), "continuations": len(places),
        }  # fmt: skip
        print(f"continuations [{condition}]: {out[condition]}", flush=True)
    return out


def _typist(
    setup: Setup, condition: str, book: BookContext, ch: int, sizes: list[float]
) -> Callable[[str], tuple[str, float | None, float]]:
    """The suggestion function the typing harness calls with the book up to the cursor."""

    def run(doc: str) -> tuple[str, float | None, float]:
        if condition == "recent":
            # As the window sends a plain document: a window anchored in large steps.
            offset = window_start(len(doc), OPTIONS.context_tokens * CHARS_PER_TOKEN)
            text, asm, first, full = setup.suggest(doc[offset:], BookContext(), offset)
        else:
            text, asm, first, full = setup.suggest(doc[setup.book.starts[ch] :], book, 0)
        sizes.append(float(asm.total_tokens))
        return text, first, full

    return run


def keystrokes(setup: Setup, chars: int) -> dict[str, dict]:
    out = {}
    for condition in CONDITIONS:
        ksr, ttfts, sizes, requests = [], [], [], 0
        for ch in (44, 54):
            start = setup.book.starts[ch] + 600
            target = setup.book.text[start : start + chars]
            _before, book, _ = setup.context(condition, start)  # the index as typing starts
            result = simulate(
                _typist(setup, condition, book, ch, sizes), setup.book.text[:start], target
            )
            ksr.append(result["ksr"])
            ttfts += result["ttfts"]
            requests += result["requests"]
        out[condition] = {
            "ksr": sum(ksr) / len(ksr), "requests": requests,
            "ttft_p50_ms": median(ttfts), "ttft_p95_ms": percentile(ttfts, 95),
            "prompt_tokens_median": median(sizes),
        }  # fmt: skip
        print(f"keystrokes [{condition}]: {out[condition]}", flush=True)
    return out


def overlap(draft: str, reference: str) -> tuple[float, float]:
    """(F1 of content words, share of the reference's names) of a draft synopsis."""
    a, b = set(search_terms(draft)), set(search_terms(reference))
    f1 = 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0
    names = set(names_in(reference)) - {"Alice"}
    found = sum(1 for n in names if n in draft)
    return f1, (found / len(names) if names else 1.0)


def synopses(setup: Setup, step: int) -> dict[str, dict]:
    hand = [c.synopsis for c in setup.full.binder.chapters]
    scores: dict[str, list[tuple[float, float]]] = {"extractive": [], "model": []}
    samples = {}
    for n in range(0, 60, step):
        text = setup.book.chapters[n]
        drafts = {"extractive": extractive_synopsis(text)}
        job = SynopsisJob(text, "chapter", seed=1)
        drafts["model"] = "".join(text_stream(job, setup.engine))
        for how, draft in drafts.items():
            scores[how].append(overlap(draft, hand[n]))
        if n in (0, 42):
            samples[n + 1] = drafts
    out = {}
    for how, pairs in scores.items():
        out[how] = {
            "word_f1": sum(p[0] for p in pairs) / len(pairs),
            "name_recall": sum(p[1] for p in pairs) / len(pairs),
            "chapters": len(pairs),
        }
        print(f"synopsis drafts [{how}]: {out[how]}", flush=True)
    out["samples"] = samples
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=60, help="absent-name places")
    parser.add_argument("--continuations", type=int, default=20)
    parser.add_argument("--typed", type=int, default=600, help="characters typed per passage")
    parser.add_argument("--synopsis-step", type=int, default=3)
    parser.add_argument("--only", choices=("names", "continue", "ksr", "synopsis"))
    parser.add_argument("--conditions", default="recent,retrieval,drafts,imported,full")
    args = parser.parse_args()
    global CONDITIONS
    CONDITIONS = tuple(args.conditions.split(","))
    engine = LlamaCppEngine(bundled_model_path())
    engine.load()
    results: dict[str, object] = {}
    steps: dict[str, Callable[[Setup], object]] = {
        "names": lambda s: absent_name_recall(s, args.places),
        "continue": lambda s: continuations(s, args.continuations),
        "ksr": lambda s: keystrokes(s, args.typed),
        "synopsis": lambda s: synopses(s, args.synopsis_step),
    }
    with tempfile.TemporaryDirectory() as tmp:
        setup = Setup(engine, Path(tmp))
        for name, step in steps.items():
            if args.only in (None, name):
                started = time.perf_counter()
                results[name] = step(setup)
                print(f"({name}: {time.perf_counter() - started:.0f} s)", flush=True)
    engine.close()
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
