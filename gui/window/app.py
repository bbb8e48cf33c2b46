"""Starts the Qt application."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import (
    QLibraryInfo,
    QMessageLogContext,
    QObject,
    QTimer,
    QtMsgType,
    Slot,
    qInstallMessageHandler,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from backend.engines.base import EngineError
from backend.models.choice import API_KEY_ENV, ModelRequest, choose_model
from backend.storage.atomic import backup_path
from backend.storage.paths import RESOURCES, AppPaths, app_paths
from backend.storage.settings import ModelSettings, SettingsError, read_settings
from gui.common.i18n import install_translators
from gui.window.main_window import MainWindow
from gui.window.session import SessionGuard
from gui.window.start import StartDialog


def interface_language(paths: AppPaths) -> str:
    """The language Preferences chose ('' for the system's). Read without the settings
    store's recovery, which the window runs (and reports) itself, but from the file it
    will load: settings.toml, or its backup when that is unusable. Never fatal."""
    if not os.path.lexists(paths.settings_file):
        return ""
    for path in (paths.settings_file, backup_path(paths.settings_file)):
        try:
            return read_settings(path).editor.language
        except SettingsError:
            continue
    return ""


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


_held_messages: list[str] = []


def _on_qt_message(mode: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    """While the application starts: Qt's messages are held back, and if no window can open
    they are replaced by plain words on what to install."""
    if mode == QtMsgType.QtFatalMsg and "platform plugin" in message:
        from gui.desktop_check import window_failure_text

        print(window_failure_text(_held_messages), file=sys.stderr, flush=True)
        os._exit(1)
    if mode != QtMsgType.QtDebugMsg:
        _held_messages.append(message)


def make_application() -> QApplication:
    """The QApplication, or plain words and exit status 1 if this desktop cannot show it."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    qInstallMessageHandler(_on_qt_message)
    try:
        return QApplication(sys.argv)
    finally:
        qInstallMessageHandler(None)
        for message in _held_messages:
            print(message, file=sys.stderr)
        _held_messages.clear()


def start_gui(args: argparse.Namespace) -> tuple[QApplication, MainWindow]:
    """Create the application and show the window (the event loop is not started)."""
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING)
    contexts = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    module = input_method_module(os.environ, contexts / "platforminputcontexts")
    if module is not None:
        logging.getLogger(__name__).info("input method: %s instead of fcitx", module)
        os.environ["QT_IM_MODULE"] = module
    app = make_application()
    app.setApplicationName("Inkling")
    app.setDesktopFileName("inkling")
    app.setWindowIcon(QIcon(str(RESOURCES / "icons" / "inkling.svg")))
    paths = app_paths(args.config)
    install_translators(app, interface_language(paths))
    request, spec, error = _model_request(args), None, None
    if request.explicit:  # else the window goes by the writer's settings
        try:
            spec = choose_model(paths, ModelSettings(), request).spec
        except EngineError as exc:
            error = str(exc)
    window = MainWindow(paths, spec, load_error=error)
    window.show()
    log_startup("window shown")
    StartupClock(window)  # owned by the window
    # A polite kill, a closed terminal, Ctrl+C or a logout: keep the work, exit, no dialog.
    window.session = SessionGuard(app, window.hot_exit)
    app.aboutToQuit.connect(window.model_thread.stop)
    QTimer.singleShot(0, lambda: _first_document(window, args.open))
    return app, window


def _first_document(window: MainWindow, path: str | None) -> None:
    """Unsaved work from a crash first; then the file asked for, or else the project the
    writer had open last (at the scene and place they left it)."""
    documents = window.documents
    documents.offer_recovery()
    if path:
        documents.open(path)
    elif not documents.modified and documents.story is None and not documents.reopen_last():
        # Nothing to go back to: offer the ways to start (or just write on the empty page).
        window.start_dialog = StartDialog(documents, window)
        window.start_dialog.show()  # not modal: typing on the empty page works at once


def log_startup(what: str) -> None:
    """Start-up milestones with the wall clock, for bench/startup.py."""
    logging.getLogger("inkling.startup").info("%s at %.3f", what, time.time())


class StartupClock(QObject):
    """Logs when the first model is ready to suggest (a slot on the GUI thread)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        window.model_thread.worker.model_loaded.connect(self._on_worker_model_loaded)

    @Slot(str)
    def _on_worker_model_loaded(self, _name: str) -> None:
        log_startup("model ready")
        self.deleteLater()  # only the first load is start-up


def _model_request(args: argparse.Namespace) -> ModelRequest:
    """The model the command line names (the command-line package is not imported: the
    window has no use for its commands, and importing them costs the start-up time)."""
    return ModelRequest(
        model=getattr(args, "model", "") or "",
        engine=getattr(args, "engine", "") or "",
        url=getattr(args, "url", "") or "",
        api_key=os.environ.get(API_KEY_ENV, ""),
    )


def run_gui(args: argparse.Namespace) -> int:
    """Open the window and run the event loop until it closes."""
    app, window = start_gui(args)
    return run_event_loop(app, window)


def run_event_loop(app: QApplication, window: MainWindow) -> int:
    """Run the event loop; if it ends with the window still open, keep the work as a hot
    exit does.

    Qt ends the loop by itself (status 1) when the X display goes away, and on Linux that is
    what a logout looks like: Qt for Python's X11 plugin has no session-manager support, so
    no commitDataRequest comes first.
    """
    code = app.exec()
    if not window.closed:
        logging.getLogger(__name__).warning("the display went away: keeping the work")
        window.hot_exit()
    return code
