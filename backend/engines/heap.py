"""Give freed heap memory back to the system between generation jobs.

Every generated token makes numpy copies of the logits (a megabyte each for Gemma's 262,144
tokens) and llama.cpp allocates per request. glibc's malloc raises its mmap threshold once a
block that size has been freed, so later ones come from the heaps, and the freed space stays
resident: the process grew by about 20 MB per 1,000 keystrokes with suggestions on while
the memory actually in use stayed level (bench/soak.py). `malloc_trim(0)` returns the free
pages of every heap to the system. It runs on the model thread once a job queue drains, at
most every few seconds, and does nothing where the C library is not glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import time
from collections.abc import Callable

TRIM_EVERY_S = 5.0


def _glibc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None  # musl and others have no malloc_trim
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


class HeapTrimmer:
    """Calls malloc_trim at most every `every_s` seconds (never on other C libraries)."""

    def __init__(
        self, every_s: float = TRIM_EVERY_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.every_s = every_s
        self._trim = _glibc_trim()
        self._clock = clock
        # None until the first trim: the monotonic clock counts from boot, so a start value
        # of 0 would hold the first trim back on a machine up for less than `every_s`.
        self._last: float | None = None
        self.trims = 0

    @property
    def available(self) -> bool:
        """True where the C library can give memory back (glibc)."""
        return self._trim is not None

    def maybe_trim(self) -> bool:
        """Trim now if the last trim is old enough; True if it ran."""
        if self._trim is None:
            return False
        now = self._clock()
        if self._last is not None and now - self._last < self.every_s:
            return False
        self._last = now
        self._trim(0)  # ctypes releases the GIL for the call
        self.trims += 1
        return True
