"""English (UK) and English (US) dictionaries, and which one a story's language picks."""

from __future__ import annotations

import pytest

from backend.story.language import generation_language, pack
from backend.text.english import variant
from backend.text.spelling import (
    LANGUAGES,
    Speller,
    SpellingError,
    dictionary_code,
    is_checked,
    system_region,
)

BRITISH = ("favoured", "centre", "colour", "realise", "travelled", "grey", "programme")
AMERICAN = ("favored", "center", "color", "realize", "traveled", "gray", "program")


def bad(speller: Speller, text: str) -> list[str]:
    return [w for _s, _e, w in speller.misspelled(text)]


def test_british_english_knows_british_spellings_and_flags_american_ones() -> None:
    speller = Speller("en-GB")
    assert speller.language == "en-GB"
    assert all(speller.is_correct(w) for w in BRITISH)
    text = "The favored center of the favoured centre, its colour and color realised."
    assert bad(speller, text) == ["favored", "center", "color"]
    # Oxford spelling is British too; -yze is not.
    assert speller.is_correct("realize") and not speller.is_correct("analyze")
    # Words British English also spells the American way, in other senses.
    assert all(speller.is_correct(w) for w in ("program", "practice", "license", "check", "tire"))
    assert speller.is_correct("Favoured") and speller.is_correct("centre's")


def test_american_english_flags_british_spellings() -> None:
    speller = Speller("en-US")
    assert all(speller.is_correct(w) for w in AMERICAN)
    text = "The favored center of the favoured centre, its colour and color realised."
    assert bad(speller, text) == ["favoured", "centre", "colour", "realised"]
    assert not speller.is_correct("cheque") and not speller.is_correct("programme")
    # British forms American dictionaries list as well.
    assert speller.is_correct("grey") and speller.is_correct("dialogue")


def test_suggestions_follow_the_variant() -> None:
    british, american = Speller("en-GB"), Speller("en-US")
    assert british.suggestions("center")[0] == "centre"
    assert british.suggestions("Favored")[0] == "Favoured"
    assert "harbour" in british.suggestions("harbr") and "harbor" not in british.suggestions(
        "harbr"
    )
    assert american.suggestions("centre")[0] == "center"
    assert american.suggestions("colour")[0] == "color"
    assert "harbor" in american.suggestions("harbr")
    assert "walked" in british.suggestions("wlaked")


def test_the_pairs_keep_words_both_variants_use() -> None:
    british, american = variant("en-GB"), variant("en-US")
    assert british.foreign["center"] == "centre" and american.foreign["centre"] == "center"
    for word in ("buses", "gases", "filter", "gauge", "connection"):
        assert word not in british.foreign and word not in american.foreign


@pytest.mark.parametrize(
    ("code", "region", "expected"),
    [
        ("en-GB", "US", "en-GB"),
        ("en_us", "GB", "en-US"),
        ("en", "GB", "en-GB"),
        ("en", "AU", "en-GB"),
        ("en", "US", "en-US"),
        ("en", "", "en-US"),
        ("en", "DE", "en-US"),
        ("en-AU", "US", "en-GB"),
        ("en-CA", "US", "en-GB"),
        ("pt-BR", "GB", "pt"),
        ("fr", "GB", "fr"),
    ],
)
def test_a_story_language_picks_a_dictionary(code: str, region: str, expected: str) -> None:
    assert dictionary_code(code, region) == expected


def test_plain_english_follows_the_system_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert system_region() == "GB"
    assert Speller("en").language == "en-GB"
    assert Speller("en", region="US").language == "en-US"
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert system_region() == "US" and Speller("en").language == "en-US"
    monkeypatch.setenv("LC_ALL", "C")
    assert system_region() == "" and Speller("en").language == "en-US"


def test_every_listed_dictionary_loads_and_unknown_ones_are_refused() -> None:
    for code in LANGUAGES:
        assert Speller(code).language == code
    assert Speller("de-AT").is_correct("Straße")
    with pytest.raises(SpellingError):
        Speller("xx")
    assert not is_checked("zh") and not is_checked("zh-CN") and is_checked("en-GB")


def test_a_regional_code_generates_in_its_language() -> None:
    assert generation_language("en-GB") == "en" and pack("en-GB").code == "en"
    assert generation_language("zh-CN") == "zh" and pack("zh_CN").code == "zh"
