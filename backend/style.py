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


def insert_authors_note(text: str, note: str, paragraphs_back: int = 3) -> str:
    """Put '[Author's note: …]' a few paragraphs before the end of `text`."""
    if not note.strip():
        return text
    parts = text.split("\n\n")
    at = max(0, len(parts) - paragraphs_back)
    parts.insert(at, f"[Author's note: {note.strip()}]")
    return "\n\n".join(parts)


def bias_words(style: Style) -> dict[str, float]:
    """Word -> logit bias that nudges point of view and tense (gently: see the benchmark)."""
    bias: dict[str, float] = {}
    if style.person:
        for person, words in POV_WORDS.items():
            for w in words:
                bias[w] = bias.get(w, 0.0) + (1.2 if person == style.person else -1.2)
    if style.tense == "present":
        for w in PAST_WORDS:
            bias[w] = bias.get(w, 0.0) - 3.0
        for w in PRESENT_WORDS:
            bias[w] = bias.get(w, 0.0) + 1.2
    elif style.tense == "past":
        for w in PRESENT_WORDS:
            bias[w] = bias.get(w, 0.0) - 2.0
        for w in PAST_WORDS:
            bias[w] = bias.get(w, 0.0) + 0.5
    return bias


# --- measuring style (the benchmark, the tests and "Match my style") -------------------
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")
_WORD = re.compile(r"[A-Za-z']+")


def narration_words(text: str) -> list[str]:
    """Words outside dialogue (quoted speech removed)."""
    return _WORD.findall(_QUOTED.sub(" ", text))


def detect_person(text: str) -> str | None:
    """'first', 'second' or 'third': whose pronouns dominate the narration."""
    words = narration_words(text)
    counts = {p: sum(w in ws for w in words) for p, ws in POV_WORDS.items()}
    counts["third"] = sum(w.lower() in POV_WORDS["third"] for w in words)
    counts["second"] = sum(w.lower() in POV_WORDS["second"] for w in words)
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] > 0 else None


def detect_tense(text: str) -> str | None:
    """'past' or 'present' by a verb-form heuristic over the narration.

    Past: -ed words and common irregular past forms (was, had, said, went, …). Present:
    is/are/has/does and third-person -s verbs after a pronoun ("she walks").
    """
    words = [w.lower() for w in narration_words(text)]
    irregular_past = set(PAST_WORDS) | {"went", "came", "saw"}
    present_aux = set(PRESENT_WORDS)
    past = sum(w in irregular_past or (len(w) > 4 and w.endswith("ed")) for w in words)
    present = sum(w in present_aux for w in words)
    pronouns = {"he", "she", "it", "i", "you", "we", "they"}
    for a, b in itertools.pairwise(words):
        if a in pronouns and len(b) > 3 and b.endswith("s") and not b.endswith("ss"):
            present += 1
        if a in ("i", "you", "we", "they") and b in (
            "walk",
            "look",
            "turn",
            "feel",
            "see",
            "know",
            "think",
            "want",
            "hear",
        ):
            present += 1
    if past == present == 0:
        return None
    return "past" if past >= present else "present"


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
