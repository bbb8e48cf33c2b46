"""Character Card V2 (and V3) import and export, as JSON and as PNG.

A PNG card carries the card JSON base64-encoded in tEXt chunks: keyword 'chara' (V2) and
'ccv3' (V3); on import 'ccv3' wins. Images are read and written with Pillow, so a portrait
can come from any picture it reads (PNG, JPEG, WebP), scaled down to fit. Our sheet maps
onto the card's fields and is also kept whole under extensions.inkling, so a round trip
loses nothing; extension keys we do not know are kept as they were. Cards are data:
nothing in them is executed or rendered.

Cards come from forums and strangers, so every reader here is bounded: the file is read
through the untrusted-file gate (no FIFOs, no devices, at most MAX_CARD_FILE bytes counted
as they are read), the PNG's text chunks are walked here rather than by Pillow so that each
one is limited before it is inflated, and the JSON's size and nesting are limited before
any field is looked at. Anything odd is a CardError with a message for the writer.
"""

from __future__ import annotations

import base64
import binascii
import copy
import io
import json
import struct
import zlib
from pathlib import Path
from typing import Any

from backend.story.bible import CHARACTER_FIELDS
from backend.untrusted import RefusedFile, describe_size, loads_json, read_bounded

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_CARD_FILE = 32 * 1024 * 1024
# The card's own text in a PNG (base64 JSON, after any zTXt/iTXt inflation). The largest
# cards seen in the wild, lorebook and all, are a few MB.
MAX_CARD_TEXT = 16 * 1024 * 1024
# Card JSON nests a lorebook's entries and their extensions a few levels deep; 32 is ample.
MAX_CARD_DEPTH = 32
MAX_PORTRAIT_FILE = 32 * 1024 * 1024
# A picture this large (8K by 5K) is already far more than a 400 x 600 portrait needs;
# larger ones would take gigabytes to decode before being scaled down.
MAX_PORTRAIT_PIXELS = 40_000_000
CARD_KEYWORDS = ("ccv3", "chara")  # in the order they win
# A 32 MB picture in 8 KB pieces has 4,000 chunks; millions of empty ones only cost time.
MAX_PNG_CHUNKS = 100_000
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
    """A Character Card V2 for `sheet`. `base` (an imported card) keeps its other fields;
    fields of `base` with types the spec does not allow are replaced, never passed on."""
    card = copy.deepcopy(base) if isinstance(base, dict) else {}
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
        if not isinstance(data.get(key), str):
            data[key] = {"creator": "Inkling", "character_version": "1"}.get(key, "")
    for key in ("alternate_greetings", "tags"):
        if not _text_list(data.get(key)):
            data[key] = []
    found = data.get("extensions")
    extensions = dict(found) if isinstance(found, dict) else {}
    extensions["inkling"] = {"sheet": {f: sheet.get(f, "") for f in CHARACTER_FIELDS}}
    data["extensions"] = extensions
    if "character_book" in data and not isinstance(data["character_book"], dict):
        del data["character_book"]
    return {"spec": "chara_card_v2", "spec_version": "2.0", "data": data}


def card_to_sheet(card: dict[str, Any]) -> dict[str, str]:
    """Our sheet from a card: the kept sheet if Inkling wrote it, else mapped fields.
    Raises CardError for a card that is not one (see validate_card)."""
    data = validate_card(card)
    kept = _kept_sheet(data)
    if kept is not None:
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


def _kept_sheet(data: dict[str, Any]) -> dict[str, str] | None:
    """The sheet Inkling kept under extensions.inkling (None when the card has none)."""
    inkling = data.get("extensions", {}).get("inkling")
    if inkling is None:
        return None
    if not isinstance(inkling, dict):
        raise CardError("The card's 'extensions.inkling' must be an object.")
    kept = inkling.get("sheet")
    if kept is None:
        return None
    if not isinstance(kept, dict) or not all(isinstance(v, str) for v in kept.values()):
        raise CardError("The card's 'extensions.inkling.sheet' must be an object of text.")
    return kept


def _text_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _shown(value: object, most: int = 40) -> str:
    """A value from a card, short and printable enough to quote in a message."""
    if value is None:
        return "missing"
    if not isinstance(value, str):
        kind = {dict: "an object", list: "a list", bool: "true or false"}.get(type(value))
        return kind or "a number"  # JSON has no other types
    text = repr(value)
    return text if len(text) <= most else text[:most] + "…"


