"""How a character sheet or background entry is checked, in each language.

The rules (what a name looks like, which pronouns go with which gender, how long prose must
be) are data in resources/templates/bible[.<lang>].toml; this module applies them. A value
is rejected when it is empty, copied from the examples, runs into another field, repeats
another field, is repetitive, or breaks its field's shape.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from backend.story.bible import examples, fields_for
from backend.story.language import bible_template, pack
from backend.text.counts import CJK_CHAR, CJK_RANGES

CATEGORICAL = ("Age", "Gender/pronouns", "Kind")
NEAR_COPY = 0.6  # share of a value's character pairs found in one example value


@dataclass(frozen=True)
class SheetRules:
    """One language's sheet rules (see resources/templates/bible.toml)."""

    lang: str
    labels: dict[str, str]
    prompt: dict[str, str]
    kinds: dict[str, str]
    name: re.Pattern[str]
    place: re.Pattern[str]
    pronoun: re.Pattern[str]
    prefix_tokens: bool
    gender_word: re.Pattern[str]
    feminine: frozenset[str]
    masculine: frozenset[str]
    pronouns: dict[str, tuple[str, ...]]
    gender: dict[str, str]
    min_chars: int
    min_units: int
    occupation: tuple[int, int]
    label_run: re.Pattern[str]  # a value that runs on into another field's label

    def label(self, field: str) -> str:
        """The field's label in prompts."""
        return self.labels.get(field, field)

    def count(self, text: str) -> int:
        """Length in the language's unit (words, or characters)."""
        return pack(self.lang).count(text)


@cache
def sheet_rules(lang: str = "en") -> SheetRules:
    """The rules for `lang` (English when it has none)."""
    data = bible_template(lang)
    r, prompt, labels = data["rules"], data["prompt"], dict(data.get("labels", {}))
    heads = [prompt["premise"], prompt["genre"], prompt["cast"]]
    heads += [labels.get(f, f) for f in ("Name", "Age", "Gender/pronouns", "Occupation")]
    colon = "[:：]"
    return SheetRules(
        lang=lang,
        labels=labels,
        prompt=dict(prompt),
        kinds=dict(data["kinds"]),
        name=re.compile(r["name"]),
        place=re.compile(r.get("place", r["name"])),
        pronoun=re.compile(r["pronoun"]),
        prefix_tokens=r.get("tokens") == "prefix",
        gender_word=re.compile(r["gender_word"]),
        feminine=frozenset(r["feminine"]),
        masculine=frozenset(r["masculine"]),
        pronouns={k: tuple(v) for k, v in data["pronouns"].items()},
        gender=dict(data["gender"]),
        min_chars=int(r["min_chars"]),
        min_units=int(r["min_units"]),
        occupation=(int(r["occupation"][0]), int(r["occupation"][1])),
        label_run=re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, heads))}){colon}"),
    )


def normalise(text: str) -> str:
    """Full-width digits and letters as ASCII (２７ → 27), the way a writer means them."""
    return unicodedata.normalize("NFKC", text)


def example_values(kind: str, lang: str = "en") -> set[str]:
    """Every field value in the few-shot examples (lower-cased), to reject copies."""
    out = set()
    for ex in examples(lang)[kind]:
        for f in fields_for(kind):
            if ex.get(f):
                out.add(str(ex[f]).strip().lower())
    return out


def pronoun_set(gender: str, lang: str = "en") -> str | None:
    """'she', 'he' or 'they' from a Gender/pronouns value."""
    low = gender.lower()
    for key, mark in sheet_rules(lang).gender.items():
        if key in ("she", "he", "they") and mark.lower() in low:
            return key
    return None


def repair_pronouns(value: str, lang: str = "en") -> str:
    """A consistent Gender/pronouns value built from the gender word the model chose."""
    rules = sheet_rules(lang)
    words = set(rules.gender_word.findall(value.lower()))
    if words & rules.feminine:
        return rules.gender["repair_she"].format(word=sorted(words & rules.feminine)[0])
    if words & rules.masculine:
        return rules.gender["repair_he"].format(word=sorted(words & rules.masculine)[0])
    return rules.gender["repair_they"]


def pronoun_counts(text: str, lang: str = "en") -> dict[str, int]:
    """How often each pronoun set occurs in `text`."""
    rules = sheet_rules(lang)
    lookup = {w: k for k, ws in rules.pronouns.items() for w in ws}
    counts = dict.fromkeys(rules.pronouns, 0)
    for found in rules.pronoun.findall(text.lower()):
        key = lookup.get(found)
        if key:
            counts[key] += 1
    return counts


