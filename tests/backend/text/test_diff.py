"""Word-level differences and the deltas snapshots keep: words stay whole, CJK is compared
per character, a delta always rebuilds its text, and a delta that does not fit is refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.text.diff import (
    DELETE,
    EQUAL,
    INSERT,
    DeltaError,
    apply_delta,
    delta,
    tokens,
    word_diff,
)

BIG = 10**9


def sides(diff: list[tuple[int, str]]) -> tuple[str, str]:
    """The old and the new text a diff describes."""
    old = "".join(text for op, text in diff if op in (EQUAL, DELETE))
    new = "".join(text for op, text in diff if op in (EQUAL, INSERT))
    return old, new


def cuts(diff: list[tuple[int, str]], side: int) -> set[int]:
    """Where the diff's parts start and end in the old (DELETE) or new (INSERT) text."""
    at, found = 0, {0}
    for op, text in diff:
        if op in (EQUAL, side):
            at += len(text)
            found.add(at)
    return found


def boundaries(text: str) -> set[int]:
    at, found = 0, {0}
    for token in tokens(text):
        at += len(token)
        found.add(at)
    return found


# --- word diff ---------------------------------------------------------------------------
def test_a_changed_word_is_one_deletion_and_one_insertion() -> None:
    diff = word_diff("It was raining hard that night.", "It was pouring hard that night.")
    assert diff == [
        (EQUAL, "It was "),
        (DELETE, "raining"),
        (INSERT, "pouring"),
        (EQUAL, " hard that night."),
    ]


def test_words_sharing_letters_are_not_split() -> None:
    # A letter-level diff would keep "ca" and "t"; a word diff replaces the whole word.
    diff = word_diff("the cat sat", "the cart sat")
    assert (DELETE, "cat") in diff and (INSERT, "cart") in diff
    assert all(text in {"the ", "cat", "cart", " sat"} for _op, text in diff)


def test_tokens_keep_words_apostrophes_and_spaces() -> None:
    text = "don't  stop—well-known 東京 😀\n"
    assert tokens(text) == [
        "don't",
        "  ",
        "stop",
        "—",
        "well",
        "-",
        "known",
        " ",
        "東",
        "京",
        " ",
        "😀",
        "\n",
    ]
    assert "".join(tokens(text)) == text


def test_cjk_is_compared_one_character_at_a_time() -> None:
    assert word_diff("我爱你们", "我恨你们") == [
        (EQUAL, "我"),
        (DELETE, "爱"),
        (INSERT, "恨"),
        (EQUAL, "你们"),
    ]
    assert word_diff("今天天气很好", "今天天气不好") == [
        (EQUAL, "今天天气"),
        (DELETE, "很"),
        (INSERT, "不"),
        (EQUAL, "好"),
    ]
    # Japanese kana and Korean Hangul are CJK too.
    assert (DELETE, "は") in word_diff("私は猫", "私が猫")
    assert (INSERT, "을") in word_diff("책이 좋다", "책을 좋다")


def test_diff_of_empty_and_equal_texts() -> None:
    assert word_diff("", "") == []
    assert word_diff("", "new words") == [(INSERT, "new words")]
    assert word_diff("old words", "") == [(DELETE, "old words")]
    assert word_diff("same text", "same text") == [(EQUAL, "same text")]


# --- deltas ------------------------------------------------------------------------------
def test_delta_round_trip() -> None:
    base = "The bell rang twice. Wren slept on."
    text = "The bell rang three times. Wren slept on, dreaming."
    ops = delta(base, text)
    assert apply_delta(base, ops, BIG) == text
    assert all(isinstance(op, int | str) and not isinstance(op, bool) for op in ops)
    # Copies and skips are counts of characters, so the delta is much smaller than the text.
    assert ops[0] == len("The bell rang ")
    assert delta(text, text) == [len(text)]
    assert delta("", "") == []
    assert delta("gone", "") == [-4]
    assert apply_delta("gone", [-4], BIG) == ""
    assert apply_delta("", ["新的"], BIG) == "新的"


def test_delta_counts_characters_not_bytes() -> None:
    base = "猫😀 ä\nend"
    text = "猫😀 ö\nend"
    ops = delta(base, text)
    assert apply_delta(base, ops, BIG) == text
    assert sum(abs(op) for op in ops if isinstance(op, int)) == len(base)


