"""Story projects on disk: a `.inkling` folder with story.toml, binder.toml and scenes/.

Format 2 layout::

    Story.inkling/
      story.toml      title, author, premise, notes, style, bible, goals, language, words,
                      memory and the context budgets
      binder.toml     chapters and scenes in order with their metadata, and the trash
      scenes/<id>.md  one Markdown file per scene
      trash/<id>.md   deleted scenes, until the trash is emptied

Reading is defensive: a missing or unreadable scene is reported and left untouched on
disk; a damaged binder.toml falls back to its backup, then to the scene files themselves;
scene files the binder does not list are recovered into a chapter of their own. Format 1
projects (one manuscript.md) are migrated: the manuscript becomes chapter 1, scene 1, and
the old file is kept as manuscript.md.format1.
"""

from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from backend.storage.atomic import SaveError, atomic_write_bytes
from backend.storage.documents import DocumentError, read_document
from backend.story.binder import STATUSES, Binder, Chapter, Scene, new_id

log = logging.getLogger(__name__)

STORY_SUFFIX = ".inkling"
STORY_FORMAT = 2
FORMAT1_BACKUP = "manuscript.md.format1"
_ITEM_KEYS = ("id", "title", "synopsis", "status", "pov", "tags")
_STORY_KEYS = {
    "format", "title", "author", "premise", "notes", "style", "characters", "background",
    "goals", "history", "language", "spelling_words", "memory", "context",
}  # fmt: skip


@dataclass
class Story:
    """A story project: its book (binder and scenes), bible, style, goals and notes."""

    folder: Path
    title: str = ""
    author: str = ""
    premise: str = ""
    notes: str = ""
    language: str = ""  # '' is automatic: detected from the text
    style: dict[str, Any] = field(default_factory=dict)
    characters: list[dict[str, Any]] = field(default_factory=list)
    background: list[dict[str, Any]] = field(default_factory=list)
    goals: dict[str, int] = field(default_factory=dict)
    history: dict[str, int] = field(default_factory=dict)
    spelling_words: list[str] = field(default_factory=list)
    # Lines the model is always told (long-book memory) and the [context] table: budgets,
    # pinned and muted items (see backend/story/memory/budgets.py).
    memory: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    binder: Binder = field(default_factory=Binder)
    extra: dict[str, Any] = field(default_factory=dict)

    def scene_path(self, scene_id: str) -> Path:
        """Where a scene's text lives."""
        return self.folder / "scenes" / f"{scene_id}.md"

    def trash_path(self, scene_id: str) -> Path:
        """Where a deleted scene's text lives."""
        return self.folder / "trash" / f"{scene_id}.md"


def new_story(folder: Path, text: str = "", title: str = "") -> Story:
    """A fresh project holding `text` as chapter 1, scene 1."""
    story = Story(folder, title=title or folder.stem)
    story.binder.chapters.append(
        Chapter(title="Chapter 1", scenes=[Scene(title="Scene 1", text=text)])
    )
    return story


# --- reading ----------------------------------------------------------------------------
def _read_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


