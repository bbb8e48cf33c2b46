"""Files a writer gets from others or from forums: character cards, portraits, style presets,
language codes and the recall cache. Every hostile case runs beside a canary folder and
checks the words the writer sees."""

from __future__ import annotations

import base64
import json
import os
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.cli.character import _export_bytes
from backend.story import cards, language
from backend.story.bible import CHARACTER_FIELDS
from backend.story.cards import (
    CardError,
    blank_png,
    card_to_sheet,
    import_card,
    kept_card,
    read_card_json,
    read_card_png,
    read_portrait,
    sheet_to_card,
    write_card_png,
)
from backend.story.memory import recall
from backend.story.memory.recall import SceneText, build_index
from backend.story.style.model import Style, StyleError
from backend.story.style.presets import (
    builtin_presets,
    load_preset,
    preset_path,
    save_preset,
    user_presets,
)

SHEET = {"Name": "Wren Ashby", "Occupation": "Clockmaker", "Voice": "Measured."}
MB = 1024 * 1024


def chunk(kind: bytes, payload: bytes) -> bytes:
    """One PNG chunk with a correct checksum."""
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def png_with(*chunks: bytes) -> bytes:
    """A small valid PNG with `chunks` inserted before IEND."""
    png = blank_png(4, 4)
    return png[:-12] + b"".join(chunks) + png[-12:]


def card_b64(card: dict[str, Any] | None = None) -> bytes:
    return base64.b64encode(json.dumps(card or sheet_to_card(SHEET)).encode())


def deflate_bomb(size: int) -> bytes:
    """A deflate stream that inflates to `size` bytes of 'A' (whole MB), built in a blink:
    after a full flush the compressor starts afresh, so one flushed megabyte repeats."""
    packer = zlib.compressobj(9)
    block = b"A" * MB
    first = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    return first + again * (size // MB - 1) + packer.flush()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "Story.inkling"
    folder.mkdir()
    return folder


def refused(path: Path, canary: Any) -> str:
    """The message import_card gives for `path`, with no canary text in it."""
    with pytest.raises(CardError) as caught:
        import_card(path)
    message = str(caught.value)
    assert not any(text in message for text in canary.texts())
    return message


# --- cards: the file itself -------------------------------------------------------------
def test_a_fifo_card_is_refused_at_once(project: Path, canary: Any) -> None:
    fifo = project / "card.json"
    os.mkfifo(fifo)
    message = refused(fifo, canary)
    assert message == (
        "card.json is not an ordinary file (it is a device, a pipe or a socket); it was not read."
    )
    canary.check()


def test_a_card_linking_to_dev_zero_is_refused_at_once(project: Path, canary: Any) -> None:
    link = project / "card.png"
    link.symlink_to("/dev/zero")
    assert "card.png is not an ordinary file" in refused(link, canary)
    canary.check()


def test_a_40_mb_card_is_refused_naming_the_limit(project: Path, canary: Any) -> None:
    big = project / "card.json"
    big.write_bytes(b" " * (40 * MB))
    message = refused(big, canary)
    assert message.startswith("card.json is larger than 32 MB")
    canary.check()


def test_a_folder_named_like_a_card(project: Path, canary: Any) -> None:
    folder = project / "card.json"
    folder.mkdir()
    assert refused(folder, canary) == "Could not read card.json: Is a directory."
    canary.check()


def test_a_card_linking_to_a_private_file_leaks_nothing(project: Path, canary: Any) -> None:
    link = project / "card.json"
    link.symlink_to(canary.path / "id_rsa")
    assert refused(link, canary).startswith("card.json is not valid JSON")
    canary.check()


# --- cards: JSON ------------------------------------------------------------------------
def test_deeply_nested_card_json_is_a_card_error(project: Path, canary: Any) -> None:
    for levels in (40, 100_000):
        deep = project / f"deep{levels}.json"
        deep.write_text(
            '{"spec": "chara_card_v2", "data": {"name": "x", "extensions": {"a": '
            + "[" * levels
            + "]" * levels
            + "}}}"
        )
        assert refused(deep, canary) == (
            f"deep{levels}.json nests deeper than 32 levels; it was not read."
        )
    canary.check()


def test_invalid_utf8_and_a_bom(project: Path, canary: Any) -> None:
    bad = project / "bad.json"
    bad.write_bytes(b'{"name": "\xff"}')
    assert refused(bad, canary) == "bad.json is not UTF-8 text (first bad byte at offset 10)."
    bom = project / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + json.dumps(sheet_to_card(SHEET)).encode())
    sheet, _card = import_card(bom)
    assert sheet["Name"] == "Wren Ashby"
    canary.check()


