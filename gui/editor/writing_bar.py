"""The strip at the foot of the editor while the model writes into the text: what it is
doing (reading the story, then how many words it has written), for how long, and Stop.

It sits where the writer is looking, over the bottom of the page, not in the status bar:
a continuation on a busy machine can take seconds before its first word, and the writer
should never wonder whether anything is happening or how to end it.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from backend.text.counts import cjk_count, is_mostly_cjk, word_count

TICK_MS = 500
MARGIN_PX = 10


class WritingBar(QFrame):
    """A small bar with what the model is doing and a Stop button, over its host's foot."""

    stop_clicked = Signal()

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self.setObjectName("writingBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.label = QLabel("")
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("Stop writing (Esc); what is written stays"))
        self.stop_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing stays in the page
        self.stop_button.clicked.connect(self.stop_clicked)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 4, 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.stop_button)
        self._clock = QElapsedTimer()
        self._written = ""
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._refresh)
        host.installEventFilter(self)
        self.hide()

    def begin(self) -> None:
        """The model has been asked: show the bar, reading the story."""
        self._written = ""
        self._clock.start()
        self._tick.start()
        self._refresh()
        self._place()
        self.show()
        self.raise_()

    def written(self, text: str) -> None:
        """The text written so far (kept and drafted): the bar counts it."""
        self._written = text
        self._refresh()

    def end(self) -> None:
        """Writing is over (done, stopped or failed)."""
        self._tick.stop()
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Follow the host's size."""
        if watched is self.parent() and event.type() == QEvent.Type.Resize:
            self._place()
        return False

    @Slot()
    def _refresh(self) -> None:
        seconds = self._clock.elapsed() // 1000 if self._clock.isValid() else 0
        text = self._written
        if not text.strip():
            message = self.tr("Reading the story… {0} s").format(seconds)
        elif is_mostly_cjk(text):
            message = self.tr("Writing… %n character(s)", "", cjk_count(text))
        else:
            message = self.tr("Writing… %n word(s)", "", word_count(text))
        self.label.setText(message)
        self.adjustSize()
        self._place()

    def _steady_width(self) -> int:
        """A width that does not change as the count grows, so that Stop stays where the
        pointer is."""
        longest = max(
            (
                self.tr("Reading the story… {0} s").format(999),
                self.tr("Writing… %n character(s)", "", 99999),
                self.tr("Writing… %n word(s)", "", 99999),
            ),
            key=self.label.fontMetrics().horizontalAdvance,
        )
        text = self.label.fontMetrics().horizontalAdvance(longest)
        return text + self.stop_button.sizeHint().width() + 40

    def _place(self) -> None:
        host = self.parentWidget()
        if host is None:
            return
        hint = self.sizeHint()
        width = min(self._steady_width(), max(host.width() - 2 * MARGIN_PX, 120))
        self.resize(width, hint.height())
        self.move((host.width() - width) // 2, host.height() - hint.height() - MARGIN_PX)
