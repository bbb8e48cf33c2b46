"""Get a Better Model: the curated list fitted to the machine, a download through the stand-in
hub on 127.0.0.1 (a real GGUF), the licence first, cancel and resume, then Use. The speed
probe is injected: no test here runs the real one."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QScrollArea

import gui.models.chooser as chooser_module
from backend.models.catalogue import Catalog
from backend.models.library import checked_model, load_library
from backend.models.machine import Machine, ProbeResult
from backend.storage.paths import app_paths
from backend.storage.settings import SettingsStore
from gui.models.cards import TransferRate
from gui.models.chooser import ModelChooserDialog
from gui.models.manager import ModelManagerDialog
from tests.backend.models.test_library import GOOD

BOX = Machine(8 << 30, 4 << 30, 4, 8, "Test CPU", ("avx2",), False)


def fast_probe() -> ProbeResult:
    return ProbeResult(50.0, 250_000_000)  # 12.5 GB/s


def smol(size: int, *, accept: bool = False) -> list:
    return [
        checked_model(
            {**GOOD, "id": "smol", "name": "Smol", "file": "smol.gguf", "size_bytes": size,
             "accept_required": accept, "languages": ["en", "zh"],
             "licence_url": "https://example.org/licence"}
        )
    ]  # fmt: skip


@pytest.fixture
def served(hub, smollm_gguf: Path):
    base, state = hub
    state.blob = smollm_gguf.read_bytes()
    state.sha = hashlib.sha256(state.blob).hexdigest()
    return base, state


def chooser(qtbot, language: str = "en", probe=fast_probe, **kwargs) -> ModelChooserDialog:
    kwargs.setdefault("machine", BOX)
    dialog = ModelChooserDialog(Catalog(app_paths(None)), language, probe, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def measured(qtbot, dialog: ModelChooserDialog) -> None:
    qtbot.waitUntil(
        lambda: dialog.view is not None and dialog.view.calibration is not None
        and not dialog.measuring, timeout=20000,
    )  # fmt: skip


def test_every_catalogue_model_has_a_card_with_its_fit(qtbot) -> None:
    dialog = chooser(qtbot)
    measured(qtbot, dialog)
    models = load_library()
    assert set(dialog.cards) == {m.id for m in models}
    for m in models:
        card = dialog.cards[m.id]
        fit = card.fit_line.text()
        assert card.title.text() == m.name and m.writers in card.writers.text()
        assert m.licence_url in card.licence.text() and card.download_button.isVisibleTo(card)
        if not m.size_bytes:
            assert "size unknown" in card.details.text() and "unknown" in fit
            assert "Runs well" not in fit
        else:
            assert fit.startswith(("Runs well", "Runs slowly", "Too big")), fit
            speed = m.size_bytes and 12.5e9 / m.size_bytes
            if fit.startswith("Runs"):
                assert f"about {max(1, round(speed * 0.75))} words a second" in fit


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_recommended_model_is_marked_and_first(qtbot, language: str) -> None:
    dialog = chooser(qtbot, language)
    measured(qtbot, dialog)
    first = dialog.recommended_id()
    assert first is not None and dialog.ordered_ids()[0] == first
    card = dialog.cards[first]
    assert card.badge.isVisibleTo(card) and card.badge.text()
    assert card.model.speaks(language) and card.model.kind == "instruct"
    others = [c for c in dialog.cards.values() if c.model.id != first]
    assert not any(c.badge.isVisibleTo(c) for c in others)


def test_the_list_shows_at_once_and_measures_off_the_gui_thread(qtbot) -> None:
    release = threading.Event()
    ran_on: list[threading.Thread] = []

    def slow_probe() -> ProbeResult:
        ran_on.append(threading.current_thread())
        release.wait(20)
        return fast_probe()

    dialog = chooser(qtbot, probe=slow_probe)
    qtbot.waitUntil(lambda: bool(ran_on), timeout=10000)
    assert dialog.speed_line.text() == "Measuring this computer…"
    card = dialog.cards["qwen3-1_7b"]
    assert card.fit_line.text() == "Fits this computer's memory; measuring…"
    release.set()
    measured(qtbot, dialog)
    assert ran_on[0] is not threading.main_thread()
    assert card.fit_line.text().startswith("Runs well on this computer, about")
    # Kept: the next chooser shows the speed at once and does not measure.
    again = chooser(qtbot, probe=slow_probe)
    measured(qtbot, again)
    assert len(ran_on) == 1
    # Measure Again does.
    again.measure_button.click()
    qtbot.waitUntil(lambda: len(ran_on) == 2, timeout=10000)
    measured(qtbot, again)


def test_no_probe_or_a_failed_one_leaves_the_speed_unmeasured(qtbot) -> None:
    def broken() -> ProbeResult:
        raise RuntimeError("no model")

    dialog = chooser(qtbot, probe=broken)
    qtbot.waitUntil(lambda: dialog.view is not None and not dialog.measuring, timeout=10000)
    assert dialog.view is not None and dialog.view.calibration is None
    assert "not measured yet" in dialog.speed_line.text()
    assert dialog.cards["qwen3-1_7b"].fit_line.text().endswith("speed not measured yet")


def test_the_probe_waits_while_the_window_model_is_busy(qtbot) -> None:
    calls: list[int] = []
    busy = [True]

    def probe() -> ProbeResult:
        calls.append(1)
        return fast_probe()

    dialog = chooser(qtbot, probe=probe, busy=lambda: busy[0])
    qtbot.waitUntil(lambda: "Waiting" in dialog.speed_line.text(), timeout=10000)
    assert calls == []
    busy[0] = False
    measured(qtbot, dialog)
    assert calls == [1]


def test_download_with_progress_then_use_for_suggestions_and_generation(qtbot, served) -> None:
    base, state = served
    dialog = chooser(qtbot, models=smol(len(state.blob)), base=base)
    measured(qtbot, dialog)
    seen: list[tuple[int, int]] = []
    dialog._progress.connect(lambda _id, n, total: seen.append((n, total)))
    card = dialog.cards["smol"]
    card.download_button.click()
    qtbot.waitUntil(lambda: bool(card.installed), timeout=30000)
    assert seen and seen[-1] == (len(state.blob), len(state.blob))
    assert card.suggest_button.isVisibleTo(card) and not card.download_button.isVisibleTo(card)
    paths = app_paths(None)
    entry = dialog.catalog.get(card.installed)  # the window's own list knows it at once
    assert entry is not None and Path(entry.path).read_bytes() == state.blob
    with qtbot.waitSignal(dialog.switch_requested) as switched:
        card.suggest_button.click()
    assert switched.args == [entry.id]
    assert SettingsStore(paths).load().model.active == entry.id
    with qtbot.waitSignal(dialog.generation_chosen) as chosen:
        card.generate_button.click()
    assert chosen.args == [entry.id]
    assert SettingsStore(paths).load().model.generation == entry.id


def test_cancel_keeps_the_partial_file_and_download_resumes(qtbot, served, monkeypatch) -> None:
    base, state = served
    real = chooser_module.install

    def held_install(*args, progress, cancel, **kwargs):
        def hold(done: int, total: int | None) -> None:
            progress(done, total)
            if done:
                cancel.wait(30)  # the writer presses Cancel while bytes are arriving

        return real(*args, progress=hold, cancel=cancel, **kwargs)

    monkeypatch.setattr(chooser_module, "install", held_install)
    dialog = chooser(qtbot, models=smol(len(state.blob)), base=base)
    card = dialog.cards["smol"]
    card.download_button.click()
    qtbot.waitUntil(lambda: " of " in card.state.text(), timeout=30000)
    card.cancel_button.click()
    qtbot.waitUntil(lambda: "Paused" in card.state.text(), timeout=30000)
    part = app_paths(None).models / "smol.gguf.part"
    assert 0 < part.stat().st_size < len(state.blob)
    assert not card.installed and card.download_button.isVisibleTo(card)
    monkeypatch.setattr(chooser_module, "install", real)
    card.download_button.click()
    qtbot.waitUntil(lambda: bool(card.installed), timeout=30000)
    assert any(r[0] == "GET" and r[2].startswith("bytes=") for r in state.requests)
    assert (app_paths(None).models / "smol.gguf").read_bytes() == state.blob


def test_a_licence_that_must_be_accepted_is_asked_first(qtbot, served) -> None:
    base, state = served
    dialog = chooser(qtbot, models=smol(len(state.blob), accept=True), base=base)
    card = dialog.cards["smol"]
    assert "you accept it before the download" in card.licence.text()
    card.download_button.click()
    licence = dialog.licence_dialog
    assert licence is not None and licence.isVisible()
    assert state.requests == []  # nothing asked of the hub before the licence
    licence.reject()
    assert state.requests == [] and not card.installed
    card.download_button.click()
    licence = dialog.licence_dialog
    assert licence is not None
    licence.accept_button.click()
    qtbot.waitUntil(lambda: bool(card.installed), timeout=30000)


def test_a_failed_download_says_why(qtbot, served) -> None:
    base, _state = served
    gone = [checked_model({**GOOD, "id": "gone", "repo": "owner/gone", "file": "x.gguf"})]
    dialog = chooser(qtbot, models=gone, base=base)
    card = dialog.cards["gone"]
    card.download_button.click()
    qtbot.waitUntil(lambda: card.download_button.isVisibleTo(card), timeout=30000)
    assert "no such" in card.state.text().lower() and not card.installed


def test_cards_wrap_instead_of_clipping_on_a_small_screen(qtbot) -> None:
    dialog = chooser(qtbot, "zh_CN")
    measured(qtbot, dialog)
    assert dialog.width() <= 1366 and dialog.height() <= 768 - 60
    dialog.resize(700, 600)
    qtbot.wait(50)
    scroll = dialog.findChild(QScrollArea)
    assert scroll is not None and scroll.horizontalScrollBar().maximum() == 0
    for card in dialog.cards.values():
        assert card.width() <= scroll.viewport().width()
        assert card.writers.wordWrap() and card.fit_line.wordWrap() and card.licence.wordWrap()


def test_the_model_manager_opens_the_chooser_and_passes_its_choice_on(qtbot) -> None:
    manager = ModelManagerDialog(Catalog(app_paths(None)), "bundled")
    qtbot.addWidget(manager)
    manager.probe = fast_probe
    dialog = manager.better_models()
    measured(qtbot, dialog)
    assert manager.better_models() is dialog
    with qtbot.waitSignal(manager.switch_requested) as switched:
        dialog.switch_requested.emit("some-model")
    assert switched.args == ["some-model"]


def test_speed_and_time_left_come_from_the_recent_bytes() -> None:
    rate = TransferRate(window_s=8.0)
    assert rate.bytes_per_s() is None and rate.seconds_left(100) is None
    rate.add(1_000_000, now=0.0)
    rate.add(3_000_000, now=1.0)
    rate.add(5_000_000, now=2.0)
    assert rate.bytes_per_s() == pytest.approx(2_000_000)
    assert rate.seconds_left(9_000_000) == pytest.approx(2.0)
    rate.add(5_500_000, now=20.0)  # a stall: the old samples drop out of the window
    assert rate.bytes_per_s() == pytest.approx(500_000 / 18.0)


def test_time_left_in_plain_words(qtbot) -> None:
    dialog = chooser(qtbot, probe=None)
    assert dialog.duration_text(40) == "40 s"
    assert dialog.duration_text(600) == "10 min"
    assert dialog.duration_text(7500) == "2 h 5 min"
