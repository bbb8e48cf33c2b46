"""Freed heap memory goes back to the system between jobs, at most every few seconds."""

from __future__ import annotations

import sys

import pytest

from backend.engines.heap import HeapTrimmer


class Clock:
    """A monotonic clock the test moves by hand, starting where a just-booted machine's is."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
@pytest.mark.parametrize("booted_s_ago", [0.0, 1.5, 14 * 60.0, 30 * 24 * 3600.0])
def test_trims_at_most_once_per_interval(booted_s_ago: float) -> None:
    clock = Clock(booted_s_ago)
    heap = HeapTrimmer(every_s=3600, clock=clock)
    assert heap.available
    assert heap.maybe_trim() and heap.trims == 1  # the first trim runs however long the uptime
    clock.now += 3599
    assert not heap.maybe_trim() and heap.trims == 1  # too soon
    clock.now += 1
    assert heap.maybe_trim() and heap.trims == 2
    eager = HeapTrimmer(every_s=0, clock=Clock(booted_s_ago))
    assert eager.maybe_trim() and eager.maybe_trim() and eager.trims == 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_the_real_clock_lets_the_first_trim_run() -> None:
    heap = HeapTrimmer(every_s=1e12)  # longer than any machine has been up
    assert heap.maybe_trim() and heap.trims == 1
    assert not heap.maybe_trim() and heap.trims == 1
