"""The headless book commands, run as the writer would: python main.py import/stats/export."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import docx
from ebooklib import epub

ROOT = Path(__file__).resolve().parents[3]
ALICE = ROOT / "tests" / "data" / "corpus" / "alice.txt"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True, timeout=120
    )


def test_import_stats_export(tmp_path: Path) -> None:
    story = tmp_path / "Alice.inkling"
    done = run("import", str(ALICE), "--to", str(story), "--chapters", r"CHAPTER [IVX]+\..*")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["chapter_count"] == 12
    assert summary["chapters"][1]["title"] == "CHAPTER II. The Pool of Tears"
    stats = run("stats", str(story))
    assert stats.returncode == 0, stats.stderr
    data = json.loads(stats.stdout)
    assert data["chapter_count"] == 12 and data["words"] == summary["words"] > 25000
    # Chapter I is two scenes, at its rows of asterisks.
    assert data["chapters"][0]["scenes"] == 2 and data["chapters"][0]["words"] > 1000
    out = tmp_path / "alice.docx"
    assert run("export", str(story), "--to", str(out), "--chapters", "1-5").returncode == 0
    headings = [p.text for p in docx.Document(str(out)).paragraphs if p.style.name == "Heading 1"]
    assert len(headings) == 5 and headings[4].startswith("CHAPTER V.")
    ebook = tmp_path / "alice.epub"
    assert run("export", str(story), "--to", str(ebook)).returncode == 0
    assert (
        len(
            [
                i
                for i in epub.read_epub(str(ebook)).get_items()
                if i.get_name().startswith("chapter_")
            ]
        )
        == 12
    )


def test_bad_input_is_a_clear_message(tmp_path: Path) -> None:
    missed = run("import", str(ALICE), "--to", str(tmp_path / "x.inkling"), "--chapters", "Kapitel")
    assert missed.returncode == 2 and "found no chapter" in missed.stderr
    assert not (tmp_path / "x.inkling").exists()
    fake = tmp_path / "fake.docx"
    fake.write_text("hello")
    bad = run("import", str(fake), "--to", str(tmp_path / "y.inkling"))
    assert bad.returncode == 2 and "not a Word" in bad.stderr
    missing = run("stats", str(tmp_path / "none.inkling"))
    assert missing.returncode == 2 and "not an Inkling story" in missing.stderr
    story = tmp_path / "ok.inkling"
    assert run("import", str(ALICE), "--to", str(story)).returncode == 0
    blocked = run("export", str(story), "--to", str(tmp_path / "ALICE.txt" / "x.docx"))
    assert blocked.returncode == 2 and "inkling:" in blocked.stderr
    wrong = run("export", str(story), "--to", str(tmp_path / "a.docx"), "--chapters", "40-50")
    assert wrong.returncode == 2 and "outside" in wrong.stderr
