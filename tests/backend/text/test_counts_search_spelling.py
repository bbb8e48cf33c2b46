"""Counts (CJK as characters), find and replace options, and the spelling dictionary."""

from __future__ import annotations

import pytest

from backend.story.progress import Progress
from backend.text.counts import char_count, is_mostly_cjk, word_count
from backend.text.search import SearchError, SearchOptions, find_all, replace_in
from backend.text.spelling import Speller, SpellingError


def test_word_counts() -> None:
    assert word_count("It's a well-known fact — 3 dogs.") == 6
    assert word_count("# Heading\n\n*soft* **loud** _x_") == 4
    assert word_count("我冒了严寒，回到故乡。") == 9
    assert word_count("Wren 说：你好。") == 4
    assert char_count("a b\nc") == 3
    assert is_mostly_cjk("我冒了严寒 hello") and not is_mostly_cjk("hello 我")


def test_search_options() -> None:
    text = "Wren met wren. Wrens fly; WREN!"
    assert len(find_all([("a", text)], SearchOptions("wren").pattern())) == 4
    assert len(find_all([("a", text)], SearchOptions("wren", whole_word=True).pattern())) == 3
    assert (
        len(find_all([("a", text)], SearchOptions("Wren", case=True, whole_word=True).pattern()))
        == 1
    )
    new, count = replace_in(
        text, SearchOptions(r"(W)ren\b", case=True, regex=True).pattern(), r"\1ill", True
    )
    assert (new, count) == ("Will met wren. Wrens fly; WREN!", 1)
    hits = find_all([("a", "one\ntwo wren three")], SearchOptions("wren").pattern())
    assert hits[0].context == "two wren three" and hits[0].key == "a"
    with pytest.raises(SearchError, match="not valid"):
        SearchOptions("(", regex=True).pattern()
    with pytest.raises(SearchError):
        SearchOptions("").pattern()
    with pytest.raises(SearchError, match="group"):
        replace_in("ab", SearchOptions("a", regex=True).pattern(), r"\2", True)


def test_speller_knows_project_words_and_suggests() -> None:
    speller = Speller("en", ["Zephyrine"])
    bad = [w for _s, _e, w in speller.misspelled("Zephyrine's dog wlaked to teh NASA office.")]
    assert bad == ["wlaked", "teh"]
    assert "Walked" in speller.suggestions("Wlaked")
    speller.add_words(["teh"])
    assert speller.is_correct("teh")
    assert Speller("de").is_correct("Straße")
    with pytest.raises(SpellingError):
        Speller("xx")


def test_progress_tracks_days_and_session() -> None:
    import datetime as dt

    day = dt.date(2026, 11, 24)
    progress = Progress.start({"daily": 500}, {"2026-11-24": 100}, total=1000, today=day)
    progress.update(1250, today=day)
    assert progress.today == 350 and progress.session == 250
    progress.update(1300, today=day + dt.timedelta(days=1))
    assert progress.history["2026-11-25"] == 50 and progress.history["2026-11-24"] == 350
    days = progress.last_days(3, today=day + dt.timedelta(days=1))
    assert days == [("2026-11-23", 0), ("2026-11-24", 350), ("2026-11-25", 50)]


def test_the_models_words_are_not_the_writers() -> None:
    import datetime as dt

    from backend.story.progress import Progress

    day = dt.date(2026, 12, 7)
    progress = Progress.start({"daily": 500}, {}, total=1000, today=day)
    progress.update(1040, today=day)  # the writer wrote 40 words
    progress.update(1160, today=day)  # a continuation of 120 words is counted
    progress.by_the_model(120, today=day)  # and is the model's
    assert progress.total == 1160
    assert progress.today == 40 and progress.session == 40
    progress.update(1170, today=day)  # and 10 more of their own
    assert progress.today == 50 and progress.session == 50
    progress.update(1140, today=day)  # a rewrite made a passage 30 words shorter
    progress.by_the_model(-30, today=day)
    assert progress.total == 1140 and progress.today == 50
    # Undoing a continuation takes the model's words out again: the day is net negative,
    # and the writer is shown 0 rather than a negative count.
    progress.update(1000, today=day)
    assert progress.today == -90 and progress.shown_today == 0
    progress.update(1100, today=day)
    assert progress.shown_today == progress.today == 10


def test_forms_of_address_languages_and_days_are_not_names() -> None:
    from backend.text.terms import names_in

    # A book's drafted cast had "Majesty" and "English" among its people.
    text = "'Your Majesty,' said the Hatter to Alice in English on Monday, and Madam Wren smiled."
    assert names_in(text) == ["Hatter", "Alice", "Wren"]
