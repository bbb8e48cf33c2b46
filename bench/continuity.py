"""The continuity check, measured: recall per kind on planted contradictions (a tuning set
the rules were written against and a held-out set written apart from them), false alarms
on untouched books, and the time of a whole check of a ~150,000-word book and of a
re-check after one scene changed.

    .venv/bin/python bench/continuity.py [--json-only]

Books: the 60-chapter Alice (bench/alice_book.py, no bible), 《故乡》 (tests/data/corpus)
cut into 8 chapters, and for timing Alice six times over (360 chapters, the heroine
renamed in each copy). Items live in bench/data/continuity/*.toml; each is planted as new
paragraphs in the middle of its chapters. An item is found when a finding of its kind
names its subject and quotes one of its planted sentences."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.story.binder import Chapter, Scene
from backend.story.facts.check import check_story
from backend.story.facts.model import Finding
from backend.story.project import Story, new_story
from backend.text.counts import word_count
from backend.text.sentences import split_sentences
from bench.alice_book import build_book

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data" / "continuity"
GUXIANG = ROOT / "tests" / "data" / "corpus" / "guxiang.txt"
NAMES = ("Alice", "Mara", "Greta", "Nora", "Vera", "Ilona")


def chinese_book(folder: Path, chapters: int = 8) -> Story:
    """《故乡》 cut into `chapters` chapters of about equal length at sentence ends."""
    sentences = split_sentences(GUXIANG.read_text("utf-8"))
    size = -(-len(sentences) // chapters)
    story = new_story(folder, title="故乡")
    story.binder.chapters = [
        Chapter(
            title=f"第{i + 1}章", scenes=[Scene(title="1", text="".join(sentences[k : k + size]))]
        )
        for i, k in enumerate(range(0, len(sentences), size))
    ]
    return story


def long_book(folder: Path) -> Story:
    """Alice six times over, the heroine renamed in each copy: 360 chapters."""
    story = new_story(folder, title="Long")
    chapters = []
    for name in NAMES:
        for chapter in build_book(folder, notes=False).binder.chapters:
            text = chapter.scenes[0].text.replace("Alice", name)
            chapters.append(Chapter(title=chapter.title, scenes=[Scene(title="1", text=text)]))
    story.binder.chapters = chapters
    return story


def plant(story: Story, items: list[dict[str, Any]], sep: str) -> None:
    """Each item's sentences as new paragraphs in the middle of its chapters."""
    for item in items:
        for chapter, sentence in item["plant"]:
            scene = story.binder.chapters[chapter - 1].scenes[0]
            paras = scene.text.split(sep) if sep else split_sentences(scene.text)
            mid = len(paras) // 2
            scene.text = sep.join([*paras[:mid], sentence, *paras[mid:]])
        if "bible" in item:
            story.characters.append(dict(item["bible"]))


def _matches(item: dict[str, Any], finding: Finding) -> bool:
    if finding.kind != item["kind"]:
        return False
    names = {item["subject"].casefold(), item.get("variant", "").casefold()} - {""}
    subject = finding.subject.casefold()
    if not any(n in subject or (subject and subject in n) for n in names):
        return False
    planted = [s for _c, s in item["plant"]]
    return any(c.quote in s or s in c.quote for c in finding.evidence for s in planted)


def score(story: Story, items: list[dict[str, Any]], baseline: set[str]) -> dict[str, Any]:
    """Recall per kind, and findings that match no item and were not in the untouched book."""
    with tempfile.TemporaryDirectory() as cache:
        findings = check_story(story, Path(cache)).findings
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    matched: set[str] = set()
    misses = []
    for item in items:
        total[item["kind"]] += 1
        hits = [f for f in findings if _matches(item, f)]
        matched.update(f.key for f in hits)
        if hits:
            found[item["kind"]] += 1
        else:
            misses.append(f"{item['kind']}:{item['subject']}")
    extra = [f for f in findings if f.key not in matched and _plain(f) not in baseline]
    for f in extra:
        print(f"    extra: {f.kind}: {f.message}")
    recall = {k: round(found[k] / total[k], 3) for k in sorted(total)}
    return {
        "recall": round(sum(found.values()) / max(1, sum(total.values())), 3),
        "per_kind": recall,
        "items": sum(total.values()),
        "extra_findings": len(extra),
        "misses": misses,
    }


