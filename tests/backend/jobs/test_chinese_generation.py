"""Generation in Chinese on the bundled model: suggestions that stop at a Chinese clause
end, first- and third-person continuations, character sheets in Chinese; and the sheet
rules and style header for Chinese on their own."""

from __future__ import annotations

import pytest

from backend.engines.params import SamplerParams
from backend.jobs.character import build_prompt, generate_entry
from backend.jobs.kinds import ContinueJob
from backend.jobs.styled import LengthRule, VoiceCheck, styled_stream
from backend.jobs.styled.voice import ECHO_FAULTS
from backend.jobs.suggest import SuggestOptions, suggest_stream
from backend.story.cards import card_to_sheet, read_card_png, sheet_to_card, write_card_png
from backend.story.sheet_rules import invalid_fields, problem, pronoun_set, repair_pronouns
from backend.story.style.detect import detect_person, in_dialogue
from backend.story.style.header import header_marks, style_header
from backend.story.style.model import Style
from backend.text.sentences import CJK_TERMINATORS, CLOSERS

OPENING = "雨已经下了三天，玛莎终于拆开了那封信。信是她哥哥写来的，"
STORY = "那年冬天，我回到了相隔二千余里的故乡。天气阴晦，冷风吹进船舱，呜呜地响。"


def test_the_person_detector_reads_chinese_pronouns_outside_quotes() -> None:
    assert detect_person("我推开门走了进去。他说：“你来了。”") == "first"
    assert detect_person("她推开门走了进去，对他说：“我来了，我来了。”") == "third"
    assert detect_person("其他人都走了。她留了下来。") == "third"  # 其他 is no pronoun
    assert in_dialogue("他说：「我不去")
    assert not in_dialogue("他说：「我不去。」")


def test_the_style_header_speaks_chinese_and_has_no_tense() -> None:
    style = Style(genre="悬疑", pov="first", tense="past")
    header = style_header(style, "一座灯塔", "zh")
    assert "叙述视角：第一人称（我）" in header
    assert "过去时" not in header and "past" not in header
    assert header.endswith("\n\n") and "叙述示例：我推开门" in header
    assert "（我）" in header_marks(header, "zh")


def test_lengths_are_counted_in_characters_for_chinese() -> None:
    rule = LengthRule("sentence", lang="zh")
    out = rule.feed("他走了。") + rule.feed("她站在门口看着远处的海面，很久都没有说话。然后")
    assert out == "他走了。她站在门口看着远处的海面，很久都没有说话。"
    assert rule.done


def test_chinese_sheet_rules() -> None:
    sheet = {"Gender/pronouns": "女，她"}
    assert problem("Name", "林默", {}, "character", "zh") is None
    assert problem("Name", "约翰·华生", {}, "character", "zh") is None
    assert problem("Name", "林", {}, "character", "zh") == "not a name"
    assert problem("Name", "Maren Holt", {}, "character", "zh") == "not a name"
    assert problem("Age", "２７", {}, "character", "zh") is None  # full-width digits
    assert problem("Age", "二十七", {}, "character", "zh") == "not a plausible age"
    assert pronoun_set("女，她", "zh") == "she" and pronoun_set("男，他", "zh") == "he"
    assert problem("Gender/pronouns", "女，他", {}, "character", "zh") == (
        "gender and pronouns disagree"
    )
    assert repair_pronouns("女，他", "zh") == "女，她"
    wrong = "他身材高大，他的眼神锐利，总穿一件旧外套。"
    assert problem("Appearance", wrong, sheet, "character", "zh") == (
        "pronouns do not match the Gender field"
    )
    assert problem("Appearance", "其他人都怕她那双锐利的眼睛。", sheet, "character", "zh") is None
    copy = "脸庞饱经风霜，灰白发辫垂在肩头，左手掌心有一道旧疤。"  # the example, nearly
    assert problem("Appearance", copy, {}, "character", "zh") == "copied from the examples"
    assert (
        problem("Voice", "我爱你，我爱你，我爱你，我爱你。", {}, "character", "zh") == "repetitive"
    )
    assert problem("Kind", "地点", {}, "background", "zh") is None


def test_the_chinese_sheet_prompt_uses_chinese_labels() -> None:
    prompt = build_prompt("character", "一座灯塔", "悬疑", "", {"Name": "林默"}, "Age", "zh")
    assert prompt.endswith("故事梗概：一座灯塔\n类型：悬疑\n已有人物：无\n姓名：林默\n年龄：")


def test_a_chinese_suggestion_stops_at_a_clause_end_and_keeps_characters_whole(
    llama_engine,
) -> None:
    for text in (OPENING, STORY, STORY[:-1], OPENING + "她"):
        out = "".join(suggest_stream(llama_engine, text, len(text), SuggestOptions()))
        assert out.strip(), text
        assert "\ufffd" not in out  # no multi-byte character cut in half
        marks = [i for i, ch in enumerate(out) if ch in CJK_TERMINATORS + "；"]
        if marks:  # it stops at the first sentence or clause end (and its closing quote)
            assert out[marks[0] + 1 :].strip(CLOSERS + CJK_TERMINATORS) == "", out


@pytest.mark.parametrize(("pov", "person"), [("first", "first"), ("third_limited", "third")])
def test_chinese_continuations_keep_the_chosen_person(llama_engine, pov, person) -> None:
    style = Style(pov=pov, length="sentence")
    kept = 0
    for seed in range(3):
        text = "".join(styled_stream(llama_engine, OPENING, style, seed=seed, lang="zh"))
        assert text.strip() and "\ufffd" not in text
        assert "叙述" not in text  # the header is not copied into the story
        kept += detect_person(text) == person
    assert kept >= 2


def test_a_continue_job_detects_chinese_from_the_text() -> None:
    job = ContinueJob(STORY, SamplerParams(), Style(pov="first"))
    assert job.lang == "zh"
    assert ContinueJob("She walked in.", SamplerParams(), language="zh").lang == "zh"


def test_a_chinese_character_sheet_is_valid_and_survives_a_card(llama_engine) -> None:
    sheet = generate_entry(
        llama_engine, "character", "守灯塔的人在礁石上发现一个撑着红伞的小女孩。", "悬疑",
        seed=3, lang="zh",
    )  # fmt: skip
    assert invalid_fields(sheet, "character", "zh") == {}, sheet
    assert sheet["Age"].isdigit()
    assert any("\u4e00" <= c <= "\u9fff" for c in sheet["Personality"])
    back = card_to_sheet(read_card_png(write_card_png(sheet_to_card(sheet))))
    assert back["Name"] == sheet["Name"] and back["Backstory"] == sheet["Backstory"]


def test_a_sentence_copied_from_the_chinese_exemplar_is_a_fault() -> None:
    style = Style(pov="first")
    check = VoiceCheck(style, "雨下了三天。", style_header(style, "", "zh"), "zh")
    assert check.faults("我立刻明白，这里不止我一个人。") >= ECHO_FAULTS
    assert check.faults("我推开窗，看见院子里的雪。") == 0
    assert check.faults("他推开窗，看见院子里的雪。") > 0  # the wrong person
