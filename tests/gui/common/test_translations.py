"""The Chinese interface: every string the source marks has a translation, and a window
built under zh_CN shows no English words (Qt's own dialogs come translated too)."""

from __future__ import annotations

import errno
import json
import re
import shutil
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtGui import QAction, QFont, QFontInfo, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QFontComboBox,
    QGroupBox,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTableWidget,
    QTreeWidget,
    QWidget,
)

from backend.models.bundled import BUNDLED_LICENCE, BUNDLED_NAME
from backend.models.choice import choose_model
from backend.storage.atomic import describe_os_error
from backend.storage.documents import DocumentError, read_document
from backend.storage.paths import app_paths
from backend.storage.recovery import DocumentLock
from backend.storage.settings import ModelSettings
from backend.story.project import Story
from gui.book.dialogs import ExportDialog
from gui.book.history_view import HistoryDialog
from gui.book.new_project import BookDetailsDialog, NewProjectDialog
from gui.common.i18n import I18N, compile_translations, install_translators
from gui.common.messages import translate_message
from gui.common.theme import writing_font
from gui.models.training import TrainVoiceDialog
from gui.story.details import StoryDialog
from gui.window.about import AboutDialog
from gui.window.main_window import MainWindow
from gui.window.preferences import PreferencesDialog
from gui.window.start import StartDialog
from tests.fakes import FakeFactory, ScriptedPrompts, fake_spec

ROOT = Path(__file__).resolve().parents[3]
TS = I18N / "inkling_zh_CN.ts"
# Words that stay as they are in a Chinese interface: names, formats, keys, units.
KEEP = {
    "Inkling", "GGUF", "LoRA", "Markdown", "EPUB", "Word", "PNG", "JSON", "TOML", "UTF",
    "Ctrl", "Shift", "Alt", "Enter", "Esc", "Tab", "Space", "Return", "Right", "Left", "Up",
    "Down", "Del", "Top", "Min", "API", "SHA", "Gemma", "DeepMind", "Google", "MIT", "BSD",
    "Apache", "License", "PyTorch", "Hugging", "Face", "transformers", "llama", "cpp", "Qt",
    "Python", "LGPLv", "Big", "GB", "Windows", "huggingface", "co", "http", "Fake", "gguf",
    "md", "txt", "docx", "epub", "inkling", "toml", "png", "json", "markdown", "story", "Q4",
    "K", "M", "model", "owner", "repository", "Terms", "of", "Use", "llamacpp",
    "English",  # the English interface is offered under its own name
}  # fmt: skip
WORD = re.compile(r"[A-Za-z]{2,}")


def english_words(text: str) -> list[str]:
    """Latin words in `text` that a Chinese interface should not show."""
    # The model's licence notice is quoted as its licence words it.
    for name in (BUNDLED_LICENCE, BUNDLED_NAME, "Qt for Python"):
        text = text.replace(name, "")
    clean = re.sub(r"<[^>]+>|https?://\S+", " ", text).replace("&", "")
    return [w for w in WORD.findall(clean) if w not in KEEP]


def test_every_marked_string_has_a_finished_translation(tmp_path: Path) -> None:
    """lupdate over the sources (into a copy of the committed .ts) finds nothing new or
    unfinished: a tr() string added without its translation fails here."""
    copy = tmp_path / TS.name
    shutil.copy(TS, copy)
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    sources = sorted(str(p) for p in (ROOT / "gui").rglob("*.py"))  # every package
    subprocess.run([str(lupdate), *sources, "-ts", str(copy), "-no-obsolete"], check=True,
                   capture_output=True)  # fmt: skip
    missing = []
    for message in ET.parse(copy).iter("message"):
        translation = message.find("translation")
        assert translation is not None
        done = (translation.text or "").strip() or any(
            f.text for f in translation.iter("numerusform")
        )
        if translation.get("type") in ("unfinished", "obsolete", "vanished") or not done:
            missing.append(message.findtext("source"))
    assert missing == [], f"strings without a Chinese translation: {missing}"


