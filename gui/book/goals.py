"""Goals and history: a daily and a book goal with progress, and words written per day
as a small bar chart (painted by hand: Qt Charts is not part of PySide6-Essentials)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QProgressBar,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from backend.story.progress import Progress


class HistoryChart(QWidget):
    """Bars of words written per day, the daily goal as a line."""

    def __init__(
        self, days: list[tuple[str, int]], goal: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.days = days
        self.goal = goal
        self.setMinimumSize(420, 160)
        self.setToolTip("\n".join(f"{d}: {w:,}" for d, w in days if w))

    def paintEvent(self, _event: QPaintEvent) -> None:
        """Draw the bars."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(8, 8, -8, -24)
        top = max([self.goal, *(max(w, 0) for _d, w in self.days), 1])
        width = rect.width() / max(1, len(self.days))
        bar = self.palette().color(QPalette.ColorRole.Highlight)
        for i, (day, words) in enumerate(self.days):
            height = rect.height() * max(words, 0) / top
            colour = bar if not self.goal or words >= self.goal else bar.lighter(150)
            painter.fillRect(
                QRectF(rect.left() + i * width + 1, rect.bottom() - height, width - 2, height),
                colour,
            )
            if i % 7 == len(self.days) % 7 or i == len(self.days) - 1:
                painter.setPen(self.palette().color(QPalette.ColorRole.Text))
                # Centred under its bar, but never cut by the edge (the last day's date).
                label = QRectF(rect.left() + i * width - 20, rect.bottom() + 4, 40 + width, 16)
                if label.right() > self.width() - 2:
                    label.moveRight(self.width() - 2)
                if label.left() < 2:
                    label.moveLeft(2)
                painter.drawText(label, Qt.AlignmentFlag.AlignHCenter, day[5:])
        if self.goal:
            y = rect.bottom() - rect.height() * self.goal / top
            painter.setPen(QColor("#c05030"))
            painter.drawLine(int(rect.left()), int(y), int(rect.right()), int(y))
        painter.end()


class GoalsDialog(QDialog):
    """Set the goals and see the progress towards them."""

    def __init__(
        self, progress: Progress, parent: QWidget | None = None, characters: bool = False
    ) -> None:
        """`characters`: the book counts characters (Chinese), and the goals say so."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Goals and history"))
        self.progress = progress
        self.daily = QSpinBox()
        self.daily.setRange(0, 100_000)
        self.daily.setSingleStep(250)
        self.daily.setValue(progress.daily_goal)
        self.book = QSpinBox()
        self.book.setRange(0, 5_000_000)
        self.book.setSingleStep(5000)
        self.book.setValue(progress.book_goal)
        self.today_bar = _bar(progress.shown_today, progress.daily_goal)
        self.book_bar = _bar(progress.total, progress.book_goal)
        form = QFormLayout()
        daily = self.tr("Daily goal (characters)") if characters else self.tr("Daily goal (words)")
        book = self.tr("Book goal (characters)") if characters else self.tr("Book goal (words)")
        form.addRow(daily, self.daily)
        form.addRow(self.tr("Today"), self.today_bar)
        form.addRow(book, self.book)
        form.addRow(self.tr("Book"), self.book_bar)
        form.addRow(self.tr("This session"), QLabel(f"{progress.session:+,}"))
        self.chart = HistoryChart(progress.last_days(30), progress.daily_goal)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Words written per day, last 30 days")))
        layout.addWidget(self.chart)
        layout.addWidget(buttons)

    def apply(self) -> None:
        """Store the goals in the progress object."""
        self.progress.daily_goal = self.daily.value()
        self.progress.book_goal = self.book.value()


def _bar(value: int, goal: int) -> QProgressBar:
    bar = QProgressBar()
    bar.setRange(0, max(goal, 1))
    bar.setValue(max(0, min(value, max(goal, 1))))
    bar.setFormat(f"{value:,} / {goal:,}" if goal else f"{value:,}")
    return bar
