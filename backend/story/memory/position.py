"""A story and a place in it, turned into the plain data a request carries."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backend.story.binder import Chapter, Scene
from backend.story.memory.assembly import BookContext, Note
from backend.story.memory.budgets import ContextSettings
from backend.story.memory.drafts import BookDrafts
from backend.story.memory.recall import RecallIndex, SceneText, build_index, cache_path
from backend.story.project import Story
from backend.story.project_read import load_story
from backend.text.windows import sentence_start

LEAD_IN_CHARS = 1500
LEAD_SNAP_CHARS = 400  # how far the lead-in's start may move to begin a sentence


class PlaceError(LookupError):
    """A chapter or scene number that is not in the book; the message says what is."""


def chapter_label(chapter: Chapter, number: int) -> str:
    """'Chapter 3' or 'Chapter 3 (The Ball)'; a title that already says 'Chapter' is kept."""
    title = chapter.title.strip()
    if not title or title.lower().startswith(("chapter", "第")):
        return title or f"Chapter {number}"
    return f"Chapter {number} ({title})"


def scene_label(scene: Scene, number: int) -> str:
    """'Scene 2' or 'Scene 2 (At the inn)'."""
    title = scene.title.strip()
    if not title or title.lower().startswith("scene"):
        return title or f"Scene {number}"
    return f"Scene {number} ({title})"


def scene_texts(story: Story, texts: Mapping[str, str] | None = None) -> list[SceneText]:
    """Every scene as the recall index sees it (`texts` overrides scene text by id)."""
    out: list[SceneText] = []
    for n, chapter in enumerate(story.binder.chapters):
        label = chapter_label(chapter, n + 1)
        for scene in chapter.scenes:
            text = texts.get(scene.id, scene.text) if texts else scene.text
            out.append(SceneText(scene.id, n, label, text))
    return out


def story_index(
    story: Story, cache_dir: Path | None, texts: Mapping[str, str] | None = None
) -> tuple[RecallIndex, str]:
    """The story's recall index (cached under `cache_dir`), and a note if it was rebuilt."""
    cache = cache_path(cache_dir, story.folder) if cache_dir is not None else None
    return build_index(scene_texts(story, texts), cache)


def locate(story: Story, chapter: int, scene: int = 1) -> Scene:
    """The scene at 1-based `chapter` and `scene` numbers (PlaceError if there is none)."""
    chapters = story.binder.chapters
    if not 1 <= chapter <= len(chapters):
        raise PlaceError(f"There is no chapter {chapter}: the book has {len(chapters)}.")
    scenes = chapters[chapter - 1].scenes
    if not 1 <= scene <= len(scenes):
        raise PlaceError(
            f"Chapter {chapter} has {len(scenes)} scene(s); there is no scene {scene}."
        )
    return scenes[scene - 1]


def book_context(
    story: Story,
    scene_id: str,
    *,
    index: RecallIndex | None = None,
    authors_note: str = "",
    bible: Sequence[Mapping[str, Any]] | None = None,
    texts: Mapping[str, str] | None = None,
    drafts: BookDrafts | None = None,
) -> BookContext:
    """What a request at scene `scene_id` draws on: memory, synopses, bible, the lead-in
    from the scene before, the recall index and the story's context settings. `drafts`
    (day_one_drafts) fill in, marked as drafts, where the writer has written nothing."""
    settings, _ = ContextSettings.from_mapping(story.context)
    entries = bible if bible is not None else [*story.characters, *story.background]
    entries, memory, memory_draft = _with_drafts(entries, story.memory, drafts)
    chapters = story.binder.chapters
    places = ((c, s) for c, ch in enumerate(chapters) for s, sc in enumerate(ch.scenes))
    where = next(((c, s) for c, s in places if chapters[c].scenes[s].id == scene_id), None)
    common: dict[str, Any] = {
        "memory": memory,
        "memory_draft": memory_draft,
        "bible": tuple({str(k): str(v) for k, v in e.items()} for e in entries),
        "authors_note": authors_note,
        "index": index,
        "settings": settings,
        "scene_id": scene_id,
    }
    if where is None:
        return BookContext(**common)
    c, s = where
    chapter = chapters[c]
    earlier = tuple(_note(ch, i + 1, drafts) for i, ch in enumerate(chapters[:c]))
    scenes = tuple(
        Note(scene_label(sc, i + 1), sc.synopsis) for i, sc in enumerate(chapter.scenes[:s])
    )
    prev = _previous_scene(chapters, c, s)
    lead, lead_from = _lead_in(prev, texts)
    later = [*chapter.scenes[s + 1 :], *(sc for ch in chapters[c + 1 :] for sc in ch.scenes)]
    return BookContext(
        **common,
        earlier=earlier,
        # Not the chapter's draft: it is made of the chapter's own sentences, which the recent
        # text already shows (a short chapter's draft was all of it, and the model wrote the
        # text out again), along with sentences after the cursor and model text since undone.
        chapter=_note(chapter, c + 1, None),
        scenes=scenes,
        scene=Note(scene_label(chapter.scenes[s], s + 1), chapter.scenes[s].synopsis),
        lead_in=lead,
        lead_in_scene=prev.id if prev is not None else "",
        lead_in_from=lead_from,
        later_scenes=frozenset(sc.id for sc in later),
    )


