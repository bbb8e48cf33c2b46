"""Style: what the writer asks for (genre, tone, POV, tense, length, creativity, notes),
and how it is made to work on a small base model.

Four levers, combined: a style header with a short exemplar in the requested person and
tense; a gentle logit bias on the words that carry point of view and tense; classifier-free
guidance against the same prompt without the style (strength set by the writer); and stop
rules for length. Creativity maps to a sampler preset.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import tomli_w

from backend.atomic import atomic_write_text
from backend.params import SamplerParams

POVS = ("first", "second", "third_limited", "third_omniscient")
TENSES = ("past", "present")
LENGTHS = ("sentence", "paragraph", "beat")
PRESET_DIR = Path(__file__).resolve().parent.parent / "resources" / "presets"
# The word counts the panel promises for each length.
LENGTH_WORDS = {"sentence": (4, 40), "paragraph": (40, 160), "beat": (150, 400)}
LENGTH_TOKENS = {"sentence": 60, "paragraph": 230, "beat": 560}

POV_WORDS = {
    "first": ("I", "me", "my", "mine", "myself", "I'm", "I'd", "I've", "I'll"),
    "second": ("you", "your", "yours", "yourself", "you're", "you'd"),
    "third": ("he", "she", "him", "her", "his", "hers", "himself", "herself", "they", "them"),
}
PAST_WORDS = (
    "was",
    "were",
    "had",
    "did",
    "said",
    "looked",
    "went",
    "came",
    "felt",
    "knew",
    "saw",
    "could",
    "would",
    "thought",
    "took",
    "made",
    "got",
    "found",
    "told",
    "left",
    "stood",
    "ran",
    "heard",
    "began",
    "turned",
    "walked",
    "seemed",
    "wanted",
    "asked",
)
PRESENT_WORDS = (
    "is",
    "are",
    "has",
    "does",
    "says",
    "looks",
    "goes",
    "comes",
    "feels",
    "knows",
    "sees",
    "can",
    "will",
    "thinks",
    "takes",
    "makes",
    "gets",
    "finds",
    "tells",
    "stands",
    "runs",
    "hears",
    "begins",
    "turns",
    "walks",
    "seems",
    "wants",
    "asks",
    "am",
)

EXEMPLARS = {
    ("first", "past"): "I pushed the door open and stepped inside. The room smelled of "
    "rain, and I knew at once that I was not alone.",
    ("first", "present"): "I push the door open and step inside. The room smells of rain, "
    "and I know at once that I am not alone.",
    ("second", "past"): "You pushed the door open and stepped inside. The room smelled of "
    "rain, and you knew at once that you were not alone.",
    ("second", "present"): "You push the door open and step inside. The room smells of "
    "rain, and you know at once that you are not alone.",
    ("third", "past"): "She pushed the door open and stepped inside. The room smelled of "
    "rain, and she knew at once that she was not alone.",
    ("third", "present"): "She pushes the door open and steps inside. The room smells of "
    "rain, and she knows at once that she is not alone.",
}


class StyleError(ValueError):
    """A style value is not one Inkling knows."""


@dataclass(frozen=True)
class Style:
    """A story's style settings."""

    genre: str = ""
    tone: str = ""
    pov: str = ""
    tense: str = ""
    length: str = "paragraph"
    creativity: float = 0.5
    notes: str = ""
    guidance: float = 2.0
    name: str = ""

    def __post_init__(self) -> None:
        if self.pov and self.pov not in POVS:
            raise StyleError(f"pov must be one of {', '.join(POVS)}")
        if self.tense and self.tense not in TENSES:
            raise StyleError(f"tense must be one of {', '.join(TENSES)}")
        if self.length not in LENGTHS:
            raise StyleError(f"length must be one of {', '.join(LENGTHS)}")
        if isinstance(self.creativity, bool) or not isinstance(self.creativity, int | float):
            raise StyleError("creativity must be a number from 0 to 1")
        if not 0.0 <= float(self.creativity) <= 1.0:
            raise StyleError("creativity must be between 0 and 1")
        if not 0.0 <= float(self.guidance) <= 4.0:
            raise StyleError("guidance must be between 0 and 4")

    @property
    def person(self) -> str:
        """'first', 'second' or 'third' ('' when not set)."""
        return "third" if self.pov.startswith("third") else self.pov

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> Style:
        """A Style from loose data (TOML, JSON); unknown keys are ignored, types checked."""
        known = {f.name for f in fields(cls)}
        clean: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                continue
            if key in ("creativity", "guidance"):
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise StyleError(f"{key} must be a number")
                clean[key] = float(value)
            elif not isinstance(value, str):
                raise StyleError(f"{key} must be text")
            else:
                clean[key] = value
        return cls(**clean)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for TOML and JSON."""
        return asdict(self)

    def with_(self, **changes: Any) -> Style:
        """A copy with some fields changed."""
        return replace(self, **changes)


def sampler_for(style: Style, seed: int | None = None) -> SamplerParams:
    """Creativity 0..1 mapped onto one sampler preset, and the length's token cap."""
    c = float(style.creativity)
    return SamplerParams(
        temperature=round(0.45 + 0.75 * c, 3),
        top_p=round(0.85 + 0.13 * c, 3),
        top_k=40 + int(60 * c),
        min_p=round(0.10 - 0.08 * c, 3),
        repeat_penalty=round(1.08 + 0.07 * c, 3),
        max_tokens=LENGTH_TOKENS[style.length],
        seed=seed,
    )


