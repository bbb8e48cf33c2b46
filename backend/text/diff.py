"""Word-level differences between two versions of a text, and compact deltas that rebuild
one version from another.

Words are compared whole (a changed word is one deletion and one insertion, never a
scatter of letters), spaces and punctuation are tokens of their own, and Chinese,
Japanese and Korean characters are compared one by one. The comparison is
diff-match-patch's (Myers' algorithm with a time limit and semantic clean-up), run over
the words as diff-match-patch's own line mode runs over lines: each distinct word becomes
one character, the characters are compared, and the words come back.

A delta is a list in reading order: a positive integer copies that many characters of the
base, a negative one skips that many, and a string is inserted. `apply_delta` refuses a
delta that does not fit its base, so a damaged one is never half-applied.
"""

from __future__ import annotations

import re
import time
from typing import Any

from diff_match_patch import diff_match_patch

EQUAL, DELETE, INSERT = 0, -1, 1
Diff = list[tuple[int, str]]

# One CJK character (Han, kana, Hangul), or a word of letters and digits with inner
# apostrophes, or a run of white space, or any other single character.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_TOKEN = re.compile(
    rf"[{_CJK}]|[^\W_{_CJK}]+(?:['’][^\W_{_CJK}]+)*|\s+|.",
    re.DOTALL,
)
DIFF_SECONDS = 2.0  # past this the comparison settles for a coarser (still correct) answer
# Distinct words one comparison can tell apart (one character each, surrogates skipped).
_MAX_CODES = 0x110000 - 32 - 0x800


class _TooManyWords(Exception):
    pass


def tokens(text: str) -> list[str]:
    """`text` cut into the units a word diff compares; joined, they give `text` back. A
    line ends a unit, so words and paragraphs are cut at the same places."""
    return [token for line in text.splitlines(keepends=True) for token in _TOKEN.findall(line)]


def word_diff(old: str, new: str, seconds: float = DIFF_SECONDS) -> Diff:
    """(operation, text) pairs turning `old` into `new`, a whole word at a time.

    Paragraphs are compared first, then sentences inside the paragraphs that changed, then
    words inside the sentences that changed, as diff-match-patch's line mode does with
    characters: a long scene with edits scattered through it is compared in milliseconds,
    not in the seconds a word-by-word comparison of the whole would take. Past `seconds`
    in all, what is left is marked as replaced whole (a correct answer, only coarser).
    """
    return _refine(old, new, (paragraphs, sentences, tokens), time.monotonic() + seconds)


def paragraphs(text: str) -> list[str]:
    """`text` cut into lines, each with its line ending."""
    return text.splitlines(keepends=True)


_SENTENCE = re.compile(r"[^.!?。！？…]*(?:[.!?。！？…]+[\"'”’)\]」』]*\s*|$)")


def sentences(text: str) -> list[str]:
    """`text` cut into sentences (each with the spaces after it) inside its lines."""
    return [piece for line in paragraphs(text) for piece in _SENTENCE.findall(line) if piece]


def _refine(old: str, new: str, levels: tuple, deadline: float) -> Diff:
    """Compare at the first level, then each changed stretch at the next ones."""
    left = deadline - time.monotonic()
    if not old or not new or left <= 0:
        return _replaced(old, new)
    cut, rest = levels[0], levels[1:]
    try:
        pieces = _compare(cut(old), cut(new), left, tidy=not rest)
    except _TooManyWords:
        return _replaced(old, new)
    if not rest:
        return pieces
    out: Diff = []
    deleted: list[str] = []
    inserted: list[str] = []
    for op, text in [*pieces, (EQUAL, "")]:
        if op == DELETE:
            deleted.append(text)
        elif op == INSERT:
            inserted.append(text)
        else:
            _extend(out, _refine("".join(deleted), "".join(inserted), rest, deadline))
            deleted, inserted = [], []
            _extend(out, [(EQUAL, text)])
    return out


def _replaced(old: str, new: str) -> Diff:
    return [d for d in ((DELETE, old), (INSERT, new)) if d[1]]


def _extend(out: Diff, pieces: Diff) -> None:
    """Add `pieces` to `out`, joining neighbours of the same kind and dropping empties."""
    for op, text in pieces:
        if not text:
            continue
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))


def _compare(a_units: list[str], b_units: list[str], seconds: float, tidy: bool) -> Diff:
    """diff-match-patch over units (paragraphs, sentences or words), each distinct unit
    standing as one character. `tidy` runs the semantic clean-up (words only: over
    paragraphs it would merge whole chapters across a blank line). Raises _TooManyWords
    past what characters can stand for."""
    codes: dict[str, str] = {}
    units: list[str] = []

    def encode(items: list[str]) -> str:
        out = []
        for unit in items:
            code = codes.get(unit)
            if code is None:
                if len(units) >= _MAX_CODES:
                    raise _TooManyWords
                code = _code_point(len(units))
                codes[unit] = code
                units.append(unit)
            out.append(code)
        return "".join(out)

    a, b = encode(a_units), encode(b_units)
    engine = diff_match_patch()
    engine.Diff_Timeout = max(seconds, 0.001)
    diffs = engine.diff_main(a, b, False)
    if tidy:
        engine.diff_cleanupSemantic(diffs)
    index = {code: n for n, code in enumerate(codes.values())}
    out: Diff = []
    _extend(out, [(op, "".join(units[index[c]] for c in coded)) for op, coded in diffs])
    return out


def _code_point(n: int) -> str:
    """The n-th character used to stand for a word: past the ASCII controls, skipping the
    surrogate block (it cannot stand alone in every string library)."""
    n += 32
    if n >= 0xD800:
        n += 0x800
    return chr(n)


def delta(base: str, text: str, seconds: float = DIFF_SECONDS) -> list[int | str]:
    """The compact delta that turns `base` into `text` (see the module's notes)."""
    out: list[int | str] = []
    for op, part in word_diff(base, text, seconds):
        if op == EQUAL:
            out.append(len(part))
        elif op == DELETE:
            out.append(-len(part))
        else:
            out.append(part)
    return out


class DeltaError(ValueError):
    """A delta that does not fit its base (damaged, or made for another text)."""


def apply_delta(base: str, ops: Any, most_chars: int) -> str:
    """`base` changed by the delta `ops`. Raises DeltaError when `ops` is not a delta, does
    not fit `base`, or would make more than `most_chars` characters."""
    if not isinstance(ops, list):
        raise DeltaError("the change list is not a list")
    pieces: list[str] = []
    at = made = 0
    for op in ops:
        if isinstance(op, str):
            piece = op
        elif isinstance(op, int) and not isinstance(op, bool):
            if at + abs(op) > len(base):
                raise DeltaError("the change list runs past the end of its base")
            piece = base[at : at + op] if op > 0 else ""
            at += abs(op)
        else:
            raise DeltaError("the change list holds something that is not a change")
        pieces.append(piece)
        made += len(piece)
        if made > most_chars:
            raise DeltaError("the change list makes a text longer than any scene")
    if at != len(base):
        raise DeltaError("the change list does not cover its whole base")
    return "".join(pieces)