def test_a_huge_number_is_a_card_error(project: Path, canary: Any) -> None:
    card = project / "digits.json"
    card.write_text('{"spec": "chara_card_v2", "data": {"name": "x", "n": ' + "9" * 5000 + "}}")
    assert refused(card, canary).startswith("digits.json is not valid JSON")
    canary.check()


ODD = [
    ([], "The card is not a JSON object."),
    ("card", "The card is not a JSON object."),
    (None, "The card is not a JSON object."),
    ({"spec": ["chara_card_v2"]}, "Not a character card (spec is a list)."),
    ({"spec": "x" * 10_000}, "Not a character card (spec is 'xxxx"),
    ({"spec": "chara_card_v2", "data": "x"}, "The card has no 'data' object."),
    ({"spec": "chara_card_v2", "data": [1]}, "The card has no 'data' object."),
    ({"spec": "chara_card_v2", "data": {"name": 5}}, "The card's 'name' must be text."),
    ({"spec": "chara_card_v2", "data": {"name": " "}}, "The card has no name."),
    ({"spec": "chara_card_v2", "data": {}}, "The card has no name."),
    (
        {"spec": "chara_card_v2", "data": {"name": "x", "description": ["a"]}},
        "The card's 'description' must be text.",
    ),
    (
        {"spec": "chara_card_v2", "data": {"name": "x", "tags": "a"}},
        "The card's 'tags' must be a list of text.",
    ),
    (
        {"spec": "chara_card_v2", "data": {"name": "x", "alternate_greetings": [1]}},
        "The card's 'alternate_greetings' must be a list of text.",
    ),
    (
        {"spec": "chara_card_v2", "data": {"name": "x", "extensions": "x"}},
        "The card's 'extensions' must be an object.",
    ),
    (
        {"spec": "chara_card_v2", "data": {"name": "x", "character_book": []}},
        "The card's 'character_book' must be an object.",
    ),
    (
        {"spec": "chara_card_v2", "data": {"name": "x", "extensions": {"inkling": "x"}}},
        "The card's 'extensions.inkling' must be an object.",
    ),
    (
        {"spec": "chara_card_v2", "data": {"name": "x", "extensions": {"inkling": [1]}}},
        "The card's 'extensions.inkling' must be an object.",
    ),
    (
        {"spec": "chara_card_v2", "data": {"name": "x", "extensions": {"inkling": 3}}},
        "The card's 'extensions.inkling' must be an object.",
    ),
    (
        {
            "spec": "chara_card_v2",
            "data": {"name": "x", "extensions": {"inkling": {"sheet": "x"}}},
        },
        "The card's 'extensions.inkling.sheet' must be an object of text.",
    ),
    (
        {
            "spec": "chara_card_v2",
            "data": {"name": "x", "extensions": {"inkling": {"sheet": {"Age": 7}}}},
        },
        "The card's 'extensions.inkling.sheet' must be an object of text.",
    ),
    ({"name": "x", "description": 5}, "The card's 'description' must be text."),
]


@pytest.mark.parametrize(("card", "words"), ODD)
def test_odd_types_in_every_field_are_a_card_error(
    project: Path, canary: Any, card: Any, words: str
) -> None:
    path = project / "odd.json"
    path.write_text(json.dumps(card))
    assert refused(path, canary).startswith(words)
    with pytest.raises(CardError):
        card_to_sheet(card)
    canary.check()


def test_an_odd_kept_card_never_breaks_an_export() -> None:
    for base in ([], "x", {"data": "x"}, {"data": {"name": 5, "tags": "a", "extensions": 3}}):
        card = sheet_to_card(SHEET, base)  # type: ignore[arg-type]
        assert card_to_sheet(card)["Name"] == "Wren Ashby"
        data = card["data"]
        assert data["tags"] == [] and isinstance(data["extensions"], dict)
    assert kept_card("[" * 100_000) is None
    assert kept_card("[1]") is None and kept_card(5) is None
    assert kept_card(json.dumps(sheet_to_card(SHEET))) == sheet_to_card(SHEET)


