"""A question in plain words, turned into what to look for in the book.

Question words ("what", "when", 什么, 谁 …) say what kind of answer is wanted, not where
it is, so they are dropped. What is left becomes concepts: a word with the forms it may
take in the book (inflections, British and American spellings, a few common synonyms), and
a weight (names weigh most, vague words least). "First" questions ("When did Anna first
meet Marek?", 第一次) are marked, so the ranking can prefer the earliest match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from backend.text.counts import CJK_CHAR, CJK_RANGES
from backend.text.english import british_to_american
from backend.text.terms import names_in, search_terms
from backend.text.words import segment

NAME_WEIGHT = 3.0
WORD_WEIGHT = 1.0
WEAK_WEIGHT = 0.3  # words that rarely say where an answer is ("name", "called", 我)
SINGLE_CJK_WEIGHT = 0.6  # a one-character Chinese word: less telling than a longer one
INFLECTED = 0.8  # a form other than the word as asked counts a little less
SYNONYM = 0.6
MAX_QUESTION_CHARS = 500
MAX_CONCEPTS = 16


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


QUESTION_WORDS = _set(
    """what when who whom whose where why how which first time times happen happened
    happens does did do is was were are anyone someone something ever"""
)
WEAK_WORDS = _set("name named called call kind sort thing things way book story")
QUESTION_WORDS_ZH = _set(
    """什么 什麼 谁 誰 哪里 哪裡 哪儿 何时 何時 什么时候 为什么 為什麼 怎么 怎麼 怎样 怎樣 怎么样
    如何 哪 哪个 哪些 几 多少 吗 嗎 呢 么 麼 吧 是不是 有没有 第一次 初次 最初 首次 头一回 第一回
    哪一年 哪天 何处 何人"""
)
PARTICLES_ZH = _set("的 了 是 在 和 与 與 也 都 就 把 被 着 著 过 過 呀 啊 个 個 又 很 这 那")
WEAK_ZH = _set("我 你 他 她 它 我们 你们 他们 她们 名字 叫 东西")
_FIRST = re.compile(
    r"\b(first|earliest|initially|originally)\b|第一次|初次|最初|首次|头一回|第一回|起初|当初"
    r"|first time",
    re.IGNORECASE,
)

# Words and the other words the book may use for them; read both ways.
_SYNONYMS = (
    ("meet", "met meeting encounter encountered introduced"),
    ("gift", "present gave given"),
    ("give", "gave given present sent"),
    ("kill", "killed murder murdered slew slain"),
    ("die", "died dead death"),
    ("begin", "began begun start started"),
    ("big", "large huge great"),
    ("small", "little tiny"),
    ("angry", "cross furious"),
    ("afraid", "frightened scared"),
    ("happy", "glad pleased"),
    ("coach", "carriage"),
    ("house", "home"),
    ("ship", "boat"),
    ("sea", "ocean"),
    ("mother", "mama mamma mum mom"),
    ("father", "papa dad"),
    ("talk", "spoke speak"),
    ("eat", "ate eaten"),
    ("drink", "drank drunk"),
    ("look", "looked"),
    ("old", "age aged"),
    ("steal", "stole stolen"),
    ("buy", "bought purchase"),
)
_IRREGULAR = (
    "meet met",
    "see saw seen",
    "go went gone",
    "give gave given",
    "take took taken",
    "find found",
    "tell told",
    "steal stole stolen",
    "throw threw thrown",
    "bite bit bitten",
    "eat ate eaten",
    "drink drank drunk",
    "run ran",
    "come came",
    "grow grew grown",
    "fall fell fallen",
    "sing sang sung",
    "speak spoke spoken",
    "write wrote written",
    "wear wore worn",
    "buy bought",
    "bring brought",
    "think thought",
    "leave left",
    "lose lost",
    "keep kept",
    "make made",
    "wake woke woken",
    "sit sat",
    "stand stood",
    "begin began begun",
    "fly flew flown",
    "catch caught",
    "teach taught",
    "hold held",
    "hear heard",
    "feel felt",
    "fight fought",
    "ride rode ridden",
    "hide hid hidden",
    "choose chose chosen",
    "break broke broken",
    "forget forgot forgotten",
    "swim swam swum",
    "sell sold",
    "send sent",
    "win won",
    "shake shook shaken",
    "child children",
    "man men",
    "woman women",
    "foot feet",
    "mouse mice",
)
_SYNONYMS_ZH = (
    ("送", "给 带给 送给"),
    ("给", "送 带给 送给"),
    ("颜色", "色"),
    ("遇见", "见 认识 见面 相识"),
    ("见面", "见 认识 遇见"),
    ("认识", "见 遇见 相识"),
    ("年纪", "岁"),
    ("几岁", "岁"),
    ("多大", "岁"),
    ("房子", "屋"),
    ("老屋", "屋"),
    ("妈妈", "母亲"),
    ("母亲", "妈妈 娘"),
    ("爸爸", "父亲 爹"),
    ("父亲", "爸爸 爹"),
    ("死", "去世 死去 死了"),
    ("住", "居"),
    ("脖子", "颈 项"),
    ("回家", "回"),
    ("刺", "叉"),
)


def _both_ways(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    for word, others in pairs:
        group = others.split()
        table.setdefault(word, set()).update(group)
        for other in group:
            table.setdefault(other, set()).add(word)
    return table


_SYNONYM_TABLE = _both_ways(_SYNONYMS)
_SYNONYM_TABLE_ZH = _both_ways(_SYNONYMS_ZH)
_IRREGULAR_TABLE: dict[str, set[str]] = {}
for _forms in _IRREGULAR:
    _group = _forms.split()
    for _form in _group:
        _IRREGULAR_TABLE.setdefault(_form, set()).update(f for f in _group if f != _form)


@dataclass(frozen=True)
class Concept:
    """One thing the question asks about: the word as asked, the forms the book may use
    for it with how much each counts (1.0 for the word itself), and the concept's weight."""

    word: str
    forms: tuple[tuple[str, float], ...]
    weight: float
    cjk: bool = False


