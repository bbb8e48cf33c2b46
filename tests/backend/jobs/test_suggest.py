"""Suggestions in the backend: token healing on both engines, context, shaping, headless op."""

from __future__ import annotations

import json
import threading

import pytest

from backend.engines.llama_batches import PREFILL_CHUNK
from backend.engines.params import SamplerParams
from backend.jobs.healing import heal_prompt
from backend.jobs.kinds import SuggestJob
from backend.jobs.suggest import (
    Shaper,
    SuggestOptions,
    prefill_context,
    prefill_options,
    suggest,
    suggest_context,
    suggest_stream,
)
from backend.serve import handle_line
from tests.conftest import SAMPLE_PROSE

CASES = [
    "The rabbit ran down the hall and Nether",  # mid-word
    "The rabbit ran down the hall and ",  # after a space
    "The rabbit ran down the hall.",  # after punctuation
    'She said, "',  # after an opening quote
    "Once upon a time",  # a whole word
]


def _raw_engine_text(engine, text: str) -> tuple[str, str]:
    """Generate with healing and return (required text, raw generated text)."""
    from backend.engines.params import SamplerParams
    from backend.engines.vocabulary import PrefixConstraint

    healed = heal_prompt(engine, text)
    constraint = PrefixConstraint(engine.vocabulary.piece_index, healed.required)
    params = SamplerParams(temperature=0.0, max_tokens=6, repeat_penalty=1.0)
    raw = "".join(engine.stream(healed.tokens, params, None, constraint))
    return healed.required_text, raw


def _check_healing(engine) -> None:
    for text in CASES:
        healed = heal_prompt(engine, text)
        pieces = engine.vocabulary.pieces
        rebuilt = b"".join(pieces[t] for t in healed.tokens) + healed.required
        assert rebuilt.decode().endswith(text.lstrip()), (text, rebuilt)
        if text.endswith((" ", "Nether", "time")):
            assert healed.required, f"nothing backed up for {text!r}"
        required, raw = _raw_engine_text(engine, text)
        assert raw.startswith(required), (text, required, raw)
        first = "".join(suggest_stream(engine, text, len(text), SuggestOptions(max_tokens=6)))
        suggestions = [first] if first else []
        # What is shown is exactly what follows the cursor: the healed-away characters are
        # not shown again, and nothing is lost between them and the suggestion.
        if text.endswith((" ", "Nether")):
            assert suggestions, text
        if suggestions:
            assert raw.startswith(required + suggestions[0]), (text, required, suggestions, raw)


def test_healing_on_tiny_gpt2(tiny_gpt2_engine) -> None:
    _check_healing(tiny_gpt2_engine)


@pytest.mark.slow
def test_healing_on_llamacpp(llama_engine) -> None:
    _check_healing(llama_engine)


@pytest.mark.slow
def test_healing_on_gguf_through_transformers(hf_gguf_engine) -> None:
    _check_healing(hf_gguf_engine)


@pytest.mark.slow
def test_healing_completes_a_word_the_context_taught(llama_engine) -> None:
    text = (
        "Mr. Bingley has taken Netherfield Park. Everyone in the village talks of "
        "Netherfield Park and its new master. That evening they drove to Nether"
    )
    suggestions, _ = suggest(llama_engine, text, len(text), SuggestOptions())
    assert suggestions and suggestions[0].startswith("field"), suggestions
    unhealed, _ = suggest(llama_engine, text, len(text), SuggestOptions(heal=False))
    assert not unhealed or not unhealed[0].startswith(" ")


@pytest.mark.slow
def test_healing_after_a_space_does_not_double_it(llama_engine) -> None:
    text = "Monday, Tuesday, Wednesday, "
    suggestions, _ = suggest(llama_engine, text, len(text), SuggestOptions())
    assert suggestions and suggestions[0].startswith("Thursday"), suggestions


def test_shaper_stops_at_clause_and_line_ends() -> None:
    s = Shaper("")
    out = s.feed(" she said") + s.feed(". Then") + s.feed(" more")
    assert out == " she said." and s.done
    s = Shaper("")
    assert s.feed(" Mr. Smith came\nback") == " Mr. Smith came" and s.done
    s = Shaper("")
    assert s.feed(' "Go away!" she') == ' "Go away!"'


def test_shaper_does_not_repeat_the_rest_of_the_line() -> None:
    s = Shaper(" the door.")
    out = s.feed(" opened") + s.feed(" the door")
    assert out == " opened" and s.done


def test_context_is_anchored_and_mid_word_is_left_alone() -> None:
    opts = SuggestOptions(context_tokens=100)
    text = "word " * 400
    a = suggest_context(text, 1500, opts)
    b = suggest_context(text, 1510, opts)
    assert len(a.before) <= 400 and b.before.startswith(a.before[:50])
    assert suggest_context("hello world", 3, opts).mid_word