# --- cards: PNG -------------------------------------------------------------------------
def test_a_ztxt_bomb_stops_at_the_limit(project: Path, canary: Any) -> None:
    bomb = deflate_bomb(2048 * MB)  # 2 GiB once inflated, 2 MB on disk
    assert len(bomb) < 3 * MB
    card = project / "bomb.png"
    card.write_bytes(png_with(chunk(b"zTXt", b"chara\x00\x00" + bomb)))
    assert refused(card, canary) == (
        "The card's text in bomb.png is larger than 16 MB, the most Inkling reads for one "
        "character card; nothing was imported."
    )
    canary.check()


def test_an_itxt_bomb_stops_at_the_limit(project: Path, canary: Any) -> None:
    card = project / "bomb.png"
    card.write_bytes(
        png_with(chunk(b"iTXt", b"ccv3\x00\x01\x00en\x00\x00" + deflate_bomb(64 * MB)))
    )
    assert "larger than 16 MB" in refused(card, canary)
    canary.check()


def test_a_30_mb_text_chunk_is_refused_naming_the_limit(project: Path, canary: Any) -> None:
    card = project / "big.png"
    card.write_bytes(png_with(chunk(b"tEXt", b"chara\x00" + b"A" * (30 * MB))))
    assert refused(card, canary).startswith("The card's text in big.png is larger than 16 MB")
    canary.check()


def test_compressed_cards_within_the_limit_are_read(project: Path, canary: Any) -> None:
    text = card_b64()
    for kind, payload in (
        (b"zTXt", b"chara\x00\x00" + zlib.compress(text)),
        (b"iTXt", b"ccv3\x00\x01\x00en\x00\x00" + zlib.compress(text)),
        (b"iTXt", b"chara\x00\x00\x00\x00\x00" + text),
    ):
        path = project / "card.png"
        path.write_bytes(png_with(chunk(kind, payload)))
        assert import_card(path)[0]["Name"] == "Wren Ashby"
    # A large lorebook, more than Pillow's own 1 MB zTXt limit, still comes in.
    big = sheet_to_card(SHEET)
    big["data"]["character_book"] = {"entries": [{"content": "lore " * 400_000}]}
    path.write_bytes(png_with(chunk(b"zTXt", b"chara\x00\x00" + zlib.compress(card_b64(big)))))
    assert import_card(path)[1]["data"]["character_book"] == big["data"]["character_book"]
    canary.check()


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (b"chara\x00\x01" + zlib.compress(b"x"), "The card inside card.png is damaged."),
        (b"chara\x00\x00not deflate", "The card inside card.png is damaged ("),
        (b"chara\x00\x00" + zlib.compress(card_b64())[:-20], "damaged or truncated"),
    ],
)
def test_damaged_compressed_text(project: Path, canary: Any, payload: bytes, words: str) -> None:
    path = project / "card.png"
    path.write_bytes(png_with(chunk(b"zTXt", payload)))
    assert words in refused(path, canary)
    canary.check()


