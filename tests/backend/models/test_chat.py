"""Instruct models through their own chat template (SmolLM2 135M Instruct, for real), and
base models left with plain prompts."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import pytest

from backend.engines.params import SamplerParams
from backend.jobs.character import generate_entry
from backend.models.chat import ChatError, ChatTemplate, chat_template, read_chat_template
from backend.models.spec import create_engine, spec_for_path
from backend.story.sheet_rules import invalid_fields


@pytest.fixture(scope="module")
def smollm_engine(smollm_gguf: Path):
    engine = create_engine(spec_for_path(smollm_gguf))
    engine.load()
    yield engine
    engine.close()


def test_the_template_is_read_with_its_special_tokens(smollm_gguf: Path) -> None:
    chat = read_chat_template(smollm_gguf)
    assert chat is not None and not chat.thinks
    assert chat.specials == {"<|im_start|>": 1, "<|im_end|>": 2}
    text = chat.render([{"role": "user", "content": "Hello"}])
    assert text.endswith("<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n")


def test_special_tokens_reach_the_model_as_single_ids(smollm_engine) -> None:
    chat = chat_template(smollm_engine)
    assert chat is not None
    ids = chat.encode(smollm_engine, [{"role": "user", "content": "Hello"}], "Name:")
    assert ids[0] == 1 and ids.count(1) == 3 and ids.count(2) == 2
    assert ids[-len(smollm_engine.tokenize("Name:")) :] == smollm_engine.tokenize("Name:")


def test_a_base_model_keeps_plain_prompts(bundled_gguf: Path) -> None:
    assert read_chat_template(bundled_gguf) is None
    spec = spec_for_path(bundled_gguf)
    assert not spec.chat
    assert chat_template(create_engine(spec)) is None


def test_thinking_is_switched_off_where_the_template_has_the_switch() -> None:
    template = (
        "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n"
        "{% endfor %}<|im_start|>assistant\n"
        "{% if enable_thinking is defined and enable_thinking is false %}"
        "<think>\n\n</think>\n\n{% endif %}"
    )
    chat = ChatTemplate(template, "", "<|im_end|>")
    assert chat.thinks
    assert chat.render([{"role": "user", "content": "x"}]).endswith("<think>\n\n</think>\n\n")


def test_a_hostile_template_is_refused_not_run() -> None:
    chat = ChatTemplate("{{ ''.__class__.__mro__[1].__subclasses__() }}", "", "")
    with pytest.raises(ChatError):
        chat.render([{"role": "user", "content": "x"}])
    looping = ChatTemplate("{% for i in range(10**9) %}x{% endfor %}", "", "")
    with pytest.raises(ChatError):
        looping.render([{"role": "user", "content": "x"}])


def test_a_sheet_through_the_template_with_guided_age(smollm_engine) -> None:
    sheet = generate_entry(
        smollm_engine, "character", "A lighthouse keeper finds a stranded girl.", "mystery",
        seed=3,
    )  # fmt: skip
    assert sheet["Age"].isdigit() and 1 <= int(sheet["Age"]) <= 99
    assert sheet["Name"] and "<|im" not in "".join(sheet.values())
    assert "Age" not in invalid_fields(sheet, "character")


def test_a_continuation_on_the_instruct_model(smollm_engine) -> None:
    chat = chat_template(smollm_engine)
    assert chat is not None
    ids = chat.encode(
        smollm_engine,
        [{"role": "user", "content": "Continue the story."}],
        "The rain had not stopped since morning, and",
    )
    params = SamplerParams(temperature=0.0, max_tokens=24, seed=1)
    text = "".join(smollm_engine.stream(ids, params, threading.Event()))
    assert len(text.split()) >= 4 and "<|im_end|>" not in text


def test_an_engine_without_a_model_file_has_no_template() -> None:
    @dataclasses.dataclass
    class Stub:  # unhashable, as a dataclass with eq is
        name: str = "stub"

    class Plain:
        name = "plain"

    assert chat_template(Stub()) is None  # type: ignore[arg-type]
    assert chat_template(Plain()) is None  # type: ignore[arg-type]
