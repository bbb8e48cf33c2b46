"""Snapshots of scenes: every kept version reads back exactly, small edits cost little,
pruning keeps what it promises, and a damaged or hostile snapshots folder costs only what
is damaged and never reaches outside the project.

Projects are built at tmp_path/Story.inkling beside the `canary` folder (tmp_path/notes),
so a name such as ``../../notes/ideas`` reaches the canary if it were followed.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import shutil
import string
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backend.story import snapshots
from backend.story.snapshot_ops import snapshot_scenes
from backend.story.snapshots import (
    LOG_SUFFIX,
    OBJECT_SUFFIX,
    OBJECTS,
    SNAPSHOTS,
    Snapshot,
    SnapshotError,
    SnapshotStore,
    text_sha,
)

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus" / "alice.txt"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def blob(seed: int, size: int = 4000) -> str:
    """A text unlike any other seed's, so it is kept whole. One long word: comparing two
    unrelated texts of many words takes the word diff up to its time limit (seconds),
    which is not what these tests measure."""
    return "".join(random.Random(seed).choices(string.ascii_letters + string.digits, k=size))


def alice(words: int) -> str:
    return " ".join(CORPUS.read_text(encoding="utf-8").split(" ")[:words])


def make_project(tmp_path: Path) -> Path:
    folder = tmp_path / "Story.inkling"
    folder.mkdir()
    return folder


def log_of(folder: Path, scene: str) -> Path:
    return folder / SNAPSHOTS / f"{scene}{LOG_SUFFIX}"


def object_of(folder: Path, sha: str) -> Path:
    return folder / SNAPSHOTS / OBJECTS / f"{sha}{OBJECT_SUFFIX}"


def objects(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / SNAPSHOTS / OBJECTS).iterdir())


def read_all(folder: Path, scene: str) -> dict[str, str]:
    """Every snapshot's text by id, through a new store (nothing cached)."""
    store = SnapshotStore(folder)
    return {s.id: store.text_of(s) for s in store.history(scene).snapshots}


def line(**fields: object) -> bytes:
    """A log line: a valid one, changed by `fields` (None removes a field)."""
    sha = text_sha("a kept text")
    data: dict[str, object] = {
        "id": "0123abcd",
        "time": "2026-03-01T09:00:00.000Z",
        "cause": "manual",
        "name": "",
        "words": 3,
        "chars": 11,
        "sha256": sha,
        "base": sha,
    }
    data.update(fields)
    return json.dumps({k: v for k, v in data.items() if v is not None}).encode()


# --- round trip --------------------------------------------------------------------------
def test_many_versions_read_back_exactly(tmp_path: Path) -> None:
    folder = make_project(tmp_path)
    store = SnapshotStore(folder)
    rng = random.Random(7)
    text = alice(800)
    versions: list[tuple[Snapshot, str]] = []
    for n in range(40):
        if n % 10 == 5:
            text = blob(n)  # a rewrite: kept whole
        elif n % 10 == 7:
            text += "\n\n第二章 今天天气很好。😀 Ünïcödé\r\n"
        else:
            words = text.split(" ")
            words[rng.randrange(len(words))] = f"edit{n}"
            text = " ".join(words)
        snap = store.take("scene-1", text, "continuation", when=at(n))
        assert snap is not None
        versions.append((snap, text))
    history = store.history("scene-1")
    assert history.notes == []
    assert [s.id for s in history.snapshots] == [s.id for s, _t in reversed(versions)]
    fresh = read_all(folder, "scene-1")
    for snap, text in versions:
        assert fresh[snap.id] == text == store.text_of(snap)
    stored = [s.as_dict()["stored"] for s in history.snapshots]
    assert "delta" in stored and "whole" in stored
    newest = history.snapshots[0]
    assert newest.as_dict() == {
        "id": newest.id,
        "time": "2026-03-01T09:39:00Z",
        "cause": "continuation",
        "name": "",
        "words": newest.words,
        "chars": len(versions[-1][1]),
        "sha256": text_sha(versions[-1][1]),
        "stored": newest.as_dict()["stored"],
    }
    assert store.scenes() == ["scene-1"]


