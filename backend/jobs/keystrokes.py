"""Keystroke savings: a simulated writer types a passage, accepting suggestions that match.

A suggestion is requested at every word start, after each word's first letter and right
after an acceptance; the leading whole words of a suggestion that match the real text are
accepted at one keystroke per word. KSR = (characters typed - keystrokes used) / characters.
`Typing.ksr_tab` counts the same typing with a suggestion that matches in full taken at one
keystroke (Tab), as the editor takes it.
bench/inline.py measures the editor's suggestions with it; voice training measures an
adapter's gain on held-out text with it.

Chinese (`simulate_cjk`): the writer types character by character (an input method
commits them); a suggestion is asked for after every character the last accepted
suggestion did not cover; its leading whole words (as jieba cuts them) that match are
accepted at one keystroke per two characters, about one Chinese word.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from backend.engines.base import Engine
from backend.jobs.suggest import SuggestOptions, clean_suggestion, suggest_stream
from backend.text.words import words_of

WORD = re.compile(r"\s*\S+")
# (text before the cursor) -> (suggestion, ms to its first piece or None, ms in all)
SuggestFn = Callable[[str], tuple[str, float | None, float]]


@dataclass
class Typing:
    """What one simulated passage cost."""

    ksr: float
    requests: int
    accepted_words: int
    ttfts: list[float] = field(default_factory=list)
    fulls: list[float] = field(default_factory=list)
    # The same typing when a suggestion that matches in full is taken with one Tab (as the
    # editor takes it) rather than a keystroke per word: long right suggestions count more.
    ksr_tab: float = 0.0


def accepted_prefix(suggestion: str, target: str) -> tuple[str, int]:
    """The leading whole words of `suggestion` that match `target`, and how many."""
    taken = ""
    words = 0
    for m in WORD.finditer(suggestion):
        candidate = taken + m.group(0)
        if not target.startswith(candidate):
            break
        end = len(candidate)
        if end < len(target) and target[end - 1].isalnum() and target[end].isalnum():
            break  # a word cut in half is not a whole word
        taken, words = candidate, words + 1
    return taken, words


def _asks_here(target: str, pos: int, just_accepted: bool) -> bool:
    prev = target[pos - 1] if pos else " "
    prev2 = target[pos - 2] if pos > 1 else " "
    word_start = not prev.isalnum() and prev != "'"
    first_letter = prev.isalnum() and not prev2.isalnum()
    return word_start or first_letter or just_accepted


def simulate(
    suggest_fn: SuggestFn, context: str, target: str, cancel: threading.Event | None = None
) -> Typing:
    """Type `target` after `context`, accepting matching words."""
    pos = keystrokes = tab_keystrokes = 0
    result = Typing(0.0, 0, 0)
    just_accepted = False
    while pos < len(target):
        if cancel is not None and cancel.is_set():
            break
        if _asks_here(target, pos, just_accepted):
            result.requests += 1
            text, ttft, full = suggest_fn(context + target[:pos])
            if ttft is not None:
                result.ttfts.append(ttft)
            result.fulls.append(full)
            taken, n = accepted_prefix(text, target[pos:])
            if n:
                keystrokes += n
                tab_keystrokes += 1 if taken == text else n
                result.accepted_words += n
                pos += len(taken)
                just_accepted = True
                continue
        just_accepted = False
        keystrokes += 1
        tab_keystrokes += 1
        pos += 1
    result.ksr = (len(target) - keystrokes) / max(1, len(target))
    result.ksr_tab = (len(target) - tab_keystrokes) / max(1, len(target))
    return result


def accepted_cjk_prefix(suggestion: str, target: str) -> str:
    """The leading whole words of a Chinese `suggestion` that match `target` (a mark of
    punctuation is a word of its own, so "很多。" against "很多，" still takes 很多)."""
    taken = ""
    for word in words_of(suggestion):
        if not target.startswith(taken + word):
            break
        taken += word
    return taken


def simulate_cjk(
    suggest_fn: SuggestFn, context: str, target: str, cancel: threading.Event | None = None
) -> Typing:
    """Type Chinese `target` after `context` character by character, accepting matches."""
    pos = keystrokes = 0
    result = Typing(0.0, 0, 0)
    while pos < len(target):
        if cancel is not None and cancel.is_set():
            break
        result.requests += 1
        text, ttft, full = suggest_fn(context + target[:pos])
        if ttft is not None:
            result.ttfts.append(ttft)
        result.fulls.append(full)
        taken = accepted_cjk_prefix(text, target[pos:])
        if taken:
            keystrokes += (len(taken) + 1) // 2
            result.accepted_words += 1
            pos += len(taken)
            continue
        keystrokes += 1
        pos += 1
    result.ksr = (len(target) - keystrokes) / max(1, len(target))
    return result


def editor_suggestions(engine: Engine, options: SuggestOptions | None = None) -> SuggestFn:
    """The editor's own suggestion pipeline, timed."""
    chosen = options or SuggestOptions()

    def run(doc: str) -> tuple[str, float | None, float]:
        started = time.perf_counter()
        first = None
        parts = []
        for piece in suggest_stream(engine, doc, len(doc), chosen):
            if first is None:
                first = (time.perf_counter() - started) * 1000
            parts.append(piece)
        return clean_suggestion("".join(parts)), first, (time.perf_counter() - started) * 1000

    return run
