"""Ask the book: a question in plain words answered with ranked passages, each cited by
chapter and scene (numbered from 1 in binder order) and quoted by its best sentence, as
it stands in the scene.

The ranking builds on the recall index (recall.py): each concept of the question
(questions.py) scores the passages with BM25 over every form the book may use for it,
names weigh most, and a passage whose best sentence holds more of the question ranks
higher. A question about a first time prefers the earliest strong match. The model's
one-sentence answer (backend/jobs/ask.py) is built from the cited quotes only, and is
kept only when its words come from them (`grounded_sentence`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from backend.story.memory.position import chapter_label, story_index
from backend.story.memory.questions import (
    WORD_WEIGHT,
    Concept,
    Question,
    inflections,
    parse_question,
)
from backend.story.memory.recall import Passage, RecallIndex
from backend.story.project import Story
from backend.text.counts import CJK_CHAR
from backend.text.sentences import sentence_ends
from backend.text.terms import names_in, search_terms

CITATIONS = 5
MAX_CITATIONS = 20
CANDIDATES = 30  # passages looked at sentence by sentence
COVERAGE_SHARE = 0.6  # how much the best sentence's match moves a passage
RARE_NAME, COMMON_NAME = 0.05, 0.3  # shares of passages: a name weighs fully, as a word
FIRST_SHARE = 0.6  # a "first" question takes the earliest passage within this of the best
MAX_QUOTE_CHARS = 600
CJK_K1, CJK_B = 1.5, 0.75
NOTHING_FOUND = "Nothing in the book matches that question."
NO_WORDS = "The question has no words to look for: name someone, a place or a thing."
GENERATED_LABEL = "Generated from the passages below; check them"
GROUNDED_SHARE = 0.75  # of an answer's words that must come from the question or the quotes


@dataclass(frozen=True)
class Citation:
    """One answer passage: where it is (chapter and scene from 1 in binder order; the
    scene's id and the quote's character offsets in the scene, for jumping there) and its
    best sentence exactly as it stands in the scene."""

    chapter: int
    scene: int
    scene_id: str
    chapter_title: str
    quote: str
    start: int
    end: int
    score: float
    passage_start: int = 0
    passage_end: int = 0

    def to_json(self) -> dict[str, object]:
        """The citation as the `ask` command prints it."""
        return {
            "chapter": self.chapter,
            "scene": self.scene,
            "quote": self.quote,
            "scene_id": self.scene_id,
            "chapter_title": self.chapter_title,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 3),
        }


@dataclass(frozen=True)
class Answer:
    """The answer to a question: ranked citations, best first, and at most one sentence
    written by the model from them (`sentence`, '' when there is none). `note` tells the
    writer why there is nothing, when there is nothing."""

    question: str
    citations: tuple[Citation, ...] = ()
    sentence: str = ""
    searched: tuple[str, ...] = ()
    note: str = ""

    @property
    def generated(self) -> bool:
        """True when the answer carries a sentence the model wrote."""
        return bool(self.sentence)

    def to_json(self) -> dict[str, object]:
        """`{"answer", "generated", "citations": [...], ...}` as `ask --json` prints it."""
        return {
            "question": self.question,
            "answer": self.sentence,
            "generated": self.generated,
            "citations": [c.to_json() for c in self.citations],
            "searched": list(self.searched),
            "note": self.note,
        }


@dataclass(frozen=True)
class ScenePlace:
    """Where a scene sits: its chapter and scene numbers (from 1), and its text."""

    chapter: int
    scene: int
    chapter_title: str
    text: str


@dataclass
class _Ranked:
    passage: Passage
    score: float
    sentence: tuple[int, int] = (0, 0)  # in the scene
    order: tuple[int, int, int] = field(default=(0, 0, 0))


def scene_places(story: Story, texts: Mapping[str, str] | None = None) -> dict[str, ScenePlace]:
    """Every scene's place in the binder and its text (`texts` overrides by scene id)."""
    out: dict[str, ScenePlace] = {}
    for c, chapter in enumerate(story.binder.chapters):
        label = chapter_label(chapter, c + 1)
        for s, scene in enumerate(chapter.scenes):
            text = texts.get(scene.id, scene.text) if texts else scene.text
            out[scene.id] = ScenePlace(c + 1, s + 1, label, text)
    return out


def bible_names(story: Story) -> list[str]:
    """The names of the story's bible entries (they weigh as names in a question)."""
    return [str(e.get("Name", "")) for e in (*story.characters, *story.background)]