def test_an_empty_text_and_odd_characters_round_trip(tmp_path: Path) -> None:
    folder = make_project(tmp_path)
    store = SnapshotStore(folder)
    texts = ["", "\n", "😀👍🏽🇨🇳", "e\u0301 \u200b\t\r\n end", "我爱你们" * 100, ""]
    taken = [store.take("s", t, "manual", when=at(n)) for n, t in enumerate(texts)]
    assert all(s is not None for s in taken)
    fresh = read_all(folder, "s")
    assert [fresh[s.id] for s in taken if s is not None] == texts


def test_unknown_causes_and_long_names_are_tidied(tmp_path: Path) -> None:
    store = SnapshotStore(make_project(tmp_path))
    snap = store.take("s", "text", "Not A Cause!", name="  a\nname\twith   spaces " + "x" * 500)
    assert snap is not None and snap.cause == "manual"
    assert snap.name.startswith("a name with spaces x") and len(snap.name) == 200
    kept = store.history("s").snapshots[0]
    assert (kept.cause, kept.name) == ("manual", snap.name)


def test_identical_unnamed_text_is_not_kept_again_but_a_named_one_is(tmp_path: Path) -> None:
    folder = make_project(tmp_path)
    store = SnapshotStore(folder)
    first = store.take("s", "The bell rang.", "continuation", when=at(0))
    assert first is not None
    assert store.take("s", "The bell rang.", "continuation", when=at(1)) is None
    named = store.take("s", "The bell rang.", "manual", name="Before the fire", when=at(2))
    assert named is not None and named.name == "Before the fire"
    assert [s.id for s in store.history("s").snapshots] == [named.id, first.id]
    assert len(objects(folder)) == 1  # the named copy shares the text's one object
    # Going back to an earlier text is a new version again (it differs from the newest).
    store.take("s", "Changed.", "continuation", when=at(3))
    again = store.take("s", "The bell rang.", "continuation", when=at(4))
    assert again is not None and again.delta is None and again.base == first.sha256
    assert len(store.history("s").snapshots) == 4


def test_two_scenes_with_the_same_text_share_one_object(tmp_path: Path) -> None:
    folder = make_project(tmp_path)
    store = SnapshotStore(folder)
    text = blob(1)
    a = store.take("scene-a", text, "manual")
    b = store.take("scene-b", text, "manual")
    assert a is not None and b is not None
    assert objects(folder) == [f"{text_sha(text)}{OBJECT_SUFFIX}"]
    assert a.base == b.base == text_sha(text)
    assert read_all(folder, "scene-a") == {a.id: text}
    assert read_all(folder, "scene-b") == {b.id: text}
    assert sorted(store.scenes()) == ["scene-a", "scene-b"]
    # Written once: gzip'd, readable with gunzip.
    raw = gzip.decompress(object_of(folder, text_sha(text)).read_bytes())
    assert raw.decode("utf-8") == text


# --- size ----------------------------------------------------------------------------------
def test_small_edits_are_deltas_far_smaller_than_whole_copies(tmp_path: Path) -> None:
    folder = make_project(tmp_path)
    store = SnapshotStore(folder)
    base = alice(5000)
    whole = len(gzip.compress(base.encode("utf-8")))
    assert store.take("s", base, "manual", when=at(0)) is not None
    rng = random.Random(3)
    words = base.split(" ")
    texts = []
    for n in range(100):
        # Each version is the scene with one word of it changed (an edit, then undone).
        changed = list(words)
        changed[rng.randrange(len(changed))] = f"changed{n}"
        texts.append(" ".join(changed))
        snap = store.take("s", texts[-1], "continuation", when=at(n + 1))
        assert snap is not None and snap.delta is not None
        assert snap.line_bytes < whole / 10
    assert len(objects(folder)) == 1
    assert store.usage() < 10 * whole
    fresh = read_all(folder, "s")
    assert sorted(fresh.values()) == sorted([base, *texts])