def validate_card(card: Any) -> dict[str, Any]:
    """The card's data dict, checked for the types the spec requires. Raises CardError."""
    if not isinstance(card, dict):
        raise CardError("The card is not a JSON object.")
    spec = card.get("spec")
    if spec not in ("chara_card_v2", "chara_card_v3"):
        if "name" in card and "description" in card and "spec" not in card:
            card = {"data": card}  # a V1 card: the fields sit at the top level
        else:
            raise CardError(f"Not a character card (spec is {_shown(spec)}).")
    data = card.get("data")
    if not isinstance(data, dict):
        raise CardError("The card has no 'data' object.")
    for key in STRING_FIELDS:
        if key in data and not isinstance(data[key], str):
            raise CardError(f"The card's '{key}' must be text.")
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        raise CardError("The card has no name.")
    for key in ("alternate_greetings", "tags"):
        if not _text_list(data.get(key, [])):
            raise CardError(f"The card's '{key}' must be a list of text.")
    if "extensions" in data and not isinstance(data["extensions"], dict):
        raise CardError("The card's 'extensions' must be an object.")
    book = data.get("character_book")
    if book is not None and not isinstance(book, dict):
        raise CardError("The card's 'character_book' must be an object.")
    _kept_sheet(data)
    return data


# --- JSON -------------------------------------------------------------------------------
def read_card_json(raw: bytes, name: str = "The card") -> dict[str, Any]:
    """Parse card JSON bytes (size and nesting bounded). `name` says which file in
    messages. Raises CardError."""
    if len(raw) > MAX_CARD_FILE:
        raise CardError(
            f"{name} is larger than {describe_size(MAX_CARD_FILE)}, the most Inkling reads "
            "for a character card; nothing was imported."
        )
    try:
        card = loads_json(raw, name, MAX_CARD_DEPTH)
    except RefusedFile as exc:
        raise CardError(str(exc)) from exc
    validate_card(card)
    return card


def kept_card(text: object) -> dict[str, Any] | None:
    """The original card kept with an imported character (its JSON text), read with the
    same bounds as a card file; None when it is missing or unusable."""
    if not isinstance(text, str) or len(text) > MAX_CARD_FILE:
        return None
    try:
        card = loads_json(text.encode("utf-8", "replace"), "The kept card", MAX_CARD_DEPTH)
    except RefusedFile:
        return None
    return card if isinstance(card, dict) else None


# --- PNG --------------------------------------------------------------------------------
# A portrait larger than this is scaled down (keeping its shape) before it carries a card.
PORTRAIT_SIZE = (400, 600)
BLANK_RGB = (38, 42, 56)


# What Pillow and the image plugins raise for a file they cannot make sense of.
_IMAGE_ERRORS = (SyntaxError, OSError, ValueError, EOFError, IndexError, TypeError, struct.error)


def _open_image(data: bytes) -> Any:
    """A loaded Pillow image; CardError for anything Pillow cannot read or that is too
    large to decode (its size is checked before its pixels are)."""
    from PIL import Image

    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size
        if width * height > MAX_PORTRAIT_PIXELS:
            raise CardError(
                f"The picture is {width} x {height} pixels; the most Inkling takes for a "
                f"portrait is {MAX_PORTRAIT_PIXELS // 1_000_000} million pixels."
            )
        image.load()
    except CardError:
        raise
    except Image.DecompressionBombError as exc:
        raise CardError("The image is too large to be a character portrait.") from exc
    except (*_IMAGE_ERRORS, zlib.error) as exc:
        raise CardError("The image is damaged or truncated.") from exc
    return image