def test_a_bad_checksum_or_truncation_is_damage(project: Path, canary: Any) -> None:
    good = png_with(chunk(b"tEXt", b"chara\x00" + card_b64()))
    path = project / "card.png"
    flipped = bytearray(good)
    flipped[-30] ^= 0x01  # inside the card's text
    path.write_bytes(bytes(flipped))
    assert refused(path, canary) == "card.png is damaged or truncated."
    path.write_bytes(good[: len(good) // 2])
    assert refused(path, canary) == "card.png is damaged or truncated."
    # A huge length in a chunk header is damage, not an allocation.
    path.write_bytes(good[:33] + struct.pack(">I", 2**31) + b"tEXt" + b"x" * 20)
    assert refused(path, canary) == "card.png is damaged or truncated."
    canary.check()


def test_millions_of_empty_chunks_are_refused(project: Path, canary: Any) -> None:
    empty = chunk(b"abCD", b"")
    path = project / "many.png"
    path.write_bytes(png_with(empty * (30 * MB // len(empty))))
    assert refused(path, canary) == (
        "many.png has more than 100,000 chunks, far more than any picture needs; it was not read."
    )
    canary.check()


def test_only_the_first_card_chunk_of_each_keyword_counts() -> None:
    other = sheet_to_card({**SHEET, "Name": "Second"})
    png = png_with(
        chunk(b"tEXt", b"chara\x00" + card_b64()),
        chunk(b"zTXt", b"chara\x00\x00" + deflate_bomb(64 * MB)),  # never inflated
        chunk(b"tEXt", b"chara\x00" + card_b64(other)),
    )
    assert card_to_sheet(read_card_png(png))["Name"] == "Wren Ashby"


# --- portraits --------------------------------------------------------------------------
def test_portraits_are_read_bounded(project: Path, canary: Any, tmp_path: Path) -> None:
    fifo = project / "face.png"
    os.mkfifo(fifo)
    with pytest.raises(CardError, match=r"face\.png is not an ordinary file"):
        read_portrait(fifo)
    zero = project / "zero.png"
    zero.symlink_to("/dev/zero")
    with pytest.raises(CardError, match=r"zero\.png is not an ordinary file"):
        _export_bytes({"Name": "x"}, tmp_path / "out.png", str(zero))
    with pytest.raises(CardError, match=r"Could not read missing\.png: No such file"):
        read_portrait(project / "missing.png")
    canary.check()


def test_a_portrait_too_large_to_decode_is_refused() -> None:
    import io

    from PIL import Image

    huge = io.BytesIO()
    Image.new("1", (8000, 6000)).save(huge, "PNG")
    with pytest.raises(CardError) as caught:
        write_card_png(sheet_to_card(SHEET), huge.getvalue())
    assert str(caught.value) == (
        "The picture is 8000 x 6000 pixels; the most Inkling takes for a portrait is "
        "40 million pixels."
    )
    bomb = blank_png(4, 4)
    bomb = bomb[:16] + struct.pack(">II", 100_000, 100_000) + bomb[24:]
    bomb = bomb[:29] + struct.pack(">I", zlib.crc32(bomb[12:29]) & 0xFFFFFFFF) + bomb[33:]
    with pytest.raises(CardError, match="too large"):
        write_card_png(sheet_to_card(SHEET), bomb)


# --- property tests over card JSON ------------------------------------------------------
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
TEXT = st.text(max_size=20)


def mostly(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`valid` four times in five, any JSON value otherwise: deep enough into the card
    that the checks after the first one are reached too."""
    return st.sampled_from([True, True, True, True, False]).flatmap(
        lambda keep: valid if keep else JSON
    )


SHEETS = st.dictionaries(st.sampled_from(CHARACTER_FIELDS), mostly(TEXT), max_size=4)
INKLING = st.fixed_dictionaries({}, optional={"sheet": mostly(SHEETS)})
EXTENSIONS = st.dictionaries(
    st.sampled_from(["inkling", "depth_prompt"]) | st.text(max_size=5),
    mostly(INKLING),
    max_size=3,
)
VALID_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    **{key: TEXT for key in cards.STRING_FIELDS if key != "name"},
    "alternate_greetings": st.lists(TEXT, max_size=3),
    "tags": st.lists(TEXT, max_size=3),
    "extensions": EXTENSIONS,
    "character_book": st.dictionaries(st.text(max_size=5), JSON, max_size=3),
}
DATA = st.fixed_dictionaries(
    {"name": mostly(st.text(min_size=1, max_size=10))},
    optional={key: mostly(valid) for key, valid in VALID_FIELDS.items()},
)
CARDS = st.one_of(
    JSON,
    st.fixed_dictionaries(
        {
            "spec": mostly(st.sampled_from(["chara_card_v2", "chara_card_v3"])),
            "data": mostly(DATA),
        },
        optional={"spec_version": JSON},
    ),
    DATA.map(lambda data: {**data, "description": data.get("description", "")}),  # a V1 card
)


@settings(max_examples=150, deadline=None)
@given(CARDS)
def test_any_card_json_is_a_sheet_or_a_card_error(card: Any) -> None:
    raw = json.dumps(card).encode()
    try:
        parsed = read_card_json(raw)
        sheet = card_to_sheet(parsed)
    except CardError as exc:
        assert str(exc)
        return
    assert set(sheet) == set(CHARACTER_FIELDS)
    assert all(isinstance(v, str) for v in sheet.values())
    again = sheet_to_card(sheet, parsed)
    assert card_to_sheet(read_card_json(json.dumps(again).encode()))["Name"] == sheet["Name"]
    png = png_with(chunk(b"tEXt", b"chara\x00" + card_b64(again)))
    assert card_to_sheet(read_card_png(png))["Name"] == sheet["Name"]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([b"tEXt", b"zTXt", b"iTXt"]))
def test_any_png_text_chunk_is_a_card_or_a_card_error(payload: bytes, kind: bytes) -> None:
    for data in (png_with(chunk(kind, b"chara\x00" + payload)), cards.PNG_SIGNATURE + payload):
        try:
            read_card_png(data)
        except CardError as exc:
            assert str(exc)


# --- style presets ----------------------------------------------------------------------
def write_preset(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_a_damaged_preset_is_skipped_and_the_list_still_loads(project: Path, canary: Any) -> None:
    folder = project / "presets"
    folder.mkdir()
    save_preset(Style(name="Good", pov="first"), folder / "good.toml")
    write_preset(folder, "deep.toml", "a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    write_preset(folder, "deep40.toml", "a = " + "[" * 40 + "]" * 40 + "\n")
    write_preset(folder, "utf8.toml", b'name = "\xff"\n')
    write_preset(folder, "types.toml", "name = 5\n")
    write_preset(folder, "pov.toml", 'pov = "sideways"\n')
    write_preset(folder, "broken.toml", "name = [[[\n")
    write_preset(folder, "long.toml", f'name = "{"x" * 300}"\n')
    write_preset(folder, "lines.toml", 'name = "two\\nlines"\n')
    write_preset(folder, "big.toml", "# " + "x" * (300 * 1024) + "\n")
    os.mkfifo(folder / "fifo.toml")
    (folder / "zero.toml").symlink_to("/dev/zero")
    (folder / "ideas.toml").symlink_to(canary.path / "ideas.md")
    (folder / "dir.toml").mkdir()
    write_preset(folder, "bom.toml", b'\xef\xbb\xbfname = "With a BOM"\n')
    problems: list[str] = []
    found = user_presets(folder, problems)
    assert set(found) == {"Good", "With a BOM"}
    by_file = {p.split(" ", 1)[0]: p for p in problems}
    assert by_file == {
        "big.toml": "big.toml is larger than 256 KB, the most Inkling reads for this kind of "
        "file; it was not read.",
        "broken.toml": by_file["broken.toml"],
        "deep.toml": "deep.toml nests deeper than 8 levels; it was not read.",
        "deep40.toml": "deep40.toml nests deeper than 8 levels; it was not read.",
        "dir.toml": "dir.toml is not a readable preset (Is a directory).",
        "fifo.toml": "fifo.toml is not an ordinary file (it is a device, a pipe or a socket); "
        "it was not read.",
        "“ideas.toml”": "“ideas.toml” leads outside presets; Inkling never reads or writes there.",
        "lines.toml": "lines.toml is not a usable preset: its name must be one line of at most "
        "200 characters.",
        "long.toml": "long.toml is not a usable preset: its name must be one line of at most "
        "200 characters.",
        "pov.toml": "pov.toml is not a usable preset: pov must be one of first, second, "
        "third_limited, third_omniscient.",
        "types.toml": "types.toml is not a usable preset: name must be text.",
        "utf8.toml": "utf8.toml is not UTF-8 text (first bad byte at offset 8).",
        "“zero.toml”": "“zero.toml” leads outside presets; Inkling never reads or writes there.",
    }
    assert by_file["broken.toml"].startswith("broken.toml is damaged (")
    assert builtin_presets()  # the shipped ones still load
    canary.check()


def test_an_imported_preset_from_a_fifo_or_dev_zero(project: Path, canary: Any) -> None:
    os.mkfifo(project / "style.toml")
    with pytest.raises(StyleError, match=r"style\.toml is not an ordinary file"):
        load_preset(project / "style.toml")
    (project / "zero.toml").symlink_to("/dev/zero")
    with pytest.raises(StyleError, match=r"zero\.toml is not an ordinary file"):
        load_preset(project / "zero.toml")
    canary.check()


def test_a_preset_name_never_leads_out_of_the_folder(project: Path, canary: Any) -> None:
    folder = project / "presets"
    folder.mkdir()
    for name in ("../../notes/ideas", "/etc/passwd", "..", "a\x00b", "x" * 5000, "名前" * 200):
        path = preset_path(folder, name)
        assert path.parent == folder.resolve()
        assert len(path.name.encode()) < 255
        save_preset(Style(name=name[:200]), path)
    (folder / "linked.toml").symlink_to(canary.path / "notes.md")
    with pytest.raises(StyleError, match="leads outside presets"):
        preset_path(folder, "linked")
    canary.check()


TOML_VALUES = st.recursive(
    st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats()
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
PRESET_KEYS = st.sampled_from(
    ["name", "genre", "tone", "pov", "tense", "length", "creativity", "guidance", "notes"]
)
PRESET_VALUES = TOML_VALUES | st.sampled_from(
    ["first", "second", "third_limited", "past", "present", "sentence", "beat", 0.3, 4.5, -1]
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dictionaries(PRESET_KEYS | st.text(max_size=6), PRESET_VALUES, max_size=9))
def test_any_preset_data_is_a_style_or_a_style_error(tmp_path: Path, data: dict[str, Any]) -> None:
    path = tmp_path / "any.toml"
    path.write_text(tomli_w.dumps(data))
    try:
        style = load_preset(path)
    except StyleError as exc:
        assert str(exc).startswith("any.toml ")
        assert user_presets(tmp_path) == {}
        return
    assert isinstance(style, Style) and style.name
    assert user_presets(tmp_path) == {style.name: style}


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=200))
def test_any_preset_bytes_never_break_the_list(tmp_path: Path, raw: bytes) -> None:
    (tmp_path / "any.toml").write_bytes(raw)
    problems: list[str] = []
    found = user_presets(tmp_path, problems)
    assert len(found) + len(problems) == 1


# --- language codes ---------------------------------------------------------------------
def test_a_language_code_is_never_a_path(project: Path, canary: Any) -> None:
    evil = project / "evil.toml"
    evil.write_text((language.LANGUAGES_DIR / "zh.toml").read_text())
    codes = [
        str(project / "evil"),
        "../../../../" + str(project / "evil"),
        "../../notes/ideas",
        "zh/../zh",
        "zh\x00",
        "x" * 5000,
    ]
    for code in codes:
        assert language.pack(code).code == "en"
        assert language.generation_language(code, "some words") == "en"
        assert language.bible_template(code) == language.bible_template("en")
    assert language.pack("zh").code == "zh"
    assert language.generation_language("zh") == "zh"
    canary.check()


# --- the recall cache -------------------------------------------------------------------
PARAGRAPHS = ["Wren mended the clock. " * 20, "The tower rang at noon. " * 20]
SCENES = [SceneText("s1", 0, "One", "\n\n".join(PARAGRAPHS))]


@pytest.mark.parametrize(
    "content",
    [
        b"[" * 100_000,
        json.dumps({"version": 1, "scenes": {"s1": {"a": [[[[[[[1]]]]]]]}}}).encode(),
        b"\xff\xfe",
        b'"text"',
        json.dumps({"version": 1, "scenes": []}).encode(),
        json.dumps({"version": 1, "scenes": {"s1": [1, 2]}}).encode(),
    ],
)
def test_a_damaged_recall_cache_is_rebuilt(tmp_path: Path, canary: Any, content: bytes) -> None:
    cache = tmp_path / "cache" / "book.json"
    cache.parent.mkdir()
    cache.write_bytes(content)
    index, _note = build_index(SCENES, cache)
    assert len(index) == 2 and index.search("clock")
    assert json.loads(cache.read_text())["version"] == 1
    again, quiet = build_index(SCENES, cache)
    assert len(again) == 2 and quiet == ""
    canary.check()


def test_odd_cached_spans_are_rebuilt_not_sliced(tmp_path: Path, canary: Any) -> None:
    text = SCENES[0].text
    cache = tmp_path / "book.json"
    for spans in ([[0.5, 3, ["x"]]], [[True, 3, ["x"]]], [[0, 10**30, []]], [[0, 3, [{}]]], [5]):
        entry = {"hash": recall.text_hash(text), "passages": spans}
        cache.write_text(json.dumps({"version": 1, "scenes": {"s1": entry}}))
        index, _note = build_index(SCENES, cache)
        assert [p.text for p in index.passages] == [p.strip() for p in PARAGRAPHS]
    canary.check()


def test_a_recall_cache_that_is_special_or_too_large(
    tmp_path: Path, canary: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    zero = folder / "zero.json"
    zero.symlink_to("/dev/zero")
    assert (
        build_index(SCENES, zero)[1] == "The book's recall index was damaged and has been rebuilt."
    )
    monkeypatch.setattr(recall, "MAX_CACHE_FILE", 1024)
    big = folder / "big.json"
    big.write_text(json.dumps({"version": 1, "scenes": {}, "pad": "x" * 2000}))
    index, note = build_index(SCENES, big)
    assert len(index) == 2 and "rebuilt" in note
    canary.check()