def test_edits_piling_up_still_cost_far_less_than_whole_copies(tmp_path: Path) -> None:
    folder = make_project(tmp_path)
    store = SnapshotStore(folder)
    text = alice(5000)
    versions = [text]
    store.take("s", text, "manual", when=at(0))
    rng = random.Random(5)
    words = text.split(" ")
    for n in range(50):
        words[rng.randrange(len(words))] = f"changed{n}"
        versions.append(" ".join(words))
        assert store.take("s", versions[-1], "continuation", when=at(n + 1)) is not None
    every_copy = sum(len(gzip.compress(v.encode("utf-8"))) for v in versions)
    assert store.usage() < every_copy / 5
    history = store.history("s")
    assert [store.text_of(s) for s in reversed(history.snapshots)] == versions


def test_a_rewrite_is_kept_whole(tmp_path: Path) -> None:
    folder = make_project(tmp_path)
    store = SnapshotStore(folder)
    store.take("s", blob(1), "manual")
    snap = store.take("s", blob(2), "rewrite")
    assert snap is not None and snap.delta is None and snap.cause == "rewrite"
    assert len(objects(folder)) == 2


# --- pruning -------------------------------------------------------------------------------
def pruning_project(tmp_path: Path) -> tuple[Path, dict[int, Snapshot], dict[int, str]]:
    """Two scenes, nine snapshots at minutes 0..8; 1 and 4 are named, 7 and 8 are the
    scenes' newest, 7 is a small edit of 5 (a delta based on 5's text)."""
    folder = make_project(tmp_path)
    store = SnapshotStore(folder)
    plan = [
        ("a", blob(10), ""),
        ("b", blob(11), "Draft one"),
        ("a", blob(12), ""),
        ("b", blob(13), ""),
        ("a", blob(14), "Before the fire"),
        ("a", blob(15), ""),
        ("b", blob(16), ""),
        ("a", blob(15) + " and then the bell rang.", ""),
        ("b", blob(18), ""),
    ]
    snaps, texts = {}, {}
    for n, (scene, text, name) in enumerate(plan):
        snap = store.take(scene, text, "continuation", name=name, when=at(n))
        assert snap is not None
        snaps[n], texts[n] = snap, text
    assert snaps[7].delta is not None and snaps[7].base == snaps[5].sha256
    return folder, snaps, texts


def kept_ids(folder: Path) -> set[str]:
    store = SnapshotStore(folder)
    return {s.id for scene in ("a", "b") for s in store.history(scene).snapshots}


def assert_all_readable(folder: Path, snaps: dict[int, Snapshot], texts: dict[int, str]) -> None:
    fresh = {**read_all(folder, "a"), **read_all(folder, "b")}
    by_id = {snaps[n].id: texts[n] for n in snaps}
    assert fresh == {i: by_id[i] for i in fresh}


def test_prune_removes_the_oldest_unnamed_first(tmp_path: Path) -> None:
    folder, snaps, texts = pruning_project(tmp_path)
    store = SnapshotStore(folder)
    before = store.usage()
    assert store.prune(before) == (0, 0)
    assert store.prune(before + 10**6) == (0, 0)
    removed, freed = store.prune(before - 1)
    assert removed == 1 and freed > 0
    assert store.usage() == before - freed <= before - 1
    assert snaps[0].id not in kept_ids(folder)
    assert len(kept_ids(folder)) == 8
    assert_all_readable(folder, snaps, texts)


def test_prune_never_removes_named_snapshots_nor_a_scenes_newest(tmp_path: Path) -> None:
    folder, snaps, texts = pruning_project(tmp_path)
    store = SnapshotStore(folder)
    before = store.usage()
    removed, freed = SnapshotStore(folder).prune(0)
    assert removed == 5 and freed == before - store.usage() > 0
    assert kept_ids(folder) == {snaps[n].id for n in (1, 4, 7, 8)}
    # 5's text stays: 7, a scene's newest, is a delta based on it. The others went.
    assert objects(folder) == sorted(f"{snaps[n].sha256}{OBJECT_SUFFIX}" for n in (1, 4, 5, 8))
    assert_all_readable(folder, snaps, texts)
    assert SnapshotStore(folder).prune(0) == (0, 0)  # nothing more may go


