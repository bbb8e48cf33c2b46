"""Versions of continuations: each insertion keeps every retry, and they can be browsed.

Insertions form a small tree: a continuation written after another one is its child, and
retries are sibling versions of the same insertion. Browsing swaps the text in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Insertion:
    """One place where generated text went in, and every version tried there."""

    start: int
    versions: list[str]
    index: int = 0
    parent: Insertion | None = None
    children: list[Insertion] = field(default_factory=list)
    previous_text: str = ""

    @property
    def text(self) -> str:
        """The version now in the document."""
        return self.versions[self.index]

    def step(self, delta: int) -> str | None:
        """Move to the previous/next version; returns its text (None at either end)."""
        target = self.index + delta
        if not 0 <= target < len(self.versions):
            return None
        self.previous_text = self.text
        self.index = target
        return self.text


class InsertionHistory:
    """The tree of insertions for the open document; the newest one is current."""

    def __init__(self) -> None:
        self.roots: list[Insertion] = []
        self.current: Insertion | None = None

    def new_insertion(self, start: int, text: str) -> Insertion:
        """Record a fresh continuation (a child of the current one if it follows it)."""
        parent = self.current if self.current and start >= self.current.start else None
        node = Insertion(start, [text], parent=parent)
        (parent.children if parent else self.roots).append(node)
        self.current = node
        return node

    def add_version(self, text: str) -> None:
        """A retry of the current insertion: a new sibling version, now shown."""
        if self.current is None:
            return
        self.current.versions.append(text)
        self.current.index = len(self.current.versions) - 1

    def current_node(self, document: str) -> Insertion | None:
        """The current insertion, if its text is still in the document where we put it."""
        node = self.current
        if node is None:
            return None
        if document[node.start : node.start + len(node.text)] != node.text:
            return None
        return node
