"""Checking a request for the JSON-lines server: parsing a line (no NaN, no numbers of
absurd length, bounded nesting), then each field's type and length, with the error texts
sent back to the client."""

from __future__ import annotations

import json
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

from backend.engines.params import MAX_TOKENS_LIMIT, SAMPLING_KEYS, SamplerParams
from backend.serve.lines import MAX_LINE_BYTES, _ends_line, _too_long
from backend.story.bible import fields_for
from backend.story.style.model import Style, StyleError
from backend.untrusted import RefusedFile, decode_utf8, shown

# A document sent for suggestions (about 800,000 words): only a window around the cursor
# reaches the model.
MAX_DOCUMENT_CHARS = 5_000_000
# Text that goes into a prompt whole ('complete', 'continue' without a story). The model
# sees only its last few thousand words; tokenizing a million characters takes seconds,
# tens of millions took minutes and gigabytes.
MAX_PROMPT_CHARS = 1_000_000
# A passage to rewrite: the rewrite is given two tokens a word.
MAX_PASSAGE_CHARS = 50_000
MAX_REWRITE_WORDS = MAX_TOKENS_LIMIT // 2
# Author's note, premise, genre, a locked sheet field, a style's genre, tone and notes:
# the same as a style preset's notes.
MAX_FIELD_CHARS = 20_000
MAX_NAME_CHARS = 200  # a style's name
MAX_STOP_CHARS = 200  # one stop string
MAX_ID_CHARS = 200  # a request's "id", echoed in its reply
MAX_PATH_CHARS = 4096  # "story" and an adapter's "path"
MAX_DIGITS = 20  # an integer in a request; seeds and offsets need ten at most
MAX_REQUEST_DEPTH = 8  # a request is flat but for "style", "locked", "stop", "logit_bias"
# Empty lists take twenty times the bytes that spell them: a line may open at most this
# many lists and objects (brackets inside strings count too; no text has this many).
MAX_BRACKETS = MAX_LINE_BYTES // 16


_SHOWN_CHARS = 40  # of a client's value quoted back in an error
_SHOWN_PATH_CHARS = 100
_SURROGATE = re.compile("[\\ud800-\\udfff]")


REQUEST_SAMPLER_KEYS = (*SAMPLING_KEYS, "max_tokens", "stop")
_WHOLE_NUMBER_KEYS = ("top_k", "max_tokens", "seed")


class RequestError(ValueError):
    """A request the server understood but cannot honour; the message goes back to the client."""


# --- reading and checking a line ------------------------------------------------------


class _Unusable:
    """A number json.loads was handed that no field accepts (NaN, Infinity, 5,000 digits);
    kept as a marker so the refusal can name the field it was in."""

    __slots__ = ("why",)

    def __init__(self, why: str) -> None:
        self.why = why


def _parse_int(digits: str) -> int | _Unusable:
    count = len(digits.lstrip("-"))
    if count > MAX_DIGITS:
        return _Unusable(f"is a number of {count:,} digits; the most is {MAX_DIGITS}")
    return int(digits)


def _parse_float(text: str) -> float | _Unusable:
    value = float(text)
    if not math.isfinite(value):
        return _Unusable("is a number too large to use")
    return value


def _parse_constant(name: str) -> _Unusable:
    return _Unusable(f"is {name}; only finite numbers are accepted")


def _json_type(value: object) -> str:
    """What a JSON value is, in the words of JSON rather than Python."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float | _Unusable):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _value_type(value: object) -> str:
    """Like _json_type, but a fraction is shown, since "not a number" would puzzle."""
    if isinstance(value, float):
        return f"{value:g}"
    return _json_type(value)


def _quoted(value: str) -> str:
    """A client's string, short and printable, to quote back in a message."""
    return shown(_SURROGATE.sub("\ufffd", value), _SHOWN_CHARS)


def _quoted_path(path: str | Path) -> str:
    """A client's path for a message: its end, where the names that tell are."""
    text = _SURROGATE.sub("\ufffd", str(path))
    if len(text) > _SHOWN_PATH_CHARS:
        text = "…" + text[-(_SHOWN_PATH_CHARS - 1) :]
    return shown(text, _SHOWN_PATH_CHARS)


def _bare(name: str) -> str:
    """A field name for a message: printable and short, without quotes of its own."""
    return _quoted(name)[1:-1]


