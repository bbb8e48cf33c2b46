"""Style-controlled continuation: header + exemplar, logit bias, guidance, length rules,
and a sentence check that samples a sentence again when it misses the requested voice.

On an instruct model the same style reaches the model through its own chat template
(chat.py): the style in the writer's turn, the manuscript as the start of the model's reply.
Base models keep the plain prompt: notes, then the text with the style header a few
paragraphs before its end (at the top of a short text).

Engines that sample in Inkling's process (a `Stepper`) run every lever locally (run.py,
levers.py); a server samples for us, so the bias goes with the request and the sentence
check makes one request per try (server.py). Both score tries the same way (voice.py).

May import what backend.jobs may; the front ends call `styled_stream`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from backend.engines.assembler import TextAssembler
from backend.engines.base import Engine, Stepper, TextStream
from backend.engines.params import MAX_STOP_STRINGS, SamplerParams
from backend.engines.sampling import LogitsProcessor, dry_breakers
from backend.engines.vocabulary import Vocabulary
from backend.jobs.complete import shaped, stopping_at
from backend.jobs.healing import HealedPrompt, constraint_for, heal_prompt
from backend.jobs.styled.chat import ChatFrame, chat_prompts, user_turn
from backend.jobs.styled.length import LengthRule
from backend.jobs.styled.levers import (
    BreakPenalty,
    HoldEnd,
    LabelPenalty,
    Position,
    StyleBias,
    break_tokens,
    colon_tokens,
    label_tokens,
    sparse_bias,
)
from backend.jobs.styled.run import RunConfig, StyledRun
from backend.jobs.styled.server import checked_text_chunks
from backend.jobs.styled.voice import META, VoiceCheck
from backend.models.chat import chat_template
from backend.story.language import pack
from backend.story.memory.assembly import note_echoes
from backend.story.style.detect import in_dialogue
from backend.story.style.header import (
    header_marks,
    insert_authors_note,
    style_header,
    with_header,
)
from backend.story.style.model import Style, sampler_for

ROOM_MARGIN = 8  # tokens kept free besides the reply's own (a BOS, healed tokens)

__all__ = [
    "META",
    "ChatFrame",
    "LengthRule",
    "StoryContext",
    "StyledPrompt",
    "VoiceCheck",
    "build_prompts",
    "styled_prepare",
    "styled_prompt",
    "styled_stream",
]


@dataclass(frozen=True)
class StoryContext:
    """What surrounds the text: premise, author's note and story-bible notes."""

    premise: str = ""
    authors_note: str = ""
    lore: str = ""


def build_prompts(
    text_before: str, style: Style, story: StoryContext, lang: str = "en"
) -> tuple[str, str]:
    """(styled prompt, plain prompt): the plain one drops the style header, for guidance.
    The header goes a few paragraphs before the end (see header_offset)."""
    text = insert_authors_note(text_before, story.authors_note)
    return with_header(
        story.lore, text, style_header(style, story.premise, lang)
    ), story.lore + text


@dataclass(frozen=True)
class StyledPrompt:
    """What a styled run sends: the healed prompt, and what to guide against (the plain
    prompt's text on a base model, the conversation without the style on an instruct one)."""

    healed: HealedPrompt
    plain: str = ""
    chat_guide: tuple[int, ...] | None = None

    @property
    def chat(self) -> bool:
        """True when the prompt went through the model's chat template."""
        return self.chat_guide is not None

    def guide(self, engine: Engine) -> tuple[int, ...] | None:
        """The prompt to guide against (None when it does not heal to the same tail)."""
        if self.chat_guide is not None:
            return self.chat_guide
        return _guide_prompt(engine, self.plain, self.healed)