def ask_book(
    story: Story,
    question: str,
    *,
    index: RecallIndex | None = None,
    cache_dir: Path | None = None,
    count: int = CITATIONS,
    texts: Mapping[str, str] | None = None,
) -> Answer:
    """The passages of `story` that answer `question`, best first (no model). The recall
    index is built (cached under `cache_dir`) when none is given."""
    if index is None:
        index, _note = story_index(story, cache_dir, texts)
    parsed = parse_question(question, bible_names(story))
    return answer_from(index, parsed, scene_places(story, texts), count)


def answer_from(
    index: RecallIndex, question: Question, places: Mapping[str, ScenePlace], count: int
) -> Answer:
    """The Answer (citations only) of a parsed question over an index of the scenes in
    `places`."""
    if not question.concepts:
        return Answer(question.text, note=NO_WORDS)
    ranked = rank(index, question, places)[: max(1, min(count, MAX_CITATIONS))]
    citations = tuple(_citation(r, places[r.passage.scene_id]) for r in ranked)
    note = "" if citations else NOTHING_FOUND
    return Answer(question.text, citations, searched=question.words, note=note)


def _citation(hit: _Ranked, place: ScenePlace) -> Citation:
    start, end = hit.sentence
    quote = place.text[start:end]
    if len(quote) > MAX_QUOTE_CHARS:  # a run-on "sentence": its opening is enough to find it
        end = start + MAX_QUOTE_CHARS
        quote = place.text[start:end]
    p = hit.passage
    return Citation(
        place.chapter, place.scene, p.scene_id, place.chapter_title, quote, start, end,
        hit.score, p.start, p.end,
    )  # fmt: skip


def rank(index: RecallIndex, question: Question, places: Mapping[str, ScenePlace]) -> list[_Ranked]:
    """Passages that match the question, best first, each with its best sentence."""
    shares = {c.word: _share(index, c) for c in question.concepts}
    concepts = [replace(c, weight=_weight(c, shares[c.word])) for c in question.concepts]
    scores = [0.0] * len(index.passages)
    for concept in concepts:
        for i, s in enumerate(_concept_scores(index, concept)):
            scores[i] += concept.weight * s
    order = sorted((i for i, s in enumerate(scores) if s > 0), key=lambda i: -scores[i])
    n = len(index.passages)
    idf = {
        w: math.log((n - share * n + 0.5) / (share * n + 0.5) + 1.0) for w, share in shares.items()
    }
    total = sum(c.weight * idf[c.word] for c in concepts) or 1.0
    ranked: list[_Ranked] = []
    for i in order[:CANDIDATES]:
        passage = index.passages[i]
        place = places.get(passage.scene_id)
        if place is None:
            continue
        span, matched = _best_sentence(passage, place.text, concepts, idf)
        score = scores[i] * (1.0 - COVERAGE_SHARE + COVERAGE_SHARE * matched / total)
        ranked.append(_Ranked(passage, score, span, (place.chapter, place.scene, passage.start)))
    ranked.sort(key=lambda r: -r.score)
    if question.first and ranked:
        best = ranked[0].score
        strong = sorted((r for r in ranked if r.score >= FIRST_SHARE * best), key=lambda r: r.order)
        ranked = strong + [r for r in ranked if r.score < FIRST_SHARE * best]
    return ranked


def _concept_scores(index: RecallIndex, concept: Concept) -> list[float]:
    """Each passage's score for one concept: its best form, each form's BM25 score
    scaled by how much the form counts."""
    best = [0.0] * len(index.passages)
    for form, factor in concept.forms:
        if concept.cjk:
            scores = _cjk_scores(index, form)
        elif index.has_term(form):
            scores = index.term_scores(form)
        else:
            continue
        best = [max(b, factor * s) for b, s in zip(best, scores, strict=True)]
    return best


def _cjk_scores(index: RecallIndex, word: str) -> list[float]:
    """BM25 of a Chinese word over the passages' characters: the index holds character
    pairs, so a word of one character (or three) is counted in the text itself."""
    counts = [p.text.count(word) for p in index.passages]
    df = sum(1 for c in counts if c)
    if not df:
        return [0.0] * len(counts)
    n = len(counts)
    idf = math.log((n - df + 0.5) / (df + 0.5) + 1.0)
    avg = sum(len(p.text) for p in index.passages) / n or 1.0
    out = []
    for c, p in zip(counts, index.passages, strict=True):
        norm = CJK_K1 * (1 - CJK_B + CJK_B * len(p.text) / avg)
        out.append(idf * c * (CJK_K1 + 1) / (c + norm) if c else 0.0)
    return out


def _share(index: RecallIndex, concept: Concept) -> float:
    """The share of passages that hold one of a concept's forms (about, for English: the
    share of its most common form)."""
    if not index.passages:
        return 0.0
    if concept.cjk:
        found = sum(1 for p in index.passages if any(f in p.text for f, _ in concept.forms))
        return found / len(index.passages)
    return max((index.doc_share(f) for f, _ in concept.forms if index.has_term(f)), default=0.0)


