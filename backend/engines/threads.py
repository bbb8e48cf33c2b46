"""How many threads a model's work gets, by how busy the machine is.

A model's threads meet at every step (llama.cpp's after each batch, torch's after each
operation), so one thread held up by another program holds them all up. On 2 cores with
another process busy, a llama.cpp suggestion took a median of 0.56-23 s on 2 threads and
0.21 s on 1; torch typing a held-out passage with suggestions on a small GPT-2 took 14 s on 2
threads and 2.5-3.5 s on 1. So a model's work gives up a core while other programs keep them
busy, and takes it back when they stop.
"""

from __future__ import annotations

import os

# Other programs' share of the load at which work that keeps its threads busy gives up a core.
BUSY_OTHERS = 0.5


def system_load() -> float | None:
    """The 1-minute load average (None where the system does not keep one)."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def cores() -> int:
    """The machine's logical processors (at least 1)."""
    return max(1, os.cpu_count() or 1)


def threads_for_load(configured: int, load: float, cores: int, now: int) -> int:
    """How many threads to decode with, given the system's load (its 1-minute average):
    all of them on a quiet machine, one fewer when other programs keep the cores busy.
    For work in bursts (decoding), whose own share of the load is small: `now` (the
    threads in use) gives some hysteresis, since our own decoding adds to the load it is
    judged by."""
    if configured <= 1:
        return configured
    busy_above = cores - 0.5 if now == configured else cores - 1.0
    return configured - 1 if load > busy_above else configured


def steady_threads(configured: int, load: float, now: int) -> int:
    """Threads for work that keeps `now` threads busy all along (training): the load
    average counts them, so they are taken off it before judging what other programs
    need; one core is left to those while they are busy."""
    if configured <= 1:
        return configured
    others = max(0.0, load - now)
    return configured - 1 if others >= BUSY_OTHERS else configured


def threads_now(configured: int, now: int, steady: bool = False) -> int:
    """`configured` threads, or one fewer while the machine is busy (see threads_for_load
    and steady_threads); `configured` where the system keeps no load average."""
    load = system_load()
    if load is None:
        return configured
    if steady:
        return steady_threads(configured, load, now)
    return threads_for_load(configured, load, cores(), now)


def use_torch_threads(configured: int, steady: bool = False) -> int:
    """Set torch's thread count for the machine's load now (see threads_now); returns it."""
    import torch

    now = torch.get_num_threads()
    wanted = threads_now(configured, now, steady)
    if wanted != now:
        torch.set_num_threads(wanted)
    return wanted
