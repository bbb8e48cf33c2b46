"""The read-only, one-row-at-a-time lists used in dialogs."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QTableWidget


def list_table(columns: Sequence[str]) -> QTableWidget:
    """A table that selects one whole row, cannot be edited, and stretches its last column."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table
