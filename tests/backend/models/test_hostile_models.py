"""Adapters and their list against hostile names, links, special files and damaged metadata.

A small llama-architecture GGUF stands in for the base model: the library only reads its
metadata and fingerprint, so no weights are loaded here.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from backend.engines.adapter_file import AdapterError, AdapterMeta, read_adapter, write_adapter
from backend.models.adapter_library import AdapterLibrary


def _base(path: Path) -> Path:
    import gguf

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_block_count(1)
    writer.add_tensor("blk.0.attn_q.weight", np.zeros((4, 8), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def _adapter(path: Path, **own: object) -> Path:
    pairs = {"blk.0.attn_q.weight": (np.ones((2, 8), np.float32), np.ones((4, 2), np.float32))}
    write_adapter(path, pairs, AdapterMeta("llama", 4.0, 2, 1, **own))  # type: ignore[arg-type]
    return path


def _raw_own_json(path: Path, own: str) -> Path:
    """An adapter whose inkling.adapter.json is exactly `own` (not made by write_adapter)."""
    import gguf

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_string("general.type", "adapter")
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", 4.0)
    writer.add_string("inkling.adapter.json", own)
    writer.add_tensor("blk.0.attn_q.weight.lora_a", np.ones((2, 8), np.float32))
    writer.add_tensor("blk.0.attn_q.weight.lora_b", np.ones((4, 2), np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


@pytest.fixture
def library(tmp_path: Path) -> AdapterLibrary:
    """A library at Story.inkling/adapters, so `../../../notes/...` from the model's adapter
    folder reaches the canary, with one good adapter in it."""
    base = _base(tmp_path / "base.gguf")
    library = AdapterLibrary(tmp_path / "Story.inkling" / "adapters", base)
    source = _adapter(tmp_path / "good.gguf", name="Good voice")
    library.add(source)
    return library


def _index(library: AdapterLibrary, data: object) -> None:
    (library.folder / "index.json").write_text(json.dumps(data))


def _fresh(library: AdapterLibrary) -> AdapterLibrary:
    return AdapterLibrary(library.root, library.model_path)


def test_traversal_names_in_the_index_are_skipped(library: AdapterLibrary, canary) -> None:
    outside = "../../../notes/ideas.md"
    assert (library.folder / outside).resolve() == (canary.path / "ideas.md").resolve()
    names = {
        "good.gguf": "Good",
        outside: "Secret",
        str(canary.path / "notes.md"): "Absolute",
        "../../../notes/id_rsa": "Key",
        "sub/x.gguf": "Nested",
        "..": "Up",
        ".hidden.gguf": "Hidden",
        "x\x00.gguf": "NUL",
        "x" * 5000 + ".gguf": "Long",
    }
    _index(library, {"names": names, "active": outside, "scale": 1.0})
    again = _fresh(library)
    assert [(e.file, e.name) for e in again.entries()] == [("good.gguf", "Good")]
    assert again.active() is None
    for name in names:
        if name == "good.gguf":
            continue
        with pytest.raises(AdapterError, match="There is no adapter"):
            again.delete(name)
        with pytest.raises(AdapterError):
            again.switch(name)
    again.delete("good.gguf")
    assert again.entries() == [] and not (library.folder / "good.gguf").exists()
    canary.check()


def test_links_leading_out_of_the_adapter_folder_are_not_followed(
    library: AdapterLibrary, canary, tmp_path: Path
) -> None:
    (tmp_path / "elsewhere").mkdir()
    elsewhere = _adapter(tmp_path / "elsewhere" / "voice.gguf", name="Elsewhere")
    (library.folder / "outside.gguf").symlink_to(elsewhere)
    (library.folder / "ideas.gguf").symlink_to(canary.path / "ideas.md")
    (library.folder / "alias.gguf").symlink_to("good.gguf")
    names = {"good.gguf": "Good", "outside.gguf": "Out", "ideas.gguf": "Ideas", "alias.gguf": "A"}
    _index(library, {"names": names, "active": "outside.gguf", "scale": 1.0})
    again = _fresh(library)
    assert sorted(e.file for e in again.entries()) == ["alias.gguf", "good.gguf"]
    assert again.active() is None
    for name in ("outside.gguf", "ideas.gguf"):
        with pytest.raises(AdapterError, match="leads outside"):
            again.delete(name)
        with pytest.raises(AdapterError, match="leads outside"):
            again.switch(name)
    assert elsewhere.exists() and (library.folder / "outside.gguf").is_symlink()
    # A link inside the folder is removed as a link: the adapter it named stays.
    again.delete("alias.gguf")
    assert not os.path.lexists(library.folder / "alias.gguf")
    assert (library.folder / "good.gguf").is_file()
    canary.check()


def test_the_model_folder_itself_as_a_link_outside_is_refused(tmp_path: Path, canary) -> None:
    base = _base(tmp_path / "base.gguf")
    root = tmp_path / "Story.inkling" / "adapters"
    probe = AdapterLibrary(root, base)
    root.mkdir(parents=True)
    probe.folder.symlink_to(canary.path)
    library = AdapterLibrary(root, base)
    assert library.entries() == [] and library.active() is None
    with pytest.raises(AdapterError, match="leads outside"):
        library.add(_adapter(tmp_path / "voice.gguf"))
    canary.check()


@pytest.mark.parametrize(
    "make",
    [
        lambda f: f.write_bytes(b"GGUF\x03\x00\x00\x00" + b"\xff" * 40),
        lambda f: f.write_text("not an adapter"),
        lambda f: os.mkfifo(f),
        lambda f: f.symlink_to("/dev/zero"),
        lambda f: f.mkdir(),
        lambda f: f.symlink_to("nowhere.gguf"),
    ],
    ids=["damaged", "text", "fifo", "dev-zero", "folder", "dangling"],
)
def test_a_damaged_adapter_is_skipped_and_the_rest_kept(
    library: AdapterLibrary, canary, make
) -> None:
    make(library.folder / "bad.gguf")
    _index(library, {"names": {"good.gguf": "Good", "bad.gguf": "Bad"}, "active": "bad.gguf"})
    again = _fresh(library)
    assert [e.file for e in again.entries()] == ["good.gguf"]
    with pytest.raises(AdapterError):
        again.entry("bad.gguf")
    canary.check()


@pytest.mark.parametrize(
    "make",
    [
        lambda f: f.write_text("[" * 10_000 + "]" * 10_000),
        lambda f: f.write_bytes(b'{"names": {"good.gguf": "caf\xe9"}}'),
        lambda f: f.write_text('{"names": ["good.gguf"]}'),
        lambda f: f.write_text('["good.gguf"]'),
        lambda f: f.write_text(" " * (5 << 20)),
        lambda f: os.mkfifo(f),
        lambda f: f.symlink_to("/dev/zero"),
        lambda f: f.symlink_to(f.parents[4] / "notes" / "notes.md"),
    ],
    ids=["deep", "utf8", "names-list", "list", "huge", "fifo", "dev-zero", "outside"],
)
def test_a_damaged_index_lists_the_files_switched_off(
    library: AdapterLibrary, canary, make
) -> None:
    index = library.folder / "index.json"
    index.unlink()
    make(index)
    again = _fresh(library)
    assert [(e.file, e.name) for e in again.entries()] == [("good.gguf", "good")]
    assert again.active() is None
    again.switch("good.gguf", 0.5)  # the list is written anew, never through a link
    assert not index.is_symlink() and _fresh(library).active() is not None
    assert not (library.folder / "index.json.bak").exists() or not any(
        text in (library.folder / "index.json.bak").read_text(errors="replace")
        for text in canary.texts()
    )
    canary.check()


def test_wrong_types_in_the_index_keep_what_is_usable(library: AdapterLibrary, canary) -> None:
    _index(
        library,
        {"names": {"good.gguf": ["x"], "bad.gguf": 5}, "active": 7, "scale": "loud"},
    )
    again = _fresh(library)
    assert [(e.file, e.name) for e in again.entries()] == [("good.gguf", "good")]
    assert again.active() is None
    _index(library, {"names": {"good.gguf": "G\n" * 500}, "active": "good.gguf", "scale": 1e308})
    again = _fresh(library)
    (entry,) = again.entries()
    assert "\n" not in entry.name and len(entry.name) <= 200
    assert again.active() is not None and again.active().scale == 2.0
    canary.check()


@pytest.mark.parametrize(
    "own",
    [
        "[" * 50_000 + "]" * 50_000,
        '{"name": {"a": 1}, "sources": "abc", "measured": [1], "tokens": "x", "seconds": "y"}',
        '{"measured": {"ppl_before": "high", "ppl_after": true}, "sources": [1, {"a": 2}]}',
        '{"tokens": 1e400, "seconds": NaN, "created": 5}',
        "not json",
        '"just a string"',
    ],
    ids=["deep", "types", "measured", "numbers", "not-json", "string"],
)
def test_damaged_adapter_metadata_keeps_the_adapter(
    tmp_path: Path, canary, library: AdapterLibrary, own: str
) -> None:
    path = _raw_own_json(tmp_path / "odd.gguf", own)
    meta = read_adapter(path)
    assert (meta.rank, meta.tensors, meta.alpha) == (2, 1, 4.0)
    assert isinstance(meta.name, str) and all(isinstance(s, str) for s in meta.sources)
    assert isinstance(meta.tokens, int) and all(
        isinstance(v, float) for v in meta.measured.values()
    )
    entry = library.add(path)
    assert entry.file == "odd.gguf" and isinstance(entry.gain, str)
    canary.check()


def test_names_from_an_adapter_never_become_paths(
    tmp_path: Path, canary, library: AdapterLibrary
) -> None:
    sneaky = _adapter(tmp_path / "..sneaky...gguf", name="../../../notes/ideas")
    entry = library.add(sneaky)
    assert entry.file == "sneaky.gguf" and entry.name == "../../../notes/ideas"
    assert (library.folder / "sneaky.gguf").is_file()
    dots = shutil.copy(sneaky, tmp_path / "....gguf")
    assert library.add(Path(dots)).file == "adapter.gguf"
    # A dangling link under the next free name is stepped over, not written through.
    (library.folder / "voice.gguf").symlink_to(canary.path / "new.gguf")
    assert library.add(_adapter(tmp_path / "voice.gguf")).file == "voice-2.gguf"
    assert not (canary.path / "new.gguf").exists()
    for e in library.entries():
        library.delete(e.file)
    assert sorted(p.name for p in library.folder.iterdir()) == ["index.json", "index.json.bak",
                                                                "voice.gguf"]  # fmt: skip
    canary.check()