def _plain(finding: Finding) -> str:
    return f"{finding.kind}|{finding.subject}|{finding.message}"


def _items(name: str) -> list[dict[str, Any]]:
    return tomllib.loads((DATA / f"{name}.toml").read_text("utf-8"))["item"]


def timing(tmp: Path) -> dict[str, Any]:
    """Whole check of the long book with an empty cache, then a re-check after one edit."""
    story = long_book(tmp / "long.inkling")
    words = sum(word_count(s.text) for _c, s in story.binder.scenes())
    cache = tmp / "cache"
    start = time.perf_counter()
    report = check_story(story, cache)
    whole = time.perf_counter() - start
    start = time.perf_counter()
    check_story(story, cache)
    unchanged = time.perf_counter() - start
    scene = story.binder.chapters[200].scenes[0]
    scene.text += "\n\nShe had green eyes and walked home."
    start = time.perf_counter()
    check_story(story, cache)
    recheck = time.perf_counter() - start
    return {
        "words": words,
        "chapters": len(story.binder.chapters),
        "whole_check_s": round(whole, 2),
        "recheck_unchanged_s": round(unchanged, 3),
        "recheck_one_scene_s": round(recheck, 3),
        "findings": len(report.findings),
        "findings_list": [f"{f.kind}: {f.message}" for f in report.findings],
    }


def main() -> None:
    """Print the numbers, then one JSON line with all of them."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--show-tuning-misses", action="store_true")
    args = parser.parse_args()
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        alice = build_book(tmp / "alice.inkling", notes=False)
        with tempfile.TemporaryDirectory() as cache:
            untouched = check_story(alice, Path(cache)).findings
        zh = chinese_book(tmp / "zh.inkling")
        with tempfile.TemporaryDirectory() as cache:
            untouched_zh = check_story(zh, Path(cache)).findings
        out["alice_words"] = sum(word_count(s.text) for _c, s in alice.binder.scenes())
        out["false_alarms_alice"] = len(untouched)
        out["false_alarms_guxiang"] = len(untouched_zh)
        for label, finding in [("alice", f) for f in untouched] + [
            ("guxiang", f) for f in untouched_zh
        ]:
            print(f"  untouched {label}: {finding.kind}: {finding.message}")
        base_en = {_plain(f) for f in untouched}
        base_zh = {_plain(f) for f in untouched_zh}
        for name, base, make, sep in (
            ("tuning_en", base_en, lambda: build_book(tmp / "a.inkling", notes=False), "\n\n"),
            ("heldout_en", base_en, lambda: build_book(tmp / "b.inkling", notes=False), "\n\n"),
            ("tuning_zh", base_zh, lambda: chinese_book(tmp / "c.inkling"), ""),
            ("heldout_zh", base_zh, lambda: chinese_book(tmp / "d.inkling"), ""),
        ):
            story = make()
            plant(story, _items(name), sep)
            result = score(story, _items(name), base)
            if name.startswith("heldout"):
                result.pop("misses")  # never looked at while tuning
            elif not args.show_tuning_misses:
                result["misses"] = len(result["misses"])
            out[name] = result
            print(
                f"{name}: recall {result['recall']} over {result['items']} items, "
                f"per kind {result['per_kind']}, extra findings {result['extra_findings']}"
            )
        out["long_book"] = timing(tmp)
    long = out["long_book"]
    for line in long.pop("findings_list"):
        print(f"  long book: {line}")
    print(
        f"false alarms: Alice ({out['alice_words']} words) {out['false_alarms_alice']}, "
        f"故乡 {out['false_alarms_guxiang']}"
    )
    print(
        f"long book: {long['words']} words in {long['chapters']} chapters: whole check "
        f"{long['whole_check_s']} s, re-check unchanged {long['recheck_unchanged_s']} s, "
        f"after one scene edited {long['recheck_one_scene_s']} s, {long['findings']} findings"
    )
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
