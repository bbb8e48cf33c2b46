"""Text rules for Chinese: sentences and clauses, jieba words, the language of a text,
counts, names in lore, and legacy encodings."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.jobs.keystrokes import accepted_cjk_prefix, simulate_cjk
from backend.storage.documents import (
    EncodingProblem,
    encoding_candidates,
    read_document,
    save_document,
)
from backend.story.bible import keywords
from backend.story.language import generation_language
from backend.story.memory.lore import pick_lore
from backend.text.counts import cjk_count, word_count
from backend.text.language import detect_language
from backend.text.sentences import clause_end, ends_sentence, split_sentences
from backend.text.words import inside_word, next_word, words_of

GUXIANG = Path(__file__).resolve().parents[2] / "data" / "corpus" / "guxiang.txt"


def test_sentences_end_at_full_width_marks_with_their_closing_quotes() -> None:
    text = "我走到门口。他说：“你好！”然后他走了……我不知道。「真的？」她问。"
    assert split_sentences(text) == [
        "我走到门口。",
        "他说：“你好！”",
        "然后他走了……我不知道。",
        "「真的？」",
        "她问。",
    ]
    # English rules are unchanged: no space, no sentence end.
    assert split_sentences("Mr. Smith paid 3.5 pounds. He left.") == [
        "Mr. Smith paid 3.5 pounds.",
        "He left.",
    ]


def test_a_cjk_mark_ends_a_sentence_without_a_space_unless_a_closer_follows() -> None:
    assert ends_sentence("我走了。", "他")
    assert ends_sentence("我走了。", "他".encode())
    assert not ends_sentence("他说：“走了。", "”")
    assert not ends_sentence("真的？", "！")
    assert ends_sentence("真的？！", "他")
    assert not ends_sentence("我走了。", "")


def test_clause_ends_include_the_full_width_semicolon_and_colon_but_not_the_comma() -> None:
    assert clause_end("天空挂着圆月，下面是海边的沙地；都种着西瓜") == len(
        "天空挂着圆月，下面是海边的沙地；"
    )
    assert clause_end("他说：“好”") == len("他说：")
    assert clause_end("我等着……他来了") == len("我等着……")
    assert clause_end("深蓝的天空中挂着一轮金黄的圆月，下面") is None


def test_next_word_takes_one_chinese_word_with_its_punctuation() -> None:
    assert next_word("我们走到门口，看见闰土") == "我们"
    assert next_word("门口，看见闰土") == "门口，"
    assert next_word("，然后他走了") == "，然后"
    assert next_word("“老爷！”他说") == "“老爷！”"
    assert next_word(" the rabbit ran") == " the"
    assert next_word("Mara和闰土") == "Mara"
    assert words_of("我们走到门口，看见闰土。")[-4:] == ["，", "看见", "闰土", "。"]


def test_the_cursor_inside_a_chinese_word_is_mid_word() -> None:
    assert inside_word("我们走到门", "口看见")
    assert not inside_word("我们走到", "门口")
    assert not inside_word("走到门口，", "看见")
    assert inside_word("wor", "d") and not inside_word("word", " next")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("我们走到门口，看见闰土站在那里。", "zh"),
        ("我們走到門口，看見閏土站在那裡。", "zh"),  # traditional characters
        ("Mara met 闰土 at the gate and they talked.", "en"),
        ("闰土用iPhone给我打了一个很长的电话，说他要来。", "zh"),
        ("わたしは東京に住んでいます。", "ja"),
        ("１２３ ... !!!", ""),
        ("", ""),
    ],
)
def test_the_language_of_a_text_comes_from_its_script(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_generation_follows_the_story_then_the_text_then_english() -> None:
    assert generation_language("zh", "An English text.") == "zh"
    assert generation_language("", "", "我们走到门口") == "zh"
    assert generation_language("", "１２３") == "en"
    assert generation_language("ja", "わたし") == "en"  # no Japanese pack yet


def test_counts_characters_for_han_and_words_for_the_rest() -> None:
    mixed = "他买了一部 iPhone 15 Pro。"
    assert cjk_count(mixed) == 5
    assert word_count(mixed) == 5 + 3  # 他买了一部 and iPhone, 15, Pro


def test_chinese_names_are_found_without_word_boundaries() -> None:
    entries = [{"Name": "林黛玉", "Occupation": "诗人"}, {"Name": "约翰·华生", "Age": "40"}]
    assert keywords(entries[0]) == ["林黛玉", "黛玉"]
    assert "华生" in keywords(entries[1])
    hits, _muted, notes = pick_lore("那天黛玉和华生在院子里说话。", "", entries)
    assert sorted(h.name for h in hits) == ["林黛玉", "约翰·华生"]
    assert notes == []


def test_legacy_chinese_encodings_are_offered_most_likely_first(tmp_path: Path) -> None:
    simplified = GUXIANG.read_text(encoding="utf-8")[:400]
    traditional = "我們走到門口，看見閏土站在那裡。他說：「老爺！」這是二十年前的事了。"
    gb, big5 = tmp_path / "gb.txt", tmp_path / "big5.txt"
    gb.write_bytes(simplified.encode("gb18030"))
    big5.write_bytes(traditional.encode("big5"))
    with pytest.raises(EncodingProblem) as problem:
        read_document(gb)
    assert problem.value.candidates[0][0] == "gb18030"
    assert problem.value.candidates[0][1].startswith("我冒了严寒")
    assert "GB18030" in str(problem.value)
    assert encoding_candidates(big5.read_bytes())[0][0] == "big5"
    assert encoding_candidates("Café déjà vu".encode("cp1252"))[0][0] == "cp1252"
    # Opened in the chosen encoding, saved back in it: the bytes are unchanged.
    doc = read_document(gb, encoding="gb18030")
    assert doc.text == simplified
    save_document(doc, doc.text)
    assert gb.read_bytes() == simplified.encode("gb18030")


def test_the_chinese_keystroke_harness_accepts_whole_words() -> None:
    assert accepted_cjk_prefix("我们走到门口，看见", "我们走到门外") == "我们走到"
    assert accepted_cjk_prefix("我们", "我") == ""

    def suggest(doc: str) -> tuple[str, float | None, float]:
        return ("走到门口，" if doc.endswith("我们") else "", 1.0, 2.0)

    typing = simulate_cjk(suggest, "", "我们走到门口，看见")
    # 我, 们 typed (2), 走到门口， accepted (5 chars: 3 keystrokes), 看, 见 typed (2).
    assert typing.ksr == pytest.approx((9 - 7) / 9)
    assert typing.requests == 9 - 5 + 1
