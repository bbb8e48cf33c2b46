"""The headless JSON-lines server behind `main.py serve --stdio`.

Every request line is untrusted: it is read at most `MAX_LINE_BYTES` at a time (a longer
line is skipped to its end, never held whole), must be UTF-8 JSON without NaN, Infinity or
numbers of absurd length, nests at most `MAX_REQUEST_DEPTH` deep, and each field is checked
for its type and length before any of it reaches a model or the disk. Whatever goes wrong
in one request is answered as `{"id": ..., "error": "..."}`; the server lives on.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import stat
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TextIO

from backend.engines.adapter_file import NOT_ON_A_SERVER
from backend.engines.base import Engine, EngineError
from backend.engines.params import (
    MAX_TOKENS_LIMIT,
    SAMPLING_KEYS,
    ParamError,
    SamplerParams,
)
from backend.jobs.character import generate_entry
from backend.jobs.complete import continue_text
from backend.jobs.kinds import ContinueJob, SuggestJob, text_stream
from backend.jobs.rewrite import rewrite_stream
from backend.jobs.styled import StoryContext, styled_stream
from backend.jobs.suggest import MAX_ALTERNATIVES, SuggestOptions, clean_suggestion, suggest
from backend.models.adapter_library import MAX_SCALE, MIN_SCALE
from backend.storage.documents import DocumentError
from backend.story.bible import fields_for
from backend.story.memory.position import PlaceError, StoryPlace, open_place
from backend.story.sheet_rules import invalid_fields
from backend.story.style.model import Style, StyleError
from backend.untrusted import RefusedFile, decode_utf8, describe_size, shown

log = logging.getLogger(__name__)

# One request line: a long novel fits. A line is parsed in memory, and a line of millions
# of tiny strings or keys makes Python objects worth twenty times its bytes, so this also
# bounds what one request can make the server allocate (about 150 MB at worst).
MAX_LINE_BYTES = 8 * 1024 * 1024
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
_DRAIN_CHUNK = 1024 * 1024  # how much of an over-long line is read at a time to skip it
_SHOWN_CHARS = 40  # of a client's value quoted back in an error
_SHOWN_PATH_CHARS = 100
_SURROGATE = re.compile("[\\ud800-\\udfff]")


@dataclass(frozen=True)
class Server:
    """What every request is answered with: the loaded engine and the sampler defaults."""

    engine: Engine
    defaults: SamplerParams = field(default_factory=SamplerParams)
    cache_dir: Path | None = None  # where stories' recall indexes are cached


Handler = Callable[[Server, dict[str, Any]], dict[str, Any]]

REQUEST_SAMPLER_KEYS = (*SAMPLING_KEYS, "max_tokens", "stop")
_WHOLE_NUMBER_KEYS = ("top_k", "max_tokens", "seed")


class RequestError(ValueError):
    """A request the server understood but cannot honour; the message goes back to the client."""


@dataclass(frozen=True)
class LongLine:
    """A request line longer than the limit, skipped to its end; `size` is its length."""

    size: int


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


def _too_long(size: int) -> str:
    return (
        f"the request line has {size:,} bytes; the most a line may hold is "
        f"{MAX_LINE_BYTES:,} ({describe_size(MAX_LINE_BYTES)})"
    )


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


def _story_place(server: Server, request: dict[str, Any]) -> StoryPlace | None:
    """The place a request names with "story", "chapter", "scene" and "cursor" (or None)."""
    if request.get("story") is None:
        return None
    path = _story_folder(request)
    chapter = _int_field(request, "chapter", 1, 1, 1_000_000)
    scene = _int_field(request, "scene", 1, 1, 1_000_000)
    cursor = _int_field(request, "cursor", 0, 0, 2**31) if "cursor" in request else None
    note = _optional_text(request, "authors_note")
    try:
        return open_place(
            path, chapter, scene, cursor, cache_dir=server.cache_dir, authors_note=note
        )
    except (DocumentError, PlaceError, RefusedFile) as exc:
        raise RequestError(str(exc)) from exc
    except OSError as exc:
        raise RequestError(
            f"{_quoted_path(path)} could not be read ({exc.strerror or exc})"
        ) from exc


def _with_notes(reply: dict[str, Any], place: StoryPlace | None) -> dict[str, Any]:
    if place is not None and place.notes:
        reply["notes"] = [*reply.get("notes", []), *place.notes]
    return reply


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


# --- ops ------------------------------------------------------------------------------


def op_complete(server: Server, request: dict[str, Any]) -> dict[str, Any]:
    """{"op": "complete", "text": ...} -> {"text": continuation}."""
    text = _text_field(request)
    params = params_from_request(request, server.defaults.with_(max_tokens=64))
    started = time.perf_counter()
    out = "".join(continue_text(server.engine, text, params))
    return {"text": out, "ms": round((time.perf_counter() - started) * 1000, 1)}


def op_suggest(server: Server, request: dict[str, Any]) -> dict[str, Any]:
    """{"op": "suggest", "text", "cursor", "alternatives", "max_tokens"} -> suggestions;
    or "story", "chapter", "scene", "cursor" instead of "text"."""
    alternatives = _int_field(request, "alternatives", 1, 1, MAX_ALTERNATIVES)
    max_tokens = _int_field(request, "max_tokens", 12, 1, 64)
    heal = request.get("heal", True)
    if not isinstance(heal, bool):
        raise RequestError(f"'heal' must be true or false, not {_json_type(heal)}")
    place = _story_place(server, request)
    text = _text_field(request, limit=MAX_DOCUMENT_CHARS) if place is None else place.scene.text
    default_cursor = place.cursor if place is not None else len(text)
    cursor = _int_field(request, "cursor", default_cursor, 0, len(text))
    options = SuggestOptions(max_tokens=max_tokens, heal=heal)
    if place is None:
        suggestions, ms = suggest(server.engine, text, cursor, options, alternatives)
        return {"suggestions": suggestions, "ms": round(ms, 1)}
    started = time.perf_counter()
    suggestions = []
    for alt in range(alternatives + 2):  # two spare tries: samples may repeat
        if len(suggestions) >= alternatives:
            break
        job = SuggestJob(text, cursor, options, alt, book=place.book)
        found = clean_suggestion("".join(text_stream(job, server.engine)))
        if found.strip() and found not in suggestions:
            suggestions.append(found)
    ms = round((time.perf_counter() - started) * 1000, 1)
    return _with_notes({"suggestions": suggestions, "ms": ms}, place)


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


def _entry_op(kind: str) -> Handler:
    def op(server: Server, request: dict[str, Any]) -> dict[str, Any]:
        premise = _optional_text(request, "premise")
        genre = _optional_text(request, "genre")
        locked = _locked_field(request, kind)
        seed = _int_field(request, "seed", 1, 0, 2**31 - 1)
        started = time.perf_counter()
        entry = generate_entry(server.engine, kind, premise, genre, locked=locked, seed=seed)
        ms = round((time.perf_counter() - started) * 1000, 1)
        return {"sheet": entry, "invalid": invalid_fields(entry, kind), "ms": ms}

    return op


def op_continue(server: Server, request: dict[str, Any]) -> dict[str, Any]:
    """{"op": "continue", "text", "cursor", "style": {...}, "seed"} -> {"text": ...}; or
    "story", "chapter", "scene", "cursor" instead of "text"."""
    style = _style_field(request)
    seed = _int_field(request, "seed", 1, 0, 2**31 - 1)
    premise = _optional_text(request, "premise") if "premise" in request else None
    place = _story_place(server, request)
    if place is not None:
        job = ContinueJob(
            place.before,
            SamplerParams(seed=seed),
            style,
            place.story.premise if premise is None else premise,
            book=place.book,
        )
        started = time.perf_counter()
        out = "".join(text_stream(job, server.engine))
        ms = round((time.perf_counter() - started) * 1000, 1)
        return _with_notes({"text": out, "ms": ms}, place)
    text = _text_field(request)
    cursor = _int_field(request, "cursor", len(text), 0, len(text))
    story = StoryContext(
        premise=premise or "", authors_note=_optional_text(request, "authors_note")
    )
    started = time.perf_counter()
    out = "".join(styled_stream(server.engine, text[:cursor], style, story, seed=seed))
    return {"text": out, "ms": round((time.perf_counter() - started) * 1000, 1)}


def op_rewrite(server: Server, request: dict[str, Any]) -> dict[str, Any]:
    """{"op": "rewrite", "text", "style": {...}, "seed"} -> {"text": the passage rewritten}."""
    text = _text_field(request, limit=MAX_PASSAGE_CHARS)
    if not text.strip():
        raise RequestError("'text' must hold the passage to rewrite")
    words = len(text.split())
    if words > MAX_REWRITE_WORDS:
        raise RequestError(
            f"'text' has {words:,} words; a passage to rewrite may have at most "
            f"{MAX_REWRITE_WORDS:,}"
        )
    style = _style_field(request)
    seed = _int_field(request, "seed", 1, 0, 2**31 - 1)
    started = time.perf_counter()
    out = "".join(rewrite_stream(server.engine, text, style, seed=seed))
    return {"text": out, "ms": round((time.perf_counter() - started) * 1000, 1)}


def op_context(server: Server, request: dict[str, Any]) -> dict[str, Any]:
    """{"op": "context", "story", "chapter", "scene", "cursor", "task"} -> the prompt that
    task would be given there, section by section, with tokens against budgets."""
    if request.get("story") is None:
        raise RequestError("'story' must be the path of a story folder")
    task = request.get("task", "continue")
    if task not in ("suggest", "continue"):
        shown_task = _quoted(task) if isinstance(task, str) else _json_type(task)
        raise RequestError(f"'task' must be 'suggest' or 'continue', not {shown_task}")
    style = _style_field(request) if task == "continue" else None
    premise = _optional_text(request, "premise") if "premise" in request else None
    place = _story_place(server, request)
    if place is None:
        raise RequestError("'story' must be the path of a story folder")
    job: SuggestJob | ContinueJob
    if style is None:
        job = SuggestJob(place.scene.text, place.cursor, book=place.book)
    else:
        job = ContinueJob(
            place.before,
            SamplerParams(),
            style,
            place.story.premise if premise is None else premise,
            book=place.book,
        )
    return _with_notes(job.assemble(server.engine).to_json(), place)


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


def op_adapter(server: Server, request: dict[str, Any]) -> dict[str, Any]:
    """{"op": "adapter", "path": ADAPTER.gguf or null, "scale": S} -> {"adapter", "scale"};
    switches the voice adapter live (null or scale 0: off), without reloading the model."""
    slot = server.engine.adapters
    if slot is None:
        raise RequestError(NOT_ON_A_SERVER)
    scale = request.get("scale", 1.0)
    if isinstance(scale, bool) or not isinstance(scale, int | float):
        raise RequestError(f"'scale' must be a number, not {_json_type(scale)}")
    if not MIN_SCALE <= scale <= MAX_SCALE:
        raise RequestError(f"'scale' must be between {MIN_SCALE:g} and {MAX_SCALE:g}")
    path = _adapter_file(request)
    started = time.perf_counter()
    slot.set_adapter(path, float(scale))
    current = slot.adapter
    return {
        "adapter": str(current[0]) if current else None,
        "scale": current[1] if current else 0.0,
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }


OPS: dict[str, Handler] = {
    "adapter": op_adapter,
    "context": op_context,
    "complete": op_complete,
    "continue": op_continue,
    "rewrite": op_rewrite,
    "suggest": op_suggest,
    "character": _entry_op("character"),
    "background": _entry_op("background"),
}


def _handler(request: dict[str, Any]) -> Handler:
    op = request.get("op")
    handler = OPS.get(op) if isinstance(op, str) else None
    if handler is None:
        known = ", ".join(sorted(OPS))
        if op is None:
            raise RequestError(f"the request has no 'op'; known ops: {known}")
        if not isinstance(op, str):
            raise RequestError(f"'op' must be a string, not {_json_type(op)}; known ops: {known}")
        raise RequestError(f"unknown op {_quoted(op)}; known ops: {known}")
    if request.get("text") is not None and request.get("story") is not None:
        raise RequestError(
            "the request gives both 'text' and 'story'; give one: the text itself, or the "
            "story folder to read it from"
        )
    return handler


def handle_line(
    engine: Engine,
    line: str | bytes,
    defaults: SamplerParams | None = None,
    cache_dir: Path | None = None,
) -> dict[str, Any]:
    """Answer one request line; never raises for anything a client can send."""
    req_id: str | int | float | None = None
    try:
        request = parse_request(line)
        req_id = _request_id(request)
        check_values(request)
        handler = _handler(request)
        reply = handler(Server(engine, defaults or SamplerParams(), cache_dir), request)
    except (RequestError, ParamError, EngineError, StyleError) as exc:
        return {"id": req_id, "error": str(exc)}
    except MemoryError:
        log.exception("request %r ran out of memory", req_id)
        return {"id": req_id, "error": "the request needed more memory than there is"}
    except Exception as exc:  # the server must outlive any one bad request
        log.exception("request %r failed", req_id)
        return {"id": req_id, "error": f"internal error: {shown(str(exc), 300)[1:-1]}"}
    return {"id": req_id, **reply}


def _ends_line(chunk: bytes | str) -> bool:
    return chunk.endswith(b"\n") if isinstance(chunk, bytes) else chunk.endswith("\n")


def request_lines(
    stdin: IO[str] | IO[bytes], limit: int = MAX_LINE_BYTES
) -> Iterator[bytes | str | LongLine]:
    """Each line of `stdin` (as bytes when it has a binary buffer, so bad UTF-8 is the
    request's problem, not the server's); a line over `limit` is skipped to its end a
    chunk at a time and comes out as a LongLine, never held whole."""
    source: IO[Any] = getattr(stdin, "buffer", stdin)
    while True:
        line = source.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or _ends_line(line):
            yield line
            continue
        size = len(line)
        while True:
            chunk = source.readline(_DRAIN_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if _ends_line(chunk):
                size -= 1
                break
        yield LongLine(size)


def _encode_reply(obj: dict[str, Any]) -> str:
    """One reply line. Text that is not valid Unicode (a lone surrogate from a model's
    bytes) is escaped rather than allowed to break the output stream."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False)
    if _SURROGATE.search(text):
        text = json.dumps(obj, allow_nan=False)
    return text + "\n"


def serve_stdio(
    engine: Engine,
    model_name: str,
    stdin: TextIO,
    stdout: TextIO,
    defaults: SamplerParams | None = None,
    cache_dir: Path | None = None,
) -> None:
    """Announce readiness, then answer one JSON line per request line until EOF."""
    lock = threading.Lock()

    def send(obj: dict[str, Any]) -> None:
        try:
            text = _encode_reply(obj)
        except (TypeError, ValueError) as exc:
            log.exception("reply to %r could not be written", obj.get("id"))
            text = _encode_reply({"id": None, "error": f"internal error: {exc}"})
        with lock:
            stdout.write(text)
            stdout.flush()

    send({"event": "ready", "model": model_name})
    for entry in request_lines(stdin):
        if isinstance(entry, LongLine):
            send({"id": None, "error": _too_long(entry.size)})
        elif entry and not entry.isspace():
            send(handle_line(engine, entry, defaults, cache_dir))
