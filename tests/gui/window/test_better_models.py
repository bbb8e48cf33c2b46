"""Better models from the window: Model → Get a Better Model opens the chooser, the first
time the built-in model works the status bar offers it once (never a dialog in the way),
and a model chosen for generation is loaded beside the one that suggests."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog

from backend.engines.base import EngineKind
from backend.models.spec import ModelSpec
from backend.storage.settings import SettingsStore
from gui.window import model_status


class FakeChooser(QDialog):
    """Stands in for the chooser (which would measure this computer)."""

    from PySide6.QtCore import Signal

    switch_requested = Signal(str)
    generation_chosen = Signal(str)
    model_added = Signal(object)
    presented = 0

    def present(self) -> None:
        self.presented += 1


def test_the_menu_opens_the_chooser_once_and_brings_it_back(window, monkeypatch) -> None:
    made: list[tuple[str, object]] = []

    def offer(parent, catalog, language, busy=None, **_kw):  # type: ignore[no-untyped-def]
        made.append((language, busy))
        return FakeChooser(parent)

    monkeypatch.setattr(model_status, "offer_models", offer)
    entry = window.menu_actions.named["better_models"]
    entry.trigger()
    assert len(made) == 1 and made[0][1] == window.model_thread.worker.busy
    entry.trigger()
    assert len(made) == 1 and window.chooser.presented == 1


def test_the_first_start_offers_better_models_once(window, monkeypatch) -> None:
    opened: list[bool] = []
    monkeypatch.setattr(window, "show_chooser", lambda: opened.append(True))
    window.active_model_id = ""
    window._offer_better_models_once()
    status = window.status
    assert "is ready" in status.currentMessage() and not status.offer_button.isVisible()
    for timer in (status.read_timer, status.expiry_timer):  # the ready message had its time
        timer.stop()
        timer.timeout.emit()
    assert status.offer_button.isVisible() and "better" in status.offer_label.text()
    assert window.settings.model.offered
    assert SettingsStore(window.paths).load().model.offered  # kept for the next start
    status.offer_button.click()
    assert opened == [True] and not status.offer_button.isVisible()
    window._offer_better_models_once()
    assert not status.offer_button.isVisible()  # once is enough


def test_a_generation_model_is_loaded_beside_the_one_that_suggests(
    qtbot, window, tmp_path: Path, monkeypatch
) -> None:
    big = tmp_path / "big.gguf"
    big.write_bytes(b"GGUF" + bytes(64))
    spec = ModelSpec(EngineKind.LLAMACPP, big, "Bigger")
    monkeypatch.setattr(window.catalog, "spec", lambda entry_id: spec)
    window.use_for_generation("bigger-id")
    qtbot.waitUntil(lambda: window.generation_model_name == "Bigger", timeout=5000)
    assert window.settings.model.generation == "bigger-id"
    assert "Bigger" in window.status.currentMessage()
    window.use_for_generation(window.active_model_id)  # back to one model for all
    qtbot.waitUntil(lambda: window.generation_model_name == "", timeout=5000)
    assert window.settings.model.generation == ""
