"""The model catalogue: inspection of files and folders, persistence, keys, removal."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import numpy as np
import pytest

from backend.models.bundled import BUNDLED_FILE
from backend.models.catalogue import BUNDLED_ID, Catalog, CatalogError, inspect_gguf, inspect_path
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
    catalog.paths.models.mkdir(parents=True, exist_ok=True)
    fetched_file = catalog.paths.models / "fetched.gguf"
    shutil.copy(smollm_gguf, fetched_file)
    fetched = catalog.add_path(fetched_file)
    fetched.downloaded = True
    catalog.save()
    again = Catalog(app_paths())
    assert again.remove(fetched.id) is True and not fetched_file.exists()


# --- a hand-edited or hostile models.toml, secrets.toml and model folders --------------------


def _write_list(catalog: Catalog, text: str | bytes) -> None:
    catalog.paths.config.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    catalog.file.write_bytes(data)


GOOD_ROWS = """
[[model]]
id = "gpu-box"
name = "GPU box"
engine = "remote"
url = "http://10.0.0.5:8080"
remote_model = "llama-70b"

[[model]]
id = "mine"
name = "My model"
engine = "llamacpp"
path = "/models/mine.gguf"
size_bytes = 1234
sampler = { temperature = 0.6, top_k = 20 }
"""


def test_a_list_with_wrong_types_keeps_the_good_entries(catalog: Catalog, canary) -> None:
    bad_rows = {
        "id = 5": "its id is missing or not a plain name",
        'id = "../../notes/ideas"': "its id is missing or not a plain name",
        'id = "n"\nname = ["x"]': "its name is a list, not text",
        'id = "e"\nengine = "rocket"\npath = "/x.gguf"': "the engine 'rocket'",
        'id = "p"\nengine = "llamacpp"\npath = "models/x.gguf"': "not a full path",
        'id = "z"\nengine = "llamacpp"\npath = "/x.gguf"\nsize_bytes = "big"': "its size_bytes",
        'id = "d"\nengine = "llamacpp"\npath = "/x.gguf"\ndownloaded = "yes"': "downloaded",
        'id = "t"\nengine = "llamacpp"\npath = "/x.gguf"\nsampler = 5': "sampler",
        'id = "u"\nengine = "llamacpp"\npath = "/x.gguf"\nsampler = {temperature = 9.0}': "temp",
        'id = "r"\nengine = "remote"\nurl = "ftp://x"': "http://",
        'id = "mine"\nengine = "remote"\nurl = "http://x"': "listed twice",
        'id = "q"\nengine = "llamacpp"\npath = "/x.gguf"\ncontext_length = -4': "out of range",
        'id = "w"\nengine = "llamacpp"\npath = "/x\\u0000.gguf"': "NUL",
        'id = "v"\nengine = "llamacpp"\npath = "/x.gguf"\nformat = {a = 1}': "its format",
    }
    text = GOOD_ROWS + "".join(f"\n[[model]]\n{row}\n" for row in bad_rows)
    _write_list(catalog, text)
    again = Catalog(catalog.paths)
    assert [e.id for e in again.entries] == [BUNDLED_ID, "gpu-box", "mine"]
    assert again.get("mine").sampler == {"temperature": 0.6, "top_k": 20}
    assert "could not be used and was skipped" in again.problem
    assert "models.toml.damaged" in again.problem
    # The file as the writer left it is kept; the next save writes only what was usable.
    assert catalog.file.with_name("models.toml.damaged").read_text() == text
    again.save()
    assert [e.id for e in Catalog(catalog.paths).entries] == [BUNDLED_ID, "gpu-box", "mine"]
    canary.check()


@pytest.mark.parametrize(
    ("row", "why"),
    [
        (bad, note)
        for bad, note in {
            "id = 5": "its id is missing or not a plain name",
            'id = "n"\nname = ["x"]\nengine = "remote"\nurl = "http://x"': "its name is a list",
            'id = "e"\nengine = "rocket"\npath = "/x.gguf"': "the engine 'rocket'",
            'id = "p"\nengine = "llamacpp"\npath = "x.gguf"': "not a full path",
            'id = "s"\nengine = "llamacpp"\npath = "/x.gguf"\nsize_bytes = "big"': "size_bytes",
            'id = "u"\nengine = "remote"\nurl = "http://x"\nsampler = {temperature = 9.0}': "temp",
        }.items()
    ],
)
def test_each_skipped_entry_is_named_in_the_note(
    catalog: Catalog, canary, row: str, why: str
) -> None:
    _write_list(catalog, GOOD_ROWS + f"\n[[model]]\n{row}\n")
    again = Catalog(catalog.paths)
    assert [e.id for e in again.entries] == [BUNDLED_ID, "gpu-box", "mine"]
    assert "model 3: " in again.problem and why in again.problem
    canary.check()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("model = 5", "“model” is not a list"),
        ('model = "x"', "“model” is not a list"),
        ("[model]\nid = 'x'", "“model” is not a list"),
        ("model = [5, 'x', [1]]", "model 1: it is not a table"),
    ],
)
def test_model_that_is_not_a_list_of_tables_is_a_note(
    catalog: Catalog, canary, text: str, words: str
) -> None:
    _write_list(catalog, text)
    again = Catalog(catalog.paths)
    assert [e.id for e in again.entries] == [BUNDLED_ID]
    assert words in again.problem
    canary.check()


def test_a_bom_is_accepted(catalog: Catalog, canary) -> None:
    _write_list(catalog, b"\xef\xbb\xbf" + GOOD_ROWS.encode())
    again = Catalog(catalog.paths)
    assert [e.id for e in again.entries] == [BUNDLED_ID, "gpu-box", "mine"]
    assert again.problem == ""
    canary.check()


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (
            lambda f: f.write_bytes(b"model = " + b"[" * 10_000 + b"]" * 10_000),
            "nests deeper than 32 levels",
        ),
        (lambda f: f.write_bytes(b"[[model]]\nid = 'caf\xe9'\n"), "is not UTF-8 text"),
        (lambda f: f.write_bytes(b"# padding\n" * 500_000), "larger than 4 MB"),
        (lambda f: os.mkfifo(f), "not an ordinary file"),
        (lambda f: f.symlink_to("/dev/zero"), "not an ordinary file"),
    ],
    ids=["deep", "utf8", "huge", "fifo", "dev-zero"],
)
def test_a_damaged_list_is_set_aside_with_a_message(catalog: Catalog, canary, make, words) -> None:
    catalog.paths.config.mkdir(parents=True, exist_ok=True)
    make(catalog.file)
    again = Catalog(catalog.paths)
    assert [e.id for e in again.entries] == [BUNDLED_ID]
    assert words in again.problem and "models.toml" in again.problem
    assert "set aside" in again.problem
    assert (
        catalog.file.with_name("models.toml.damaged").is_symlink()
        or catalog.file.with_name("models.toml.damaged").exists()
    )
    assert not catalog.file.exists()
    canary.check()


def test_a_listed_download_outside_the_models_folder_is_never_deleted(
    catalog: Catalog, canary
) -> None:
    ideas = canary.path / "ideas.md"
    models = catalog.paths.models
    models.mkdir(parents=True)
    (models / "link.gguf").symlink_to(canary.path / "notes.md")
    _write_list(
        catalog,
        f"""
