"""Ask the book: questions parsed into what to look for, passages ranked and cited by
chapter, scene and the sentence as it stands, and the model's sentence kept only when it
is made of the quotes."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from backend.jobs.ask import AskJob, with_sentence
from backend.story.binder import Chapter, Scene
from backend.story.memory.ask import (
    NO_WORDS,
    NOTHING_FOUND,
    Answer,
    Citation,
    answer_prompt,
    ask_book,
    grounded_sentence,
)
from backend.story.memory.questions import parse_question
from backend.story.project import Story, new_story
from backend.text.terms import names_in

FILLER = (
    "The rain kept on over the roofs of the town, and the lamps were lit early along the "
    "quay. Nobody spoke of the harbour wall or of the ledger that went missing."
)


def make_story(folder: Path, chapters: list[list[str]]) -> Story:
    """A story with the given scenes per chapter (chapter titles 'One', 'Two' …)."""
    story = new_story(folder, title="Test")
    story.binder.chapters = [
        Chapter(title=f"Part {n + 1}", scenes=[Scene(title="", text=t) for t in scenes])
        for n, scenes in enumerate(chapters)
    ]
    return story


@pytest.fixture
def book(tmp_path: Path) -> Story:
    chapters = [[FILLER, FILLER] for _ in range(8)]
    chapters[1][1] = (
        f"{FILLER}\n\nAnna met Marek for the first time at the fish market, under the "
        "clock. He was carrying a basket of eels."
    )
    chapters[5][0] = f"Years later Anna and Marek met again at the station. {FILLER}"
    chapters[3][0] = (
        f"{FILLER} The Duke's coach was painted a deep green, with gold on the doors. "
        "Its horses were grey."
    )
    return make_story(tmp_path / "Book.inkling", chapters)


def test_question_words_are_dropped_and_words_get_their_forms() -> None:
    q = parse_question("When did Anna first meet Marek?")
    assert q.first and set(q.words) == {"anna", "meet", "marek"}
    forms = dict(next(c for c in q.concepts if c.word == "meet").forms)
    assert forms["met"] < 1.0 and forms["meet"] == 1.0
    weights = {c.word: c.weight for c in q.concepts}
    assert weights["anna"] > weights["meet"]  # names weigh most
    colour = dict(parse_question("What colour is the Duke's coach?").concepts[0].forms)
    assert "color" in colour and not parse_question("What colour?").first
    chinese = parse_question("闰土第一次送了我什么？")
    assert chinese.first and "什么" not in chinese.words and "闰土" in chinese.words


def test_a_first_question_prefers_the_earliest_chapter_with_scene_numbers(book: Story) -> None:
    answer = ask_book(book, "When did Anna first meet Marek?")
    top = answer.citations[0]
    assert (top.chapter, top.scene) == (2, 2)
    assert top.quote.startswith("Anna met Marek for the first time")
    scene = book.binder.chapters[1].scenes[1]
    assert scene.text[top.start : top.end] == top.quote and top.scene_id == scene.id
    assert 6 in [c.chapter for c in answer.citations]  # the later meeting is cited too


def test_spelling_variants_and_possessives_find_the_sentence(book: Story) -> None:
    answer = ask_book(book, "What color is the Duke's coach?")
    top = answer.citations[0]
    assert top.chapter == 4 and "deep green" in top.quote
    assert "horses" not in top.quote  # the best sentence, not the whole passage


def test_chinese_questions_are_answered_and_quoted_exactly(tmp_path: Path) -> None:
    chapters = [
        ["\u3000\u3000我冒了严寒，回到相隔二千余里，别了二十余年的故乡去。"],
        ["\u3000\u3000我的母亲很高兴，但也藏着许多凄凉的神情。宏儿没有见过我。"],
        [
            "\u3000\u3000可惜正月过去了，闰土须回家里去。"
            "他后来还托他的父亲带给我一包贝壳和几支很好看的鸟毛，我也曾送他一两次东西。"
        ],
        ["\u3000\u3000阿！闰土的心里有无穷无尽的希奇的事，他躲到厨房里。"],
    ]
    story = make_story(tmp_path / "Gu.inkling", chapters)
    answer = ask_book(story, "闰土送了我什么？")
    assert answer.citations[0].chapter == 3
    top = answer.citations[0]
    text = story.binder.chapters[2].scenes[0].text
    assert text[top.start : top.end] == top.quote and top.quote.startswith("他后来")
    assert top.start > text.index("他后来") - 1  # offsets count the full-width spaces


def test_nothing_found_says_so_and_has_no_answer(book: Story) -> None:
    answer = ask_book(book, "Where did the zeppelin land?")
    assert answer.citations == () and answer.note == NOTHING_FOUND
    data = answer.to_json()
    assert data["answer"] == "" and data["generated"] is False and data["citations"] == []
    assert ask_book(book, "What was it?").note == NO_WORDS


def test_an_empty_book_and_a_huge_question_are_harmless(tmp_path: Path) -> None:
    empty = make_story(tmp_path / "Empty.inkling", [[""]])
    assert ask_book(empty, "Who is Anna?").citations == ()
    q = parse_question("Anna " * 10_000)
    assert len(q.text) <= 500 and len(q.concepts) == 1


def _cite(quote: str) -> Citation:
    return Citation(3, 1, "s1", "Chapter 3", quote, 0, len(quote), 1.0)


def test_grounded_sentence_keeps_only_what_the_quotes_say() -> None:
    quotes = [_cite("The Dodo solemnly presented the thimble to Alice as her prize.")]
    q = "What did the Dodo give Alice as a prize?"
    assert grounded_sentence(" The Dodo gave Alice a thimble.\nMore", q, quotes) == (
        "The Dodo gave Alice a thimble."
    )
    assert grounded_sentence("Tom gave his sister a red kite.", q, quotes) == ""  # not cited
    assert grounded_sentence("The Dodo gave Alice a prize.", q, quotes) == ""  # nothing new
    assert grounded_sentence("<i>thimble thimble thimble thimble</i>", q, quotes) == ""
    assert grounded_sentence("\n\n", q, quotes) == ""


def test_the_prompt_holds_only_the_question_and_the_quotes() -> None:
    prompt = answer_prompt("Who?", [_cite("Anna met Marek."), _cite("Marek left.")])
    assert prompt.endswith("Question: Who?\nAnswer:")
    assert "Chapter 3: Anna met Marek." in prompt and "Marek left." in prompt


def test_the_bundled_model_adds_at_most_one_grounded_sentence(llama_engine, book) -> None:  # type: ignore[no-untyped-def]
    answer = with_sentence(llama_engine, ask_book(book, "What colour is the Duke's coach?"))
    assert answer.citations and answer.generated == bool(answer.sentence)
    if answer.sentence:  # what the model wrote is made of the quotes' words, one sentence
        source = answer.question + " ".join(c.quote for c in answer.citations)
        assert "\n" not in answer.sentence
        assert grounded_sentence(answer.sentence, answer.question, answer.citations[:3])
        assert all(name in source for name in names_in(answer.sentence))
    nothing = Answer("Where is the zeppelin?")  # no citations: no model sentence
    assert list(AskJob(nothing).run(llama_engine, threading.Event())) == [""]
