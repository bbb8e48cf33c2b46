"""What the writer asks for: genre, tone, point of view, tense, length, creativity, notes;
and the sampler preset the creativity slider stands for."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from backend.engines.params import CONTINUATION_DRY, SamplerParams

POVS = ("first", "second", "third_limited", "third_omniscient")
TENSES = ("past", "present")
LENGTHS = ("sentence", "paragraph", "beat")
# The length ranges the panel promises are in each language's pack (resources/languages).
LENGTH_TOKENS = {"sentence": 60, "paragraph": 230, "beat": 560}


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


def sampler_for(
    style: Style, seed: int | None = None, *, continuing: bool = False
) -> SamplerParams:
    """Creativity 0..1 mapped onto one sampler preset, and the length's token cap; with
    `continuing` (a continuation, not a rewrite) DRY keeps the text from looping."""
    c = float(style.creativity)
    dry = CONTINUATION_DRY if continuing else {}
    return SamplerParams(
        temperature=round(0.45 + 0.75 * c, 3),
        top_p=round(0.85 + 0.13 * c, 3),
        top_k=40 + int(60 * c),
        min_p=round(0.10 - 0.08 * c, 3),
        repeat_penalty=round(1.08 + 0.07 * c, 3),
        max_tokens=LENGTH_TOKENS[style.length],
        seed=seed,
        **dry,
    )
