"""The continuity check over a whole Story: read every scene (from the cache where it did
not change), gather the facts with their citations and the bible's, and report the
findings the writer has not dismissed. Fast enough for a background thread after each
save: a re-check after one scene changed reads only that scene."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from backend.story.facts import names as name_rules
from backend.story.facts.bible import bible_facts
from backend.story.facts.cache import cache_path, scene_facts
from backend.story.facts.compare import find_all
from backend.story.facts.dismissals import dismissed_keys
from backend.story.facts.model import Citation, Fact, Report
from backend.story.facts.scene import SceneFacts
from backend.story.project import Story

MAX_SCENES = 20000


def numbered_scenes(story: Story) -> list[tuple[int, int, str, str]]:
    """(chapter, scene, scene id, text) of every readable scene, numbered from 1."""
    out: list[tuple[int, int, str, str]] = []
    for c, chapter in enumerate(story.binder.chapters, start=1):
        for s, scene in enumerate(chapter.scenes, start=1):
            if not scene.problem and len(out) < MAX_SCENES:
                out.append((c, s, scene.id, scene.text))
    return out


def check_story(story: Story, cache_dir: Path | None = None) -> Report:
    """The continuity check of `story`; the per-scene cache lives under `cache_dir`."""
    scenes = numbered_scenes(story)
    cache = cache_path(cache_dir, story.folder) if cache_dir is not None else None
    per_scene, note = scene_facts(((sid, text) for _c, _s, sid, text in scenes), cache)
    facts = bible_facts(story)
    counts: Counter[str] = Counter()
    firsts: dict[str, Citation] = {}
    lower: set[str] = set()
    for chapter, number, scene_id, text in scenes:
        found = per_scene[scene_id]
        facts += _cited(found, chapter, number, scene_id, text)
        lower.update(found.lower)
        for name, (count, start, end) in found.names.items():
            counts[name] += count
            firsts.setdefault(
                name, Citation(chapter, number, scene_id, text[start:end], start, end)
            )
    bible_names = [str(e.get("Name", "")) for e in story.characters if isinstance(e, dict)]
    book_names = name_rules.book_names(counts, lower, bible_names)
    variants = [
        (v, firsts[v.rare], firsts[v.usual])
        for v in name_rules.variants(book_names)
        if v.rare in firsts and v.usual in firsts
    ]
    found_all = find_all(facts, variants)
    dismissed = dismissed_keys(story.folder)
    open_findings = tuple(f for f in found_all if f.key not in dismissed)
    shown = tuple(f for f in facts if f.kind not in ("appearance", "time"))
    scene_ids = frozenset(sid for f in open_findings for sid in f.scene_ids())
    return Report(
        open_findings, shown, scene_ids, dismissed=len(found_all) - len(open_findings), note=note
    )


def _cited(found: SceneFacts, chapter: int, number: int, scene_id: str, text: str) -> list[Fact]:
    return [
        Fact(
            s.kind, s.subject, s.attribute, s.value,
            Citation(chapter, number, scene_id, text[s.start : s.end], s.start, s.end),
            s.other, s.number,
        )
        for s in found.said
    ]  # fmt: skip
