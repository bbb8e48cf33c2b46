"""Styled continuations and rewrites on an instruct model go through its chat template
(SmolLM2 135M Instruct, for real); the bundled base model keeps today's plain prompt."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backend.jobs.healing import heal_prompt
from backend.jobs.rewrite import rewrite_stream
from backend.jobs.styled import (
    ChatFrame,
    StoryContext,
    build_prompts,
    styled_prompt,
    styled_stream,
)
from backend.models.spec import create_engine, spec_for_path
from backend.story.style.model import Style

STYLE = Style(genre="mystery", tone="wry", pov="first", tense="past", notes="short sentences")
STORY = StoryContext(
    premise="A lighthouse keeper finds a stranded girl.",
    authors_note="the storm is getting worse",
    lore="Mara: the keeper, fifty, never leaves the island.\n",
)
TEXT = "The lamp had gone out in the night.\n\nMara climbed the stairs and"
# What a base model has always been sent for STYLE, STORY and TEXT.
BASE_PROMPT = (
    "Genre: mystery\n"
    "Tone: wry\n"
    "Narration: first person (I, me, my), past tense\n"
    "Style notes: short sentences\n"
    "Premise: A lighthouse keeper finds a stranded girl.\n"
    "Sample of the narration: I pushed the door open and stepped inside. The room smelled "
    "of rain, and I knew at once that I was not alone.\n\n"
    "Mara: the keeper, fifty, never leaves the island.\n"
    "[Author's note: the storm is getting worse]\n\n"
    "The lamp had gone out in the night.\n\nMara climbed the stairs and"
)
PREAMBLE = re.compile(r"^\W*(sure|certainly|of course|here('s| is))|<\|im_|assistant", re.I)


@pytest.fixture(scope="module")
def smollm_engine(smollm_gguf: Path):
    engine = create_engine(spec_for_path(smollm_gguf))
    engine.load()
    yield engine
    engine.close()


def text_of(engine, tokens) -> str:
    """Token ids back to text, special tokens spelled out."""
    pieces = engine.vocabulary.pieces
    special = {1: "<|im_start|>", 2: "<|im_end|>"}
    return "".join(special.get(t) or pieces[t].decode("utf-8", "replace") for t in tokens)


def test_the_bundled_models_styled_prompt_is_unchanged(llama_engine) -> None:
    styled, plain = build_prompts(TEXT, STYLE, STORY)
    assert styled == BASE_PROMPT
    assert plain == BASE_PROMPT[BASE_PROMPT.index("Mara: the keeper") :]
    prompt = styled_prompt(llama_engine, TEXT, STYLE, STORY)
    assert not prompt.chat
    assert prompt.healed == heal_prompt(llama_engine, BASE_PROMPT)
    assert prompt.guide(llama_engine) == tuple(heal_prompt(llama_engine, plain).tokens)
    # A rewrite's frame is for instruct models only.
    framed = styled_prompt(llama_engine, TEXT, STYLE, STORY, frame=ChatFrame(passage="x"))
    assert framed.healed == prompt.healed


def test_the_style_goes_in_the_writers_turn_and_the_text_starts_the_reply(smollm_engine) -> None:
    prompt = styled_prompt(smollm_engine, TEXT, STYLE, STORY)
    assert prompt.chat
    healed = prompt.healed
    assert healed.required_text and TEXT.endswith(healed.required_text)
    text = text_of(smollm_engine, healed.tokens)
    user, _, reply = text.rpartition("<|im_start|>assistant\n")
    assert "<|im_start|>user\nContinue the manuscript." in user
    for line in ("Narration: first person (I, me, my), past tense", "Premise: A lighthouse",
                 "Sample of the narration: I pushed", "Mara: the keeper, fifty",
                 "Author's note: the storm is getting worse"):  # fmt: skip
        assert line in user
    assert "[Author's note" not in text  # a note for the model, not part of the manuscript
    # The healed tail sits at the very end of the reply, which is the manuscript itself.
    assert reply + healed.required_text == TEXT
    assert reply.startswith("The lamp")
    # Guidance is against the same conversation without the style: same request, notes, reply.
    guide = prompt.guide(smollm_engine)
    assert guide is not None
    plain = text_of(smollm_engine, guide)
    assert "Narration:" not in plain and "Premise:" not in plain
    assert "Continue the manuscript." in plain and "Mara: the keeper, fifty" in plain
    assert plain.endswith("<|im_start|>assistant\n" + reply)


def test_a_rewrite_gives_the_passage_in_the_writers_turn(smollm_engine) -> None:
    passage = "She walked to the window. The sea was grey."
    prompt = styled_prompt(
        smollm_engine,
        "ignored on an instruct model",
        STYLE,
        StoryContext(),
        frame=ChatFrame(passage),
    )
    text = text_of(smollm_engine, prompt.healed.tokens)
    assert text.endswith(f"The passage:\n{passage}<|im_end|>\n<|im_start|>assistant\n")
    assert "Rewrite the passage below." in text and "ignored" not in text
    assert prompt.healed.required == b""


def test_a_first_person_continuation_on_the_instruct_model(smollm_engine) -> None:
    style = Style(pov="first", tense="past", length="sentence")
    opening = "The rain had not stopped for three days when Martha finally opened the letter. "
    texts = ["".join(styled_stream(smollm_engine, opening, style, seed=s)) for s in (1, 2)]
    for text in texts:
        assert text.strip() and not PREAMBLE.search(text), text
        assert "Narration:" not in text and "Continue the manuscript" not in text
    assert any(re.search(r"\b(I|my|me)\b", t) for t in texts), texts


def test_a_rewrite_on_the_instruct_model(smollm_engine) -> None:
    passage = "Tom walked along the harbour wall, counting the boats that had not come back."
    text = "".join(rewrite_stream(smollm_engine, passage, Style(pov="first", tense="past"), seed=1))
    assert text.strip() and "<|im_" not in text and "The passage:" not in text


def test_a_long_manuscript_keeps_the_request_and_loses_its_front(smollm_engine) -> None:
    n_ctx = smollm_engine.context_length
    text = "".join(f"Line {i} of the long night went by. " for i in range(n_ctx // 4)) + "The end"
    prompt = styled_prompt(smollm_engine, text, STYLE, STORY, max_tokens=200)
    tokens = prompt.healed.tokens
    assert len(tokens) + 200 <= n_ctx
    head = text_of(smollm_engine, tokens[:40])
    assert head.startswith("<|im_start|>") and "Continue the manuscript." in head
    assert text_of(smollm_engine, tokens).endswith(
        f"Line {n_ctx // 4 - 1} of the long night went by. The"
    )
    guide = prompt.guide(smollm_engine)
    assert guide is not None and len(guide) < len(tokens)
