"""Dialogs of the story bible: three generated alternatives side by side, and the files
of character cards and exports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from backend.jobs.kinds import EntryEvent
from backend.storage.atomic import SaveError, atomic_write_bytes
from backend.story.bible import entry_kind, fields_for
from backend.story.cards import CardError, import_card
from backend.untrusted import RefusedFile
from gui.common.messages import translate_message
from gui.story.bible_form import export_bytes


def card_buttons(
    parent: QWidget, import_card: Callable[[], object], export: Callable[[str], object]
) -> tuple[QPushButton, QPushButton]:
    """Import card…, and Export with its menu of formats."""
    import_button = QPushButton(QCoreApplication.translate("BiblePanel", "Import card…"))
    import_button.clicked.connect(lambda: import_card())
    export_button = QPushButton(
        QCoreApplication.translate("BiblePanel", "Export")
    )  # draws its arrow beside the text
    menu = QMenu(export_button)
    menu.addAction(
        QCoreApplication.translate("BiblePanel", "Character card (PNG)…"), lambda: export("png")
    )
    menu.addAction(
        QCoreApplication.translate("BiblePanel", "Character card (JSON)…"), lambda: export("json")
    )
    menu.addAction(
        QCoreApplication.translate("BiblePanel", "Entry as Markdown…"), lambda: export("md")
    )
    menu.addAction(
        QCoreApplication.translate("BiblePanel", "Whole bible as Markdown…"),
        lambda: export("bible"),
    )
    export_button.setMenu(menu)
    return import_button, export_button


def read_card(
    parent: QWidget, path: str | None = None
) -> tuple[dict[str, str], dict[str, Any]] | str | None:
    """A PNG or JSON character card (at `path`, or chosen): its sheet and the card itself;
    a message when it cannot be read; None when no file was chosen."""
    path = (
        path
        or QFileDialog.getOpenFileName(
            parent,
            QCoreApplication.translate("BiblePanel", "Import character card"),
            "",
            QCoreApplication.translate("BiblePanel", "Character cards (*.png *.json)"),
        )[0]
    )
    if not path:
        return None
    try:
        return import_card(path)
    except (CardError, RefusedFile) as exc:
        return QCoreApplication.translate("BiblePanel", "Card not imported: {0}").format(
            translate_message(str(exc))
        )


def write_export(
    parent: QWidget,
    fmt: str,
    entry: dict[str, Any] | None,
    entries: list[dict[str, Any]],
    path: str | None = None,
) -> tuple[bool, str]:
    """Export `entry` as a card or Markdown, or every entry (at `path`, or chosen): whether
    it was written, and what to tell the writer ('' when no file was chosen)."""
    if fmt in ("png", "json") and (entry is None or entry_kind(entry) != "character"):
        return False, QCoreApplication.translate(
            "BiblePanel", "Select a character to export as a card."
        )
    suffix = {"png": "PNG (*.png)", "json": "JSON (*.json)"}.get(fmt, "Markdown (*.md)")
    # (file filters name formats, the same in every language)
    path = (
        path
        or QFileDialog.getSaveFileName(
            parent, QCoreApplication.translate("BiblePanel", "Export"), "", suffix
        )[0]
    )
    if not path:
        return False, ""
    data = export_bytes(fmt, entry or {}, entries)
    try:
        atomic_write_bytes(Path(path), data, backup=False)
    except (SaveError, RefusedFile) as exc:
        return False, str(exc)
    return True, QCoreApplication.translate("BiblePanel", "Exported {0}.").format(Path(path).name)


class AlternativesDialog(QDialog):
    """Three generated entries side by side; pick one.

    The alternatives are written for the fields that were empty (`fields`); the others
    show as they stand, and only the written ones are handed to `choose`.
    """

    def __init__(
        self,
        parent: QWidget,
        kind: str,
        fields: tuple[str, ...],
        choose: Callable[[int, dict[str, str]], None],
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Three alternatives"))
        self._choose = choose
        self.kind, self.fields = kind, fields
        self.values: list[dict[str, str]] = [{}, {}, {}]
        layout = QHBoxLayout(self)
        self.columns: list[QPlainTextEdit] = []
        self.use_buttons: list[QPushButton] = []
        for alt in range(3):
            col = QVBoxLayout()
            text = QPlainTextEdit()
            text.setReadOnly(True)
            use = QPushButton(self.tr("Use #{0}").format(alt + 1))
            use.setToolTip(self.tr("Write this one into the entry's empty fields"))
            use.clicked.connect(lambda _c=False, a=alt: self._use(a))
            col.addWidget(text)
            col.addWidget(use)
            layout.addLayout(col)
            self.columns.append(text)
            self.use_buttons.append(use)
        self.resize(900, 420)

    def add(self, event: EntryEvent) -> bool:
        """Show a streamed field; True when it is one the alternatives write."""
        if not 0 <= event.alt < 3:
            return False
        self.values[event.alt][event.field] = event.text
        self.update_column(event.alt, self.values[event.alt])
        return event.field in self.fields

    def update_column(self, alt: int, values: dict[str, str]) -> None:
        """Show the alternative's fields so far."""
        lines = [f"{f}: {values[f]}" for f in fields_for(self.kind) if values.get(f)]
        self.columns[alt].setPlainText("\n".join(lines))

    def _use(self, alt: int) -> None:
        written = {f: v for f, v in self.values[alt].items() if v and f in self.fields}
        self._choose(alt, written)
        self.accept()
