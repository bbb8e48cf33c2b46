"""While the model writes into the page, a bar at the editor's foot says what it is doing
and stops it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from tests.fakes import FakeFactory
from tests.gui.conftest import show_window

CTRL = Qt.KeyboardModifier.ControlModifier


def test_the_bar_reads_then_counts_words_and_its_stop_button_stops(
    qtbot, windows, tmp_path: Path
) -> None:
    factory = FakeFactory(delay=0.05)
    window = show_window(qtbot, windows, tmp_path, engine_factory=factory)
    qtbot.waitUntil(lambda: window.model_ready, timeout=10000)
    bar = window.continuation.bar
    assert not bar.isVisible()
    qtbot.keyClicks(window.editor, "Alice saw")
    with qtbot.waitSignal(window.continuation_done, timeout=10000) as done:
        qtbot.keyClick(window.editor, Qt.Key.Key_Return, CTRL)
        assert bar.isVisible()
        assert bar.label.text().startswith("Reading the story")
        qtbot.waitUntil(lambda: bar.label.text().startswith("Writing… "), timeout=5000)
        editor_rect = window.editor.rect()
        assert editor_rect.contains(bar.geometry())  # over the page, inside the editor
        # The page's text ends above the bar: the line being written is never under it.
        page = window.editor.viewport().geometry()
        assert page.bottom() < bar.geometry().top()
        qtbot.mouseClick(bar.stop_button, Qt.MouseButton.LeftButton)
    assert done.args[0].cancelled
    assert not bar.isVisible()
    assert window.editor.viewport().geometry().bottom() >= bar.geometry().top()  # room back
    assert window.editor.hasFocus() or not bar.stop_button.hasFocus()


def test_the_bar_counts_chinese_in_characters(qtbot, windows, tmp_path: Path, qapp) -> None:
    from PySide6.QtCore import QLocale, QTranslator

    from gui.common.i18n import install_translators

    window = show_window(qtbot, windows, tmp_path, engine_factory=FakeFactory())
    bar = window.continuation.bar
    install_translators(qapp, "en_GB")  # the English interface's plurals, as the app has
    try:
        bar.begin()
        bar.written("我们走到门口，看见他")
        assert bar.label.text() == "Writing… 9 characters"
        bar.written("She walked to the door")
        assert bar.label.text() == "Writing… 5 words"
        bar.written("She")
        assert bar.label.text() == "Writing… 1 word"  # not "1 words"
        bar.end()
    finally:
        for translator in qapp.findChildren(QTranslator):
            qapp.removeTranslator(translator)
            translator.deleteLater()
        QLocale.setDefault(QLocale(QLocale.Language.English))
    assert not bar.isVisible()


def test_a_draft_that_opens_a_paragraph_shows_its_words_at_once(qtbot) -> None:
    from gui.editor.editor import Editor
    from gui.editor.positions import PARAGRAPH_MARK, draft_display

    assert draft_display("It was late.\nThen") == "It was late."
    assert draft_display("\n\nIt was") == PARAGRAPH_MARK + "It was"
    assert draft_display("\n\n") == draft_display("") == ""
    editor = Editor()
    qtbot.addWidget(editor)
    editor.setPlainText("The lamp went out.")
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    editor.begin_insertion()
    editor.show_draft("\n\nIt was a rainy")
    block = editor.document().lastBlock()
    # The grey words sit at the cursor; the page itself is unchanged until they are kept.
    assert block.layout().preeditAreaText() == PARAGRAPH_MARK + "It was a rainy"
    assert editor.toPlainText() == "The lamp went out."
