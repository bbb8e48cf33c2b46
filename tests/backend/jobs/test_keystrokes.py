"""Keystroke savings: what the simulated writer takes, and what it costs them."""

from __future__ import annotations

from backend.jobs.keystrokes import accepted_prefix, simulate

TARGET = "the cat sat on the mat and looked out at the rain"


def oracle(words: int):  # type: ignore[no-untyped-def]
    """Suggests the next `words` words of TARGET, right every time."""

    def run(doc: str) -> tuple[str, float | None, float]:
        rest = TARGET[len(doc) :]
        lead = " " if rest.startswith(" ") else ""
        return lead + " ".join(rest.split()[:words]), 1.0, 2.0

    return run


def test_whole_words_only() -> None:
    assert accepted_prefix(" cat sat", " cat sits") == (" cat", 1)
    assert accepted_prefix(" ca", " cat") == ("", 0)


def test_a_right_suggestion_taken_whole_costs_one_tab() -> None:
    long = simulate(oracle(4), "", TARGET)
    short = simulate(oracle(1), "", TARGET)
    # A keystroke per word whatever the suggestions' length...
    assert long.ksr == short.ksr > 0.5
    # ...but Tab takes a whole right suggestion at once, so long right ones save more.
    assert long.ksr_tab > long.ksr
    assert short.ksr_tab == short.ksr
    assert long.requests < short.requests


def test_a_suggestion_wrong_after_its_first_word_is_taken_word_by_word() -> None:
    def half_right(doc: str) -> tuple[str, float | None, float]:
        right = oracle(1)(doc)[0]
        return right + " zebra", None, 1.0

    typing = simulate(half_right, "", TARGET)
    assert typing.accepted_words > 0
    assert typing.ksr_tab == typing.ksr
