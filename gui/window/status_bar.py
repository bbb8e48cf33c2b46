"""The status bar: what the model is doing, how fast it wrote, and passing messages."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar, QWidget

# A model's token is about three quarters of an English word and about one Chinese or
# Japanese character; the status bar shows the writer's unit, the tooltip the exact figure.
WORDS_PER_TOKEN = 0.75
CHARACTERS_PER_TOKEN = 1.0
# How long the speed of the last continuation stays before the status bar is quiet again.
SPEED_SHOWN_MS = 30_000
OFFER_SHOWN_MS = 60_000  # an offer (a better model) goes away on its own


class StatusBar(QStatusBar):
    """Model name and loading progress on the right, messages on the left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_label = QLabel(self.tr("No model"))
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(160)
        self.progress.setVisible(False)
        self.speed_label = QLabel("")
        self._speed_timer = QTimer(self)
        self._speed_timer.setSingleShot(True)
        self._speed_timer.setInterval(SPEED_SHOWN_MS)
        self._speed_timer.timeout.connect(self.clear_speed)
        self.offer_label = QLabel("")
        self.offer_button = QPushButton("")
        self.offer_button.setFlat(True)
        self._offer_timer = QTimer(self)
        self._offer_timer.setSingleShot(True)
        self._offer_timer.setInterval(OFFER_SHOWN_MS)
        self._offer_timer.timeout.connect(self.withdraw_offer)
        self._offer_action: Callable[[], object] | None = None
        self.offer_button.clicked.connect(self._on_offer_button_clicked)
        self.addWidget(self.offer_label)
        self.addWidget(self.offer_button)
        self.withdraw_offer()
        self.addPermanentWidget(self.speed_label)
        self.addPermanentWidget(self.progress)
        self.addPermanentWidget(self.model_label)

    def offer(self, text: str, button: str, action: Callable[[], object]) -> None:
        """A suggestion the writer may take with one click, or ignore (it goes away)."""
        self._offer_action = action
        self.offer_label.setText(text)
        self.offer_button.setText(button)
        self.offer_label.setVisible(True)
        self.offer_button.setVisible(True)
        self._offer_timer.start()

    def withdraw_offer(self) -> None:
        """Take the offer away."""
        self._offer_timer.stop()
        self._offer_action = None
        self.offer_label.setVisible(False)
        self.offer_button.setVisible(False)

    def _on_offer_button_clicked(self) -> None:
        action = self._offer_action
        self.withdraw_offer()
        if action is not None:
            action()

    def model_loading(self) -> None:
        """A model started loading."""
        self.model_label.setText(self.tr("Loading model…"))
        self.progress.setValue(0)
        self.progress.setVisible(True)

    def load_progress(self, fraction: float) -> None:
        """Loading went on."""
        self.progress.setValue(int(fraction * 100))

    def model_ready(self, name: str) -> None:
        """`name` is loaded."""
        self.progress.setVisible(False)
        self.model_label.setText(name)
        self.showMessage(
            self.tr("{0} is ready. Ctrl+Enter continues your text.").format(name), 5000
        )

    def model_failed(self) -> None:
        """No model is loaded."""
        self.progress.setVisible(False)
        self.model_label.setText(self.tr("No model"))

    def set_speed(self, tokens_per_s: float, characters: bool = False) -> None:
        """How fast the last continuation was written, in words (or, for Chinese and
        Japanese, `characters`) per second; nothing when it wrote nothing."""
        if not tokens_per_s or tokens_per_s <= 0:
            self.clear_speed()
            return
        if characters:
            rate = max(1, round(tokens_per_s * CHARACTERS_PER_TOKEN))
            text = self.tr("about {0} characters/s") if rate > 1 else self.tr("about 1 character/s")
        else:
            rate = max(1, round(tokens_per_s * WORDS_PER_TOKEN))
            text = self.tr("about {0} words/s") if rate > 1 else self.tr("about 1 word/s")
        self.speed_label.setText(text.format(rate))
        self.speed_label.setToolTip(
            self.tr("The model wrote {0:.1f} tokens per second.").format(tokens_per_s)
        )
        self._speed_timer.start()

    def clear_speed(self) -> None:
        """Nothing is being written: the speed says nothing."""
        self._speed_timer.stop()
        self.speed_label.clear()
        self.speed_label.setToolTip("")
