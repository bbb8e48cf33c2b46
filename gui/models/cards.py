"""One card of Get a Better Model: a curated model's name, what it is good at, its size,
memory, languages, licence and fit on this computer, with Download and Use buttons; and
the transfer rate behind "12 MB/s, about 3 min left"."""

from __future__ import annotations

import time
from collections import deque
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from backend.models.entry import human_size
from backend.models.install import GENERATION, SUGGESTIONS, ShelfItem
from backend.models.library import CuratedModel
from backend.models.machine import RUNS_SLOWLY, RUNS_WELL, TOO_BIG
from gui.common.i18n import QT_TRANSLATE_NOOP

# A token is about three quarters of an English word (the usual rule of thumb for the
# BPE vocabularies these models use); writers think in words, not tokens.
WORDS_PER_TOKEN = 0.75
RATE_WINDOW_S = 8.0  # the speed shown is the average over this many seconds
LANGUAGE_NAMES = {
    "en": QT_TRANSLATE_NOOP("ModelCard", "English"),
    "zh": QT_TRANSLATE_NOOP("ModelCard", "Chinese"),
}
MAX_LANGUAGES_SHOWN = 6


class TransferRate:
    """Bytes a second over the last few seconds of a download, and the time left."""

    def __init__(self, window_s: float = RATE_WINDOW_S) -> None:
        self.window_s = window_s
        self._samples: deque[tuple[float, int]] = deque()

    def add(self, done: int, now: float | None = None) -> None:
        """Record that `done` bytes are on disk at `now` (monotonic seconds)."""
        now = time.monotonic() if now is None else now
        self._samples.append((now, done))
        while len(self._samples) > 2 and now - self._samples[0][0] > self.window_s:
            self._samples.popleft()

    def bytes_per_s(self) -> float | None:
        """The recent speed (None until there is enough to tell)."""
        if len(self._samples) < 2:
            return None
        (t0, d0), (t1, d1) = self._samples[0], self._samples[-1]
        if t1 - t0 < 0.2 or d1 < d0:
            return None
        return (d1 - d0) / (t1 - t0)

    def seconds_left(self, total: int) -> float | None:
        """Seconds until `total` bytes at the recent speed (None: not known yet)."""
        speed = self.bytes_per_s()
        if not speed or not self._samples:
            return None
        return max(0.0, (total - self._samples[-1][1]) / speed)


