"""The voice adapters of the model selected in Manage Models: on/off, strength, rename, delete."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSlider,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backend.engines.adapter_file import NOT_ON_A_SERVER, AdapterError
from backend.models.adapter_library import AdapterLibrary
from backend.models.catalogue import human_size
from backend.models.spec import EngineKind, ModelSpec
from backend.untrusted import RefusedFile
from gui.common.i18n import QT_TRANSLATE_NOOP
from gui.common.messages import translate_message
from gui.common.tables import list_table
from gui.models.voice import VoiceController

COLUMNS = (
    QT_TRANSLATE_NOOP("AdaptersPanel", "On"),
    QT_TRANSLATE_NOOP("AdaptersPanel", "Name"),
    QT_TRANSLATE_NOOP("AdaptersPanel", "Learned from"),
    QT_TRANSLATE_NOOP("AdaptersPanel", "Made"),
    QT_TRANSLATE_NOOP("AdaptersPanel", "Size"),
    QT_TRANSLATE_NOOP("AdaptersPanel", "Surprise (lower fits better)"),
)


class AdaptersPanel(QGroupBox):
    """Adapters trained for one model."""

    def __init__(self, voice: VoiceController, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Your voices"), parent)
        self.voice = voice
        self.spec: ModelSpec | None = None
        self.library: AdapterLibrary | None = None
        self.table = list_table(tuple(self.tr(c) for c in COLUMNS))
        self.table.setMaximumHeight(140)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.on_button = QPushButton(self.tr("Switch &On"))
        self.on_button.clicked.connect(self.toggle_selected)
        self.strength = QSlider(Qt.Orientation.Horizontal)
        self.strength.setRange(0, 200)
        self.strength.setValue(100)
        self.strength.setToolTip(
            self.tr("How strongly the voice changes the model (100 %: as trained)")
        )
        self.strength.sliderReleased.connect(self._on_strength_released)
        self.strength_label = QLabel("100 %")
        self.strength.valueChanged.connect(lambda v: self.strength_label.setText(f"{v} %"))
        self.rename_button = QPushButton(self.tr("Re&name…"))
        self.rename_button.clicked.connect(lambda: self.rename_selected())
        self.delete_button = QPushButton(self.tr("De&lete"))
        self.delete_button.clicked.connect(self.delete_selected)
        self.add_button = QPushButton(self.tr("Add Voice &File…"))
        self.add_button.clicked.connect(lambda: self.add_file())
        self.train_button = QPushButton(self.tr("&Train on My Writing…"))
        self.train_button.clicked.connect(self.voice.show_training)
        row = QHBoxLayout()
        row.addWidget(self.on_button)
        row.addWidget(QLabel(self.tr("Strength")))
        row.addWidget(self.strength, 1)
        row.addWidget(self.strength_label)
        for b in (self.rename_button, self.delete_button, self.add_button, self.train_button):
            row.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addWidget(self.note)
        voice.changed.connect(self.refresh)
        self.show_model(None)

    def show_model(self, spec: ModelSpec | None) -> None:
        """List the adapters of `spec`; with no model selected in the list, those of the
        model that is loaded (None while none is)."""
        spec = spec or self.voice.spec
        self.spec = spec
        self.library = self.voice.library(spec) if spec is not None else None
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Rebuild the list."""
        keep = self.selected_file()
        self.table.setRowCount(0)
        library = self.library
        if self.spec is not None and library is None:
            self.note.setText(
                translate_message(NOT_ON_A_SERVER)
                if self.spec.engine == EngineKind.REMOTE
                else self.tr("This model cannot take a trained voice.")
            )
        elif library is not None:
            active = library.active()
            entries = library.entries()
            for row, e in enumerate(entries):
                on = active is not None and active.path.name == e.file
                sources = ", ".join(e.meta.sources)
                values = ("●" if on else "", e.name, sources, e.meta.created[:10],
                          human_size(e.size), e.gain)  # fmt: skip
                self.table.insertRow(row)
                for col, value in enumerate(values):
                    item = QTableWidgetItem(value)
                    item.setData(Qt.ItemDataRole.UserRole, e.file)
                    item.setToolTip(sources)
                    self.table.setItem(row, col, item)
                if e.file == keep:
                    self.table.selectRow(row)
            if active is not None:
                self.strength.setValue(round(active.scale * 100))
            loaded = self.spec is not None and self.voice.is_loaded(self.spec)
            self.note.setText(
                ("" if entries else self.tr("No voices yet: train one on your writing."))
                + ("" if loaded else self.tr(" Changes apply when this model is loaded."))
            )
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def selected_file(self) -> str | None:
        """The file of the selected adapter."""
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def _update_buttons(self) -> None:
        library, file = self.library, self.selected_file()
        active = library.active() if library is not None else None
        is_on = active is not None and file is not None and active.path.name == file
        self.on_button.setText(self.tr("Switch &Off") if is_on else self.tr("Switch &On"))
        for b in (self.on_button, self.rename_button, self.delete_button):
            b.setEnabled(file is not None)
        self.strength.setEnabled(active is not None)
        for b in (self.add_button, self.train_button):
            b.setEnabled(library is not None)

    @Slot()
    def toggle_selected(self) -> None:
        """Switch the selected adapter on (or off, if it is the one on)."""
        library, file = self.library, self.selected_file()
        if library is None or file is None:
            return
        active = library.active()
        turning_off = active is not None and active.path.name == file
        self.voice.switch(library, None if turning_off else file, self.strength.value() / 100)

    @Slot()
    def _on_strength_released(self) -> None:
        library = self.library
        active = library.active() if library is not None else None
        if library is not None and active is not None:
            self.voice.switch(library, active.path.name, self.strength.value() / 100)

    def rename_selected(self, name: str | None = None) -> None:
        """Give the selected adapter a new name."""
        library, file = self.library, self.selected_file()
        if library is None or file is None:
            return
        if name is None:
            current = self.table.item(self.table.currentRow(), 1)
            name, ok = QInputDialog.getText(self, self.tr("Rename voice"), self.tr("Name:"),
                                            text=current.text() if current else "")  # fmt: skip
            if not ok:
                return
        try:
            library.rename(file, name)
        except (AdapterError, RefusedFile) as exc:
            self.note.setText(str(exc))
            return
        self.refresh()

    @Slot()
    def delete_selected(self) -> None:
        """Delete the selected adapter."""
        library, file = self.library, self.selected_file()
        if library is not None and file is not None:
            self.voice.delete(library, file)

    def add_file(self, path: str | None = None) -> bool:
        """Add an adapter file made elsewhere (refused if it is for another model)."""
        library = self.library
        if library is None:
            return False
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self,
                self.tr("Add a voice file"),
                "",
                self.tr("Voice files (LoRA adapters, *.gguf)"),
            )
            if not path:
                return False
        try:
            library.add(Path(path))
        except (AdapterError, RefusedFile) as exc:
            self.note.setText(str(exc))
            return False
        self.refresh()
        return True
