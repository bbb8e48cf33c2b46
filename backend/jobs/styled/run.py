"""The local styled run: sampling over engine sessions, token by token or sentence by
sentence with the voice check, on the levers of levers.py and the one sampler."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass, field

import numpy as np

from backend.engines.assembler import TextAssembler
from backend.engines.base import Constraint, GuidedSession, Session, Stepper
from backend.engines.params import SamplerParams
from backend.engines.sampling import (
    LogitsProcessor,
    apply_processors,
    history_length,
    sample,
    seeded_rng,
)
from backend.jobs.styled.levers import Position, guided
from backend.jobs.styled.voice import Score, VoiceCheck, narration_of, score_attempt
from backend.text.counts import CJK_CHAR
from backend.text.sentences import ends_sentence

CJK_LABEL_CHARS = 6
MAX_ATTEMPTS = 6  # tries per sentence before the least faulty one is kept
BIAS_STEP = 0.5  # each new try multiplies the style bias by 1 + BIAS_STEP * try number

DraftFn = Callable[[str], None]


@dataclass(frozen=True, eq=False)
class RunConfig:
    """Everything a styled run is given; nothing of it changes while it runs."""

    prompt: tuple[int, ...]
    guide_prompt: tuple[int, ...] | None  # the prompt without the style, for guidance
    guidance: float
    params: SamplerParams
    pieces: list[bytes]
    end_tokens: frozenset[int]
    processors: tuple[LogitsProcessor, ...] = ()
    position: Position = field(default_factory=Position)  # shared with the processors
    # Strings only a copy of the style header contains; with any, echoes of it are faults.
    echo_marks: tuple[str, ...] = ()
    draft: DraftFn | None = None  # shown the sentence being written, before it is checked
    healed_text: str = ""  # the prompt's healed tail, which the document already has
    count: Callable[[str], int] = field(default=lambda text: len(text.split()))  # length unit
    breakers: frozenset[int] = frozenset()  # the tokens DRY matches stop at (dry_breakers)


@dataclass
class Attempt:
    """One try at the next sentence, and the generator state at its end."""

    tokens: list[int]
    text: str
    narration: str
    end: str  # "sentence", "eos", "stop", "length" or "cancel"
    pending: int | None  # the sampled token that opens the next sentence
    assembler: TextAssembler
    constraint: Constraint | None
    quoted: bool
    line: str | None
    score: Score | None = None

    @property
    def faults(self) -> int:
        """The try's faults (0 before it is scored)."""
        return self.score.faults if self.score is not None else 0


@dataclass
class _Written:
    """What one try has produced so far."""

    tokens: list[int] = field(default_factory=list)
    text: str = ""
    narration: str = ""  # the text with quoted speech blanked out

    def add(self, out: str, position: Position) -> None:
        said, position.quoted = narration_of(out, position.quoted)
        self.narration += said
        self.text += out