def _weight(concept: Concept, share: float) -> float:
    """A name's weight falls to a word's as the name grows common: the heroine named on
    every page says little about where an answer is."""
    if concept.weight <= WORD_WEIGHT or concept.cjk:
        return concept.weight
    rare = min(1.0, max(0.0, (COMMON_NAME - share) / (COMMON_NAME - RARE_NAME)))
    return WORD_WEIGHT + (concept.weight - WORD_WEIGHT) * rare


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of the sentences of text[start:end], without surrounding space."""
    stop = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    at = start
    ends = [e for e in sentence_ends(text[:stop], start)] + [stop]
    for e in ends:
        piece = text[at:e]
        for line in re.finditer(r"[^\n]+", piece):  # a paragraph break ends a sentence too
            s, t = at + line.start(), at + line.end()
            while s < t and text[s].isspace():
                s += 1
            while t > s and text[t - 1].isspace():
                t -= 1
            if t > s:
                spans.append((s, t))
        at = e
    return spans


def _best_sentence(
    passage: Passage, scene: str, concepts: Sequence[Concept], idf: Mapping[str, float]
) -> tuple[tuple[int, int], float]:
    """The passage's sentence (offsets in the scene) that holds the most of the question,
    and how much it holds (weights times idf)."""
    begin = scene.find(passage.text, passage.start) if passage.text else -1
    begin = passage.start if begin < 0 else begin
    spans = sentence_spans(scene, begin, min(len(scene), begin + len(passage.text)))
    best, best_value = (begin, begin + len(passage.text)), -1.0
    for s, e in spans or [best]:
        sentence = scene[s:e]
        terms = set(search_terms(sentence))
        value = 0.0
        for c in concepts:
            found = [f for f, x in c.forms if (f in sentence if c.cjk else f in terms)]
            if found:
                factor = max(x for f, x in c.forms if f in found)
                value += c.weight * idf[c.word] * factor
        if value > best_value:
            best, best_value = (s, e), value
    return best, max(0.0, best_value)


# One worked example shows a small model the shape of the answer; its names are in no
# book, so an answer that copies them fails the grounding check.
_EXAMPLE = (
    "Passages:\n- Chapter 2: Tom gave his sister a red kite for her birthday.\n"
    "Question: What did Tom give his sister?\nAnswer: Tom gave his sister a red kite.\n\n"
)
_EXAMPLE_ZH = (
    "段落：\n- 第2章：小明送给妹妹一只红风筝。\n问题：小明送了妹妹什么？\n"
    "回答：小明送给妹妹一只红风筝。\n\n"
)
_MARKUP = re.compile(r"</?[A-Za-z][^>]{0,20}>|[*_`#]+")


def answer_prompt(question: str, citations: Sequence[Citation], limit: int = 3) -> str:
    """The text a model continues with a one-sentence answer from the quotes only."""
    cjk = bool(CJK_CHAR.search(question))
    lines = ["段落：" if cjk else "Passages:"]
    for c in citations[:limit]:
        where = f"第{c.chapter}章" if cjk else f"Chapter {c.chapter}"
        lines.append(f"- {where}{'：' if cjk else ': '}{' '.join(c.quote.split())}")
    ask, answer = ("问题：", "回答：") if cjk else ("Question: ", "Answer:")
    lines += [f"{ask}{' '.join(question.split())}", answer]
    return (_EXAMPLE_ZH if cjk else _EXAMPLE) + "\n".join(lines)


def clean_answer(text: str) -> str:
    """The model's first line of text, without markup, cut to its first sentence."""
    for line in text.split("\n"):
        line = " ".join(_MARKUP.sub("", line).split()).strip("\"'“”「」 ")
        if line:
            spans = sentence_spans(line)
            return line[: spans[0][1]] if spans else line
    return ""


def grounded_sentence(text: str, question: str, citations: Iterable[Citation]) -> str:
    """The model's answer cut to one sentence, or '' when it is not made of the question's
    and the quotes' words: a name they do not hold, too many words of its own, words
    repeated over and over, or nothing the question did not already say."""
    sentence = clean_answer(text)
    quotes = " ".join(c.quote for c in citations)
    source = f"{question} {quotes}"
    if not sentence or any(name not in source for name in names_in(sentence)):
        return ""
    words = search_terms(sentence)
    if not words or len(set(words)) < GROUNDED_SHARE * len(words):
        return ""
    known = set(search_terms(source))
    held = [
        w
        for w in words
        if w in known or (CJK_CHAR.search(w) and w in source) or inflections(w) & known
    ]
    asked = set(search_terms(question))
    new = [w for w in held if w not in asked and not inflections(w) & asked]
    return sentence if len(held) >= GROUNDED_SHARE * len(words) and new else ""
