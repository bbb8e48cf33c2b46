"""The status bar: what the model is doing, how fast it wrote, and passing messages.

The right-hand side holds what is always true (the model and its loading progress, the
counts); the left-hand side tells passing messages, one at a time. Several things report
at once while Inkling starts (a lock cleared, a model chosen before that is gone, the model
ready), so a message is not replaced before it could be read unless something matters
more: the writer's own replies come at once, errors come at once and stay until read, news
nobody asked for waits its turn. The offer of a better model appears only when no message
is shown, never over one (QStatusBar hides its ordinary widgets under a message).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar, QWidget

# A model's token is about three quarters of an English word and about one Chinese or
# Japanese character; the status bar shows the writer's unit, the tooltip the exact figure.
WORDS_PER_TOKEN = 0.75
CHARACTERS_PER_TOKEN = 1.0
# How long the speed of the last continuation stays before the status bar is quiet again.
SPEED_SHOWN_MS = 30_000
OFFER_SHOWN_MS = 60_000  # an offer (a better model) goes away on its own
# A message stays at least this long before a message that matters less replaces it: about
# twenty letters or seven Chinese characters a second, never less than 2.5 s nor more than 6.
READ_MIN_MS, READ_MAX_MS, READ_BASE_MS, READ_MS_PER_LETTER = 2500, 6000, 1000, 50
WAITING_MAX = 6  # messages waiting their turn; the oldest goes when more come


class Rank(IntEnum):
    """How much a message matters, which decides what may replace it before it is read."""

    REPLY = 0  # what the writer's own action did: shown at once, the newest wins
    NEWS = 1  # what nobody asked for (the model is ready): waits for the messages before it
    ERROR = 2  # something went wrong: shown at once, kept until read


WAITING_ORDER = {Rank.ERROR: 0, Rank.REPLY: 1, Rank.NEWS: 2}


@dataclass(frozen=True)
class Message:
    """One message of the status bar."""

    text: str
    timeout_ms: int  # 0: until something replaces or clears it (a state, "Writing…")
    rank: Rank = Rank.REPLY


def reading_ms(text: str) -> int:
    """How long `text` needs on screen to be read (a Chinese character counts three)."""
    letters = sum(3 if ord(c) >= 0x2E80 else 1 for c in text)
    return max(READ_MIN_MS, min(READ_MAX_MS, READ_BASE_MS + READ_MS_PER_LETTER * letters))


class StatusBar(QStatusBar):
    """Model name and loading progress on the right, messages on the left, one at a time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shown: Message | None = None
        self.waiting: deque[Message] = deque(maxlen=WAITING_MAX)
        self._setting = False  # the message is being changed here, not by Qt
        # Running while the message shown has not been on long enough to be read.
        self.read_timer = QTimer(self)
        self.read_timer.setSingleShot(True)
        self.read_timer.timeout.connect(self._on_read_timer_timeout)
        self.expiry_timer = QTimer(self)
        self.expiry_timer.setSingleShot(True)
        self.expiry_timer.timeout.connect(self._on_expiry_timer_timeout)
        self.messageChanged.connect(self._on_message_changed)
        self._offer_waiting = False
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

    # --- messages -------------------------------------------------------------------
    def showMessage(self, text: str, timeout: int | None = 0) -> None:
        """A reply to what the writer did, shown at once (over anything but an error not
        read yet); for `timeout` ms, or until replaced or cleared."""
        self.post(Message(text, timeout or 0, Rank.REPLY))

    def notify(self, text: str, timeout: int = 0) -> None:
        """News nobody asked for: shown when the messages before it have been read."""
        self.post(Message(text, timeout, Rank.NEWS))

    def report(self, text: str, timeout: int = 0) -> None:
        """Something went wrong: shown at once, and not replaced before it could be read."""
        self.post(Message(text, timeout, Rank.ERROR))

    def post(self, message: Message) -> None:
        """Show `message` now if nothing shown matters more, else when its turn comes."""
        if not message.text:
            self.clearMessage()
        elif self._may_replace(message):
            self._show(message)
        else:
            self._wait(message)

    def clearMessage(self) -> None:
        """The reply shown (or waiting) is no longer true: it goes. News and errors not yet
        read stay."""
        for reply in [m for m in self.waiting if m.rank == Rank.REPLY]:
            self.waiting.remove(reply)
        shown = self.shown
        if shown is not None and shown.rank != Rank.REPLY and self.read_timer.isActive():
            return
        self._clear_shown()

    def _may_replace(self, message: Message) -> bool:
        shown = self.shown
        if shown is None or message.rank == Rank.ERROR:
            return True
        unread = self.read_timer.isActive()
        if message.rank == Rank.REPLY:
            return not (unread and shown.rank == Rank.ERROR)
        # News waits for the writer's own replies to go, and for the rest to be read.
        return shown.rank != Rank.REPLY and not unread

    def _wait(self, message: Message) -> None:
        if message.rank == Rank.REPLY:  # only the newest reply is worth showing
            for reply in [m for m in self.waiting if m.rank == Rank.REPLY]:
                self.waiting.remove(reply)
        if message not in self.waiting:
            self.waiting.append(message)

    def _wait_first(self, message: Message) -> None:
        if message not in self.waiting:
            self.waiting.appendleft(message)

    def _show(self, message: Message) -> None:
        shown = self.shown
        if shown is not None and shown.rank == Rank.NEWS and self.read_timer.isActive():
            self._wait_first(shown)  # cut short: it comes back when there is room
        self.shown = message
        self._setting = True
        super().showMessage(message.text)  # the time out is kept here, with the reading time
        self._setting = False
        read = reading_ms(message.text)
        self.read_timer.start(min(read, message.timeout_ms) if message.timeout_ms else read)
        if message.timeout_ms > 0:
            self.expiry_timer.start(message.timeout_ms)
        else:
            self.expiry_timer.stop()

    def _clear_shown(self) -> None:
        self.shown = None
        self.read_timer.stop()
        self.expiry_timer.stop()
        self._setting = True
        super().clearMessage()
        self._setting = False
        self._show_next()

    def _show_next(self) -> None:
        if self.waiting:
            # An error first, then the writer's reply, then the news, each in its order.
            turn = min(self.waiting, key=lambda m: WAITING_ORDER[m.rank])
            if self._may_replace(turn):
                self.waiting.remove(turn)
                self._show(turn)
        if self.shown is None:
            self._show_offer_if_room()

    @Slot()
    def _on_read_timer_timeout(self) -> None:
        self._show_next()

    @Slot()
    def _on_expiry_timer_timeout(self) -> None:
        self._clear_shown()

    @Slot(str)
    def _on_message_changed(self, text: str) -> None:
        """Qt changed the message itself (a menu's status tip, or its end): what was not
        read yet comes back afterwards."""
        shown = self.shown
        if self._setting or (shown is not None and text == shown.text):
            return
        if shown is not None and shown.rank != Rank.REPLY and self.read_timer.isActive():
            self._wait_first(shown)
        self.read_timer.stop()
        self.expiry_timer.stop()
        self.shown = Message(text, 0) if text else None
        if not text:
            self._show_next()

    # --- the offer ------------------------------------------------------------------
    def offer(self, text: str, button: str, action: Callable[[], object]) -> None:
        """A suggestion the writer may take with one click, or ignore (it goes away). It
        waits while a message is shown, or waiting."""
        self._offer_action = action
        self.offer_label.setText(text)
        self.offer_button.setText(button)
        self._offer_waiting = True
        self._show_offer_if_room()

    def _show_offer_if_room(self) -> None:
        if not self._offer_waiting or self.currentMessage() or self.waiting:
            return
        self._offer_waiting = False
        self.offer_label.setVisible(True)
        self.offer_button.setVisible(True)
        self._offer_timer.start()

    def withdraw_offer(self) -> None:
        """Take the offer away."""
        self._offer_timer.stop()
        self._offer_waiting = False
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
        self.model_label.setToolTip("")
        self.progress.setValue(0)
        self.progress.setVisible(True)

    def load_progress(self, fraction: float) -> None:
        """Loading went on."""
        self.progress.setValue(int(fraction * 100))

    def model_ready(self, name: str) -> None:
        """`name` is loaded."""
        ready = self.tr("{0} is ready. Ctrl+Enter continues your text.").format(name)
        self.progress.setVisible(False)
        self.model_label.setText(name)
        self.model_label.setToolTip(ready)
        self.notify(ready, 5000)

    def model_failed(self) -> None:
        """No model is loaded."""
        self.progress.setVisible(False)
        self.model_label.setText(self.tr("No model"))
        self.model_label.setToolTip("")

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
