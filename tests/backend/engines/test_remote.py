"""The remote engine against llama-cpp-python's real server on 127.0.0.1 (bundled model)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from backend.engines.base import EngineError
from backend.engines.params import SamplerParams
from backend.engines.remote import RemoteEngine
from backend.jobs.character import generate_entry
from backend.jobs.complete import continue_text
from backend.jobs.styled import styled_stream
from backend.jobs.suggest import SuggestOptions, suggest
from backend.serve import handle_line
from backend.story.bible import BACKGROUND_FIELDS, CHARACTER_FIELDS
from backend.story.sheet_rules import invalid_fields
from backend.story.style.detect import detect_person
from backend.story.style.model import Style

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[3]
GREEDY = SamplerParams(temperature=0.0, max_tokens=8, repeat_penalty=1.0)


def test_streams_like_the_local_engine(remote_engine, llama_engine) -> None:
    prompt = "Monday, Tuesday, Wednesday,"
    chunks = list(remote_engine.stream(prompt, GREEDY))
    assert len(chunks) > 2  # streamed piece by piece, not in one block
    assert "Thursday" in "".join(chunks)
    assert remote_engine.tokenize(" Thursday") == llama_engine.tokenize(" Thursday")


def test_logit_bias_reaches_the_server(remote_engine) -> None:
    banned = remote_engine.tokenize(" Thursday")
    params = GREEDY.with_(logit_bias=tuple((t, -100.0) for t in banned))
    assert "Thursday" not in "".join(remote_engine.stream("Monday, Tuesday, Wednesday,", params))


def test_cancel_closes_the_stream_and_the_server_stays_usable(remote_engine) -> None:
    cancel = threading.Event()
    got = []
    for chunk in remote_engine.stream(
        "Once upon a time", SamplerParams(max_tokens=300, seed=1), cancel
    ):
        got.append(chunk)
        cancel.set()
    assert len(got) == 1 and remote_engine._active is None  # the connection is closed
    # The server answers the next request (no wall-clock bound: on a loaded machine the
    # server's own pace decides how soon).
    assert "".join(remote_engine.stream("Monday, Tuesday,", GREEDY))


def test_every_writing_feature_works_through_the_server(remote_engine) -> None:
    text = "The old man walked slowly into the "
    found, _ms = suggest(remote_engine, text, len(text), SuggestOptions())
    assert found and not found[0].startswith(" ")  # the trailing space is not doubled
    cont = "".join(
        continue_text(remote_engine, "It was a dark night. ", GREEDY.with_(max_tokens=12))
    )
    assert cont.strip()
    styled = "".join(
        styled_stream(
            remote_engine,
            "The rain had not stopped. ",
            Style(pov="first", length="sentence"),
            seed=2,
        )
    )
    # The sentence check runs through the server too (one request per try at a sentence).
    assert styled.strip() and len(styled.split()) < 60 and detect_person(styled) == "first"
    premise = "A lighthouse keeper finds a stranded girl with a red umbrella."
    sheet = generate_entry(remote_engine, "character", premise, "mystery", seed=1)
    assert list(sheet) == list(CHARACTER_FIELDS)
    assert sheet["Age"].isdigit()  # the grammar held it to digits on the server
    assert invalid_fields(sheet, "character") == {}, sheet
    place = generate_entry(remote_engine, "background", premise, "mystery", seed=1)
    assert list(place) == list(BACKGROUND_FIELDS) and place["Description"]


def test_wrong_key_dead_server_and_silent_server_are_clear(llama_server) -> None:
    url, _key = llama_server
    with pytest.raises(EngineError, match="API key"):
        RemoteEngine(url, api_key="wrong").load()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    with pytest.raises(EngineError, match="refused"):
        RemoteEngine(f"http://127.0.0.1:{dead}", retries=1).load()
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    try:
        engine = RemoteEngine(f"http://127.0.0.1:{silent.getsockname()[1]}", timeout=0.5, retries=0)
        with pytest.raises(EngineError, match="did not answer"):
            engine.load()
    finally:
        silent.close()
    with pytest.raises(EngineError, match="no model"):
        RemoteEngine(url, model="no-such-model", api_key=_key).load()


def test_headless_commands_take_a_server(llama_server, isolated_home) -> None:
    url, key = llama_server
    env = {"INKLING_API_KEY": key, "PATH": "/usr/bin:/bin", "INKLING_HOME": str(isolated_home)}
    out = subprocess.run(
        [sys.executable, "main.py", "complete", "Monday, Tuesday,", "--engine", "remote",
         "--url", url, "--temperature", "0", "--max-tokens", "6"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "Wednesday" in out.stdout
    lines = "\n".join(
        json.dumps(x)
        for x in (
            {
                "id": 1,
                "op": "continue",
                "text": "She opened the door. ",
                "style": {"length": "sentence"},
            },
            {"id": 2, "op": "suggest", "text": "The cat sat on the ", "cursor": 19},
        )
    )
    served = subprocess.run(
        [sys.executable, "main.py", "serve", "--stdio", "--engine", "remote", "--url", url],
        cwd=ROOT, input=lines + "\n", capture_output=True, text=True, timeout=180, env=env,
    )  # fmt: skip
    replies = [json.loads(x) for x in served.stdout.splitlines()]
    assert replies[0]["event"] == "ready"
    assert replies[1]["id"] == 1 and replies[1]["text"].strip()
    assert replies[2]["id"] == 2 and "suggestions" in replies[2]
    bad = subprocess.run(
        [sys.executable, "main.py", "complete", "x", "--engine", "remote"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    assert bad.returncode != 0 and "--url" in bad.stderr


def test_handle_line_works_on_the_remote_engine(remote_engine) -> None:
    reply = handle_line(
        remote_engine, json.dumps({"id": 9, "op": "complete", "text": "Hello", "max_tokens": 4})
    )
    assert reply["id"] == 9 and "text" in reply
