"""Model → Get a Better Model: the curated models as cards fitted to this computer, the
recommended one first; a download from a card (the licence accepted first where it must
be, progress with speed and time left, Cancel keeps the partial file for a resume); then
"Use for suggestions" or "Use for generation".

Closing the dialog only hides it: a download goes on, and its Cancel is there when the
dialog is shown again (`present`). Reading the machine, measuring its speed and
downloading run on helper threads (gui/models/dialogs.py `Background`); the list shows at
once and fills in its fits when they are known. The speed probe loads the bundled model
on its own, never on the window's model thread, and waits while the window's model is
busy (`busy`). Loading a model for suggestions goes through the window like Manage
Models' "Use This Model": `switch_requested(entry id)`.
"""

from __future__ import annotations

import dataclasses
import threading
from html import escape

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from backend.models.catalogue import Catalog, CatalogError, ModelEntry
from backend.models.entry import human_size
from backend.models.install import GENERATION, LANGUAGES, SUGGESTIONS, Shelf, install, shelf
from backend.models.install import use_for as use_model_for
from backend.models.library import CuratedModel, LibraryError, find, load_library
from backend.models.machine import (
    BusyFn,
    Machine,
    ProbeFn,
    ProbeResult,
    bundled_probe,
    calibration,
    read_machine,
)
from backend.storage.atomic import SaveError
from backend.untrusted import RefusedFile
from gui.common.messages import translate_message
from gui.models.cards import ModelCard, TransferRate
from gui.models.dialogs import Background

BUSY_RETRY_MS = 1000  # how often to look again whether the window's model is free
DAY_S = 86400.0