def parse_request(line: str | bytes) -> dict[str, Any]:
    """The request object on one line, its numbers and strings proven usable. Raises
    RequestError naming the problem (and the field, once there are fields)."""
    size = len(line) - 1 if _ends_line(line) else len(line)
    if size > MAX_LINE_BYTES:
        raise RequestError(_too_long(size))
    if isinstance(line, bytes):
        try:
            text = decode_utf8(line, "the request line")
        except RefusedFile as exc:
            raise RequestError(str(exc).rstrip(".")) from exc
    else:
        # Text read with errors="surrogateescape" carries undecodable bytes as surrogates.
        bad = _SURROGATE.search(line)
        if bad is not None:
            raise RequestError(
                f"the request line is not UTF-8 text (an undecodable byte at character "
                f"{bad.start():,})"
            )
        text = line
    brackets = text.count("[") + text.count("{")
    if brackets > MAX_BRACKETS:
        raise RequestError(
            f"the request holds {brackets:,} '[' and '{{' characters; the most is {MAX_BRACKETS:,}"
        )
    try:
        request = json.loads(
            text,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_parse_constant,
        )
    except json.JSONDecodeError as exc:
        raise RequestError(f"malformed JSON: {exc.msg} (at character {exc.pos})") from exc
    except RecursionError as exc:
        raise RequestError(
            f"the request nests deeper than {MAX_REQUEST_DEPTH} levels of lists and objects"
        ) from exc
    if isinstance(request, _Unusable):
        raise RequestError(f"a request must be a JSON object; this one {request.why}")
    if not isinstance(request, dict):
        raise RequestError(f"a request must be a JSON object, not {_json_type(request)}")
    return request


def _request_id(request: dict[str, Any]) -> str | int | float | None:
    """The request's "id", fit to echo back: a number, a short string or null."""
    value = request.get("id")
    if isinstance(value, _Unusable):
        raise RequestError(f"'id' {value.why}")
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    if isinstance(value, str) and len(value) <= MAX_ID_CHARS and not _SURROGATE.search(value):
        return value
    raise RequestError(
        f"'id' must be a number, a string of at most {MAX_ID_CHARS} characters, or null; "
        f"it is {_json_type(value)}"
        + (f" of {len(value):,} characters" if isinstance(value, str) else "")
    )


def check_values(request: dict[str, Any]) -> None:
    """Refuse a request that nests too deeply or holds a value no field can use (NaN, a
    number of thousands of digits, a string with a lone surrogate), naming the field."""
    found = _problem(request, 0)
    if found is not None:
        path, why = found
        where = "".join(path).removeprefix(".")
        raise RequestError(f"'{where}' {why}" if where else f"the request {why}")


def _problem(value: Any, level: int) -> tuple[list[str], str] | None:
    """(where, why) of the first unusable value in `value`; `where` is the path as a client
    writes it (style.pov, stop[0]). Recursion stops at the depth limit, so it stays
    shallow; nothing is allocated per item, unlike a walk with a stack of every value."""
    if isinstance(value, _Unusable):
        return [], value.why
    if isinstance(value, str):
        bad = _SURROGATE.search(value)
        if bad is None:
            return None
        return [], (
            f"is not valid text: it holds a lone surrogate (\\u{ord(bad.group()):04x}) at "
            f"character {bad.start():,}"
        )
    if not isinstance(value, list | dict):
        return None
    if level >= MAX_REQUEST_DEPTH:
        return [], f"nests deeper than {MAX_REQUEST_DEPTH} levels of lists and objects"
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _problem(item, level + 1)
            if found is not None:
                return [f"[{index}]", *found[0]], found[1]
        return None
    for key, item in value.items():
        if _SURROGATE.search(key):
            return [], f"holds the field name {_quoted(key)}, which is not valid text"
        found = _problem(item, level + 1)
        if found is not None:
            return [f".{_bare(key)}", *found[0]], found[1]
    return None


# --- fields ---------------------------------------------------------------------------


def _check_length(name: str, value: str, limit: int) -> str:
    if len(value) > limit:
        raise RequestError(f"'{name}' has {len(value):,} characters; the most is {limit:,}")
    return value


def _text_field(request: dict[str, Any], name: str = "text", limit: int = MAX_PROMPT_CHARS) -> str:
    value = request.get(name)
    if not isinstance(value, str):
        raise RequestError(f"'{name}' must be a string, not {_json_type(value)}")
    return _check_length(name, value, limit)


def _optional_text(
    request: dict[str, Any], name: str, default: str = "", limit: int = MAX_FIELD_CHARS
) -> str:
    if name not in request:
        return default
    return _text_field(request, name, limit)


