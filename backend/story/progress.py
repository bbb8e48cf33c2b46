"""Counts and goals: words per scene, chapter and book; the session; words written per day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from backend.story.binder import Binder
from backend.text.counts import char_count, is_mostly_cjk, word_count

HISTORY_DAYS = 365 * 3


def book_stats(binder: Binder, title: str = "") -> dict[str, Any]:
    """JSON-ready totals and, per chapter, its title, words, characters and scene count."""
    chapters = []
    for number, chapter in enumerate(binder.chapters, 1):
        texts = [s.text for s in chapter.scenes]
        chapters.append(
            {
                "number": number,
                "title": chapter.title,
                "part": chapter.part,
                "words": sum(word_count(t) for t in texts),
                "characters": sum(char_count(t) for t in texts),
                "scenes": len(texts),
            }
        )
    sample = "".join(s.text[:2000] for _c, s in binder.scenes())
    return {
        "title": title,
        "words": sum(c["words"] for c in chapters),
        "characters": sum(c["characters"] for c in chapters),
        "counts_characters": is_mostly_cjk(sample),
        "chapter_count": len(chapters),
        "scene_count": sum(c["scenes"] for c in chapters),
        "chapters": chapters,
    }


@dataclass
class Progress:
    """Goals and the daily history, kept in the project's story.toml.

    history[day] is the net words added that day; the session is the change since the
    project was opened. Both follow the book total, so deleting text counts against them.
    """

    daily_goal: int = 0
    book_goal: int = 0
    history: dict[str, int] = field(default_factory=dict)
    _day: str = ""
    _day_base: int = 0
    _day_start_total: int = 0
    session_start: int = 0
    total: int = 0

    @classmethod
    def start(
        cls,
        goals: dict[str, int],
        history: dict[str, int],
        total: int,
        today: dt.date | None = None,
    ) -> Progress:
        """Begin a writing session with the book at `total` words."""
        progress = cls(
            daily_goal=max(0, int(goals.get("daily", 0))),
            book_goal=max(0, int(goals.get("book", 0))),
            history=dict(history),
            session_start=total,
            total=total,
        )
        progress._new_day(today or dt.date.today())
        return progress

    def _new_day(self, day: dt.date) -> None:
        self._day = day.isoformat()
        self._day_base = self.history.get(self._day, 0)
        self._day_start_total = self.total

    def update(self, total: int, today: dt.date | None = None) -> None:
        """The book now holds `total` words."""
        day = today or dt.date.today()
        if day.isoformat() != self._day:
            self._new_day(day)
        self.total = total
        written = self._day_base + total - self._day_start_total
        if written or self._day in self.history:
            self.history[self._day] = written
        self._trim(day)

    def by_the_model(self, words: int, today: dt.date | None = None) -> None:
        """`words` (net) of the total came from the model, not the writer (a continuation,
        a rewrite): they stay in the book's total but not in what the writer wrote today or
        this session. Call it once the total counts them (`today`: as for `update`)."""
        self._day_start_total += words
        self.session_start += words
        self.update(self.total, today)

    def _trim(self, day: dt.date) -> None:
        oldest = (day - dt.timedelta(days=HISTORY_DAYS)).isoformat()
        for key in [k for k in self.history if k < oldest]:
            del self.history[key]

    @property
    def session(self) -> int:
        """Net words written since the project was opened."""
        return self.total - self.session_start

    @property
    def today(self) -> int:
        """Net words written today."""
        return self.history.get(self._day, 0)

    @property
    def shown_today(self) -> int:
        """Today's words as the writer is shown them: never below 0. A day of cutting (or of
        undoing the model's text, which was never counted as the writer's) shows 0, not a
        negative count, as Scrivener's session target does by default; the history keeps
        the net figure."""
        return max(0, self.today)

    def last_days(self, days: int = 30, today: dt.date | None = None) -> list[tuple[str, int]]:
        """(date, words) for the last `days` days, oldest first, 0 for days without writing."""
        day = today or dt.date.today()
        out = []
        for back in range(days - 1, -1, -1):
            key = (day - dt.timedelta(days=back)).isoformat()
            out.append((key, self.history.get(key, 0)))
        return out

    def goals(self) -> dict[str, int]:
        """story.toml's [goals] table."""
        return {"daily": self.daily_goal, "book": self.book_goal}
