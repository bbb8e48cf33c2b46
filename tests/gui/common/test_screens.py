"""Windows that open where the writer can see all of them."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from gui.common.screens import fit_on_screen


def test_a_window_past_the_screens_edge_is_moved_onto_it(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    free = window.screen().availableGeometry()
    window.move(free.right() - 100, free.bottom() - 50)  # mostly off the screen
    fit_on_screen(window, 720, 500)
    frame = window.frameGeometry()
    assert free.contains(frame.topLeft()) and free.contains(frame.bottomRight())
    assert window.width() <= 720 and window.height() <= 500
