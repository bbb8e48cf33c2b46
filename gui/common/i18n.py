"""The interface language: Inkling's own translations (resources/i18n/*.ts, compiled to
.qm by the set-up) and Qt's translations of its standard dialogs and buttons.

The language follows the system locale unless Preferences chose one; it applies from the
next start. A missing or stale .qm (a checkout where the set-up has not run) is compiled
from its .ts with PySide6's own lrelease.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import PySide6
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from backend.storage.paths import RESOURCES

log = logging.getLogger(__name__)

I18N = RESOURCES / "i18n"
# The interface languages Preferences offers: code -> name in that language.
INTERFACE_LANGUAGES = {"en": "English", "zh_CN": "简体中文"}


def lrelease() -> Path:
    """PySide6's lrelease, beside the package or the interpreter."""
    bundled = Path(PySide6.__file__).parent / "lrelease"
    return bundled if bundled.exists() else Path(sys.executable).parent / "pyside6-lrelease"


def compile_translations(folder: Path = I18N) -> list[Path]:
    """Compile every .ts in `folder` whose .qm is missing or older; the .qm files."""
    out = []
    for ts in sorted(folder.glob("*.ts")):
        qm = ts.with_suffix(".qm")
        if not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime:
            try:
                subprocess.run(
                    [str(lrelease()), "-silent", str(ts), "-qm", str(qm)],
                    check=True, capture_output=True, timeout=60,
                )  # fmt: skip
            except (OSError, subprocess.SubprocessError) as exc:
                log.warning("could not compile %s: %s", ts.name, exc)
                continue
        out.append(qm)
    return out


def interface_locale(chosen: str) -> QLocale:
    """The locale the interface speaks: the writer's choice, else the system's."""
    return QLocale(chosen) if chosen else QLocale.system()


def install_translators(app: QCoreApplication, chosen: str = "") -> QLocale:
    """Load Qt's and Inkling's translations for the chosen (or system) language."""
    locale = interface_locale(chosen)
    QLocale.setDefault(locale)
    compile_translations()
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name, folder in (("qtbase", qt_dir), ("inkling", str(I18N))):
        translator = QTranslator(app)
        if translator.load(locale, name, "_", folder):
            app.installTranslator(translator)
            continue
        if locale.language() != QLocale.Language.English:
            log.info("no %s translation for %s", name, locale.name())
        # The interface is English then, whatever the locale ("C", or a language Inkling
        # is not translated into): its plurals ("1 chapter", "2 chapters") come from the
        # English file, which holds only those.
        if name == "inkling" and translator.load(str(I18N / "inkling_en.qm")):
            app.installTranslator(translator)
    return locale


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks `text` for translation in `context` (lupdate finds it); returns it as is, to
    be translated where it is shown."""
    return text
