"""A 60-chapter book for the memory benchmark, built from Alice's Adventures in Wonderland
(public domain, tests/data/corpus/alice.txt): each of its 12 chapters cut into 5 at
paragraph ends, with the memory lines, chapter synopses and bible entries a writer would
keep (bench/data/alice_memory.toml)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from backend.story.binder import Chapter, Scene
from backend.story.project import Story, new_story

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "corpus" / "alice.txt"
DATA = ROOT / "bench" / "data" / "alice_memory.toml"
PARTS = 5


def paragraphs(text: str) -> list[str]:
    """Unwrapped paragraphs."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def original_chapters() -> list[tuple[str, list[str]]]:
    """(title, paragraphs) of the 12 chapters."""
    text = CORPUS.read_text("utf-8")
    pieces = re.split(r"(?m)^CHAPTER [IVXL]+\.\s*(.*)$", text)
    return [(pieces[i].strip(), paragraphs(pieces[i + 1])) for i in range(1, len(pieces), 2)]


def split_parts(paras: list[str], parts: int = PARTS) -> list[list[str]]:
    """`paras` cut into `parts` runs of about equal length."""
    total = sum(len(p) for p in paras)
    out: list[list[str]] = [[] for _ in range(parts)]
    done = 0
    for p in paras:
        k = min(parts - 1, done * parts // max(total, 1))
        out[k].append(p)
        done += len(p)
    return [o for o in out if o]


def chapter_texts() -> list[tuple[str, str]]:
    """(title, text) of the 60 chapters."""
    out = []
    for title, paras in original_chapters():
        for k, part in enumerate(split_parts(paras)):
            out.append((f"{title} ({k + 1})" if k else title, "\n\n".join(part)))
    return out


def build_book(folder: Path, *, notes: bool = True) -> Story:
    """The book as a story; with `notes`, the memory, synopses and bible too."""
    story = new_story(folder, title="Alice's Adventures in Wonderland")
    data = tomllib.loads(DATA.read_text("utf-8")) if notes else {}
    synopses = data.get("synopses", [])
    story.binder.chapters = [
        Chapter(
            title=title,
            synopsis=synopses[i] if i < len(synopses) else "",
            scenes=[Scene(title="Scene 1", text=text)],
        )
        for i, (title, text) in enumerate(chapter_texts())
    ]
    story.memory = data.get("memory", "")
    story.characters = data.get("characters", [])
    story.background = data.get("background", [])
    return story
