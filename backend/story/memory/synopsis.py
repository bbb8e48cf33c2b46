"""Draft synopses for the binder: an extractive one (the sentences that carry the most
names and happenings) and the prompt for one written by the model. A draft is only ever
offered; the writer decides whether it is kept."""

from __future__ import annotations

import re

from backend.text.counts import is_mostly_cjk, word_count
from backend.text.sentences import split_sentences
from backend.text.terms import names_in

DRAFT_WORDS = 60
PROMPT_CHARS = 3500
_EVENT = re.compile(
    r"\b(\w+ed|went|came|saw|found|took|gave|ran|fell|met|told|asked|began|left|got|made|"
    r"became|turned|grew|cried|sang|arrived|ordered|woke|caught|threw|opened)\b",
    re.IGNORECASE,
)
_CJK_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?」”]*")


def _sentences(text: str) -> list[str]:
    if is_mostly_cjk(text):
        return [s.strip() for s in _CJK_SENTENCE.findall(text) if s.strip()]
    return [s.strip() for s in split_sentences(" ".join(text.split())) if s.strip()]


def _score(sentence: str, seen: set[str]) -> float:
    names = set(names_in(sentence))
    fresh = len(names - seen)
    events = len(_EVENT.findall(sentence))
    quoted = sentence[:1] in "'\"‘“「"
    fragment = sentence[:1].islower()  # a piece of dialogue cut at a quotation
    words = max(1, word_count(sentence))
    # Narration that brings names and happenings together; dialogue and long asides less.
    penalty = (1.5 if quoted else 0.0) + (1.0 if fragment else 0.0)
    return (2.0 * fresh + len(names) + events) / (words**0.5) - penalty


def extractive_synopsis(text: str, max_words: int = DRAFT_WORDS) -> str:
    """The sentences with the most names and events, in the order they appear."""
    sentences = _sentences(text)
    if not sentences:
        return ""
    chosen: list[int] = []
    seen: set[str] = set()
    used = 0
    fits = [i for i, s in enumerate(sentences) if word_count(s) <= max_words]
    pool = fits or list(range(len(sentences)))
    while len(chosen) < len(pool):
        rest = [i for i in pool if i not in chosen]
        best = max(rest, key=lambda i: _score(sentences[i], seen))
        n = word_count(sentences[best])
        if chosen and used + n > max_words:
            break
        chosen.append(best)
        seen |= set(names_in(sentences[best]))
        used += n
        if used >= max_words:
            break
    joiner = "" if is_mostly_cjk(text) else " "
    draft = joiner.join(sentences[i] for i in sorted(chosen))
    if not fits:  # every sentence is long: keep the best one's opening words
        draft = " ".join(draft.split()[:max_words]) + " …"
    return draft


def synopsis_prompt(text: str, what: str = "chapter") -> str:
    """The text a base model continues with a synopsis of `text` (a chapter or scene); a
    long text keeps its opening and its end."""
    body = " ".join(text.split()) if not is_mostly_cjk(text) else text.strip()
    if len(body) > PROMPT_CHARS:
        half = PROMPT_CHARS // 2
        body = f"{body[:half]} … {body[-half:]}"
    return f"{what.capitalize()}:\n{body}\n\nA one-sentence synopsis of this {what}:\n"


def clean_draft(text: str) -> str:
    """The model's draft cut to its first line, or its first two sentences."""
    line = text.strip().split("\n", 1)[0].strip()
    sentences = _sentences(line)
    return " ".join(sentences[:2]) if sentences else line