def _item_fields(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {k: data[k] for k in _ITEM_KEYS if k in data}
    out["id"] = str(out.get("id") or new_id())
    out["title"] = str(out.get("title", ""))
    out["synopsis"] = str(out.get("synopsis", ""))
    out["pov"] = str(out.get("pov", ""))
    status = str(out.get("status", "draft"))
    out["status"] = status if status in STATUSES else "draft"
    tags = out.get("tags", [])
    out["tags"] = [str(t) for t in tags] if isinstance(tags, list) else []
    return out


def binder_from_dict(data: dict[str, Any]) -> Binder:
    """The structure from binder.toml data (texts not yet read)."""
    binder = Binder()
    for raw in data.get("chapters", []):
        if not isinstance(raw, dict):
            continue
        chapter = Chapter(**_item_fields(raw), part=str(raw.get("part", "")))
        for scene in raw.get("scenes", []):
            if isinstance(scene, dict):
                chapter.scenes.append(Scene(**_item_fields(scene)))
        binder.chapters.append(chapter)
    for raw in data.get("trash", []):
        if isinstance(raw, dict):
            binder.trash.append(Scene(**_item_fields(raw)))
    return binder


def _item_dict(item: Chapter | Scene) -> dict[str, Any]:
    return {k: getattr(item, k) for k in _ITEM_KEYS}


def binder_to_dict(binder: Binder) -> dict[str, Any]:
    """binder.toml data."""
    return {
        "format": STORY_FORMAT,
        "chapters": [
            {**_item_dict(c), "part": c.part, "scenes": [_item_dict(s) for s in c.scenes]}
            for c in binder.chapters
        ],
        "trash": [_item_dict(s) for s in binder.trash],
    }


def _load_binder(root: Path, notes: list[str]) -> Binder:
    path = root / "binder.toml"
    for candidate in (path, path.with_name("binder.toml.bak")):
        try:
            binder = binder_from_dict(_read_toml(candidate))
        except FileNotFoundError:
            continue
        except (tomllib.TOMLDecodeError, OSError, TypeError) as exc:
            notes.append(f"{candidate.name} is damaged ({exc}).")
            continue
        if candidate != path:
            notes.append("The chapter list was restored from its backup copy.")
        return binder
    if (root / "scenes").is_dir():
        notes.append("The chapter list was lost; the scenes were recovered from their files.")
    return Binder()


def _read_scene(story: Story, scene: Scene, path: Path, notes: list[str]) -> None:
    try:
        scene.text = read_document(path).text
    except DocumentError as exc:
        scene.problem = str(exc)
        notes.append(f"Scene “{scene.title}” could not be read: {exc} It was left as it is.")


def _read_texts(story: Story, notes: list[str]) -> None:
    binder = story.binder
    seen: set[str] = set()
    for chapter in binder.chapters:
        for scene in chapter.scenes:
            if scene.id in seen:
                # Two entries naming one file: the second becomes its own copy.
                old = scene.id
                scene.id = new_id()
                notes.append(f"Two scenes shared the file {old}.md; “{scene.title}” is now a copy.")
                _read_scene(story, scene, story.scene_path(old), notes)
                seen.add(scene.id)
                continue
            seen.add(scene.id)
            path = story.scene_path(scene.id)
            if path.exists():
                _read_scene(story, scene, path, notes)
            else:
                notes.append(f"Scene “{scene.title}” has no file ({path.name}); it is empty.")
    for scene in binder.trash:
        seen.add(scene.id)
        if story.trash_path(scene.id).exists():
            _read_scene(story, scene, story.trash_path(scene.id), notes)
    _recover_orphans(story, seen, notes)


def _recover_orphans(story: Story, seen: set[str], notes: list[str]) -> None:
    folder = story.folder / "scenes"
    orphans = (
        sorted(p for p in folder.glob("*.md") if p.stem not in seen) if folder.is_dir() else []
    )
    if not orphans:
        return
    chapter = Chapter(title="Recovered scenes", status="outline")
    for path in orphans:
        scene = Scene(id=path.stem, title=path.stem)
        _read_scene(story, scene, path, notes)
        chapter.scenes.append(scene)
    story.binder.chapters.append(chapter)
    notes.append(
        f"{len(orphans)} scene file(s) not in the chapter list were put in “Recovered scenes”."
    )


def _story_from_data(root: Path, data: dict[str, Any]) -> Story:
    version = data.get("format", 0)
    if not isinstance(version, int):
        raise DocumentError("story.toml has an unreadable format number.")
    if version > STORY_FORMAT:
        raise DocumentError(
            f"This story was saved by a newer Inkling (format {version}); please update."
        )
    if version == 0:
        # Format 0 kept the premise under [story] and had no bible tables.
        old = data.pop("story", {})
        data.setdefault("title", old.get("title", ""))
        data.setdefault("premise", old.get("premise", ""))
    goals = data.get("goals", {})
    history = data.get("history", {})
    return Story(
        root,
        title=str(data.get("title", "")),
        author=str(data.get("author", "")),
        premise=str(data.get("premise", "")),
        notes=str(data.get("notes", "")),
        language=str(data.get("language", "")),
        style=dict(data.get("style", {})),
        characters=list(data.get("characters", [])),
        background=list(data.get("background", [])),
        goals={k: int(v) for k, v in goals.items() if isinstance(v, int)}
        if isinstance(goals, dict)
        else {},
        history={k: int(v) for k, v in history.items() if isinstance(v, int)}
        if isinstance(history, dict)
        else {},
        spelling_words=[str(w) for w in data.get("spelling_words", [])],
        memory=str(data.get("memory", "")),
        context=dict(data["context"]) if isinstance(data.get("context"), dict) else {},
        extra={k: v for k, v in data.items() if k not in _STORY_KEYS},
    )


def load_story(folder: str | os.PathLike[str]) -> tuple[Story, list[str]]:
    """Open a project folder; returns the story and notes for the writer about problems."""
    root = Path(folder)
    meta = root / "story.toml"
    try:
        data = _read_toml(meta)
    except FileNotFoundError as exc:
        raise DocumentError(f"{root.name} is not an Inkling story (no story.toml).") from exc
    except tomllib.TOMLDecodeError as exc:
        raise DocumentError(f"{root.name}/story.toml is damaged: {exc}.") from exc
    except OSError as exc:
        raise DocumentError(f"Could not read {meta}: {exc.strerror}.") from exc
    version = data.get("format", 0)
    story = _story_from_data(root, data)
    notes: list[str] = []
    if isinstance(version, int) and version < 2:
        _migrate_format1(story, notes)
        return story, notes
    story.binder = _load_binder(root, notes)
    _read_texts(story, notes)
    if not story.binder.chapters:
        story.binder.chapters.append(Chapter(title="Chapter 1", scenes=[Scene(title="Scene 1")]))
    return story, notes


def _migrate_format1(story: Story, notes: list[str]) -> None:
    """The manuscript becomes chapter 1, scene 1; written out in format 2 straight away."""
    manuscript = story.folder / "manuscript.md"
    text = read_document(manuscript).text if manuscript.exists() else ""
    story.binder.chapters = [Chapter(title="Chapter 1", scenes=[Scene(title="Scene 1", text=text)])]
    try:
        save_story(story)
    except SaveError as exc:
        notes.append(f"This story could not be updated to the new format on disk: {exc}")
        return
    if manuscript.exists():
        try:
            os.replace(manuscript, story.folder / FORMAT1_BACKUP)
        except OSError as exc:
            log.warning("could not rename the old manuscript: %s", exc)
    notes.append(
        f"This story was updated to the chapters-and-scenes format; the old manuscript is "
        f"kept as {FORMAT1_BACKUP}."
    )


# --- writing ----------------------------------------------------------------------------
def story_to_dict(story: Story) -> dict[str, Any]:
    """story.toml data: known fields over whatever unknown keys were read."""
    return {
        **story.extra,
        "format": STORY_FORMAT,
        "title": story.title,
        "author": story.author,
        "premise": story.premise,
        "notes": story.notes,
        "language": story.language,
        "style": story.style,
        "characters": story.characters,
        "background": story.background,
        "goals": story.goals,
        "history": story.history,
        "spelling_words": sorted(set(story.spelling_words)),
        "memory": story.memory,
        "context": story.context,
    }


@dataclass
class SavePlan:
    """Everything one save writes and removes, built on the GUI thread, run anywhere."""

    folder: Path
    writes: list[tuple[Path, bytes]] = field(default_factory=list)
    removes: list[Path] = field(default_factory=list)


def plan_save(story: Story, changed: set[str] | None = None) -> SavePlan:
    """What saving `story` means: changed scenes (all when None), the trash, the metadata."""
    plan = SavePlan(story.folder)
    for _chapter, scene in story.binder.scenes():
        if scene.problem:
            continue  # never write over a file we could not read
        path = story.scene_path(scene.id)
        if changed is None or scene.id in changed or not path.exists():
            plan.writes.append((path, scene.text.encode("utf-8")))
        plan.removes.append(story.trash_path(scene.id))
    for scene in story.binder.trash:
        if not scene.problem:
            plan.writes.append((story.trash_path(scene.id), scene.text.encode("utf-8")))
        plan.removes.append(story.scene_path(scene.id))
    plan.writes.append(
        (story.folder / "binder.toml", tomli_w.dumps(binder_to_dict(story.binder)).encode())
    )
    plan.writes.append((story.folder / "story.toml", tomli_w.dumps(story_to_dict(story)).encode()))
    return plan


def run_save(plan: SavePlan) -> None:
    """Write a SavePlan: texts first, metadata last, each atomically. Raises SaveError."""
    try:
        for sub in ("scenes", "trash"):
            (plan.folder / sub).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SaveError(f"Could not create {plan.folder}: {exc.strerror}.") from exc
    for path, data in plan.writes:
        atomic_write_bytes(path, data, backup=path.suffix == ".toml" or path.exists())
    for path in plan.removes:
        for stale in (path, path.with_name(path.name + ".bak")):
            if stale.exists():
                try:
                    stale.unlink()
                except OSError as exc:
                    log.warning("could not remove %s: %s", stale, exc)


def save_story(story: Story, changed: set[str] | None = None) -> None:
    """Save the project now (changed scenes only when `changed` is given)."""
    run_save(plan_save(story, changed))