def read_card_png(data: bytes, name: str = "The image") -> dict[str, Any]:
    """The card inside a PNG (ccv3 over chara). `name` says which file in messages.
    Raises CardError."""
    if not data.startswith(PNG_SIGNATURE):
        raise CardError(f"{name} is not a PNG image.")
    texts = _card_chunks(data, name)
    raw = texts.get("ccv3") or texts.get("chara")
    if raw is None:
        raise CardError(f"{name} has no character card in it.")
    try:
        decoded = base64.b64decode(raw.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CardError(f"The card inside {name} is not valid base64.") from exc
    return read_card_json(decoded, f"The card inside {name}")


def _card_chunks(data: bytes, name: str) -> dict[str, bytes]:
    """The text of the first tEXt, zTXt or iTXt chunk of each card keyword, each chunk's
    checksum verified and its text bounded by MAX_CARD_TEXT before it is inflated.

    Walked here rather than through Pillow: Pillow's text limits are process-wide settings,
    and its zTXt limit (1 MB) is below a card with a large lorebook.
    """
    damaged = CardError(f"{name} is damaged or truncated.")
    found: dict[str, bytes] = {}
    view = memoryview(data)
    pos = len(PNG_SIGNATURE)
    count = 0
    while pos < len(data):  # a PNG that ends cleanly without IEND is still read
        count += 1
        if count > MAX_PNG_CHUNKS:
            raise CardError(
                f"{name} has more than {MAX_PNG_CHUNKS:,} chunks, far more than any picture "
                "needs; it was not read."
            )
        if pos + 12 > len(data):
            raise damaged
        length, kind = struct.unpack_from(">I4s", data, pos)
        body = pos + 8
        after = body + length + 4
        if after > len(data) or not kind.isalpha():
            raise damaged
        (crc,) = struct.unpack_from(">I", data, body + length)
        if zlib.crc32(view[pos + 4 : body + length]) != crc:
            raise damaged
        if kind == b"IEND":
            break
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            keyword, _, rest = data[body : body + length].partition(b"\x00")
            key = keyword.decode("latin-1").lower()
            if key in CARD_KEYWORDS and key not in found:  # only the first of each counts
                found[key] = _chunk_text(kind, rest, name)
        pos = after
    return found


def _chunk_text(kind: bytes, rest: bytes, name: str) -> bytes:
    """The text of one text chunk (after its keyword), inflated within MAX_CARD_TEXT."""
    damaged = CardError(f"The card inside {name} is damaged.")
    if kind == b"tEXt":
        return _bounded_text(rest, name)
    if kind == b"zTXt":
        if rest[:1] != b"\x00":  # deflate is the only compression method PNG defines
            raise damaged
        return _inflate(rest[1:], name)
    # iTXt: compression flag, method, language tag, translated keyword, then the text
    if len(rest) < 2:
        raise damaged
    compressed, method = rest[0], rest[1]
    parts = rest[2:].split(b"\x00", 2)
    if len(parts) != 3:
        raise damaged
    text = parts[2]
    if compressed == 0:
        return _bounded_text(text, name)
    if compressed != 1 or method != 0:
        raise damaged
    return _inflate(text, name)


def _bounded_text(text: bytes, name: str) -> bytes:
    if len(text) > MAX_CARD_TEXT:
        raise _too_large(name)
    return text


def _inflate(compressed: bytes, name: str) -> bytes:
    """Inflate at most MAX_CARD_TEXT bytes: a zTXt bomb stops at the limit, not at 2 GB."""
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(compressed, MAX_CARD_TEXT + 1)
    except zlib.error as exc:
        raise CardError(f"The card inside {name} is damaged ({exc}).") from exc
    if len(text) > MAX_CARD_TEXT or inflater.unconsumed_tail:
        raise _too_large(name)
    if not inflater.eof:
        raise CardError(f"The card inside {name} is damaged or truncated.")
    return text


def _too_large(name: str) -> CardError:
    return CardError(
        f"The card's text in {name} is larger than {describe_size(MAX_CARD_TEXT)}, the most "
        "Inkling reads for one character card; nothing was imported."
    )


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
    data = _read_file(p, MAX_CARD_FILE)
    if data.startswith(PNG_SIGNATURE):
        card = read_card_png(data, p.name)
    else:
        card = read_card_json(data, p.name)
    return card_to_sheet(card), card


def read_portrait(path: str | Path) -> bytes:
    """The bytes of a picture for a card, read with the card files' bounds. Raises
    CardError naming the file."""
    return _read_file(Path(path).expanduser(), MAX_PORTRAIT_FILE)


def _read_file(path: Path, limit: int) -> bytes:
    """At most `limit` bytes of a regular file (no FIFO, no device); CardError otherwise."""
    try:
        return read_bounded(path, limit)
    except RefusedFile as exc:
        raise CardError(str(exc)) from exc
    except OSError as exc:
        raise CardError(f"Could not read {path.name}: {exc.strerror or exc}.") from exc
    except ValueError as exc:  # a NUL byte in the path
        raise CardError(f"Could not read {path.name}: {exc}.") from exc
