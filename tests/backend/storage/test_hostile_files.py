"""Plain documents, recovery files, locks and window state from hostile places: pipes,
devices, links leading elsewhere and deeply nested JSON are refused with a message, at once,
and nothing outside is read or written."""

from __future__ import annotations

import json
import os
import re
import socket
from pathlib import Path

import pytest

from backend.storage.documents import DocumentError, changed_on_disk, read_document
from backend.storage.paths import app_paths
from backend.storage.recovery import DocumentLock, RecoveryStore
from backend.storage.state import StateStore

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
needs_zero = pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")


@needs_fifo
def test_a_pipe_is_not_opened_as_a_document(tmp_path: Path, canary) -> None:
    pipe = tmp_path / "story.txt"
    os.mkfifo(pipe)
    with pytest.raises(DocumentError) as refused:
        read_document(pipe)
    assert str(refused.value) == (
        "story.txt is not an ordinary file (it is a device, a pipe or a socket); it was not read."
    )
    canary.check()


@needs_zero
def test_a_link_to_dev_zero_is_not_opened_as_a_document(tmp_path: Path, canary) -> None:
    link = tmp_path / "endless.md"
    link.symlink_to("/dev/zero")
    with pytest.raises(DocumentError, match=re.escape("endless.md is not an ordinary file")):
        read_document(link)
    with pytest.raises(DocumentError, match="leads outside"):
        read_document(link, root=tmp_path)
    canary.check()


def test_a_document_may_be_a_link_to_a_file_the_writer_chose(tmp_path: Path, canary) -> None:
    link = tmp_path / "ideas-link.md"
    link.symlink_to(canary.path / "ideas.md")
    assert read_document(link).text == canary.FILES["ideas.md"].decode()
    with pytest.raises(DocumentError, match="leads outside"):
        read_document(link, root=tmp_path / "Story.inkling")
    canary.check()


def test_a_document_over_the_limit_is_refused_by_what_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import backend.storage.documents as documents

    monkeypatch.setattr(documents, "MAX_DOCUMENT_BYTES", 1024 * 1024)
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * (2 * 1024 * 1024))
    with pytest.raises(DocumentError) as refused:
        read_document(path)
    assert str(refused.value) == "big.txt is 2 MB; Inkling opens texts up to 1 MB."
    with pytest.raises(DocumentError) as refused:
        read_document(path, root=tmp_path)
    assert str(refused.value) == (
        "big.txt is larger than 1 MB, the most Inkling reads for this kind of file; it was "
        "not read."
    )


@needs_fifo
def test_changed_on_disk_does_not_wait_on_a_pipe(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("hello")
    doc = read_document(path)
    assert not changed_on_disk(doc)
    path.unlink()
    os.mkfifo(path)
    assert changed_on_disk(doc)


@needs_zero
def test_recovery_files_that_are_devices_or_too_deep_are_skipped(tmp_path: Path, canary) -> None:
    store = RecoveryStore(tmp_path / "state")
    store.folder.mkdir(parents=True)
    (store.folder / "zero.json").symlink_to("/dev/zero")
    (store.folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (store.folder / "secret.json").symlink_to(canary.path / "notes.md")
    good = {"document": "", "text": "kept", "saved_at": 1.0, "pid": 0, "story": "x" * 5}
    (store.folder / "good.json").write_text(json.dumps(good))
    (store.folder / "huge.json").write_text(json.dumps({**good, "pid": 10**30}))
    assert [r.text for r in store.pending()] == ["kept", "kept"]
    canary.check()


@needs_fifo
def test_a_lock_that_is_a_pipe_or_a_link_outside_is_never_written_through(
    tmp_path: Path, canary
) -> None:
    folder = tmp_path / "Story.inkling"
    folder.mkdir()
    document = folder / "story.toml"
    lock = DocumentLock(document)
    os.mkfifo(lock.path)
    assert lock.acquire() is None and not lock.held  # no hang, no lock
    lock.path.unlink()
    lock.path.symlink_to(canary.path / "notes.md")
    assert DocumentLock(document).acquire() is None
    assert lock.path.is_symlink()
    canary.check()


def test_a_damaged_lock_is_taken_over(tmp_path: Path) -> None:
    document = tmp_path / "a.md"
    damaged = ('{"pid": "x", "host": 5}', "[1, 2]", '{"pid": true}', "[" * 10_000)
    huge = json.dumps({"pid": 10**30, "host": socket.gethostname()})
    for owner in (*damaged, huge):
        lock = DocumentLock(document)
        lock.path.write_text(owner)
        lock.acquire()
        assert lock.held
        data = json.loads(lock.path.read_text())
        assert data["pid"] == os.getpid() and data["host"] == socket.gethostname()
        lock.release()


def test_window_state_that_is_too_deep_is_forgotten(tmp_path: Path) -> None:
    paths = app_paths(tmp_path / "home")
    paths.state.mkdir(parents=True, exist_ok=True)
    (paths.state / "state.json").write_text("[" * 100_000 + "]" * 100_000)
    store = StateStore(paths)
    assert store.get("window_geometry") is None
    store.set("window_geometry", "abc")
    assert StateStore(paths).get("window_geometry") == "abc"
