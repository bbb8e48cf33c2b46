"""Model → Manage Models: the bundled model, added files and folders, servers, downloads.

Inspecting a file and downloading run on short-lived helper threads (they never touch a
loaded model); switching goes through the model thread like every other model call.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backend.engines.base import EngineKind
from backend.models.catalogue import PROMPT_FORMATS, Catalog, CatalogError, ModelEntry, human_size
from backend.models.download import DownloadError, download
from gui.tables import list_table

ENGINE_LABELS = {
    EngineKind.LLAMACPP: "llama.cpp",
    EngineKind.TRANSFORMERS: "transformers",
    EngineKind.REMOTE: "server",
}
COLUMNS = ("", "Name", "Engine", "Format", "Architecture", "Context", "Size", "Licence", "Prompt")


class Background(QObject):
    """Runs one function on a helper thread; the result comes back as a queued signal."""

    done = Signal(object)
    failed = Signal(str)
    progress = Signal(object, object)

    def start(self, fn: Callable[[], Any]) -> None:
        """Run `fn()` off the GUI thread."""

        def run() -> None:
            try:
                result = fn()
            except (CatalogError, DownloadError) as exc:
                self.failed.emit(str(exc))
            except Exception as exc:  # never let a helper thread take the app down
                self.failed.emit(
                    QCoreApplication.translate("Background", "Something went wrong: {0}").format(
                        exc
                    )
                )
            else:
                self.done.emit(result)

        threading.Thread(target=run, name="inkling-helper", daemon=True).start()


class ModelManagerDialog(QDialog):
    """Lists every model; add, remove, tune and switch without restarting."""

    switch_requested = Signal(str)
    selection_changed = Signal(object)  # the selected model's ModelSpec, or None

    def __init__(self, catalog: Catalog, active_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Models"))
        self.resize(860, 380)
        self.catalog = catalog
        self.active_id = active_id
        self.table = list_table(COLUMNS)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _i: self.use_selected())
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.use_button = QPushButton(self.tr("&Use This Model"))
        self.use_button.clicked.connect(self.use_selected)
        add_file = QPushButton(self.tr("Add &GGUF File…"))
        add_file.clicked.connect(self.add_file)
        add_folder = QPushButton(self.tr("Add &Folder…"))
        add_folder.clicked.connect(self.add_folder)
        add_server = QPushButton(self.tr("Add &Server…"))
        add_server.clicked.connect(self.add_server)
        fetch = QPushButton(self.tr("&Download…"))
        fetch.clicked.connect(self.download)
        self.tune_button = QPushButton(self.tr("Se&ttings…"))
        self.tune_button.clicked.connect(self.tune_selected)
        self.remove_button = QPushButton(self.tr("&Remove"))
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        for b in (self.use_button, add_file, add_folder, add_server, fetch):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.tune_button)
        buttons.addWidget(self.remove_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self._helpers: list[Background] = []
        if catalog.problem:
            self.status.setText(catalog.problem)
        self.refresh()

    # --- list -------------------------------------------------------------------------
    def refresh(self, select: str | None = None) -> None:
        """Rebuild the table (keeping or moving the selection)."""
        keep = select or self.selected_id() or self.active_id
        self.table.setRowCount(0)
        for row, e in enumerate(self.catalog.entries):
            self.table.insertRow(row)
            where = e.url if e.engine == EngineKind.REMOTE else e.path
            values = (
                "●" if e.id == self.active_id else "",
                e.name,
                ENGINE_LABELS[EngineKind(e.engine)],
                e.format,
                e.architecture or (e.remote_model if e.engine == EngineKind.REMOTE else ""),
                f"{e.context_length:,}" if e.context_length else "",
                human_size(e.size_bytes) if e.size_bytes else "",
                e.licence if len(e.licence) < 40 else e.licence[:37] + "…",
                e.prompt_format,
            )
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, e.id)
                item.setToolTip(f"{e.name}\n{where}\n{e.licence}")
                if e.id == self.active_id:
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, col, item)
            if e.id == keep:
                self.table.selectRow(row)
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def selected_id(self) -> str | None:
        """The id of the selected model, if any."""
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def set_active(self, entry_id: str) -> None:
        """Mark the model now loaded."""
        self.active_id = entry_id
        self.refresh()

    def add_section(self, widget: QWidget) -> None:
        """Show `widget` under the list (it follows the selection through selection_changed)."""
        layout = self.layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(2, widget)

    def _update_buttons(self) -> None:
        entry = self.catalog.get(self.selected_id() or "")
        try:
            self.selection_changed.emit(self.catalog.spec(entry.id) if entry else None)
        except CatalogError:
            self.selection_changed.emit(None)
        self.use_button.setEnabled(entry is not None and entry.id != self.active_id)
        self.remove_button.setEnabled(entry is not None and not entry.bundled)
        self.tune_button.setEnabled(entry is not None and not entry.bundled)

    # --- actions ----------------------------------------------------------------------
    def use_selected(self) -> None:
        """Ask the window to switch to the selected model."""
        entry = self.catalog.get(self.selected_id() or "")
        if entry is not None and entry.id != self.active_id:
            self.status.setText(self.tr("Loading {0}…").format(entry.name))
            self.switch_requested.emit(entry.id)

    def add_file(self, path: str | None = None) -> None:
        """Add a .gguf file (checked on a helper thread first)."""
        if not path:
            path, _ = QFileDialog.getOpenFileName(
                self,
                self.tr("Add a GGUF model"),
                str(Path.home()),
                self.tr("GGUF models (*.gguf);;All files (*)"),
            )
        if path:
            self._add(path)

    def add_folder(self, path: str | None = None) -> None:
        """Add a transformers model folder (checked on a helper thread first)."""
        if not path:
            path = QFileDialog.getExistingDirectory(
                self, self.tr("Add a transformers model folder")
            )
        if path:
            self._add(path)

    def _add(self, path: str) -> None:
        from backend.models.catalogue import inspect_path

        self.status.setText(self.tr("Checking {0}…").format(Path(path).name))
        helper = self._helper()
        helper.done.connect(self._on_inspected)
        helper.failed.connect(lambda m: self._refuse("This model cannot be added", m))
        helper.start(lambda: inspect_path(path))

    def _on_inspected(self, entry: ModelEntry) -> None:
        try:
            added = self.catalog.add(entry)
        except (CatalogError, OSError) as exc:
            self._refuse("The model list could not be saved", str(exc))
            return
        self.status.setText(self.tr("Added {0}: {1}.").format(added.name, added.summary()))
        self.refresh(select=added.id)

    def add_server(self) -> None:
        """Add an OpenAI-compatible server."""
        dialog = ServerDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            entry = self.catalog.add_remote(*dialog.values())
        except (CatalogError, OSError) as exc:
            self._refuse("The server cannot be added", str(exc))
            return
        self.status.setText(
            self.tr("Added {0} ({1}). Use it to connect.").format(entry.name, entry.url)
        )
        self.refresh(select=entry.id)

    def download(self) -> None:
        """Download a GGUF from the Hugging Face hub (only when asked)."""
        dialog = DownloadDialog(self.catalog, self)
        dialog.added.connect(lambda e: self.refresh(select=e.id))
        dialog.open()
        self.download_dialog = dialog

    def tune_selected(self) -> None:
        """Per-model sampler defaults and prompt format."""
        entry = self.catalog.get(self.selected_id() or "")
        if entry is None or entry.bundled:
            return
        dialog = ModelSettingsDialog(entry, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            self.catalog.update_sampler(entry.id, dialog.sampler())
            self.catalog.set_prompt_format(entry.id, dialog.prompt_format())
        except (CatalogError, OSError) as exc:
            self._refuse("These settings were not saved", str(exc))
            return
        self.refresh()

    def remove_selected(self, confirm: bool = True) -> None:
        """Remove the selected model (its file only if Inkling downloaded it)."""
        entry = self.catalog.get(self.selected_id() or "")
        if entry is None or entry.bundled:
            return
        if confirm:
            what = "and delete the downloaded file" if entry.downloaded else "(the file stays)"
            answer = QMessageBox.question(
                self, self.tr("Remove model"), self.tr("Remove {0} {1}?").format(entry.name, what)
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        was_active = entry.id == self.active_id
        try:
            self.catalog.remove(entry.id)
        except (CatalogError, OSError) as exc:
            self._refuse("The model was not removed", str(exc))
            return
        self.status.setText(self.tr("Removed {0}.").format(entry.name))
        self.refresh()
        if was_active:
            self.switch_requested.emit("bundled")

    def _helper(self) -> Background:
        helper = Background(self)
        self._helpers.append(helper)
        return helper

    def _refuse(self, title: str, message: str) -> None:
        self.status.setText(message)
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, parent=self)
        box.open()


class ServerDialog(QDialog):
    """Name, URL, model name and API key of a server."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add a server"))
        self.name = QLineEdit()
        self.url = QLineEdit()
        self.url.setPlaceholderText(self.tr("http://192.168.1.20:8080"))
        self.model = QLineEdit()
        self.model.setPlaceholderText(self.tr("(the server's first model)"))
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText(self.tr("(none)"))
        _form(
            self,
            [
                ("Name", self.name),
                ("Address", self.url),
                ("Model", self.model),
                ("API key", self.key),
            ],
            "The key is stored in a file only you can read.",
        )

    def values(self) -> tuple[str, str, str, str]:
        """(name, url, model, key) as typed."""
        return self.name.text(), self.url.text(), self.model.text(), self.key.text()


