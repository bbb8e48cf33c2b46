"""The extraction rules, one scene at a time: what each rule reads out of a sentence, whom
it is about, and that every fact quotes its sentence at its offsets."""

from __future__ import annotations

import pytest

from backend.story.facts.scene import read_scene


def facts(text: str) -> set[tuple[str, str, str, str]]:
    return {(s.kind, s.subject, s.attribute, s.value) for s in read_scene(text).said}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Anna had blue eyes and a quick smile.", ("attribute", "Anna", "eyes", "blue")),
        ("Anna's eyes, a deep brown, gave nothing away.", ("attribute", "Anna", "eyes", "brown")),
        ("Marek pushed back his jet-black hair.", ("attribute", "Marek", "hair", "black")),
        ("Helga was tall and broad-shouldered.", ("attribute", "Helga", "height", "tall")),
        ("Rupert was a fat little man.", ("attribute", "Rupert", "build", "stout")),
        ("Joachim had a scar on his left hand.", ("attribute", "Joachim", "scar (hand)", "left")),
        ("The Duke's coach was red and gold.", ("possession", "Duke", "coach colour", "gold+red")),
        ("Old Tobias was seventy years old.", ("age", "Tobias", "age", "70")),
        ("Rosalind, aged twenty-two, sang.", ("age", "Rosalind", "age", "22")),
        ("Pavel was Irina's brother.", ("relationship", "Irina", "brother", "Pavel")),
        ("Greta's mother, Margit, sold bread.", ("relationship", "Greta", "mother", "Margit")),
        ("Viktor died that night.", ("death", "Viktor", "death", "Viktor died")),
        ('"Good evening," said Oskar.', ("appearance", "Oskar", "appearance", "said Oskar")),
        ("翠云的眼睛是蓝色的。", ("attribute", "翠云", "eyes", "blue")),
        ("德顺一头乌黑的头发。", ("attribute", "德顺", "hair", "black")),
        ("那年桂花才十二岁。", ("age", "桂花", "age", "12")),
        ("七斤是九斤的哥哥。", ("relationship", "九斤", "elder brother", "七斤")),
        ("阿福去年冬天死了。", ("death", "阿福", "death", "阿福去年冬天死了")),
    ],
)
def test_rules(text: str, expected: tuple[str, str, str, str]) -> None:
    assert expected in facts(text)


def test_pronouns_stand_for_the_last_name() -> None:
    assert ("attribute", "Mirela", "eyes", "grey") in facts("Mirela came in. She had grey eyes.")
    assert ("age", "阿毛", "age", "15") in facts("阿毛进来了。他今年十五岁。")


def test_distances_in_metres() -> None:
    [en] = [s for s in read_scene("Thornfield was three miles from Millcote.").said]
    assert (en.kind, en.subject, en.other) == ("distance", "Millcote", "Thornfield")
    assert en.number == pytest.approx(3 * 1609)
    [zh] = [s for s in read_scene("赵庄离鲁镇有三十里。").said if s.kind == "distance"]
    assert {zh.subject, zh.other} == {"赵庄", "鲁镇"} and zh.number == pytest.approx(15000)


@pytest.mark.parametrize(
    "text",
    [
        "Viktor was not dead.",
        "Viktor nearly died that night.",
        "If Viktor died, who would keep the mill?",
        "阿福没有死。",
    ],
)
def test_doubt_is_not_a_death(text: str) -> None:
    assert not any(kind == "death" for kind, *_ in facts(text))


def test_ordinary_sentences_state_nothing() -> None:
    text = "The meeting was short. It was ten minutes past four. She was one of them."
    assert {k for k, *_ in facts(text)} <= {"appearance"}


def test_quotes_stand_at_their_offsets() -> None:
    text = "Intro line.\n\nAnna came home. Anna had blue eyes.\n宝珠的眼睛是黑的。"
    read = read_scene(text)
    assert read.said
    for said in read.said:
        quote = text[said.start : said.end]
        assert quote.strip() == quote and quote in (
            "Anna came home.",
            "Anna had blue eyes.",
            "宝珠的眼睛是黑的。",
        )
    assert read.names["Anna"][0] == 2


def test_time_skips_are_kept() -> None:
    skips = [s for s in read_scene("Three years later the mill burned.").said if s.kind == "time"]
    assert [s.number for s in skips] == [3.0]