def test_placeholders_survive_translation() -> None:
    """Every {0} and %1 of a source string is in its translation too."""
    for message in ET.parse(TS).iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None
        text = (translation.text or "").strip() or "".join(
            f.text or "" for f in translation.iter("numerusform")
        )
        for mark in re.findall(r"\{\d[^}]*\}|%\d|%n|%s|%\+d", source):
            assert mark in text, (source, text)


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    """Qt's and Inkling's zh_CN translations, installed for one test and then removed."""
    assert compile_translations(), "the .qm files are built from resources/i18n/*.ts"
    install_translators(qapp, "zh_CN")
    yield
    from PySide6.QtCore import QTranslator

    for translator in qapp.findChildren(QTranslator):
        qapp.removeTranslator(translator)
        translator.deleteLater()
    QLocale.setDefault(QLocale(QLocale.Language.English))


def visible_texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for every label, button, title, tooltip, placeholder, item and action."""
    yield "title", root.windowTitle()
    for w in [root, *root.findChildren(QWidget)]:
        if isinstance(w, (QFontComboBox, QKeySequenceEdit)):
            continue  # font names and key names are not words to translate
        yield from widget_texts(w)
        if w.isWindow() and w is not root:
            yield f"{type(w).__name__} title", w.windowTitle()
    for action in root.findChildren(QAction):
        yield "action", action.text()
        yield "action tooltip", action.toolTip() if action.toolTip() != action.text() else ""
    for menu in root.findChildren(QMenu):
        yield "menu", menu.title()


def widget_texts(w: QWidget) -> Iterator[tuple[str, str]]:
    """The texts one widget shows."""
    name = type(w).__name__
    yield f"{name} tooltip", w.toolTip()
    if isinstance(w, QLabel | QAbstractButton):
        yield name, w.text()
    if isinstance(w, QGroupBox):
        yield name, w.title()
    if isinstance(w, QLineEdit | QPlainTextEdit):
        yield f"{name} placeholder", w.placeholderText()
    if isinstance(w, QComboBox) and not w.isEditable():
        yield from ((name, w.itemText(i)) for i in range(w.count()))
    if isinstance(w, QTableWidget):
        for c in range(w.columnCount()):
            item = w.horizontalHeaderItem(c)
            yield name, item.text() if item else ""
    if isinstance(w, QTreeWidget):
        header = w.headerItem()
        yield from ((name, header.text(c)) for c in range(header.columnCount()))


def untranslated(root: QWidget) -> list[tuple[str, str]]:
    return [(where, text) for where, text in visible_texts(root) if english_words(text)]


def test_the_window_and_its_dialogs_speak_chinese(qtbot, windows, tmp_path, chinese) -> None:
    paths = app_paths(tmp_path / "home")
    window = MainWindow(
        paths, fake_spec(tmp_path), engine_factory=FakeFactory(), prompts=ScriptedPrompts()
    )
    windows.append(window)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model_ready, timeout=60000)
    window.bible.add_entry("character")
    window.bible.add_entry("background")
    # Drawn icons before the entries' names, not emoji that need a colour font.
    icons = [window.bible.list.item(i).icon() for i in range(window.bible.list.count())]
    assert len(icons) == 2 and not any(icon.isNull() for icon in icons)
    found = untranslated(window)  # the menus, docks, status bar and the bible's entries
    assert found == [], found
    assert window.menuBar().actions()[0].text() == "文件(&F)"
    dialogs: list[QWidget] = [
        PreferencesDialog(window.settings, window),
        AboutDialog("Fake", window),
        TrainVoiceDialog("Fake", "", window),
        ExportDialog(12, window),
        StoryDialog(Story(folder=tmp_path / "s.inkling"), window),
        HistoryDialog(window.book.keeping, "s1", "第一场", window),
        NewProjectDialog(window, str(tmp_path)),
        BookDetailsDialog("故乡", "鲁迅", window),
        StartDialog(window.documents, window),
    ]
    window.show_models()
    dialogs.append(window.models_dialog)
    for dialog in dialogs:
        found = untranslated(dialog)
        assert found == [], (type(dialog).__name__, found)
        dialog.close()


def test_qt_standard_buttons_come_translated(qtbot, chinese) -> None:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"


def test_backend_messages_are_shown_in_chinese(tmp_path: Path, chinese) -> None:
    """Real backend errors match their templates (so the two stay in step) and come out
    in Chinese with their names filled in; an unknown message is left as it is."""
    binary = tmp_path / "cover.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(DocumentError) as problem:
        read_document(binary)
    assert (
        translate_message(str(problem.value))
        == "cover.png 看起来是二进制文件，不是文本；没有打开。"
    )
    with pytest.raises(DocumentError) as problem:
        read_document(tmp_path / "gone.txt")
    assert translate_message(str(problem.value)).startswith("gone.txt 不存在")
    full = describe_os_error(OSError(errno.ENOSPC, "No space"), tmp_path / "book.md")
    assert translate_message(full) == "无法保存 book.md：磁盘已满。之前的版本没有改动。"
    assert translate_message("Something new went wrong.") == "Something new went wrong."


def test_start_up_notices_are_shown_in_chinese(tmp_path: Path, chinese) -> None:
    """The notices a start can bring (a lock left by a crash cleared, the chosen model
    gone), taken from the backend that makes them."""
    doc = tmp_path / "story.md"
    doc.write_text("x")
    lock = DocumentLock(doc)
    lock.path.write_text(json.dumps({"pid": 2**31 - 2, "host": socket.gethostname(), "time": 0}))
    note = DocumentLock(doc).acquire()
    assert (
        note and translate_message(note) == "story.md 上遗留的锁已清除（Inkling 上次未正常退出）。"
    )
    gone = choose_model(app_paths(tmp_path), ModelSettings(active="no-such-model")).notice
    assert translate_message(gone) == "所选模型已不存在；改用内置模型。"


def test_the_writing_font_keeps_its_family_and_falls_back_for_chinese(qapp) -> None:
    font = writing_font("Serif", 13)
    plain = QFont("Serif")
    plain.setPointSize(13)
    assert font.families()[0] == QFontInfo(plain).family()  # "Serif" resolved, not skipped
    assert "Noto Serif CJK SC" in font.families() and "SimSun" in font.families()
    assert QFontMetrics(font).averageCharWidth() == QFontMetrics(plain).averageCharWidth()


@pytest.mark.parametrize("chosen", ["en_GB", "C", "fr_FR"])
def test_an_english_interface_says_one_chapter_and_two_chapters(
    qapp: QApplication, chosen: str
) -> None:
    """Whatever the locale, an English interface has proper plurals (the English .ts holds
    only those), never "chapter(s)"."""
    from PySide6.QtCore import QCoreApplication, QTranslator

    install_translators(qapp, chosen)
    try:
        one = QCoreApplication.translate("ImportDialog", "%n chapter(s).", "", 1)
        many = QCoreApplication.translate("ImportDialog", "%n chapter(s).", "", 12)
        assert (one, many) == ("1 chapter.", "12 chapters.")
        found = QCoreApplication.translate("FindDock", "in %n scene(s)", "", 3)
        assert found == "in 3 scenes"
    finally:
        for translator in qapp.findChildren(QTranslator):
            qapp.removeTranslator(translator)
            translator.deleteLater()
        QLocale.setDefault(QLocale(QLocale.Language.English))


def test_every_plural_has_its_english_forms(tmp_path: Path) -> None:
    """lupdate -pluralonly over the sources finds no plural without English forms."""
    english = I18N / "inkling_en.ts"
    copy = tmp_path / english.name
    shutil.copy(english, copy)
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    sources = sorted(str(p) for p in (ROOT / "gui").rglob("*.py"))
    subprocess.run([str(lupdate), *sources, "-ts", str(copy), "-pluralonly", "-no-obsolete"],
                   check=True, capture_output=True)  # fmt: skip
    for message in ET.parse(copy).iter("message"):
        translation = message.find("translation")
        assert translation is not None
        forms = [f.text or "" for f in translation.iter("numerusform")]
        assert translation.get("type") is None and len(forms) == 2 and all(forms), message.findtext(
            "source"
        )