def _int_field(request: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = request.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise RequestError(f"'{name}' must be a whole number, not {_value_type(value)}")
    if not low <= value <= high:
        raise RequestError(f"'{name}' must be between {low} and {high}, got {value}")
    return value


def params_from_request(request: dict[str, Any], base: SamplerParams) -> SamplerParams:
    """Sampler settings from the request's own keys, over the server's defaults."""
    chosen = {k: request[k] for k in REQUEST_SAMPLER_KEYS if k in request}
    if "seed" in request:
        chosen["seed"] = request["seed"]
    for key, value in chosen.items():
        if key == "stop" or (key == "seed" and value is None):
            continue
        whole = key in _WHOLE_NUMBER_KEYS
        if isinstance(value, bool) or not isinstance(value, int if whole else int | float):
            kind = "a whole number" if whole else "a number"
            raise RequestError(f"'{key}' must be {kind}, not {_value_type(value)}")
    stops = chosen.get("stop")
    if isinstance(stops, str):
        stops = [stops]
    for stop in stops if isinstance(stops, list) else []:
        if isinstance(stop, str) and len(stop) > MAX_STOP_CHARS:
            raise RequestError(
                f"'stop' holds a string of {len(stop):,} characters; the most is {MAX_STOP_CHARS}"
            )
    return SamplerParams.from_mapping(chosen, base)


def _path_field(request: dict[str, Any], name: str, what: str) -> str:
    value = request.get(name)
    if not isinstance(value, str):
        raise RequestError(f"'{name}' must be the path of {what}, not {_json_type(value)}")
    if not value:
        raise RequestError(f"'{name}' is empty; it must be the path of {what}")
    if len(value) > MAX_PATH_CHARS:
        raise RequestError(
            f"'{name}' has {len(value):,} characters; a path may have at most {MAX_PATH_CHARS:,}"
        )
    if "\x00" in value:
        raise RequestError(f"'{name}' is not a usable path: it holds a NUL character")
    return value


def _kind_of(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def _story_folder(request: dict[str, Any]) -> str:
    """The "story" path, proven to be a folder before anything in it is opened: a file, a
    pipe or a device named here is refused without being read."""
    path = _path_field(request, "story", "a story folder")
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError as exc:
        raise RequestError(
            f"{_quoted_path(path)} is not an Inkling story (there is no such folder)"
        ) from exc
    except OSError as exc:
        raise RequestError(
            f"{_quoted_path(path)} could not be opened ({exc.strerror or exc})"
        ) from exc
    if not stat.S_ISDIR(mode):
        raise RequestError(
            f"{_quoted_path(path)} is not an Inkling story (it is {_kind_of(mode)}, not a folder)"
        )
    return path


def _style_field(request: dict[str, Any]) -> Style:
    raw_style = request.get("style", {})
    if not isinstance(raw_style, dict):
        raise RequestError(f"'style' must be an object, not {_json_type(raw_style)}")
    for key, limit in (
        ("genre", MAX_FIELD_CHARS),
        ("tone", MAX_FIELD_CHARS),
        ("notes", MAX_FIELD_CHARS),
        ("name", MAX_NAME_CHARS),
    ):
        value = raw_style.get(key)
        if isinstance(value, str):
            _check_length(f"style.{key}", value, limit)
    try:
        return Style.from_mapping(raw_style)
    except StyleError as exc:
        raise RequestError(f"'style': {exc}") from exc


def _locked_field(request: dict[str, Any], kind: str) -> dict[str, str]:
    locked = request.get("locked", {})
    if not isinstance(locked, dict):
        raise RequestError(f"'locked' must be an object, not {_json_type(locked)}")
    known = fields_for(kind)
    unknown = [k for k in locked if k not in known]
    if unknown:
        names = ", ".join(_quoted(k) for k in unknown[:5])
        more = f" and {len(unknown) - 5:,} more" if len(unknown) > 5 else ""
        raise RequestError(f"unknown field(s) in 'locked': {names}{more}")
    for key, value in locked.items():
        if not isinstance(value, str):
            raise RequestError(f"'locked.{key}' must be a string, not {_json_type(value)}")
        _check_length(f"locked.{key}", value, MAX_FIELD_CHARS)
    return locked


def _adapter_file(request: dict[str, Any]) -> Path | None:
    """The adapter file a request names (None: off). A pipe or a device is refused here,
    before anything opens it; a missing file is left for the adapter check to word."""
    if request.get("path") is None:
        return None
    path = Path(_path_field(request, "path", "an adapter file, or null")).expanduser()
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return path
    if not stat.S_ISREG(mode):
        raise RequestError(f"{_quoted_path(path)} is not an adapter file (it is {_kind_of(mode)})")
    return path