class ModelSettingsDialog(QDialog):
    """A model's own sampler defaults and prompt format."""

    def __init__(self, entry: ModelEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("{0}: settings").format(entry.name))
        s = entry.sampler
        self.temperature = _spin(0.0, 2.0, 0.05, s.get("temperature", 0.8))
        self.top_p = _spin(0.05, 1.0, 0.05, s.get("top_p", 0.95))
        self.min_p = _spin(0.0, 1.0, 0.01, s.get("min_p", 0.05))
        self.repeat_penalty = _spin(1.0, 2.0, 0.05, s.get("repeat_penalty", 1.1))
        self.top_k = QSpinBox()
        self.top_k.setRange(0, 1000)
        self.top_k.setValue(int(s.get("top_k", 40)))
        self.format = QComboBox()
        self.format.addItems(list(PROMPT_FORMATS))
        self.format.setCurrentText(entry.prompt_format)
        rows = [
            ("Temperature", self.temperature),
            ("Top p", self.top_p),
            ("Top k", self.top_k),
            ("Min p", self.min_p),
            ("Repeat penalty", self.repeat_penalty),
            ("Prompt format", self.format),
        ]
        _form(self, rows, "An instruct model's format adds its end-of-turn marks as stops.")

    def sampler(self) -> dict[str, float]:
        """The sampler defaults as entered."""
        return {
            "temperature": round(self.temperature.value(), 3),
            "top_p": round(self.top_p.value(), 3),
            "top_k": self.top_k.value(),
            "min_p": round(self.min_p.value(), 3),
            "repeat_penalty": round(self.repeat_penalty.value(), 3),
        }

    def prompt_format(self) -> str:
        """The chosen prompt format."""
        return self.format.currentText()


