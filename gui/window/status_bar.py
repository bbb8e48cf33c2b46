"""The status bar: what the model is doing, how fast it wrote, and passing messages."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget


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

    def set_speed(self, tokens_per_s: float) -> None:
        """How fast the last continuation was written."""
        self.speed_label.setText(self.tr("{0:.0f} tokens/s").format(tokens_per_s))
