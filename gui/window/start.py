"""The start page: when Inkling opens with nothing to reopen, a small window offers what a
writer starts with (a new project, opening a file, importing a manuscript, a recent file)
or just writing in the empty page behind it."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMainWindow, QVBoxLayout

from gui.book.files import DocumentController
from gui.book.welcome import WelcomeView


class StartDialog(QDialog):
    """The welcome view in a window of its own; each choice closes it first."""

    def __init__(self, documents: DocumentController, parent: QMainWindow) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welcome to Inkling"))
        self.documents = documents
        self.view = WelcomeView(self)
        self.view.set_recent(list(documents.settings.recent_files))
        buttons = QDialogButtonBox()
        self.write_button = buttons.addButton(
            self.tr("Just Start Writing"), QDialogButtonBox.ButtonRole.RejectRole
        )
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.view.new_project_requested.connect(lambda: self._then(documents.new_project))
        self.view.open_requested.connect(lambda: self._then(documents.open))
        self.view.import_requested.connect(lambda: self._then(documents.transfer.import_manuscript))
        self.view.recent_chosen.connect(lambda path: self._then(lambda: documents.open(path)))
        # Opened another way (File > New Project, Open, a recent file): the page is done.
        documents.opened.connect(self._close_if_shown)

    def _close_if_shown(self) -> None:
        if self.isVisible():
            self.reject()

    def _then(self, action: object) -> None:
        self.accept()
        if callable(action):
            action()
