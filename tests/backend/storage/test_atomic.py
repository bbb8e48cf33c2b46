"""Atomic saves with faults injected: the previous file always survives."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from backend.storage.atomic import SaveError, atomic_write_text, backup_path


def test_write_keeps_a_backup(tmp_path: Path) -> None:
    f = tmp_path / "story.md"
    atomic_write_text(f, "one")
    atomic_write_text(f, "two")
    assert f.read_text() == "two"
    assert backup_path(f).read_text() == "one"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("target", ["os.replace", "os.fsync"])
def test_failing_replace_or_fsync_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    f = tmp_path / "story.md"
    atomic_write_text(f, "precious words")

    def boom(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(target, boom)
    with pytest.raises(SaveError, match="disk is full"):
        atomic_write_text(f, "new words")
    monkeypatch.undo()
    assert f.read_text() == "precious words"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder(tmp_path: Path) -> None:
    f = tmp_path / "story.md"
    atomic_write_text(f, "words")
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(SaveError, match="not allowed"):
            atomic_write_text(f, "more")
    finally:
        tmp_path.chmod(0o700)
    assert f.read_text() == "words"


def test_read_only_folder_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    f = tmp_path / "story.md"
    atomic_write_text(f, "words")

    def denied(*_a: object, **_k: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(SaveError, match="not allowed"):
        atomic_write_text(f, "more")
    monkeypatch.undo()
    assert f.read_text() == "words"


def test_folder_gone(tmp_path: Path) -> None:
    with pytest.raises(SaveError, match="no longer exists"):
        atomic_write_text(tmp_path / "gone" / "story.md", "words")
