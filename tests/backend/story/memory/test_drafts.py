"""Memory on day one: a book with no notes gets drafted synopses, cast and memory, marked
as drafts, used only where the writer has written nothing."""

from __future__ import annotations

from pathlib import Path

from backend.story.bible import entry_kind
from backend.story.facts.model import Citation, Fact
from backend.story.memory.assembly import assemble
from backend.story.memory.drafts import DRAFT_FIELD, day_one_drafts, dismiss, dismissed
from backend.story.memory.position import book_context, story_index
from backend.story.project_read import load_story
from backend.story.project_save import save_story

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


def test_a_kept_draft_is_an_entry_of_the_bible_with_the_drafted_fields(tmp_path: Path) -> None:
    drafts = day_one_drafts(bare(tmp_path))
    orrin = next(e for e in drafts.entries if e.name == "Orrin").bible_entry()
    assert entry_kind(orrin) == "character" and DRAFT_FIELD not in orrin
    assert orrin["Name"] == "Orrin" and orrin["Occupation"] == ""  # every field, to fill in
    assert orrin["Backstory"].startswith("First seen in chapter 1")
    assert "often with" in orrin["Relationships"]
    abbey = next(e for e in drafts.entries if e.name == "Greyfen Abbey").bible_entry()
    assert entry_kind(abbey) == "background" and abbey["Kind"] == "location"
    assert abbey["Description"].startswith("First seen") and abbey["Secrets"] == ""


def test_a_dismissed_draft_is_kept_with_the_story_and_not_drafted_again(tmp_path: Path) -> None:
    story = bare(tmp_path)
    drafts = day_one_drafts(story)
    assert "Orrin" in {e.name for e in drafts.entries} and "Orrin" in drafts.memory
    dismiss(story, "Orrin")
    save_story(story)
    story, _ = load_story(story.folder)
    assert dismissed(story) == {"Orrin"}
    again = day_one_drafts(story)
    assert "Orrin" not in {e.name for e in again.entries} and "Orrin" not in again.memory
    assert "Mara" in again.memory

    # Nor do the chapters' draft synopses list it among who is there (their sentences,
    # quoted from the book, still name whom they name).
    def listed(synopses: dict[str, str]) -> str:
        return " ".join(v.partition("(Here: ")[2] for v in synopses.values())

    assert "Orrin" in listed(dict(drafts.synopses))
    assert "Orrin" not in listed(dict(again.synopses)) and "Tessaly" in listed(dict(again.synopses))
    # What a window holds already loses it at once, in the lore and in the memory line.
    less = drafts.without(["Orrin"])
    assert "Orrin" not in {e["Name"] for e in less.bible()} and "Orrin" not in less.memory
    scene = story.binder.chapters[3].scenes[0]
    book = book_context(story, scene.id, drafts=less)
    assert "Orrin" not in {e["Name"] for e in book.bible} and "Orrin" not in book.memory
    back = less.restored(next(e for e in drafts.entries if e.name == "Orrin"))
    assert sorted(e.name for e in back.entries) == sorted(e.name for e in drafts.entries)
    assert [e.mentions for e in back.entries] == sorted(
        (e.mentions for e in back.entries), reverse=True
    )
    assert "Orrin" in back.memory and "Orrin" in {e["Name"] for e in back.bible()}
    dismiss(story, "Orrin", on=False)
    assert dismissed(story) == frozenset() and "dismissed_drafts" not in story.context


def test_dismissed_names_from_a_strange_file_are_read_with_care(tmp_path: Path) -> None:
    story = bare(tmp_path)
    for value in ("Orrin", 7, {"Orrin": 1}, None):
        story.context = {"dismissed_drafts": value}
        assert dismissed(story) == frozenset()
    story.context = {"dismissed_drafts": ["Orrin", 3, "", "x" * 5000, ["Mara"], " Ilse "]}
    assert dismissed(story) == {"Orrin", "Ilse"}
    story.context = {"dismissed_drafts": ["Orrin"] * 100_000 + ["Mara"]}
    assert dismissed(story) == {"Orrin"}  # only so many are read
