"""Where sentences and clauses end: one set of rules for suggestions, length rules, the
sentence check and "Match my style", for Latin scripts and for Chinese and Japanese.

A Latin full stop ends a sentence only before white space (so "3.5" and "Mr." end
nothing); the full-width marks 。！？ end one wherever they stand, because CJK text puts no
space between sentences. A closing quote or bracket after the mark belongs to the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

CJK_TERMINATORS = "。！？｡"
TERMINATORS = ".!?…" + CJK_TERMINATORS
CLAUSE_ENDS = ";:；："
# Closing quotes and brackets that belong to the sentence they follow.
CLOSERS = "\"'”’)]」』）】》〉"
# Titles and short forms whose full stop ends no sentence. "No." and "etc." are left out:
# in fiction they end sentences far more often than they abbreviate.
ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "st", "mt", "jr", "sr", "prof", "capt", "col", "gen", "lt", "sgt"}
    | {"rev", "hon", "vs", "vol", "ch"}
)
# A single capital before a full stop is an initial ("J. R. Hartley"), except these words.
_NOT_INITIALS = frozenset("I")
_LATIN_END = rf"[.!?…]+[{re.escape(CLOSERS)}]*(?=\s|$)"
_CJK_END = rf"[{CJK_TERMINATORS}]+(?:…+)?[{re.escape(CLOSERS)}]*"
TERMINATOR = re.compile(rf"{_CJK_END}|{_LATIN_END}")
_END_AT_TAIL = re.compile(rf"[{re.escape(TERMINATORS)}][{re.escape(CLOSERS)}]*(\s*)$")
_CJK_END_AT_TAIL = re.compile(rf"[{CJK_TERMINATORS}][{re.escape(CLOSERS)}]*$")


def is_abbreviation_at(text: str, dot: int) -> bool:
    """True when the '.' at index `dot` of `text` ends a title or an initial ("Mr.", "J.")."""
    if text[dot : dot + 1] != ".":
        return False
    start = dot
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    word = text[start:dot]
    if len(word) == 1:
        return word.isupper() and word not in _NOT_INITIALS
    return word.lower() in ABBREVIATIONS


def ends_with_abbreviation(text: str) -> bool:
    """True when `text` ends with a title or initial such as "Mrs." rather than a sentence."""
    stripped = text.rstrip().rstrip(CLOSERS)
    return bool(stripped) and is_abbreviation_at(stripped, len(stripped) - 1)


def sentence_ends(text: str, start: int = 0) -> Iterator[int]:
    """The ends (after any closing quote) of the sentences that end in `text[start:]`."""
    for m in TERMINATOR.finditer(text, start):
        if not ends_with_abbreviation(text[: m.end()]):
            yield m.end()


def ends_sentence(text: str, next_piece: bytes | str) -> bool:
    """True when `text` has just finished a sentence and `next_piece` starts the next one."""
    if _CJK_END_AT_TAIL.search(text):
        # A CJK mark ends the sentence unless a closing quote or another mark follows.
        head = next_piece.decode("utf-8", "ignore") if isinstance(next_piece, bytes) else next_piece
        if not next_piece:
            return False
        head = head.lstrip(" ")[:1]
        return not head or (head not in CLOSERS and head not in TERMINATORS)
    m = _END_AT_TAIL.search(text)
    if m is None:
        return False
    space = next_piece[:1].isspace() if next_piece else False
    if not (m.group(1) or space):
        return False
    return not ends_with_abbreviation(text)


def split_sentences(text: str) -> list[str]:
    """`text` cut into sentences (the white space between them dropped)."""
    out, begin = [], 0
    for end in sentence_ends(text):
        piece = text[begin:end].strip()
        if piece:
            out.append(piece)
        begin = end
    rest = text[begin:].strip()
    if rest:
        out.append(rest)
    return out


def clause_end(text: str, start: int = 0) -> int | None:
    """Where the first sentence or clause ending at or after `start` ends, or None.

    A full stop inside a number ("3.5") or after a title ("Mr.") ends nothing, and a mark
    that is all the text so far ("." alone) does not count.
    """
    for i in range(start, len(text)):
        ch = text[i]
        if ch not in TERMINATORS and ch not in CLAUSE_ENDS:
            continue
        end = i + 1
        while end < len(text) and (text[end] == ch or text[end] in "…！？!?"):
            end += 1  # "……", "？！", "?!": one mark
        while end < len(text) and text[end] in CLOSERS:
            end += 1
        if ch == "." and ((end < len(text) and text[end].isalnum()) or is_abbreviation_at(text, i)):
            continue
        if len(text[:end].strip()) > 1:
            return end
    return None
