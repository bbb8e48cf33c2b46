"""Sentences with their offsets in a scene, and numbers written in words (English and
Chinese) for ages and distances."""

from __future__ import annotations

import re

from backend.text.sentences import sentence_ends

MAX_SENTENCE = 1000  # longer "sentences" (a list, a run-on paragraph) are quoted cut here

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "a": 1, "an": 1,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000}
NUMBER_WORDS = sorted({*_UNITS, *_TENS, *_SCALES} - {"a", "an"}, key=len, reverse=True)
# A number in digits or words: "12", "twenty-two", "two hundred", "a hundred".
NUMBER = (
    r"(?:\d{1,6}(?:\.\d+)?|(?:(?:a|an|" + "|".join(NUMBER_WORDS) + r")(?:[\s-]+(?:and[\s-]+)?"
    r"(?:" + "|".join(NUMBER_WORDS) + r"))*))"
)
_CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
    "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CN_SCALES = {"十": 10, "百": 100, "千": 1000, "万": 10000}
CN_NUMBER = r"[零〇一二两三四五六七八九十百千万\d]+"


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence of `text`, white space trimmed; a paragraph break
    ends a sentence too (headings and lines of dialogue have no full stop)."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        begin = para.start()
        ends = [e + para.start() for e in sentence_ends(para.group())]
        for end in [*ends, para.end()]:
            if end <= begin:
                continue
            piece = text[begin:end]
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece) - len(piece.rstrip())
            if end - trail > begin + lead:
                spans.append((begin + lead, min(end - trail, begin + lead + MAX_SENTENCE)))
            begin = end
    return spans


def english_number(words: str) -> float | None:
    """The value of "twenty-two", "a hundred", "4" or "3.5"; None if it is not a number."""
    words = words.strip().lower()
    if re.fullmatch(r"\d{1,6}(?:\.\d+)?", words):
        return float(words)
    total, current = 0, 0
    seen = False
    for word in re.split(r"[\s-]+", words):
        if word == "and":
            continue
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _SCALES:
            current = max(current, 1) * _SCALES[word]
            if _SCALES[word] >= 1000:
                total, current = total + current, 0
        else:
            return None
        seen = True
    return float(total + current) if seen else None


def chinese_number(text: str) -> float | None:
    """The value of 二十, 三十五, 一百二十, 两, 十 or 12; None if it is not a number."""
    if not text:
        return None
    if text.isdigit():
        return float(text)
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_SCALES:
            total += max(current, 1) * _CN_SCALES[ch]
            current = 0
        else:
            return None
    return float(total + current)