def _form(dialog: QDialog, rows: list[tuple[str, QWidget]], note: str) -> None:
    """Labelled rows, a note, and OK / Cancel."""
    form = QFormLayout(dialog)
    for label, widget in rows:
        form.addRow(label, widget)
    form.addRow(QLabel(note))
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    form.addRow(box)


def _spin(low: float, high: float, step: float, value: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setDecimals(2)
    box.setValue(float(value))
    return box


class DownloadDialog(QDialog):
    """Repository, file and optional checksum; progress, cancel, resume."""

    added = Signal(object)
    _progress = Signal(object, object)

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Download a model"))
        self.catalog = catalog
        self.repo = QLineEdit()
        self.repo.setPlaceholderText(self.tr("owner/repository"))
        self.file = QLineEdit()
        self.file.setPlaceholderText(self.tr("model.Q4_K_M.gguf"))
        self.sha = QLineEdit()
        self.sha.setPlaceholderText(self.tr("(optional; the hub's own checksum is used)"))
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.message = QLabel(
            self.tr("Downloads come from huggingface.co, only when you press Download.")
        )
        self.message.setWordWrap(True)
        self.start_button = QPushButton(self.tr("&Download"))
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("&Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        form = QFormLayout(self)
        form.addRow(self.tr("Repository"), self.repo)
        form.addRow(self.tr("File"), self.file)
        form.addRow(self.tr("SHA-256"), self.sha)
        form.addRow(self.bar)
        form.addRow(self.message)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.start_button)
        row.addWidget(self.cancel_button)
        form.addRow(row)
        self._cancel: threading.Event | None = None
        self._progress.connect(self._on_progress)
        self.base: str | None = None  # the hub's address; None: $HF_ENDPOINT or huggingface.co

    def start(self) -> None:
        """Begin (or resume) the download on a helper thread."""
        if self._cancel is not None:
            return
        repo, name, sha = self.repo.text().strip(), self.file.text().strip(), self.sha.text()
        self._cancel = threading.Event()
        cancel = self._cancel
        self.start_button.setEnabled(False)
        self.message.setText(self.tr("Downloading {0}…").format(name))
        helper = Background(self)
        helper.done.connect(self._on_done)
        helper.failed.connect(self._on_failed)
        models = self.catalog.paths.models
        base = self.base

        def job() -> ModelEntry:
            from backend.models.catalogue import inspect_gguf

            path = download(
                repo, name, models, sha256=sha or None, base=base, cancel=cancel,
                progress=lambda n, total: self._progress.emit(n, total),
            )  # fmt: skip
            try:
                entry = inspect_gguf(path)
            except CatalogError:
                path.unlink(missing_ok=True)
                raise
            entry.downloaded = True
            entry.source = f"{repo}/{name}"
            return entry

        self._helper = helper
        helper.start(job)

    def cancel(self) -> None:
        """Stop the download (it can resume later), or close the dialog."""
        if self._cancel is not None:
            self._cancel.set()
        else:
            self.reject()

    def _on_progress(self, done: int, total: int | None) -> None:
        if total:
            self.bar.setValue(int(1000 * done / total))
            self.message.setText(self.tr("{0} of {1}").format(human_size(done), human_size(total)))
        else:
            self.message.setText(f"{human_size(done)}")

    def _on_done(self, entry: ModelEntry) -> None:
        self._cancel = None
        self.start_button.setEnabled(True)
        try:
            added = self.catalog.add(entry)
        except (CatalogError, OSError) as exc:
            self.message.setText(str(exc))
            return
        self.bar.setValue(1000)
        self.message.setText(self.tr("Downloaded and checked {0}.").format(added.name))
        self.added.emit(added)

    def _on_failed(self, message: str) -> None:
        self._cancel = None
        self.start_button.setEnabled(True)
        self.message.setText(message)
