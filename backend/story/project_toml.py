"""A project's TOML tables: story.toml and binder.toml to and from a `Story` and its
`Binder`. What a file holds is checked field by field: anything not in the expected form
is left empty (with a note for the writer) or skipped, and unknown keys are kept."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from backend.story.binder import STATUSES, Binder, Chapter, Scene, new_id
from backend.story.project import MAX_VIEW_CURSOR, STORY_FORMAT, Story
from backend.untrusted import RefusedFile, is_safe_id

_ITEM_KEYS = ("id", "title", "synopsis", "status", "pov", "tags")
_STORY_KEYS = {
    "format", "title", "author", "premise", "notes", "style", "characters", "background",
    "goals", "history", "language", "spelling_words", "memory", "context", "view",
    "authors_note",
}  # fmt: skip


def _item_fields(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {k: data[k] for k in _ITEM_KEYS if k in data}
    raw_id = out.get("id")
    # An id is checked once the whole binder is read (see project_read.py); until then it is
    # only text, and a missing one is simply new.
    out["id"] = raw_id if isinstance(raw_id, str) and raw_id else str(raw_id or new_id())
    out["title"] = str(out.get("title", ""))
    out["synopsis"] = str(out.get("synopsis", ""))
    out["pov"] = str(out.get("pov", ""))
    status = str(out.get("status", "draft"))
    out["status"] = status if status in STATUSES else "draft"
    tags = out.get("tags", [])
    out["tags"] = [str(t) for t in tags] if isinstance(tags, list) else []
    return out


class _DamagedBinder(RefusedFile):
    """binder.toml parses but is not shaped like a chapter list."""


def binder_from_dict(data: dict[str, Any], notes: list[str] | None = None) -> Binder:
    """The structure from binder.toml data (texts not yet read, ids not yet checked).

    Raises RefusedFile when the chapter list or the trash is not a list; entries that are
    not tables are skipped and counted in `notes`.
    """
    chapters, trash = data.get("chapters", []), data.get("trash", [])
    if not isinstance(chapters, list):
        raise _DamagedBinder("binder.toml is damaged (its chapter list is not a list).")
    if not isinstance(trash, list):
        raise _DamagedBinder("binder.toml is damaged (its trash is not a list).")
    binder = Binder()
    skipped = 0
    for raw in chapters:
        if not isinstance(raw, dict):
            skipped += 1
            continue
        chapter = Chapter(**_item_fields(raw), part=str(raw.get("part", "")))
        scenes = raw.get("scenes", [])
        if not isinstance(scenes, list):
            skipped += 1
            scenes = []
        for scene in scenes:
            if isinstance(scene, dict):
                chapter.scenes.append(Scene(**_item_fields(scene)))
            else:
                skipped += 1
        binder.chapters.append(chapter)
    for raw in trash:
        if isinstance(raw, dict):
            binder.trash.append(Scene(**_item_fields(raw)))
        else:
            skipped += 1
    if skipped and notes is not None:
        what = (
            "1 entry that is not a chapter or a scene; it was"
            if skipped == 1
            else f"{skipped} entries that are not chapters or scenes; they were"
        )
        notes.append(
            f"binder.toml has {what} skipped (scene files left out that way are in "
            "“Recovered scenes”)."
        )
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


def _text_field(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _entries(value: object) -> list[dict[str, Any]] | None:
    """Bible entries: tables of field name to text; anything else is not understood."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        return None
    return [{str(k): v if isinstance(v, str) else str(v) for k, v in e.items()} for e in value]


def _counts(value: object) -> dict[str, int] | None:
    if not isinstance(value, dict):
        return None
    return {
        str(k): int(v) for k, v in value.items() if isinstance(v, int) and not isinstance(v, bool)
    }


def _words(value: object) -> list[str] | None:
    if not isinstance(value, list):
        return None
    return [w for w in value if isinstance(w, str)]


def _table(value: object) -> dict[str, Any] | None:
    return dict(value) if isinstance(value, dict) else None


def _view(value: object) -> tuple[str, int] | None:
    """[view]: a scene id that can name a file and a cursor from 0 to MAX_VIEW_CURSOR."""
    if not isinstance(value, dict):
        return None
    scene, cursor = value.get("scene", ""), value.get("cursor", 0)
    if scene != "" and not is_safe_id(scene):
        return None
    if not isinstance(cursor, int) or isinstance(cursor, bool):
        return None
    if not 0 <= cursor <= MAX_VIEW_CURSOR:
        return None
    return str(scene), cursor


def story_from_dict(root: Path, data: dict[str, Any], notes: list[str]) -> Story:
    """A Story from story.toml data; fields in a form Inkling does not know are left empty
    and named in `notes`."""
    if data.get("format", 0) == 0 and isinstance(data.get("story", {}), dict):
        # Format 0 kept the premise under [story] and had no bible tables.
        old = data.pop("story", {})
        data.setdefault("title", old.get("title", ""))
        data.setdefault("premise", old.get("premise", ""))
    story = Story(root, extra={k: v for k, v in data.items() if k not in _STORY_KEYS})
    wrong: list[str] = []
    readers: dict[str, tuple[Callable[[object], Any], Callable[[], Any]]] = {
        "title": (_text_field, str),
        "author": (_text_field, str),
        "premise": (_text_field, str),
        "authors_note": (_text_field, str),
        "notes": (_text_field, str),
        "language": (_text_field, str),
        "memory": (_text_field, str),
        "style": (_table, dict),
        "context": (_table, dict),
        "characters": (_entries, list),
        "background": (_entries, list),
        "goals": (_counts, dict),
        "history": (_counts, dict),
        "spelling_words": (_words, list),
    }
    for key, (reader, empty) in readers.items():
        if key not in data:
            continue
        value = reader(data[key])
        if value is None:
            wrong.append(key)
            value = empty()
        setattr(story, key, value)
    if "view" in data:
        view = _view(data["view"])
        if view is None:
            wrong.append("view")
        else:
            story.view_scene, story.view_cursor = view
    if wrong:
        notes.append(
            "Some details in story.toml are not in a form Inkling understands and were left "
            f"empty: {', '.join(wrong)}."
        )
    return story


def story_to_dict(story: Story) -> dict[str, Any]:
    """story.toml data: known fields over whatever unknown keys were read."""
    return {
        **story.extra,
        "format": STORY_FORMAT,
        "title": story.title,
        "author": story.author,
        "premise": story.premise,
        "authors_note": story.authors_note,
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
        **_view_table(story),
    }


def _view_table(story: Story) -> dict[str, Any]:
    """[view], when the story knows where the writer left off (an id that could not name a
    file or a cursor out of bounds is not written)."""
    if not is_safe_id(story.view_scene):
        return {}
    cursor = min(max(0, story.view_cursor), MAX_VIEW_CURSOR)
    return {"view": {"scene": story.view_scene, "cursor": cursor}}
