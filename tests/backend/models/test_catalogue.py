"""The model catalogue: inspection of files and folders, persistence, keys, removal."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import numpy as np
import pytest

from backend.models.catalogue import BUNDLED_ID, Catalog, CatalogError, inspect_path
from backend.storage.paths import app_paths


@pytest.fixture
def catalog(isolated_home) -> Catalog:
    return Catalog(app_paths())


def _gguf(path: Path, arch: str, tensors: bool = True) -> Path:
    import gguf

    w = gguf.GGUFWriter(str(path), arch)
    if tensors:
        w.add_tensor("w", np.zeros((4, 4), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def test_the_bundled_model_is_always_listed(catalog: Catalog) -> None:
    bundled = catalog.get(BUNDLED_ID)
    assert bundled is not None and "Gemma Terms of Use" in bundled.licence
    with pytest.raises(CatalogError):
        catalog.remove(BUNDLED_ID)


def test_gguf_metadata_is_read(smollm_gguf: Path) -> None:
    entry = inspect_path(smollm_gguf)
    assert entry.engine == "llamacpp" and entry.format == "GGUF"
    assert entry.architecture == "llama" and entry.context_length == 8192
    assert entry.licence == "Apache License 2.0"
    assert entry.prompt_format == "chatml"  # an instruct model: its end-of-turn stops text
    assert entry.spec(Path()).stop == ("<|im_end|>", "<|im_start|>")


def test_transformers_folder_is_inspected(tiny_gpt2_dir: Path) -> None:
    entry = inspect_path(tiny_gpt2_dir)
    assert (entry.engine, entry.architecture, entry.context_length) == ("transformers", "gpt2", 256)
    assert entry.size_bytes > 0


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda d: (d / "x.gguf").write_bytes(b"not a model at all, just text" * 10), "not a GGUF"),
        (lambda d: (d / "x.gguf").write_bytes(b"GGUF\x03\x00\x00\x00" + b"\xff" * 30), "damaged"),
        (lambda d: _gguf(d / "x.gguf", "notamodel"), "architecture 'notamodel'"),
        (lambda d: _gguf(d / "x.gguf", "llama", tensors=False), "no weights"),
        (lambda d: (d / "x.gguf").mkdir(), "model folder|config.json"),
    ],
)
def test_bad_model_files_are_refused_clearly(tmp_path: Path, make, words) -> None:
    make(tmp_path)
    with pytest.raises(CatalogError, match=words):
        inspect_path(tmp_path / "x.gguf")


def test_bad_folders_are_refused_clearly(tmp_path: Path, tiny_gpt2_dir: Path) -> None:
    folder = tmp_path / "m"
    shutil.copytree(tiny_gpt2_dir, folder)
    (folder / "tokenizer.json").unlink()
    (folder / "vocab.json").unlink(missing_ok=True)
    with pytest.raises(CatalogError, match="tokenizer"):
        inspect_path(folder)
    shutil.rmtree(folder)
    shutil.copytree(tiny_gpt2_dir, folder)
    config = json.loads((folder / "config.json").read_text())
    config["model_type"] = "vit"
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(CatalogError, match="cannot run it"):
        inspect_path(folder)


def test_entries_persist_and_a_damaged_list_is_set_aside(
    catalog: Catalog, smollm_gguf: Path, tiny_gpt2_dir: Path
) -> None:
    a = catalog.add_path(smollm_gguf)
    b = catalog.add_path(tiny_gpt2_dir)
    assert catalog.add_path(smollm_gguf).id == a.id  # added twice: listed once
    catalog.update_sampler(a.id, {"temperature": 0.6, "top_k": 20})
    again = Catalog(app_paths())
    assert [e.id for e in again.entries] == [BUNDLED_ID, a.id, b.id]
    assert again.get(a.id).sampler == {"temperature": 0.6, "top_k": 20}
    with pytest.raises(CatalogError, match="temperature"):
        again.update_sampler(a.id, {"temperature": 99.0})
    catalog.file.write_text("[[model]\nthis is not toml")
    broken = Catalog(app_paths())
    assert [e.id for e in broken.entries] == [BUNDLED_ID] and "set aside" in broken.problem
    assert catalog.file.with_name("models.toml.damaged").exists()


def test_server_key_is_private_and_never_in_the_list(catalog: Catalog) -> None:
    entry = catalog.add_remote("GPU box", "http://10.0.0.5:8080/v1/", "llama-70b", "sk-secret")
    assert entry.url == "http://10.0.0.5:8080" and entry.engine == "remote"
    assert "sk-secret" not in catalog.file.read_text()
    assert stat.S_IMODE(catalog.secrets_file.stat().st_mode) == 0o600
    spec = catalog.spec(entry.id)
    assert spec.api_key == "sk-secret" and "sk-secret" not in repr(spec)
    catalog.remove(entry.id)
    assert catalog.api_key(entry.id) == ""
    with pytest.raises(CatalogError, match="http"):
        catalog.add_remote("x", "ftp://example.com")


def test_only_downloaded_files_are_deleted_on_removal(
    catalog: Catalog, smollm_gguf: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "mine.gguf"
    shutil.copy(smollm_gguf, mine)
    kept = catalog.add_path(mine)
    assert catalog.remove(kept.id) is False and mine.exists()
    fetched = catalog.add_path(mine)
    fetched.downloaded = True
    catalog.save()
    assert catalog.remove(fetched.id) is True and not mine.exists()
