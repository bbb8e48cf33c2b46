"""The continuity check over a Story: findings with their evidence, the bible, names,
ages and time, dismissals kept in the project, facts turned into bible fields, and the
per-scene cache (only changed scenes are read again; a damaged cache is rebuilt)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from backend.story.binder import Chapter, Scene
from backend.story.facts import cache as cache_module
from backend.story.facts.bible import fact_to_bible
from backend.story.facts.cache import cache_path
from backend.story.facts.check import check_story
from backend.story.facts.dismissals import FILE_NAME, dismiss, dismissed_keys, undismiss
from backend.story.project import Story, new_story

FILLER = "The rain fell on the roofs of the town. Nobody went out."


def book(folder: Path, *chapters: str) -> Story:
    story = new_story(folder, title="Tale")
    story.binder.chapters = [
        Chapter(title=f"C{i}", scenes=[Scene(title="1", text=f"{FILLER}\n\n{text}")])
        for i, text in enumerate(chapters, start=1)
    ]
    return story


def test_attribute_finding_cites_both_sentences(tmp_path: Path) -> None:
    story = book(tmp_path / "t.inkling", "Anna had blue eyes.", FILLER, "Anna's brown eyes shone.")
    report = check_story(story)
    [finding] = report.findings
    assert (finding.kind, finding.subject) == ("attribute", "Anna")
    assert [(c.chapter, c.scene) for c in finding.evidence] == [(1, 1), (3, 1)]
    for cite in finding.evidence:
        scene = story.binder.scene(cite.scene_id)
        assert scene.text[cite.start : cite.end] == cite.quote
    assert "blue" in finding.message and "brown" in finding.message
    ids = [s.id for _c, s in story.binder.scenes()]
    assert report.open_scene_ids == {ids[0], ids[2]}


def test_consistent_book_has_no_findings(tmp_path: Path) -> None:
    story = book(tmp_path / "t.inkling", "Anna had blue eyes.", "Anna's eyes were blue.")
    assert check_story(story).findings == ()


def test_ages_allow_the_years_that_pass(tmp_path: Path) -> None:
    skipped = book(
        tmp_path / "a.inkling", "Clara was fifteen.", "Four years later the war ended.",
        "Clara was nineteen years old.",
    )  # fmt: skip
    assert check_story(skipped).findings == ()
    not_skipped = book(tmp_path / "b.inkling", "Clara was fifteen.", "Clara was nineteen.")
    assert [f.kind for f in check_story(not_skipped).findings] == ["age"]
    younger = book(
        tmp_path / "c.inkling", "Elias, who was forty, ran the mill.", "Elias was thirty."
    )
    assert [f.kind for f in check_story(younger).findings] == ["age"]


def test_death_then_speech(tmp_path: Path) -> None:
    story = book(tmp_path / "t.inkling", "Oskar was dead.", '"Come in," said Oskar.')
    [finding] = check_story(story).findings
    assert finding.kind == "death" and finding.subject == "Oskar"
    before = book(tmp_path / "u.inkling", '"Come in," said Oskar.', "Oskar was dead.")
    assert check_story(before).findings == ()


def test_text_against_the_bible(tmp_path: Path) -> None:
    story = book(tmp_path / "t.inkling", "Lorenzo had green eyes.", "Beatrix was twenty years old.")
    story.characters = [
        {"Name": "Lorenzo", "Appearance": "Dark eyes, black hair."},
        {"Name": "Beatrix", "Age": "12"},
    ]
    found = {(f.kind, f.subject): f for f in check_story(story).findings}
    assert set(found) == {("attribute", "Lorenzo"), ("age", "Beatrix")}
    assert found[("age", "Beatrix")].evidence[0].source == "bible"


def test_name_variants(tmp_path: Path) -> None:
    usual = ["Katarina laughed.", "Katarina waited.", "Katarina ate.", "Katarina slept."]
    story = book(tmp_path / "t.inkling", *usual, "Katerina took the bread.")
    [finding] = check_story(story).findings
    assert finding.kind == "name" and finding.subject == "Katarina"
    assert "Katerina" in finding.message and len(finding.evidence) == 2


def test_chinese_contradictions(tmp_path: Path) -> None:
    story = book(
        tmp_path / "t.inkling",
        "赵庄离鲁镇有三里。",
        "老栓已经死了。",
        "鲁镇离赵庄有二十里。",
        "老栓说：“进来坐吧。”",
    )
    assert {f.kind for f in check_story(story).findings} == {"distance", "death"}


def test_dismissal_hides_a_finding_for_the_same_evidence(tmp_path: Path) -> None:
    story = book(tmp_path / "t.inkling", "Anna had blue eyes.", "Anna's brown eyes shone.")
    story.folder.mkdir()
    [finding] = check_story(story).findings
    dismiss(story.folder, finding.key)
    assert finding.key in dismissed_keys(story.folder)
    report = check_story(story)
    assert report.findings == () and report.dismissed == 1 and report.open_scene_ids == set()
    # Other text changing keeps the dismissal; the evidence changing does not.
    story.binder.chapters[0].scenes[0].text += "\n\nNothing else happened."
    assert check_story(story).findings == ()
    story.binder.chapters[1].scenes[0].text = "Anna's green eyes shone."
    assert len(check_story(story).findings) == 1
    undismiss(story.folder, finding.key)
    assert dismissed_keys(story.folder) == frozenset()
    with pytest.raises(ValueError):
        dismiss(story.folder, "../../etc")


def test_hostile_dismissal_files_are_ignored(tmp_path: Path) -> None:
    folder = tmp_path / "t.inkling"
    folder.mkdir()
    (folder / FILE_NAME).write_text('dismissed = ["attribute:zz", 3, ' + "[" * 40 + "]" * 40 + "]")
    assert dismissed_keys(folder) == frozenset()
    outside = tmp_path / "outside.toml"
    outside.write_text('dismissed = ["attribute:0123456789abcdef0123"]')
    (folder / FILE_NAME).unlink()
    os.symlink(outside, folder / FILE_NAME)
    assert dismissed_keys(folder) == frozenset()


def test_fact_to_bible(tmp_path: Path) -> None:
    story = book(tmp_path / "t.inkling", "Anna had blue eyes.", "Anna was fifteen.")
    story.characters = [{"Name": "Anna", "Appearance": "Tall."}]
    report = check_story(story)
    eyes = next(f for f in report.facts if f.attribute == "eyes")
    age = next(f for f in report.facts if f.kind == "age")
    entry = fact_to_bible(story, eyes)
    assert entry is story.characters[0] and entry["Appearance"] == "Tall; blue eyes"
    fact_to_bible(story, eyes)
    assert entry["Appearance"] == "Tall; blue eyes"  # not added twice
    assert fact_to_bible(story, age)["Age"] == "15"
    [eyes_again] = [
        f for f in check_story(story).facts if f.attribute == "eyes" and f.cite.source == "bible"
    ]
    assert eyes_again.value == "blue"


def test_cache_reads_only_changed_scenes(tmp_path: Path, monkeypatch) -> None:
    story = book(tmp_path / "t.inkling", "Anna had blue eyes.", FILLER, "Anna's brown eyes shone.")
    cache = tmp_path / "cache"
    first = check_story(story, cache)
    read: list[str] = []
    real = cache_module.read_scene

    def counting(text: str):  # type: ignore[no-untyped-def]
        read.append(text)
        return real(text)

    monkeypatch.setattr(cache_module, "read_scene", counting)
    assert check_story(story, cache).findings == first.findings and read == []
    story.binder.chapters[1].scenes[0].text += "\n\nAnna was tall."
    again = check_story(story, cache)
    assert len(read) == 1 and again.findings == first.findings


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b"[" * 100 + b"]" * 100,
        json.dumps({"version": 1, "scenes": {"x": {"hash": "h", "said": [[1] * 8]}}}).encode(),
    ],
)
def test_damaged_cache_is_rebuilt(tmp_path: Path, payload: bytes) -> None:
    story = book(tmp_path / "t.inkling", "Anna had blue eyes.", "Anna's brown eyes shone.")
    path = cache_path(tmp_path / "cache", story.folder)
    path.parent.mkdir(parents=True)
    path.write_bytes(payload)
    report = check_story(story, tmp_path / "cache")
    assert len(report.findings) == 1
    assert json.loads(path.read_text())["version"] == 1


def test_cached_entry_with_bad_offsets_is_not_trusted(tmp_path: Path) -> None:
    story = book(tmp_path / "t.inkling", "Anna had blue eyes.", "Anna's brown eyes shone.")
    cache = tmp_path / "cache"
    check_story(story, cache)
    path = cache_path(cache, story.folder)
    data = json.loads(path.read_text())
    for entry in data["scenes"].values():
        for item in entry["said"]:
            item[5] = 10**9  # an end far past the text
    path.write_text(json.dumps(data))
    [finding] = check_story(story, cache).findings
    assert all(c.quote for c in finding.evidence)
