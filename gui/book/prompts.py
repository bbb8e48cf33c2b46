"""Questions the window asks the writer, as real dialogs; tests substitute an object with
the same methods."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from backend.storage.documents import LEGACY_ENCODINGS
from backend.storage.recovery import Recovery
from gui.common.i18n import QT_TRANSLATE_NOOP
from gui.common.messages import translate_message

# The encodings' names, for translation (backend/storage/documents.py).
_ENCODING_NAMES = (
    QT_TRANSLATE_NOOP("Prompts", "GB18030 (Simplified Chinese)"),
    QT_TRANSLATE_NOOP("Prompts", "Big5 (Traditional Chinese)"),
    QT_TRANSLATE_NOOP("Prompts", "Windows-1252 (Western European)"),
)

OPEN_FILTER = QT_TRANSLATE_NOOP(
    "Prompts", "Stories and text (*.txt *.md *.markdown story.toml);;All files (*)"
)
IMPORT_FILTER = QT_TRANSLATE_NOOP(
    "Prompts", "Manuscripts (*.docx *.txt *.md *.markdown);;All files (*)"
)
EXPORT_FILTERS = {
    "docx": "Word (*.docx)",
    "epub": "EPUB (*.epub)",
    "md": "Markdown (*.md)",
    "txt": QT_TRANSLATE_NOOP("Prompts", "Plain text (*.txt)"),
}


def _t(text: str) -> str:
    return QCoreApplication.translate("Prompts", text)


class Prompts:
    """Real dialogs; tests substitute an object with the same methods."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def save_changes(self, name: str) -> str:
        """'save', 'discard' or 'cancel'."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _t("Unsaved changes"),
            _t("Save the changes to {0} before closing it?").format(name),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self.parent,
        )
        answer = box.exec()
        return {
            QMessageBox.StandardButton.Save: "save",
            QMessageBox.StandardButton.Discard: "discard",
        }.get(QMessageBox.StandardButton(answer), "cancel")

    def open_path(self) -> str:
        """A file to open ('' for none)."""
        return QFileDialog.getOpenFileName(
            self.parent, QCoreApplication.translate("Prompts", "Open"), "", _t(OPEN_FILTER)
        )[0]

    def save_path(self, suggested: str) -> str:
        """Where to save ('' for cancel). A name ending in .inkling makes a story project."""
        return QFileDialog.getSaveFileName(
            self.parent,
            QCoreApplication.translate("Prompts", "Save as"),
            suggested,
            QCoreApplication.translate(
                "Prompts", "Markdown (*.md);;Plain text (*.txt);;Inkling story folder (*.inkling)"
            ),
        )[0]

    def export_path(self, markdown: bool | str) -> str:
        """Where to export: a bool for a plain document (Markdown or not), else a format."""
        if isinstance(markdown, bool):
            kind = "Markdown (*.md)" if markdown else _t(EXPORT_FILTERS["txt"])
        else:
            kind = _t(EXPORT_FILTERS.get(markdown, "All files (*)"))
        return QFileDialog.getSaveFileName(
            self.parent, QCoreApplication.translate("Prompts", "Export"), "", kind
        )[0]

    def import_path(self) -> str:
        """A manuscript to import ('' for none)."""
        return QFileDialog.getOpenFileName(
            self.parent,
            QCoreApplication.translate("Prompts", "Import a manuscript"),
            "",
            _t(IMPORT_FILTER),
        )[0]

    def backup_path(self, start: str) -> str:
        """A backup zip to restore ('' for none), starting in the backup folder."""
        return QFileDialog.getOpenFileName(
            self.parent,
            QCoreApplication.translate("Prompts", "Restore from backup"),
            start,
            QCoreApplication.translate("Prompts", "Inkling backups (*.zip)"),
        )[0]

    def folder_path(self, title: str, start: str) -> str:
        """A folder ('' for cancel)."""
        return QFileDialog.getExistingDirectory(self.parent, title, start)

    def text(self, title: str, label: str, default: str = "") -> str | None:
        """A line of text (None for cancel)."""
        value, ok = QInputDialog.getText(self.parent, title, label, text=default)
        return value if ok else None

    def confirm(self, question: str) -> bool:
        """A yes/no question."""
        answer = QMessageBox.question(
            self.parent, QCoreApplication.translate("Prompts", "Inkling"), question
        )
        return answer == QMessageBox.StandardButton.Yes

    def encoding(self, message: str, candidates: list[tuple[str, str]] | None = None) -> str | None:
        """An encoding ('gb18030', 'big5', 'cp1252'), 'replace' or None (do not open).

        Each legacy encoding the file decodes in is offered with how its text would read,
        the likeliest first, so a wrong choice is seen before anything is opened.
        """
        offered = candidates if candidates is not None else [("cp1252", "")]
        labels = [
            QCoreApplication.translate("Prompts", "Open as {0}: {1}…").format(
                QCoreApplication.translate("Prompts", LEGACY_ENCODINGS[code]), preview
            )
            if preview
            else QCoreApplication.translate("Prompts", "Open as {0}").format(
                QCoreApplication.translate("Prompts", LEGACY_ENCODINGS[code])
            )
            for code, preview in offered
        ]
        labels.append(QCoreApplication.translate("Prompts", "Open with replacement characters (�)"))
        choice, ok = QInputDialog.getItem(
            self.parent,
            QCoreApplication.translate("Prompts", "Not UTF-8"),
            translate_message(message),
            labels,
            0,
            False,
        )
        if not ok:
            return None
        index = labels.index(choice)
        return offered[index][0] if index < len(offered) else "replace"

    def overwrite_changed(self, name: str) -> bool:
        """The file changed on disk since it was opened: overwrite it anyway?"""
        answer = QMessageBox.question(
            self.parent,
            QCoreApplication.translate("Prompts", "File changed on disk"),
            QCoreApplication.translate(
                "Prompts", "{0} was changed by another program since you opened it. Overwrite it?"
            ).format(name),
        )
        return answer == QMessageBox.StandardButton.Yes

    def recover(self, rec: Recovery) -> str:
        """'restore', 'discard' or 'later' for one recovery file, with a preview."""
        box = QMessageBox(self.parent)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(QCoreApplication.translate("Prompts", "Recover unsaved work"))
        box.setText(
            QCoreApplication.translate(
                "Prompts", "Inkling found unsaved work on {0} from an earlier session."
            ).format(rec.title)
        )
        box.setInformativeText("…" + rec.preview(300))
        box.setDetailedText(rec.text[-5000:])
        restore = box.addButton(
            QCoreApplication.translate("Prompts", "Restore"), QMessageBox.ButtonRole.AcceptRole
        )
        discard = box.addButton(
            QCoreApplication.translate("Prompts", "Discard"), QMessageBox.ButtonRole.DestructiveRole
        )
        box.addButton(
            QCoreApplication.translate("Prompts", "Decide later"), QMessageBox.ButtonRole.RejectRole
        )
        box.exec()
        clicked = box.clickedButton()
        return "restore" if clicked is restore else "discard" if clicked is discard else "later"

    def error(self, title: str, message: str) -> None:
        """Tell the writer something went wrong."""
        QMessageBox.warning(self.parent, title, translate_message(message))