def test_suggest_op_in_process(tiny_gpt2_engine) -> None:
    doc = "Alice was beginning to get very tired of sitting by her sister on the"
    reply = handle_line(
        tiny_gpt2_engine,
        json.dumps({"id": 7, "op": "suggest", "text": doc, "cursor": len(doc), "alternatives": 2}),
    )
    assert reply["id"] == 7 and isinstance(reply["ms"], float)
    assert 1 <= len(reply["suggestions"]) <= 2
    assert len(set(reply["suggestions"])) == len(reply["suggestions"])
    bad = handle_line(
        tiny_gpt2_engine, json.dumps({"id": 8, "op": "suggest", "text": doc, "cursor": 10**6})
    )
    assert "cursor" in bad["error"]


@pytest.mark.slow
def test_suggest_op_with_the_bundled_model(llama_engine) -> None:
    doc = "Monday, Tuesday, Wednes and then the weekend."
    cursor = len("Monday, Tuesday, Wednes")
    reply = handle_line(
        llama_engine,
        json.dumps({"id": 1, "op": "suggest", "text": doc, "cursor": cursor, "alternatives": 3}),
    )
    assert reply["suggestions"][0].startswith("day"), reply
    assert len(reply["suggestions"]) >= 2


class DecodedTokens:
    """Counts the tokens llama.cpp evaluates in the engine's main context."""

    def __init__(self, engine) -> None:
        self.ctx = engine.runtime.llm._ctx
        self.original = self.ctx.decode
        self.count = 0

    def __enter__(self) -> DecodedTokens:
        def counting(batch):
            self.count += batch.batch.n_tokens
            return self.original(batch)

        self.ctx.decode = counting
        return self

    def __exit__(self, *exc: object) -> None:
        del self.ctx.decode


def _suggest_job_text(engine, text: str, options: SuggestOptions) -> str:
    job = SuggestJob(text, len(text), options)
    return "".join(
        o for o in job.run(engine, threading.Event(), lambda _s: None) if isinstance(o, str)
    )


@pytest.mark.slow
def test_prefill_leaves_only_the_typed_text_to_evaluate(llama_engine) -> None:
    place = SAMPLE_PROSE * 3  # about 600 tokens: several whole prefill batches
    typed = place + "I"
    list(llama_engine.stream("Somewhere else entirely.", SamplerParams(max_tokens=1)))
    with DecodedTokens(llama_engine) as cold:
        expected = _suggest_job_text(llama_engine, typed, SuggestOptions())
    list(llama_engine.stream("Somewhere else entirely.", SamplerParams(max_tokens=1)))
    # The prefill job yields its assembled prompt and no text.
    assert _suggest_job_text(llama_engine, place, prefill_options(SuggestOptions())) == ""
    with DecodedTokens(llama_engine) as warm:
        got = _suggest_job_text(llama_engine, typed, SuggestOptions())
    # Batches are fixed by the prompt's length, so the text does not depend on the prefill.
    assert got == expected
    generated = SuggestOptions().max_tokens + 4  # generated tokens, healing's steps and slack
    assert cold.count > 500
    assert warm.count <= PREFILL_CHUNK + generated


@pytest.mark.slow
def test_prefill_stops_when_cancelled(llama_engine) -> None:
    cancel = threading.Event()
    cancel.set()
    assert not prefill_context(llama_engine, SAMPLE_PROSE * 2, SuggestOptions(), cancel)
    assert prefill_context(llama_engine, SAMPLE_PROSE * 2, SuggestOptions())
    assert not prefill_context(llama_engine, "   ", SuggestOptions())


@pytest.mark.slow
def test_prefill_needs_an_engine_with_a_cache(remote_engine) -> None:
    assert not prefill_context(remote_engine, SAMPLE_PROSE, SuggestOptions())


def test_min_confidence_reaches_the_first_suggestion_only() -> None:
    options = SuggestOptions(min_confidence=0.4)
    assert options.params(0).min_confidence == 0.4
    assert options.params(1).min_confidence == 0.0
    assert SuggestOptions(min_confidence=0.0).params(0).min_confidence == 0.0


CONFIDENCE_PLACES = [
    *CASES,
    SAMPLE_PROSE[: SAMPLE_PROSE.index("the book") + 5],  # after a word's first letter
    SAMPLE_PROSE[: SAMPLE_PROSE.index("White Rabbit")],  # after a space
    SAMPLE_PROSE[: SAMPLE_PROSE.index("daisy-chain") + 5],  # a whole word, no space yet
]


@pytest.mark.slow
def test_min_confidence_shortens_a_suggestion_between_words(llama_engine) -> None:
    def at(text: str, threshold: float) -> str:
        options = SuggestOptions(min_confidence=threshold)
        return "".join(suggest_stream(llama_engine, text, len(text), options))

    shortened = 0
    for text in CONFIDENCE_PLACES:
        full, short = at(text, 0.0), at(text, 0.99)
        assert full.startswith(short), (text, full, short)
        rest = full[len(short) :]
        # A word is never cut in half, and a suggestion that had a word keeps one.
        assert not (short[-1:].isalnum() and rest[:1].isalnum()), (text, short, rest)
        if any(ch.isalnum() for ch in full):
            assert any(ch.isalnum() for ch in short), (text, full, short)
        shortened += len(short) < len(full)
    assert shortened >= len(CONFIDENCE_PLACES) // 2
    # Chinese runs as it did: cutting it short saved fewer keystrokes (starts_word).
    chinese = "我们走到门口，看见"
    assert at(chinese, 0.99) == at(chinese, 0.0) != ""
