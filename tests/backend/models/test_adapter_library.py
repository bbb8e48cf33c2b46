"""Each model's adapters: added, renamed, switched and deleted per base model, and a damaged
index that keeps the files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from backend.engines.adapter_file import AdapterError, write_adapter
from backend.models.adapter_library import AdapterLibrary
from tests.backend.engines.test_adapter_file import meta_for, random_pairs


@pytest.fixture(scope="module")
def adapter(bundled_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    pairs = random_pairs(bundled_gguf)
    path = tmp_path_factory.mktemp("adapters") / "voice.gguf"
    write_adapter(path, pairs, meta_for(bundled_gguf, pairs, sources=("book.txt",)))
    return path


def test_the_library_keeps_adapters_per_model(
    bundled_gguf: Path, smollm_gguf: Path, adapter: Path, tmp_path: Path
) -> None:
    library = AdapterLibrary(tmp_path, bundled_gguf)
    entry = library.add(adapter)
    assert entry.name == "Test voice" and entry.meta.sources == ("book.txt",)
    library.rename(entry.file, "Noir me")
    active = library.switch(entry.file, 0.7)
    assert active is not None and active.scale == 0.7
    again = AdapterLibrary(tmp_path, bundled_gguf)
    assert [e.name for e in again.entries()] == ["Noir me"]
    assert again.active() == active
    assert AdapterLibrary(tmp_path, smollm_gguf).entries() == []
    with pytest.raises(AdapterError):
        AdapterLibrary(tmp_path, smollm_gguf).add(adapter)
    again.delete(entry.file)
    assert again.entries() == [] and again.active() is None
    assert not (again.folder / entry.file).exists()


def test_a_damaged_library_index_lists_the_files_switched_off(
    bundled_gguf: Path, adapter: Path, tmp_path: Path
) -> None:
    library = AdapterLibrary(tmp_path, bundled_gguf)
    entry = library.add(adapter)
    library.switch(entry.file)
    (library.folder / "index.json").write_text("{ not json")
    again = AdapterLibrary(tmp_path, bundled_gguf)
    assert [e.file for e in again.entries()] == [entry.file] and again.active() is None
    shutil.rmtree(library.folder)