def test_a_small_edit_of_a_long_text_is_a_short_delta() -> None:
    words = [f"word{n % 300}" for n in range(5000)]
    base = " ".join(words)
    words[2500] = "changed"
    text = " ".join(words)
    ops = delta(base, text)
    assert apply_delta(base, ops, BIG) == text
    assert len(ops) <= 4
    assert len(str(ops)) < len(base) // 100


# Any characters (no lone surrogates), CJK, emoji with modifiers and flags, new lines.
prose = st.lists(
    st.one_of(
        st.characters(),
        st.sampled_from(list("我爱你们今天天气很好東京はが책을 \n\t.,'’-😀🇨🇳é")),
        st.sampled_from(["\r\n", "  ", "word", "Wren", "slept", "👍🏽", "e\u0301"]),
    ),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(a=prose, b=prose)
def test_any_delta_rebuilds_its_text(a: str, b: str) -> None:
    ops = delta(a, b)
    assert apply_delta(a, ops, len(b)) == b
    diff = word_diff(a, b)
    assert sides(diff) == (a, b)
    # Every cut falls between whole tokens, in both texts.
    assert cuts(diff, DELETE) <= boundaries(a)
    assert cuts(diff, INSERT) <= boundaries(b)


words = st.lists(
    st.sampled_from(["the", "bell", "rang", " ", "\n", ", ", "我", "爱", "你", "😀", "Wren's"]),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(a=words, b=words)
def test_word_lists_rebuild_and_keep_words_whole(a: list[str], b: list[str]) -> None:
    old, new = "".join(a), "".join(b)
    diff = word_diff(old, new)
    assert sides(diff) == (old, new)
    assert cuts(diff, DELETE) <= boundaries(old)
    assert cuts(diff, INSERT) <= boundaries(new)
    assert apply_delta(old, delta(old, new), len(new)) == new


# --- refused deltas ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("base", "ops", "reason"),
    [
        ("abc", [5], "runs past"),
        ("abc", [2, 2], "runs past"),
        ("abc", [-4], "runs past"),
        ("abc", [2, -2], "runs past"),
        ("abc", [2], "does not cover"),
        ("abc", ["abc"], "does not cover"),
        ("abc", [], "does not cover"),
        ("", [1], "runs past"),
    ],
)
def test_a_delta_that_does_not_fit_its_base_is_refused(base: str, ops: list, reason: str) -> None:
    with pytest.raises(DeltaError, match=reason):
        apply_delta(base, ops, BIG)


@pytest.mark.parametrize(
    "ops",
    [
        [True, True, True],  # bools are ints to Python, never to a delta
        [3, False],
        [3.0],
        [1.5, 1.5],
        [{"copy": 3}],
        [[3]],
        [None, 3],
        [b"abc"],
    ],
)
def test_a_delta_holding_something_else_is_refused(ops: list) -> None:
    with pytest.raises(DeltaError, match="not a change"):
        apply_delta("abc", ops, BIG)


@pytest.mark.parametrize("ops", ["3", (3,), {"0": 3}, None, 3, b"\x03"])
def test_a_delta_that_is_not_a_list_is_refused(ops: object) -> None:
    with pytest.raises(DeltaError, match="not a list"):
        apply_delta("abc", ops, BIG)


def test_a_delta_making_more_than_most_chars_is_refused() -> None:
    assert apply_delta("", ["x" * 10], 10) == "x" * 10
    with pytest.raises(DeltaError, match="longer"):
        apply_delta("", ["x" * 11], 10)
    with pytest.raises(DeltaError, match="longer"):
        apply_delta("a" * 20, [20], 10)
    with pytest.raises(DeltaError, match="longer"):
        apply_delta("abc", [3, *(["y" * 4] * 3)], 14)
    # Refused as soon as the limit is passed, before the rest is looked at.
    with pytest.raises(DeltaError, match="longer"):
        apply_delta("", ["x" * 11, 3.0], 10)


def test_a_zero_copy_is_harmless() -> None:
    assert apply_delta("abc", [0, 3, 0, ""], BIG) == "abc"


def test_a_text_with_more_distinct_words_than_code_points_still_diffs() -> None:
    text = " ".join(str(n) for n in range(1_115_000))
    assert apply_delta("", delta("", text), len(text)) == text
