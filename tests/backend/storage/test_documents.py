"""Documents: hostile input opens or is refused clearly; saving round-trips exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.jobs.suggest import SuggestOptions, suggest_context
from backend.storage.documents import (
    Document,
    DocumentError,
    EncodingProblem,
    changed_on_disk,
    export_text,
    read_document,
    save_document,
)


def test_binary_file_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "picture.txt"
    f.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(DocumentError, match="binary"):
        read_document(f)


def test_invalid_utf8_asks_and_never_corrupts_silently(tmp_path: Path) -> None:
    f = tmp_path / "old.txt"
    f.write_bytes("Caf\u00e9 au lait".encode("cp1252"))
    with pytest.raises(EncodingProblem, match="not valid UTF-8"):
        read_document(f)
    assert read_document(f, encoding="cp1252").text == "Café au lait"
    replaced = read_document(f, replace=True)
    assert replaced.text == "Caf\ufffd au lait" and replaced.notes
    doc = read_document(f, encoding="cp1252")
    save_document(doc, doc.text + "!")
    assert f.read_bytes() == "Café au lait!".encode("cp1252")


def test_line_endings_are_kept(tmp_path: Path) -> None:
    for newline in ("\r", "\r\n", "\n"):
        f = tmp_path / "lines.txt"
        f.write_bytes(newline.join(["one", "two", "three"]).encode())
        doc = read_document(f)
        assert doc.text == "one\ntwo\nthree"
        save_document(doc, doc.text + "\nfour")
        assert f.read_bytes() == newline.join(["one", "two", "three", "four"]).encode()


def test_unicode_edge_cases_round_trip(tmp_path: Path) -> None:
    text = "שלום עולם — e\u0301 cafe\u0301 🐇🕰️👩‍👩‍👧 " + "x" * 200_000 + "\nend"
    f = tmp_path / "u.md"
    doc = Document("", f)
    save_document(doc, text)
    assert read_document(f).text == text


def test_nul_bytes_are_refused(tmp_path: Path) -> None:
    f = tmp_path / "nul.txt"
    f.write_bytes(b"hello\x00world")
    with pytest.raises(DocumentError, match="binary"):
        read_document(f)


def test_big_document_opens_and_suggestions_use_a_budget(tmp_path: Path) -> None:
    f = tmp_path / "big.txt"
    para = "It was the best of times, it was the worst of times. " * 20 + "\n\n"
    f.write_text(para * (20_000_000 // len(para)))
    doc = read_document(f)
    assert len(doc.text) > 19_000_000
    ctx = suggest_context(doc.text, len(doc.text), SuggestOptions(context_tokens=1536))
    assert len(ctx.before) <= 1536 * 4


def test_missing_and_folder_paths(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="does not exist"):
        read_document(tmp_path / "nope.md")
    with pytest.raises(DocumentError, match="folder"):
        read_document(tmp_path)


def test_changed_on_disk_is_detected(tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    f.write_text("mine")
    doc = read_document(f)
    assert not changed_on_disk(doc)
    f.write_text("someone else's")
    assert changed_on_disk(doc)
    f.unlink()
    assert changed_on_disk(doc)


def test_export_markdown_and_plain(tmp_path: Path) -> None:
    text = "# Chapter One\n\nShe was *very* **late**.\n\n---\n\nThe end"
    export_text(text, tmp_path / "a.md", markdown=True)
    export_text(text, tmp_path / "a.txt", markdown=False)
    assert (tmp_path / "a.md").read_text() == text + "\n"
    assert (tmp_path / "a.txt").read_text() == "Chapter One\n\nShe was very late.\n\n\n\nThe end\n"


edits = st.lists(
    st.tuples(
        st.sampled_from(["insert", "delete", "save", "reload"]),
        st.integers(0, 10_000),
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20),
    ),
    max_size=25,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=edits, newline=st.sampled_from(["\n", "\r\n", "\r"]))
def test_random_edit_save_reload_round_trips(tmp_path: Path, ops, newline: str) -> None:
    f = tmp_path / "prop.md"
    f.write_bytes(newline.join(["start", "here"]).encode())
    doc = read_document(f)
    text = doc.text
    for op, pos, payload in ops:
        # The editor holds \n-only text; anything a writer types is normalised the same way.
        payload = payload.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
        pos = pos % (len(text) + 1)
        if op == "insert":
            text = text[:pos] + payload + text[pos:]
        elif op == "delete":
            text = text[:pos] + text[pos + len(payload) :]
        elif op == "save":
            save_document(doc, text)
        else:
            save_document(doc, text)
            doc = read_document(f)
            assert doc.text == text
    save_document(doc, text)
    assert read_document(f).text == text
