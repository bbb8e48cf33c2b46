"""Measuring style: whose pronouns and which verb forms a passage uses (the benchmark,
the tests, the sentence check, "Match my style")."""

from __future__ import annotations

import itertools
import re

from backend.story.language import LanguagePack, generation_language, pack
from backend.story.style.model import Style
from backend.story.style.words import (
    ADVERBS,
    BASE_VERBS,
    IRREGULAR_PAST,
    NOT_PAST_ED,
    PARTICIPLE_AFTER,
    PERSON_SETS,
    PLURAL_SUBJECTS,
    POV_WORDS,
    PRESENT_SET,
    SUBJECTS,
)
from backend.text.sentences import split_sentences

_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]|「[^」]*」|『[^』]*』")
# English words, and the Chinese personal pronouns (其他 "other" is none; 们 makes plurals).
_WORD = re.compile(r"[A-Za-z']+|(?<!其)[我你您他她]")
_OPENERS, _CLOSERS = "“「『", "”」』"


def all_words(text: str) -> list[str]:
    """Every word of `text`, dialogue included."""
    return _WORD.findall(text)


def narration_words(text: str) -> list[str]:
    """Words outside dialogue (quoted speech removed)."""
    return _WORD.findall(_QUOTED.sub(" ", text))


def person_counts(words: list[str]) -> dict[str, int]:
    """How many first-, second- and third-person pronouns there are among `words`."""
    lower = [w.lower() for w in words]
    return {p: sum(w in ws for w in lower) for p, ws in PERSON_SETS.items()}


def detect_person(text: str) -> str | None:
    """'first', 'second' or 'third': whose pronouns dominate the narration."""
    counts = person_counts(narration_words(text))
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] > 0 else None


def tense_counts(words: list[str]) -> dict[str, int]:
    """Verb forms that mark past and present tense among `words` (see detect_tense)."""
    lower = [w.lower() for w in words]
    past = present = 0
    before = ""  # the last word that is not an adverb such as "never"
    for w in lower:
        if w in PRESENT_SET:
            present += 1
        elif w in IRREGULAR_PAST or (len(w) > 4 and w.endswith("ed") and w not in NOT_PAST_ED):
            past += before not in PARTICIPLE_AFTER
        if w not in ADVERBS:
            before = w
    for a, b in itertools.pairwise(lower):
        s_verb = len(b) > 3 and b.endswith("s") and not b.endswith("ss")
        if (a in SUBJECTS and s_verb) or (a in PLURAL_SUBJECTS and b in BASE_VERBS):
            present += 1
    return {"past": past, "present": present}


def detect_tense(text: str) -> str | None:
    """'past' or 'present' by a verb-form heuristic over the narration.

    Past: -ed words (less a few adjectives such as "naked") and about 150 irregular past
    forms (was, had, said, kept, wrote, …), except participles after has/have/is/are/am/be
    ("she has left", "it is finished") and adjectives after a determiner ("her left
    hand"). Present: is/are/has/does/am and other common present forms, a pronoun followed
    by an -s verb ("she walks"), and I/you/we/they followed by a common base verb ("I walk").
    Ties go to past, the usual narrative tense.
    """
    counts = tense_counts(narration_words(text))
    if counts["past"] == counts["present"] == 0:
        return None
    return "past" if counts["past"] >= counts["present"] else "present"


def in_dialogue(text: str) -> bool:
    """True when `text` ends inside quoted speech (judged over its last paragraph)."""
    para = text[text.rfind("\n\n") + 1 :]
    depth = False
    for ch in para:
        if ch == '"':
            depth = not depth
        elif ch in _OPENERS:
            depth = True
        elif ch in _CLOSERS:
            depth = False
    return depth


def pronoun_share(text: str) -> float:
    """Share of narration words that are personal pronouns (prose: about 6-10%)."""
    words = narration_words(text)
    if not words:
        return 0.0
    allp = {w.lower() for ws in POV_WORDS.values() for w in ws}
    return sum(w.lower() in allp for w in words) / len(words)


def distinct_2(texts: list[str]) -> float:
    """Distinct bigrams over all bigrams across `texts` (higher: more varied)."""
    seen, total = set(), 0
    for t in texts:
        words = t.lower().split()
        pairs = list(itertools.pairwise(words))
        total += len(pairs)
        seen.update(pairs)
    return len(seen) / total if total else 0.0


def too_short_to_match(passage: str) -> bool:
    """Whether `passage` is too short for "Match my style" to tell anything from it (15
    words; 40 characters of Chinese)."""
    lang = pack(generation_language("", passage))
    return lang.count(passage) < int(lang.matching["least"])


def match_style(passage: str) -> Style:
    """'Match my style': a style (with notes and detected POV/tense) from a passage, its
    notes in the passage's language (sentence lengths in words, or characters)."""
    lang = pack(generation_language("", passage))
    phrases = lang.matching
    person = detect_person(passage) or ""
    tense = (detect_tense(passage) or "") if lang.has_tense else ""
    sentences = split_sentences(passage)
    avg = lang.count(passage) / max(1, len(sentences))
    short, long = (int(n) for n in phrases["bounds"])
    rhythm = phrases["short"] if avg < short else phrases["long" if avg > long else "medium"]
    notes = phrases["notes"].format(rhythm=rhythm, size=f"{avg:.0f}")
    if _QUOTED.search(passage):
        notes += phrases["dialogue"]
    notes += phrases["like"].format(sample=_sample(passage, sentences, lang))
    pov = {"first": "first", "second": "second", "third": "third_limited"}.get(person, "")
    return Style(pov=pov, tense=tense, notes=notes)


def _sample(passage: str, sentences: list[str], lang: LanguagePack) -> str:
    """What the notes quote of `passage`: its first words (English), or its first whole
    sentences (Chinese) up to the pack's `sample` length."""
    most = int(lang.matching["sample"])
    if not lang.counts_characters:
        return " ".join(passage.split()[:most])
    taken: list[str] = []
    for sentence in sentences:
        if taken and lang.count("".join([*taken, sentence])) > most:
            break
        taken.append(sentence)
    return "".join(taken)[: 2 * most]
