"""The sections of a prompt, their shares of the model's context, and pins and mutes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

# In prompt order. "recent" takes whatever the others leave.
SECTIONS = ("memory", "story_so_far", "this_chapter", "lore", "recalled", "authors_note", "recent")
TITLES = {
    "style": "Style",
    "memory": "Memory",
    "story_so_far": "Story so far",
    "this_chapter": "This chapter",
    "lore": "Characters and places",
    "recalled": "Recalled passages",
    "authors_note": "Author's note",
    "recent": "Recent text",
}
# Who gets room first when the context is too small for every budget.
PRIORITY = ("memory", "authors_note", "this_chapter", "lore", "story_so_far", "recalled")
DEFAULT_SHARES = {
    "memory": 0.08,
    "story_so_far": 0.14,
    "this_chapter": 0.08,
    "lore": 0.12,
    "recalled": 0.14,
    "authors_note": 0.03,
}
MAX_SHARE = 0.5
# Recent text always keeps at least this share: without it the model loses the thread.
MIN_RECENT_SHARE = 0.3


class BudgetError(ValueError):
    """Budgets that cannot work; the message says which and why."""


@dataclass(frozen=True)
class Budgets:
    """Each section's share of the context (0 turns a section off); recent text gets the rest."""

    shares: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SHARES))

    def __post_init__(self) -> None:
        unknown = sorted(set(self.shares) - set(DEFAULT_SHARES))
        if unknown:
            raise BudgetError(f"Unknown context section(s): {', '.join(unknown)}.")
        for name, share in self.shares.items():
            if isinstance(share, bool) or not isinstance(share, int | float):
                raise BudgetError(f"The share of {TITLES[name]} must be a number.")
            if not 0.0 <= share <= MAX_SHARE:
                raise BudgetError(
                    f"The share of {TITLES[name]} must be between 0% and {MAX_SHARE:.0%}, "
                    f"not {share:.0%}."
                )
        total = sum(self.shares.values())
        if total > 1.0 - MIN_RECENT_SHARE + 1e-9:
            raise BudgetError(
                f"The sections take {total:.0%} of the context; at most "
                f"{1 - MIN_RECENT_SHARE:.0%} is allowed so that the recent text keeps room."
            )

    def share(self, name: str) -> float:
        """A section's share (recent text: what the others leave)."""
        if name == "recent":
            return 1.0 - sum(self.shares.values())
        return float(self.shares.get(name, DEFAULT_SHARES.get(name, 0.0)))

    def tokens(self, name: str, total: int) -> int:
        """A section's budget in tokens out of `total`."""
        return int(total * self.share(name))

    def with_share(self, name: str, share: float) -> Budgets:
        """A copy with one share changed (validated)."""
        return Budgets({**self.shares, name: share})


@dataclass(frozen=True)
class ContextSettings:
    """A story's context settings: budgets, and the lore entries and passages the writer
    pinned (always in) or muted (never in), by key."""

    budgets: Budgets = field(default_factory=Budgets)
    pinned: frozenset[str] = frozenset()
    muted: frozenset[str] = frozenset()

    @classmethod
    def from_mapping(cls, data: Any) -> tuple[ContextSettings, str]:
        """Settings from story.toml's [context] table, and a note when part of it was unusable."""
        if not isinstance(data, dict):
            return cls(), ""
        note = ""
        shares = {k: v for k, v in data.get("budgets", {}).items() if k in DEFAULT_SHARES}
        try:
            budgets = Budgets({**DEFAULT_SHARES, **shares})
        except BudgetError as exc:
            budgets, note = Budgets(), f"The story's context budgets were reset: {exc}"
        return cls(budgets, _keys(data.get("pinned")), _keys(data.get("muted"))), note

    def to_mapping(self) -> dict[str, Any]:
        """The [context] table."""
        return {
            "budgets": dict(self.budgets.shares),
            "pinned": sorted(self.pinned),
            "muted": sorted(self.muted),
        }

    def pin(self, key: str, on: bool = True) -> ContextSettings:
        """Pin (or unpin) an item; pinning unmutes it."""
        pinned = self.pinned | {key} if on else self.pinned - {key}
        return replace(self, pinned=pinned, muted=self.muted - {key} if on else self.muted)

    def mute(self, key: str, on: bool = True) -> ContextSettings:
        """Mute (or unmute) an item; muting unpins it."""
        muted = self.muted | {key} if on else self.muted - {key}
        return replace(self, muted=muted, pinned=self.pinned - {key} if on else self.pinned)


def _keys(value: Any) -> frozenset[str]:
    return frozenset(str(v) for v in value) if isinstance(value, list) else frozenset()