class ModelCard(QFrame):
    """One curated model as the writer sees it in the chooser."""

    download_clicked = Signal(str)
    cancel_clicked = Signal(str)
    use_clicked = Signal(str, str)  # model id, SUGGESTIONS | GENERATION

    def __init__(self, model: CuratedModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.item: ShelfItem | None = None
        self.installed = ""
        self.recommended = False
        self.downloading = False
        self.note = ""  # why the last download stopped, or that it finished
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.title = _label()
        font = QFont(self.title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.badge = QLabel()  # short: kept on one line beside the name
        self.writers = _label(model.writers)
        self.details = _label()
        self.licence = _label()
        self.licence.setTextFormat(Qt.TextFormat.RichText)
        self.licence.setOpenExternalLinks(True)
        self.fit_line = _label()
        self.state = _label()
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.hide()
        self.download_button = QPushButton(self.tr("&Download"))
        self.download_button.clicked.connect(lambda: self.download_clicked.emit(model.id))
        self.cancel_button = QPushButton(self.tr("&Cancel"))
        self.cancel_button.clicked.connect(lambda: self.cancel_clicked.emit(model.id))
        self.cancel_button.hide()
        self.suggest_button = QPushButton(self.tr("Use for &suggestions"))
        self.suggest_button.clicked.connect(lambda: self.use_clicked.emit(model.id, SUGGESTIONS))
        self.generate_button = QPushButton(self.tr("Use for &generation"))
        self.generate_button.clicked.connect(lambda: self.use_clicked.emit(model.id, GENERATION))
        self._build()
        self.show_item(None, recommended=False, measuring=False)

    def _build(self) -> None:
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.badge)
        buttons = QHBoxLayout()
        buttons.addWidget(self.state, 1)
        for button in (
            self.download_button,
            self.cancel_button,
            self.suggest_button,
            self.generate_button,
        ):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        for widget in (self.writers, self.details, self.licence, self.fit_line, self.bar):
            layout.addWidget(widget)
        layout.addLayout(buttons)

    # --- what the card says -----------------------------------------------------------
    def show_item(self, item: ShelfItem | None, *, recommended: bool, measuring: bool) -> None:
        """Show the model's fit (None: the machine is still being read)."""
        m = self.model
        self.item = item
        self.recommended = recommended
        self.title.setText(m.name)
        self.badge.setText(self.tr("★ Recommended for you") if recommended else "")
        self.badge.setVisible(recommended)
        self.details.setText(self.details_text())
        link = f'<a href="{escape(m.licence_url, quote=True)}">{escape(m.licence)}</a>'
        extra = self.tr(" (you accept it before the download)") if m.accept_required else ""
        self.licence.setText(self.tr("Licence: {0}{1}").format(link, escape(extra)))
        self.fit_line.setText(self.fit_text(measuring))
        if item is not None and item.installed and not self.installed:
            self.installed = item.installed
        self._show_state()

    def details_text(self) -> str:
        """Size, memory needed, languages and kind in one line."""
        m = self.model
        size = human_size(m.size_bytes) if m.size_bytes else self.tr("size unknown")
        ram = m.ram_bytes()
        if not ram:
            memory = self.tr("memory needed unknown")
        elif m.ram_exact:
            memory = self.tr("needs {0} of memory").format(human_size(ram))
        else:
            memory = self.tr("needs about {0} of memory").format(human_size(ram))
        names = [
            self.tr(LANGUAGE_NAMES[code]) if code in LANGUAGE_NAMES else code
            for code in m.languages[:MAX_LANGUAGES_SHOWN]
        ]
        if len(m.languages) > MAX_LANGUAGES_SHOWN:
            names.append("…")
        kind = self.tr("follows instructions") if m.kind == "instruct" else self.tr("base model")
        return self.tr("Size {0} · {1} · {2} · {3}").format(size, memory, ", ".join(names), kind)

    def fit_text(self, measuring: bool) -> str:
        """The fit verdict in plain words."""
        item = self.item
        if item is None:
            return self.tr("Checking this computer…")
        verdict, speed = item.fit.fit, item.fit.est_tokens_per_s
        words = max(1, round(speed * WORDS_PER_TOKEN)) if speed else 0
        if verdict == TOO_BIG:
            return self.tr("Too big for this computer's memory")
        if verdict == RUNS_SLOWLY:
            return self.tr("Runs slowly on this computer, about {0} words a second").format(words)
        if verdict == RUNS_WELL and words:
            return self.tr("Runs well on this computer, about {0} words a second").format(words)
        if verdict == RUNS_WELL:
            pending = self.tr("measuring…") if measuring else self.tr("speed not measured yet")
            return self.tr("Fits this computer's memory; {0}").format(pending)
        return self.tr("Size unknown, so how well it runs is unknown")

    # --- downloading and installed ----------------------------------------------------
    def set_downloading(self, message: str) -> None:
        """Show the progress bar and Cancel."""
        self.downloading = True
        self.note = ""
        self.bar.setValue(0)
        self.bar.show()
        self.state.setText(message)
        self.download_button.hide()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)

    def set_progress(self, fraction: float | None, message: str) -> None:
        """Move the bar (None: the size is not known) and say how far it is."""
        if fraction is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * min(1.0, max(0.0, fraction))))
        self.state.setText(message)

    def set_stopped(self, message: str) -> None:
        """The download ended without a model (cancelled or failed): say why."""
        self.downloading = False
        self.note = message
        self.bar.hide()
        self._show_state()

    def set_installed(self, entry_id: str, message: str) -> None:
        """The model is among the writer's models now."""
        self.installed = entry_id
        self.downloading = False
        self.note = message
        self.bar.hide()
        self._show_state()

    def _show_state(self) -> None:
        done = bool(self.installed)
        if not self.downloading:
            self.state.setText(self.note or (self.tr("Installed") if done else ""))
        self.download_button.setVisible(not done)
        if self.downloading:
            self.download_button.hide()
            self.cancel_button.show()
        else:
            self.cancel_button.hide()
        self.suggest_button.setVisible(done)
        self.generate_button.setVisible(done)


def _label(text: str = "") -> QLabel:
    """A label that wraps rather than clipping, and whose text can be selected."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    return label