def styled_prompt(
    engine: Engine,
    text_before: str,
    style: Style,
    story: StoryContext,
    lang: str = "en",
    *,
    use_header: bool = True,
    frame: ChatFrame | None = None,
    max_tokens: int = 0,
) -> StyledPrompt:
    """The prompt of a styled run: the model's chat template on an instruct model (asked
    as `frame` says: continue `text_before` by default, leaving room for `max_tokens`),
    today's plain prompt otherwise."""
    chat = chat_template(engine)
    if chat is None:
        styled, plain = build_prompts(text_before, style, story, lang)
        return StyledPrompt(heal_prompt(engine, styled if use_header else plain), plain)
    frame = frame or ChatFrame()
    header = style_header(style, story.premise, lang) if use_header else ""
    styled_turn = user_turn(frame, header, story.lore, story.authors_note, lang)
    plain_turn = user_turn(frame, "", story.lore, story.authors_note, lang)
    reply = "" if frame.passage else text_before
    room = engine.context_length - max_tokens - ROOM_MARGIN
    prompts = chat_prompts(engine, chat, styled_turn, plain_turn, reply, room)
    return StyledPrompt(prompts.healed, chat_guide=prompts.guide)


def styled_stream(
    engine: Engine,
    text_before: str,
    style: Style,
    story: StoryContext | None = None,
    *,
    seed: int | None = None,
    cancel: threading.Event | None = None,
    use_bias: bool = True,
    use_header: bool = True,
    use_guidance: bool = True,
    use_check: bool = True,
    params: SamplerParams | None = None,
    draft: Callable[[str], None] | None = None,
    lang: str = "en",
    frame: ChatFrame | None = None,
) -> TextStream:
    """Yield a continuation in the chosen style, exactly as it should be inserted. With a
    point of view or tense chosen (and `use_check`), text arrives a checked sentence at a
    time, and `draft` (if given) sees each sentence as it is being written. `lang` picks
    the language pack (the header, the lengths and how they are counted); `frame` says what
    an instruct model is asked (see styled_prompt)."""
    story = story or StoryContext()
    if not pack(lang).has_tense:
        style = style.with_(tense="")
    params = params or sampler_for(style, seed, continuing=True)
    # A copy of a note's form ends the text (see note_echoes).
    notes = story.lore + insert_authors_note("", story.authors_note)
    params = stopping_at(params, note_echoes(notes))
    prompt = styled_prompt(
        engine, text_before, style, story, lang, use_header=use_header, frame=frame
    )
    healed = prompt.healed
    header = style_header(style, story.premise, lang) if use_header else ""
    check = VoiceCheck(style, text_before, header, lang) if use_check else None
    checking = check is not None and check.active
    marks = header_marks(header, lang)
    # Generation re-creates the healed tail first, so dialogue is judged without it.
    quoted = in_dialogue(text_before.removesuffix(healed.required_text))
    stepper, vocab = engine.stepper, engine.vocabulary
    if stepper is not None and vocab is not None:
        guide = _guide_for(engine, prompt, style, marks, use_guidance and use_header)
        position = Position(quoted=quoted, line="" if marks and _at_break(text_before) else None)
        config = _run_config(
            vocab, style, params, healed, guide, marks, position, use_bias, draft, lang
        )
        chunks = _local_chunks(stepper, config, cancel, healed, engine, check)
    else:
        # A server samples for us: bias goes with the request, and there is no guidance.
        params = _server_params(engine, style, params, marks, use_bias)
        checking = checking and healed.text is not None
        server_check = check if checking else None
        chunks = _server_chunks(
            engine, healed, params, cancel, server_check, quoted, draft, bool(marks)
        )
    yield from shaped(chunks, healed.required_text, LengthRule(style.length, checking, lang))


def styled_prepare(
    engine: Engine,
    text_before: str,
    style: Style,
    story: StoryContext | None = None,
    *,
    cancel: threading.Event | None = None,
    lang: str = "en",
) -> bool:
    """Read the prompts a guided styled continuation at this place sends (the styled one
    and the plain one it is guided against) into the engine's cache, and write nothing: a
    continuation asked for here next reads only what was typed since. False when there is
    nothing to read, no guidance (an unguided run reads in the context suggestions use, so
    reading ahead would only push their text out), no cache of the engine's own, or it was
    cancelled. The prompts are built exactly as `styled_stream` builds them."""
    stepper = engine.stepper
    if stepper is None or engine.vocabulary is None:
        return False
    story = story or StoryContext()
    if not pack(lang).has_tense:
        style = style.with_(tense="")
    prompt = styled_prompt(engine, text_before, style, story, lang)
    marks = header_marks(style_header(style, story.premise, lang), lang)
    guide = _guide_for(engine, prompt, style, marks, True)
    if guide is None or not prompt.healed.tokens:
        return False
    return stepper.guided_session(prompt.healed.tokens, guide, cancel) is not None


