"""Voice adapters in the window: train in a separate process, switch on live, manage per model."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from backend.engines.adapter_file import NOT_ON_A_SERVER, write_adapter
from backend.engines.base import EngineKind
from backend.jobs.kinds import SuggestJob
from backend.models.adapter_library import AdapterLibrary
from backend.models.bundled import BUNDLED_NAME
from backend.models.spec import ModelSpec
from gui.models.adapters import AdaptersPanel
from gui.worker import Request
from tests.backend.engines.test_adapter_file import meta_for, random_pairs
from tests.conftest import CORPUS
from tests.fakes import FakeFactory
from tests.gui.conftest import show_window

pytestmark = pytest.mark.slow


@pytest.fixture
def adapter_file(bundled_gguf: Path, tmp_path: Path) -> Path:
    pairs = random_pairs(bundled_gguf, seed=7)
    path = tmp_path / "noir.gguf"
    write_adapter(path, pairs, meta_for(bundled_gguf, pairs, name="Noir", sources=("b.txt",)))
    return path


def _bundled_window(qtbot, windows, tmp_path: Path, bundled_gguf: Path):
    window = show_window(
        qtbot, windows, tmp_path, ModelSpec("llamacpp", bundled_gguf, BUNDLED_NAME)
    )
    qtbot.waitUntil(lambda: window.model_ready and window.voice.spec is not None, timeout=60000)
    return window


def _panel(window) -> AdaptersPanel:
    dialog = window.show_models()
    panel = dialog.findChild(AdaptersPanel)
    assert panel is not None
    return panel


def test_an_adapter_is_added_switched_on_and_off_live_and_deleted(
    qtbot, windows, tmp_path: Path, bundled_gguf: Path, adapter_file: Path, smollm_gguf: Path
) -> None:
    window = _bundled_window(qtbot, windows, tmp_path, bundled_gguf)
    panel = _panel(window)
    # The list's bundled entry lives in the test's own models folder; show the loaded one.
    panel.show_model(window.voice.spec)
    assert panel.spec is not None and panel.spec.path == bundled_gguf
    assert panel.add_file(str(adapter_file))
    panel.table.selectRow(0)
    assert panel.table.item(0, 1).text() == "Noir"
    with qtbot.waitSignal(window.model_thread.worker.adapter_changed, timeout=30000) as on:
        panel.toggle_selected()
    kept = panel.library.folder / panel.selected_file()
    assert on.args[0] == (kept.resolve(), 1.0)
    # The worker's signal reaches the window through the event loop.
    qtbot.waitUntil(lambda: window.voice.status_label.text() == "Voice: Noir (100%)")
    assert panel.table.item(0, 0).text() == "●"
    panel.strength.setValue(50)
    with qtbot.waitSignal(window.model_thread.worker.adapter_changed, timeout=30000) as half:
        panel._on_strength_released()
    assert half.args[0] == (kept.resolve(), 0.5)
    panel.rename_selected("Hardboiled")
    assert panel.table.item(0, 1).text() == "Hardboiled"
    with qtbot.waitSignal(window.model_thread.worker.adapter_changed, timeout=30000) as off:
        panel.toggle_selected()
    assert off.args[0] is None
    qtbot.waitUntil(lambda: window.voice.status_label.text() == "")
    with qtbot.waitSignal(window.model_thread.worker.adapter_changed, timeout=30000):
        panel.toggle_selected()
    panel.delete_selected()
    qtbot.waitUntil(lambda: window.voice.active is None, timeout=30000)
    assert panel.table.rowCount() == 0 and not kept.exists()
    # An adapter for another model is refused with a reason, and nothing is listed.
    other = AdapterLibrary(tmp_path / "elsewhere", smollm_gguf)
    assert other.entries() == []
    panel.show_model(ModelSpec("llamacpp", smollm_gguf, "SmolLM2"))
    assert not panel.add_file(str(adapter_file))
    assert "made for a gemma3 model" in panel.note.text()


def test_the_adapter_left_on_is_applied_when_the_model_loads(
    qtbot, windows, tmp_path: Path, bundled_gguf: Path, adapter_file: Path
) -> None:
    library = AdapterLibrary(tmp_path / "home" / "data" / "adapters", bundled_gguf)
    entry = library.add(adapter_file)
    library.switch(entry.file, 0.8)
    window = show_window(
        qtbot, windows, tmp_path, ModelSpec("llamacpp", bundled_gguf, BUNDLED_NAME)
    )
    qtbot.waitUntil(lambda: window.voice.active is not None, timeout=60000)
    assert window.voice.active == ((library.folder / entry.file).resolve(), 0.8)


def test_a_server_model_says_adapters_are_not_available(qtbot, windows, tmp_path: Path) -> None:
    window = show_window(qtbot, windows, tmp_path, engine_factory=FakeFactory())
    qtbot.waitUntil(lambda: window.model_ready, timeout=5000)
    # An engine without adapters (a server's) answers a switch with the reason.
    with qtbot.waitSignal(window.model_thread.worker.adapter_failed) as failed:
        window.model_thread.worker.set_adapter(tmp_path / "voice.gguf")
    assert failed.args == [NOT_ON_A_SERVER]
    panel = _panel(window)
    panel.show_model(ModelSpec(EngineKind.REMOTE, Path(), "server", url="http://127.0.0.1:9"))
    assert panel.note.text() == NOT_ON_A_SERVER
    assert not panel.train_button.isEnabled() and not panel.add_button.isEnabled()


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    path = tmp_path / "pages.md"
    path.write_text(CORPUS.read_text(encoding="utf-8")[2000:14000], encoding="utf-8")
    return path


def _training_dialog(qtbot, windows, tmp_path: Path, model: Path, pages: Path, book: str = ""):
    window = show_window(qtbot, windows, tmp_path, ModelSpec("transformers", model, "tiny"))
    # The model's name and its spec arrive in two signals: wait for both.
    qtbot.waitUntil(lambda: window.model_ready and window.voice.spec is not None, timeout=60000)
    window.editor.setPlainText(book)
    # The suite runs other tests beside this one: at low priority the child would wait for them.
    window.voice.process.low_priority = False
    dialog = window.voice.show_training()
    assert dialog is not None and not dialog.isModal()
    dialog.add_files([str(pages)])
    return window, dialog


def test_training_runs_in_a_process_and_the_result_can_be_switched_on(
    qtbot, windows, tmp_path: Path, tiny_gpt2_dir: Path, pages: Path
) -> None:
    book = CORPUS.read_text(encoding="utf-8")[60000:64000]  # the open document
    window, dialog = _training_dialog(qtbot, windows, tmp_path, tiny_gpt2_dir, pages, book)
    assert dialog.use_book.isChecked() and "words" in dialog.use_book.text()
    dialog.minutes.setValue(1)
    worker = window.model_thread.worker
    with qtbot.waitSignal(window.voice.process.ended, timeout=900_000) as ended:
        dialog.start_button.click()
        assert dialog.cancel_button.isVisible() and not dialog.start_button.isVisible()
        # Suggestions keep working: the model thread answers while the training runs.
        with qtbot.waitSignal(worker.finished, timeout=30000) as answered:
            worker.post(Request(SuggestJob("Alice was beginning to", 22)))
        assert window.voice.process.running and answered.args[1].text is not None
    assert ended.args == [0, ""]
    assert "Perplexity on your held-out text" in dialog.outcome.text()
    assert dialog.switch_button.isVisible() and dialog.bar.value() == 1000
    entry = window.voice.trained
    assert entry is not None and entry.meta.sources == ("Untitled.txt", "pages.md")
    # The copy of the book written for the run is not left behind.
    assert not list(window.voice.root.rglob("Untitled.txt"))
    with qtbot.waitSignal(window.model_thread.worker.adapter_changed, timeout=30000) as on:
        dialog.switch_button.click()
    assert on.args[0] is not None and on.args[0][0].name == entry.file


def test_cancel_stops_the_process_and_offers_to_resume(
    qtbot, windows, tmp_path: Path, tiny_gpt2_dir: Path, pages: Path
) -> None:
    window, dialog = _training_dialog(qtbot, windows, tmp_path, tiny_gpt2_dir, pages)
    seen: list[str] = []

    def on_line(event: dict) -> None:
        seen.append(event["event"])
        if event["event"] == "step" and event["step"] == 2:
            window.voice.cancel_training()

    window.voice.process.line_read.connect(on_line)
    with qtbot.waitSignal(window.voice.process.ended, timeout=900_000) as ended:
        dialog.start_button.click()
    assert ended.args[0] == 3 and "cancelled" in seen
    assert dialog.start_button.isVisible() and dialog.start_button.text() == "&Resume Training"
    assert "Resume picks up" in dialog.stage.text()
    assert Qt.WindowType.Dialog & dialog.windowFlags()