[[model]]
id = "ideas"
engine = "llamacpp"
path = "{ideas}"
downloaded = true

[[model]]
id = "through"
engine = "llamacpp"
path = "{models}/../../../notes/id_rsa"
downloaded = true

[[model]]
id = "linked"
engine = "llamacpp"
path = "{models / "link.gguf"}"
downloaded = true
""",
    )
    again = Catalog(catalog.paths)
    assert [e.id for e in again.entries] == [BUNDLED_ID, "ideas", "through", "linked"]
    assert not any(e.downloaded for e in again.entries)
    for entry_id in ("ideas", "through", "linked"):
        assert again.remove(entry_id) is False
    assert (models / "link.gguf").is_symlink()
    canary.check()


def test_the_bundled_file_is_never_deleted_through_another_entry(catalog: Catalog, canary) -> None:
    bundled = catalog.paths.models / BUNDLED_FILE
    bundled.parent.mkdir(parents=True)
    bundled.write_bytes(b"GGUF")
    _write_list(
        catalog,
        f'[[model]]\nid = "copy"\nengine = "llamacpp"\npath = "{bundled}"\ndownloaded = true\n',
    )
    again = Catalog(catalog.paths)
    assert again.remove("copy") is False and bundled.exists()
    canary.check()


def test_paths_that_cannot_be_resolved_do_not_break_the_list(
    catalog: Catalog, canary, tmp_path: Path
) -> None:
    loop = tmp_path / "loop.gguf"
    loop.symlink_to(loop.name)
    _write_list(catalog, f'[[model]]\nid = "loop"\nengine = "llamacpp"\npath = "{loop}"\n')
    again = Catalog(catalog.paths)
    assert again.get("loop") is not None
    assert again.find_path(str(tmp_path / "other.gguf")) is None
    assert again.find_path("a\x00b") is None
    with pytest.raises(CatalogError, match="cannot be used as a model"):
        inspect_path("a\x00b.gguf")
    canary.check()


@pytest.mark.parametrize(
    "content",
    [
        b'gpu-box = 5\nother = ["x"]',
        b"gpu-box = " + b"[" * 5000 + b"]" * 5000,
        b"gpu-box = '\xff'",
        None,  # a FIFO
    ],
    ids=["types", "deep", "utf8", "fifo"],
)
def test_a_damaged_key_file_only_forgets_keys(catalog: Catalog, canary, content) -> None:
    entry = catalog.add_remote("GPU box", "http://10.0.0.5:8080", "llama-70b", "sk-secret")
    catalog.secrets_file.unlink()
    if content is None:
        os.mkfifo(catalog.secrets_file)
    else:
        catalog.secrets_file.write_bytes(content)
    assert catalog.api_key(entry.id) == ""
    assert catalog.spec(entry.id).api_key == ""
    canary.check()


def _folder(tmp_path: Path) -> Path:
    """A model folder that passes the file checks (its weights are never loaded here)."""
    folder = tmp_path / "Story.inkling" / "model"
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"model_type": "gpt2", "n_positions": 256}))
    (folder / "model.safetensors").write_bytes(b"\0" * 64)
    (folder / "tokenizer.json").write_text("{}")
    return folder


def test_a_plain_model_folder_is_inspected(tmp_path: Path, canary) -> None:
    folder = _folder(tmp_path)
    (folder / "tokenizer_config.json").write_text(
        json.dumps({"chat_template": [{"name": "default", "template": "<|im_start|>"}]})
    )
    (folder / "README.md").write_text("---\nlicense: mit\n---\n")
    entry = inspect_path(folder)
    assert (entry.architecture, entry.context_length, entry.size_bytes) == ("gpt2", 256, 64)
    assert entry.prompt_format == "chatml" and entry.licence == "MIT License"
    canary.check()


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda c: c.write_text("[" * 10_000 + "]" * 10_000), "nests deeper than 32 levels"),
        (lambda c: c.write_bytes(b'{"model_type": "gpt\xff"}'), "not UTF-8 text"),
        (lambda c: c.write_text("[1, 2]"), "not a model configuration"),
        (lambda c: c.write_text('{"model_type": 5}'), "is an unknown kind of model"),
        (lambda c: c.write_text('{"model_type": ' + '"x"' * 1 + "}"), "is a x model"),
        # The folder check refuses these before anything is opened.
        (lambda c: (c.unlink(), c.symlink_to("/dev/zero")), "has no config.json"),
        (lambda c: (c.unlink(), os.mkfifo(c)), "has no config.json"),
        (lambda c: c.write_bytes(b" " * (9 << 20)), "larger than 8 MB"),
    ],
    ids=["deep", "utf8", "list", "type-number", "unknown", "dev-zero", "fifo", "huge"],
)
def test_a_hostile_config_json_is_refused(tmp_path: Path, canary, make, words: str) -> None:
    folder = _folder(tmp_path)
    make(folder / "config.json")
    with pytest.raises(CatalogError) as caught:
        inspect_path(folder)
    assert words in str(caught.value) and "model" in str(caught.value)
    canary.check()


@pytest.mark.parametrize(
    "make",
    [
        lambda f: (f / "tokenizer_config.json").write_text("[" * 10_000 + "]" * 10_000),
        lambda f: (f / "tokenizer_config.json").write_text('{"chat_template": 5}'),
        lambda f: (f / "tokenizer_config.json").write_text('{"chat_template": [5, {"name": 1}]}'),
        lambda f: (f / "tokenizer_config.json").symlink_to("/dev/zero"),
        lambda f: os.mkfifo(f / "tokenizer_config.json"),
        lambda f: os.mkfifo(f / "README.md"),
        lambda f: (f / "README.md").symlink_to("/dev/zero"),
        lambda f: (f / "README.md").symlink_to(f.parent.parent / "notes" / "ideas.md"),
        lambda f: (f / "README.md").write_text("license: " + "x" * 100_000),
        lambda f: (f / "broken.safetensors").symlink_to("nowhere"),
    ],
    ids=["deep", "number", "odd-list", "dev-zero", "fifo", "readme-fifo", "readme-zero",
         "readme-outside", "readme-long", "dangling-weights"],
)  # fmt: skip
def test_damaged_extras_in_a_model_folder_are_ignored(tmp_path: Path, canary, make) -> None:
    folder = _folder(tmp_path)
    make(folder)
    entry = inspect_path(folder)
    assert entry.architecture == "gpt2" and entry.prompt_format == "plain"
    assert len(entry.licence) <= 80
    assert not any(text in entry.licence for text in canary.texts())
    canary.check()


def _gguf_bytes(*items: tuple[bytes, int, bytes]) -> bytes:
    import struct

    out = b"GGUF" + struct.pack("<IQQ", 3, 1, len(items))
    for key, vtype, payload in items:
        out += struct.pack("<Q", len(key)) + key + struct.pack("<I", vtype) + payload
    return out + b"\0" * 64


def test_metadata_of_the_wrong_type_is_ignored(tmp_path: Path, canary) -> None:
    import struct

    def text(s: bytes) -> bytes:
        return struct.pack("<Q", len(s)) + s

    path = tmp_path / "odd.gguf"
    path.write_bytes(
        _gguf_bytes(
            (b"general.architecture", 8, text(b"llama")),
            (b"llama.context_length", 8, text(b"lots")),
            (b"general.license", 9, struct.pack("<IQ", 4, 1) + b"\0" * 4),
            (b"tokenizer.chat_template", 4, b"\0" * 4),
        )
    )
    entry = inspect_gguf(path, probe=False)
    assert (entry.architecture, entry.context_length, entry.licence) == ("llama", 0, "")
    path.write_bytes(
        _gguf_bytes((b"general.architecture", 9, struct.pack("<IQ", 4, 1) + b"\0" * 4))
    )
    with pytest.raises(CatalogError, match="does not say which architecture"):
        inspect_gguf(path, probe=False)
    canary.check()
