"""Word boundaries in any script: Latin words end at white space, Chinese words come from
jieba's dictionary segmenter (Chinese puts no space between words).

jieba loads its dictionary (about half a second) on first use; `warm_up` does that on a
background thread as soon as a Chinese text is open, so accepting a word never waits.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache

from backend.text.counts import CJK_RANGES

_LOCK = threading.Lock()
_LEAD = re.compile(r"\s*")
_CJK_RUN = re.compile(f"[{CJK_RANGES}]+")
_LATIN = re.compile(rf"[^\s{CJK_RANGES}]+")
# Enough of a Han run for the segmenter to find its first word.
_SEGMENT_WINDOW = 16


def _jieba():  # type: ignore[no-untyped-def]
    import jieba

    with _LOCK:
        if not jieba.dt.initialized:
            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
    return jieba


def warm_up() -> None:
    """Load the Chinese dictionary now (call on a background thread)."""
    _jieba()


@lru_cache(maxsize=2048)
def segment(run: str) -> tuple[str, ...]:
    """A run of Chinese text cut into words."""
    return tuple(w for w in _jieba().cut(run, HMM=True) if w)


def next_word(text: str) -> str:
    """The head of `text` up to the end of its first word: the white space before it, the
    word (one Chinese word, or a Latin word with its punctuation) and the punctuation
    straight after it ("，" or "。”")."""
    end = _LEAD.match(text).end()  # type: ignore[union-attr]
    while end < len(text) and _is_mark(text[end]):
        end += 1  # an opening quote or a comma before the word goes with it
    run = _CJK_RUN.match(text, end)
    if run is not None:
        end += len(segment(run.group()[:_SEGMENT_WINDOW])[0])
    else:
        latin = _LATIN.match(text, end)
        end = latin.end() if latin is not None else end
    while end < len(text) and _is_mark(text[end]):
        end += 1
    return text[:end] if end else text


def words_of(text: str) -> list[str]:
    """Every word of `text`, Chinese runs segmented, Latin words split at white space."""
    out: list[str] = []
    for m in re.finditer(rf"{_CJK_RUN.pattern}|{_LATIN.pattern}", text):
        piece = m.group()
        out += list(segment(piece)) if _CJK_RUN.fullmatch(piece) else [piece]
    return out


def _is_mark(ch: str) -> bool:
    """Punctuation, in any script (not a letter, digit, Han character or space)."""
    return not ch.isalnum() and not ch.isspace()


def inside_word(before: str, after: str) -> bool:
    """True when the cursor between `before` and `after` sits inside a word: between two
    letters, or between two Chinese characters that the segmenter keeps together."""
    left, right = before[-1:], after[:1]
    if not (left.isalnum() and right.isalnum()):
        return False
    left_cjk, right_cjk = bool(_CJK_RUN.match(left)), bool(_CJK_RUN.match(right))
    if left_cjk != right_cjk:
        return False
    if not left_cjk:
        return True
    head = _CJK_RUN.search(before[-8:][::-1])
    tail = _CJK_RUN.match(after[:8])
    assert head is not None and tail is not None
    left_run = head.group()[::-1]
    position = 0
    for word in segment(left_run + tail.group()):
        position += len(word)
        if position == len(left_run):
            return False
        if position > len(left_run):
            return True
    return False
