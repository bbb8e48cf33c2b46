"""Character Card V2 (and V3) import and export, as JSON and as PNG.

A PNG card carries the card JSON base64-encoded in tEXt chunks: keyword 'chara' (V2) and
'ccv3' (V3); on import 'ccv3' wins. Our sheet maps onto the card's fields and is also kept
whole under extensions.inkling, so a round trip loses nothing; extension keys we do not
know are kept as they were. Cards are data: nothing in them is executed or rendered.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import struct
import zlib
from pathlib import Path
from typing import Any

from backend.story.bible import CHARACTER_FIELDS

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_CARD_FILE = 32 * 1024 * 1024
MAX_CHUNK = 16 * 1024 * 1024
STRING_FIELDS = (
    "name",
    "description",
    "personality",
    "scenario",
    "first_mes",
    "mes_example",
    "creator_notes",
    "system_prompt",
    "post_history_instructions",
    "creator",
    "character_version",
)
DESCRIPTION_FIELDS = (
    "Age",
    "Gender/pronouns",
    "Occupation",
    "Appearance",
    "Backstory",
    "Goal",
    "Flaw",
    "Relationships",
)


class CardError(ValueError):
    """A card cannot be read; the message is for the writer. Nothing was imported."""


# --- sheet <-> card ---------------------------------------------------------------------
def sheet_to_card(sheet: dict[str, str], base: dict[str, Any] | None = None) -> dict[str, Any]:
    """A Character Card V2 for `sheet`. `base` (an imported card) keeps its other fields."""
    card = copy.deepcopy(base) if base else {}
    data = card.get("data") if isinstance(card.get("data"), dict) else {}
    data = dict(data)
    desc = "\n".join(f"{f}: {sheet[f]}" for f in DESCRIPTION_FIELDS if sheet.get(f))
    data.update(
        {
            "name": sheet.get("Name", ""),
            "description": desc,
            "personality": sheet.get("Personality", ""),
            "mes_example": f"<START>\n{{{{char}}}} speaks: {sheet['Voice']}"
            if sheet.get("Voice")
            else data.get("mes_example", ""),
        }
    )
    for key in STRING_FIELDS:
        data.setdefault(key, "")
    data.setdefault("creator", "Inkling")
    data.setdefault("character_version", "1")
    data.setdefault("alternate_greetings", [])
    data.setdefault("tags", [])
    extensions = dict(data.get("extensions") or {})
    extensions["inkling"] = {"sheet": {f: sheet.get(f, "") for f in CHARACTER_FIELDS}}
    data["extensions"] = extensions
    if "character_book" in data and data["character_book"] is None:
        del data["character_book"]
    return {"spec": "chara_card_v2", "spec_version": "2.0", "data": data}


def card_to_sheet(card: dict[str, Any]) -> dict[str, str]:
    """Our sheet from a card: the kept sheet if Inkling wrote it, else mapped fields."""
    data = validate_card(card)
    kept = data.get("extensions", {}).get("inkling", {}).get("sheet")
    if isinstance(kept, dict) and all(isinstance(v, str) for v in kept.values()):
        sheet = {f: kept.get(f, "") for f in CHARACTER_FIELDS}
        sheet["Name"] = data["name"] or sheet["Name"]
        return sheet
    sheet = {f: "" for f in CHARACTER_FIELDS}
    sheet["Name"] = data["name"]
    sheet["Personality"] = data.get("personality", "")
    rest = []
    for line in data.get("description", "").splitlines():
        label, sep, value = line.partition(":")
        if sep and label.strip() in DESCRIPTION_FIELDS:
            sheet[label.strip()] = value.strip()
        elif line.strip():
            rest.append(line.strip())
    if rest:
        sheet["Backstory"] = " ".join([sheet["Backstory"], *rest]).strip()
    return sheet


def validate_card(card: Any) -> dict[str, Any]:
    """The card's data dict, checked for the types the spec requires. Raises CardError."""
    if not isinstance(card, dict):
        raise CardError("The card is not a JSON object.")
    spec = card.get("spec")
    if spec not in ("chara_card_v2", "chara_card_v3"):
        if "name" in card and "description" in card and "spec" not in card:
            card = {"data": card}  # a V1 card: the fields sit at the top level
        else:
            raise CardError(f"Not a character card (spec is {spec!r}).")
    data = card.get("data")
    if not isinstance(data, dict):
        raise CardError("The card has no 'data' object.")
    for key in STRING_FIELDS:
        if key in data and not isinstance(data[key], str):
            raise CardError(f"The card's '{key}' must be text.")
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        raise CardError("The card has no name.")
    for key in ("alternate_greetings", "tags"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CardError(f"The card's '{key}' must be a list of text.")
    if "extensions" in data and not isinstance(data["extensions"], dict):
        raise CardError("The card's 'extensions' must be an object.")
    book = data.get("character_book")
    if book is not None and not isinstance(book, dict):
        raise CardError("The card's 'character_book' must be an object.")
    return data


# --- JSON -------------------------------------------------------------------------------
def read_card_json(raw: bytes) -> dict[str, Any]:
    """Parse card JSON bytes. Raises CardError."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CardError("The card file is not UTF-8 text.") from exc
    try:
        card = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CardError(f"The card is not valid JSON ({exc.msg}, line {exc.lineno}).") from exc
    validate_card(card)
    return card


# --- PNG --------------------------------------------------------------------------------
def _chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def iter_png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, payload) for every chunk; raises CardError for a damaged PNG."""
    if not data.startswith(PNG_SIGNATURE):
        raise CardError("The file is not a PNG image.")
    chunks = []
    pos = len(PNG_SIGNATURE)
    while pos < len(data):
        if pos + 8 > len(data):
            raise CardError("The PNG is truncated.")
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if length > MAX_CHUNK:
            raise CardError("The PNG has an implausibly large chunk.")
        end = pos + 8 + length
        if end + 4 > len(data):
            raise CardError("The PNG is truncated.")
        payload = data[pos + 8 : end]
        (crc,) = struct.unpack(">I", data[end : end + 4])
        if crc != zlib.crc32(kind + payload) & 0xFFFFFFFF:
            raise CardError("The PNG is damaged (a chunk checksum is wrong).")
        chunks.append((kind, payload))
        pos = end + 4
        if kind == b"IEND":
            break
    if not chunks or chunks[-1][0] != b"IEND":
        raise CardError("The PNG is truncated.")
    return chunks


def read_card_png(data: bytes) -> dict[str, Any]:
    """The card inside a PNG (ccv3 over chara). Raises CardError."""
    texts: dict[str, bytes] = {}
    for kind, payload in iter_png_chunks(data):
        if kind == b"tEXt" and b"\x00" in payload:
            key, _, value = payload.partition(b"\x00")
            texts[key.decode("latin-1").lower()] = value
    raw = texts.get("ccv3") or texts.get("chara")
    if raw is None:
        raise CardError("This PNG has no character card in it.")
    try:
        decoded = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CardError("The card inside the PNG is not valid base64.") from exc
    return read_card_json(decoded)


def blank_png(
    width: int = 400, height: int = 600, rgb: tuple[int, int, int] = (38, 42, 56)
) -> bytes:
    """A plain PNG image to carry a card when the character has no portrait."""
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height, 9)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", raw) + _chunk(b"IEND", b"")


