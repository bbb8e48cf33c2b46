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
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from backend.engines.adapter_file import NOT_ON_A_SERVER
from backend.engines.base import Engine, EngineError
from backend.engines.params import ParamError, SamplerParams, kept_from_looping
from backend.jobs.character import generate_entry
from backend.jobs.complete import continue_text
from backend.jobs.kinds import ContinueJob, SuggestJob, text_stream
from backend.jobs.rewrite import rewrite_stream
from backend.jobs.styled import StoryContext, styled_stream
from backend.jobs.suggest import MAX_ALTERNATIVES, SuggestOptions, clean_suggestion, suggest
from backend.models.adapter_library import MAX_SCALE, MIN_SCALE
from backend.serve.lines import MAX_LINE_BYTES, LongLine, _too_long, request_lines
from backend.serve.requests import (
    _SURROGATE,
    MAX_DOCUMENT_CHARS,
    MAX_PASSAGE_CHARS,
    MAX_REWRITE_WORDS,
    RequestError,
    _adapter_file,
    _int_field,
    _json_type,
    _locked_field,
    _optional_text,
    _quoted,
    _quoted_path,
    _request_id,
    _story_folder,
    _style_field,
    _text_field,
    check_values,
    params_from_request,
    parse_request,
)
from backend.storage.documents import DocumentError
from backend.story.language import generation_language
from backend.story.memory.position import PlaceError, StoryPlace, open_place
from backend.story.sheet_rules import invalid_fields
from backend.story.style.model import StyleError
from backend.untrusted import RefusedFile, shown

MAX_LANG_CHARS = 16

__all__ = [
    "MAX_LINE_BYTES",
    "OPS",
    "LongLine",
    "handle_line",
    "request_lines",
    "serve_stdio",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Server:
    """What every request is answered with: the loaded engine and the sampler defaults."""

    engine: Engine
    defaults: SamplerParams = field(default_factory=SamplerParams)
    cache_dir: Path | None = None  # where stories' recall indexes are cached


Handler = Callable[[Server, dict[str, Any]], dict[str, Any]]


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


# --- ops ------------------------------------------------------------------------------


def op_complete(server: Server, request: dict[str, Any]) -> dict[str, Any]:
    """{"op": "complete", "text": ...} -> {"text": continuation}."""
    text = _text_field(request)
    params = params_from_request(request, server.defaults.with_(max_tokens=64))
    started = time.perf_counter()
    out = "".join(continue_text(server.engine, text, kept_from_looping(params)))
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


def _entry_op(kind: str) -> Handler:
    def op(server: Server, request: dict[str, Any]) -> dict[str, Any]:
        premise = _optional_text(request, "premise")
        genre = _optional_text(request, "genre")
        locked = _locked_field(request, kind)
        seed = _int_field(request, "seed", 1, 0, 2**31 - 1)
        lang = _entry_language(request, premise, genre)
        started = time.perf_counter()
        entry = generate_entry(
            server.engine, kind, premise, genre, locked=locked, seed=seed, lang=lang
        )
        ms = round((time.perf_counter() - started) * 1000, 1)
        invalid = invalid_fields(entry, kind, lang)
        return {"sheet": entry, "invalid": invalid, "lang": lang, "ms": ms}

    return op


def _entry_language(request: dict[str, Any], premise: str, genre: str) -> str:
    """The request's "lang" (a language code such as "zh"), else the premise's language as
    the window detects it; English where Inkling has no pack for the language."""
    chosen = _optional_text(request, "lang")
    if len(chosen) > MAX_LANG_CHARS:
        raise ParamError(f'"lang" is a language code such as "en" or "zh", not {chosen[:20]!r}')
    return generation_language(chosen, premise, genre)


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
    lang = generation_language("", text[:cursor][-2000:], story.premise)
    out = "".join(styled_stream(server.engine, text[:cursor], style, story, seed=seed, lang=lang))
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
