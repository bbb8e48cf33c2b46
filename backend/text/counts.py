"""Word and character counts that work for English and for Chinese and Japanese.

Latin-script words are runs of letters, digits, apostrophes and inner hyphens; every
Han, kana or Hangul character counts as one word, the way novelWriter and most CJK
publishers count ("字数"). Markdown markers (#, *, _) are not words.
"""

from __future__ import annotations

import re

CJK_RANGES = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\uac00-\ud7af"  # Hangul syllables
)
CJK_CHAR = re.compile(f"[{CJK_RANGES}]")
# A word: letters/digits (not CJK) joined by apostrophes or hyphens inside it.
_WORD = re.compile(rf"(?:(?![{CJK_RANGES}])[^\W_])+(?:['’\-](?:(?![{CJK_RANGES}])[^\W_])+)*")
_COUNTABLE = re.compile(rf"[{CJK_RANGES}]|{_WORD.pattern}")


def word_count(text: str) -> int:
    """Words in `text`, each CJK character counting as one."""
    return sum(1 for _ in _COUNTABLE.finditer(text))


def cjk_count(text: str) -> int:
    """How many Han, kana and Hangul characters `text` holds."""
    return len(CJK_CHAR.findall(text))


def char_count(text: str) -> int:
    """Characters that are not white space (what a CJK word count reports as 字符)."""
    return sum(1 for c in text if not c.isspace())


def is_mostly_cjk(text: str) -> bool:
    """True when CJK characters outnumber Latin words (the status bar then says characters)."""
    sample = text[:20000]
    cjk = cjk_count(sample)
    return cjk > word_count(sample) - cjk