@dataclass(frozen=True)
class Question:
    """A question ready for the ranking: its concepts, and whether it asks for a first time."""

    text: str
    concepts: tuple[Concept, ...]
    first: bool = False

    @property
    def words(self) -> tuple[str, ...]:
        """The words looked for, as asked (for the writer: "searched for …")."""
        return tuple(c.word for c in self.concepts)


def inflections(word: str) -> set[str]:
    """Regular and irregular forms of an English word (without the word itself)."""
    out = set(_IRREGULAR_TABLE.get(word, ()))
    if word.endswith(("'s", "’s")):
        return out | {word[:-2]}
    out.add(word + "'s")
    if word.endswith("ies") and len(word) > 4:
        out |= {word[:-3] + "y", word[:-3] + "ied"}
    elif word.endswith("es") and len(word) > 4:
        out |= {word[:-2], word[:-1]}
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        out.add(word[:-1])
    if word.endswith("ied") and len(word) > 4:
        out |= {word[:-3] + "y", word[:-3] + "ies"}
    elif word.endswith("ed") and len(word) > 4:
        out |= _from_stem(word[:-2]) | {word[:-1], word[:-1] + "s"}
    if word.endswith("ing") and len(word) > 5:
        out |= _from_stem(word[:-3])
    if not word.endswith(("s", "ed", "ing")):
        out |= _from_stem(word[:-1] if word.endswith("e") else word)
        if word.endswith("y") and len(word) > 3:
            out |= {word[:-1] + "ies", word[:-1] + "ied"}
    out.discard(word)
    return {w for w in out if len(w) >= 3}


def _from_stem(stem: str) -> set[str]:
    """The forms of a regular verb or noun from its stem ("walk", "hop", "lov")."""
    if len(stem) < 2:
        return set()
    out = {stem, stem + "e", stem + "s", stem + "es", stem + "ed", stem + "ing", stem + "es"}
    if stem[-1] == stem[-2] and stem[-1] in "bdgmnprt":
        out |= _from_stem(stem[:-1])  # stopped, stopping -> stop
    elif stem[-1] in "bdgmnprt" and stem[-2] in "aeiou":
        out |= {stem + stem[-1] + "ed", stem + stem[-1] + "ing"}  # stop -> stopped
    if not stem.endswith(("s", "x", "z", "ch", "sh", "o")):
        out.discard(stem + "es")
    return out


def _spellings(word: str) -> set[str]:
    """The other side's spelling of `word` (colour/color), either way."""
    uk_us = british_to_american()
    out = {uk_us[word]} if word in uk_us else set()
    return out | _american_to_british().get(word, set())


@lru_cache(maxsize=1)
def _american_to_british() -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    for uk, us in british_to_american().items():
        table.setdefault(us, set()).add(uk)
    return table


def possessives(word: str) -> set[str]:
    """A name with and without its possessive ("Duke's" and "Duke")."""
    return {word[:-2]} if word.endswith(("'s", "’s")) else {word + "'s"}


