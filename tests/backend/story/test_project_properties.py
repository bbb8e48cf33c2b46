"""Property tests: whatever binder.toml and story.toml hold, opening a project raises at
most DocumentError, reads and changes nothing outside it, and a save afterwards writes
only inside it."""

from __future__ import annotations

import hashlib
import itertools
import os
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.storage.documents import DocumentError
from backend.story.project_read import load_story
from backend.story.project_save import plan_save, run_save, save_story

SECRETS = {
    "ideas.md": b"My secret ideas for the next book.\n",
    "ideas.md.bak": b"An older copy of my ideas.\n",
    "notes.md": b"Notes that must never be deleted.\n",
}
HOSTILE_IDS = [
    "..",
    ".",
    "../notes/ideas",
    "../../notes/ideas",
    "../../../notes/ideas",
    "../../notes/notes",
    "d/../../../notes/ideas",
    "d/../../../../../x",
    "/etc/passwd",
    "a/b",
    "a\x00b",
    "~/notes/ideas",
    "NOTES",
    "notes",
    "Notes",
    "ideas",
    "x" * 300,
    "y" * 6000,
    "",
]
_counter = itertools.count()

scalars = st.one_of(
    st.text(max_size=20),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.floats(allow_nan=False),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
ids = st.one_of(
    st.sampled_from(HOSTILE_IDS),
    st.text(max_size=70),
    st.text(min_size=250, max_size=260),
    values,
)
scene = st.fixed_dictionaries(
    {"id": ids},
    optional={"title": values, "tags": values, "status": values, "synopsis": values},
)
chapter = st.fixed_dictionaries(
    {"id": ids},
    optional={
        "title": values,
        "part": values,
        "scenes": st.one_of(values, st.lists(scene, max_size=4)),
    },
)
binders = st.fixed_dictionaries(
    {},
    optional={
        "format": values,
        "chapters": st.one_of(values, st.lists(chapter, max_size=3)),
        "trash": st.one_of(values, st.lists(scene, max_size=3)),
    },
)
STORY_KEYS = [
    "format", "title", "author", "premise", "notes", "style", "characters", "background",
    "goals", "history", "language", "spelling_words", "memory", "context", "story",
]  # fmt: skip
stories = st.dictionaries(st.sampled_from(STORY_KEYS), values, max_size=8)


def snapshot(base: Path, skip: Path) -> dict[str, str]:
    """Every path under `base` outside `skip`, with a checksum of each file, and the names
    in the two folders above it (where an id climbing further up would land)."""
    out = {str(p): "entry" for p in (*base.parent.iterdir(), *base.parent.parent.iterdir())}
    for path in base.rglob("*"):
        if path == skip or skip in path.parents:
            continue
        if path.is_symlink() or not path.is_file():
            out[str(path)] = "entry"
        else:
            out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def lay_out(tmp_path: Path, story_toml: bytes, binder_toml: bytes) -> tuple[Path, Path]:
    """A case folder holding notes/ (the canary) and Story.inkling with a few files ids
    might name."""
    base = tmp_path / f"case{next(_counter)}"
    notes = base / "notes"
    notes.mkdir(parents=True)
    for name, data in SECRETS.items():
        (notes / name).write_bytes(data)
    folder = base / "Story.inkling"
    for sub in ("scenes", "scenes/a", "scenes/d", "trash"):
        (folder / sub).mkdir(parents=True)
    for name in ("scenes/notes.md", "scenes/Notes.md", "scenes/a/b.md", "trash/notes.md"):
        (folder / name).write_text(f"Project text in {name}.")
    (folder / "story.toml").write_bytes(story_toml)
    (folder / "binder.toml").write_bytes(binder_toml)
    return base, folder


def open_and_save(tmp_path: Path, story_toml: bytes, binder_toml: bytes) -> None:
    base, folder = lay_out(tmp_path, story_toml, binder_toml)
    check_inside(base, folder)


def check_inside(base: Path, folder: Path) -> None:
    outside = snapshot(base, folder)
    try:
        story, notes = load_story(folder)
    except DocumentError:
        assert snapshot(base, folder) == outside
        return
    assert all(isinstance(n, str) and len(n) < 2000 for n in notes)
    texts = [s.text for _c, s in story.binder.scenes()] + [s.text for s in story.binder.trash]
    assert not any(secret.decode().strip() in t for t in texts for secret in SECRETS.values())
    assert snapshot(base, folder) == outside
    run_save(plan_save(story, set()))  # an autosave with nothing edited
    for _c, s in story.binder.scenes():
        s.text = s.text or "typed"
    save_story(story)
    assert snapshot(base, folder) == outside
    again, _ = load_story(folder)
    assert len(list(again.binder.scenes())) == len(list(story.binder.scenes()))
    assert snapshot(base, folder) == outside


def dump(data: dict[str, Any]) -> bytes:
    return tomli_w.dumps(data).encode()


@pytest.fixture(autouse=True)
def no_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    """Durability is not what these examples test, and an fsync costs milliseconds each."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(binder=binders)
def test_any_binder_stays_inside_the_project(tmp_path: Path, canary, binder) -> None:
    open_and_save(tmp_path, b'format = 2\ntitle = "S"\n', dump(binder))
    canary.check()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(story=stories, binder=binders)
def test_any_story_toml_stays_inside_the_project(tmp_path: Path, canary, story, binder) -> None:
    open_and_save(tmp_path, dump(story), dump(binder))
    canary.check()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(story=st.binary(max_size=200), binder=st.binary(max_size=200))
def test_any_bytes_stay_inside_the_project(tmp_path: Path, canary, story, binder) -> None:
    open_and_save(tmp_path, story, binder)
    canary.check()


def test_the_cases_reach_the_canary_folder(tmp_path: Path) -> None:
    """The ids above would really reach notes/ if followed (the tests prove something)."""
    base, folder = lay_out(tmp_path, b"", b"")
    target = (folder / "scenes" / "../../notes/ideas.md").resolve()
    assert target == (base / "notes" / "ideas.md").resolve() and target.exists()
    assert os.path.exists(folder / "scenes" / "d/../../../notes/ideas.md")
