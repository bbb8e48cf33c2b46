"""Extraction rules for English: who a sentence is about (names, titles, pronouns) and
what it says about their body and age. Relationships, distances, deaths and departures
are english_events.py.

Each rule is a regular expression over one sentence; the subject is the name it names or,
for "he", "she", "his" and "her", the nearest name before it in the sentence, else the
last name of the sentences before (within the scene).
"""

from __future__ import annotations

import re

from backend.story.facts.spans import NUMBER, english_number
from backend.text.terms import STOPWORDS

TITLES = frozenset(
    [
        "lord",
        "lady",
        "sir",
        "mr",
        "mrs",
        "miss",
        "ms",
        "dr",
        "doctor",
        "captain",
        "old",
        "young",
        "aunt",
        "uncle",
        "master",
        "madame",
        "count",
        "countess",
        "duke",
        "duchess",
        "king",
        "queen",
        "prince",
        "princess",
        "father",
        "mother",
        "little",
        "the",
    ]
)
PRONOUNS = frozenset({"he", "she", "his", "her", "him"})
_OPENERS = frozenset(w.capitalize() for w in STOPWORDS) | {
    "I", "The", "A", "An", "And", "But", "So", "Then", "If", "In", "On", "At", "As", "It",
    "He", "She", "We", "They", "You", "What", "Who", "Why", "How", "When", "Where", "There",
    "This", "That", "Now", "No", "Not", "Oh", "Yes", "Well", "Chapter", "Of", "To", "For",
    "With", "By", "Or", "Do", "Did", "Let", "All", "My", "Our", "His", "Her", "Its", "Their",
    "Nobody", "Everybody", "Somebody", "Nothing", "Everything", "Come", "Good", "Here",
    "Soon", "Once", "Poor", "Dear", "Please", "Perhaps", "Sometimes", "Indeed", "Besides",
    "Mind", "Ah", "Alas", "Hush", "Hm", "Oho", "Sure", "Even", "Everyone",
    "Dark", "Fair", "Pale", "Blue", "Green", "Grey", "Gray", "Brown", "Black", "Red", "White",
    "Golden", "Tall", "Short", "Thin", "Long",
}  # fmt: skip
# A name: capitalised words, optionally after a title ("Lord Ashby", "Marlow Abbey").
NAME = r"(?:(?:the|The)\s+)?[A-Z][a-z]+\.?(?:\s+[A-Z][a-z]+)*"
SUBJECT = rf"(?:{NAME}|[Hh]e|[Ss]he|[Hh]is|[Hh]er)"
_NAME_RE = re.compile(rf"\b{SUBJECT}\b")

