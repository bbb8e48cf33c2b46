"""`main.py serve --stdio` against hostile lines: each is answered with an error naming the
field and the limit, and the server answers the next request as usual.

The real server runs in a subprocess with the bundled model (loaded once for the module);
every case sends its hostile line, then a good request, and a canary folder beside the
test's files proves nothing outside a project was read or touched.
"""

from __future__ import annotations

import io
import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.serve import (
    MAX_LINE_BYTES,
    OPS,
    LongLine,
    handle_line,
    request_lines,
    serve_stdio,
)
from backend.story.project import new_story
from backend.story.project_save import save_story
from tests.conftest import Canary
from tests.fakes import FakeEngine

ROOT = Path(__file__).resolve().parents[2]
ENGINE = FakeEngine()  # for the in-process properties; the server runs the real model
GOOD = {"id": "good", "op": "complete", "text": "Once upon a time", "max_tokens": 1, "seed": 1}
REPLY_SECONDS = 300  # a loaded machine; a hang still fails, it does not block the run
MEMORY_LIMIT = 1024**3


class Served:
    """A running `main.py serve --stdio`, talked to one line at a time."""

    def __init__(self, model: Path, home: Path) -> None:
        env = {**os.environ, "INKLING_HOME": str(home)}
        cmd = [sys.executable, "main.py", "serve", "--stdio", "--model", str(model)]
        self.log = (home / "serve.log").open("wb")
        self.proc = subprocess.Popen(
            [*cmd, "--config", str(home)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
        )
        self._replies: queue.Queue[bytes] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        ready = self.reply()
        assert ready.get("event") == "ready", ready

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._replies.put(line)
        self._replies.put(b"")

    def send(self, line: bytes) -> None:
        """Write one line (a newline is added) to the server."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + b"\n")
        self.proc.stdin.flush()

    def reply(self) -> dict[str, Any]:
        """The next reply; fails the test if the server died or stopped answering."""
        try:
            line = self._replies.get(timeout=REPLY_SECONDS)
        except queue.Empty:
            pytest.fail(f"no reply within {REPLY_SECONDS} s")
        assert line, f"the server ended (exit {self.proc.poll()})"
        reply = json.loads(line)
        assert isinstance(reply, dict)
        return reply

    def ask(self, request: dict[str, Any] | bytes) -> dict[str, Any]:
        """Send a request (an object, or a raw line) and return its reply."""
        self.send(request if isinstance(request, bytes) else json.dumps(request).encode())
        return self.reply()

    def still_serves(self) -> None:
        """The server is alive and answers a good request normally."""
        good = self.ask(GOOD)
        assert good["id"] == "good" and "error" not in good and isinstance(good["text"], str)

    def peak_memory(self) -> int:
        """The server's peak resident memory so far, in bytes (VmHWM)."""
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        kb = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
        return int(kb) * 1024

    def close(self) -> None:
        """End the server by closing its input, as a client does."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.fixture(scope="module")
def served(bundled_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = Served(bundled_gguf, tmp_path_factory.mktemp("serve-home"))
    yield server
    server.close()
    assert server.proc.returncode == 0


def refused(served: Served, canary: Canary, line: bytes | dict[str, Any]) -> str:
    """Send a hostile line; return its error after checking the server still serves and
    no canary text reached the reply."""
    reply = served.ask(line)
    assert "error" in reply, reply
    assert not any(text in json.dumps(reply) for text in canary.texts())
    served.still_serves()
    canary.check()
    return str(reply["error"])


def line_with(**fields: Any) -> bytes:
    """A request line from `fields`, with NaN and Infinity written as Python writes them."""
    return json.dumps({"id": 7, **fields}).encode()


DIGITS = "9" * 5000
HOSTILE: list[tuple[str, bytes, tuple[str, ...]]] = [
    ("100,000 [", b"[" * 100_000, ("nests deeper than 8 levels",)),
    ("deep stop", line_with(op="complete", text="a", stop=[[[[[[[[["x"]]]]]]]]]), ("'stop",)),
    (
        "seed of 5,000 digits",
        b'{"id": 7, "op": "continue", "text": "a", "seed": ' + DIGITS.encode() + b"}",
        ("'seed' is a number of 5,000 digits", "the most is 20"),
    ),
    (
        "max_tokens of 5,000 digits",
        b'{"id": 7, "op": "complete", "text": "a", "max_tokens": -' + DIGITS.encode() + b"}",
        ("'max_tokens'", "5,000 digits"),
    ),
    (
        "invalid UTF-8",
        b'{"id": 7, "op": "complete", "text": "caf\xe9 \xff"}',
        ("the request line is not UTF-8 text (first bad byte at offset 40)",),
    ),
    (
        "NaN",
        line_with(op="complete", text="a", temperature=float("nan")),
        ("'temperature' is NaN",),
    ),
    (
        "Infinity",
        line_with(op="complete", text="a", top_p=float("inf")),
        ("'top_p' is Infinity",),
    ),
    (
        "-Infinity",
        line_with(op="complete", text="a", min_p=float("-inf")),
        ("'min_p' is -Infinity",),
    ),
    ("1e999", b'{"id": 7, "op": "complete", "text": "a", "top_k": 1e999}', ("'top_k'", "large")),
    ("NaN id", b'{"id": NaN, "op": "complete", "text": "a"}', ("'id' is NaN",)),
    ("NaN scale", line_with(op="adapter", path=None, scale=float("nan")), ("'scale' is NaN",)),
    ("text a number", line_with(op="complete", text=5), ("'text' must be a string, not a number",)),
    ("text a list", line_with(op="suggest", text=["a"]), ("'text' must be a string, not a list",)),
    (
        "text an object",
        line_with(op="rewrite", text={}),
        ("'text' must be a string, not an object",),
    ),
    ("text a bool", line_with(op="continue", text=True), ("'text' must be a string, not true",)),
    ("text null", line_with(op="complete", text=None), ("'text' must be a string, not null",)),
    ("max_tokens a string", line_with(op="complete", text="a", max_tokens="8"), ("'max_tokens'",)),
    ("max_tokens -5", line_with(op="complete", text="a", max_tokens=-5), ("between 1 and 8192",)),
    (
        "max_tokens 10**12",
        line_with(op="complete", text="a", max_tokens=10**12),
        ("max_tokens", "between 1 and 8192"),
    ),
    ("suggest max_tokens", line_with(op="suggest", text="a", max_tokens=0), ("between 1 and 64",)),
    (
        "cursor a string",
        line_with(op="suggest", text="a", cursor="1"),
        ("'cursor' must be a whole",),
    ),
    ("cursor past the end", line_with(op="suggest", text="ab", cursor=3), ("between 0 and 2",)),
    ("alternatives 1.5", line_with(op="suggest", text="a", alternatives=1.5), ("not 1.5",)),
    ("heal a string", line_with(op="suggest", text="a", heal="yes"), ("'heal' must be true",)),
    ("temperature a string", line_with(op="complete", text="a", temperature="hot"), ("'temp",)),
    ("seed a bool", line_with(op="continue", text="a", seed=True), ("'seed' must be a whole",)),
    ("seed -1", line_with(op="rewrite", text="a b", seed=-1), ("between 0 and 2147483647",)),
    ("style a list", line_with(op="continue", text="a", style=[]), ("'style' must be an object",)),
    ("style pov a number", line_with(op="continue", text="a", style={"pov": 3}), ("pov",)),
    (
        "style notes too long",
        line_with(op="rewrite", text="a b", style={"notes": "n" * 20_001}),
        ("'style.notes' has 20,001 characters; the most is 20,000",),
    ),
    ("locked a list", line_with(op="character", locked=[]), ("'locked' must be an object",)),
    ("locked value", line_with(op="character", locked={"Name": 5}), ("'locked.Name'",)),
    (
        "locked unknown fields",
        line_with(op="background", locked={f"f{i}": "x" for i in range(1000)}),
        ("unknown field(s) in 'locked'", "and 995 more"),
    ),
    ("premise an object", line_with(op="character", premise={}), ("'premise' must be a string",)),
    ("genre too long", line_with(op="character", genre="g" * 30_000), ("'genre' has 30,000",)),
    (
        "id an object",
        b'{"id": {"a": 1}, "op": "complete", "text": "a"}',
        ("'id' must be a number, a string of at most 200 characters, or null",),
    ),
    (
        "id of 300 characters",
        json.dumps({"id": "i" * 300, "op": "complete", "text": "a"}).encode(),
        ("'id' must be", "at most 200 characters"),
    ),
    ("op a list", line_with(op=["complete"]), ("'op' must be a string, not a list",)),
    ("op missing", line_with(text="a"), ("no 'op'",)),
    ("op of 100,000 characters", line_with(op="z" * 100_000), ("unknown op",)),
    ("a list", b"[1, 2]", ("must be a JSON object, not a list",)),
    ("null", b"null", ("must be a JSON object, not null",)),
    ("malformed", b'{"id": 7, "op": ', ("malformed JSON",)),
    (
        "lone surrogate",
        b'{"id": 7, "op": "complete", "text": "a\\ud800b"}',
        ("'text' is not valid text", "surrogate"),
    ),
    ("surrogate key", b'{"id": 7, "op": "complete", "text": "a", "\\udc80": 1}', ("field name",)),
    ("surrogate stop", line_with(op="complete", text="a", stop=["\ud800"]), ("'stop[0]'",)),
    (
        "1 MB authors_note",
        line_with(op="continue", text="a", authors_note="n" * 1_000_000),
        ("'authors_note' has 1,000,000 characters; the most is 20,000",),
    ),
    (
        "1.5 M characters to complete",
        line_with(op="complete", text="a" * 1_500_000),
        ("'text' has 1,500,000 characters; the most is 1,000,000",),
    ),
    (
        "5,000 words to rewrite",
        line_with(op="rewrite", text="word " * 5000),
        ("'text' has 5,000 words", "at most 4,096"),
    ),
    ("long stop", line_with(op="complete", text="a", stop=["s" * 300]), ("'stop'", "200")),
    ("many stops", line_with(op="complete", text="a", stop=["s"] * 30), ("at most 16 stop",)),
    (
        "two million brackets",
        b"[" + b"[]," * 1_200_000 + b"[]]",
        ("1,200,002 '[' and '{' characters", "the most is 524,288"),
    ),
    ("task a list", line_with(op="context", story="/", task=[1]), ("'task' must be",)),
    (
        "text and story",
        line_with(op="suggest", text="Once", story="/"),
        ("both 'text' and 'story'",),
    ),
    ("story a number", line_with(op="context", story=5), ("'story' must be the path",)),
    ("story missing", line_with(op="context"), ("'story' must be the path",)),
    ("story /etc/passwd", line_with(op="context", story="/etc/passwd"), ("is not an Inkling",)),
    ("story /dev/zero", line_with(op="suggest", story="/dev/zero"), ("(it is a device",)),
    ("story NUL", line_with(op="continue", story="a\x00b"), ("NUL character",)),
    ("story 5,000 characters", line_with(op="context", story="s" * 5000), ("at most 4,096",)),
    ("adapter /dev/zero", line_with(op="adapter", path="/dev/zero"), ("not an adapter file",)),
]


@pytest.mark.parametrize(
    ("line", "expected"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE]
)
def test_a_hostile_line_gets_an_error_and_the_server_lives_on(
    served: Served, canary: Canary, line: bytes, expected: tuple[str, ...]
) -> None:
    error = refused(served, canary, line)
    for part in expected:
        assert part in error
    assert len(error) < 400  # one clear message, not an echo of the line


def test_a_fifo_as_the_story_is_refused_without_opening_it(
    served: Served, canary: Canary, tmp_path: Path
) -> None:
    fifo = tmp_path / "Story.inkling"
    os.mkfifo(fifo)
    error = refused(served, canary, line_with(op="context", story=str(fifo)))
    assert "is not an Inkling story (it is a pipe, not a folder)" in error


def test_a_missing_story_is_named(served: Served, canary: Canary, tmp_path: Path) -> None:
    error = refused(served, canary, line_with(op="context", story=str(tmp_path / "Nope.inkling")))
    assert "Nope.inkling" in error and "not an Inkling story" in error


def test_blank_lines_a_bom_and_crlf_are_fine(served: Served, canary: Canary) -> None:
    served.send(b"")
    served.send(b"  \t ")
    good = served.ask(b"\xef\xbb\xbf" + json.dumps(GOOD).encode() + b"\r")
    assert good["id"] == "good" and "text" in good
    canary.check()


def test_a_100_mb_line_is_skipped_not_read_whole(served: Served, canary: Canary) -> None:
    note = b"n" * (100 * 1024 * 1024)
    line = b'{"id": 1, "op": "continue", "text": "Once", "authors_note": "' + note + b'"}'
    error = refused(served, canary, line)
    assert f"has {len(line):,} bytes" in error and "the most a line may hold is" in error
    garbage = bytes(range(256)).replace(b"\n", b"") * (80 * 1024)  # 20 MB, no JSON at all
    error = refused(served, canary, garbage)
    assert f"has {len(garbage):,} bytes" in error
    assert served.peak_memory() < MEMORY_LIMIT


def test_a_line_just_under_the_limit_is_parsed(served: Served, canary: Canary) -> None:
    # A whole line at the limit is read and answered for its field, not for its size.
    head = b'{"id": 2, "op": "complete", "text": "'
    line = head + b"a" * (MAX_LINE_BYTES - len(head) - 2) + b'"}'
    assert len(line) == MAX_LINE_BYTES
    error = refused(served, canary, line)
    assert "'text' has" in error and "the most is 1,000,000" in error
    # Millions of two-letter strings: the most Python objects a line can spell.
    many = b",".join([b'"ab"'] * ((MAX_LINE_BYTES - 100) // 5))
    error = refused(
        served, canary, b'{"id": 3, "op": "complete", "text": "a", "stop": [' + many + b"]}"
    )
    assert "at most 16 stop strings" in error
    assert served.peak_memory() < MEMORY_LIMIT


# --- a hostile project named by "story" -----------------------------------------------


def hostile_project(tmp_path: Path, binder: str) -> Path:
    """A real project at tmp_path/Story.inkling, then its binder.toml replaced."""
    story = new_story(tmp_path / "Story.inkling", "The lighthouse keeper climbed the stairs.")
    save_story(story)
    (story.folder / "binder.toml").write_text(binder, encoding="utf-8")
    (story.folder / "binder.toml.bak").unlink(missing_ok=True)
    return story.folder


def scene_binder(scene_id: str) -> str:
    return (
        'format = 2\n[[chapters]]\nid = "c1"\ntitle = "Chapter 1"\n'
        f'[[chapters.scenes]]\nid = {json.dumps(scene_id)}\ntitle = "Stolen"\n'
    )


def story_requests(folder: Path) -> list[dict[str, Any]]:
    place = {"story": str(folder), "chapter": 1, "scene": 1}
    return [
        {"id": "ctx", "op": "context", **place, "task": "continue"},
        {"id": "ctx-s", "op": "context", **place, "task": "suggest"},
        {"id": "sug", "op": "suggest", **place, "max_tokens": 2},
    ]


@pytest.mark.parametrize(
    "scene_id",
    ["../../notes/ideas", "../../notes/notes", "{canary}/ideas", "scenes/../../../notes/ideas"],
)
def test_a_scene_id_leading_outside_never_reaches_a_reply(
    served: Served, canary: Canary, tmp_path: Path, scene_id: str
) -> None:
    folder = hostile_project(tmp_path, scene_binder(scene_id.format(canary=canary.path)))
    for request in story_requests(folder):
        reply = served.ask(request)
        assert reply["id"] == request["id"]
        assert "That scene could not be read" in reply["error"]
        shown = json.dumps(reply, ensure_ascii=False)
        assert not any(text in shown for text in canary.texts()), reply
        served.still_serves()
    canary.check()


def test_special_files_in_a_project_are_not_read(
    served: Served, canary: Canary, tmp_path: Path
) -> None:
    folder = hostile_project(tmp_path, scene_binder("s1"))
    (folder / "story.toml").unlink()
    (folder / "story.toml").symlink_to("/dev/zero")
    scenes = folder / "scenes"
    for f in scenes.iterdir():
        f.unlink()
    os.mkfifo(scenes / "s1.md")
    for request in story_requests(folder):
        reply = served.ask(request)
        assert reply["id"] == request["id"]
        assert "That scene could not be read" in reply["error"]
        assert not any(text in json.dumps(reply) for text in canary.texts())
    served.still_serves()
    canary.check()


def test_scenes_linked_to_the_canary_are_not_read(
    served: Served, canary: Canary, tmp_path: Path
) -> None:
    folder = hostile_project(tmp_path, scene_binder("ideas"))
    scenes = folder / "scenes"
    for f in scenes.iterdir():
        f.unlink()
    scenes.rmdir()
    scenes.symlink_to(canary.path, target_is_directory=True)
    for request in story_requests(folder):
        reply = served.ask(request)
        assert "That scene could not be read" in reply["error"]
        assert not any(text in json.dumps(reply) for text in canary.texts()), reply
    served.still_serves()
    canary.check()


# --- in process -----------------------------------------------------------------------


def test_request_lines_skip_a_long_line_a_chunk_at_a_time() -> None:
    data = b"short\n" + b"x" * 50 + b"\n" + b"exactly10!\n" + b"tail"
    lines = list(request_lines(io.BytesIO(data), limit=10))
    assert lines == [b"short\n", LongLine(50), b"exactly10!\n", b"tail"]
    text = io.TextIOWrapper(io.BytesIO(b"ok\n\xff\n"), encoding="utf-8")
    assert list(request_lines(text)) == [b"ok\n", b"\xff\n"]  # read as bytes: no decode error


@given(
    st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=8),
    st.integers(1, 20),
)
def test_request_lines_keep_every_line_or_its_size(lines: list[bytes], limit: int) -> None:
    data = b"".join(line + b"\n" for line in lines)
    out = list(request_lines(io.BytesIO(data), limit=limit))
    assert len(out) == len(lines)
    for got, line in zip(out, lines, strict=True):
        assert got == (line + b"\n" if len(line) <= limit else LongLine(len(line)))


def test_serve_stdio_answers_bad_bytes_and_goes_on() -> None:
    stdin = io.TextIOWrapper(
        io.BytesIO(b'{"id": 1, "op": "complete", "text": "\xff"}\n' + json.dumps(GOOD).encode())
    )
    stdout = io.StringIO()
    serve_stdio(ENGINE, "fake", stdin, stdout)
    lines = [json.loads(x) for x in stdout.getvalue().splitlines()]
    assert "not UTF-8" in lines[1]["error"]
    assert lines[2]["id"] == "good" and isinstance(lines[2]["text"], str)


def test_handle_line_takes_text_read_with_surrogateescape() -> None:
    line = b'{"id": 1, "op": "complete", "text": "\xff"}'.decode("utf-8", "surrogateescape")
    reply = handle_line(ENGINE, line)
    assert "not UTF-8" in reply["error"]


KEYS = [
    *("id", "op", "text", "story", "cursor", "alternatives", "max_tokens", "heal", "style"),
    *("seed", "premise", "genre", "locked", "authors_note", "task", "temperature", "top_p"),
    *("top_k", "min_p", "repeat_penalty", "stop", "chapter", "scene", "path", "scale"),
]
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(["first", "present", "sentence", "continue", "suggest", "/", "/dev/zero"])
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
REQUESTS = st.dictionaries(st.sampled_from(KEYS), JSON, max_size=8).flatmap(
    lambda extra: st.fixed_dictionaries({"op": st.sampled_from(sorted(OPS)) | JSON}).map(
        lambda op: {**extra, **op}
    )
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(request=REQUESTS | JSON)
def test_handle_line_always_answers(request: Any) -> None:
    # NaN and Infinity in the values are written as Python writes them (bare NaN).
    reply = handle_line(ENGINE, json.dumps(request))
    assert isinstance(reply, dict) and "id" in reply
    json.dumps(reply, allow_nan=False).encode("utf-8")  # a valid JSON line, always
    if "error" in reply:
        assert isinstance(reply["error"], str) and reply["error"] and len(reply["error"]) < 400


@settings(max_examples=200, deadline=None)
@given(line=st.binary(max_size=200) | st.text(max_size=200))
def test_handle_line_answers_any_bytes(line: bytes | str) -> None:
    reply = handle_line(ENGINE, line)
    assert isinstance(reply, dict) and "id" in reply
    json.dumps(reply, allow_nan=False).encode("utf-8")
