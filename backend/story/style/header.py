"""The text in front of the story that tells a base model what to write."""

from __future__ import annotations

from backend.story.language import HEADER_LABELS, pack
from backend.story.style.model import Style


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


def insert_authors_note(text: str, note: str, paragraphs_back: int = 3) -> str:
    """Put '[Author's note: …]' a few paragraphs before the end of `text`."""
    if not note.strip():
        return text
    parts = text.split("\n\n")
    at = max(0, len(parts) - paragraphs_back)
    parts.insert(at, f"[Author's note: {note.strip()}]")
    return "\n\n".join(parts)