def write_card_png(card: dict[str, Any], image: bytes | None = None) -> bytes:
    """PNG bytes with the card in 'chara' (V2) and 'ccv3' (V3) tEXt chunks."""
    chunks = iter_png_chunks(image or blank_png())
    v2 = base64.b64encode(json.dumps(card, ensure_ascii=False).encode("utf-8"))
    v3_card = copy.deepcopy(card)
    v3_card["spec"], v3_card["spec_version"] = "chara_card_v3", "3.0"
    v3 = base64.b64encode(json.dumps(v3_card, ensure_ascii=False).encode("utf-8"))
    out = [PNG_SIGNATURE]
    for kind, payload in chunks:
        if kind == b"tEXt" and payload.split(b"\x00", 1)[0].lower() in (b"chara", b"ccv3"):
            continue  # replace any card already in the image
        if kind == b"IEND":
            out.append(_chunk(b"tEXt", b"chara\x00" + v2))
            out.append(_chunk(b"tEXt", b"ccv3\x00" + v3))
        out.append(_chunk(kind, payload))
    return b"".join(out)


def import_card(path: str | Path) -> tuple[dict[str, str], dict[str, Any]]:
    """Read a .png or .json card: (our sheet, the original card). Raises CardError."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_CARD_FILE:
            raise CardError(f"{p.name} is too large to be a character card.")
        data = p.read_bytes()
    except OSError as exc:
        raise CardError(f"Could not read {p.name}: {exc.strerror}.") from exc
    card = read_card_png(data) if data.startswith(PNG_SIGNATURE) else read_card_json(data)
    return card_to_sheet(card), card
