"""The sentence check: does a finished sentence read in the requested voice, and does it
keep the style header out of the story? One scoring function serves the local loop and
the server loop alike."""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend.story.language import pack
from backend.story.style.detect import (
    all_words,
    detect_person,
    detect_tense,
    narration_words,
    person_counts,
    tense_counts,
)
from backend.story.style.model import Style
from backend.text.counts import CJK_CHAR
from backend.text.sentences import TERMINATOR, ends_with_abbreviation

ECHO_FAULTS = 5
HAN_RUN = 6  # characters: a run this long shared with the header is a copy of it
EMPTY_FAULTS = 3
# Words a story seldom uses and a base model reaches for once it starts to discuss the
# style header instead of following it ("In this example, the narrator uses the first person").
# (resources/languages/en.toml, like every language's)
META = pack("en").meta
# A new line that opens with a label ("Sentence:", "Plot development (first person):").
LABEL_LINE = re.compile(r"\n[ \t]*[A-Z][^\n.!?\"“”:]{0,50}:(?=\s|$)")


class VoiceCheck:
    """Judges each finished sentence of a continuation against the requested POV and tense.

    A sentence is at fault when its narration (dialogue aside) is dominated by the wrong
    person or tense and so is the continuation as a whole, and, while the text before the
    cursor does not yet read in the requested voice, when it has none of the requested
    forms: the first sentence has to set the voice. Faults count the offending words.
    """

    def __init__(self, style: Style, text_before: str, header: str = "", lang: str = "en") -> None:
        language = pack(lang)
        self.person = style.person
        self.tense = style.tense if language.has_tense else ""
        self.meta = language.meta
        labels = "|".join(re.escape(x) for x in language.labels)
        self.label_line = LABEL_LINE if lang == "en" else re.compile(rf"\n[ \t]*(?:{labels})[：:]")
        # Five-word runs of the style header: a sentence that repeats one is copying the
        # exemplar, not writing the story.
        self.copied = _ngrams(narration_words(header.lower()), 5)
        # Chinese has no words to count: six-character runs of the header's Han text.
        self.copied_han = _han_runs(header, HAN_RUN)
        tail = text_before[-1200:]
        self.establish_person = bool(self.person) and detect_person(tail) != self.person
        self.establish_tense = bool(self.tense) and detect_tense(tail) != self.tense
        self.persons: dict[str, int] = {}
        self.tenses: dict[str, int] = {}

    @property
    def active(self) -> bool:
        """True when there is a point of view or tense to check."""
        return bool(self.person or self.tense)

    def faults(self, narration: str, text: str | None = None) -> int:
        """0 when the sentence reads in the requested voice; more the further it is off.

        `text` is the whole sentence, dialogue included, for the exemplar-copy check (a
        character may not say the exemplar either); without it, `narration` is used.
        """
        words = narration_words(narration)
        said = all_words(text) if text is not None else words
        copied = _ngrams([w.lower() for w in said], 5) & self.copied
        copied_han = self.copied_han and _han_runs(text or narration, HAN_RUN) & self.copied_han
        total = ECHO_FAULTS if copied or copied_han else 0
        if self.person:
            total += _faults(person_counts(words), self.persons, self.person, self.establish_person)
        if self.tense:
            total += _faults(tense_counts(words), self.tenses, self.tense, self.establish_tense)
        return total

    def accept(self, narration: str) -> None:
        """Record a sentence that is now part of the continuation."""
        words = narration_words(narration)
        if self.person:
            counts = person_counts(words)
            _add(self.persons, counts)
            self.establish_person &= not _leads(counts, self.person)
        if self.tense:
            counts = tense_counts(words)
            _add(self.tenses, counts)
            self.establish_tense &= not _leads(counts, self.tense)


@dataclass(frozen=True)
class Score:
    """How far one try at a sentence is off, and whether it copies the style header."""

    faults: int
    echoed: bool  # it starts a new header ("Sentence: …") or stopped on a header mark
    meta: bool  # it talks about the narration instead of telling the story


def score_attempt(
    check: VoiceCheck, text: str, narration: str, header: bool, stopped_on_mark: bool = False
) -> Score:
    """Faults of one try: the voice, copies of the header (with a `header` in the prompt),
    talk about the narration, and nothing written at all."""
    echoed = header and (stopped_on_mark or bool(check.label_line.search(text)))
    meta = header and bool(check.meta.search(narration))
    faults = check.faults(narration, text) + ECHO_FAULTS * (echoed + meta)
    if not text.strip():
        faults += EMPTY_FAULTS
    return Score(faults, echoed, meta)


def narration_of(text: str, quoted: bool) -> tuple[str, bool]:
    """`text` with quoted speech blanked out, and whether it ends inside a quote."""
    out = []
    for ch in text:
        if ch in '"“”「」『』':
            quoted = ch in "“「『" or (ch == '"' and not quoted)
            out.append(" ")
        else:
            out.append(" " if quoted else ch)
    return "".join(out), quoted


def first_sentence_end(text: str, quoted: bool) -> int | None:
    """Where the first sentence with some narration in it ends, once that is certain."""
    for m in TERMINATOR.finditer(text):
        end = m.end()
        if end == len(text) or ends_with_abbreviation(text[:end]):
            continue  # a closing quote may still come; or "Mrs." is no sentence end
        if narration_of(text[:end], quoted)[0].strip():
            return end
    return None


def _han_runs(text: str, n: int) -> set[str]:
    """Every run of `n` consecutive Han characters in `text` (punctuation skipped)."""
    han = "".join(CJK_CHAR.findall(text))
    return {han[i : i + n] for i in range(len(han) - n + 1)}


def _ngrams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _faults(counts: dict[str, int], so_far: dict[str, int], want: str, establish: bool) -> int:
    have = counts[want]
    wrong = max(v for k, v in counts.items() if k != want)
    total_have = have + so_far.get(want, 0)
    total_wrong = max(v + so_far.get(k, 0) for k, v in counts.items() if k != want)
    faults = wrong - have if wrong > have and total_wrong > total_have else 0
    return faults + (1 if establish and have == 0 else 0)


def _leads(counts: dict[str, int], want: str) -> bool:
    return counts[want] > 0 and counts[want] >= max(v for k, v in counts.items() if k != want)


def _add(total: dict[str, int], counts: dict[str, int]) -> None:
    for k, v in counts.items():
        total[k] = total.get(k, 0) + v
