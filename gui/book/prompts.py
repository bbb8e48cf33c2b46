"""Questions the window asks the writer, as real dialogs; tests substitute an object with
the same methods."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDateTime
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox, QWidget

from backend.storage.documents import LEGACY_ENCODINGS
from backend.storage.recovery import Recovery
from backend.story.project import STORY_SUFFIX
from gui.book.folders import LastFolders
from gui.book.new_project import BookDetailsDialog, NewProject, NewProjectDialog
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
ALL_FILES = QT_TRANSLATE_NOOP("Prompts", "All files (*)")
EXPORT_FILTERS = {
    "docx": "Word (*.docx)",
    "epub": "EPUB (*.epub)",
    "md": "Markdown (*.md)",
    "txt": QT_TRANSLATE_NOOP("Prompts", "Plain text (*.txt)"),
}


STORY_FILTER = QT_TRANSLATE_NOOP("Prompts", "Inkling story folder (*.inkling)")


class Prompts:
    """Real dialogs; tests substitute an object with the same methods.

    Each file dialog starts in the last folder used for its kind (`folders`, see
    gui/book/folders.py), else the Documents folder.
    """

    def __init__(self, parent: QWidget, folders: LastFolders | None = None) -> None:
        self.parent = parent
        self.folders = folders or LastFolders()

    def save_changes(self, name: str) -> str:
        """'save', 'discard' or 'cancel'."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            QCoreApplication.translate("Prompts", "Unsaved changes"),
            QCoreApplication.translate(
                "Prompts", "Save the changes to {0} before closing it?"
            ).format(name),
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
        path = QFileDialog.getOpenFileName(
            self.parent,
            QCoreApplication.translate("Prompts", "Open"),
            self.folders.start("open"),
            QCoreApplication.translate("Prompts", OPEN_FILTER),
        )[0]
        self.folders.remember("open", path)
        return path

    def save_path(self, suggested: str, project: bool = False) -> str:
        """Where to save ('' for cancel). A name ending in .inkling makes a story project;
        `project` offers the story folder first (a bare `suggested` name goes in the last
        folder saved to)."""
        story = QCoreApplication.translate("Prompts", STORY_FILTER)
        if project:
            filters = ";;".join(
                (
                    story,
                    "Markdown (*.md)",
                    QCoreApplication.translate("Prompts", EXPORT_FILTERS["txt"]),
                )
            )
        else:
            filters = QCoreApplication.translate(
                "Prompts", "Markdown (*.md);;Plain text (*.txt);;Inkling story folder (*.inkling)"
            )
        path, chosen = QFileDialog.getSaveFileName(
            self.parent,
            QCoreApplication.translate("Prompts", "Save as"),
            self.folders.start("save", suggested),
            filters,
            story if project else "",
        )
        if path and chosen == story and not path.endswith(STORY_SUFFIX):
            path += STORY_SUFFIX
        self.folders.remember("save", path)
        return path

    def export_path(self, markdown: bool | str, name: str = "", fallback: str = "") -> str:
        """Where to export: a bool for a plain document (Markdown or not), else a format.
        `name` is the file name offered, in the last export folder, else in `fallback`."""
        if isinstance(markdown, bool):
            kind = (
                "Markdown (*.md)"
                if markdown
                else QCoreApplication.translate("Prompts", EXPORT_FILTERS["txt"])
            )
        else:
            kind = QCoreApplication.translate("Prompts", EXPORT_FILTERS.get(markdown, ALL_FILES))
        folder = self.folders.folder("export", Path(fallback) if fallback else None)
        path = QFileDialog.getSaveFileName(
            self.parent,
            QCoreApplication.translate("Prompts", "Export"),
            str(folder / name) if name else str(folder),
            kind,
        )[0]
        self.folders.remember("export", path)
        return path

    def import_path(self) -> str:
        """A manuscript to import ('' for none)."""
        path = QFileDialog.getOpenFileName(
            self.parent,
            QCoreApplication.translate("Prompts", "Import a manuscript"),
            self.folders.start("import"),
            QCoreApplication.translate("Prompts", IMPORT_FILTER),
        )[0]
        self.folders.remember("import", path)
        return path

    def book_details(self, title: str, author: str) -> tuple[str, str] | None:
        """The book's title and author, as the title page will show them (None: cancel)."""
        dialog = BookDetailsDialog(title, author, self.parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.details()

    def new_project(self) -> NewProject | None:
        """File → New Project: title, author, language and where (None: cancel)."""
        dialog = NewProjectDialog(self.parent, where=str(self.folders.folder("project")))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        details = dialog.details()
        self.folders.remember("project", str(details.where))
        return details

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

    def confirm(self, question: str, yes: str = "", no: str = "") -> bool:
        """A yes/no question; `yes` and `no` name the buttons by what they do."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            QCoreApplication.translate("Prompts", "Inkling"),
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self.parent,
        )
        for button, label in (
            (QMessageBox.StandardButton.Yes, yes),
            (QMessageBox.StandardButton.No, no),
        ):
            if label:
                box.button(button).setText(label)
        return box.exec() == QMessageBox.StandardButton.Yes

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
        # The date in one form everywhere: a locale's short form could read "7 12 2026".
        kept = QDateTime.fromSecsSinceEpoch(int(rec.saved_at))
        box.setText(
            QCoreApplication.translate(
                "Prompts", "Inkling found unsaved work on {0} from an earlier session, kept at {1}."
            ).format(rec.title, kept.toString("yyyy-MM-dd HH:mm"))
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
