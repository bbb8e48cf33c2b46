"""Freed heap memory goes back to the system between jobs, at most every few seconds."""

from __future__ import annotations

import sys

import pytest

from backend.engines.heap import HeapTrimmer


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_trims_at_most_once_per_interval() -> None:
    heap = HeapTrimmer(every_s=3600)
    assert heap.available
    assert heap.maybe_trim() and heap.trims == 1
    assert not heap.maybe_trim() and heap.trims == 1  # too soon
    eager = HeapTrimmer(every_s=0)
    assert eager.maybe_trim() and eager.maybe_trim() and eager.trims == 2
