"""The text in front of the story that tells a base model what to write."""

from __future__ import annotations

import re

from backend.story.language import HEADER_LABELS, pack
from backend.story.style.model import Style
from backend.text.counts import cjk_count


def pov_phrase(pov: str, lang: str = "en") -> str:
    """How the header names a point of view."""
    return pack(lang).pov.get(pov, "")


def style_header(style: Style, premise: str = "", lang: str = "en") -> str:
    """The text in front of the story that tells a base model what to write, in the
    language of the story (resources/languages/<lang>.toml)."""
    p = pack(lang)
    tense = style.tense if p.has_tense else ""
    lines = []
    if style.genre:
        lines.append(p.label("genre") + style.genre)
    if style.tone:
        lines.append(p.label("tone") + style.tone)
    if style.pov or tense:
        tense_words = p.label("tense").format(tense=p.label(tense)) if tense else ""
        narration = p.label("joiner").join(
            x for x in (pov_phrase(style.pov, lang), tense_words) if x
        )
        lines.append(p.label("narration") + narration)
    if style.notes:
        lines.append(p.label("notes") + style.notes)
    if premise:
        lines.append(p.label("premise") + premise)
    sample = p.exemplar(style.person, tense) if style.person and (tense or not p.has_tense) else ""
    if sample:
        lines.append(p.label("sample") + sample)
    return ("\n".join(lines) + "\n\n") if lines else ""


def header_marks(header: str, lang: str = "en") -> tuple[str, ...]:
    """Strings that only appear in output when a model copies the style header back."""
    p = pack(lang)
    # A pack may give a shorter mark for a label ("Sample of the" catches "Sample of the
    # narrator:" as well).
    labels = [p.label(f"{k}_mark") or p.label(k).rstrip(" ") for k in HEADER_LABELS]
    marks = [label for label in labels if label and label in header]
    marks += [m for m in p.pov_marks.values() if m in header]
    return tuple(marks)


HEADER_DEPTH = 3  # paragraphs before the end of the text where a style header goes
HEADER_REACH = 300  # characters: fewer paragraphs (at least one) when those run longer
CJK_WEIGHT = 3  # a Chinese or Japanese character counts as this many toward the reach
_WORDED_LINE = re.compile(r"^[^\S\n]*\S", re.MULTILINE)


def paragraph_starts(text: str) -> list[int]:
    """Where each paragraph with words begins in `text`: every line with words, whether
    blank lines part them or the writer pressed Enter once (most Chinese text)."""
    return [m.start() for m in _WORDED_LINE.finditer(text)]


def _break_before(text: str, at: int) -> str:
    """The line break that parts the paragraph at `at` from the one before ("\n\n" at
    the start of the text)."""
    return "\n" if at > 0 and not text[:at].endswith("\n\n") else "\n\n"


def _reach(text: str) -> int:
    """The length of `text` toward HEADER_REACH: a CJK character, about one token, weighs
    as much as a few letters of English."""
    return len(text) + (CJK_WEIGHT - 1) * cjk_count(text)


def header_offset(text: str, paragraphs_back: int = HEADER_DEPTH) -> int:
    """Where in `text` (the story's text, its author's note placed) a style header goes: the
    start of the paragraph `paragraphs_back` before the end, after the author's note, or
    of a later one when those paragraphs run past HEADER_REACH characters (the last one
    always follows it: a text does not end in the header). 0 when the text has no more
    paragraphs than `paragraphs_back`: the header then leads the whole prompt. Paragraphs
    are lines with words (paragraph_starts).

    Placed near the end, the header tells the model what to write where it reads most
    closely, and everything before it is the prompt a suggestion at the cursor read, so a
    styled continuation takes that from the model's cache and reads only the header and
    the paragraphs after it (backend/engines/llama_pair.py): on the bundled model a few
    hundred tokens, about 0.3 s a hundred on two cores."""
    starts = paragraph_starts(text)
    if len(starts) <= paragraphs_back:
        return 0
    back = 1
    while back < paragraphs_back and _reach(text[starts[-back - 1] :]) <= HEADER_REACH:
        back += 1
    return starts[-back]


def with_header(lore: str, text: str, header: str) -> str:
    """The styled prompt: `lore`, then `text` with the style `header` placed in it (see
    header_offset), or the header first when the text is short."""
    at = header_offset(text) if header else 0
    if at == 0:
        return header + lore + text
    return lore + text[:at] + header + text[at:]


def insert_authors_note(text: str, note: str, paragraphs_back: int = 3) -> str:
    """Put '[Author's note: …]' before the paragraph `paragraphs_back` before the end of
    `text` (at its start when it has no more), parted from the text as its paragraphs are."""
    if not note.strip():
        return text
    starts = paragraph_starts(text)
    at = starts[-paragraphs_back] if len(starts) > paragraphs_back else 0
    return text[:at] + f"[Author's note: {note.strip()}]" + _break_before(text, at) + text[at:]