def pov_phrase(pov: str) -> str:
    """How the header names a point of view."""
    return {
        "first": "first person (I, me, my)",
        "second": "second person (you, your)",
        "third_limited": "third person limited (he, she, they)",
        "third_omniscient": "third person omniscient (he, she, they)",
    }.get(pov, "")


def style_header(style: Style, premise: str = "") -> str:
    """The text in front of the story that tells a base model what to write."""
    lines = []
    if style.genre:
        lines.append(f"Genre: {style.genre}")
    if style.tone:
        lines.append(f"Tone: {style.tone}")
    if style.pov or style.tense:
        narration = ", ".join(
            x for x in (pov_phrase(style.pov), f"{style.tense} tense" if style.tense else "") if x
        )
        lines.append(f"Narration: {narration}")
    if style.notes:
        lines.append(f"Style notes: {style.notes}")
    if premise:
        lines.append(f"Premise: {premise}")
    if style.person and style.tense:
        lines.append(f"Sample of the narration: {EXEMPLARS[(style.person, style.tense)]}")
    return ("\n".join(lines) + "\n\n") if lines else ""


def header_marks(header: str) -> tuple[str, ...]:
    """Strings that only appear in output when a model copies the style header back."""
    labels = ("Genre:", "Tone:", "Narration:", "Style notes:", "Premise:", "Sample of the")
    marks = [label for label in labels if label in header]
    marks += [m for m in ("(I, me", "(you, your", "(he, she") if m in header]
    return tuple(marks)


def insert_authors_note(text: str, note: str, paragraphs_back: int = 3) -> str:
    """Put '[Author's note: …]' a few paragraphs before the end of `text`."""
    if not note.strip():
        return text
    parts = text.split("\n\n")
    at = max(0, len(parts) - paragraphs_back)
    parts.insert(at, f"[Author's note: {note.strip()}]")
    return "\n\n".join(parts)


# Logit bias strengths, applied to narration only (never inside dialogue), chosen with
# bench/style.py. Pushing the wanted pronouns up added nothing to adherence once the
# sentence check was in place but raised pronoun share (14.5% against 10.6%), so point of
# view is steered by pushing the other persons' pronouns down only.
POV_TOWARD, POV_AWAY = 0.0, 2.0
TENSE_TOWARD, TENSE_AWAY = 1.2, 4.0
ED_AWAY = 3.0  # on every regular past form ("-ed" tokens) for present tense
# Past forms that are also common nouns or adjectives are not penalised.
_AMBIGUOUS_PAST = frozenset(
    {"ground", "wound", "rose", "bit", "bound", "left", "bet", "shot", "lent", "bore"}
)


def bias_words(style: Style) -> dict[str, float]:
    """Word -> logit bias that nudges point of view and tense."""
    bias: dict[str, float] = {}

    def add(words: object, value: float) -> None:
        for w in words:  # type: ignore[attr-defined]
            bias[w] = bias.get(w, 0.0) + value

    if style.person:
        for person, words in POV_WORDS.items():
            add(words, POV_TOWARD if person == style.person else -POV_AWAY)
    if style.tense == "present":
        add(sorted(IRREGULAR_PAST - _AMBIGUOUS_PAST), -TENSE_AWAY)
        add(("hadn't", "wasn't", "weren't", "didn't", "couldn't", "used"), -TENSE_AWAY)
        add(PRESENT_WORDS, TENSE_TOWARD)
    elif style.tense == "past":
        add(PRESENT_WORDS, -TENSE_AWAY / 2)
        add(("isn't", "aren't", "doesn't", "don't", "hasn't"), -TENSE_AWAY / 2)
        add(PAST_WORDS, TENSE_TOWARD / 2)
    return bias


