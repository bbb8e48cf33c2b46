"""Extraction rules for English, continued: family and other relationships, distances
between places, deaths and departures, people acting or speaking, and the colour of
what someone owns."""

from __future__ import annotations

import re

from backend.story.facts.english import NAME, OBJECT_COLOURS, Found, Speaker, clean_name
from backend.story.facts.spans import NUMBER, english_number

# A relation word -> (what it is, the relative's gender: m, f or '').
RELATIONS = {
    "father": ("parent", "m"), "mother": ("parent", "f"), "parent": ("parent", ""),
    "son": ("child", "m"), "daughter": ("child", "f"), "child": ("child", ""),
    "brother": ("sibling", "m"), "sister": ("sibling", "f"), "twin": ("sibling", ""),
    "husband": ("spouse", "m"), "wife": ("spouse", "f"),
    "uncle": ("parent's sibling", "m"), "aunt": ("parent's sibling", "f"),
    "nephew": ("sibling's child", "m"), "niece": ("sibling's child", "f"),
    "cousin": ("cousin", ""), "grandfather": ("grandparent", "m"),
    "grandmother": ("grandparent", "f"), "grandson": ("grandchild", "m"),
    "granddaughter": ("grandchild", "f"), "fiance": ("betrothed", "m"),
    "fiancee": ("betrothed", "f"),
}  # fmt: skip
_REL = "|".join(RELATIONS)
_KIN_ADJ = r"(?:(?:elder|older|younger|little|big|twin|only|late|eldest|youngest)\s+)?"
_RELATION_PATTERNS = [
    # Greta's mother was Ilse; Gwendolyn's brother, Ambrose; her brother Tom
    re.compile(
        rf"(?P<owner>{NAME}|[Hh]is|[Hh]er)(?:'s)?\s+{_KIN_ADJ}(?P<rel>{_REL})(?:,)?\s+"
        rf"(?:was\s+(?:called\s+|named\s+)?|is\s+|named\s+|called\s+)?(?P<rel_name>{NAME})"
    ),
    # Pavel was Irina's brother
    re.compile(
        rf"(?P<rel_name>{NAME})\s+(?:was|is|had\s+been)\s+(?P<owner>{NAME})'s\s+{_KIN_ADJ}"
        rf"(?P<rel>{_REL})\b"
    ),
    # Ignatius was the son of Crispin Hale; Tom, the brother of Anna
    re.compile(
        rf"(?P<rel_name>{NAME})(?:,|\s+was|\s+is)\s+(?:the|a|an)\s+{_KIN_ADJ}(?P<rel>{_REL})\s+"
        rf"of\s+(?P<owner>{NAME})"
    ),
    # Ambrose, Gwendolyn's brother
    re.compile(rf"(?P<rel_name>{NAME}),\s+(?P<owner>{NAME})'s\s+{_KIN_ADJ}(?P<rel>{_REL})\b"),
]
_UNITS = {
    "mile": 1609.0, "kilometre": 1000.0, "kilometer": 1000.0, "km": 1000.0,
    "league": 4828.0, "yard": 0.9144,
}  # fmt: skip
_DISTANCE = re.compile(
    rf"\b(?P<n>{NUMBER})[\s-]+(?P<unit>miles?|kilometres?|kilometers?|km|leagues?|yards?)\b"
)
_PLACE = re.compile(rf"\b{NAME}")
_DEATH = [
    re.compile(rf"(?P<who>{NAME})\s+(?:had\s+)?(?:died|drowned|perished|passed\s+away)\b"),
    re.compile(
        rf"(?P<who>{NAME})\s+(?:was|is|had\s+been|lay)\s+(?:now\s+|already\s+|long\s+)?"
        r"(?:dead|killed|murdered|slain|hanged|executed|buried|drowned)\b"
    ),
    re.compile(
        rf"\b(?:buried|killed|murdered|shot|stabbed|poisoned|hanged|strangled)\s+(?P<who>{NAME})"
    ),
    re.compile(rf"\b(?:death|funeral|grave|corpse|coffin)\s+of\s+(?P<who>{NAME})"),
    re.compile(rf"(?P<who>{NAME})'s\s+(?:death|funeral|grave|corpse|coffin)\b"),
    re.compile(rf"\bthe\s+late\s+(?P<who>{NAME})"),
]
_DEPARTURE = [
    re.compile(
        rf"(?P<who>{NAME})\s+(?:had\s+)?(?:left|went\s+away|sailed|emigrated|moved\s+away|"
        r"departed)\b[^.;]{0,60}?\b(?:for\s+good|for\s+ever|forever|never\s+(?:to\s+)?"
        r"(?:return|returned|came\s+back|come\s+back|be\s+seen))"
    ),
    re.compile(rf"(?P<who>{NAME})\s+never\s+(?:returned|came\s+back)\b"),
]
_UNSURE = re.compile(
    r"\b(?:not|never|nearly|almost|if|would|might|could|should|must|wish|wished|may|"
    r"perhaps|unless|whether|afraid|feared|thought|said\s+that|rumou?r)\b|\bas\s+(?:if|though)\b",
    re.IGNORECASE,
)
_ACTS = (
    r"said|says|asked|replied|answered|laughed|smiled|walked|came|went|rode|ran|sat|stood|"
    r"opened|looked|turned|took|gave|poured|nodded|shouted|whispered|entered|arrived|stepped|"
    r"greeted|kissed|shook|waved|wrote|spoke|called|cried|sang|danced|ate|drank|left|"
    r"returned|climbed|knocked|bowed|grinned|frowned|sighed|shrugged|bent|picked|put|"
    r"[a-z]{3,}ed"
)
_APPEARS = [
    re.compile(
        rf"(?P<who>{NAME})\s+(?!had\b|was\b|were\b|is\b|died\b|named\b|called\b)(?:{_ACTS})\b"
    ),
    re.compile(
        rf"\b(?:said|asked|replied|cried|shouted|whispered|answered|called)\s+(?P<who>{NAME})\b"
    ),
]
_NOT_ACTING = re.compile(r"\b(?:remember\w*|memory|ghost|dream\w*|thought\s+of|mourn\w*)\b")
_POSSESSION = re.compile(
    rf"(?P<who>{NAME})'s\s+(?P<thing>[a-z]+)(?:,\s+|\s+(?:was|were|is)\s+(?:painted\s+|all\s+)?)"
    r"(?P<colours>[a-z]+(?:\s+and\s+[a-z]+)?)"
)
_POSSESSION_BEFORE = re.compile(rf"(?P<who>{NAME})'s\s+(?P<colours>[a-z]+)\s+(?P<thing>[a-z]+)")
_NOT_THINGS = frozenset(
    [
        "eyes",
        "eye",
        "hair",
        "face",
        "cheeks",
        "cheek",
        "nose",
        "lips",
        "skin",
        "hands",
        "hand",
        "ears",
        "voice",
        "temper",
        "mood",
        "head",
        "neck",
    ]
)


