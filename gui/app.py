"""Starts the Qt application."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from backend.cli import model_request
from backend.engines.base import EngineError
from backend.models.choice import choose_model
from backend.storage.paths import RESOURCES, AppPaths, app_paths
from backend.storage.settings import ModelSettings
from gui.i18n import install_translators
from gui.main_window import MainWindow


def interface_language(paths: AppPaths) -> str:
    """The language Preferences chose ('' for the system's). Read without the settings
    store's recovery, which the window runs (and reports) itself."""
    try:
        with paths.settings_file.open("rb") as f:
            chosen = tomllib.load(f).get("editor", {}).get("language", "")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError):
        return ""
    return chosen if isinstance(chosen, str) else ""


def input_method_module(environ: Mapping[str, str], plugins: Path) -> str | None:
    """The input-method module to use instead of the session's, or None to keep it.

    Qt for Python ships the IBus and Compose input contexts but not fcitx's, so with
    QT_IM_MODULE=fcitx no Chinese can be typed at all (novelWriter's tracker has the same
    report). fcitx5 answers the IBus protocol through its IBus frontend, so IBus is used.
    """
    wanted = environ.get("QT_IM_MODULE", "")
    if not wanted.startswith("fcitx"):
        return None
    if any(wanted in p.name for p in plugins.glob("*.so")):
        return None
    return "ibus"


def run_gui(args: argparse.Namespace) -> int:
    """Open the window and run the event loop until it closes."""
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING)
    contexts = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    module = input_method_module(os.environ, contexts / "platforminputcontexts")
    if module is not None:
        logging.getLogger(__name__).info("input method: %s instead of fcitx", module)
        os.environ["QT_IM_MODULE"] = module
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName("Inkling")
    app.setDesktopFileName("inkling")
    app.setWindowIcon(QIcon(str(RESOURCES / "icons" / "inkling.svg")))
    paths = app_paths(args.config)
    install_translators(app, interface_language(paths))
    request, spec, error = model_request(args), None, None
    if request.explicit:  # else the window goes by the writer's settings
        try:
            spec = choose_model(paths, ModelSettings(), request).spec
        except EngineError as exc:
            error = str(exc)
    window = MainWindow(paths, spec, load_error=error)
    window.show()
    # Ctrl+C or a polite kill closes the window normally (saving prompts, model shutdown).
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_a: QTimer.singleShot(0, window.close))
    heartbeat = QTimer()  # lets Python run its signal handlers while Qt waits
    heartbeat.start(250)
    heartbeat.timeout.connect(lambda: None)
    app.aboutToQuit.connect(window.model_thread.stop)
    QTimer.singleShot(0, window.offer_recovery)
    if args.open:
        QTimer.singleShot(0, lambda: window.documents.open(args.open))
    return app.exec()