# --- measuring style (the benchmark, the tests, the sentence check, "Match my style") ----
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")
_WORD = re.compile(r"[A-Za-z']+")


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PERSON_SETS = {p: {w.lower() for w in ws} for p, ws in POV_WORDS.items()}
# Common irregular past forms (besides PAST_WORDS). Forms that are also present or base
# forms ("read", "put", "cut", "let", "set", "hit") are left out: they prove nothing.
IRREGULAR_PAST = _wordset(
    """
    ate awoke bade became befell began bent bet bit bled blew bore bought bound bred brought
    broke built burnt caught chose clung crept dealt drank drew drove dug dwelt fed fell felt
    fled flew flung fought forbade forgave forgot forsook froze gave grew ground hid held hung
    kept knelt knew laid lay leapt learnt led left lent lit lost meant met mistook paid rang
    rode rose ran sang sank sat saw shook shone shot shrank slept slid slung smote sold sought
    spat spent spoke sprang stole stood strode struck stuck stung swam swept swore swung taught
    thought threw told took tore trod understood wept woke won wore wound wove wrote withdrew
    """
) | {w.lower() for w in PAST_WORDS}
# Words ending in -ed that are not past forms.
_NOT_PAST_ED = _wordset(
    "indeed hundred hundreds naked wicked sacred kindred rugged ragged crooked beloved "
    "wretched learned exceed proceed succeed"
)
# After these a past form is a participle ("has left") or an adjective ("her left hand").
_PARTICIPLE_AFTER = frozenset(
    {"has", "have", "is", "are", "am", "be", "been", "being", "the", "a", "an", "her", "his"}
    | {"my", "your", "their", "its", "our"}
)
_ADVERBS = frozenset({"never", "not", "already", "just", "always", "also", "only", "still"})
_PRESENT_SET = frozenset(w.lower() for w in PRESENT_WORDS)
_SUBJECTS = frozenset({"he", "she", "it", "i", "you", "we", "they"})
_PLURAL_SUBJECTS = frozenset({"i", "you", "we", "they"})
_BASE_VERBS = _wordset(
    "walk look turn feel see know think want hear stand sit wait watch need open close take "
    "make hold keep try move start stop run go come leave find tell say ask reach pull push "
    "stare smile laugh cry wonder remember forget realise realize hope wish"
)


def all_words(text: str) -> list[str]:
    """Every word of `text`, dialogue included."""
    return _WORD.findall(text)


def narration_words(text: str) -> list[str]:
    """Words outside dialogue (quoted speech removed)."""
    return _WORD.findall(_QUOTED.sub(" ", text))


def person_counts(words: list[str]) -> dict[str, int]:
    """How many first-, second- and third-person pronouns there are among `words`."""
    lower = [w.lower() for w in words]
    return {p: sum(w in ws for w in lower) for p, ws in _PERSON_SETS.items()}


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
        if w in _PRESENT_SET:
            present += 1
        elif w in IRREGULAR_PAST or (len(w) > 4 and w.endswith("ed") and w not in _NOT_PAST_ED):
            past += before not in _PARTICIPLE_AFTER
        if w not in _ADVERBS:
            before = w
    for a, b in itertools.pairwise(lower):
        s_verb = len(b) > 3 and b.endswith("s") and not b.endswith("ss")
        if (a in _SUBJECTS and s_verb) or (a in _PLURAL_SUBJECTS and b in _BASE_VERBS):
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
        elif ch == "“":
            depth = True
        elif ch == "”":
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


def match_style(passage: str) -> Style:
    """'Match my style': a style (with notes and detected POV/tense) from a passage."""
    person = detect_person(passage) or ""
    tense = detect_tense(passage) or ""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", passage.strip()) if s]
    words = passage.split()
    avg = len(words) / max(1, len(sentences))
    dialogue = len(_QUOTED.findall(passage))
    rhythm = (
        "short, clipped sentences"
        if avg < 12
        else ("long, flowing sentences" if avg > 24 else "medium-length sentences")
    )
    notes = f"{rhythm} (about {avg:.0f} words each)"
    if dialogue:
        notes += ", with dialogue"
    excerpt = " ".join(words[:60])
    pov = {"first": "first", "second": "second", "third": "third_limited"}.get(person, "")
    return Style(pov=pov, tense=tense, notes=f"{notes}. Like: {excerpt}")


# --- presets ---------------------------------------------------------------------------
def builtin_presets() -> dict[str, Style]:
    """The presets shipped in resources/presets."""
    out = {}
    for path in sorted(PRESET_DIR.glob("*.toml")):
        style = load_preset(path)
        out[style.name or path.stem] = style
    return out


def load_preset(path: Path) -> Style:
    """Read a preset TOML file. Raises StyleError with a clear message."""
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise StyleError(f"{path.name} is not a readable preset: {exc}") from exc
    style = Style.from_mapping(data)
    return style if style.name else style.with_(name=path.stem)


def save_preset(style: Style, path: Path) -> None:
    """Write a preset as TOML (atomically)."""
    atomic_write_text(path, tomli_w.dumps(style.to_dict()), backup=False)


def user_presets(folder: Path) -> dict[str, Style]:
    """The writer's own presets in `folder` (unreadable ones are skipped)."""
    out = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*.toml")):
            try:
                style = load_preset(path)
            except StyleError:
                continue
            out[style.name] = style
    return out
