"""Manuscript import: chapter patterns, parts, scene breaks, Word files and bad input."""

from __future__ import annotations

import os
from pathlib import Path

import docx
import pytest

from backend.formats.manuscript import (
    ImportProblem,
    import_manuscript,
    read_manuscript,
    split_manuscript,
)

ROOT = Path(__file__).resolve().parents[3]
ALICE = ROOT / "tests" / "data" / "corpus" / "alice.txt"


def test_chapter_numbers_roman_numerals_and_scene_breaks() -> None:
    text = (
        "Title page\n\nChapter 1\n\nOne.\n\n***\n\nTwo.\n\n"
        "Chapter 2: Rain\n\nThree.\n\n* * *\n\nFour.\n\n#\n\nFive."
    )
    plan = split_manuscript(text)
    assert [c.title for c in plan.chapters] == ["Opening", "Chapter 1", "Chapter 2: Rain"]
    assert plan.chapters[1].scenes == ["One.", "Two."]
    assert plan.chapters[2].scenes == ["Three.", "Four.", "Five."]
    # Alice's break: rows of seven widely spaced asterisks, three rows deep.
    stars = "  *    *    *    *    *    *    *\n\n    *    *    *    *    *    *\n\n"
    wide = split_manuscript(f"Chapter 1\n\nSix.\n\n{stars}{stars}Seven.")
    assert wide.chapters[0].scenes == ["Six.", "Seven."]
    roman = split_manuscript("CHAPTER I\n\nA.\n\nCHAPTER II\n\nB.", "CHAPTER I")
    assert [c.title for c in roman.chapters] == ["CHAPTER I", "CHAPTER II"]


def test_chinese_headings_parts_and_markdown() -> None:
    plan = split_manuscript("第一部 故乡\n\n第一章 回家\n\n我冒了严寒。\n\n第二章 闰土\n\n他来了。")
    assert [(c.part, c.title) for c in plan.chapters] == [
        ("第一部 故乡", "第一章 回家"),
        ("第一部 故乡", "第二章 闰土"),
    ]
    assert plan.chapters[0].words == 5  # CJK characters count one each
    md = split_manuscript("# One\n\nText.\n\n## Two\n\nMore.", "# headings")
    assert [c.title for c in md.chapters] == ["One", "Two"]


def test_regex_pattern_and_no_match() -> None:
    plan = split_manuscript("== A ==\nx\n== B ==\ny", r"== \w ==")
    assert [c.title for c in plan.chapters] == ["== A ==", "== B =="]
    with pytest.raises(ImportProblem, match="found no chapter"):
        split_manuscript("No headings here.", r"Kapitel \d+")
    with pytest.raises(ImportProblem, match="not a valid regular expression"):
        split_manuscript("x", "(")
    auto = split_manuscript("Just a story with no headings.")
    assert len(auto.chapters) == 1 and "No chapter headings" in auto.notes[0]


def test_hard_wrapped_corpus_is_joined_into_paragraphs() -> None:
    plan = split_manuscript(ALICE.read_text())
    assert len(plan.chapters) == 12
    first = plan.chapters[0].scenes[0].split("\n\n")[0]
    assert first.startswith("Alice was beginning") and "\n" not in first and len(first) > 300


def test_docx_headings_become_chapters(tmp_path: Path) -> None:
    path = tmp_path / "book.docx"
    document = docx.Document()
    document.add_heading("The First", level=1)
    document.add_paragraph("It began.")
    document.add_paragraph("***")
    document.add_paragraph("It went on.")
    document.add_heading("The Second", level=1)
    document.add_paragraph("It ended.")
    document.save(str(path))
    plan = split_manuscript(read_manuscript(path))
    assert [c.title for c in plan.chapters] == ["The First", "The Second"]
    assert plan.chapters[0].scenes == ["It began.", "It went on."]


def test_bad_word_files(tmp_path: Path) -> None:
    fake = tmp_path / "fake.docx"
    fake.write_text("not a zip")
    with pytest.raises(ImportProblem, match="not a Word"):
        read_manuscript(fake)
    locked = tmp_path / "locked.docx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(ImportProblem, match="password-protected"):
        read_manuscript(locked)


def test_import_refuses_an_existing_story(tmp_path: Path) -> None:
    source = tmp_path / "m.txt"
    source.write_text("Chapter 1\n\nText.")
    target = tmp_path / "m.inkling"
    target.mkdir()
    (target / "story.toml").write_text("format = 2\n")
    with pytest.raises(ImportProblem, match="already exists"):
        import_manuscript(source, target)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_is_refused_at_once(tmp_path: Path, canary) -> None:
    for name in ("book.txt", "book.docx"):
        pipe = tmp_path / name
        os.mkfifo(pipe)
        with pytest.raises(ImportProblem) as refused:
            read_manuscript(pipe)
        assert str(refused.value) == (
            f"{name} is not an ordinary file (it is a device, a pipe or a socket); it was not read."
        )
    canary.check()


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_link_to_dev_zero_is_refused_at_once(tmp_path: Path) -> None:
    for name in ("zero.txt", "zero.md", "zero.docx"):
        (tmp_path / name).symlink_to("/dev/zero")
        with pytest.raises(ImportProblem, match="is not an ordinary file"):
            read_manuscript(tmp_path / name)
    with pytest.raises(ImportProblem, match="folder"):
        read_manuscript(tmp_path)


def test_a_manuscript_over_the_limit_names_it(tmp_path: Path, monkeypatch) -> None:
    import backend.formats.manuscript as manuscript

    monkeypatch.setattr(manuscript, "MAX_IMPORT_BYTES", 2 * 1024 * 1024)
    path = tmp_path / "long.txt"
    path.write_bytes(b"word " * (1024 * 1024))
    with pytest.raises(ImportProblem) as refused:
        read_manuscript(path)
    assert str(refused.value) == "long.txt is too large to import (5 MB; the most is 2 MB)."


def test_markdown_part_headings_open_parts_not_empty_chapters() -> None:
    text = (
        "# Part One\n\n## Chapter 1\n\nA.\n\n## Chapter 2\n\nB.\n\n"
        "# Part Two\n\n## Chapter 3\n\nC.\n"
    )
    plan = split_manuscript(text)
    assert [(c.title, c.part) for c in plan.chapters] == [
        ("Chapter 1", "Part One"),
        ("Chapter 2", "Part One"),
        ("Chapter 3", "Part Two"),
    ]


def test_a_chinese_book_names_its_scenes_in_chinese(tmp_path: Path) -> None:
    text = (
        "第一章 故乡\n\n我冒了严寒，回到相隔二千余里，别了二十余年的故乡去。\n\n***\n\n"
        "时候既然是深冬。"
    )
    story = split_manuscript(text).to_story(tmp_path / "故乡.inkling")
    chapter = story.binder.chapters[0]
    assert chapter.title == "第一章 故乡"
    assert [s.title for s in chapter.scenes] == ["第1场", "第2场"]
    plain = split_manuscript("我冒了严寒，回到故乡去。").to_story(tmp_path / "a.inkling")
    assert plain.binder.chapters[0].title == "第一章"
    english = split_manuscript("Chapter 1\n\nIt rained.").to_story(tmp_path / "b.inkling")
    assert english.binder.chapters[0].scenes[0].title == "Scene 1"
