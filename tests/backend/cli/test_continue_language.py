"""A continuation of given text, headless, is written in the text's language (as the
window's are): Chinese text gets the Chinese pack's header, lengths and voice check."""

from __future__ import annotations

import argparse
import json
from typing import Any

import pytest

import backend.cli.write as write
import backend.serve as serve
from backend.story.style.model import Style
from tests.fakes import FakeEngine

CHINESE = "我冒了严寒，回到相隔二千余里，别了二十余年的故乡去。\n时候既然是深冬。"


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The keyword arguments each styled continuation was asked with."""
    calls: list[dict[str, Any]] = []

    def styled_stream(_engine: Any, _text: str, *_args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return iter(["。"])

    monkeypatch.setattr(write, "styled_stream", styled_stream)
    monkeypatch.setattr(serve, "styled_stream", styled_stream)
    return calls


def test_the_continue_command_continues_chinese_in_chinese(asked) -> None:
    args = argparse.Namespace(text=CHINESE, seed=2)
    "".join(write._continued(args, FakeEngine(), Style(pov="third_limited"), None))
    "".join(
        write._continued(
            argparse.Namespace(text="It was late.", seed=2), FakeEngine(), Style(), None
        )
    )
    assert [c.get("lang") for c in asked] == ["zh", "en"]


def test_the_serve_continue_op_continues_chinese_in_chinese(asked) -> None:
    line = json.dumps({"id": 1, "op": "continue", "text": CHINESE, "style": {"pov": "first"}})
    reply = serve.handle_line(FakeEngine(), line)
    assert "error" not in reply and [c.get("lang") for c in asked] == ["zh"]
