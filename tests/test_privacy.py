"""Privacy: a whole writing session with the bundled model opens no socket at all."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def _strace_works() -> bool:
    if shutil.which("strace") is None:
        return False
    probe = subprocess.run(["strace", "-f", "-o", os.devnull, "true"], capture_output=True)
    return probe.returncode == 0


def test_a_full_session_opens_no_socket(tmp_path: Path) -> None:
    home, story = tmp_path / "home", tmp_path / "story.txt"
    cmd = [sys.executable, str(ROOT / "tests" / "privacy_session.py"), str(home), str(story)]
    trace = tmp_path / "strace.txt"
    traced = _strace_works()
    if traced:
        # Native code too (llama.cpp, Qt): every socket() and connect() system call.
        cmd = ["strace", "-f", "-e", "trace=socket,connect", "-o", str(trace), *cmd]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "INKLING_HOME": str(home)}
    env.pop("HF_ENDPOINT", None)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert all(result["steps"].values()), result["steps"]  # the session really happened
    assert result["sockets"] == []
    if traced:
        calls = [
            line
            for line in trace.read_text().splitlines()
            if "socket(" in line or "connect(" in line
        ]
        assert calls == []


def test_the_trace_would_see_a_socket(tmp_path: Path) -> None:
    if not _strace_works():
        pytest.skip("strace is not available here; the audit hook still checks Python code")
    trace = tmp_path / "strace.txt"
    code = "import socket; socket.socket().close()"
    subprocess.run(
        [
            "strace",
            "-f",
            "-e",
            "trace=socket,connect",
            "-o",
            str(trace),
            sys.executable,
            "-c",
            code,
        ],
        check=True,
    )
    assert any("socket(AF_INET" in line for line in trace.read_text().splitlines())