def test_prune_in_steps_always_takes_the_oldest(tmp_path: Path) -> None:
    folder, snaps, texts = pruning_project(tmp_path)
    prunable = [snaps[n].id for n in (0, 2, 3, 5, 6)]  # by time
    store = SnapshotStore(folder)
    gone: list[str] = []
    while True:
        usage = store.usage()
        removed, freed = store.prune(usage - 1)
        if removed == 0:
            break
        assert freed > 0 and store.usage() < usage
        now_gone = [i for i in prunable if i not in kept_ids(folder)]
        assert now_gone == prunable[: len(now_gone)] and len(now_gone) > len(gone)
        gone = now_gone
        assert_all_readable(folder, snaps, texts)
    assert gone == prunable


def test_prune_keeps_damaged_lines_for_a_later_repair(tmp_path: Path) -> None:
    folder, _snaps, _texts = pruning_project(tmp_path)
    with log_of(folder, "b").open("ab") as f:
        f.write(b"not a snapshot line\n")
    assert SnapshotStore(folder).prune(0)[0] == 5
    assert b"not a snapshot line\n" in log_of(folder, "b").read_bytes()
    assert SnapshotStore(folder).history("b").notes


def test_snapshot_scenes_takes_changed_scenes_and_prunes(tmp_path: Path) -> None:
    folder = make_project(tmp_path)
    taken, problems = snapshot_scenes(folder, [("a", "One."), ("b", ""), ("c", "Three.")], "manual")
    assert problems == [] and sorted(s.scene for s in taken) == ["a", "c"]
    taken, problems = snapshot_scenes(
        folder, [("a", "One."), ("c", "Three, changed.")], "continuation"
    )
    assert [s.scene for s in taken] == ["c"]
    taken, problems = snapshot_scenes(folder, [("a", "One."), ("b", "")], "manual", name="Named")
    assert sorted(s.scene for s in taken) == ["a", "b"] and problems == []
    taken, problems = snapshot_scenes(folder, [("../../notes/ideas", "x"), ("d", "Four.")], "x")
    assert [s.scene for s in taken] == ["d"]
    assert len(problems) == 1 and "not one Inkling uses" in problems[0]
    # With a limit, the oldest unnamed snapshots go once the store is over it.
    store = SnapshotStore(folder)
    for n in range(30):
        store.take("big", blob(100 + n, 50_000), "continuation", when=at(n))
    assert store.usage() > 1024 * 1024
    snapshot_scenes(folder, [("big", blob(999, 50_000))], "continuation", limit_mb=1)
    assert store.usage() <= 1024 * 1024
    history = SnapshotStore(folder).history("big")
    assert history.snapshots[0].sha256 == text_sha(blob(999, 50_000))
    assert all(SnapshotStore(folder).text_of(s) for s in history.snapshots)


# --- damaged logs ----------------------------------------------------------------------------
BAD_LINES = [
    b"garbage",
    b'{"id": "0123abcd", "time": "2026-03-01T09:0',  # cut short
    b"\xff\xfe not UTF-8 \x00",
    b"[1, 2, 3]",
    b'"just a string"',
    b"null",
    b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    line(words="12"),
    line(words=True),
    line(words=1.5),
    line(chars=-1),
    line(id=12345678),
    line(id="../../notes/ideas"),
    line(id="XYZ"),
    line(sha256="xyz"),
    line(sha256=None),
    line(base="../../notes/ideas"),
    line(base="/etc/passwd"),
    line(base=text_sha("x").upper()),
    line(time="yesterday"),
    line(time=None),
    line(time=12),
    line(name=["a"]),
    line(cause={"x": 1}),
    line(delta={"copy": 3}),
    line(delta=[[1]]),
    line(delta=[1.5]),
    b'{"id": "0123abcd", "words": 1' + b"0" * 5000 + b"}",  # more digits than Python reads
]


