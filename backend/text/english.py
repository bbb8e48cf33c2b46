"""British and American spelling: which words each variant of English spells its own way.

pyspellchecker ships one English list, mostly American with some British forms mixed in.
The pairs come from breame (PyPI, Apache-2.0): about 1,700 British/American spellings with
their inflections ("favoured"/"favored", "centre"/"center", "realise"/"realize"), taken
from the long-kept lists of differences in the two spellings. On top of them this module
keeps a short, reviewed correction: pairs breame gets wrong or lacks, and the American forms
that British writers also use (and the reverse), which must never be flagged.

British English here accepts -ize as well as -ise ("realize" and "realise"): Oxford spelling
is British too. It does not accept -yze ("analyze").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Pairs in breame that are not spelling variants of one word (a "filter" is not a
# "philtre", "buses" is British as much as American) or are archaic ("connexion").
DROPPED = _words(
    "bevies bevy biased biasing busses bussing connection connections filter filters gage "
    "gaged gages gaging gasses griffin griffins groin groins gypsies inflection inflections "
    "minibusses pummel pummeled sheik snowplow ton tons tranquility"
)
# British: American pairs missing from breame (or replacing a dropped, wrong one).
EXTRA = {
    "centring": "centering",
    "cheque": "check",
    "cheques": "checks",
    "enrolment": "enrollment",
    "enrolments": "enrollments",
    "kerb": "curb",
    "kerbs": "curbs",
    "pummelled": "pummeled",
    "pummelling": "pummeling",
    "skilful": "skillful",
    "skilfully": "skillfully",
    "snowplough": "snowplow",
    "snowploughs": "snowplows",
    "storey": "story",
    "storeys": "stories",
    "tranquillity": "tranquility",
    "wilful": "willful",
    "wilfully": "willfully",
}
# American spellings that are British words too (other senses, computing, science, or
# both spellings in use): never flagged in British English.
BRITISH_ALSO = _words(
    "aging almanac almanacs analog analogs artifact artifacts balk balked balking balks "
    "banister banisters centigram centigrams check checks curb curbs dialog dialogs disk "
    "disks draft drafts encyclopedia encyclopedias encyclopedic fetal fetus fetuses gluing "
    "gram grams install installs judgment kilogram kilograms license licensed licenses "
    "licensing likable medieval milligram milligrams misspelled pizzazz practice practices "
    "program programs siphon siphoned siphoning siphons stories story sulfate sulfates "
    "sulfide sulfides sulfur sulfurous tire tires yogurt yogurts"
)
# British spellings that American dictionaries list as well: never flagged in US English.
AMERICAN_ALSO = _words(
    "analogue analogues axe battleaxe catalogue catalogued catalogues cataloguing dialogue "
    "dialogues disc discs draught epilogue epilogues grey greyed greying greyish greyness "
    "greys judgement likeable monologue monologues omelette omelettes prologue prologues "
    "travelogue travelogues"
)


@dataclass(frozen=True)
class Variant:
    """One variant's view of the pairs: its own spellings, and the other's it does not use
    together with the spelling to offer instead."""

    code: str  # "en-GB" or "en-US"
    own: dict[str, str]  # this variant's spelling -> the other's (for its frequency)
    foreign: dict[str, str]  # the other variant's spelling -> this one's


@lru_cache(maxsize=1)
def british_to_american() -> dict[str, str]:
    """Every British spelling with its American counterpart (lower case)."""
    from breame.data.spelling_constants import AMERICAN_ENGLISH_SPELLINGS

    pairs = {
        british: american
        for american, british in AMERICAN_ENGLISH_SPELLINGS.items()
        if american not in DROPPED
    }
    pairs.update(EXTRA)
    return pairs


def _oxford(american: str, british: str) -> bool:
    """True when the two differ only as -ize and -ise ("realized", "realised")."""
    return "iz" in american and american.replace("iz", "is") == british


@lru_cache(maxsize=2)
def variant(code: str) -> Variant:
    """The British ("en-GB") or American ("en-US") side of the pairs."""
    pairs = british_to_american()
    if code == "en-GB":
        foreign = {
            american: british
            for british, american in pairs.items()
            if american not in BRITISH_ALSO
            and american not in pairs
            and not _oxford(american, british)
        }
        return Variant(code, dict(pairs), foreign)
    if code == "en-US":
        own = {american: british for british, american in pairs.items()}
        foreign = {
            british: american
            for british, american in pairs.items()
            if british not in AMERICAN_ALSO and british not in own
        }
        return Variant(code, own, foreign)
    raise ValueError(f"not a variant of English: {code!r}")
