"""Facts that disagree, as findings: attributes (eyes, hair, height, build, marks, the
colour of things owned, birthdays), ages that do not fit the time that passes, family ties
stated two ways, distances, the dead or departed who act later, and rare spellings of
names. Every rule is stated in its message and rests on the quoted sentences."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import pairwise

from backend.story.facts.model import Citation, Fact, Finding
from backend.story.facts.names import Variant

MAX_FINDINGS = 2000
DISTANCE_RATIO = 1.5  # distances further apart than this disagree
# Eye and hair colours that may describe the same thing.
_EYES_ALIKE = {
    frozenset(p)
    for p in (("dark", "brown"), ("dark", "black"), ("dark", "hazel"), ("brown", "hazel"),
              ("brown", "amber"), ("hazel", "amber"), ("hazel", "green"), ("black", "brown"))
}  # fmt: skip
_HAIR_ALIKE = {
    frozenset(p)
    for p in (("dark", "brown"), ("dark", "black"), ("auburn", "red"), ("auburn", "brown"))
}
# Relation -> (what it is, the relative's gender); Chinese elder and younger siblings too.
RELATIONS: dict[str, tuple[str, str]] = {
    "father": ("parent", "m"), "mother": ("parent", "f"), "parent": ("parent", ""),
    "son": ("child", "m"), "daughter": ("child", "f"), "child": ("child", ""),
    "brother": ("sibling", "m"), "sister": ("sibling", "f"), "twin": ("sibling", ""),
    "elder brother": ("elder sibling", "m"), "elder sister": ("elder sibling", "f"),
    "younger brother": ("younger sibling", "m"), "younger sister": ("younger sibling", "f"),
    "husband": ("spouse", "m"), "wife": ("spouse", "f"),
    "uncle": ("parent's sibling", "m"), "aunt": ("parent's sibling", "f"),
    "nephew": ("sibling's child", "m"), "niece": ("sibling's child", "f"),
    "cousin": ("cousin", ""), "grandfather": ("grandparent", "m"),
    "grandmother": ("grandparent", "f"), "grandson": ("grandchild", "m"),
    "granddaughter": ("grandchild", "f"), "fiance": ("betrothed", "m"),
    "fiancee": ("betrothed", "f"),
}  # fmt: skip
_INVERSE = {
    "parent": "child", "child": "parent", "sibling": "sibling", "spouse": "spouse",
    "elder sibling": "younger sibling", "younger sibling": "elder sibling",
    "parent's sibling": "sibling's child", "sibling's child": "parent's sibling",
    "cousin": "cousin", "grandparent": "grandchild", "grandchild": "grandparent",
    "betrothed": "betrothed",
}  # fmt: skip
_SIBLINGS = frozenset({"sibling", "elder sibling", "younger sibling"})
_ONE_ONLY = frozenset({"parent", "spouse"})  # one father, one mother, one husband, one wife


def key(name: str) -> str:
    """What two mentions of one person share: the first word of a Latin name, case folded
    ("Crispin Hale" and "Crispin"), or a Chinese name whole."""
    return name.split()[0].casefold() if name.isascii() and name.split() else name


def where(c: Citation) -> str:
    """'chapter 3' or 'the bible'."""
    return "the bible" if c.source == "bible" else f"chapter {c.chapter}"


def find_all(
    facts: list[Fact], variants: list[tuple[Variant, Citation, Citation]]
) -> list[Finding]:
    """Every finding among `facts` (in reading order, bible first) and name variants."""
    facts = sorted(facts, key=lambda f: f.cite.order())
    out: list[Finding] = []
    out += _attributes(f for f in facts if f.kind in ("attribute", "possession", "birthday"))
    out += _ages([f for f in facts if f.kind == "age"], [f for f in facts if f.kind == "time"])
    out += _relationships([f for f in facts if f.kind == "relationship"])
    out += _distances([f for f in facts if f.kind == "distance"])
    out += _deaths(facts)
    for variant, rare, usual in variants:
        message = (
            f"“{variant.rare}” ({variant.rare_count}×) looks like a misspelling of "
            f"“{variant.usual}” ({variant.usual_count}×)."
        )
        out.append(Finding("name", variant.usual, message, (rare, usual)))
    return out[:MAX_FINDINGS]


def _conflict(attribute: str, earlier: str, later: str) -> bool:
    if earlier == later:
        return False
    pair = frozenset((earlier, later))
    if attribute == "eyes":
        return pair not in _EYES_ALIKE
    if attribute == "hair":
        # Hair greys with the years; it does not go dark again.
        return pair not in _HAIR_ALIKE and later != "grey"
    if attribute.endswith(" colour"):
        return not set(earlier.split("+")) & set(later.split("+"))
    return True


def _attributes(facts: Iterable[Fact]) -> list[Finding]:
    groups: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for fact in facts:
        groups[(key(fact.subject), fact.attribute)].append(fact)
    out: list[Finding] = []
    for (_subject, attribute), group in groups.items():
        first: dict[str, Fact] = {}
        for fact in group:
            first.setdefault(fact.value, fact)
        seen = list(first.values())
        for i, a in enumerate(seen):
            for b in seen[i + 1 :]:
                if _conflict(attribute, a.value, b.value):
                    out.append(_attribute_finding(attribute, a, b))
    return out


def _attribute_finding(attribute: str, a: Fact, b: Fact) -> Finding:
    said = {"height": "is", "build": "is", "birthday": "is"}.get(attribute, "")
    what = f"{a.subject}'s {attribute}" if not said else f"{a.subject}"
    first = a.value.replace("+", " and ")
    second = b.value.replace("+", " and ")
    if said == "is" and attribute != "birthday":
        message = f"{what} is {first} in {where(a.cite)} but {second} in {where(b.cite)}."
    elif attribute.startswith(("scar", "birthmark", "mole", "tattoo")):
        message = (
            f"{a.subject}'s {attribute} is on the {first} in {where(a.cite)} but on the "
            f"{second} in {where(b.cite)}."
        )
    else:
        verb = "are" if attribute.endswith("s") else "is"
        message = f"{what} {verb} {first} in {where(a.cite)} but {second} in {where(b.cite)}."
    return Finding("attribute", a.subject, message, (a.cite, b.cite))


def _ages(ages: list[Fact], skips: list[Fact]) -> list[Finding]:
    groups: dict[str, list[Fact]] = defaultdict(list)
    for fact in ages:
        groups[key(fact.subject)].append(fact)
    out: list[Finding] = []
    for group in groups.values():
        for a, b in pairwise(group):
            passed = sum(
                s.number for s in skips if a.cite.order() < s.cite.order() < b.cite.order()
            )
            if b.number < a.number:
                why = "younger later on"
            elif b.number - a.number > 1 + passed:
                said = f"only {passed:g}" if passed else "no"
                why = f"{b.number - a.number:g} years older with {said} years said to pass"
            else:
                continue
            message = (
                f"{a.subject} is {a.value} in {where(a.cite)} and {b.value} in "
                f"{where(b.cite)}: {why}."
            )
            out.append(Finding("age", a.subject, message, (a.cite, b.cite)))
    return out


def _ties(facts: list[Fact]) -> dict[tuple[str, str], list[tuple[str, str, Fact]]]:
    """(owner, relative) -> [(relation class, gender, fact)], each tie both ways round."""
    ties: dict[tuple[str, str], list[tuple[str, str, Fact]]] = defaultdict(list)
    for fact in facts:
        cls, gender = RELATIONS.get(fact.attribute, ("", ""))
        if not cls:
            continue
        owner, relative = key(fact.subject), key(fact.value)
        ties[(owner, relative)].append((cls, gender, fact))
        ties[(relative, owner)].append((_INVERSE[cls], "", fact))
    return ties


def _relationships(facts: list[Fact]) -> list[Finding]:
    out: list[Finding] = []
    reported: set[tuple[Citation, Citation]] = set()
    for (_owner, _relative), group in _ties(facts).items():
        for i, (cls_a, gen_a, a) in enumerate(group):
            for cls_b, gen_b, b in group[i + 1 :]:
                siblings = {cls_a, cls_b} <= _SIBLINGS and "sibling" in (cls_a, cls_b)
                same = cls_a == cls_b or siblings
                if a is b or (same and not (gen_a and gen_b and gen_a != gen_b)):
                    continue
                pair = tuple(sorted((a.cite, b.cite), key=Citation.order))
                if pair in reported:
                    continue
                reported.add(pair)  # type: ignore[arg-type]
                out.append(_relation_finding(a, b))
    out += _one_only(facts, reported)
    return out


def _relation_finding(a: Fact, b: Fact) -> Finding:
    first = f"{a.value} is {a.subject}'s {a.attribute}"
    second = f"{b.value} is {b.subject}'s {b.attribute}"
    message = f"{first} in {where(a.cite)} but {second} in {where(b.cite)}."
    return Finding("relationship", a.value, message, (a.cite, b.cite))


def _one_only(facts: list[Fact], reported: set[tuple[Citation, Citation]]) -> list[Finding]:
    """Two different fathers (mothers, husbands, wives) of one person."""
    out: list[Finding] = []
    seen: dict[tuple[str, str], Fact] = {}
    for fact in facts:
        cls, gender = RELATIONS.get(fact.attribute, ("", ""))
        if cls not in _ONE_ONLY or not gender:
            continue
        slot = (key(fact.subject), fact.attribute)
        first = seen.setdefault(slot, fact)
        if key(first.value) != key(fact.value) and (first.cite, fact.cite) not in reported:
            reported.add((first.cite, fact.cite))
            message = (
                f"{fact.subject}'s {fact.attribute} is {first.value} in {where(first.cite)} "
                f"but {fact.value} in {where(fact.cite)}."
            )
            out.append(Finding("relationship", fact.subject, message, (first.cite, fact.cite)))
    return out


def _distances(facts: list[Fact]) -> list[Finding]:
    groups: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for fact in facts:
        pair = tuple(sorted((key(fact.subject), key(fact.other))))
        groups[pair].append(fact)  # type: ignore[index]
    out: list[Finding] = []
    for group in groups.values():
        low = min(group, key=lambda f: f.number)
        high = max(group, key=lambda f: f.number)
        if low.number <= 0 or high.number / low.number <= DISTANCE_RATIO:
            continue
        a, b = sorted((low, high), key=lambda f: f.cite.order())
        message = (
            f"{a.subject} and {a.other} are {a.value} apart in {where(a.cite)} but "
            f"{b.value} in {where(b.cite)}."
        )
        subject = f"{a.subject} – {a.other}"
        out.append(Finding("distance", subject, message, (a.cite, b.cite)))
    return out


def _deaths(facts: list[Fact]) -> list[Finding]:
    ends: dict[str, Fact] = {}
    for fact in facts:
        if fact.kind in ("death", "departure"):
            ends.setdefault(key(fact.subject), fact)
    out: list[Finding] = []
    for fact in facts:
        end = ends.get(key(fact.subject))
        if fact.kind != "appearance" or end is None or fact.cite.order() <= end.cite.order():
            continue
        if fact.cite.scene_id == end.cite.scene_id and fact.cite.start == end.cite.start:
            continue
        verb = "dies" if end.kind == "death" else "leaves for good"
        message = (
            f"{end.subject} {verb} in {where(end.cite)} but acts or speaks in {where(fact.cite)}."
        )
        out.append(Finding("death", end.subject, message, (end.cite, fact.cite)))
        del ends[key(fact.subject)]  # one finding per person: the first appearance after
    return out
