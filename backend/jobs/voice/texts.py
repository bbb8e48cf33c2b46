"""What a voice adapter learns from: the writer's files, and the tenth kept aside to measure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from backend.formats.manuscript import read_manuscript
from backend.storage.documents import DocumentError
from backend.text.counts import word_count

# Fewer words teach a style nothing measurable (and the held-out tenth would be too short).
MIN_WORDS = 1000
HOLDOUT_SHARE = 0.1
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".docx")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


class VoiceError(ValueError):
    """The training cannot start or went wrong; the message is for the writer."""


@dataclass(frozen=True)
class TrainingText:
    """The text to learn from, the text kept aside to measure on, and where they came from."""

    train: str
    holdout: str
    sources: tuple[str, ...]

    @property
    def train_words(self) -> int:
        """Words learned from."""
        return word_count(self.train)

    @property
    def holdout_words(self) -> int:
        """Words kept aside."""
        return word_count(self.holdout)


def read_source(path: Path) -> str:
    """The text of one .txt, .md or .docx file; VoiceError for anything else."""
    if path.suffix.lower() not in TEXT_SUFFIXES:
        raise VoiceError(
            f"{path.name} is not a text file Inkling can learn from (use .txt, .md or .docx)."
        )
    try:
        text = read_manuscript(path)
    except DocumentError as exc:
        raise VoiceError(str(exc)) from exc
    if "\x00" in text or text.count("\ufffd") > max(10, len(text) // 100):
        raise VoiceError(f"{path.name} does not hold text (it looks like a binary file).")
    return text.replace("\r\n", "\n")


def split_holdout(text: str, share: float = HOLDOUT_SHARE) -> tuple[str, str]:
    """The first nine tenths and the last tenth of `text`, cut between paragraphs."""
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
    total = sum(len(p) for p in paragraphs)
    kept, size = [], 0
    while paragraphs and size < share * total:
        paragraph = paragraphs.pop()
        kept.append(paragraph)
        size += len(paragraph)
    return "\n\n".join(paragraphs), "\n\n".join(reversed(kept))


def gather(
    sources: list[tuple[str, str]], holdout: str | None = None, min_words: int = MIN_WORDS
) -> TrainingText:
    """Join named texts; keep the last tenth aside unless a held-out text is given."""
    joined = "\n\n".join(text.strip() for _name, text in sources if text.strip())
    words = word_count(joined)
    if words < min_words:
        raise VoiceError(
            f"Inkling needs at least {min_words:,} words of your writing to learn your voice; "
            f"these texts have {words:,}."
        )
    if holdout is None:
        train, kept = split_holdout(joined)
    else:
        train, kept = joined, holdout.strip()
    if word_count(kept) < min(100, min_words // 10):
        raise VoiceError("The text kept aside for measuring is too short (under 100 words).")
    return TrainingText(train, kept, tuple(name for name, _text in sources))
