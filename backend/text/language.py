"""Which language a text is written in, from its script: enough to pick Chinese or English
rules, templates and prompts (backend/story/language.py). A story may override it
(Story → Details → Language)."""

from __future__ import annotations

import re

from backend.text.counts import CJK_CHAR

_LATIN_WORD = re.compile(r"[A-Za-zÀ-ɏ]{2,}")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
SAMPLE = 4000


def detect_language(text: str) -> str:
    """'zh', 'ja', 'ko' or 'en' by script ('' when `text` has no words to go by).

    Han characters (simplified or traditional) with no kana are Chinese; a text counts as
    CJK when its CJK characters outnumber its Latin words, so English with a Chinese name
    stays English and Chinese with an English brand name stays Chinese.
    """
    sample = text[-SAMPLE:] if len(text) > SAMPLE else text
    cjk = len(CJK_CHAR.findall(sample))
    latin = len(_LATIN_WORD.findall(sample))
    if cjk == 0 and latin == 0:
        return ""
    if cjk <= latin:
        return "en"
    if len(_KANA.findall(sample)) * 10 > cjk:
        return "ja"
    if len(_HANGUL.findall(sample)) * 2 > cjk:
        return "ko"
    return "zh"