def test_a_damaged_log_line_costs_only_that_line(tmp_path: Path, canary) -> None:
    folder = make_project(tmp_path)
    store = SnapshotStore(folder)
    texts = [blob(1), blob(1) + " More.", blob(2), "Short one."]
    good = []
    for n, text in enumerate(texts):
        snap = store.take("s", text, "continuation", when=at(n))
        assert snap is not None
        good.append(snap)
    lines = log_of(folder, "s").read_bytes().splitlines()
    mixed = [lines[0], *BAD_LINES[:10], lines[1], lines[2], *BAD_LINES[10:], lines[3]]
    log_of(folder, "s").write_bytes(b"\n".join(mixed) + b"\n\n   \n")
    history = SnapshotStore(folder).history("s")
    assert [s.id for s in history.snapshots] == [s.id for s in reversed(good)]
    assert len(history.notes) == 1 and history.notes[0].startswith(f"{len(BAD_LINES)} snapshot")
    assert read_all(folder, "s") == {s.id: t for s, t in zip(good, texts, strict=True)}
    # A new snapshot still goes on the end, and the damaged lines stay as they were.
    snap = SnapshotStore(folder).take("s", "Newest.", "manual", when=at(9))
    assert snap is not None
    history = SnapshotStore(folder).history("s")
    assert [s.id for s in history.snapshots][:2] == [snap.id, good[-1].id]
    assert history.notes[0].startswith(f"{len(BAD_LINES)} snapshot")
    for bad in BAD_LINES:
        assert bad in log_of(folder, "s").read_bytes()
    canary.check()


@pytest.mark.parametrize("bad", BAD_LINES, ids=range(len(BAD_LINES)))
def test_each_damaged_line_alone_is_noted(tmp_path: Path, bad: bytes) -> None:
    folder = make_project(tmp_path)
    (folder / SNAPSHOTS).mkdir()
    log_of(folder, "s").write_bytes(bad + b"\n" + line() + b"\n")
    history = SnapshotStore(folder).history("s")
    assert [s.id for s in history.snapshots] == ["0123abcd"]
    assert len(history.notes) == 1 and history.notes[0].startswith("1 snapshot")


def test_a_delta_that_does_not_fit_costs_only_its_version(tmp_path: Path) -> None:
    folder = make_project(tmp_path)
    store = SnapshotStore(folder)
    text = "One two three."
    first = store.take("s", text, "manual", when=at(0))
    assert first is not None
    sha = text_sha(text)
    bad = [
        line(id="aaaa0001", sha256=sha, base=sha, delta=[True] * len(text)),
        line(id="aaaa0002", sha256=sha, base=sha, delta=[len(text) + 5]),
        line(id="aaaa0003", sha256=sha, base=sha, delta=[3]),
        line(id="aaaa0004", sha256=sha, base=sha, delta=[len(text), " and four"]),  # checksum
        line(id="aaaa0005", sha256=sha, base=text_sha("gone"), delta=[4]),  # no such object
    ]
    with log_of(folder, "s").open("ab") as f:
        f.write(b"\n".join(bad) + b"\n")
    history = SnapshotStore(folder).history("s")
    assert history.notes == [] and len(history.snapshots) == 6
    fresh = SnapshotStore(folder)
    for snap in history.snapshots:
        if snap.id == first.id:
            assert fresh.text_of(snap) == text
        else:
            with pytest.raises(SnapshotError, match=r"damaged|missing"):
                fresh.text_of(snap)


def test_a_log_cut_short_by_a_crash_still_takes_a_snapshot(tmp_path: Path) -> None:
    folder = make_project(tmp_path)
    store = SnapshotStore(folder)
    old = [store.take("s", blob(n), "continuation", when=at(n)) for n in range(3)]
    assert None not in old
    ids = [s.id for s in old if s is not None]
    log = log_of(folder, "s")
    data = log.read_bytes()
    log.write_bytes(data[: len(data) - 40])  # the last line half written
    new = SnapshotStore(folder).take("s", "After the crash.", "continuation", when=at(5))
    assert new is not None
    history = SnapshotStore(folder).history("s")
    assert [s.id for s in history.snapshots] == [new.id, ids[1], ids[0]]
    assert len(history.notes) == 1 and history.notes[0].startswith("1 snapshot")
    texts = read_all(folder, "s")
    assert texts == {new.id: "After the crash.", ids[0]: blob(0), ids[1]: blob(1)}
    lines = log.read_bytes().splitlines()
    assert len(lines) == 4 and json.loads(lines[-1])["id"] == new.id