def _guide_for(
    engine: Engine, prompt: StyledPrompt, style: Style, marks: tuple[str, ...], wanted: bool
) -> tuple[int, ...] | None:
    """The prompt a local run is guided against (None: unguided)."""
    if not (wanted and style.guidance != 1.0 and marks):
        return None
    return prompt.guide(engine)


def _run_config(
    vocab: Vocabulary,
    style: Style,
    params: SamplerParams,
    healed: HealedPrompt,
    guide: tuple[int, ...] | None,
    marks: tuple[str, ...],
    position: Position,
    use_bias: bool,
    draft: Callable[[str], None] | None,
    lang: str,
) -> RunConfig:
    """A local styled run: the healed prompt (and the plain one to guide against), the
    sampler, the levers, and how its length is counted."""
    return RunConfig(
        prompt=tuple(healed.tokens),
        guide_prompt=guide,
        guidance=float(style.guidance),
        params=params,
        pieces=vocab.pieces,
        end_tokens=vocab.banned,
        processors=_processors(vocab, style, use_bias, marks, position, lang),
        position=position,
        echo_marks=marks,
        draft=draft,
        healed_text=healed.required_text,
        count=pack(lang).count,
        breakers=dry_breakers(vocab) if params.dry else frozenset(),
    )


def _server_params(
    engine: Engine, style: Style, params: SamplerParams, marks: tuple[str, ...], use_bias: bool
) -> SamplerParams:
    """A server's sampler settings: the style bias goes with the request, and the style
    header's marks stop it."""
    if use_bias:
        params = params.with_(logit_bias=sparse_bias(engine, style))
    return params.with_(stop=(*params.stop, *marks)[:MAX_STOP_STRINGS])


def _server_chunks(
    engine: Engine,
    healed: HealedPrompt,
    params: SamplerParams,
    cancel: threading.Event | None,
    check: VoiceCheck | None,
    quoted: bool,
    draft: Callable[[str], None] | None,
    header: bool,
) -> TextStream:
    """A server's text: checked a sentence at a time, or streamed as it comes. With a
    style `header` in the prompt, tries that copy it or talk about it are faults."""
    if check is None:
        return engine.stream(healed.prompt, params, cancel, constraint_for(engine, healed))
    return checked_text_chunks(engine, healed, params, cancel, check, quoted, draft, header)


def _at_break(text_before: str) -> bool:
    """True when the cursor starts a line (where a base model likes to start a header)."""
    return not text_before.strip() or text_before.rstrip(" ").endswith("\n")


def _guide_prompt(engine: Engine, plain: str, healed: HealedPrompt) -> tuple[int, ...] | None:
    """The plain prompt for guidance, when it heals to the same tail as the styled one."""
    plain_healed = heal_prompt(engine, plain)
    return tuple(plain_healed.tokens) if plain_healed.required == healed.required else None


def _processors(
    vocab: Vocabulary,
    style: Style,
    use_bias: bool,
    marks: tuple[str, ...],
    position: Position,
    lang: str,
) -> tuple[LogitsProcessor, ...]:
    """The logit levers of a local styled run, in the order they apply."""
    language = pack(lang)
    end_ids = np.array(sorted(vocab.banned), dtype=np.int64)
    out: list[LogitsProcessor] = [HoldEnd(end_ids, language.lengths[style.length][0], position)]
    if use_bias:
        out.append(StyleBias(vocab, style, position))
    if marks:
        words = tuple(language.header.get("label_words", ()))
        out.append(LabelPenalty(label_tokens(vocab, words), colon_tokens(vocab), position))
        out.append(BreakPenalty(break_tokens(vocab), position))
    return tuple(out)


def _local_chunks(
    stepper: Stepper,
    config: RunConfig,
    cancel: threading.Event | None,
    healed: HealedPrompt,
    engine: Engine,
    check: VoiceCheck | None,
) -> TextStream:
    """The run's text, once its session is seated (nothing if cancelled first)."""
    run = StyledRun(stepper, config, cancel)
    if not run.seat():
        return
    assembler = TextAssembler((*config.params.stop, *engine.extra_stop, *config.echo_marks))
    yield from run.run(assembler, constraint_for(engine, healed), check)
