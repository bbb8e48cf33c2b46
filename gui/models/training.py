"""Model → Train on My Writing: the dialog, and the training process it runs and reads.

Training runs in a separate process (`main.py train-voice`, at low priority), never on the
GUI thread or the model thread, so suggestions keep working. Its JSON lines drive the
progress bar; cancel is SIGTERM (the process saves a checkpoint and the next run over the
same texts resumes from it), then a kill if it does not stop.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QProcess, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from backend.jobs.voice.texts import TEXT_SUFFIXES
from gui.common.i18n import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

MAIN = Path(__file__).resolve().parents[2] / "main.py"
STOP_GRACE_MS = 20_000
EXIT_CANCELLED = 3
STAGES = {
    "texts": QT_TRANSLATE_NOOP("TrainVoiceDialog", "Reading your texts…"),
    "loading": QT_TRANSLATE_NOOP(
        "TrainVoiceDialog", "Loading a copy of the model to train (about a minute)…"
    ),
    "check": QT_TRANSLATE_NOOP("TrainVoiceDialog", "Measuring the model before training…"),
    "resumed": QT_TRANSLATE_NOOP("TrainVoiceDialog", "Resuming from the last checkpoint…"),
}


def clock(seconds: float) -> str:
    """12:05 or 1:02:05."""
    s = round(max(0.0, seconds))
    h, rest = divmod(s, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"


class TrainingProcess(QObject):
    """One `train-voice` run in a child process, read line by line."""

    line_read = Signal(dict)
    ended = Signal(int, str)  # exit code (0 done, 3 cancelled), the last error message
    #: Train at low priority so the writer's other programs come first.
    low_priority = True

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.process = QProcess(self)
        self.process.setProcessChannelMode(QProcess.ProcessChannelMode.SeparateChannels)
        self.process.readyReadStandardOutput.connect(self._on_process_output)
        self.process.finished.connect(self._on_process_finished)
        self.process.errorOccurred.connect(self._on_process_error)
        self._buffer = b""
        self._error = ""
        self._cancelling = False
        self._kill_timer = QTimer(self)
        self._kill_timer.setSingleShot(True)
        self._kill_timer.timeout.connect(self.process.kill)

    @property
    def running(self) -> bool:
        """Whether the child process is alive."""
        return self.process.state() != QProcess.ProcessState.NotRunning

    def start(self, arguments: list[str]) -> None:
        """Start `main.py train-voice ARGUMENTS` with this Python."""
        self._buffer, self._error, self._cancelling = b"", "", False
        nice = [] if self.low_priority else ["--no-nice"]
        self.process.start(sys.executable, [str(MAIN), "train-voice", *nice, *arguments])

    def cancel(self) -> None:
        """Ask the process to stop (it checkpoints first); kill it if it takes too long."""
        if self.running:
            self._cancelling = True
            self.process.terminate()
            self._kill_timer.start(STOP_GRACE_MS)

    @Slot()
    def _on_process_output(self) -> None:
        self._buffer += bytes(self.process.readAllStandardOutput().data())
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                log.debug("train-voice: %s", line)
                continue
            if isinstance(event, dict):
                if event.get("event") == "error":
                    self._error = str(event.get("message", ""))
                self.line_read.emit(event)

    @Slot(int, QProcess.ExitStatus)
    def _on_process_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        self._kill_timer.stop()
        self._on_process_output()
        if status == QProcess.ExitStatus.CrashExit:
            # Killed after a cancel that took too long: its last checkpoint still stands.
            if self._cancelling:
                code = EXIT_CANCELLED
            else:
                stderr = bytes(self.process.readAllStandardError().data())
                log.warning("train-voice stopped: %s", stderr[-2000:].decode("utf-8", "replace"))
                self._error = self._error or self.tr("The training process stopped unexpectedly.")
                code = max(code, 1)
        self.ended.emit(code, self._error)

    @Slot(QProcess.ProcessError)
    def _on_process_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self.ended.emit(1, self.tr("The training process could not start."))


class TrainVoiceDialog(QDialog):
    """Pick texts and a time budget, watch the training, then decide with the numbers."""

    start_requested = Signal(list, bool, int)  # extra files, include the book, minutes
    cancel_requested = Signal()
    switch_on_requested = Signal()
    delete_requested = Signal()

    def __init__(self, model_name: str, book: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Train on My Writing"))
        self.setModal(False)  # the writer keeps writing while it trains
        self.resize(560, 480)
        intro = QLabel(
            self.tr(
                "Inkling learns your voice by training a small adapter for {0} on your own "
                "pages, on this computer. A tenth of the text is kept aside to measure the "
                "gain. You can keep writing while it trains."
            ).format(model_name)
        )
        intro.setWordWrap(True)
        self.has_book = bool(book)
        self.use_book = QCheckBox(book or self.tr("The open book (none is open)"))
        self.use_book.setChecked(self.has_book)
        self.files = QListWidget()
        self.files.setMaximumHeight(110)
        add = QPushButton(self.tr("&Add Files…"))
        add.clicked.connect(self.add_files)
        remove = QPushButton(self.tr("&Remove"))
        remove.clicked.connect(self.remove_selected_files)
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 600)
        self.minutes.setValue(10)
        self.minutes.setSuffix(self.tr(" minutes"))
        self.stage = QLabel("")
        self.stage.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.timing = QLabel("")
        self.outcome = QLabel("")
        self.outcome.setWordWrap(True)
        self.start_button = QPushButton(self.tr("&Start Training"))
        self.start_button.clicked.connect(self._on_start_clicked)
        self.cancel_button = QPushButton(self.tr("&Cancel Training"))
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.switch_button = QPushButton(self.tr("&Switch It On"))
        self.switch_button.clicked.connect(self.switch_on_requested)
        self.delete_button = QPushButton(self.tr("&Delete It"))
        self.delete_button.clicked.connect(self.delete_requested)
        self.file_buttons = (add, remove)
        self._build(intro, add, remove)
        self.set_running(False)

    def _build(self, intro: QLabel, add: QPushButton, remove: QPushButton) -> None:
        file_buttons = QHBoxLayout()
        for b in (add, remove):
            file_buttons.addWidget(b)
        file_buttons.addStretch(1)
        budget = QHBoxLayout()
        budget.addWidget(QLabel(self.tr("Train for about")))
        budget.addWidget(self.minutes)
        budget.addStretch(1)
        buttons = QHBoxLayout()
        for b in (self.start_button, self.cancel_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        for b in (self.switch_button, self.delete_button):
            buttons.addWidget(b)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.close)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel(self.tr("Learn from:")))
        layout.addWidget(self.use_book)
        layout.addWidget(self.files)
        layout.addLayout(file_buttons)
        layout.addLayout(budget)
        for w in (self.stage, self.bar, self.timing, self.outcome):
            layout.addWidget(w)
        layout.addLayout(buttons)

    def add_files(self, paths: list[str] | None = None) -> None:
        """Add .txt, .md or .docx files to learn from."""
        if paths is None:
            pattern = " ".join(f"*{s}" for s in TEXT_SUFFIXES)
            paths, _ = QFileDialog.getOpenFileNames(
                self,
                self.tr("Texts to learn from"),
                "",
                self.tr("Your writing ({0})").format(pattern),
            )
        for path in paths:
            if not self.files.findItems(path, Qt.MatchFlag.MatchExactly):
                self.files.addItem(path)

    @Slot()
    def remove_selected_files(self) -> None:
        """Drop the selected files from the list."""
        for item in self.files.selectedItems():
            self.files.takeItem(self.files.row(item))

    def file_paths(self) -> list[str]:
        """The extra files chosen."""
        return [self.files.item(i).text() for i in range(self.files.count())]

    def set_running(self, running: bool, resumable: bool = False) -> None:
        """Buttons for a run that is going, or not."""
        self.start_button.setVisible(not running)
        self.start_button.setText(
            self.tr("&Resume Training") if resumable else self.tr("&Start Training")
        )
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(True)
        self.switch_button.setVisible(False)
        self.delete_button.setVisible(False)
        for w in (self.files, self.minutes, *self.file_buttons):
            w.setEnabled(not running)
        self.use_book.setEnabled(not running and self.has_book)

    @Slot()
    def _on_start_clicked(self) -> None:
        self.outcome.setText("")
        self.start_requested.emit(self.file_paths(), self.use_book.isChecked(),
                                  self.minutes.value())  # fmt: skip

    def reflect(self, event: dict[str, Any]) -> None:
        """Reflect one event of the training process."""
        kind = event.get("event")
        if kind in STAGES:
            self.stage.setText(self.tr(STAGES[str(kind)]))
        if kind == "texts":
            self.timing.setText(
                self.tr("Learning from {0:,} words; {1:,} kept aside to measure.").format(
                    event["train_words"], event["holdout_words"]
                )
            )
        elif kind == "measured":
            after = event.get("when") == "after"
            self.stage.setText(
                self.tr("Measuring the voice on the text kept aside…")
                if after
                else self.tr("Training…")
            )
        elif kind == "step":
            self.bar.setValue(round(1000 * float(event["fraction"])))
            self.timing.setText(
                self.tr("Step {0} of {1} · {2} spent · about {3} left").format(
                    event["step"],
                    event["steps"],
                    clock(event["elapsed"]),
                    clock(event["remaining"]),
                )
            )
        elif kind == "done":
            self.bar.setValue(1000)
            self.show_result(event)

    def show_result(self, result: dict[str, Any]) -> None:
        """The numbers, and what to do with the adapter."""
        before, after = float(result["ppl_before"]), float(result["ppl_after"])
        ksr_before, ksr_after = float(result["ksr_before"]), float(result["ksr_after"])
        lines = [
            self.tr(
                "Perplexity on your held-out text: {0:.1f} → {1:.1f} ({2:+.0%}; lower is better)."
            ).format(before, after, (after - before) / before),
            self.tr("Keystrokes saved by suggestions: {0:.0%} → {1:.0%}.").format(
                ksr_before, ksr_after
            ),
            self.tr("Trained on {0:,} tokens in {1}.").format(
                result["tokens"], clock(float(result["seconds"]))
            ),
        ]
        helps = bool(result.get("helps"))
        if not helps:
            lines.append(
                self.tr("This voice did not help on writing it had not seen; you may delete it.")
            )
        self.stage.setText(self.tr("Done.") if helps else self.tr("Done, without a gain."))
        self.timing.setText("")
        self.outcome.setText("\n".join(lines))
        self.switch_button.setVisible(True)
        self.delete_button.setVisible(True)
        self.switch_button.setDefault(helps)
        self.delete_button.setDefault(not helps)
