"""Guards against a Qt binding that corrupts Python's reference counts."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QPlainTextEdit


def test_void_qt_calls_do_not_drop_references_to_none(qtbot) -> None:
    # PySide6 6.12.0 released a reference to None on every void call; on Python 3.11 the
    # app then aborted after a few thousand edits ("deallocating None").
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    before = sys.getrefcount(None)
    for _ in range(500):
        editor.insertPlainText("a")
        editor.document().setModified(False)
    assert sys.getrefcount(None) - before > -50
