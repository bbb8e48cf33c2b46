"""Drafts from the prompt: which tokens prompt lookup proposes."""

from __future__ import annotations

from backend.engines.lookup import PromptLookup


def test_drafts_what_followed_the_last_words_most_recently() -> None:
    lookup = PromptLookup(3)
    # "1 2 3 4 5 ... 1 2 3 9 8 7 ... 1 2" then 3: the newest "1 2 3" was followed by 9 8 7.
    lookup.reset([1, 2, 3, 4, 5, 6, 1, 2, 3, 9, 8, 7, 0, 1, 2])
    assert lookup.draft(3) == [9, 8, 7]


def test_a_longer_match_wins_over_a_more_recent_shorter_one() -> None:
    lookup = PromptLookup(2)
    # "5 1 2" occurs once (followed by 7 7); "1 2" alone occurs later (followed by 8 8).
    lookup.reset([5, 1, 2, 7, 7, 0, 1, 2, 8, 8, 5, 1])
    assert lookup.draft(2) == [7, 7]


def test_no_draft_without_a_shared_pair_of_tokens() -> None:
    lookup = PromptLookup(4)
    lookup.reset([1, 2, 3, 4, 5])
    assert lookup.draft(9) == []  # 9 never occurred
    assert lookup.draft(1) == []  # "5 1" never occurred; "1" alone is not enough
    assert PromptLookup(0).draft(1) == []


def test_accepted_tokens_are_searched_too() -> None:
    lookup = PromptLookup(2)
    lookup.reset([4, 5])
    lookup.push([6, 7, 8, 6])
    assert lookup.draft(7) == [8, 6]


def test_a_draft_never_runs_past_the_held_tokens() -> None:
    lookup = PromptLookup(5)
    lookup.reset([1, 2, 3, 1])
    assert lookup.draft(2) == [3, 1]
