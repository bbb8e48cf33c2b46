"""Snapshots, scene history and backups in the window: taken before the model writes, at
the first change of a session and on demand; restored as one undo step; backups on
demand, on close and restored beside the project, with failures told and the work kept."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from backend.formats.manuscript import split_manuscript
from backend.story.backup import list_backups
from backend.story.project_read import load_story
from backend.story.project_save import save_story
from backend.story.snapshots import SnapshotStore
from gui.window.main_window import MainWindow
from tests.fakes import FakeFactory, ScriptedPrompts, fake_spec, ready_window

CTRL = Qt.KeyboardModifier.ControlModifier


def manuscript() -> str:
    return "\n\n".join(
        f"Chapter {n}\n\nWren walked to the harbour in chapter {n}.\n\n***\n\n"
        f"The second scene of chapter {n} ends here."
        for n in range(1, 4)
    )


@pytest.fixture
def story_window(qtbot, windows, tmp_path: Path):
    def make(**answers) -> MainWindow:
        folder = tmp_path / "Harbour.inkling"
        if not folder.exists():
            save_story(split_manuscript(manuscript()).to_story(folder, "Harbour"))
        window = ready_window(
            qtbot, windows, tmp_path / "home", fake_spec(tmp_path),
            engine_factory=FakeFactory(), prompts=ScriptedPrompts(**answers),
        )  # fmt: skip
        (tmp_path / "backups").mkdir(exist_ok=True)
        window.settings.keeping.backup_folder = str(tmp_path / "backups")
        assert window.documents.open(str(folder))
        return window

    return make


def history(window: MainWindow, scene_id: str):
    window.book.keeping.flush()
    QApplication.processEvents()
    return SnapshotStore(window.documents.story.folder).history(scene_id)


def tree_hash(folder: Path) -> dict[str, str]:
    """Each file of the project (its snapshots and lock aside) and its checksum."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "snapshots" not in path.parts and "inkling-lock" not in path.name
    }


def test_first_change_in_a_session_keeps_the_scene_as_it_was(qtbot, story_window) -> None:
    window = story_window()
    editor = window.editor
    scene_id = window.documents.project.current
    before = editor.toPlainText()
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, " The gulls cried.")
    qtbot.keyClicks(editor, " Again.")
    snaps = history(window, scene_id).snapshots
    assert [(s.cause, s.words) for s in snaps] == [("session", len(before.split()))]
    store = SnapshotStore(window.documents.story.folder)
    assert store.text_of(snaps[0]) == before


def test_a_continuation_is_preceded_by_a_snapshot_and_restore_is_one_undo(
    qtbot, story_window
) -> None:
    window = story_window()
    editor = window.editor
    project = window.documents.project
    scene_id = project.current
    before = editor.toPlainText()
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    with qtbot.waitSignal(window.continuation_done, timeout=5000):
        qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)
    after = editor.toPlainText()
    assert after != before and "rabbit" in after
    snaps = history(window, scene_id).snapshots
    assert [s.cause for s in snaps] == ["continuation"]  # the session one would be the same
    # Scene History: the version, its diff, and restoring it.
    qtbot.keyClick(editor, Qt.Key.Key_H, CTRL | Qt.KeyboardModifier.AltModifier)
    dialog = window.book.history_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.version is not None, timeout=5000)
    assert dialog.version.text == before
    assert "rabbit" in dialog.inline.toPlainText()  # what the continuation added, marked
    dialog.mode.setCurrentIndex(1)
    assert dialog.left.toPlainText() == before and dialog.right.toPlainText() == after
    assert dialog.copy() == before
    assert QApplication.clipboard().text() == before
    assert dialog.restore_selected()
    assert editor.toPlainText() == before
    causes = [s.cause for s in history(window, scene_id).snapshots]
    assert causes == ["restore", "continuation"]
    store = SnapshotStore(window.documents.story.folder)
    assert store.text_of(history(window, scene_id).snapshots[0]) == after
    editor.undo()
    assert editor.toPlainText() == after


def test_replace_all_snapshots_every_scene_it_changes(qtbot, story_window) -> None:
    window = story_window(confirm=[True])
    find = window.book.find
    find.open(True)
    qtbot.keyClicks(find.query, "Wren")
    find.scope.setCurrentIndex(1)
    qtbot.keyClicks(find.replacement, "Ada")
    assert find.replace_all() == 3
    story = window.documents.story
    for chapter in story.binder.chapters:
        first, second = chapter.scenes
        snaps = history(window, first.id).snapshots
        assert [s.cause for s in snaps] == ["replace"], chapter.title
        assert "Wren" in SnapshotStore(story.folder).text_of(snaps[0])
        assert history(window, second.id).snapshots == []


def test_named_snapshot_and_a_scene_in_the_trash_keeps_its_history(qtbot, story_window) -> None:
    window = story_window(text=["Before the storm"])
    project = window.documents.project
    scene_id = project.current
    qtbot.keyClick(window.editor, Qt.Key.Key_S, CTRL | Qt.KeyboardModifier.AltModifier)
    snaps = history(window, scene_id).snapshots
    assert [(s.cause, s.name) for s in snaps] == [("manual", "Before the storm")]
    project.apply(lambda b: b.delete(scene_id), (scene_id,))
    assert scene_id in {s.id for s in window.documents.story.binder.trash}
    window.book.show_history(scene_id)
    dialog = window.book.history_dialog
    qtbot.waitUntil(lambda: dialog.version is not None, timeout=5000)
    assert [s.name for s in dialog.snapshots] == ["Before the storm"]
    assert not dialog.restore_button.isEnabled() and dialog.copy_button.isEnabled()


