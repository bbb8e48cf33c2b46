"""Each prompt section built within its token budget: what went in and what was left out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from backend.story.memory.budgets import TITLES
from backend.story.memory.recall import Passage

TokenCount = Callable[[str], int]

IN, PINNED, MUTED, NO_ROOM, TRIMMED = "in", "pinned", "muted", "no room", "trimmed"


@dataclass(frozen=True)
class Item:
    """One piece of a section (a lore entry, a synopsis, a passage) and what became of it."""

    key: str
    label: str
    tokens: int
    state: str  # IN, PINNED, MUTED, NO_ROOM or TRIMMED


@dataclass(frozen=True)
class Section:
    """One named part of the prompt, its exact text and its budget."""

    name: str
    text: str
    tokens: int
    budget: int
    items: tuple[Item, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """The section's name for the writer."""
        return TITLES.get(self.name, self.name)

    @property
    def left_out(self) -> tuple[Item, ...]:
        """Items that did not make it in (no room, or muted)."""
        return tuple(i for i in self.items if i.state in (NO_ROOM, MUTED))

    def to_json(self) -> dict[str, object]:
        """The section as the `context` op answers it."""
        return {
            "name": self.name,
            "title": self.title,
            "tokens": self.tokens,
            "budget": self.budget,
            "text": self.text,
            "items": [
                {"key": i.key, "label": i.label, "tokens": i.tokens, "state": i.state}
                for i in self.items
            ],
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Candidate:
    """Something that may go into a section, in the order it is offered room."""

    key: str
    label: str
    text: str
    pinned: bool = False


def trim_to(text: str, budget: int, count: TokenCount) -> str:
    """The longest front of `text` within `budget` tokens, cut at a sentence end or a space."""
    if budget <= 0:
        return ""
    n = count(text)
    if n <= budget:
        return text
    cut = max(1, len(text) * budget // max(n, 1))
    while cut > 0:
        piece = text[:cut]
        ends = [piece.rfind(m) for m in (". ", "! ", "? ", "。", "\n")]
        end = max(ends)
        piece = piece[: end + 1] if end > len(piece) // 2 else piece[: max(piece.rfind(" "), 1)]
        if count(piece) <= budget:
            return piece.rstrip() + " …"
        cut = len(piece) * 9 // 10
    return ""


def fill(
    name: str,
    heading: str,
    candidates: Sequence[Candidate],
    budget: int,
    count: TokenCount,
    order: Callable[[list[Candidate]], list[Candidate]] | None = None,
    contiguous: bool = False,
    sep: str = "",
) -> Section:
    """Give candidates room in the order offered (pinned first); the lines that fit are
    written in `order` (default: as offered), joined by `sep`. A single first line too long
    is trimmed. `contiguous`: once one does not fit, none after it gets in."""
    head_tokens = count(heading) if candidates else 0
    used = head_tokens
    kept: list[tuple[Candidate, str]] = []
    items: list[Item] = []
    offered = sorted(candidates, key=lambda c: not c.pinned)
    for cand in offered:
        n = count(cand.text)
        text = cand.text
        state = PINNED if cand.pinned else IN
        if used + n > budget and not kept:
            text = trim_to(cand.text, budget - used, count)
            n = count(text) if text else n
            state = TRIMMED if text else NO_ROOM
        elif used + n > budget or (contiguous and any(i.state == NO_ROOM for i in items)):
            state = NO_ROOM
        if state != NO_ROOM:
            kept.append((cand, text))
            used += n
        items.append(Item(cand.key, cand.label, n, state))
    if not kept:
        return Section(name, "", 0, budget, tuple(items))
    chosen = [c for c, _ in kept]
    texts = dict((c.key, t) for c, t in kept)
    ordered = order(chosen) if order else chosen
    body = heading + sep.join(texts[c.key] for c in ordered) + "\n"
    tokens = count(body)
    if tokens > budget and len(kept) > 1:
        # Tokens of the parts do not quite add up to tokens of the whole: drop the last.
        last = kept[-1][0]
        marked = [
            Item(i.key, i.label, i.tokens, NO_ROOM) if i.key == last.key else i for i in items
        ]
        rest = [c for c in candidates if c.key != last.key]
        again = fill(name, heading, rest, budget, count, order, contiguous, sep)
        return replace(again, items=tuple(marked))
    return Section(name, body, tokens, budget, tuple(items))


def passage_label(passage: Passage) -> str:
    """'Chapter 3 (The Ball): “first words…”'."""
    words = " ".join(passage.text.split()[:8])
    return f"{passage.chapter_title}: “{words}…”"