def relation_facts(sentence: str, speaker: Speaker) -> list[Found]:
    """Relationships: the owner, the relation, and the relative in the value."""
    out: list[Found] = []
    for pattern in _RELATION_PATTERNS:
        for m in pattern.finditer(sentence):
            owner = speaker.who(sentence, m.group("owner"), m.start("owner"))
            relative = clean_name(m.group("rel_name"))
            if owner and relative and owner != relative:
                out.append(("relationship", owner, m.group("rel").lower(), relative, 0.0))
    return list(dict.fromkeys(out))


def distance_facts(sentence: str) -> list[Found]:
    """Distances between two named places ("Thornfield was three miles from Millcote")."""
    if not re.search(r"\b(?:from|between|away|to|off)\b", sentence):
        return []
    out: list[Found] = []
    for m in _DISTANCE.finditer(sentence):
        value = english_number(m.group("n"))
        places = [clean_name(p.group()) for p in _PLACE.finditer(sentence)]
        places = list(dict.fromkeys(p for p in places if p))
        if value is None or value <= 0 or len(places) != 2:
            continue
        unit = m.group("unit").lower().rstrip("s")
        first, second = sorted(places)
        metres = value * _UNITS[unit]
        out.append(("distance", first, second, " ".join(m.group().split()), metres))
    return out


def ending_facts(sentence: str) -> list[Found]:
    """Deaths and departures for good ("Viktor died", "Ludmila left the town for good")."""
    out: list[Found] = []
    for kind, patterns in (("death", _DEATH), ("departure", _DEPARTURE)):
        for pattern in patterns:
            for m in pattern.finditer(sentence):
                who = clean_name(m.group("who"))
                lead = sentence[max(0, m.start() - 30) : m.end()]
                if who and not _UNSURE.search(lead) and not sentence.rstrip().endswith("?"):
                    out.append((kind, who, kind, m.group().strip(), 0.0))
    return list(dict.fromkeys(out))


def appearance_facts(sentence: str) -> list[Found]:
    """People acting or speaking in the sentence ("Oskar smiled", "said Oskar")."""
    if _NOT_ACTING.search(sentence):
        return []
    out: list[Found] = []
    for pattern in _APPEARS:
        for m in pattern.finditer(sentence):
            who = clean_name(m.group("who"))
            if who:
                out.append(("appearance", who, "appearance", m.group().strip(), 0.0))
    return list(dict.fromkeys(out))


def possession_facts(sentence: str) -> list[Found]:
    """The colour of something a named person owns ("The Duke's coach was blue")."""
    out: list[Found] = []
    for pattern in (_POSSESSION, _POSSESSION_BEFORE):
        for m in pattern.finditer(sentence):
            thing = m.group("thing")
            colours = sorted(set(re.split(r"\s+and\s+", m.group("colours"))) & OBJECT_COLOURS)
            who = clean_name(m.group("who"))
            if who and colours and thing not in _NOT_THINGS and thing not in OBJECT_COLOURS:
                colours = [
                    "gold" if c == "golden" else "grey" if c == "gray" else c for c in colours
                ]
                out.append(("possession", who, f"{thing} colour", "+".join(colours), 0.0))
    return out
