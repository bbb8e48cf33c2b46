"""Dialogs of the story bible: three generated alternatives side by side."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from backend.story.bible import fields_for


class AlternativesDialog(QDialog):
    """Three generated entries side by side; pick one."""

    def __init__(self, parent: QWidget, kind: str, choose: Callable[[int], None]) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Three alternatives"))
        self._choose = choose
        layout = QHBoxLayout(self)
        self.columns: list[QPlainTextEdit] = []
        for alt in range(3):
            col = QVBoxLayout()
            text = QPlainTextEdit()
            text.setReadOnly(True)
            use = QPushButton(self.tr("Use #{0}").format(alt + 1))
            use.clicked.connect(lambda _c=False, a=alt: self._use(a))
            col.addWidget(text)
            col.addWidget(use)
            layout.addLayout(col)
            self.columns.append(text)
        self.kind = kind
        self.resize(900, 420)

    def update_column(self, alt: int, values: dict[str, str]) -> None:
        """Show the alternative's fields so far."""
        lines = [f"{f}: {values[f]}" for f in fields_for(self.kind) if values.get(f)]
        self.columns[alt].setPlainText("\n".join(lines))

    def _use(self, alt: int) -> None:
        self._choose(alt)
        self.accept()
