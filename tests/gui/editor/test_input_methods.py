"""Ghost text and input methods (pinyin and other compositions, dead keys, Compose) never
fight: real QInputMethodEvents and key events through pytest-qt."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QApplication

from gui.editor.editor import Editor
from gui.window.app import input_method_module
from gui.window.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
GHOST = "我们走到门口，看见他站在那里。"


def compose(editor: Editor, preedit: str) -> None:
    """The input method shows `preedit` (pinyin letters, a dead key's accent)."""
    QApplication.sendEvent(editor, QInputMethodEvent(preedit, []))


def commit(editor: Editor, text: str) -> None:
    """The input method commits `text` and closes its composition ('' cancels it)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(editor, event)


def ghost_after(qtbot, window: MainWindow, text: str) -> str:
    """Commit `text` as an input method would and wait for the suggestion it brings."""
    with qtbot.waitSignal(window.suggestions.suggestion_shown, timeout=5000):
        commit(window.editor, text)
    qtbot.waitUntil(lambda: not window.suggestions._live or window.suggestions._live.done)
    return window.editor.ghost_text


def test_a_committed_phrase_asks_for_a_chinese_suggestion(qtbot, window) -> None:
    assert ghost_after(qtbot, window, "夜里，") == GHOST
    assert window.editor.toPlainText() == "夜里，"


def test_composing_hides_the_ghost_and_asks_nothing(qtbot, window) -> None:
    editor = window.editor
    ghost_after(qtbot, window, "夜里，")
    posted: list[int] = []
    window.suggestions.request_posted.connect(posted.append)
    compose(editor, "wo")
    assert editor.composing
    assert editor.ghost_text == ""
    compose(editor, "women")
    qtbot.wait(200)
    assert posted == [], "no suggestion while the input method composes"
    assert editor.toPlainText() == "夜里，"
    # Committing the ghost's next word is typing through it: the rest stays, no new request.
    commit(editor, "我们")
    assert not editor.composing
    assert editor.toPlainText() == "夜里，我们"
    assert editor.ghost_text == GHOST[2:]
    qtbot.wait(150)
    assert posted == []


def test_a_commit_of_several_words_shrinks_the_ghost(qtbot, window) -> None:
    editor = window.editor
    ghost_after(qtbot, window, "夜里，")
    compose(editor, "womenzoudao")
    commit(editor, "我们走到")
    assert editor.toPlainText() == "夜里，我们走到"
    assert editor.ghost_text == GHOST[4:]


def test_a_different_commit_dismisses_and_asks_again(qtbot, window) -> None:
    editor = window.editor
    ghost_after(qtbot, window, "夜里，")
    compose(editor, "yue")
    with qtbot.waitSignal(window.suggestions.request_posted, timeout=5000):
        commit(editor, "月亮")
    assert editor.toPlainText() == "夜里，月亮"
    qtbot.waitUntil(lambda: editor.ghost_text == GHOST)


def test_a_cancelled_composition_brings_the_ghost_back(qtbot, window) -> None:
    editor = window.editor
    ghost_after(qtbot, window, "夜里，")
    compose(editor, "zou")
    assert editor.ghost_text == ""
    commit(editor, "")  # Escape in the input method: nothing committed
    assert not editor.composing
    assert editor.toPlainText() == "夜里，"
    assert editor.ghost_text == GHOST


def test_ctrl_right_accepts_one_chinese_word(qtbot, window) -> None:
    editor = window.editor
    ghost_after(qtbot, window, "夜里，")
    qtbot.keyClick(editor, Qt.Key.Key_Right, CTRL)
    assert editor.toPlainText() == "夜里，我们"
    qtbot.keyClick(editor, Qt.Key.Key_Right, CTRL)
    qtbot.keyClick(editor, Qt.Key.Key_Right, CTRL)
    assert editor.toPlainText() == "夜里，我们走到"


def test_a_late_suggestion_is_not_drawn_over_a_composition(qtbot, window) -> None:
    editor = window.editor
    compose(editor, "ye")
    editor.show_ghost("不该出现")
    assert editor.ghost_text == ""


def test_dead_keys_and_compose_do_not_dismiss_the_ghost(qtbot) -> None:
    editor = Editor()
    qtbot.addWidget(editor)
    editor.show()
    editor.show_ghost("été chaud")
    for key in (Qt.Key.Key_Dead_Acute, Qt.Key.Key_Multi_key):
        press = QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, "")
        QApplication.sendEvent(editor, press)
        assert editor.ghost_text == "été chaud"
    # A dead key shown as a composition (´), then the composed letter committed.
    compose(editor, "´")
    assert editor.ghost_text == ""
    commit(editor, "é")
    assert editor.toPlainText() == "é"
    assert editor.ghost_text == "té chaud"
    # The composed letter arriving as a plain key event types through as well.
    qtbot.keyClicks(editor, "t")
    assert editor.ghost_text == "é chaud"


def test_a_chinese_story_gets_chinese_prompts_and_counts(qtbot, window) -> None:
    """The language comes from the text: the status bar counts characters, Tense is
    hidden, and the bible and a first-person continuation are asked for in Chinese."""
    editor = window.editor
    commit(editor, "雨已经下了三天，玛莎终于拆开了那封信。")
    counts = window.book.counts_label
    qtbot.waitUntil(lambda: counts.text() == "17 characters", timeout=3000)
    style = window.style_panel
    assert not style._form.isRowVisible(style.tense)
    engine = window.model_thread.worker._engine
    window.bible.premise.setText("守灯塔的人发现了一个撑着红伞的小女孩。")
    with qtbot.waitSignal(window.bible_done, timeout=10000):
        window.bible.generate_current()
    assert any("故事梗概：守灯塔的人" in p and "姓名：" in p for p in engine.prompts)
    style.enabled.setChecked(True)
    style.pov.setCurrentIndex(style.pov.findData("first"))
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    with qtbot.waitSignal(window.continuation_done, timeout=10000):
        qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)
    assert "叙述视角：第一人称（我）" in engine.prompts[-1]


def test_fcitx_sessions_type_through_ibus_when_qt_has_no_fcitx_plugin(tmp_path) -> None:
    plugins = tmp_path / "platforminputcontexts"
    plugins.mkdir()
    (plugins / "libibusplatforminputcontextplugin.so").write_bytes(b"")
    assert input_method_module({"QT_IM_MODULE": "fcitx"}, plugins) == "ibus"
    assert input_method_module({"QT_IM_MODULE": "fcitx5"}, plugins) == "ibus"
    assert input_method_module({"QT_IM_MODULE": "ibus"}, plugins) is None
    assert input_method_module({}, plugins) is None
    (plugins / "libfcitx5platforminputcontextplugin.so").write_bytes(b"")
    assert input_method_module({"QT_IM_MODULE": "fcitx5"}, plugins) is None