def english_forms(word: str, weight: float = WORD_WEIGHT) -> tuple[tuple[str, float], ...]:
    """The forms an English word may take in the book, with how much each counts (a
    name's only its possessive)."""
    forms: dict[str, float] = {word: 1.0}
    for spelled in _spellings(word):
        forms.setdefault(spelled, 1.0)
    for base in list(forms):
        for inflected in inflections(base) if weight < NAME_WEIGHT else possessives(base):
            forms.setdefault(inflected, INFLECTED)
    if weight >= NAME_WEIGHT:
        return tuple(forms.items())
    for base in [word, *inflections(word)]:
        for synonym in _SYNONYM_TABLE.get(base, ()):
            forms.setdefault(synonym, SYNONYM)
            for spelled in _spellings(synonym):
                forms.setdefault(spelled, SYNONYM)
    return tuple(forms.items())


def chinese_forms(word: str) -> tuple[tuple[str, float], ...]:
    """The forms a Chinese word may take in the book, with how much each counts."""
    forms: dict[str, float] = {word: 1.0}
    for synonym in _SYNONYM_TABLE_ZH.get(word, ()):
        forms.setdefault(synonym, SYNONYM)
    return tuple(forms.items())


def _name_weights(text: str, names: set[str]) -> dict[str, float]:
    """Each name word's weight: a name of two words ("March Hare") is one name, so its
    words share the weight of one."""
    weights: dict[str, float] = {}
    runs = re.findall(r"[A-Z][\w'’]*(?:\s+[A-Z][\w'’]*)*", text)
    runs += [n for n in names if n.lower() in text.lower()]
    for run in runs:
        terms = [
            t for n in names_in(run) or ([run] if run in names else []) for t in search_terms(n)
        ]
        for term in terms:
            weights[term] = max(weights.get(term, 0.0), NAME_WEIGHT / len(terms))
    return weights


def _english_concepts(text: str, names: set[str]) -> list[Concept]:
    name_weights = _name_weights(text, names)
    out: list[Concept] = []
    for word in dict.fromkeys(search_terms(text)):
        if word in QUESTION_WORDS or CJK_CHAR.search(word):
            continue
        weight = max(WORD_WEIGHT, name_weights.get(word, WORD_WEIGHT))
        if word in WEAK_WORDS:
            weight = WEAK_WEIGHT
        forms = english_forms(word, NAME_WEIGHT if word in name_weights else weight)
        out.append(Concept(word, forms, weight))
    return out


def _pieces(run: str, names: set[str]) -> list[str]:
    """The words of a Chinese run: a name the writer keeps is one word, whatever jieba
    would make of it."""
    if not names:
        return list(segment(run))
    pattern = "(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + ")"
    out: list[str] = []
    for part in re.split(pattern, run):
        if part in names:
            out.append(part)
        elif part:
            out += segment(part)
    return out


def _chinese_concepts(text: str, names: set[str]) -> list[Concept]:
    out: list[Concept] = []
    for run in re.findall(f"[{CJK_RANGES}]+", text):
        for word in _pieces(run, names):
            if word in QUESTION_WORDS_ZH or word in PARTICLES_ZH:
                continue
            if word in names:
                weight = NAME_WEIGHT
            elif word in WEAK_ZH:
                weight = WEAK_WEIGHT
            else:
                weight = WORD_WEIGHT if len(word) > 1 else SINGLE_CJK_WEIGHT
            out.append(Concept(word, chinese_forms(word), weight, cjk=True))
    return out


def parse_question(text: str, names: Iterable[str] = ()) -> Question:
    """What to look for to answer `text`; `names` (the bible's, say) weigh as names."""
    text = " ".join(text.split())[:MAX_QUESTION_CHARS]
    known = {n.strip() for n in names if n.strip()}
    concepts = _english_concepts(text, {n for n in known if not CJK_CHAR.search(n)})
    if CJK_CHAR.search(text):
        concepts += _chinese_concepts(text, {n for n in known if CJK_CHAR.search(n)})
    unique: dict[str, Concept] = {}
    for concept in concepts:
        held = unique.get(concept.word)
        if held is None or held.weight < concept.weight:
            unique[concept.word] = concept
    ordered = sorted(unique.values(), key=lambda c: -c.weight)[:MAX_CONCEPTS]
    kept = [c for c in unique.values() if c in ordered]
    return Question(text, tuple(kept), bool(_FIRST.search(text)))