EYE_COLOURS = {
    "blue": "blue", "green": "green", "grey": "grey", "gray": "grey", "brown": "brown",
    "hazel": "hazel", "black": "black", "dark": "dark", "amber": "amber", "violet": "violet",
}  # fmt: skip
HAIR_COLOURS = {
    "blond": "fair", "blonde": "fair", "fair": "fair", "golden": "fair", "yellow": "fair",
    "flaxen": "fair", "sandy": "fair", "red": "red", "ginger": "red", "auburn": "auburn",
    "copper": "red", "brown": "brown", "chestnut": "brown", "mousy": "brown",
    "black": "black", "raven": "black", "dark": "dark", "grey": "grey", "gray": "grey",
    "silver": "grey", "white": "grey", "snowy": "grey",
}  # fmt: skip
OBJECT_COLOURS = frozenset(
    [
        "red",
        "blue",
        "green",
        "black",
        "white",
        "yellow",
        "grey",
        "gray",
        "brown",
        "gold",
        "golden",
        "silver",
        "purple",
        "pink",
        "orange",
        "scarlet",
        "crimson",
    ]
)
HEIGHTS = {"tall": "tall", "towering": "tall", "short": "short", "tiny": "short"}
BUILDS = {
    **dict.fromkeys(("thin", "slim", "slender", "lean", "skinny", "wiry", "gaunt"), "thin"),
    **dict.fromkeys(("bony", "scrawny"), "thin"),
    **dict.fromkeys(("fat", "stout", "plump", "portly", "stocky", "chubby", "tubby"), "stout"),
    **dict.fromkeys(("corpulent", "rotund"), "stout"),
}
_DEGREE = r"(?:(?:very|rather|quite|extremely|remarkably|so|too|unusually|fairly)\s+)?"
_BODY = (
    r"(?:cheek|hand|arm|eye|ear|leg|shoulder|temple|brow|eyebrow|wrist|knee|foot|side|jaw|"
    r"thumb|forearm|neck|chin)"
)
_MARK = re.compile(rf"\b(scar|birthmark|mole|tattoo)\b[^.;]{{0,50}}?\b(left|right)\s+({_BODY})")
_MARK_AFTER = re.compile(rf"\b(left|right)\s+({_BODY})\b[^.;]{{0,30}}?\b(scar|birthmark|tattoo)")
_FEATURE = re.compile(r"\b(eyes|hair)\b")
_AFTER = re.compile(
    r"^(?:'s)?(?:\s+(?:were|was|are|is|had\s+been|looked|seemed|shone))?[\s,]+(?:a\s+|of\s+a\s+)?"
    r"(?:(?:deep|pale|bright|light|dark|clear|cold|warm|very|pure|jet)[\s-]+)?([a-z]+)"
)
_FIGURE = r"(?:man|woman|girl|boy|fellow|figure|person|lady|gentleman|child|lad|lass)"
_STATURE = re.compile(
    rf"\b(?:was|is|stood|looked|seemed)\s+(?:a\s+)?{_DEGREE}([a-z]+)\b(?!\s+(?:of|for|time|"
    r"while|distance|way|walk|story|speech|notice|supply|answer|cut|breath|silence|"
    r"moment|pause|life|step|stay|drive|note|laugh|cry|space))"
)
_STATURE_NOUN = re.compile(rf"\ba\s+{_DEGREE}([a-z]+)(?:\s+little|\s+young|\s+old)?\s+{_FIGURE}\b")
_AS_A = re.compile(r"\b(thin|lean|fat|stout)\s+as\s+a\b")
_AGE_FOLLOW = frozenset(
    [
        "that",
        "this",
        "when",
        "then",
        "and",
        "but",
        "in",
        "at",
        "on",
        "now",
        "already",
        "last",
        "next",
        "by",
        "before",
        "years",
    ]
)
_AGE = [
    re.compile(
        rf"(?P<who>{SUBJECT})(?:,)?\s+(?:was|is|had\s+turned|turned|had\s+just\s+turned)\s+"
        rf"(?:now\s+|just\s+|only\s+|barely\s+|nearly\s+|almost\s+|aged\s+)?"
        rf"(?P<n>{NUMBER})(?P<old>\s+years?\s+old|\s+years?\s+of\s+age)?(?P<next>\W+\w+|\W*$)"
    ),
    re.compile(
        rf"(?P<who>{NAME}),\s+(?:aged\s+|age\s+|at\s+|who\s+was\s+(?:now\s+|then\s+)?)"
        rf"(?P<n>{NUMBER})(?:\s+years\s+old)?[,.;]"
    ),
    re.compile(rf"(?P<who>{NAME}),\s+(?P<n>{NUMBER})\s+years\s+old\b"),
    re.compile(rf"\b(?P<n>{NUMBER})-year-old\s+(?P<who>{NAME})\b"),
    re.compile(
        rf"(?P<who>{SUBJECT})(?:,|\s+was)\s+a\s+(?:girl|boy|man|woman|child|lad|lass|youth)\s+of\s+"
        rf"(?P<n>{NUMBER})\b(?!\s+(?:feet|inches|stone))"
    ),
]
_BIRTHDAY = re.compile(
    rf"(?P<who>{NAME})(?:'s\s+birthday\s+(?:was|is|fell)|\s+was\s+born)\s+(?:on\s+|in\s+)?"
    r"(?:the\s+)?(?P<when>[^,.;]{3,30})"
)


def clean_name(raw: str) -> str:
    """The name in `raw` without titles and sentence openers ("Old Tobias" -> "Tobias",
    "The Duke" -> "Duke"); '' when nothing name-like is left."""
    words = [w.rstrip(".") for w in raw.split()]
    if not words or any(w in _OPENERS and i for i, w in enumerate(words)):
        words = [w for w in words if w not in _OPENERS]
    while words and words[0] in _OPENERS:
        words.pop(0)
    while len(words) > 1 and words[0].lower() in TITLES:
        words.pop(0)
    if not words or words[0].lower() in TITLES - {"duke", "duchess", "king", "queen"}:
        return words[0] if words and words[0] in ("Duke", "Duchess", "King", "Queen") else ""
    return " ".join(words)