def problem(
    field: str, value: str, sheet: dict[str, str], kind: str, lang: str = "en"
) -> str | None:
    """Why `value` is not acceptable for `field`, or None if it is."""
    v = value.strip()
    if not v:
        return "empty"
    return (
        _degenerate(field, v, sheet, kind, lang)
        or _shape_problem(field, v, kind, lang)
        or _pronoun_problem(field, v, sheet, kind, lang)
    )


def _degenerate(field: str, v: str, sheet: dict[str, str], kind: str, lang: str) -> str | None:
    """Copied from the examples, run into another field, repeated, or repetitive."""
    copied = v.lower() in example_values(kind, lang) and v.lower() not in ("none yet.", "none")
    free = field not in CATEGORICAL and v not in ("暂无。", "无")
    if free and (copied or _near_copy(v, kind, lang)):
        return "copied from the examples"
    if sheet_rules(lang).label_run.search(v):
        return "ran into another field"
    for other, text in sheet.items():
        if other != field and text and text.strip().lower() == v.lower():
            return f"repeats {other}"
    if re.search(r"\b(\w+)(?:\W+\1\b){3,}", v, re.IGNORECASE) or _cjk_repeats(v):
        return "repetitive"
    return None


def _bigrams(text: str) -> set[str]:
    han = "".join(CJK_CHAR.findall(text))
    return {han[i : i + 2] for i in range(len(han) - 1)}


@cache
def _example_bigrams(kind: str, lang: str) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(_bigrams(v)) for v in example_values(kind, lang) if _bigrams(v))


def _near_copy(v: str, kind: str, lang: str) -> bool:
    """Chinese text that reuses most of an example's character pairs (a copy with a word
    or two changed); Latin text is compared whole."""
    mine = _bigrams(v)
    if len(mine) < 6:
        return False
    return any(len(mine & ex) >= NEAR_COPY * len(mine) for ex in _example_bigrams(kind, lang))


def _cjk_repeats(v: str) -> bool:
    """A phrase of three or more CJK characters said three times or more (我爱你，我爱你…)."""
    return bool(re.search(rf"([{CJK_RANGES}]{{3,}}).*\1.*\1", v))


def _gender_problem(v: str, lang: str) -> str | None:
    pronouns = pronoun_set(v, lang)
    if pronouns is None:
        return "no pronouns"
    rules = sheet_rules(lang)
    words = set(rules.gender_word.findall(v.lower()))
    if (words & rules.feminine and pronouns == "he") or (
        words & rules.masculine and pronouns == "she"
    ):
        return "gender and pronouns disagree"
    return None


def _shape_problem(field: str, v: str, kind: str, lang: str) -> str | None:
    """The field's own shape: a name, an age, pronouns, a kind, an occupation, prose."""
    rules = sheet_rules(lang)
    if field == "Name":
        names = {str(ex["Name"]).lower() for ex in examples(lang)[kind]}
        shape = rules.name if kind == "character" else rules.place
        bad = v.lower() in names or len(v) > 40 or not shape.match(v)
        return "not a name" if bad else None
    if field == "Age":
        age = normalise(v)
        plausible = age.isdigit() and 5 <= int(age) <= 110
        return None if plausible else "not a plausible age"
    if field == "Gender/pronouns":
        return _gender_problem(v, lang)
    if field == "Kind":
        return None if v.lower() in rules.kinds.values() else "not a kind"
    if field == "Occupation":
        shortest, longest = rules.occupation
        bad = len(v) < shortest or rules.count(v) > longest
        return "not an occupation" if bad else None
    short = len(v) < rules.min_chars or rules.count(v) < rules.min_units
    return "too short" if short else None


def _pronoun_problem(field: str, v: str, sheet: dict[str, str], kind: str, lang: str) -> str | None:
    """A character's prose fields use the pronouns its Gender field gives."""
    if kind != "character" or field in ("Name", "Age", "Gender/pronouns"):
        return None
    expected = pronoun_set(sheet.get("Gender/pronouns", ""), lang)
    if expected is None:
        return None
    counts = pronoun_counts(v, lang)
    wrong = sum(c for k, c in counts.items() if k != expected and k != "they")
    return "pronouns do not match the Gender field" if wrong > counts[expected] else None


def invalid_fields(entry: dict[str, str], kind: str, lang: str = "en") -> dict[str, str]:
    """Field -> problem for every field that fails its check (empty dict: all valid)."""
    out = {}
    for field in fields_for(kind):
        others = {k: v for k, v in entry.items() if k != field}
        p = problem(field, entry.get(field, ""), others, kind, lang)
        if p:
            out[field] = p
    return out
