"""The text in front of the story that tells a base model what to write."""

from __future__ import annotations

from backend.story.style.model import Style

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
