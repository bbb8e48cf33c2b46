"""The status bar: what the model is doing, how fast it wrote, and passing messages."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

# A model's token is about three quarters of an English word and about one Chinese or
# Japanese character; the status bar shows the writer's unit, the tooltip the exact figure.
WORDS_PER_TOKEN = 0.75
CHARACTERS_PER_TOKEN = 1.0
# How long the speed of the last continuation stays before the status bar is quiet again.
SPEED_SHOWN_MS = 30_000


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
        self.addPermanentWidget(self.speed_label)
        self.addPermanentWidget(self.progress)
        self.addPermanentWidget(self.model_label)

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
