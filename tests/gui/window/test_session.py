"""The session guard: a logout's commitDataRequest and a polite signal both end in one hot
exit, without a dialog. (The real app's signal handling is tested in a subprocess by
test_hot_exit.py; a QSessionManager cannot be made without a session manager, so the logout
handler gets a stand-in with the one method it calls.)"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QGuiApplication

from gui.window.session import HOT_EXIT_SIGNALS, SessionGuard


class StandInManager:
    """The part of QSessionManager the handler uses."""

    def __init__(self) -> None:
        self.released = 0

    def release(self) -> None:
        self.released += 1


@pytest.fixture
def guard(qapp, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[SessionGuard, list[str]]]:
    """A guard on the test's application; signal handlers are put back afterwards."""
    quits: list[str] = []
    monkeypatch.setattr(QGuiApplication, "quit", staticmethod(lambda: quits.append("quit")))
    handlers = {sig: signal.getsignal(sig) for sig in HOT_EXIT_SIGNALS}
    exits: list[str] = []

    def hot_exit() -> bool:
        exits.append("hot exit")
        return True

    made = SessionGuard(qapp, hot_exit)
    try:
        yield made, exits
    finally:
        signal.set_wakeup_fd(-1)
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        made.deleteLater()
    assert quits == ["quit"] * len(exits)


def test_a_logout_releases_the_session_manager_and_hot_exits_once(guard) -> None:
    made, exits = guard
    manager = StandInManager()
    made._on_app_commit_data_request(manager)  # type: ignore[arg-type]
    made._on_app_commit_data_request(manager)  # type: ignore[arg-type]
    assert manager.released == 2  # the session manager is never kept waiting
    assert exits == ["hot exit"]


def test_a_polite_signal_reaches_the_event_loop_and_hot_exits(guard, qtbot) -> None:
    _made, exits = guard
    os.kill(os.getpid(), signal.SIGTERM)
    qtbot.waitUntil(lambda: exits == ["hot exit"], timeout=5000)