def _with_drafts(
    entries: Sequence[Mapping[str, Any]], memory: str, drafts: BookDrafts | None
) -> tuple[list[Mapping[str, Any]], str, bool]:
    """The bible entries and memory lines, with the drafts where the writer wrote none;
    and whether the memory is a draft."""
    if drafts is None:
        return list(entries), memory, False
    named = {str(e.get("Name", "")).strip() for e in entries}
    entries = [*entries, *(e for e in drafts.bible() if e["Name"] not in named)]
    if not memory.strip() and drafts.memory:
        return entries, drafts.memory, True
    return entries, memory, False


def _lead_in(prev: Scene | None, texts: Mapping[str, str] | None) -> tuple[str, int]:
    """The end of the scene before (from a sentence's start) and where it starts in it."""
    if prev is None:
        return "", 0
    text = texts.get(prev.id, prev.text) if texts else prev.text
    start = len(text) - LEAD_IN_CHARS
    start = sentence_start(text, start, LEAD_SNAP_CHARS) if start > 0 else 0
    return text[start:], start


def _note(chapter: Chapter, number: int, drafts: BookDrafts | None) -> Note:
    """A chapter's label and synopsis: the writer's, or else the day-one draft (marked)."""
    label = chapter_label(chapter, number)
    if chapter.synopsis.strip() or drafts is None:
        return Note(label, chapter.synopsis)
    draft = drafts.synopses.get(chapter.id, "")
    return Note(label, draft, draft=bool(draft))


def _previous_scene(chapters: Sequence[Chapter], c: int, s: int) -> Scene | None:
    if s > 0:
        return chapters[c].scenes[s - 1]
    for chapter in reversed(chapters[:c]):
        if chapter.scenes:
            return chapter.scenes[-1]
    return None


@dataclass(frozen=True)
class StoryPlace:
    """A place in a story on disk, ready for a request: the scene's text, the cursor, and
    the book context (with its recall index). `notes` tell the writer about problems."""

    story: Story
    scene: Scene
    cursor: int
    book: BookContext
    notes: tuple[str, ...] = ()

    @property
    def before(self) -> str:
        """The scene's text before the cursor."""
        return self.scene.text[: self.cursor]


def open_place(
    folder: str | os.PathLike[str],
    chapter: int,
    scene: int = 1,
    cursor: int | None = None,
    *,
    cache_dir: Path | None = None,
    authors_note: str = "",
) -> StoryPlace:
    """Load the story at `folder` and find the place (chapter and scene numbers from 1, the
    cursor as a character offset in the scene, its end when None). Raises DocumentError
    for a story that cannot be opened and PlaceError for a place that is not in it."""
    story, notes = load_story(folder)
    found = locate(story, chapter, scene)
    if found.problem:
        raise PlaceError(f"That scene could not be read: {found.problem}")
    end = len(found.text)
    at = end if cursor is None else cursor
    if not 0 <= at <= end:
        raise PlaceError(f"The cursor must be between 0 and {end} in that scene, not {at}.")
    index, note = story_index(story, cache_dir)
    book = book_context(story, found.id, index=index, authors_note=authors_note)
    _, budget_note = ContextSettings.from_mapping(story.context)
    extra = tuple(n for n in (note, budget_note) if n)
    return StoryPlace(story, found, at, book, (*notes, *extra))
