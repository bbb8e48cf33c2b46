"""Rewrite a passage in the chosen style (Ctrl+Shift+R, `rewrite` op and command).

A base model continues a frame that shows the passage and opens its rewritten copy; an
instruct model is asked, through its chat template, to rewrite the passage in the style
(styled/chat.py), and its reply is the rewritten passage.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from backend.engines.base import Engine, TextStream
from backend.jobs.styled import ChatFrame, StoryContext, styled_stream
from backend.story.style.model import Style, sampler_for

# Below this many words the rewrite is one sentence long, else a paragraph.
SENTENCE_WORDS = 25


def rewrite_prompt(passage: str) -> str:
    """The text a base model continues with the rewritten passage."""
    return f"Original passage:\n{passage.strip()}\n\nThe same passage, rewritten:\n"


def rewrite_stream(
    engine: Engine,
    passage: str,
    style: Style,
    *,
    seed: int | None = None,
    cancel: threading.Event | None = None,
    draft: Callable[[str], None] | None = None,
    preamble: str = "",
) -> TextStream:
    """Yield `passage` rewritten in `style`, about as long as the original. `preamble`
    (the book's memory, synopses and lore) goes in front."""
    words = len(passage.split())
    style = style.with_(length="sentence" if words < SENTENCE_WORDS else "paragraph")
    params = sampler_for(style, seed).with_(max_tokens=max(24, words * 2))
    yield from styled_stream(
        engine,
        rewrite_prompt(passage),
        style,
        StoryContext(lore=preamble),
        seed=seed,
        cancel=cancel,
        params=params,
        draft=draft,
        frame=ChatFrame(passage=passage),
    )