class StyledRun:
    """Samples a styled continuation over one engine session, or a guided pair."""

    def __init__(self, stepper: Stepper, config: RunConfig, cancel: threading.Event | None) -> None:
        self.stepper = stepper
        self.config = config
        self.cancel = cancel
        self.position = config.position
        self.tokens: list[int] = []
        self.sampled = 0
        self.rng = seeded_rng(config.params.seed)
        self._single: Session | None = None
        self._pair: GuidedSession | None = None

    def seat(self) -> bool:
        """Point the session at prompt + accepted tokens (cheap: the cache is reused)."""
        c = self.config
        prompt = [*c.prompt, *self.tokens]
        if c.guide_prompt is not None:
            guide = [*c.guide_prompt, *self.tokens]
            self._pair = self.stepper.guided_session(prompt, guide, self.cancel)
            return self._pair is not None
        self._single = self.stepper.session(prompt, self.cancel)
        return self._single is not None

    def run(
        self, assembler: TextAssembler, constraint: Constraint | None, check: VoiceCheck | None
    ) -> Generator[str, None, None]:
        """Yield the continuation: token by token, or checked sentence by sentence."""
        if check is None or not check.active:
            yield from self._attempt(assembler, constraint, None, stream=True)
            return
        pending: int | None = None
        kept_words = 0
        while True:
            best = yield from self._best_attempt(assembler, constraint, pending, check, kept_words)
            if best is None or (best.score is not None and best.score.echoed):
                return  # cancelled, or every try started a new header: end before it
            self.tokens += best.tokens
            kept_words += self.config.count(best.text)
            check.accept(best.narration)
            self.position.quoted, self.position.line = best.quoted, best.line
            assembler, constraint, pending = best.assembler, best.constraint, best.pending
            if best.text:
                yield best.text
            if best.end != "sentence":
                return

    def _best_attempt(
        self,
        assembler: TextAssembler,
        constraint: Constraint | None,
        pending: int | None,
        check: VoiceCheck,
        kept_words: int,
    ) -> Generator[str, None, Attempt | None]:
        """Try the next sentence up to MAX_ATTEMPTS times; the least faulty try, seated."""
        best: Attempt | None = None
        tried: Attempt | None = None
        for n in range(MAX_ATTEMPTS):
            if n and not self.seat():
                return None
            self.position.bias_scale = 1.0 + BIAS_STEP * n
            tried = yield from self._attempt(
                assembler, constraint, pending if n == 0 else None, False, kept_words
            )
            if tried.end == "cancel":
                return None
            stopped = tried.assembler.stopped_on in self.config.echo_marks
            tried.score = score_attempt(
                check, tried.text, tried.narration, bool(self.config.echo_marks), stopped
            )
            if tried.score.echoed or tried.score.meta:
                self.position.hold_break = tried.text.startswith("\n")
            if best is None or tried.faults < best.faults:
                best = tried
            if tried.faults == 0 or tried.end == "length":
                break
        self.position.hold_break = False
        if best is None or (best.score is not None and best.score.echoed):
            return best
        if best is not tried and not self._reseat_to(best):
            return None
        return best

    def _attempt(
        self,
        assembler: TextAssembler,
        constraint: Constraint | None,
        first: int | None,
        stream: bool,
        kept_words: int = 0,
    ) -> Generator[str, None, Attempt]:
        """Sample until a sentence ends (or everything does); returns an Attempt.

        With `stream`, text is yielded as it comes and no sentence boundary is looked for.
        """
        c, pos = self.config, self.position
        assembler = copy.deepcopy(assembler)
        constraint = copy.copy(constraint)
        quoted_at_start, line_at_start = pos.quoted, pos.line
        done = _Written()
        recent = [*c.prompt, *self.tokens][-history_length(c.params) :]
        end, pending = "length", None
        budget = c.params.max_tokens - len(self.tokens)
        while len(done.tokens) < budget and self.sampled < 4 * c.params.max_tokens:
            if self.cancel is not None and self.cancel.is_set():
                end = "cancel"
                break
            if first is not None:
                tok, first = first, None
            else:
                pos.words = kept_words + c.count(done.text)
                pos.first = not done.tokens
                tok = self._next_token(recent + done.tokens, constraint)
            if tok in c.end_tokens or tok >= len(c.pieces):
                end = "eos"
                break
            piece = c.pieces[tok]
            if not stream and done.narration.strip() and ends_sentence(done.text, piece):
                end, pending = "sentence", tok
                break
            if constraint is not None and constraint.active:
                constraint.advance(piece)
            out = self._write(assembler.feed(piece), done, stream)
            if stream and out:
                yield out
            if assembler.stopped:
                end = "stop"
                break
            done.tokens.append(tok)
            self._push(tok)
        if end not in ("sentence", "stop", "cancel"):
            tail = assembler.flush()
            done.add(tail, pos)
            if stream and tail:
                yield tail
        result = Attempt(
            done.tokens, done.text, done.narration, end, pending, assembler, constraint,
            pos.quoted, pos.line,
        )  # fmt: skip
        pos.quoted, pos.line = quoted_at_start, line_at_start
        return result

    def _write(self, out: str, done: _Written, stream: bool) -> str:
        """Record text the assembler released; show a checked try's draft."""
        done.add(out, self.position)
        if out:
            self.position.line = line_head(self.position.line, out)
            draft = self.config.draft
            if draft is not None and not stream:
                draft(done.text if self.tokens else done.text.removeprefix(self.config.healed_text))
        return out

    def _raw_logits(self) -> tuple[np.ndarray, np.ndarray | None]:
        if self._pair is not None:
            return self._pair.logits()
        assert self._single is not None, "seat() first"
        return self._single.logits(), None

    def _next_token(self, recent: list[int], constraint: Constraint | None) -> int:
        c = self.config
        main, guide = self._raw_logits()
        logits = guided(main, guide, c.guidance)
        logits = apply_processors(c.processors, recent, logits)
        allowed = constraint.allowed() if constraint is not None and constraint.active else None
        self.sampled += 1
        return sample(logits, c.params, recent, self.rng, allowed, c.breakers)

    def _push(self, tok: int) -> None:
        session = self._pair or self._single
        assert session is not None, "seat() first"
        session.push(tok)

    def _reseat_to(self, best: Attempt) -> bool:
        """Bring the session back to the end of an earlier attempt."""
        saved = self.tokens
        self.tokens = self.tokens + best.tokens
        try:
            return self.seat()
        finally:
            self.tokens = saved


def line_head(line: str | None, out: str) -> str | None:
    """The head of a fresh line after `out` is added (see Position.line)."""
    if "\n" in out:
        line = out.rsplit("\n", 1)[1]
    elif line is not None:
        line += out
    if line is not None and (len(line.split()) > 2 or len(line) > 40):
        return None
    if line is not None and len(line) > CJK_LABEL_CHARS and CJK_CHAR.search(line):
        return None  # Chinese labels are a few characters long, and no spaces end them

    return line
