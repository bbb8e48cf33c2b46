"""How many threads a model's work gets, by how busy the machine is."""

from __future__ import annotations

import pytest

from backend.engines import threads
from backend.engines.threads import steady_threads, threads_for_load, threads_now


def test_fewer_threads_when_other_programs_keep_the_cores_busy() -> None:
    # 2 cores: both threads on a quiet machine, one when another program is busy.
    assert threads_for_load(2, load=0.3, cores=2, now=2) == 2
    assert threads_for_load(2, load=1.7, cores=2, now=2) == 1
    # Back to two only once the load has clearly fallen (our own decoding adds to it).
    assert threads_for_load(2, load=1.2, cores=2, now=1) == 1
    assert threads_for_load(2, load=0.8, cores=2, now=1) == 2
    assert threads_for_load(1, load=9.0, cores=2, now=1) == 1
    assert threads_for_load(4, load=3.8, cores=4, now=4) == 3


def test_steady_work_takes_its_own_threads_off_the_load() -> None:
    # Training alone on 2 cores keeps the load at about 2: that is its own, so it keeps both.
    assert steady_threads(2, load=2.1, now=2) == 2
    # Another busy program beside it: one core is left to that program.
    assert steady_threads(2, load=3.0, now=2) == 1
    assert steady_threads(2, load=1.8, now=1) == 1
    # The other program stopped: both cores again.
    assert steady_threads(2, load=1.1, now=1) == 2
    assert steady_threads(1, load=9.0, now=1) == 1
    assert steady_threads(8, load=9.5, now=8) == 7


def test_threads_now_follows_the_load_and_keeps_all_without_one(monkeypatch) -> None:
    monkeypatch.setattr(threads, "cores", lambda: 2)
    monkeypatch.setattr(threads, "system_load", lambda: 1.9)
    assert threads_now(2, now=2) == 1
    assert threads_now(2, now=2, steady=True) == 2  # 1.9 is about its own two threads
    monkeypatch.setattr(threads, "system_load", lambda: None)  # a system without one
    assert threads_now(2, now=1) == 2 and threads_now(2, now=1, steady=True) == 2


@pytest.mark.parametrize("load", [0.0, 0.6, 1.4, 1.6, 2.5, 7.0])
def test_never_fewer_than_one_nor_more_than_configured(load: float) -> None:
    for now in (1, 2):
        assert 1 <= threads_for_load(2, load, 2, now) <= 2
        assert 1 <= steady_threads(2, load, now) <= 2
