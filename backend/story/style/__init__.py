"""Style: what the writer asks for (genre, tone, POV, tense, length, creativity, notes),
and how it is made to work on a small base model.

Four levers, combined: a style header with a short exemplar in the requested person and
tense (header); a gentle logit bias on the words that carry point of view and tense
(bias); classifier-free guidance against the same prompt without the style (strength set
by the writer); and stop rules for length. Creativity maps to a sampler preset (model).
The detectors (detect) judge what a passage actually reads like.

May import what backend.story may (engines' sampler parameters, storage, text); the jobs
that apply the levers are backend/jobs/styled.
"""

from __future__ import annotations

from backend.story.style.model import (
    LENGTH_TOKENS,
    LENGTHS,
    POVS,
    TENSES,
    Style,
    StyleError,
    sampler_for,
)

__all__ = [
    "LENGTHS",
    "LENGTH_TOKENS",
    "POVS",
    "TENSES",
    "Style",
    "StyleError",
    "sampler_for",
]
