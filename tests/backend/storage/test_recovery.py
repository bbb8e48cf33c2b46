"""Recovery files and document locks."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from backend.storage.recovery import DocumentLock, LockError, RecoveryStore, StoryState


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_recovery_from_a_dead_process_is_pending(tmp_path: Path) -> None:
    store = RecoveryStore(tmp_path)
    f = store.write(tmp_path / "story.md", "unsaved words")
    assert store.pending() == []  # ours, and we are alive
    data = json.loads(f.read_text())
    data["pid"] = dead_pid()
    f.write_text(json.dumps(data))
    (found,) = store.pending()
    assert found.text == "unsaved words" and found.title == "story.md"
    store.discard(tmp_path / "story.md")
    assert store.pending() == []


def test_the_story_comes_back_with_the_text(tmp_path: Path) -> None:
    store = RecoveryStore(tmp_path)
    state = StoryState(
        characters=[{"Name": "林黛玉", "Age": "17", "_card": '{"x": 1}'}],
        background=[{"Name": "The Lighthouse", "Kind": "place"}],
        premise="A keeper hides a stranger",
        genre="gothic",
        style={"pov": "first", "tense": "past"},
        authors_note="Keep it cold.",
        style_on=False,
    )
    f = store.write(None, "unsaved words", state)
    data = json.loads(f.read_text(encoding="utf-8"))
    data["pid"] = dead_pid()
    f.write_text(json.dumps(data), encoding="utf-8")
    (found,) = store.pending()
    assert found.story == state and found.story.has_work


def test_a_damaged_story_part_is_left_empty_and_the_text_still_comes_back(
    tmp_path: Path,
) -> None:
    store = RecoveryStore(tmp_path)
    f = store.write(None, "unsaved words")
    data = json.loads(f.read_text())
    data["pid"] = dead_pid()
    data["story"] = {"characters": "not a list", "background": [3, {"Name": "Inn"}], "style": 7}
    f.write_text(json.dumps(data))
    (found,) = store.pending()
    assert found.text == "unsaved words"
    assert found.story.characters == [] and found.story.background == [{"Name": "Inn"}]
    assert found.story.style == {} and not StoryState().has_work
    # A recovery file from before the story was kept has no "story" at all.
    del data["story"]
    f.write_text(json.dumps(data))
    assert store.pending()[0].story == StoryState()


def test_damaged_recovery_files_are_skipped(tmp_path: Path) -> None:
    store = RecoveryStore(tmp_path)
    store.folder.mkdir(parents=True)
    (store.folder / "bad.json").write_text("{not json")
    assert store.pending() == []


def test_lock_blocks_a_live_owner_and_clears_a_stale_one(tmp_path: Path) -> None:
    doc = tmp_path / "story.md"
    doc.write_text("x")
    lock = DocumentLock(doc)
    assert lock.acquire() is None and lock.path.exists()
    # Another live process holds it: refused.
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        lock.path.write_text(
            json.dumps({"pid": holder.pid, "host": socket.gethostname(), "time": 0})
        )
        with pytest.raises(LockError, match="another Inkling"):
            DocumentLock(doc).acquire()
    finally:
        holder.kill()
        holder.wait()
    # The holder died: the lock is stale and is taken over with a note.
    note = DocumentLock(doc).acquire()
    assert note and "stale" in note
    data = json.loads(lock.path.read_text())
    assert data["pid"] == os.getpid()
