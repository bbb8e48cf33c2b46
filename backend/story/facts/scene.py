"""One scene read once: the facts its sentences state, the spellings of the names in it
(with how often and where each first stands), its lower-case words (a capitalised word
that is also written in lower case is an ordinary word, not a name) and its time skips
("three years later"). This is what the per-scene cache keeps."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from backend.story.facts import chinese, english, english_events
from backend.story.facts.model import Said
from backend.story.facts.spans import CN_NUMBER, NUMBER, english_number, sentence_spans
from backend.text.counts import CJK_RANGES

# Bounds on what one scene may contribute (the text and the cache are untrusted).
MAX_SAID = 2000
MAX_NAMES = 1000
MAX_LOWER = 20000
_CJK = re.compile(f"[{CJK_RANGES}]")
_CAPITAL = re.compile(r"\b[A-Z][a-z]{2,}\b(?!['’][a-rt-z])")
_LOWER = re.compile(r"\b[a-z]{3,}\b")
_SKIP_EN = re.compile(
    rf"\b(?P<n>{NUMBER}|many|several|some|few)\s+years\s+(?:later|passed|had\s+passed|went\s+by|"
    r"afterwards|after|on)\b",
    re.IGNORECASE,
)
_SKIP_ZH = re.compile(rf"(?P<n>{CN_NUMBER}|多|几|好几|许多)年(?:以后|之后|后|过去了|过去)")
LONG_SKIP = 99.0  # "years later" without a number: any age may follow


@dataclass
class SceneFacts:
    """What one scene says: facts, names (spelling -> count, first sentence's offsets),
    lower-case words."""

    said: list[Said] = field(default_factory=list)
    names: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    lower: list[str] = field(default_factory=list)


def read_scene(text: str) -> SceneFacts:
    """The facts, names and words of one scene's text."""
    said: list[Said] = []
    counts: Counter[str] = Counter()
    first: dict[str, tuple[int, int]] = {}
    en_speaker, zh_speaker = english.Speaker(), chinese.Speaker()
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        if _CJK.search(sentence):
            found = chinese.chinese_facts(sentence, zh_speaker)
            spellings = _chinese_names(sentence)
        else:
            found = _english(sentence, en_speaker)
            spellings = [m.group() for m in _CAPITAL.finditer(sentence)]
        found += _skips(sentence)
        for kind, subject, attribute, value, number in found:
            # A relationship's relative and a distance's second place are its `other`.
            other = value if kind == "relationship" else ""
            if kind == "distance":
                other, attribute = attribute, "distance"
            said.append(Said(kind, subject, attribute, value, start, end, other, number))
        for name in spellings:
            counts[name] += 1
            first.setdefault(name, (start, end))
        if len(said) >= MAX_SAID:
            break
    names = {n: (c, *first[n]) for n, c in counts.most_common(MAX_NAMES)}
    lower = sorted(set(_LOWER.findall(text)))[:MAX_LOWER]
    return SceneFacts(said[:MAX_SAID], names, lower)


def _english(sentence: str, speaker: english.Speaker) -> list[english.Found]:
    found = english.body_facts(sentence, speaker)
    found += english.age_facts(sentence, speaker)
    found += english_events.relation_facts(sentence, speaker)
    found += english_events.distance_facts(sentence)
    found += english_events.ending_facts(sentence)
    found += english_events.appearance_facts(sentence)
    found += english_events.possession_facts(sentence)
    speaker.saw(sentence)
    return found


def _chinese_names(sentence: str) -> list[str]:
    """The names that open the clauses of a Chinese sentence."""
    out = []
    for clause in re.split(r"[，。；：！？、“”「」\"]", sentence):
        who = chinese.lead_subject(clause)
        if who and who not in chinese.PRONOUNS and len(who) in (2, 3):
            out.append(who)
    return out


def _skips(sentence: str) -> list[english.Found]:
    """Time skips: ("time", "", "skip", the words, years)."""
    out: list[english.Found] = []
    for m in _SKIP_EN.finditer(sentence):
        years = english_number(m.group("n"))
        out.append(("time", "", "skip", m.group(), years if years else LONG_SKIP))
    for m in _SKIP_ZH.finditer(sentence):
        years = chinese.chinese_number(m.group("n"))
        out.append(("time", "", "skip", m.group(), years if years else LONG_SKIP))
    return out
