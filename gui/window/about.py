"""Help → About: what Inkling is, and the licence of the model it ships with."""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMenuBar,
    QVBoxLayout,
    QWidget,
)

from backend.models.bundled import BUNDLED_LICENCE, BUNDLED_NAME
from gui.common.i18n import QT_TRANSLATE_NOOP
from gui.window.shortcuts import ShortcutsDialog

log = logging.getLogger(__name__)
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
MAX_PYPROJECT_BYTES = 256 * 1024

ABOUT_TEXT = QT_TRANSLATE_NOOP(
    "AboutDialog",
    """<h2>Inkling</h2>
<p>A local, offline writing assistant for fiction writers. Your text stays on this computer:
the model runs here, with no account, no cloud and no telemetry.</p>
<h3>Bundled model</h3>
<p>{0}, by Google DeepMind.</p>
<p>{1}.</p>
<p>Inkling itself is released under the Apache License 2.0. It uses llama.cpp (MIT),
PyTorch (BSD), Hugging Face transformers (Apache 2.0) and Qt for Python (LGPLv3).</p>
""",
)


class AboutDialog(QDialog):
    """The About box, including the bundled model's licence notice."""

    def __init__(self, model_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About Inkling"))
        layout = QVBoxLayout(self)
        about = self.tr(ABOUT_TEXT).format(BUNDLED_NAME, BUNDLED_LICENCE)
        current = self.tr("<p>Current model: {0}</p>").format(_escape(model_name))
        number = app_version()
        shown = self.tr("<p>Version {0}</p>").format(_escape(number)) if number else ""
        self.label = QLabel(about + shown + current)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(480, 360)


def app_version() -> str:
    """Inkling's version: the installed package's, else pyproject.toml's ('' if neither)."""
    from importlib.metadata import PackageNotFoundError, version  # 40 ms: not at start-up

    try:
        return version("inkling")
    except PackageNotFoundError:
        pass
    try:
        with PYPROJECT.open("rb") as handle:
            data = tomllib.loads(handle.read(MAX_PYPROJECT_BYTES).decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        log.info("no version to show: %s", exc)
        return ""
    project = data.get("project")
    found = project.get("version") if isinstance(project, dict) else None
    return found if isinstance(found, str) else ""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class HelpMenu:
    """Help's entries, mixed into the main window (which gives the menus and the model)."""

    model_name: str
    about_dialog: AboutDialog

    if TYPE_CHECKING:

        def menuBar(self) -> QMenuBar: ...

    def show_shortcuts(self) -> None:
        """Help → Keyboard Shortcuts, read from the menus."""
        ShortcutsDialog(self.menuBar(), cast(QWidget, self)).open()

    def show_about(self) -> None:
        """Help → About, with the bundled model's licence."""
        name = self.model_name or QCoreApplication.translate("MainWindow", "none loaded")
        self.about_dialog = AboutDialog(name, cast(QWidget, self))
        self.about_dialog.open()
