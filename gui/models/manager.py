"""Model → Manage Models: the bundled model, added files and folders, servers, downloads.

Inspecting a file and downloading run on short-lived helper threads (they never touch a
loaded model); switching goes through the model thread like every other model call.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backend.engines.base import EngineKind
from backend.models.catalogue import Catalog, CatalogError, ModelEntry, human_size
from backend.models.machine import BusyFn, ProbeFn
from backend.untrusted import RefusedFile
from gui.common.i18n import QT_TRANSLATE_NOOP
from gui.common.tables import list_table
from gui.models.chooser import ModelChooserDialog, offer_models
from gui.models.dialogs import Background, DownloadDialog, ModelSettingsDialog, ServerDialog

ENGINE_LABELS = {
    EngineKind.LLAMACPP: "llama.cpp",
    EngineKind.TRANSFORMERS: "transformers",
    EngineKind.REMOTE: QT_TRANSLATE_NOOP("ModelManagerDialog", "server"),
}
COLUMNS = (
    "",
    QT_TRANSLATE_NOOP("ModelManagerDialog", "Name"),
    QT_TRANSLATE_NOOP("ModelManagerDialog", "Engine"),
    QT_TRANSLATE_NOOP("ModelManagerDialog", "Format"),
    QT_TRANSLATE_NOOP("ModelManagerDialog", "Architecture"),
    QT_TRANSLATE_NOOP("ModelManagerDialog", "Context"),
    QT_TRANSLATE_NOOP("ModelManagerDialog", "Size"),
    QT_TRANSLATE_NOOP("ModelManagerDialog", "Licence"),
    QT_TRANSLATE_NOOP("ModelManagerDialog", "Prompt"),
)


class ModelManagerDialog(QDialog):
    """Lists every model; add, remove, tune and switch without restarting."""

    switch_requested = Signal(str)
    generation_chosen = Signal(str)  # from Get a Better Model: the entry for generation
    selection_changed = Signal(object)  # the selected model's ModelSpec, or None

    def __init__(self, catalog: Catalog, active_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Models"))
        self.resize(860, 380)
        self.catalog = catalog
        self.active_id = active_id
        self.table = list_table(tuple(self.tr(c) if c else "" for c in COLUMNS))
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
        better = QPushButton(self.tr("Get a &Better Model…"))
        better.clicked.connect(self.better_models)
        self.tune_button = QPushButton(self.tr("Se&ttings…"))
        self.tune_button.clicked.connect(self.tune_selected)
        self.remove_button = QPushButton(self.tr("&Remove"))
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        for b in (self.use_button, better, add_file, add_folder, add_server, fetch):
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
        # Get a Better Model: the interface's language, how to tell that the window's model
        # is working (the speed probe waits for it) and the probe (None: the bundled model).
        self.language = QLocale().name()
        self.busy: BusyFn | None = None
        self.probe: ProbeFn | None = None
        self.chooser: ModelChooserDialog | None = None
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
                self.tr(ENGINE_LABELS[EngineKind(e.engine)]),
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
        except (CatalogError, RefusedFile):
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
        helper.failed.connect(lambda m: self._refuse(self.tr("This model cannot be added"), m))
        helper.start(lambda: inspect_path(path))

    def _on_inspected(self, entry: ModelEntry) -> None:
        try:
            added = self.catalog.add(entry)
        except (CatalogError, RefusedFile, OSError) as exc:
            self._refuse(self.tr("The model list could not be saved"), str(exc))
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
        except (CatalogError, RefusedFile, OSError) as exc:
            self._refuse(self.tr("The server cannot be added"), str(exc))
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

    def better_models(self) -> ModelChooserDialog:
        """Open Get a Better Model; a model used for suggestions loads like Use This Model."""
        if self.chooser is None:
            self.chooser = offer_models(self, self.catalog, self.language, self.probe, self.busy)
            self.chooser.switch_requested.connect(self.switch_requested)
            self.chooser.generation_chosen.connect(self.generation_chosen)
            self.chooser.model_added.connect(lambda e: self.refresh(select=e.id))
        else:
            self.chooser.present()
        return self.chooser

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
        except (CatalogError, RefusedFile, OSError) as exc:
            self._refuse(self.tr("These settings were not saved"), str(exc))
            return
        self.refresh()

    def remove_selected(self, confirm: bool = True) -> None:
        """Remove the selected model (its file only if Inkling downloaded it)."""
        entry = self.catalog.get(self.selected_id() or "")
        if entry is None or entry.bundled:
            return
        if confirm:
            what = (
                self.tr("and delete the downloaded file")
                if entry.downloaded
                else self.tr("(the file stays)")
            )
            answer = QMessageBox.question(
                self, self.tr("Remove model"), self.tr("Remove {0} {1}?").format(entry.name, what)
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        was_active = entry.id == self.active_id
        try:
            self.catalog.remove(entry.id)
        except (CatalogError, RefusedFile, OSError) as exc:
            self._refuse(self.tr("The model was not removed"), str(exc))
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