class Speaker:
    """Who "he" and "she" are: the last name seen in the scene so far."""

    def __init__(self) -> None:
        self.last = ""

    def who(self, sentence: str, raw: str, at: int) -> str:
        """The name `raw` (found at `at` in `sentence`) stands for: itself, or for a pronoun
        the nearest name before it in the sentence, else the last name before the sentence."""
        if raw.lower() not in PRONOUNS:
            return clean_name(raw)
        before = [clean_name(m.group()) for m in _NAME_RE.finditer(sentence[:at])]
        before = [b for b in before if b]
        return before[-1] if before else self.last

    def owner(self, sentence: str, at: int) -> str:
        """Whose feature stands at `at`: the nearest name or pronoun before it."""
        found = [m for m in _NAME_RE.finditer(sentence[:at]) if self._named(m.group())]
        if not found:
            return self.last
        return self.who(sentence, found[-1].group(), found[-1].start())

    def _named(self, raw: str) -> bool:
        return raw.lower() in PRONOUNS or bool(clean_name(raw))

    def saw(self, sentence: str) -> None:
        """Remember the last name of `sentence` for the pronouns of the next ones."""
        names = [clean_name(m.group()) for m in re.finditer(NAME, sentence)]
        names = [n for n in names if n and n.lower() not in TITLES]
        if names:
            self.last = names[-1]


Found = tuple[str, str, str, str, float]  # kind, subject, attribute, value, number


def body_facts(sentence: str, speaker: Speaker) -> list[Found]:
    """Eyes and hair colour, height, build and marks stated in one sentence."""
    out: list[Found] = []
    for m in _FEATURE.finditer(sentence):
        feature = m.group(1)
        colours = EYE_COLOURS if feature == "eyes" else HAIR_COLOURS
        colour = _colour_before(sentence[: m.start()], colours) or _colour_after(
            sentence[m.end() :], colours
        )
        if colour:
            who = speaker.owner(sentence, m.start())
            if who:
                out.append(("attribute", who, feature, colour, 0.0))
    for m in [*_STATURE.finditer(sentence), *_STATURE_NOUN.finditer(sentence)]:
        word = m.group(1)
        table, attribute = (HEIGHTS, "height") if word in HEIGHTS else (BUILDS, "build")
        who = speaker.owner(sentence, m.start()) if word in table else ""
        if who:
            out.append(("attribute", who, attribute, table[word], 0.0))
    for m in _AS_A.finditer(sentence):
        who = speaker.owner(sentence, m.start())
        if who:
            out.append(("attribute", who, "build", BUILDS[m.group(1)], 0.0))
    out += _marks(sentence, speaker)
    return list(dict.fromkeys(out))


def _colour_before(head: str, colours: dict[str, str]) -> str:
    """The colour word among the last three words before a feature ("pale blue eyes")."""
    for word in reversed(re.split(r"[\s-]+", head.rstrip())[-3:]):
        low = word.lower().strip(",")
        if low in colours:
            return colours[low]
        if low in ("his", "her", "their", "the", "a", "an", "and", "with", "of") or "'" in low:
            return ""
    return ""


def _colour_after(tail: str, colours: dict[str, str]) -> str:
    """The colour said after a feature ("eyes were blue", "eyes, a deep brown")."""
    m = _AFTER.match(tail)
    return colours.get(m.group(1), "") if m else ""


def _marks(sentence: str, speaker: Speaker) -> list[Found]:
    out: list[Found] = []
    for m in _MARK.finditer(sentence):
        who = speaker.owner(sentence, m.start(2))
        if who:
            out.append(("attribute", who, f"{m.group(1)} ({m.group(3)})", m.group(2), 0.0))
    for m in _MARK_AFTER.finditer(sentence):
        who = speaker.owner(sentence, m.start())
        if who:
            out.append(("attribute", who, f"{m.group(3)} ({m.group(2)})", m.group(1), 0.0))
    return out


def age_facts(sentence: str, speaker: Speaker) -> list[Found]:
    """Ages ("Clara was fifteen", "Rosalind, aged twenty-two") and birthdays."""
    out: list[Found] = []
    for pattern in _AGE:
        for m in pattern.finditer(sentence):
            groups = m.groupdict()
            if "next" in groups and not groups.get("old"):
                follow = re.sub(r"\W+", "", groups["next"] or "").lower()
                if follow and follow not in _AGE_FOLLOW:
                    continue
            age = english_number(m.group("n"))
            who = speaker.who(sentence, m.group("who"), m.start("who"))
            if age is not None and 1 <= age <= 120 and age == int(age) and who:
                out.append(("age", who, "age", str(int(age)), age))
    for m in _BIRTHDAY.finditer(sentence):
        who = clean_name(m.group("who"))
        if who:
            out.append(("birthday", who, "birthday", " ".join(m.group("when").lower().split()), 0))
    return list(dict.fromkeys(out))
