"""The shipped list of models to download: its schema, its sources, its memory formula."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.models.library import (
    RUNTIME_BYTES,
    checked_model,
    kv_cache_bytes,
    load_library,
    ram_for_file,
)

GOOD = {
    "id": "tiny",
    "name": "Tiny",
    "repo": "owner/model",
    "file": "m.gguf",
    "quantisation": "Q4_K_M",
    "size_bytes": 1000,
    "size_exact": True,
    "licence": "MIT License",
    "licence_url": "https://opensource.org/license/mit",
    "accept_required": False,
    "languages": ["en"],
    "kind": "instruct",
    "prompt_format": "chatml",
    "writers": "Small.",
    "sources": ["https://example.org/card"],
}


def test_the_shipped_catalogue_is_complete_and_sourced() -> None:
    models = load_library()
    assert 8 <= len(models) <= 12
    assert len({m.id for m in models}) == len(models)
    for m in models:
        assert m.sources and all(s.startswith("https://") for s in m.sources)
        assert m.file.endswith(".gguf") and m.quantisation in m.file
        assert m.licence and m.licence_url.startswith("https://")
        # Licences that ask every user to accept them are shown and accepted first.
        if "Gemma" in m.licence or "Llama" in m.licence:
            assert m.accept_required, m.id
    assert any(m.speaks("zh") for m in models) and any(m.speaks("en") for m in models)


def test_a_model_without_a_known_size_has_no_memory_figure() -> None:
    unknown = [m for m in load_library() if not m.size_bytes]
    assert all(m.ram_bytes() == 0 and not m.ram_exact for m in unknown)


def test_memory_is_weights_plus_cache_plus_runtime() -> None:
    shaped = checked_model({**GOOD, "layers": 28, "kv_heads": 8, "head_dim": 128})
    assert shaped.ram_bytes(4096) == 1000 + 2 * 28 * 8 * 128 * 4096 * 2 + RUNTIME_BYTES
    assert shaped.ram_bytes(8192) > shaped.ram_bytes(4096)
    rough = checked_model(GOOD)
    assert not rough.ram_exact and rough.ram_bytes() > 1000 + RUNTIME_BYTES - 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", "../escape"),
        ("repo", "not a repo"),
        ("file", "../../etc/passwd.gguf"),
        ("file", "weights.bin"),
        ("sources", []),
        ("sources", ["http://insecure.example"]),
        ("kind", "chat"),
        ("prompt_format", "jinja"),
        ("size_bytes", -1),
        ("accept_required", "yes"),
        ("languages", ["english"]),
        ("surprise", 1),
    ],
)
def test_a_bad_entry_is_refused_with_its_field(field: str, value: object) -> None:
    with pytest.raises(ValueError):
        checked_model({**GOOD, field: value})


def test_a_damaged_list_skips_bad_entries(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.toml"
    path.write_text(
        '[[model]]\nid = "x"\n\n[[model]]\n'
        + "".join(f"{k} = {_toml(v)}\n" for k, v in GOOD.items()),
        encoding="utf-8",
    )
    assert [m.id for m in load_library(path)] == ["tiny"]


def test_memory_for_a_file_comes_from_its_header(bundled_gguf: Path) -> None:
    # Gemma 3 270M: 18 layers, 1 KV head of 256 (its header).
    size = bundled_gguf.stat().st_size
    assert ram_for_file(bundled_gguf, 4096) == size + kv_cache_bytes(18, 1, 256, 4096) + (
        RUNTIME_BYTES
    )


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    if isinstance(value, int):
        return str(value)
    return f'"{value}"'
