"""Memory on day one: a book with no notes gets drafted synopses, cast and memory, marked
as drafts, used only where the writer has written nothing."""

from __future__ import annotations

from pathlib import Path

from backend.story.facts.model import Citation, Fact
from backend.story.memory.assembly import assemble
from backend.story.memory.drafts import DRAFT_FIELD, day_one_drafts
from backend.story.memory.position import book_context, story_index

from .book import CAST, build, words


def bare(folder: Path):  # type: ignore[no-untyped-def]
    story = build(folder / "Bare.inkling", synopses=False)
    story.memory = ""
    story.characters = []
    story.background = []
    return story


def test_a_bare_book_gets_a_synopsis_per_chapter_a_cast_and_a_memory_line(tmp_path: Path) -> None:
    story = bare(tmp_path)
    drafts = day_one_drafts(story)
    assert set(drafts.synopses) == {c.id for c in story.binder.chapters}
    assert all(s.strip() for s in drafts.synopses.values())
    names = [e.name for e in drafts.entries]
    assert set(CAST) <= set(names)
    assert all(n in drafts.memory for n in CAST)
    orrin = next(e for e in drafts.entries if e.name == "Orrin")
    assert orrin.first_chapter == 1 and "often with" in orrin.fields["Relationships"]
    assert orrin.fields["Backstory"].startswith("First seen in chapter 1: “In chapter 1")
    assert orrin.kind == "character" and orrin.prompt_entry()[DRAFT_FIELD] == "yes"
    abbey = next(e for e in drafts.entries if e.name == "Greyfen Abbey")
    assert abbey.kind == "location" and abbey.fields["Kind"] == "location"
    assert abbey.prompt_entry()["Kind"] == "location"


def test_drafts_never_replace_what_the_writer_wrote(tmp_path: Path) -> None:
    story = build(tmp_path / "Kept.inkling", synopses=False)  # memory and bible written
    story.binder.chapters[0].synopsis = "Mara comes home."
    drafts = day_one_drafts(story)
    assert story.binder.chapters[0].id not in drafts.synopses
    assert drafts.memory == ""
    assert not {e.name for e in drafts.entries} & set(CAST)  # every one has a bible entry
    scene = story.binder.chapters[3].scenes[0]
    book = book_context(story, scene.id, drafts=drafts)
    assert book.memory == story.memory and not book.memory_draft
    assert book.earlier[0].synopsis == "Mara comes home." and not book.earlier[0].draft
    assert (
        book.earlier[1].draft
        and book.earlier[1].synopsis == drafts.synopses[story.binder.chapters[1].id]
    )


def test_the_model_sees_the_drafts_marked_as_drafts(tmp_path: Path) -> None:
    story = bare(tmp_path)
    index, _ = story_index(story, None)
    scene = story.binder.chapters[39].scenes[0]
    plain = book_context(story, scene.id, index=index)
    drafted = book_context(story, scene.id, index=index, drafts=day_one_drafts(story))
    text = scene.text[:900]
    without = assemble(plain, text, words, 2000)
    with_drafts = assemble(drafted, text, words, 2000)
    assert not (without.section("story_so_far") or without.sections[0]).text.strip() or (
        "The story so far" not in without.prompt
    )
    so_far = with_drafts.section("story_so_far")
    assert so_far is not None and "The story so far" in so_far.text
    assert all(i.label.endswith("(draft)") for i in so_far.items if i.state == "in")
    memory = with_drafts.section("memory")
    assert memory is not None and "Mara" in memory.text
    lore = with_drafts.section("lore")
    assert lore is not None and any("draft" in i.label for i in lore.items)


def test_story_facts_fill_the_drafted_cast(tmp_path: Path) -> None:
    story = bare(tmp_path)
    scene = story.binder.chapters[0].scenes[0]
    quote = "Mara had blue eyes."
    facts = [
        Fact("attribute", "Mara", "eyes", "blue", Citation(1, 1, scene.id, quote, 0, 19)),
        Fact("age", "Mara", "age", "17", Citation(1, 1, scene.id, "Mara was 17.", 20, 32)),
        Fact("attribute", "Mara", "eyes", "brown", Citation(9, 1, scene.id, quote, 0, 19)),
    ]
    mara = next(e for e in day_one_drafts(story, facts=facts).entries if e.name == "Mara")
    assert mara.fields["Appearance"] == "eyes blue"  # the first saying
    assert mara.fields["Age"] == "17"
    assert "eyes blue" in mara.prompt_entry()["Description"]


def test_the_chapter_being_written_gets_no_draft_of_itself(tmp_path: Path) -> None:
    # Its draft is made of its own sentences: in a short chapter, the whole recent text
    # again, which a small model copies out instead of continuing.
    story = bare(tmp_path)
    drafts = day_one_drafts(story)
    chapter = story.binder.chapters[2]
    scene = chapter.scenes[0]
    book = book_context(story, scene.id, drafts=drafts)
    assert chapter.id in drafts.synopses and book.chapter.synopsis == ""
    assert not book.chapter.draft
    assert book.earlier[1].draft  # the chapters before it keep theirs
    text = scene.text[:600]
    this = assemble(book, text, words, 2000).section("this_chapter")
    assert this is not None and this.text.strip() == "Chapter 3"
    assert "Tessaly walked" in text
