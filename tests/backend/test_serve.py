"""The headless commands: `complete` and the JSON-lines server, in-process and as processes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from backend.serve import handle_line, serve_stdio

ROOT = Path(__file__).resolve().parents[2]


def test_complete_op_and_errors_in_process(tiny_gpt2_engine) -> None:
    reply = handle_line(
        tiny_gpt2_engine,
        json.dumps({"id": 1, "op": "complete", "text": "Alice", "max_tokens": 8, "seed": 1}),
    )
    assert reply["id"] == 1 and isinstance(reply["text"], str) and reply["text"]
    again = handle_line(
        tiny_gpt2_engine,
        json.dumps({"id": 2, "op": "complete", "text": "Alice", "max_tokens": 8, "seed": 1}),
    )
    assert again["text"] == reply["text"], "same seed, same text"
    assert "malformed" in handle_line(tiny_gpt2_engine, "{nope")["error"]
    assert "unknown op" in handle_line(tiny_gpt2_engine, '{"id": 3, "op": "dance"}')["error"]
    bad = handle_line(tiny_gpt2_engine, '{"id": 4, "op": "complete", "text": 5}')
    assert bad["id"] == 4 and "text" in bad["error"]
    absurd = handle_line(
        tiny_gpt2_engine, '{"id": 5, "op": "complete", "text": "a", "temperature": -2}'
    )
    assert "temperature" in absurd["error"]


def test_serve_loop_keeps_running_after_errors(tiny_gpt2_engine) -> None:
    stdin = io.StringIO(
        "not json\n\n"
        + json.dumps({"id": 9, "op": "complete", "text": "The", "max_tokens": 4})
        + "\n"
    )
    stdout = io.StringIO()
    serve_stdio(tiny_gpt2_engine, "tiny", stdin, stdout)
    lines = [json.loads(x) for x in stdout.getvalue().splitlines()]
    assert lines[0] == {"event": "ready", "model": "tiny"}
    assert "error" in lines[1]
    assert lines[2]["id"] == 9 and "text" in lines[2]


def run_main(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "main.py", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_cli_complete_with_a_transformers_folder(tiny_gpt2_dir: Path, tmp_path: Path) -> None:
    out = run_main(
        "complete",
        "Alice was",
        "--model",
        str(tiny_gpt2_dir),
        "--max-tokens",
        "6",
        "--seed",
        "3",
        "--config",
        str(tmp_path),
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip()


def test_cli_reports_bad_model_and_bad_params(tmp_path: Path) -> None:
    bogus = tmp_path / "x.gguf"
    bogus.write_bytes(b"hello world, not a model at all")
    out = run_main("complete", "hi", "--model", str(bogus))
    assert out.returncode == 2 and "not a GGUF" in out.stderr
    out = run_main("complete", "hi", "--model", str(bogus), "--temperature", "-3")
    assert out.returncode == 2 and "temperature" in out.stderr


def test_serve_stdio_process_with_the_bundled_model(bundled_gguf: Path) -> None:
    requests = [
        {"id": 1, "op": "complete", "text": "Once upon a time", "max_tokens": 8, "seed": 1},
        "garbage",
        {"id": 2, "op": "complete", "text": "Once upon a time", "max_tokens": 8, "seed": 1},
    ]
    stdin = "".join((json.dumps(r) if isinstance(r, dict) else r) + "\n" for r in requests)
    out = run_main("serve", "--stdio", "--model", str(bundled_gguf), stdin=stdin)
    assert out.returncode == 0, out.stderr
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert lines[0]["event"] == "ready"
    assert lines[1]["id"] == 1 and lines[1]["text"]
    assert "error" in lines[2]
    assert lines[3]["text"] == lines[1]["text"]


def test_rewrite_op_in_process(tiny_gpt2_engine) -> None:
    request = {"id": 7, "op": "rewrite", "text": "The cat sat on the mat.", "seed": 2}
    reply = handle_line(tiny_gpt2_engine, json.dumps(request))
    assert reply["id"] == 7 and isinstance(reply["text"], str) and "ms" in reply
    empty = handle_line(tiny_gpt2_engine, json.dumps({"id": 8, "op": "rewrite", "text": " "}))
    assert "passage" in empty["error"]
    bad = handle_line(
        tiny_gpt2_engine, json.dumps({"id": 9, "op": "rewrite", "text": "x", "style": {"pov": 3}})
    )
    assert bad["id"] == 9 and "pov" in bad["error"]


def test_serve_uses_the_defaults_it_is_given(tiny_gpt2_engine) -> None:
    from backend.engines.params import SamplerParams

    line = json.dumps({"id": 1, "op": "complete", "text": "Alice", "max_tokens": 6})
    greedy = SamplerParams(temperature=0.0)
    a = handle_line(tiny_gpt2_engine, line, greedy)["text"]
    b = handle_line(tiny_gpt2_engine, line, greedy)["text"]
    assert a == b  # no seed, yet the same: the defaults said greedy


def test_cli_rewrite_command(tiny_gpt2_dir: Path, tmp_path: Path) -> None:
    out = run_main(
        "rewrite",
        "The cat sat on the mat.",
        "--pov",
        "first",
        "--model",
        str(tiny_gpt2_dir),
        "--config",
        str(tmp_path),
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.endswith("\n")


def test_headless_commands_use_the_writers_settings(tiny_gpt2_dir: Path, tmp_path: Path) -> None:
    # The writer chose the tiny GPT-2 in Preferences and greedy sampling; `complete` uses
    # both, and --ignore-settings goes back to the bundled model.
    from backend.storage.paths import app_paths
    from backend.storage.settings import Settings, SettingsStore

    paths = app_paths(tmp_path)
    settings = Settings()
    settings.model.path = str(tiny_gpt2_dir)
    settings.sampler.temperature = 0.0
    SettingsStore(paths).save(settings)
    args = ("complete", "Alice was", "--max-tokens", "6", "--config", str(tmp_path), "-v")
    first, second = run_main(*args), run_main(*args)
    assert first.returncode == 0, first.stderr
    assert "with transformers" in first.stderr
    assert first.stdout == second.stdout and first.stdout.strip()
    bundled = run_main(*args, "--ignore-settings")
    assert bundled.returncode == 0, bundled.stderr
    assert "with llama.cpp" in bundled.stderr
