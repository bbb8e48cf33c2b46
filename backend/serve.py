"""The headless JSON-lines server behind `main.py serve --stdio`."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from backend.engines.base import Engine, EngineError
from backend.engines.params import SAMPLING_KEYS, ParamError, SamplerParams
from backend.jobs.character import generate_entry
from backend.jobs.complete import continue_text
from backend.jobs.kinds import ContinueJob, SuggestJob, text_stream
from backend.jobs.rewrite import rewrite_stream
from backend.jobs.styled import StoryContext, styled_stream
from backend.jobs.suggest import MAX_ALTERNATIVES, SuggestOptions, clean_suggestion, suggest
from backend.models.adapter_library import MAX_SCALE, MIN_SCALE
from backend.models.adapters import NOT_ON_A_SERVER
from backend.storage.documents import DocumentError
from backend.story.bible import fields_for
from backend.story.memory.position import PlaceError, StoryPlace, open_place
from backend.story.sheet_rules import invalid_fields
from backend.story.style.model import Style, StyleError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Server:
    """What every request is answered with: the loaded engine and the sampler defaults."""

    engine: Engine
    defaults: SamplerParams = field(default_factory=SamplerParams)
    cache_dir: Path | None = None  # where stories' recall indexes are cached


Handler = Callable[[Server, dict[str, Any]], dict[str, Any]]

REQUEST_SAMPLER_KEYS = (*SAMPLING_KEYS, "max_tokens", "stop")


class RequestError(ValueError):
    """A request the server understood but cannot honour; the message goes back to the client."""


def params_from_request(request: dict[str, Any], base: SamplerParams) -> SamplerParams:
    """Sampler settings from the request's own keys, over the server's defaults."""
    chosen = {k: request[k] for k in REQUEST_SAMPLER_KEYS if k in request}
    if "seed" in request:
        chosen["seed"] = request["seed"]
    return SamplerParams.from_mapping(chosen, base)


def _text_field(request: dict[str, Any], name: str = "text") -> str:
    value = request.get(name)
    if not isinstance(value, str):
        raise RequestError(f"'{name}' must be a string")
    return value


def op_complete(server: Server, request: dict[str, Any]) -> dict[str, Any]:
    """{"op": "complete", "text": ...} -> {"text": continuation}."""
    text = _text_field(request)
    params = params_from_request(request, server.defaults.with_(max_tokens=64))
    started = time.perf_counter()
    out = "".join(continue_text(server.engine, text, params))
    return {"text": out, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _int_field(request: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = request.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise RequestError(f"'{name}' must be a whole number")
    if not low <= value <= high:
        raise RequestError(f"'{name}' must be between {low} and {high}, got {value}")
    return value


def _story_place(server: Server, request: dict[str, Any]) -> StoryPlace | None:
    """The place a request names with "story", "chapter", "scene" and "cursor" (or None)."""
    path = request.get("story")
    if path is None:
        return None
    if not isinstance(path, str) or not path:
        raise RequestError("'story' must be the path of a story folder")
    chapter = _int_field(request, "chapter", 1, 1, 1_000_000)
    scene = _int_field(request, "scene", 1, 1, 1_000_000)
    cursor = _int_field(request, "cursor", 0, 0, 2**31) if "cursor" in request else None
    note = request.get("authors_note", "")
    if not isinstance(note, str):
        raise RequestError("'authors_note' must be a string")
    try:
        return open_place(
            path, chapter, scene, cursor, cache_dir=server.cache_dir, authors_note=note
        )
    except (DocumentError, PlaceError) as exc:
        raise RequestError(str(exc)) from exc


def _with_notes(reply: dict[str, Any], place: StoryPlace | None) -> dict[str, Any]:
    if place is not None and place.notes:
        reply["notes"] = [*reply.get("notes", []), *place.notes]
    return reply


def op_suggest(server: Server, request: dict[str, Any]) -> dict[str, Any]:
    """{"op": "suggest", "text", "cursor", "alternatives", "max_tokens"} -> suggestions;
    or "story", "chapter", "scene", "cursor" instead of "text"."""
    place = _story_place(server, request)
    text = place.scene.text if place is not None else _text_field(request)
    default_cursor = place.cursor if place is not None else len(text)
    cursor = _int_field(request, "cursor", default_cursor, 0, len(text))
    alternatives = _int_field(request, "alternatives", 1, 1, MAX_ALTERNATIVES)
    max_tokens = _int_field(request, "max_tokens", 12, 1, 64)
    heal = request.get("heal", True)
    if not isinstance(heal, bool):
        raise RequestError("'heal' must be true or false")
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
        premise = request.get("premise", "")
        genre = request.get("genre", "")
        locked = request.get("locked", {})
        if not isinstance(premise, str) or not isinstance(genre, str):
            raise RequestError("'premise' and 'genre' must be strings")
        if not isinstance(locked, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in locked.items()
        ):
            raise RequestError("'locked' must map field names to strings")
        unknown = sorted(set(locked) - set(fields_for(kind)))
        if unknown:
            raise RequestError(f"unknown field(s) in 'locked': {', '.join(unknown)}")
        seed = _int_field(request, "seed", 1, 0, 2**31 - 1)
        started = time.perf_counter()
        entry = generate_entry(server.engine, kind, premise, genre, locked=locked, seed=seed)
        ms = round((time.perf_counter() - started) * 1000, 1)
        return {"sheet": entry, "invalid": invalid_fields(entry, kind), "ms": ms}

    return op


def _style_field(request: dict[str, Any]) -> Style:
    raw_style = request.get("style", {})
    if not isinstance(raw_style, dict):
        raise RequestError("'style' must be an object")
    try:
        return Style.from_mapping(raw_style)
    except StyleError as exc:
        raise RequestError(str(exc)) from exc


def op_continue(server: Server, request: dict[str, Any]) -> dict[str, Any]:
    """{"op": "continue", "text", "cursor", "style": {...}, "seed"} -> {"text": ...}; or
    "story", "chapter", "scene", "cursor" instead of "text"."""
    place = _story_place(server, request)
    style = _style_field(request)
    seed = _int_field(request, "seed", 1, 0, 2**31 - 1)
    if place is not None:
        premise = request.get("premise", place.story.premise)
        job = ContinueJob(
            place.before, SamplerParams(seed=seed), style, str(premise), book=place.book
        )
        started = time.perf_counter()
        out = "".join(text_stream(job, server.engine))
        ms = round((time.perf_counter() - started) * 1000, 1)
        return _with_notes({"text": out, "ms": ms}, place)
    text = _text_field(request)
    cursor = _int_field(request, "cursor", len(text), 0, len(text))
    story = StoryContext(
        premise=str(request.get("premise", "")), authors_note=str(request.get("authors_note", ""))
    )
    started = time.perf_counter()
    out = "".join(styled_stream(server.engine, text[:cursor], style, story, seed=seed))
    return {"text": out, "ms": round((time.perf_counter() - started) * 1000, 1)}


def op_rewrite(server: Server, request: dict[str, Any]) -> dict[str, Any]:
    """{"op": "rewrite", "text", "style": {...}, "seed"} -> {"text": the passage rewritten}."""
    text = _text_field(request)
    if not text.strip():
        raise RequestError("'text' must hold the passage to rewrite")
    style = _style_field(request)
    seed = _int_field(request, "seed", 1, 0, 2**31 - 1)
    started = time.perf_counter()
    out = "".join(rewrite_stream(server.engine, text, style, seed=seed))
    return {"text": out, "ms": round((time.perf_counter() - started) * 1000, 1)}


def op_context(server: Server, request: dict[str, Any]) -> dict[str, Any]:
    """{"op": "context", "story", "chapter", "scene", "cursor", "task"} -> the prompt that
    task would be given there, section by section, with tokens against budgets."""
    place = _story_place(server, request)
    if place is None:
        raise RequestError("'story' must be the path of a story folder")
    task = request.get("task", "continue")
    job: SuggestJob | ContinueJob
    if task == "suggest":
        job = SuggestJob(place.scene.text, place.cursor, book=place.book)
    elif task == "continue":
        premise = str(request.get("premise", place.story.premise))
        job = ContinueJob(
            place.before, SamplerParams(), _style_field(request), premise, book=place.book
        )
    else:
        raise RequestError(f"'task' must be 'suggest' or 'continue', not {task!r}")
    return _with_notes(job.assemble(server.engine).to_json(), place)


def op_adapter(server: Server, request: dict[str, Any]) -> dict[str, Any]:
    """{"op": "adapter", "path": ADAPTER.gguf or null, "scale": S} -> {"adapter", "scale"};
    switches the voice adapter live (null or scale 0: off), without reloading the model."""
    slot = server.engine.adapters
    if slot is None:
        raise RequestError(NOT_ON_A_SERVER)
    path = request.get("path")
    if path is not None and (not isinstance(path, str) or not path):
        raise RequestError("'path' must be the path of an adapter file, or null")
    scale = request.get("scale", 1.0)
    if isinstance(scale, bool) or not isinstance(scale, int | float):
        raise RequestError("'scale' must be a number")
    if not MIN_SCALE <= scale <= MAX_SCALE:
        raise RequestError(f"'scale' must be between {MIN_SCALE:g} and {MAX_SCALE:g}")
    started = time.perf_counter()
    slot.set_adapter(Path(path).expanduser() if path else None, float(scale))
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


def handle_line(
    engine: Engine,
    line: str,
    defaults: SamplerParams | None = None,
    cache_dir: Path | None = None,
) -> dict[str, Any]:
    """Answer one request line; never raises for anything a client can send."""
    try:
        request = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"malformed JSON: {exc.msg}"}
    if not isinstance(request, dict):
        return {"id": None, "error": "a request must be a JSON object"}
    req_id = request.get("id")
    op = request.get("op")
    handler = OPS.get(op) if isinstance(op, str) else None
    if handler is None:
        known = ", ".join(sorted(OPS))
        return {"id": req_id, "error": f"unknown op {op!r}; known ops: {known}"}
    try:
        reply = handler(Server(engine, defaults or SamplerParams(), cache_dir), request)
    except (RequestError, ParamError, EngineError) as exc:
        return {"id": req_id, "error": str(exc)}
    except Exception as exc:  # the server must outlive any one bad request
        log.exception("request %r failed", req_id)
        return {"id": req_id, "error": f"internal error: {exc}"}
    return {"id": req_id, **reply}


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
        with lock:
            stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
            stdout.flush()

    send({"event": "ready", "model": model_name})
    for line in stdin:
        if not line.strip():
            continue
        send(handle_line(engine, line, defaults, cache_dir))
