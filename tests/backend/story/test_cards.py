"""Character Card V2/V3: JSON and PNG round trips, and hostile cards."""

from __future__ import annotations

import base64
import json
import struct
import zlib
from pathlib import Path

import pytest

from backend.story.bible import CHARACTER_FIELDS, bible_markdown
from backend.story.cards import (
    CardError,
    blank_png,
    card_to_sheet,
    import_card,
    read_card_png,
    sheet_to_card,
    write_card_png,
)

SHEET = {
    "Name": "Wren Ashby",
    "Age": "31",
    "Gender/pronouns": "woman, she/her",
    "Occupation": "Clockmaker",
    "Appearance": "Short black hair, brass spectacles.",
    "Personality": "Precise, wry, secretly sentimental.",
    "Backstory": "She repaired the town clock the night it stopped for good.",
    "Goal": "To learn who stopped the clock.",
    "Flaw": "She cannot leave a puzzle alone.",
    "Voice": "Measured; counts under her breath.",
    "Relationships": "None yet.",
}


def chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def test_card_has_the_v2_shape_and_round_trips_json(tmp_path: Path) -> None:
    card = sheet_to_card(SHEET)
    assert card["spec"] == "chara_card_v2" and card["spec_version"] == "2.0"
    data = card["data"]
    for key in (
        "name",
        "description",
        "personality",
        "scenario",
        "first_mes",
        "mes_example",
        "creator_notes",
        "system_prompt",
        "post_history_instructions",
        "alternate_greetings",
        "tags",
        "creator",
        "character_version",
        "extensions",
    ):
        assert key in data, key
    assert data["name"] == "Wren Ashby" and "Clockmaker" in data["description"]
    f = tmp_path / "wren.json"
    f.write_text(json.dumps(card))
    sheet, _ = import_card(f)
    assert sheet == SHEET


def test_png_round_trip_keeps_unknown_extensions_and_fields(tmp_path: Path) -> None:
    foreign = sheet_to_card(SHEET)
    foreign["data"]["extensions"]["depth_prompt"] = {"prompt": "x", "depth": 4}
    foreign["data"]["first_mes"] = "Hello, traveller."
    foreign["data"]["character_book"] = {"entries": [{"keys": ["clock"], "content": "c"}]}
    png = write_card_png(foreign)
    f = tmp_path / "wren.png"
    f.write_bytes(png)
    sheet, card = import_card(f)
    assert sheet == SHEET
    again = sheet_to_card(sheet, card)
    assert again["data"]["extensions"]["depth_prompt"] == {"prompt": "x", "depth": 4}
    assert again["data"]["first_mes"] == "Hello, traveller."
    assert again["data"]["character_book"]["entries"][0]["keys"] == ["clock"]
    assert png.startswith(b"\x89PNG") and b"tEXtchara\x00" in png and b"tEXtccv3\x00" in png


def test_ccv3_wins_over_chara() -> None:
    v2 = sheet_to_card(SHEET)
    v3 = sheet_to_card({**SHEET, "Name": "Wren (v3)"})
    v3["spec"] = "chara_card_v3"
    png = blank_png(4, 4)
    body = png[:-12]
    png = (
        body
        + chunk(b"tEXt", b"chara\x00" + base64.b64encode(json.dumps(v2).encode()))
        + chunk(b"tEXt", b"ccv3\x00" + base64.b64encode(json.dumps(v3).encode()))
        + png[-12:]
    )
    assert card_to_sheet(read_card_png(png))["Name"] == "Wren (v3)"


def test_v1_and_foreign_cards_map_to_a_sheet() -> None:
    v1 = {"name": "Old Tom", "description": "Age: 70\nA ferryman.", "personality": "gruff"}
    sheet = card_to_sheet(v1)
    assert sheet["Name"] == "Old Tom" and sheet["Age"] == "70"
    assert sheet["Personality"] == "gruff" and "ferryman" in sheet["Backstory"]
    assert set(sheet) == set(CHARACTER_FIELDS)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (blank_png(8, 8), "no character card"),
        (blank_png(8, 8)[:40], "damaged or truncated"),
        (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 2**30) + b"tEXt", "damaged or truncated"),
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (json.dumps({"spec": "chara_card_v2", "data": {"name": 5}}).encode(), "text"),
        (
            json.dumps({"spec": "chara_card_v2", "data": {"name": "x", "tags": "a"}}).encode(),
            "tags",
        ),
        (json.dumps({"spec": "something_else"}).encode(), "Not a character card"),
    ],
)
def test_bad_cards_are_refused_with_a_message(tmp_path: Path, content: bytes, words: str) -> None:
    f = tmp_path / ("card.png" if content.startswith(b"\x89PNG") else "card.json")
    f.write_bytes(content)
    with pytest.raises(CardError, match=words):
        import_card(f)


def test_damaged_chunk_and_bad_base64(tmp_path: Path) -> None:
    png = bytearray(write_card_png(sheet_to_card(SHEET)))
    png[40] ^= 0xFF
    with pytest.raises(CardError, match=r"damaged|truncated"):
        read_card_png(bytes(png))
    bad = blank_png(4, 4)
    bad = bad[:-12] + chunk(b"tEXt", b"chara\x00@@not base64@@") + bad[-12:]
    with pytest.raises(CardError, match="base64"):
        read_card_png(bad)


def test_markdown_export_is_plain_text() -> None:
    md = bible_markdown(
        [SHEET, {"Name": "The Clock Tower", "Kind": "location", "Description": "<b>tall</b>"}]
    )
    assert "## Wren Ashby" in md and "- **Occupation:** Clockmaker" in md
    assert "<b>tall</b>" in md  # kept literally: cards are data, never rendered


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP", "PNG"])
def test_a_portrait_in_any_format_is_scaled_into_the_card(tmp_path: Path, fmt: str) -> None:
    import io

    from PIL import Image

    source = io.BytesIO()
    Image.new("RGB", (1600, 1200), (200, 30, 40)).save(source, fmt)
    png = write_card_png(sheet_to_card(SHEET), source.getvalue())
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    # Scaled to fit 400 x 600, keeping its 4:3 shape, and still the same picture.
    assert image.size == (400, 300)
    red, green, _blue = image.convert("RGB").getpixel((200, 150))
    assert red > 150 and green < 80
    assert card_to_sheet(read_card_png(png))["Name"] == SHEET["Name"]


def test_a_portrait_that_is_not_an_image_is_refused() -> None:
    with pytest.raises(CardError, match="damaged or truncated"):
        write_card_png(sheet_to_card(SHEET), b"not a picture at all")
