"""Character Card V2 (and V3) import and export, as JSON and as PNG.

A PNG card carries the card JSON base64-encoded in tEXt chunks: keyword 'chara' (V2) and
'ccv3' (V3); on import 'ccv3' wins. Images are read and written with Pillow, so a portrait
can come from any picture it reads (PNG, JPEG, WebP), scaled down to fit. Our sheet maps
onto the card's fields and is also kept whole under extensions.inkling, so a round trip
loses nothing; extension keys we do not know are kept as they were. Cards are data:
nothing in them is executed or rendered.
"""

from __future__ import annotations

import base64
import binascii
import copy
import io
import json
from pathlib import Path
from typing import Any

from backend.story.bible import CHARACTER_FIELDS

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_CARD_FILE = 32 * 1024 * 1024
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
    found = card.get("data")
    data: dict[str, Any] = dict(found) if isinstance(found, dict) else {}
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
# A portrait larger than this is scaled down (keeping its shape) before it carries a card.
PORTRAIT_SIZE = (400, 600)
BLANK_RGB = (38, 42, 56)


def _open_image(data: bytes) -> Any:
    """A loaded Pillow image; CardError for anything Pillow cannot read."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Image.DecompressionBombError as exc:
        raise CardError("The image is too large to be a character portrait.") from exc
    except (UnidentifiedImageError, SyntaxError, OSError, ValueError) as exc:
        raise CardError("The image is damaged or truncated.") from exc
    return image


def read_card_png(data: bytes) -> dict[str, Any]:
    """The card inside a PNG (ccv3 over chara). Raises CardError."""
    if not data.startswith(PNG_SIGNATURE):
        raise CardError("The file is not a PNG image.")
    image = _open_image(data)
    texts = {str(k).lower(): v for k, v in getattr(image, "text", {}).items()}
    raw = texts.get("ccv3") or texts.get("chara")
    if raw is None:
        raise CardError("This PNG has no character card in it.")
    try:
        decoded = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CardError("The card inside the PNG is not valid base64.") from exc
    return read_card_json(decoded)


def _blank(width: int, height: int, rgb: tuple[int, int, int] = BLANK_RGB) -> Any:
    """A plain picture to carry a card when the character has no portrait."""
    from PIL import Image

    return Image.new("RGB", (width, height), rgb)


def blank_png(width: int = 400, height: int = 600, rgb: tuple[int, int, int] = BLANK_RGB) -> bytes:
    """A plain PNG image (a card with no portrait carries one of these)."""
    out = io.BytesIO()
    _blank(width, height, rgb).save(out, "PNG")
    return out.getvalue()


def portrait(data: bytes) -> Any:
    """A portrait from any image Pillow reads (PNG, JPEG, WebP, ...), scaled to fit
    PORTRAIT_SIZE. Raises CardError."""
    image = _open_image(data)
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    image.thumbnail(PORTRAIT_SIZE)
    return image


def write_card_png(card: dict[str, Any], image: bytes | None = None) -> bytes:
    """PNG bytes with the card in 'chara' (V2) and 'ccv3' (V3) tEXt chunks, on `image`
    (any picture Pillow reads, scaled down to a portrait) or a plain background."""
    from PIL import PngImagePlugin

    picture = portrait(image) if image is not None else _blank(*PORTRAIT_SIZE)
    v3_card = copy.deepcopy(card)
    v3_card["spec"], v3_card["spec_version"] = "chara_card_v3", "3.0"
    info = PngImagePlugin.PngInfo()
    for key, value in (("chara", card), ("ccv3", v3_card)):
        info.add_text(key, base64.b64encode(json.dumps(value, ensure_ascii=False).encode()))
    out = io.BytesIO()
    picture.save(out, "PNG", pnginfo=info)
    return out.getvalue()


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