class LicenceDialog(QDialog):
    """A model's licence, its link, and "I accept"."""

    def __init__(self, model: CuratedModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Licence of {0}").format(model.name))
        url = escape(model.licence_url, quote=True)
        text = QLabel(
            self.tr(
                "{0} is provided under the {1}. Read it at {2}. To download the model you "
                "must accept its terms."
            ).format(
                escape(model.name),
                escape(model.licence),
                f'<a href="{url}">{url}</a>',
            )
        )
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        text.setOpenExternalLinks(True)
        box = QDialogButtonBox()
        self.accept_button = box.addButton(
            self.tr("I &accept"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        box.addButton(QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(box)


class ModelChooserDialog(QDialog):
    """A card per curated model; download one and use it, in three clicks."""

    switch_requested = Signal(str)  # load this entry for suggestions (the window's switch)
    generation_chosen = Signal(str)  # this entry writes sheets and continuations now
    model_added = Signal(object)  # the ModelEntry just downloaded
    shelf_changed = Signal()  # the fits (or the speed behind them) are known or changed
    _progress = Signal(str, object, object)  # model id, bytes done, total (from a helper)

    def __init__(
        self,
        catalog: Catalog,
        language: str,
        probe: ProbeFn | None = None,
        busy: BusyFn | None = None,
        *,
        machine: Machine | None = None,
        models: list[CuratedModel] | None = None,
        base: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Get a Better Model"))
        self.catalog = catalog
        self.paths = catalog.paths
        self.language = _language_key(language)
        self.probe = probe
        self.busy = busy
        self.machine = machine
        self.base = base  # the hub's address; None: $HF_ENDPOINT or huggingface.co
        self.view: Shelf | None = None
        self.measuring = False
        self.licence_dialog: LicenceDialog | None = None
        self._accepted: set[str] = set()
        self._downloads: dict[str, tuple[threading.Event, TransferRate]] = {}
        self._helpers: list[Background] = []
        self._progress.connect(self._on_progress)
        self.models = self._load_models(models)
        self.cards = {m.id: self._card(m) for m in self.models}
        self._build()
        self.look()

    def _load_models(self, models: list[CuratedModel] | None) -> list[CuratedModel]:
        self.problem = ""
        if models is not None:
            return models
        try:
            return load_library()
        except LibraryError as exc:
            self.problem = translate_message(str(exc))
            return []

    def _card(self, model: CuratedModel) -> ModelCard:
        card = ModelCard(model)
        card.download_clicked.connect(self.download)
        card.cancel_clicked.connect(self.cancel)
        card.use_clicked.connect(self.use_for)
        return card

    def _build(self) -> None:
        self.machine_line = QLabel(self.tr("Checking this computer…"))
        self.machine_line.setWordWrap(True)
        self.speed_line = QLabel("")
        self.speed_line.setWordWrap(True)
        self.measure_button = QPushButton(self.tr("&Measure Again"))
        self.measure_button.clicked.connect(lambda: self.measure(refresh=True))
        self.measure_button.setEnabled(self.probe is not None)
        speed = QHBoxLayout()
        speed.addWidget(self.speed_line, 1)
        speed.addWidget(self.measure_button)
        self.list_widget = QWidget()
        self.list_layout = QVBoxLayout(self.list_widget)
        self._place_cards()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.list_widget)
        self.status = QLabel(self.problem)
        self.status.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.machine_line)
        layout.addLayout(speed)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.status)
        layout.addWidget(close)
        # Fits a 1366x768 screen with the window's title bar and a panel.
        self.resize(760, 640)

    def _place_cards(self) -> None:
        """The recommended model first, then the list's own order."""
        while self.list_layout.count():
            self.list_layout.takeAt(0)
        first = self.recommended_id()
        ordered = sorted(self.cards.values(), key=lambda c: c.model.id != first)
        for card in ordered:
            self.list_layout.addWidget(card)
        self.list_layout.addStretch(1)

    def recommended_id(self) -> str | None:
        """The model recommended for the interface's language (None: not known yet)."""
        return None if self.view is None else self.view.recommended.get(self.language)

    def ordered_ids(self) -> list[str]:
        """The cards' model ids as listed, top to bottom."""
        out = []
        for i in range(self.list_layout.count()):
            item = self.list_layout.itemAt(i)
            widget = item.widget() if item is not None else None
            if isinstance(widget, ModelCard):
                out.append(widget.model.id)
        return out

    # --- the machine and its speed ------------------------------------------------------
    def look(self) -> None:
        """Read the machine and the writer's models (on a helper thread), then measure the
        speed if no recent measurement is kept."""
        paths, models, known = self.paths, self.models, self.machine

        def job() -> Shelf:
            return shelf(paths, None, machine=known or read_machine(), models=models)

        helper = self._helper()
        helper.done.connect(self._on_looked)
        helper.failed.connect(self._on_look_failed)
        helper.start(job)

    def _on_looked(self, view: Shelf) -> None:
        self.machine = view.machine
        self._show(view)
        if view.calibration is None and self.probe is not None:
            self.measure()

    def _on_look_failed(self, message: str) -> None:
        self.machine_line.setText(translate_message(message))

    def measure(self, refresh: bool = False) -> None:
        """Measure this computer's speed on a helper thread, once the window's model is
        free (`refresh` is "Measure Again"; the first measurement passes it too)."""
        if self.probe is None or self.machine is None or self.measuring:
            return
        self.measuring = True
        self.measure_button.setEnabled(False)
        self._show(self.view)
        self._measure_when_free()

    def _measure_when_free(self) -> None:
        if self.busy is not None and self.busy():
            self.speed_line.setText(self.tr("Waiting for the model to finish writing…"))
            QTimer.singleShot(BUSY_RETRY_MS, self, self._measure_when_free)
            return
        self.speed_line.setText(self.tr("Measuring this computer…"))
        paths, models, machine, probe = self.paths, self.models, self.machine, self.probe
        assert machine is not None and probe is not None

        def job() -> Shelf:
            found = calibration(paths.cache, machine, probe, refresh=True)
            # The measurement is used even when it could not be kept (see machine.py).
            again: ProbeFn | None = None
            if found is not None:
                result = ProbeResult(found.probe_tokens_per_s, found.probe_size_bytes)
                again = lambda: result  # noqa: E731
            return shelf(paths, again, machine=machine, models=models)

        helper = self._helper()
        helper.done.connect(self._on_measured)
        helper.failed.connect(self._on_measure_failed)
        helper.start(job)

    def _on_measured(self, view: Shelf) -> None:
        self.measuring = False
        self.measure_button.setEnabled(True)
        self._show(view)

    def _on_measure_failed(self, message: str) -> None:
        self.measuring = False
        self.measure_button.setEnabled(True)
        self._show(self.view)
        self.speed_line.setText(translate_message(message))

    def _show(self, view: Shelf | None) -> None:
        if view is not None:
            self.view = view
            self.machine_line.setText(self.machine_text(view.machine))
            self.speed_line.setText(self.speed_text(view))
        recommended = self.recommended_id()
        for card in self.cards.values():
            item = view.item(card.model.id) if view is not None else None
            card.show_item(item, recommended=card.model.id == recommended, measuring=self.measuring)
        self._place_cards()
        self.shelf_changed.emit()

    def machine_text(self, machine: Machine) -> str:
        """'This computer: 16 GB of memory, 4 cores.'"""
        return self.tr("This computer: {0} of memory, {1} cores{2}.").format(
            human_size(machine.total_bytes),
            machine.physical_cores,
            self.tr(", a graphics card llama.cpp can use") if machine.gpu else "",
        )

    def speed_text(self, view: Shelf) -> str:
        """When the speeds were measured, or that they are not yet."""
        if self.measuring:
            return self.tr("Measuring this computer…")
        calib = view.calibration
        if calib is None:
            return self.tr("Speed not measured yet; the list goes by memory only.")
        days = int(calib.age_s() // DAY_S)
        when = self.tr("today") if days < 1 else self.tr("%n day(s) ago", "", days)
        return self.tr("Speeds estimated from a measurement of this computer ({0}).").format(when)

    # --- downloading ------------------------------------------------------------------
    def download(self, model_id: str) -> None:
        """Download a card's model: its licence first where it must be accepted."""
        model = find(self.models, model_id)
        if model is None or model_id in self._downloads:
            return
        if model.accept_required and model_id not in self._accepted:
            dialog = LicenceDialog(model, self)
            dialog.accepted.connect(lambda: self._on_licence_accepted(model_id))
            self.licence_dialog = dialog
            dialog.open()
            return
        self._start(model_id)

    def _on_licence_accepted(self, model_id: str) -> None:
        self._accepted.add(model_id)
        self._start(model_id)

    def _start(self, model_id: str) -> None:
        cancel = threading.Event()
        self._downloads[model_id] = (cancel, TransferRate())
        card = self.cards[model_id]
        card.set_downloading(self.tr("Starting the download…"))
        paths, models, base = self.paths, self.models, self.base
        accepted = model_id in self._accepted
        emit = self._progress.emit

        def job() -> ModelEntry:
            return install(
                paths, model_id, accept_licence=accepted, cancel=cancel, base=base,
                models=models, progress=lambda n, total: emit(model_id, n, total),
            )  # fmt: skip

        helper = self._helper()
        helper.done.connect(lambda entry: self._on_installed(model_id, entry))
        helper.failed.connect(lambda message: self._on_download_failed(model_id, message))
        helper.start(job)

    def cancel(self, model_id: str) -> None:
        """Stop a download; the part on disk stays, and Download resumes it."""
        running = self._downloads.get(model_id)
        if running is not None:
            running[0].set()
            self.cards[model_id].cancel_button.setEnabled(False)

    def _on_progress(self, model_id: str, done: int, total: int | None) -> None:
        running = self._downloads.get(model_id)
        if running is None:
            return
        rate = running[1]
        rate.add(done)
        card = self.cards[model_id]
        if not total:
            card.set_progress(None, self.tr("{0} downloaded").format(human_size(done)))
            return
        text = self.tr("{0} of {1}").format(human_size(done), human_size(total))
        speed = rate.bytes_per_s()
        left = rate.seconds_left(total)
        if speed and left is not None:
            text = self.tr("{0} · {1}/s · about {2} left").format(
                text, human_size(int(speed)), self.duration_text(left)
            )
        card.set_progress(done / total, text)

    def duration_text(self, seconds: float) -> str:
        """'40 s', '12 min', '1 h 5 min'."""
        if seconds < 90:
            return self.tr("{0} s").format(max(1, round(seconds)))
        minutes = round(seconds / 60)
        if minutes < 90:
            return self.tr("{0} min").format(minutes)
        return self.tr("{0} h {1} min").format(minutes // 60, minutes % 60)

    def _on_installed(self, model_id: str, entry: ModelEntry) -> None:
        self._downloads.pop(model_id, None)
        self.catalog.load()  # the window's list of models learns the new entry
        self.cards[model_id].set_installed(entry.id, self.tr("Downloaded and checked. Use it for:"))
        self.status.setText(self.tr("{0} is ready.").format(entry.name))
        if self.view is not None:
            items = tuple(
                dataclasses.replace(i, installed=entry.id) if i.model.id == model_id else i
                for i in self.view.items
            )
            self.view = dataclasses.replace(self.view, items=items)
        self.model_added.emit(entry)

    def _on_download_failed(self, model_id: str, message: str) -> None:
        running = self._downloads.pop(model_id, None)
        if running is not None and running[0].is_set():
            text = self.tr("Paused. The part downloaded is kept; Download resumes it.")
        else:
            text = translate_message(message)
        self.cards[model_id].set_stopped(text)
        self.status.setText(text)

    # --- using ------------------------------------------------------------------------
    def use_for(self, model_id: str, role: str) -> None:
        """Make a downloaded model the one for suggestions (loaded now) or for generation."""
        entry_id = self.cards[model_id].installed
        if not entry_id:
            return
        try:
            use_model_for(self.paths, entry_id, role)
        except (CatalogError, SaveError, RefusedFile, OSError, ValueError) as exc:
            self.status.setText(translate_message(str(exc)))
            return
        name = self.cards[model_id].model.name
        if role == SUGGESTIONS:
            self.status.setText(self.tr("Loading {0} for suggestions…").format(name))
            self.switch_requested.emit(entry_id)
        elif role == GENERATION:
            self.status.setText(
                self.tr("{0} will write character sheets and continuations.").format(name)
            )
            self.generation_chosen.emit(entry_id)

    def present(self) -> None:
        """Show the dialog (again), with what is installed looked at afresh."""
        if not self._downloads and not self.measuring:
            self.look()
        self.show()
        self.raise_()
        self.activateWindow()

    def _helper(self) -> Background:
        helper = Background(self)
        self._helpers = [h for h in self._helpers if h.running()] + [helper]
        return helper


def _language_key(language: str) -> str:
    """'zh_CN' -> 'zh'; a language with no recommendation of its own gets English's."""
    key = language.replace("-", "_").split("_")[0].lower()
    return key if key in LANGUAGES else "en"


def offer_models(
    parent: QWidget | None,
    catalog: Catalog,
    language: str,
    probe: ProbeFn | None = None,
    busy: BusyFn | None = None,
    *,
    measure: bool = True,
) -> ModelChooserDialog:
    """Open Get a Better Model for the interface's `language`. Without a `probe` the speed
    is measured on the bundled model (unless `measure` is False), waiting while `busy()`
    says the window's model is working."""
    if probe is None and measure:
        probe = bundled_probe(catalog.paths.models, busy=busy)
    dialog = ModelChooserDialog(catalog, language, probe, busy, parent=parent)
    dialog.show()
    dialog.raise_()
    return dialog
