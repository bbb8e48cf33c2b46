"""Find and replace over one text or a whole book: plain, case, whole-word or regex."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

MAX_HITS = 10_000


class SearchError(ValueError):
    """The search cannot run (an invalid regular expression); the message is for the writer."""


@dataclass(frozen=True)
class SearchOptions:
    """What to look for and how."""

    query: str
    case: bool = False
    whole_word: bool = False
    regex: bool = False

    def pattern(self) -> re.Pattern[str]:
        """The compiled pattern; raises SearchError for an empty query or a bad regex."""
        if not self.query:
            raise SearchError("Type something to find.")
        body = self.query if self.regex else re.escape(self.query)
        if self.whole_word:
            body = rf"(?<!\w)(?:{body})(?!\w)"
        flags = re.MULTILINE | (0 if self.case else re.IGNORECASE)
        try:
            return re.compile(body, flags)
        except re.error as exc:
            raise SearchError(f"That regular expression is not valid: {exc}.") from exc


@dataclass(frozen=True)
class Hit:
    """One match: where it is (by the caller's key) and the line around it."""

    key: str
    start: int
    end: int
    context: str
    at: int = 0  # where the match begins in `context`


def _context(text: str, start: int, end: int, width: int = 40) -> tuple[str, int]:
    """The line around a match (cut at `width` characters each side) and where the match
    begins in it."""
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    right = len(text) if right < 0 else right
    left = max(left, start - width)
    right = min(right, end + width)
    prefix = "…" if left > 0 and text[left - 1] != "\n" else ""
    suffix = "…" if right < len(text) and text[right] != "\n" else ""
    return f"{prefix}{text[left:right]}{suffix}", len(prefix) + start - left


def find_in(text: str, pattern: re.Pattern[str], key: str = "") -> Iterator[Hit]:
    """Every non-empty match in `text`."""
    for match in pattern.finditer(text):
        if match.end() > match.start():
            context, at = _context(text, *match.span())
            yield Hit(key, match.start(), match.end(), context, at)


def find_all(texts: Iterable[tuple[str, str]], pattern: re.Pattern[str]) -> list[Hit]:
    """Hits across (key, text) pairs in order, at most MAX_HITS."""
    hits: list[Hit] = []
    for key, text in texts:
        for hit in find_in(text, pattern, key):
            hits.append(hit)
            if len(hits) >= MAX_HITS:
                return hits
    return hits


def expand(match: re.Match[str], replacement: str, regex: bool) -> str:
    """The replacement for one match (\\1 and \\g<name> work in regex mode)."""
    if not regex:
        return replacement
    try:
        return match.expand(replacement)
    except (re.error, IndexError) as exc:
        raise SearchError(f"The replacement refers to a group that does not exist: {exc}.") from exc


def replacements(
    text: str, pattern: re.Pattern[str], replacement: str, regex: bool
) -> list[tuple[int, int, str]]:
    """(start, end, new text) for every match, in order; the caller applies them."""
    return [
        (m.start(), m.end(), expand(m, replacement, regex))
        for m in pattern.finditer(text)
        if m.end() > m.start()
    ]


def replace_in(
    text: str, pattern: re.Pattern[str], replacement: str, regex: bool
) -> tuple[str, int]:
    """`text` with every match replaced, and how many there were."""
    edits = replacements(text, pattern, replacement, regex)
    out, last = [], 0
    for start, end, new in edits:
        out.append(text[last:start])
        out.append(new)
        last = end
    out.append(text[last:])
    return "".join(out), len(edits)
