"""The GGUF header reader against lying, truncated, nested and special files."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.engines import gguf_meta
from backend.engines.base import EngineError
from backend.engines.gguf_meta import check_gguf, read_metadata

U8, U32, STRING, ARRAY = 0, 4, 8, 9


def _str(text: bytes) -> bytes:
    return struct.pack("<Q", len(text)) + text


def _header(n_kv: int, n_tensors: int = 0, version: int = 3) -> bytes:
    return b"GGUF" + struct.pack("<IQQ", version, n_tensors, n_kv)


def _kv(key: bytes, vtype: int, payload: bytes) -> bytes:
    return _str(key) + struct.pack("<I", vtype) + payload


def _array(etype: int, items: list[bytes]) -> bytes:
    return struct.pack("<IQ", etype, len(items)) + b"".join(items)


def _valid() -> bytes:
    """A small, well-formed header: an architecture, a number, a short and a long array."""
    return _header(5) + b"".join(
        [
            _kv(b"general.architecture", STRING, _str(b"llama")),
            _kv(b"llama.context_length", U32, struct.pack("<I", 2048)),
            _kv(b"short", ARRAY, _array(U32, [struct.pack("<I", i) for i in range(3)])),
            _kv(b"tokens", ARRAY, _array(STRING, [_str(b"tok%d" % i) for i in range(500)])),
            _kv(b"nested", ARRAY, _array(ARRAY, [_array(U8, [b"\x01", b"\x02"])] * 2)),
        ]
    )


@pytest.fixture
def models(tmp_path: Path) -> Path:
    folder = tmp_path / "models"
    folder.mkdir()
    return folder


def _refused(path: Path, canary, *words: str) -> str:
    with pytest.raises(EngineError) as caught:
        read_metadata(path)
    message = str(caught.value)
    assert path.name in message
    for word in words:
        assert word in message
    assert not any(text in message for text in canary.texts())
    canary.check()
    return message


def test_a_well_formed_header_is_read(models: Path, canary) -> None:
    path = models / "ok.gguf"
    path.write_bytes(_valid())
    meta = read_metadata(path)
    assert meta["general.architecture"] == "llama" and meta["llama.context_length"] == 2048
    assert meta["short"] == [0, 1, 2]
    assert meta["tokens"] == {"array_length": 500}
    assert meta["nested"] == [[1, 2], [1, 2]]
    check_gguf(path)
    stopped = read_metadata(path, lambda m: "llama.context_length" in m)
    assert "short" not in stopped
    canary.check()


def test_a_truncated_file_is_refused(models: Path, canary) -> None:
    whole = _valid()
    path = models / "cut.gguf"
    for cut in range(8, len(whole), 37):
        path.write_bytes(whole[:cut])
        message = _refused(path, canary, "damaged GGUF header")
        assert "the file ends inside its header" in message or "could hold" in message
    path.write_bytes(whole[:20])
    _refused(path, canary, "the file ends inside its header: 16 bytes are needed at byte 8")
    path.write_bytes(whole[:30])
    _refused(path, canary, "it claims 5 metadata keys", "more than the 6 bytes")
    path.write_bytes(whole[:6])
    _refused(path, canary, "not a GGUF model file")


def test_a_header_claiming_two_to_the_sixty_keys_is_refused(models: Path, canary) -> None:
    path = models / "keys.gguf"
    path.write_bytes(_header(1 << 60) + _kv(b"a", U8, b"\x00"))
    _refused(path, canary, "1,152,921,504,606,846,976 metadata keys")
    # Under the cap but more than the file could hold.
    path.write_bytes(_header(50_000) + _kv(b"a", U8, b"\x00"))
    _refused(path, canary, "50,000 metadata keys", "could hold")


def test_a_lying_tensor_count_is_refused(models: Path, canary) -> None:
    path = models / "tensors.gguf"
    path.write_bytes(_header(1, n_tensors=1 << 60) + _kv(b"a", U8, b"\x00"))
    _refused(path, canary, "1,152,921,504,606,846,976 tensors")


@pytest.mark.parametrize("where", ["key", "value", "array"])
def test_a_string_of_two_to_the_sixty_two_bytes_is_refused(
    models: Path, canary, where: str
) -> None:
    huge = struct.pack("<Q", 1 << 62) + b"abc" + b"\0" * 1000
    body = {
        "key": huge,
        "value": _str(b"k") + struct.pack("<I", STRING) + huge,
        "array": _kv(b"k", ARRAY, struct.pack("<IQ", STRING, 100) + huge),
    }[where]
    path = models / "string.gguf"
    path.write_bytes(_header(1) + body)
    _refused(path, canary, "a string of 4,611,686,018,427,387,904 bytes")


def test_a_string_longer_than_the_file_is_refused(models: Path, canary) -> None:
    path = models / "long.gguf"
    path.write_bytes(_header(1) + _kv(b"k", STRING, struct.pack("<Q", 10 << 20) + b"abc"))
    _refused(path, canary, "the file ends inside its header", "10,485,760 bytes")
    # The same inside a long array of strings, which is hopped over rather than read.
    items = [_str(b"x")] * 100 + [struct.pack("<Q", 10 << 20) + b"abc"]
    path.write_bytes(_header(1) + _kv(b"k", ARRAY, _array(STRING, items)))
    _refused(path, canary, "the file ends inside its header", "a string of 10,485,760 bytes")


@pytest.mark.parametrize("etype", [U8, STRING, ARRAY])
def test_an_array_of_two_to_the_forty_elements_is_refused(models: Path, canary, etype: int) -> None:
    path = models / "array.gguf"
    path.write_bytes(_header(1) + _kv(b"k", ARRAY, struct.pack("<IQ", etype, 1 << 40)) + b"\0" * 64)
    _refused(path, canary, "an array of 1,099,511,627,776 elements", "could hold")


def test_fifty_thousand_deep_nested_arrays_are_refused(models: Path, canary) -> None:
    depth = 50_000
    payload = struct.pack("<IQ", ARRAY, 1) * depth + struct.pack("<IQ", U8, 0)
    path = models / "deep.gguf"
    path.write_bytes(_header(1) + _kv(b"deep", ARRAY, payload))
    assert path.stat().st_size > 500_000
    _refused(path, canary, f"arrays nested more than {gguf_meta.MAX_NESTING} deep")
    # Long arrays of arrays are walked, not kept: the same limit holds there.
    long = struct.pack("<IQ", ARRAY, 100) + payload
    path.write_bytes(_header(1) + _kv(b"deep", ARRAY, long))
    _refused(path, canary, "nested more than")


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (_kv(b"k", 99, b"\0" * 16), "unknown value type 99"),
        (_kv(b"k", ARRAY, struct.pack("<IQ", 77, 2) + b"\0" * 16), "unknown value type 77"),
        (_kv(b"k\xff\xfe", U8, b"\0"), "utf-8"),
    ],
)
def test_unknown_types_and_bad_text_are_refused(
    models: Path, canary, payload: bytes, words: str
) -> None:
    path = models / "odd.gguf"
    path.write_bytes(_header(1) + payload)
    _refused(path, canary, "damaged GGUF header", words)


def test_headers_beyond_the_work_and_memory_budgets_are_refused(
    models: Path, canary, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = models / "busy.gguf"
    path.write_bytes(_header(1) + _kv(b"k", ARRAY, _array(STRING, [_str(b"")] * 200)))
    monkeypatch.setattr(gguf_meta, "MAX_ITEMS", 100)
    _refused(path, canary, "more than 100 values")
    monkeypatch.undo()
    path.write_bytes(
        _header(3) + b"".join(_kv(b"k%d" % i, STRING, _str(b"x" * 600)) for i in range(3))
    )
    monkeypatch.setattr(gguf_meta, "MAX_KEPT_BYTES", 1 << 10)
    _refused(path, canary, "larger than")


def test_files_that_are_not_gguf_are_refused(models: Path, canary) -> None:
    path = models / "text.gguf"
    path.write_bytes(b"Once upon a time " * 100)
    _refused(path, canary, "not a GGUF model file")
    with pytest.raises(EngineError, match="not a GGUF model file"):
        check_gguf(path)
    path.write_bytes(_header(1, version=1) + _kv(b"a", U8, b"\0"))
    _refused(path, canary, "GGUF version 1")
    with pytest.raises(EngineError, match="GGUF version 1"):
        check_gguf(path)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder", "missing", "loop"])
def test_special_files_are_refused_without_being_read(models: Path, canary, kind: str) -> None:
    path = models / f"{kind}.gguf"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()
    elif kind == "loop":
        path.symlink_to(path.name)
    words = {
        "fifo": "not an ordinary file",
        "dev-zero": "not an ordinary file",
        "folder": "is a folder",
        "missing": "No such file",
        "loop": "symbolic links",
    }[kind]
    _refused(path, canary, words)
    with pytest.raises(EngineError) as caught:
        check_gguf(path)
    assert path.name in str(caught.value)
    canary.check()


def test_a_link_to_an_ordinary_gguf_is_read(models: Path, canary) -> None:
    # The hub's cache keeps models as links into its blob store.
    (models / "blob").write_bytes(_valid())
    link = models / "linked.gguf"
    link.symlink_to("blob")
    assert read_metadata(link)["general.architecture"] == "llama"
    check_gguf(link)
    canary.check()


def _only_engine_errors(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        meta = read_metadata(path)
    except EngineError as exc:
        assert path.name in str(exc)
    else:
        assert isinstance(meta, dict)
    try:
        check_gguf(path)
    except EngineError as exc:
        assert path.name in str(exc)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(version=st.sampled_from([2, 3]), rest=st.binary(max_size=400))
def test_any_bytes_after_a_valid_magic_are_read_or_refused(
    models: Path, canary, version: int, rest: bytes
) -> None:
    _only_engine_errors(models / "random.gguf", b"GGUF" + struct.pack("<I", version) + rest)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    at=st.integers(min_value=4, max_value=len(_valid()) - 1),
    noise=st.binary(min_size=1, max_size=12),
    insert=st.booleans(),
)
def test_a_damaged_valid_header_is_read_or_refused(
    models: Path, canary, at: int, noise: bytes, insert: bool
) -> None:
    whole = _valid()
    data = whole[:at] + noise + whole[at if insert else at + len(noise) :]
    _only_engine_errors(models / "mutated.gguf", data)