def test_back_up_now_then_restore_beside_the_project(qtbot, story_window, tmp_path) -> None:
    window = story_window()
    keeping = window.book.keeping
    editor = window.editor
    qtbot.keyClicks(editor, "Fresh words. ")
    with qtbot.waitSignal(keeping.backed_up, timeout=10000) as made:
        qtbot.keyClick(editor, Qt.Key.Key_B, CTRL | Qt.KeyboardModifier.AltModifier)
    backup = made.args[0]
    assert (
        backup.path.parent == tmp_path / "backups"
        and zipfile.ZipFile(backup.path).testzip() is None
    )
    live = window.documents.story.folder
    assert (
        "Fresh words."
        in (live / "scenes").joinpath(f"{window.documents.project.current}.md").read_text()
    )
    before = tree_hash(live)
    window.documents.prompts.answers["backup_path"] = [str(backup.path)]
    with qtbot.waitSignal(keeping.restored, timeout=10000) as restored:
        window.book.keeping.restore_from_backup()
    target = Path(restored.args[0])
    assert target.parent == live.parent and target != live
    assert window.documents.story.folder == target  # the restored copy is open
    assert tree_hash(live) == before
    story, notes = load_story(target)
    assert notes == [] and "Fresh words." in story.binder.chapters[0].scenes[0].text


def test_a_backup_that_fails_is_told_and_the_writer_keeps_writing(
    qtbot, story_window, tmp_path
) -> None:
    window = story_window()
    (tmp_path / "backups").rmdir()
    (tmp_path / "backups").write_text("not a folder")
    keeping = window.book.keeping
    live = window.documents.story.folder
    assert window.documents.save()
    before = tree_hash(live)
    with qtbot.waitSignal(keeping.problem, timeout=10000) as told:
        keeping.back_up_now()
    assert "not a folder" in told.args[1] and "keep writing" in told.args[1]
    assert tree_hash(live) == before
    qtbot.keyClicks(window.editor, "Still here.")
    assert "Still here." in window.editor.toPlainText()


def test_closing_a_changed_story_backs_it_up_once(qtbot, story_window, tmp_path) -> None:
    window = story_window(save_changes=["save", "save"])
    live = window.documents.story.folder
    qtbot.keyClicks(window.editor, "Closing words. ")
    assert window.documents.new()
    window.book.keeping.flush()
    QApplication.processEvents()
    backups = list_backups(live, tmp_path / "backups")
    assert len(backups) == 1
    with zipfile.ZipFile(backups[0].path) as archive:
        texts = [archive.read(n).decode() for n in archive.namelist() if "/scenes/" in n]
    assert any("Closing words." in t for t in texts)
    # Opened and closed again without a change: no second backup.
    assert window.documents.open(str(live))
    assert window.documents.new()
    window.book.keeping.flush()
    QApplication.processEvents()
    assert len(list_backups(live, tmp_path / "backups")) == 1


def test_a_damaged_snapshot_line_leaves_the_rest_of_the_history_shown(qtbot, story_window) -> None:
    window = story_window(text=["First", "Second"])
    project = window.documents.project
    scene_id = project.current
    keeping = window.book.keeping
    keeping.take_snapshot()
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(window.editor, " More.")
    keeping.take_snapshot()
    keeping.flush()
    log = window.documents.story.folder / "snapshots" / f"{scene_id}.jsonl"
    lines = log.read_bytes().splitlines(keepends=True)
    assert len(lines) == 2  # First, Second (the session's is the same text as First)
    log.write_bytes(lines[0] + b'{"id": "broken", "time": 12}\n' + lines[1])
    window.book.show_history(scene_id)
    dialog = window.book.history_dialog
    qtbot.waitUntil(lambda: dialog.version is not None, timeout=5000)
    assert [s.name for s in dialog.snapshots] == ["Second", "First"]
    assert "1 snapshot(s) of this scene could not be read" in dialog.notes.text()
    dialog.list.setCurrentItem(dialog.list.topLevelItem(1))
    qtbot.waitUntil(
        lambda: dialog.version is not None and dialog.version.snapshot.name == "First",
        timeout=5000,
    )
    assert dialog.version.problem == ""


def test_without_a_helper_process_snapshots_are_kept_on_a_thread(
    qtbot, story_window, monkeypatch
) -> None:
    class NoProcesses:
        def submit(self, *_args, **_kwargs):
            raise RuntimeError("no new process can start here")

        def shutdown(self, *_args, **_kwargs) -> None:
            pass

    window = story_window()
    window.book.keeping._pool = NoProcesses()
    scene_id = window.documents.project.current
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(window.editor, " The tide turned.")
    assert [s.cause for s in history(window, scene_id).snapshots] == ["session"]
