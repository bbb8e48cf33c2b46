"""Model → Manage Models with real models: add, switch while running, fall back, servers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from backend.models.bundled import BUNDLED_NAME
from backend.models.catalogue import BUNDLED_ID
from backend.models.spec import ModelSpec
from tests.gui.conftest import show_window

pytestmark = pytest.mark.slow


def _select(dialog, entry_id: str) -> None:
    for row in range(dialog.table.rowCount()):
        if dialog.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == entry_id:
            dialog.table.selectRow(row)
            return
    raise AssertionError(f"{entry_id} is not listed")


def _switch(qtbot, window, dialog, entry_id: str) -> None:
    _select(dialog, entry_id)
    dialog.use_selected()
    qtbot.waitUntil(
        lambda: window.model_ready and window.active_model_id == entry_id, timeout=120000
    )


def _continue(qtbot, window) -> str:
    window.editor.setPlainText("The lighthouse keeper climbed the stairs and")
    cursor = window.editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    window.editor.setTextCursor(cursor)
    # The manager dialog is the active window, so call the action rather than its shortcut.
    with qtbot.waitSignal(window.continuation_done, timeout=120000):
        window.menu_actions.continue_.trigger()
    return window.editor.toPlainText()[len("The lighthouse keeper climbed the stairs and") :]


def _add(qtbot, dialog, path: Path) -> str:
    before = {e.id for e in dialog.catalog.entries}
    (dialog.add_folder if path.is_dir() else dialog.add_file)(str(path))
    qtbot.waitUntil(lambda: len(dialog.catalog.entries) > len(before), timeout=60000)
    (new,) = {e.id for e in dialog.catalog.entries} - before
    return new


def test_add_switch_and_fall_back_while_the_app_runs(
    qtbot, windows, tmp_path: Path, bundled_gguf: Path, smollm_gguf: Path, tiny_gpt2_dir: Path
) -> None:
    window = show_window(
        qtbot, windows, tmp_path, ModelSpec("llamacpp", bundled_gguf, BUNDLED_NAME)
    )
    qtbot.waitUntil(lambda: window.model_ready, timeout=60000)
    assert window.active_model_id == BUNDLED_ID
    dialog = window.show_models()
    smol = _add(qtbot, dialog, smollm_gguf)
    gpt2 = _add(qtbot, dialog, tiny_gpt2_dir)
    assert dialog.table.rowCount() == 3
    _switch(qtbot, window, dialog, smol)
    assert window.model_name == "SmolLM2-135M-Instruct.Q4_1"
    assert _continue(qtbot, window).strip()
    assert "<|im_end|>" not in window.editor.toPlainText()
    _switch(qtbot, window, dialog, gpt2)
    assert _continue(qtbot, window).strip()
    _switch(qtbot, window, dialog, BUNDLED_ID)
    assert window.settings.model.active == BUNDLED_ID
    # A file that passed its check but broke afterwards: the previous model comes back.
    broken = tmp_path / "broken.gguf"
    shutil.copy(smollm_gguf, broken)
    bad = _add(qtbot, dialog, broken)
    with broken.open("r+b") as f:
        f.truncate(4096)
    _select(dialog, bad)
    with qtbot.waitSignal(window.model_thread.worker.switch_failed, timeout=60000):
        dialog.use_selected()
    # The signal can reach the test before the window's own slot has run: wait for both.
    qtbot.waitUntil(lambda: window.model_ready and "went back" in window.last_error, timeout=60000)
    assert window.active_model_id == BUNDLED_ID
    assert _continue(qtbot, window).strip()
    # Refused at the door: not a model at all.
    junk = tmp_path / "notes.gguf"
    junk.write_text("chapter one, draft two")
    dialog.add_file(str(junk))
    qtbot.waitUntil(lambda: "not a GGUF" in dialog.status.text(), timeout=10000)
    dialog.close()
    window.close()


def test_a_server_is_a_model_like_any_other(
    qtbot, windows, tmp_path: Path, bundled_gguf: Path, llama_server
) -> None:
    url, key = llama_server
    window = show_window(
        qtbot, windows, tmp_path, ModelSpec("llamacpp", bundled_gguf, BUNDLED_NAME)
    )
    qtbot.waitUntil(lambda: window.model_ready, timeout=60000)
    dialog = window.show_models()
    server = window.catalog.add_remote("Local server", url, "", key)
    dead = window.catalog.add_remote("Dead server", "http://127.0.0.1:1", "", "")
    dialog.refresh()
    _switch(qtbot, window, dialog, server.id)
    assert _continue(qtbot, window).strip()
    _select(dialog, dead.id)
    with qtbot.waitSignal(window.model_thread.worker.switch_failed, timeout=60000):
        dialog.use_selected()
    qtbot.waitUntil(lambda: window.model_ready and "refused" in window.last_error, timeout=60000)
    assert window.active_model_id == server.id
    dialog.close()
    window.close()


def test_download_dialog_adds_a_checked_model_and_remove_deletes_it(
    qtbot, isolated_home, smollm_gguf: Path, hub
) -> None:
    import hashlib

    from backend.models.catalogue import Catalog
    from backend.storage.paths import app_paths
    from gui.models.dialogs import DownloadDialog
    from gui.models.manager import ModelManagerDialog

    base, state = hub
    state.blob = smollm_gguf.read_bytes()
    state.sha = hashlib.sha256(state.blob).hexdigest()
    catalog = Catalog(app_paths())
    dialog = DownloadDialog(catalog)
    qtbot.addWidget(dialog)
    dialog.base = base
    dialog.repo.setText("owner/model")
    dialog.file.setText("small.gguf")
    with qtbot.waitSignal(dialog.added, timeout=60000) as got:
        dialog.start()
    entry = got.args[0]
    assert entry.downloaded and entry.source == "owner/model/small.gguf"
    assert Path(entry.path).parent == app_paths().models and Path(entry.path).is_file()
    assert dialog.bar.value() == 1000
    manager = ModelManagerDialog(catalog, BUNDLED_ID)
    qtbot.addWidget(manager)
    _select(manager, entry.id)
    assert manager.remove_button.isEnabled()
    manager.remove_selected(confirm=False)
    assert catalog.get(entry.id) is None and not Path(entry.path).exists()
    # A file that is not a model is refused after download and not kept.
    state.blob = b"<html>not a model</html>" * 100
    state.sha = hashlib.sha256(state.blob).hexdigest()
    dialog.file.setText("page.gguf")
    dialog.start()
    qtbot.waitUntil(lambda: "not a GGUF" in dialog.message.text(), timeout=20000)
    assert not (app_paths().models / "page.gguf").exists()
    # The helper thread holds this parentless dialog until it ends: let it end here, so the
    # dialog is destroyed on the GUI thread when the test lets go of it, never on the helper.
    qtbot.waitUntil(lambda: not dialog._helper.running(), timeout=20000)
