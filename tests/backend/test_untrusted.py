"""The gate for untrusted files: names become paths inside their folder only, and reads are
bounded by the bytes actually read."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from backend.untrusted import (
    RefusedFile,
    depth,
    describe_size,
    fold_id,
    inside,
    is_inside,
    is_safe_id,
    loads_json,
    loads_toml,
    read_bounded,
    read_json,
    read_toml,
    shown,
)


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("abc123", True),
        ("A-b_9", True),
        ("x" * 64, True),
        ("x" * 65, False),
        ("", False),
        ("..", False),
        ("a/b", False),
        ("a\\b", False),
        ("a.b", False),
        ("a\x00b", False),
        ("/etc/passwd", False),
        ("é", False),
        (5, False),
        (None, False),
    ],
)
def test_safe_ids(value: object, safe: bool) -> None:
    assert is_safe_id(value) is safe


def test_ids_differing_in_case_fold_alike() -> None:
    assert fold_id("Abc") == fold_id("aBC") and fold_id("abc") != fold_id("abd")


def test_inside_refuses_every_way_out(tmp_path: Path, canary) -> None:
    root = tmp_path / "Story.inkling"
    (root / "scenes").mkdir(parents=True)
    assert inside(root, "scenes", "a.md") == root.resolve() / "scenes" / "a.md"
    for parts in (("..", "notes", "ideas.md"), ("/etc/passwd",), ("a\x00b",), ("~", "x")):
        with pytest.raises(RefusedFile):
            inside(root, *parts)
    (root / "out").symlink_to(canary.path, target_is_directory=True)
    with pytest.raises(RefusedFile, match=re.escape("leads outside Story.inkling")):
        inside(root, "out", "ideas.md")
    assert not is_inside(root, root / "out" / "ideas.md")
    (root / "loop").symlink_to(root / "loop")
    with pytest.raises(RefusedFile):
        inside(root, "loop", "x")
    canary.check()


def test_read_bounded_counts_what_it_reads(tmp_path: Path, canary) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 100)
    assert read_bounded(path, 100) == b"x" * 100
    with pytest.raises(RefusedFile, match="larger than 99 bytes"):
        read_bounded(path, 99)
    with pytest.raises(IsADirectoryError):
        read_bounded(tmp_path, 100)
    with pytest.raises(FileNotFoundError):
        read_bounded(tmp_path / "missing", 100)
    link = tmp_path / "Story.inkling" / "link.md"
    link.parent.mkdir()
    link.symlink_to(canary.path / "id_rsa")
    with pytest.raises(RefusedFile, match="leads outside"):
        read_bounded(link, 1000, root=link.parent)
    canary.check()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_is_refused_without_waiting(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(RefusedFile, match="not an ordinary file"):
        read_bounded(pipe, 1000)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_dev_zero_is_refused_without_reading(tmp_path: Path) -> None:
    with pytest.raises(RefusedFile, match="not an ordinary file"):
        read_bounded(Path("/dev/zero"), 1000)
    link = tmp_path / "zero.toml"
    link.symlink_to("/dev/zero")
    with pytest.raises(RefusedFile):
        read_toml(link, 1000)
    with pytest.raises(RefusedFile):
        read_json(link, 1000)


def test_toml_limits_and_bom() -> None:
    assert loads_toml(b'\xef\xbb\xbfa = "b"\n', "x.toml") == {"a": "b"}
    with pytest.raises(
        RefusedFile, match=r"x.toml is not UTF-8 text \(first bad byte at offset 5\)"
    ):
        loads_toml(b'a = "\xff"', "x.toml")
    with pytest.raises(RefusedFile, match="nests deeper than 32 levels"):
        loads_toml(b"a = " + b"[" * 100_000, "x.toml")
    with pytest.raises(RefusedFile, match="nests deeper than 32 levels"):
        loads_toml(b"[" + b".".join(b"k%d" % i for i in range(40)) + b"]", "x.toml")
    with pytest.raises(RefusedFile, match=re.escape("x.toml is damaged")):
        loads_toml(b"n = " + b"9" * 5000, "x.toml")
    with pytest.raises(RefusedFile, match=re.escape("x.toml is damaged")):
        loads_toml(b"= =", "x.toml")


def test_json_limits() -> None:
    assert loads_json(b'\xef\xbb\xbf{"a": [1]}', "c.json") == {"a": [1]}
    with pytest.raises(RefusedFile, match="nests deeper than 32 levels"):
        loads_json(b"[" * 100_000 + b"]" * 100_000, "c.json")
    with pytest.raises(RefusedFile, match="nests deeper than 32 levels"):
        loads_json(b"[" * 40 + b"]" * 40, "c.json")
    with pytest.raises(RefusedFile, match="not valid JSON"):
        loads_json(b"1" * 5000, "c.json")
    assert depth({"a": [{"b": 1}]}) == 3 and depth(5) == 0


def test_names_in_messages_are_short_and_printable() -> None:
    assert shown("a\x00b") == "“a\\x00b”"
    assert shown("x" * 500) == "“" + "x" * 60 + "…”"
    assert describe_size(32 * 1024 * 1024) == "32 MB" and describe_size(2048) == "2 KB"
