"""Context assembly: budgets, priorities, stable prefixes, cascading lore, retrieval."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backend.story.memory import recall
from backend.story.memory.assembly import BookContext, assemble
from backend.story.memory.budgets import BudgetError, Budgets, ContextSettings
from backend.story.memory.lore import CASCADED, pick_lore
from backend.story.memory.position import PlaceError, book_context, open_place, story_index
from backend.story.memory.recall import SceneText, build_index
from backend.story.memory.synopsis import extractive_synopsis
from backend.story.project_read import load_story
from backend.story.project_save import save_story
from backend.story.style.header import insert_authors_note

from .book import build, words

TOTAL = 1200


@pytest.fixture
def story(tmp_path: Path):
    return build(tmp_path / "Drowned.inkling")


def at_chapter(story, n: int, **kw):
    scene = story.binder.chapters[n - 1].scenes[0]
    index, _ = story_index(story, None)
    return scene, book_context(story, scene.id, index=index, **kw)


# --- budgets --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "shares",
    [{"memory": -0.1}, {"memory": 0.9}, {"memory": "lots"}, {"lore": 0.5, "recalled": 0.5}],
)
def test_absurd_budgets_are_refused_with_a_reason(shares):
    with pytest.raises(BudgetError, match=r"share|sections take"):
        Budgets(shares)


def test_unusable_budgets_in_a_story_fall_back_to_defaults_with_a_note():
    settings, note = ContextSettings.from_mapping({"budgets": {"memory": 5}, "pinned": ["lore:X"]})
    assert settings.budgets == Budgets()
    assert "reset" in note
    assert settings.pinned == {"lore:X"}


def test_context_settings_round_trip_through_the_project(story):
    story.context = ContextSettings().pin("lore:Mara").mute("recall:x:0").to_mapping()
    save_story(story)
    loaded, _ = load_story(story.folder)
    settings, note = ContextSettings.from_mapping(loaded.context)
    assert (settings.pinned, settings.muted, note) == ({"lore:Mara"}, {"recall:x:0"}, "")
    assert loaded.memory == story.memory


# --- assembly ---------------------------------------------------------------------------
def test_chapter_40_sees_memory_story_so_far_this_chapter_cast_and_an_early_passage(story):
    scene, book = at_chapter(story, 40)
    asm = assemble(book, scene.text[:900], words, TOTAL)
    names = [s.name for s in asm.sections]
    assert names[:5] == ["memory", "story_so_far", "this_chapter", "lore", "recalled"]
    assert names[-1] == "recent"
    for section in asm.sections:
        assert section.tokens <= section.budget, section.name
    assert asm.total_tokens <= TOTAL
    assert "smuggler's daughter" in asm.section("memory").text
    so_far = asm.section("story_so_far")
    assert "Chapter 39:" in so_far.text and "Chapter 1:" not in so_far.text  # most recent first
    kept = [i for i in so_far.items if i.state == "in"]
    assert [i.label for i in kept] == [f"Chapter {n}" for n in range(39, 39 - len(kept), -1)]
    assert asm.section("this_chapter").text.startswith("Chapter 40:")
    lore = asm.section("lore").text
    assert "Brannock" in lore and "Tessaly" in lore  # named in the recent text
    recalled = asm.section("recalled")
    chapters = [int(i.label.split()[1].rstrip(":")) for i in recalled.items if i.state == "in"]
    assert chapters and min(chapters) < 30
    assert asm.prompt == asm.prefix + asm.body


def test_typing_within_a_step_keeps_the_prompt_a_prefix_of_the_next(story):
    scene, book = at_chapter(story, 40)
    first = assemble(book, scene.text[:1500], words, TOTAL)
    later = assemble(book, scene.text[:1500] + " The", words, TOTAL)
    assert later.prompt.startswith(first.prompt)
    assert later.prefix == first.prefix


def test_the_recent_window_moves_in_steps_not_per_keystroke(story):
    scene, book = at_chapter(story, 41)
    starts = set()
    for end in range(1200, 1400, 7):
        asm = assemble(book, scene.text[:end], words, 400)
        starts.add(asm.prefix + asm.recent[:40])
    # 29 keystrokes over about one step: the prefix and window start change once or twice.
    assert len(starts) <= 3


def test_sections_share_a_small_context_by_priority(story):
    scene, book = at_chapter(story, 40)
    asm = assemble(book, scene.text, words, 200)
    assert asm.total_tokens <= 200
    assert asm.section("recent").tokens >= 200 * 0.3 - 5
    assert asm.section("memory").text  # first in priority


def test_memory_longer_than_its_budget_is_trimmed_and_said(story):
    story.memory = "\n".join(f"Line {i} of a memory that goes on and on." for i in range(60))
    scene, book = at_chapter(story, 10)
    section = assemble(book, scene.text[:300], words, TOTAL).section("memory")
    assert section.tokens <= section.budget
    assert section.notes and "longer than its budget" in section.notes[0]


def test_a_chapter_without_synopsis_is_named_in_the_notes(tmp_path):
    story = build(tmp_path / "Bare.inkling", synopses=False)
    scene, book = at_chapter(story, 12)
    asm = assemble(book, scene.text[:300], words, TOTAL)
    assert "11 earlier chapter(s) have no synopsis" in asm.section("story_so_far").notes[0]
    assert "has no synopsis yet" in asm.section("this_chapter").notes[0]


def test_an_empty_book_gives_just_the_recent_text():
    asm = assemble(BookContext(), "It was late.", words, TOTAL)
    assert asm.prompt == "It was late."
    assert asm.to_json()["sections"][0]["name"] == "recent"


def test_the_authors_note_sits_where_insert_authors_note_puts_it(story):
    scene, book = at_chapter(story, 20, authors_note="The storm breaks tonight.")
    asm = assemble(book, scene.text[:1400], words, TOTAL)
    assert asm.body == insert_authors_note(asm.recent, "The storm breaks tonight.")
    assert asm.prompt.endswith(asm.body)
    assert [s.name for s in asm.sections][-3:] == ["recent", "authors_note", "recent"]


def test_a_style_header_goes_three_paragraphs_back_and_counts_against_the_total(story):
    _scene, book = at_chapter(story, 5, authors_note="The storm breaks tonight.")
    text = "\n\n".join(f"Paragraph {i}: the lamps were lit along the water." for i in range(9))
    asm = assemble(book, text, words, 300, header="Genre: gothic\n\n")
    names = [s.name for s in asm.sections]
    assert names[-5:] == ["recent", "authors_note", "recent", "style", "recent"]
    assert asm.prompt.count("Genre: gothic\n\n") == 1
    tail = asm.prompt.split("Genre: gothic\n\n")[1]
    assert len(tail.split("\n\n")) == 3 and asm.recent.endswith(tail)
    assert asm.prompt.replace("Genre: gothic\n\n", "") == asm.prefix + asm.body
    assert asm.total_tokens <= 300
    assert "Genre" not in asm.prefix
    short = assemble(
        BookContext(), "It was late.\n\nThe lamp went out.", words, 300, header="Genre: x\n\n"
    )
    assert short.sections[0].name == "style" and short.prompt.startswith("Genre: x")
    # Paragraphs parted by line breaks alone (Enter once; most Chinese text): the same.
    lines = text.replace("\n\n", "\n")
    asm = assemble(book, lines, words, 300, header="Genre: gothic\n\n")
    assert [s.name for s in asm.sections][-5:] == names[-5:]
    tail = asm.prompt.split("Genre: gothic\n\n")[1]
    assert len(tail.split("\n")) == 3 and asm.recent.endswith(tail)
    assert asm.prompt.replace("Genre: gothic\n\n", "") == asm.prefix + asm.body


def test_a_new_scene_leads_in_with_the_end_of_the_last_one(story):
    _scene, book = at_chapter(story, 8)
    asm = assemble(book, "", words, TOTAL)
    previous = story.binder.chapters[6].scenes[0].text
    assert previous[-200:] in asm.recent


# --- lore -------------------------------------------------------------------------------
def test_lore_cascades_from_an_entry_to_the_one_it_mentions(story):
    entries = [*story.characters, *story.background]
    hits, _muted, _notes = pick_lore("Orrin waited.", "", entries)
    by_name = {h.name: h for h in hits}
    assert by_name["Orrin"].reason == "named in the recent text"
    assert by_name["Brannock"].rank == CASCADED


def test_a_key_that_matches_everything_is_ignored_and_said(story):
    entries = [{"Name": "Fog", "Keywords": "the, a"}, *story.characters]
    hits, _, notes = pick_lore("the tide and a gull", "", entries)
    assert "Fog" not in {h.name for h in hits}
    assert any("“the”" in n for n in notes)
    index, _ = story_index(story, None)
    common = lambda key: index.doc_share(key) > 0.5  # noqa: E731
    hits, _, notes = pick_lore(
        "the tide", "", [{"Name": "Tide", "Keywords": "tide"}], common=common
    )
    assert not hits and "matches almost everything" in notes[0]


def test_pinned_lore_is_always_in_and_muted_lore_never(story):
    story.context = ContextSettings().pin("lore:Quill").mute("lore:Brannock").to_mapping()
    scene, book = at_chapter(story, 40)
    lore = assemble(book, scene.text[:900], words, TOTAL).section("lore")
    states = {i.label.split(" (")[0]: i.state for i in lore.items}
    assert states["Quill"] == "pinned" and "- Quill" in lore.text
    assert states["Brannock"] == "muted" and "Brannock (" not in lore.text


def test_lore_from_this_chapters_synopsis(story):
    story.binder.chapters[39].synopsis = "Quill returns with news of the abbey."
    _scene, book = at_chapter(story, 40)
    lore = assemble(book, "", words, TOTAL).section("lore")
    assert any(i.label.startswith("Quill (named in this chapter") for i in lore.items)


# --- retrieval --------------------------------------------------------------------------
def test_retrieval_finds_the_early_passage_by_its_words(story):
    index, _ = story_index(story, None)
    found = index.search("where did Orrin hide the astrolabe", k=3)
    assert found[0][0].chapter == 2 and "astrolabe" in found[0][0].text


def test_recall_leaves_out_what_the_model_already_sees(story):
    scene, book = at_chapter(story, 3)
    asm = assemble(book, scene.text, words, TOTAL)
    for item in asm.section("recalled").items:
        assert not item.key.startswith(f"recall:{scene.id}:") or item.state != "in"


def test_recall_draws_only_on_the_book_before_the_place(story):
    # Chapter 3 hides the astrolabe; a writer back in chapter 2 is not told where.
    scene, book = at_chapter(story, 2)
    text = scene.text[:900] + " Where did Orrin hide the astrolabe?"
    recalled = assemble(book, text, words, TOTAL).section("recalled")
    kept = [i for i in recalled.items if i.state == "in"]
    assert all(int(i.label.split()[1].rstrip(":")) <= 2 for i in kept)
    assert "astrolabe" not in recalled.text  # (chapter 40 recalls early chapters: above)


def test_recall_cache_is_reused_and_a_damaged_one_rebuilt(story, tmp_path, monkeypatch):
    scenes = [SceneText(s.id, 0, "Chapter 1", s.text) for _c, s in story.binder.scenes()]
    cache = tmp_path / "cache" / "recall.json"
    first, note = build_index(scenes, cache)
    assert note == "" and cache.exists()

    def boom(_text):
        raise AssertionError("an unchanged scene was read again")

    monkeypatch.setattr(recall, "search_terms", boom)
    again, note = build_index(scenes, cache)
    assert len(again) == len(first) and note == ""
    monkeypatch.undo()
    cache.write_text("{ not json", "utf-8")
    rebuilt, note = build_index(scenes, cache)
    assert len(rebuilt) == len(first) and "rebuilt" in note
    assert json.loads(cache.read_text("utf-8"))["version"] == recall.CACHE_VERSION


def test_an_empty_book_has_an_empty_index():
    index, _ = build_index([], None)
    assert len(index) == 0 and index.search("anything") == []


# --- places and synopses ----------------------------------------------------------------
def test_open_place_finds_the_scene_and_refuses_places_not_in_the_book(story):
    save_story(story)
    place = open_place(story.folder, 40, 1, 100)
    assert place.before == story.binder.chapters[39].scenes[0].text[:100]
    with pytest.raises(PlaceError, match="no chapter 61"):
        open_place(story.folder, 61)
    with pytest.raises(PlaceError, match="between 0 and"):
        open_place(story.folder, 1, 1, 10**7)


def test_extractive_synopsis_keeps_the_sentences_with_names_and_events():
    text = (
        "It was raining. Mara met Orrin at the Lantern Quay and gave him the ledger. "
        "'Oh,' she said. The rain went on and on, as rain does."
    )
    draft = extractive_synopsis(text, max_words=15)
    assert draft.startswith("Mara met Orrin")


def test_extractive_synopsis_of_only_long_sentences_is_cut_to_the_limit():
    text = "Mara walked " + "and walked " * 60 + "to Saltmarsh."
    draft = extractive_synopsis(text, max_words=20)
    assert draft.endswith("…") and len(draft.split()) <= 21
    assert extractive_synopsis("") == ""


def test_a_passage_being_rewritten_is_not_recalled_and_pins_survive_edits_before_it(story):
    hidden = story.binder.chapters[2].scenes[0].text
    passage = hidden[hidden.index("Orrin hid") :]
    _scene, book = at_chapter(story, 40)
    asm = assemble(book, passage, words, TOTAL, settled=True)
    assert "astrolabe" not in asm.prefix
    index, _ = story_index(story, None)
    key = index.search("astrolabe altar", k=1)[0][0].key
    story.binder.chapters[2].scenes[0].text = "A new opening paragraph.\n\n" + hidden
    moved, _ = story_index(story, None)
    assert moved.search("astrolabe altar", k=1)[0][0].key == key
