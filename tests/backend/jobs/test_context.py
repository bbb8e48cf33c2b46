"""The token counter that long-book memory budgets with: cached, and bounded by what it
holds as well as by how many answers it keeps."""

from __future__ import annotations

from backend.jobs import context
from backend.jobs.context import TokenCounter
from tests.fakes import FakeEngine


class CountingEngine(FakeEngine):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def tokenize(self, text: str) -> list[int]:
        self.calls += 1
        return super().tokenize(text)


def test_a_repeated_section_is_counted_once() -> None:
    engine = CountingEngine()
    count = TokenCounter(engine)
    assert count("The lore of the harbour.") == len("The lore of the harbour.")
    assert count("The lore of the harbour.") == len("The lore of the harbour.")
    assert engine.calls == 1


def test_windows_that_change_at_every_keystroke_do_not_pile_up() -> None:
    # The recent-text window is a new key at almost every keystroke.
    engine = CountingEngine()
    count = TokenCounter(engine)
    text = "The tide came in over the stones. " * 200  # 6,800 characters
    for end in range(len(text) - 400, len(text)):
        assert count(text[:end]) == end
    held = sum(len(key) for key in count._cache)
    assert held <= context.CACHE_CHARS
    assert len(count._cache) < 400  # the oldest windows went first
    assert count(text[: len(text) - 1]) == len(text) - 1  # the newest are still answered
    calls = engine.calls
    count(text[: len(text) - 1])
    assert engine.calls == calls
