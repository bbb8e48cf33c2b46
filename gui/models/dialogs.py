"""The smaller dialogs of Manage Models: a server, a model's settings, a download; and the
helper thread that inspects and downloads without touching a loaded model."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QWidget,
)

from backend.models.catalogue import PROMPT_FORMATS, Catalog, CatalogError, ModelEntry, human_size
from backend.models.download import DownloadError, download
from backend.untrusted import RefusedFile


class Background(QObject):
    """Runs one function on a helper thread; the result comes back as a queued signal."""

    done = Signal(object)
    failed = Signal(str)
    progress = Signal(object, object)

    _thread: threading.Thread | None = None

    def running(self) -> bool:
        """Whether the helper thread is still alive (it holds `fn` and what `fn` uses)."""
        return self._thread is not None and self._thread.is_alive()

    def start(self, fn: Callable[[], Any]) -> None:
        """Run `fn()` off the GUI thread."""

        def run() -> None:
            try:
                result = fn()
            except (CatalogError, DownloadError, RefusedFile) as exc:
                self.failed.emit(str(exc))
            except Exception as exc:  # never let a helper thread take the app down
                self.failed.emit(
                    QCoreApplication.translate("Background", "Something went wrong: {0}").format(
                        exc
                    )
                )
            else:
                self.done.emit(result)

        self._thread = threading.Thread(target=run, name="inkling-helper", daemon=True)
        self._thread.start()


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
                (self.tr("Name"), self.name),
                (self.tr("Address"), self.url),
                (self.tr("Model"), self.model),
                (self.tr("API key"), self.key),
            ],
            self.tr("The key is stored in a file only you can read."),
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
            (self.tr("Temperature"), self.temperature),
            (self.tr("Top p"), self.top_p),
            (self.tr("Top k"), self.top_k),
            (self.tr("Min p"), self.min_p),
            (self.tr("Repeat penalty"), self.repeat_penalty),
            (self.tr("Prompt format"), self.format),
        ]
        _form(
            self, rows, self.tr("An instruct model's format adds its end-of-turn marks as stops.")
        )

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
            except (CatalogError, RefusedFile):
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
        except (CatalogError, RefusedFile, OSError) as exc:
            self.message.setText(str(exc))
            return
        self.bar.setValue(1000)
        self.message.setText(self.tr("Downloaded and checked {0}.").format(added.name))
        self.added.emit(added)

    def _on_failed(self, message: str) -> None:
        self._cancel = None
        self.start_button.setEnabled(True)
        self.message.setText(message)
