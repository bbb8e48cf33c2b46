"""Voice adapters headless: --adapter on complete, continue and serve; the live `adapter` op."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backend.engines.adapter_file import write_adapter
from backend.serve import handle_line
from tests.backend.engines.test_adapter_file import meta_for, random_pairs
from tests.backend.test_serve import run_main

COMPLETE = {"op": "complete", "text": "The old lighthouse keeper", "max_tokens": 10,
            "seed": 1, "temperature": 0}  # fmt: skip


@pytest.fixture(scope="module")
def voice(bundled_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    pairs = random_pairs(bundled_gguf, seed=11)
    path = tmp_path_factory.mktemp("voice") / "voice.gguf"
    write_adapter(path, pairs, meta_for(bundled_gguf, pairs))
    return path


def _ask(engine, request: dict) -> dict:
    return handle_line(engine, json.dumps(request))


def test_the_adapter_op_switches_live_and_back(llama_engine, voice: Path) -> None:
    plain = _ask(llama_engine, COMPLETE)["text"]
    try:
        on = _ask(llama_engine, {"id": 1, "op": "adapter", "path": str(voice), "scale": 1.0})
        assert on["adapter"] == str(voice.resolve()) and on["scale"] == 1.0
        changed = _ask(llama_engine, COMPLETE)["text"]
    finally:
        off = _ask(llama_engine, {"id": 2, "op": "adapter", "path": None})
    assert off["adapter"] is None
    assert changed != plain and _ask(llama_engine, COMPLETE)["text"] == plain


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        ({"path": 5}, "'path'"),
        ({"path": "x.gguf", "scale": "loud"}, "'scale' must be a number"),
        ({"path": "x.gguf", "scale": 7}, "between 0 and 2"),
        ({"path": "/nowhere/x.gguf"}, "does not exist"),
    ],
)
def test_bad_adapter_requests_get_errors(llama_engine, request_: dict, message: str) -> None:
    reply = _ask(llama_engine, {"id": 3, "op": "adapter", **request_})
    assert message in reply["error"] and llama_engine.adapter is None


def test_a_server_engine_has_no_adapters(remote_engine, voice: Path) -> None:
    reply = _ask(remote_engine, {"id": 4, "op": "adapter", "path": str(voice)})
    assert "not available through a server" in reply["error"]


def test_complete_continue_and_serve_take_an_adapter(bundled_gguf: Path, voice: Path) -> None:
    base = ("--model", str(bundled_gguf), "--ignore-settings")
    greedy = ("--max-tokens", "10", "--temperature", "0", "--seed", "1")
    plain = run_main("complete", "The old lighthouse keeper", *base, *greedy)
    with_voice = run_main("complete", "The old lighthouse keeper", *base, *greedy,
                          "--adapter", str(voice), "--adapter-scale", "1.5")  # fmt: skip
    assert plain.returncode == 0 and with_voice.returncode == 0, with_voice.stderr
    assert plain.stdout != with_voice.stdout
    styled = run_main("continue", "The old lighthouse keeper", *base, "--length", "sentence",
                      "--adapter", str(voice))  # fmt: skip
    assert styled.returncode == 0 and styled.stdout.strip(), styled.stderr
    request = json.dumps({"id": 1, **COMPLETE}) + "\n"
    served = run_main("serve", "--stdio", *base, "--adapter", str(voice), stdin=request)
    lines = [json.loads(x) for x in served.stdout.splitlines()]
    assert lines[0]["event"] == "ready" and lines[1]["text"]
    assert lines[1]["text"] != plain.stdout.removesuffix("\n")


def test_a_foreign_adapter_is_refused_on_the_command_line(smollm_gguf: Path, voice: Path) -> None:
    out = run_main("complete", "Hello", "--model", str(smollm_gguf), "--adapter", str(voice))
    assert out.returncode == 2 and "made for a gemma3 model" in out.stderr
