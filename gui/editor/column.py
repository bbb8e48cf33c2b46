"""The page's text column: a centred measure of about 70 characters (or the writer's),
margins around it in a wider window, room at the foot for a bar over the page."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMargins, QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QPlainTextEdit

# A column of 0 characters means this comfortable measure, centred; a wider window leaves
# margins around it rather than stretching lines edge to edge.
COMFORTABLE_COLUMN = 70
# However narrow the window, the text keeps about this many characters per line.
MIN_READABLE_CHARS = 40
DOCUMENT_MARGIN = 24


class ColumnPage(QPlainTextEdit):
    """A plain text edit whose text keeps to a centred column."""

    column_chars = 0  # 0: COMFORTABLE_COLUMN
    _clear_below = 0  # pixels kept clear at the foot of the page

    def set_column(self, chars: int) -> None:
        """A centred column about `chars` characters wide (0: COMFORTABLE_COLUMN)."""
        self.column_chars = max(0, chars)
        self._update_margins()

    def keep_clear_below(self, px: int) -> None:
        """Keep the foot of the page clear by `px` (a bar over it), the cursor above it."""
        self._clear_below = max(0, px)
        self._update_margins()
        self.ensureCursorVisible()

    def column_width_px(self) -> int:
        """The widest the text column may be, in pixels, margins included."""
        chars = self.column_chars or COMFORTABLE_COLUMN
        return self.fontMetrics().averageCharWidth() * chars + 2 * DOCUMENT_MARGIN

    def _update_margins(self) -> None:
        side = max(0, (self.width() - self.column_width_px()) // 2)
        margins = QMargins(side, 0, side, self._clear_below)
        before = self.viewportMargins()
        if margins == before:
            return
        self.setViewportMargins(margins)
        if margins.left() != before.left():
            # The text is laid out at the viewport's width, which just changed, and Qt does
            # not always lay it out again (at a first show the lines ran past the page,
            # behind a sideways scroll bar): an event whose old width differs makes it.
            super().resizeEvent(QResizeEvent(self.size(), QSize()))

    def _update_minimum_width(self) -> None:
        """Room for MIN_READABLE_CHARS characters: the docks give way before the text does."""
        chrome = 2 * self.frameWidth() + self.verticalScrollBar().sizeHint().width()
        text = self.fontMetrics().averageCharWidth() * MIN_READABLE_CHARS
        self.setMinimumWidth(text + 2 * DOCUMENT_MARGIN + chrome)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the column centred."""
        super().resizeEvent(event)
        self._update_margins()

    def changeEvent(self, event: QEvent) -> None:
        """A new font or zoom changes the column's width in pixels."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._update_minimum_width()
            self._update_margins()
