"""The shared sentence rules: one set for suggestions, length rules, the sentence check and
"Match my style"."""

from __future__ import annotations

import pytest

from backend.text.sentences import (
    clause_end,
    ends_sentence,
    ends_with_abbreviation,
    is_abbreviation_at,
    sentence_ends,
    split_sentences,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("She met Mr.", True),
        ("He saw Dr.", True),
        ('"Ask Mrs.', True),
        ("It was J.", True),  # an initial
        ("and so was I.", False),  # "I" is a word, not an initial
        ("She said no.", False),  # fiction says "no." far more than "No. 5"
        ("The end.", False),
        ("", False),
    ],
)
def test_abbreviations_and_initials(text: str, expected: bool) -> None:
    assert ends_with_abbreviation(text) is expected


def test_is_abbreviation_at_only_looks_at_full_stops() -> None:
    assert is_abbreviation_at("Mr. Smith", 2)
    assert not is_abbreviation_at("Mr! Smith", 2)


def test_sentence_ends_skip_titles_and_keep_closing_quotes() -> None:
    text = 'Mr. Brown came in. "Is it late?" she asked… Then nothing'
    ends = list(sentence_ends(text))
    assert [text[:e] for e in ends] == [
        "Mr. Brown came in.",
        'Mr. Brown came in. "Is it late?"',
        'Mr. Brown came in. "Is it late?" she asked…',
    ]
    assert list(sentence_ends(text, ends[0])) == ends[1:]


def test_split_sentences() -> None:
    assert split_sentences("One. Two!  Three? Dr. Who came") == [
        "One.",
        "Two!",
        "Three?",
        "Dr. Who came",
    ]
    assert split_sentences("   ") == []


def test_ends_sentence_needs_a_space_before_the_next_piece() -> None:
    assert ends_sentence("He left.", " She")
    assert ends_sentence("He left. ", b"She")
    assert not ends_sentence("He left.", b"txt")  # "left.txt"
    assert not ends_sentence("He met Mr.", " Smith")
    assert not ends_sentence("He left", " She")


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        (" the rabbit ran.", 0, 16),
        (" it cost 3.50 and more", 0, None),  # a decimal point ends nothing
        (" ask Mr. Brown; then go", 0, 15),
        (".", 0, None),  # a mark alone is not a clause
        (' she said "no." Then', 0, 15),
        (" wait… then", 0, 6),
    ],
)
def test_clause_end(text: str, start: int, end: int | None) -> None:
    assert clause_end(text, start) == end