# --- damaged objects -------------------------------------------------------------------------
def two_bases(tmp_path: Path) -> tuple[Path, list[Snapshot], list[str]]:
    """v0 whole (X), v1 a delta on X, v2 whole (Y), v3 a delta on Y."""
    folder = make_project(tmp_path)
    store = SnapshotStore(folder)
    texts = [blob(1), blob(1) + " One more line.", blob(2), blob(2) + " Another line."]
    snaps = [store.take("s", t, "continuation", when=at(n)) for n, t in enumerate(texts)]
    assert all(s is not None for s in snaps)
    done = [s for s in snaps if s is not None]
    assert done[1].delta is not None and done[1].base == done[0].sha256
    assert done[3].delta is not None and done[3].base == done[2].sha256
    return folder, done, texts


def _garbage(path: Path) -> None:
    path.write_bytes(bytes(random.Random(1).randrange(256) for _ in range(500)))


def _cut(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-20])


def _other_text(path: Path) -> None:
    path.write_bytes(gzip.compress(b"Some other text entirely."))


def _not_utf8(path: Path) -> None:
    path.write_bytes(gzip.compress(b"\xff\xfe\xfa broken"))


def _flipped(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


@pytest.mark.parametrize(
    "damage",
    [Path.unlink, _garbage, _cut, _other_text, _not_utf8, _flipped, _folder, Path.touch],
    ids=["missing", "garbage", "cut", "other", "not-utf8", "flipped", "folder", "empty"],
)
def test_a_damaged_object_costs_only_the_versions_based_on_it(tmp_path: Path, damage) -> None:
    folder, snaps, texts = two_bases(tmp_path)
    path = object_of(folder, snaps[0].sha256)
    if damage is Path.touch:
        path.write_bytes(b"")
    else:
        damage(path)
    store = SnapshotStore(folder)
    history = store.history("s")
    assert history.notes == [] and len(history.snapshots) == 4
    for snap in snaps[:2]:
        with pytest.raises(SnapshotError):
            store.text_of(snap)
    assert [store.text_of(s) for s in snaps[2:]] == texts[2:]


def test_a_linked_object_is_not_followed(tmp_path: Path, canary) -> None:
    folder, snaps, texts = two_bases(tmp_path)
    path = object_of(folder, snaps[0].sha256)
    path.unlink()
    path.symlink_to(canary.path / "ideas.md")
    store = SnapshotStore(folder)
    with pytest.raises(SnapshotError) as caught:
        store.text_of(snaps[1])
    assert all(secret not in str(caught.value) for secret in canary.texts())
    assert [store.text_of(s) for s in snaps[2:]] == texts[2:]
    canary.check()


def test_a_gzip_bomb_is_refused_without_inflating_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshots, "MAX_TEXT_CHARS", 50_000)  # 200 KB of UTF-8 at most
    folder = make_project(tmp_path)
    (folder / SNAPSHOTS / OBJECTS).mkdir(parents=True)
    sha = text_sha("what the line says")
    bomb = gzip.compress(b"a" * (64 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 200_000
    object_of(folder, sha).write_bytes(bomb)
    log_of(folder, "s").write_bytes(line(sha256=sha, base=sha) + b"\n")
    store = SnapshotStore(folder)
    [snap] = store.history("s").snapshots
    tracemalloc.start()
    try:
        with pytest.raises(SnapshotError, match="larger than any scene"):
            store.text_of(snap)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024  # the whole bomb is 64 MB


# --- hostile names and links -----------------------------------------------------------------
@pytest.mark.parametrize(
    "scene", ["../../notes/ideas", "../x", "..", ".", "a/b", "/etc/passwd", "a\x00b", "", "é"]
)
def test_a_scene_id_that_is_not_a_name_is_refused(tmp_path: Path, canary, scene: str) -> None:
    folder = make_project(tmp_path)
    store = SnapshotStore(folder)
    with pytest.raises(SnapshotError, match="not one Inkling uses"):
        store.take(scene, "text", "manual")
    history = store.history(scene)
    assert history.snapshots == [] and len(history.notes) == 1
    assert not (folder / SNAPSHOTS).exists() or not any((folder / SNAPSHOTS).glob("*.jsonl"))
    canary.check()


def test_a_linked_log_is_refused(tmp_path: Path, canary) -> None:
    folder = make_project(tmp_path)
    store = SnapshotStore(folder)
    store.take("s", "text", "manual")
    log_of(folder, "s").unlink()
    log_of(folder, "s").symlink_to(canary.path / "notes.md")
    history = SnapshotStore(folder).history("s")
    assert history.snapshots == [] and "outside" in history.notes[0]
    with pytest.raises(SnapshotError, match="outside"):
        SnapshotStore(folder).take("s", "new text", "manual")
    assert "s" in SnapshotStore(folder).scenes()
    assert SnapshotStore(folder).prune(0) == (0, 0)
    canary.check()


def test_a_linked_objects_folder_is_refused(tmp_path: Path, canary) -> None:
    folder, snaps, _texts = two_bases(tmp_path)
    real = folder / SNAPSHOTS / OBJECTS
    shutil.move(real, tmp_path / "moved-objects")
    real.symlink_to(canary.path, target_is_directory=True)
    store = SnapshotStore(folder)
    for snap in snaps:
        with pytest.raises(SnapshotError, match="outside"):
            store.text_of(snap)
    with pytest.raises(SnapshotError, match="outside"):
        store.take("s", "A new text.", "manual")
    with pytest.raises(SnapshotError, match="outside"):
        store.take("t", blob(3), "manual")
    store.prune(0)
    canary.check()


def test_a_linked_snapshots_folder_is_refused(tmp_path: Path, canary) -> None:
    folder = make_project(tmp_path)
    (folder / SNAPSHOTS).symlink_to(canary.path, target_is_directory=True)
    store = SnapshotStore(folder)
    with pytest.raises(SnapshotError, match="outside"):
        store.take("s", "text", "manual")
    history = store.history("s")
    assert history.snapshots == [] and "outside" in history.notes[0]
    assert store.scenes() == [] and store.usage() == 0 and store.prune(0) == (0, 0)
    canary.check()


def test_a_linked_snapshots_folder_gets_nothing_made_outside(tmp_path: Path, canary) -> None:
    folder = make_project(tmp_path)
    (folder / SNAPSHOTS).symlink_to(canary.path, target_is_directory=True)
    with pytest.raises(SnapshotError, match="outside"):
        SnapshotStore(folder).take("s", "text", "manual")
    assert sorted(os.listdir(canary.path)) == sorted(canary.FILES)  # no folder made there


def test_prune_never_deletes_through_a_linked_objects_folder(tmp_path: Path) -> None:
    folder, _snaps, _texts = two_bases(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    shutil.move(folder / SNAPSHOTS / OBJECTS, elsewhere)
    (folder / SNAPSHOTS / OBJECTS).symlink_to(elsewhere, target_is_directory=True)
    stray = elsewhere / f"{'f' * 64}{OBJECT_SUFFIX}"
    stray.write_bytes(b"not the project's")
    hours_ago = time.time() - 2 * 3600
    os.utime(stray, (hours_ago, hours_ago))
    before = {p.name: p.read_bytes() for p in elsewhere.iterdir()}
    store = SnapshotStore(folder)
    assert store.usage() == 0  # a folder outside is not counted, read or listed
    store.prune(0)
    assert {p.name: p.read_bytes() for p in elsewhere.iterdir()} == before


@pytest.mark.parametrize("where", [SNAPSHOTS, f"{SNAPSHOTS}/{OBJECTS}"])
def test_a_file_where_a_snapshots_folder_goes_is_a_clear_error(tmp_path: Path, where: str) -> None:
    folder = make_project(tmp_path)
    (folder / where).parent.mkdir(parents=True, exist_ok=True)
    (folder / where).write_bytes(b"my file")
    with pytest.raises(SnapshotError):
        SnapshotStore(folder).take("s", "text", "manual")
    assert (folder / where).read_bytes() == b"my file"
    assert SnapshotStore(folder).history("s").snapshots == []


def test_a_damaged_object_is_written_again_by_the_next_snapshot_of_its_text(
    tmp_path: Path,
) -> None:
    folder = make_project(tmp_path)
    text = blob(1)
    SnapshotStore(folder).take("a", text, "manual")
    object_of(folder, text_sha(text)).write_bytes(b"damaged")
    store = SnapshotStore(folder)
    snap = store.take("b", text, "manual")
    assert snap is not None
    assert SnapshotStore(folder).text_of(snap) == text
