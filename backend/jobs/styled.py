"""Style-controlled continuation: header + exemplar, logit bias, guidance, length rules.

Sampling happens here (numpy) over logits from an engine session, so the same levers work
on llama.cpp and transformers: the bias vector nudges point-of-view and tense words, and
classifier-free guidance mixes the styled prompt's logits with those of the same text
without the style header: guided = plain + scale * (styled - plain).
"""

from __future__ import annotations

import copy
import re
import threading
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from backend.engines.base import (
    Engine,
    EngineError,
    PrefixConstraint,
    TextAssembler,
    word_token_ids,
)
from backend.jobs.complete import shaped
from backend.jobs.healing import HealedPrompt, constraint_for, heal_prompt
from backend.params import MAX_STOP_STRINGS, SamplerParams
from backend.style import (
    ED_AWAY,
    LENGTH_WORDS,
    Style,
    all_words,
    bias_words,
    detect_person,
    detect_tense,
    header_marks,
    in_dialogue,
    insert_authors_note,
    narration_words,
    person_counts,
    style_header,
    tense_counts,
)

PENALTY_WINDOW = 64
_bias_cache: weakref.WeakKeyDictionary[object, dict[tuple, np.ndarray]] = (
    weakref.WeakKeyDictionary()
)


@dataclass(frozen=True)
class StoryContext:
    """What surrounds the text: premise, author's note and story-bible notes."""

    premise: str = ""
    authors_note: str = ""
    lore: str = ""


def bias_vector(engine: Engine, style: Style, size: int) -> np.ndarray | None:
    """Per-token logit bias for the style's POV and tense words (None when neutral)."""
    words = bias_words(style)
    if not words:
        return None
    ed = ED_AWAY if style.tense == "present" else 0.0
    key = (ed, tuple(sorted(words.items())), size)
    per_engine = _bias_cache.setdefault(engine, {})
    if key not in per_engine:
        vec = np.zeros(size, dtype=np.float32)
        if style.tense == "present":
            # Regular past forms ("-ed" words) are too many to list: find them in the
            # vocabulary itself.
            for i, piece in enumerate(engine.token_pieces()[:size]):
                word = piece.strip().lower()
                if len(word) >= 5 and word.endswith(b"ed") and word.isalpha():
                    vec[i] = -ed
        for word, value in words.items():
            for tok in word_token_ids(engine, word, bare=True):
                if tok < size:
                    vec[tok] = value
        per_engine[key] = vec
    return per_engine[key]


def sample_numpy(
    logits: np.ndarray,
    params: SamplerParams,
    recent: list[int],
    rng: np.random.Generator,
    allowed: np.ndarray | None = None,
) -> int:
    """llama.cpp-style sampling on a float32 logits vector (modified in place)."""
    if params.repeat_penalty != 1.0 and recent:
        ids = np.fromiter(set(recent[-PENALTY_WINDOW:]), dtype=np.int64)
        ids = ids[ids < logits.size]
        vals = logits[ids]
        logits[ids] = np.where(vals > 0, vals / params.repeat_penalty, vals * params.repeat_penalty)
    if allowed is not None and len(allowed):
        masked = np.full_like(logits, -np.inf)
        masked[allowed] = logits[allowed]
        logits = masked
    if params.greedy:
        return int(np.argmax(logits))
    k = min(params.top_k or logits.size, logits.size)
    top = np.argpartition(-logits, k - 1)[:k]
    z = logits[top].astype(np.float64)
    order = np.argsort(-z)
    top, z = top[order], z[order]
    probs = np.exp(z - z[0])
    probs /= probs.sum()
    if params.top_p < 1.0:
        cut = int(np.searchsorted(np.cumsum(probs), params.top_p)) + 1
        top, z = top[:cut], z[:cut]
    if params.min_p > 0.0:
        keep = np.exp(z - z[0]) >= params.min_p
        top, z = top[keep], z[keep]
    z = z / params.temperature
    probs = np.exp(z - z.max())
    probs /= probs.sum()
    return int(top[rng.choice(len(top), p=probs)])


_TERMINATOR = re.compile(r"[.!?…][\"'”’)\]]*(?=\s|$)")
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "st", "mt", "jr", "sr", "prof", "capt", "col", "gen", "lt", "sgt"}
)


def _is_abbreviation(text: str) -> bool:
    """True when `text` ends with a title such as "Mrs." rather than a sentence."""
    m = re.search(r"([A-Za-z]+)\.$", text)
    return m is not None and m.group(1).lower() in _ABBREVIATIONS


class LengthRule:
    """Stops a continuation at the length the writer chose, at a natural boundary.

    Chunks may be single tokens or, from the sentence check, whole sentences; with
    `whole_sentences` each chunk is known to end a sentence.
    """

    def __init__(self, length: str, whole_sentences: bool = False) -> None:
        self.low, self.high = LENGTH_WORDS[length]
        self.length = length
        self.whole = whole_sentences
        self.text = ""
        self.done = False

    def feed(self, chunk: str) -> str:
        """Add text; returns what to show (cut at the stopping point)."""
        if self.done:
            return ""
        start = len(self.text)
        self.text += chunk
        cut = self._cut(start)
        if cut is not None:
            self.text = self.text[:cut].rstrip() if self.length == "sentence" else self.text[:cut]
            self.done = True
        return self.text[start:]

    def _ends(self, start: int) -> list[int]:
        """Sentence ends in the text added since `start`."""
        if self.whole:
            return [len(self.text)]
        return [
            m.end()
            for m in _TERMINATOR.finditer(self.text, start)
            if not _is_abbreviation(self.text[: m.end()].rstrip("\"'”’)]"))
        ]

    def _cut(self, start: int) -> int | None:
        if self.whole and self.length != "sentence":
            # A whole sentence that would carry the text past the range is left out.
            before = len(self.text[:start].split())
            if len(self.text.split()) > self.high and before >= self.low:
                return start
        para = self.text.find("\n\n", max(0, start - 1))
        if self.length != "sentence" and para != -1 and len(self.text[:para].split()) >= self.low:
            return para
        limit = self.low if self.length == "sentence" else self.high
        for end in self._ends(start):
            if len(self.text[:end].split()) >= limit:
                return end
        if self.length != "sentence" and len(self.text.split()) >= self.high + 60:
            # No sentence end in sight: stop anyway, after a whole word.
            words = list(re.finditer(r"\S+", self.text))
            return words[self.high + 59].end()
        return None


def build_prompts(text_before: str, style: Style, story: StoryContext) -> tuple[str, str]:
    """(styled prompt, plain prompt): the plain one drops the style header, for guidance."""
    body = story.lore + insert_authors_note(text_before, story.authors_note)
    return style_header(style, story.premise) + body, body


class VoiceCheck:
    """Judges each finished sentence of a continuation against the requested POV and tense.

    A sentence is at fault when its narration (dialogue aside) is dominated by the wrong
    person or tense and so is the continuation as a whole, and, while the text before the
    cursor does not yet read in the requested voice, when it has none of the requested
    forms: the first sentence has to set the voice. Faults count the offending words.
    """

    def __init__(self, style: Style, text_before: str, header: str = "") -> None:
        self.person = style.person
        self.tense = style.tense
        # Five-word runs of the style header: a sentence that repeats one is copying the
        # exemplar, not writing the story.
        self.copied = _ngrams(narration_words(header.lower()), 5)
        tail = text_before[-1200:]
        self.establish_person = bool(self.person) and detect_person(tail) != self.person
        self.establish_tense = bool(self.tense) and detect_tense(tail) != self.tense
        self.persons: dict[str, int] = {}
        self.tenses: dict[str, int] = {}

    @property
    def active(self) -> bool:
        """True when there is a point of view or tense to check."""
        return bool(self.person or self.tense)

    def faults(self, narration: str, text: str | None = None) -> int:
        """0 when the sentence reads in the requested voice; more the further it is off.

        `text` is the whole sentence, dialogue included, for the exemplar-copy check (a
        character may not say the exemplar either); without it, `narration` is used.
        """
        words = narration_words(narration)
        said = all_words(text) if text is not None else words
        total = 5 if _ngrams([w.lower() for w in said], 5) & self.copied else 0
        if self.person:
            total += _faults(person_counts(words), self.persons, self.person, self.establish_person)
        if self.tense:
            total += _faults(tense_counts(words), self.tenses, self.tense, self.establish_tense)
        return total

    def accept(self, narration: str) -> None:
        """Record a sentence that is now part of the continuation."""
        words = narration_words(narration)
        if self.person:
            counts = person_counts(words)
            _add(self.persons, counts)
            self.establish_person &= not _leads(counts, self.person)
        if self.tense:
            counts = tense_counts(words)
            _add(self.tenses, counts)
            self.establish_tense &= not _leads(counts, self.tense)


def _ngrams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _faults(counts: dict[str, int], so_far: dict[str, int], want: str, establish: bool) -> int:
    have = counts[want]
    wrong = max(v for k, v in counts.items() if k != want)
    total_have = have + so_far.get(want, 0)
    total_wrong = max(v + so_far.get(k, 0) for k, v in counts.items() if k != want)
    faults = wrong - have if wrong > have and total_wrong > total_have else 0
    return faults + (1 if establish and have == 0 else 0)


def _leads(counts: dict[str, int], want: str) -> bool:
    return counts[want] > 0 and counts[want] >= max(v for k, v in counts.items() if k != want)


def _add(total: dict[str, int], counts: dict[str, int]) -> None:
    for k, v in counts.items():
        total[k] = total.get(k, 0) + v


MAX_ATTEMPTS = 6  # tries per sentence before the least faulty one is kept
MAX_SENTENCES = 80
BIAS_STEP = 0.5  # each new try multiplies the style bias by 1 + BIAS_STEP * try number
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(\s*)$")


def narration_of(text: str, quoted: bool) -> tuple[str, bool]:
    """`text` with quoted speech blanked out, and whether it ends inside a quote."""
    out = []
    for ch in text:
        if ch in '"“”':
            quoted = ch == "“" or (ch == '"' and not quoted)
            out.append(" ")
        else:
            out.append(" " if quoted else ch)
    return "".join(out), quoted


def first_sentence_end(text: str, quoted: bool) -> int | None:
    """Where the first sentence with some narration in it ends, once that is certain."""
    for m in _TERMINATOR.finditer(text):
        end = m.end()
        if end == len(text) or _is_abbreviation(text[:end].rstrip("\"'”’)]")):
            continue  # a closing quote may still come; or "Mrs." is no sentence end
        if narration_of(text[:end], quoted)[0].strip():
            return end
    return None


@dataclass
class _Attempt:
    """One try at the next sentence, and the generator state at its end."""

    tokens: list[int]
    text: str
    narration: str
    end: str  # "sentence", "eos", "stop", "length" or "cancel"
    pending: int | None  # the sampled token that opens the next sentence
    assembler: TextAssembler
    constraint: PrefixConstraint | None
    quoted: bool
    faults: int = 0
    line: str | None = None


def _sentence_ends(text: str, piece: bytes) -> bool:
    """True when `text` has just finished a sentence and `piece` starts the next one."""
    m = _SENTENCE_END.search(text)
    if m is None or not (m.group(1) or piece[:1].isspace()):
        return False
    return not _is_abbreviation(text.rstrip())


class _StyledRun:
    """Samples a styled continuation over one or two engine sessions (two for guidance)."""

    def __init__(
        self,
        engine: Engine,
        prompt: list[int],
        guide_prompt: list[int] | None,
        style: Style,
        params: SamplerParams,
        cancel: threading.Event | None,
        check: VoiceCheck | None,
        quoted: bool,
    ) -> None:
        self.engine = engine
        self.prompt = prompt
        self.guide_prompt = guide_prompt
        self.scale = float(style.guidance)
        self.params = params
        self.cancel = cancel
        self.bias: np.ndarray | None = None  # set once the vocabulary size is known
        self.check = check
        self.quoted = quoted
        self.tokens: list[int] = []
        self.sampled = 0
        self.rng = np.random.default_rng(params.seed)
        self.pieces = engine.token_pieces()
        self.eos = set(engine.banned_tokens()) if hasattr(engine, "banned_tokens") else set()
        self.eos_ids = np.array(sorted(self.eos), dtype=np.int64)
        # A small model likes to end the text early: the end is held back until the
        # continuation has the words its length promises.
        self.min_words = 0
        self.kept_words = 0
        self.main: Any = None
        self.guide: Any = None
        self.pair: Any = None  # both sequences in one batch, where the engine offers it
        self.echo_marks: tuple[str, ...] = ()
        self.bias_scale = 1.0  # grows with each new try at a sentence that missed the voice
        # At the start of a line a base model likes to begin a new header ("Narration: …");
        # the header's label words are held down there.
        self.labels = np.zeros(0, dtype=np.int64)
        self.colons = np.zeros(0, dtype=np.int64)
        # The head of a fresh line ("" right after a line break) while it is at most two
        # words long; None elsewhere. "Sentence: first person" starts that way.
        self.line: str | None = None
        # After a try that broke the paragraph to start a new header, the next tries at
        # that sentence are held to the same paragraph.
        self.breaks = np.zeros(0, dtype=np.int64)
        self.hold_break = False
        # Shown the sentence being written before it is checked (the window draws it in
        # ghost colour); called with the try's text so far.
        self.draft: Callable[[str], None] | None = None

    def seat(self) -> bool:
        """Point the sessions at prompt + accepted tokens (cheap: the cache is reused)."""
        if self.guide_prompt is not None and hasattr(self.engine, "guided_session"):
            # Both sequences in one batch, one evaluation per token.
            self.pair = self.engine.guided_session(
                self.prompt + self.tokens, self.guide_prompt + self.tokens, self.cancel
            )
            return self.pair is not None
        self.main = self.engine.session(self.prompt + self.tokens, self.cancel)
        if self.main is None:
            return False
        if self.guide_prompt is not None:
            self.guide = self.engine.session(
                self.guide_prompt + self.tokens, self.cancel, guide=True
            )
            if self.guide is None:
                return False
        return True

    def push(self, tok: int) -> None:
        if self.pair is not None:
            self.pair.push(tok)
            return
        self.main.push(tok)
        if self.guide is not None:
            self.guide.push(tok)

    def raw_logits(self) -> tuple[np.ndarray, np.ndarray | None]:
        """The styled sequence's next-token logits, and the guide's (None without)."""
        if self.pair is not None:
            return self.pair.logits()
        return self.main.logits(), None if self.guide is None else self.guide.logits()

    def next_token(
        self,
        recent: list[int],
        constraint: PrefixConstraint | None,
        words: int = 0,
        first: bool = False,
    ) -> int:
        main, guide = self.raw_logits()
        logits = np.array(main, dtype=np.float32)
        if guide is not None:
            g = np.asarray(guide, dtype=np.float32)
            logits = g + self.scale * (logits - g)
        if words < self.min_words and self.eos_ids.size:
            logits[self.eos_ids[self.eos_ids < logits.size]] = -np.inf
        if self.bias is not None and not self.quoted:
            logits += self.bias_scale * self.bias[: logits.size]
        if self.line is not None and not self.quoted:
            # At a line's start its label word; after a word or two, a label's colon.
            held = self.labels if not self.line.strip() else self.colons
            logits[held[held < logits.size]] -= LABEL_PENALTY
        if first and self.hold_break:
            logits[self.breaks[self.breaks < logits.size]] -= LABEL_PENALTY
        allowed = constraint.allowed() if constraint is not None and constraint.active else None
        self.sampled += 1
        return sample_numpy(logits, self.params, recent, self.rng, allowed)

    def attempt(
        self,
        assembler: TextAssembler,
        constraint: PrefixConstraint | None,
        first: int | None,
        stream: bool,
    ) -> Iterator[str]:
        """Sample until a sentence ends (or everything does); returns an _Attempt.

        With `stream`, text is yielded as it comes and no sentence boundary is looked for.
        """
        assembler = copy.deepcopy(assembler)
        constraint = copy.copy(constraint)
        quoted_at_start, line_at_start = self.quoted, self.line
        toks: list[int] = []
        text = narration = ""
        recent = (self.prompt + self.tokens)[-PENALTY_WINDOW:]
        end, pending = "length", None
        budget = self.params.max_tokens - len(self.tokens)
        while len(toks) < budget and self.sampled < 4 * self.params.max_tokens:
            if self.cancel is not None and self.cancel.is_set():
                end = "cancel"
                break
            if first is not None:
                tok, first = first, None
            else:
                words = self.kept_words + len(text.split())
                tok = self.next_token(recent + toks, constraint, words, not toks)
            if tok in self.eos or tok >= len(self.pieces):
                end = "eos"
                break
            piece = self.pieces[tok]
            if not stream and narration.strip() and _sentence_ends(text, piece):
                end, pending = "sentence", tok
                break
            if constraint is not None and constraint.active:
                constraint.advance(piece)
            out = assembler.feed(piece)
            said, self.quoted = narration_of(out, self.quoted)
            narration += said
            text += out
            if out:
                self.line = _line_head(self.line, out)
                if self.draft is not None and not stream:
                    self.draft(text)
            if stream and out:
                yield out
            if assembler.stopped:
                end = "stop"
                break
            toks.append(tok)
            self.push(tok)
        if end not in ("sentence", "stop", "cancel"):
            tail = assembler.flush()
            text += tail
            said, self.quoted = narration_of(tail, self.quoted)
            narration += said
            if stream and tail:
                yield tail
        result = _Attempt(toks, text, narration, end, pending, assembler, constraint, self.quoted)
        result.line = self.line
        self.quoted, self.line = quoted_at_start, line_at_start
        return result

    def run(self, assembler: TextAssembler, constraint: PrefixConstraint | None) -> Iterator[str]:
        """Yield the continuation: token by token, or checked sentence by sentence."""
        if self.check is None or not self.check.active:
            yield from self.attempt(assembler, constraint, None, stream=True)
            return
        pending: int | None = None
        while True:
            best: _Attempt | None = None
            for n in range(MAX_ATTEMPTS):
                if n and not self.seat():
                    return
                self.bias_scale = 1.0 + BIAS_STEP * n
                tried = yield from self.attempt(
                    assembler, constraint, pending if n == 0 else None, False
                )
                if tried.end == "cancel":
                    return
                tried.faults = self.check.faults(tried.narration, tried.text)
                echoed = self._echoes(tried)
                meta = bool(self.echo_marks and META.search(tried.narration))
                tried.faults += ECHO_FAULTS * (echoed + meta)  # meta: talk about the narration
                if echoed or meta:
                    self.hold_break = tried.text.startswith("\n")
                if not tried.text.strip():
                    tried.faults += 3
                if best is None or tried.faults < best.faults:
                    best = tried
                if tried.faults == 0 or tried.end == "length":
                    break
            assert best is not None
            self.hold_break = False
            if self._echoes(best):
                return  # every try started a new header: the continuation ends before it
            if best is not tried and not self._reseat_to(best):
                return
            self.tokens += best.tokens
            self.kept_words += len(best.text.split())
            self.check.accept(best.narration)
            self.quoted, self.line = best.quoted, best.line
            assembler, constraint, pending = best.assembler, best.constraint, best.pending
            if best.text:
                yield best.text
            if best.end != "sentence":
                return

    def _echoes(self, tried: _Attempt) -> bool:
        """True when a try copies the style header: one of its marks, or a label line."""
        return tried.assembler.stopped_on in self.echo_marks or bool(
            self.echo_marks and _LABEL_LINE.search(tried.text)
        )

    def _reseat_to(self, best: _Attempt) -> bool:
        """Bring the sessions back to the end of an earlier attempt."""
        saved = self.tokens
        self.tokens = self.tokens + best.tokens
        try:
            return self.seat()
        finally:
            self.tokens = saved


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
) -> Iterator[str]:
    """Yield a continuation in the chosen style, exactly as it should be inserted.

    With a point of view or tense chosen (and `use_check`), text arrives a sentence at a
    time: each sentence is checked against the voice and sampled again when it is off,
    and `draft` (if given) sees each sentence as it is being written.
    """
    from backend.style import sampler_for

    story = story or StoryContext()
    params = params or sampler_for(style, seed)
    styled, plain = build_prompts(text_before, style, story)
    prompt = styled if use_header else plain
    healed = heal_prompt(engine, prompt)
    header = style_header(style, story.premise) if use_header else ""
    check = VoiceCheck(style, text_before, header) if use_check else None
    checking = check is not None and check.active
    marks = header_marks(header)
    # Generation re-creates the healed tail first, so dialogue is judged without it.
    quoted = in_dialogue(text_before.removesuffix(healed.required_text))
    if hasattr(engine, "session"):
        guide_prompt = None
        if use_guidance and use_header and style.guidance != 1.0 and marks:
            plain_healed = heal_prompt(engine, plain)
            if plain_healed.required == healed.required:
                guide_prompt = list(plain_healed.tokens)
        run = _StyledRun(
            engine, list(healed.tokens), guide_prompt, style, params, cancel, check, quoted
        )
        if not run.seat():
            return
        if use_bias:
            run.bias = bias_vector(engine, style, run.raw_logits()[0].size)
        run.echo_marks = marks
        run.min_words = LENGTH_WORDS[style.length][0]
        if draft is not None:
            run.draft = lambda text: draft(text if run.tokens else _unhealed(text, healed))
        if marks:
            run.labels = label_tokens(engine)
            run.colons = colon_tokens(engine)
            run.breaks = break_tokens(engine)
            at_break = not text_before.strip() or text_before.rstrip(" ").endswith("\n")
            run.line = "" if at_break else None
        assembler = TextAssembler((*params.stop, *getattr(engine, "extra_stop", ()), *marks))
        chunks = run.run(assembler, constraint_for(engine, healed))
    else:
        # A server samples for us: bias goes with the request, and there is no guidance.
        if use_bias:
            params = params.with_(logit_bias=sparse_bias(engine, style))
        params = params.with_(stop=(*params.stop, *marks)[:MAX_STOP_STRINGS])
        if checking and isinstance(healed.prompt, str):
            chunks = _checked_text_chunks(
                engine, healed, params, cancel, check, quoted, draft, bool(marks)
            )
        else:
            checking = False
            chunks = engine.stream(healed.prompt, params, cancel, constraint_for(engine, healed))
    yield from shaped(chunks, healed.required_text, LengthRule(style.length, checking))


LABEL_PENALTY = 10.0
ECHO_FAULTS = 5
# Words a story seldom uses and a base model reaches for once it starts to discuss the
# style header instead of following it ("In this example, the narrator uses the first person").
META = re.compile(
    r"\b(?:narrat(?:ion|or|ive)s?|(?:first|second|third)[- ]person|(?:past|present) tense"
    r"|the reader|this example|exposition)\b",
    re.IGNORECASE,
)
# A new line that opens with a label ("Sentence:", "Plot development (first person):").
_LABEL_LINE = re.compile(r"\n[ \t]*[A-Z][^\n.!?\"“”:]{0,50}:(?=\s|$)")
_LABEL_WORDS = ("Narration", "Narrator", "Sample", "Genre", "Tone", "Style", "Premise", "Author")
_labels_cache: weakref.WeakKeyDictionary[object, np.ndarray] = weakref.WeakKeyDictionary()


def _line_head(line: str | None, out: str) -> str | None:
    """The head of a fresh line after `out` is added (see _StyledRun.line)."""
    if "\n" in out:
        line = out.rsplit("\n", 1)[1]
    elif line is not None:
        line += out
    if line is not None and (len(line.split()) > 2 or len(line) > 40):
        return None
    return line


_token_sets: weakref.WeakKeyDictionary[object, dict[str, np.ndarray]] = weakref.WeakKeyDictionary()


def colon_tokens(engine: Engine) -> np.ndarray:
    """Tokens that begin with a colon: the end of a label such as "Sentence:"."""
    return _tokens_where(engine, "colon", lambda p: p.lstrip().startswith(b":"))


def break_tokens(engine: Engine) -> np.ndarray:
    """Tokens that begin with a line break."""
    return _tokens_where(engine, "break", lambda p: p.lstrip(b" ").startswith(b"\n"))


def _tokens_where(engine: Engine, kind: str, test: Callable[[bytes], bool]) -> np.ndarray:
    """Ids of the engine's tokens whose piece passes `test` (cached per engine and kind)."""
    found = _token_sets.setdefault(engine, {})
    if kind not in found:
        ids = [i for i, p in enumerate(engine.token_pieces()) if test(p)]
        found[kind] = np.array(ids, dtype=np.int64)
    return found[kind]


def label_tokens(engine: Engine) -> np.ndarray:
    """First tokens of the style header's label words, as they would start a line."""
    if engine not in _labels_cache:
        ids = {engine.tokenize(form)[0] for w in _LABEL_WORDS for form in (w, f" {w}")}
        _labels_cache[engine] = np.array(sorted(ids), dtype=np.int64)
    return _labels_cache[engine]


def sparse_bias(engine: Engine, style: Style) -> tuple[tuple[int, float], ...]:
    """The style's word bias as (token id, value) pairs, for engines that sample themselves.

    Built with the engine's tokenizer (a server's, when it has one); the vocabulary-wide
    past-tense penalty needs the whole vocabulary and is left out.
    """
    out: dict[int, float] = {}
    for word, value in bias_words(style).items():
        try:
            ids = word_token_ids(engine, word)
        except EngineError:
            return ()
        out.update(dict.fromkeys(ids, value))
    return tuple(out.items())


def _unhealed(text: str, healed: HealedPrompt) -> str:
    """The start of a continuation without the healed tail the document already has."""
    return text.removeprefix(healed.required_text)


def _checked_text_chunks(
    engine: Engine,
    healed: HealedPrompt,
    params: SamplerParams,
    cancel: threading.Event | None,
    check: VoiceCheck,
    quoted: bool,
    draft: Callable[[str], None] | None = None,
    header: bool = True,
) -> Iterator[str]:
    """The sentence check for an engine that streams text (a server): one request per
    try at a sentence, cut at its end; the server's prompt cache keeps each one cheap.
    With a style `header` in the prompt, tries that talk about it count as faults."""
    assert isinstance(healed.prompt, str)
    accepted = ""
    for k in range(MAX_SENTENCES):
        best: tuple[int, str, str, bool, bool] | None = None
        for n in range(MAX_ATTEMPTS):
            seed = None if params.seed is None else (params.seed + 7919 * n + 131 * k) % 2**31
            scale = 1.0 + BIAS_STEP * n
            bias = tuple((t, v * scale) for t, v in params.logit_bias)
            stream = engine.stream(
                healed.prompt + accepted, params.with_(seed=seed, logit_bias=bias), cancel
            )
            text, end, finished = "", None, True
            try:
                for chunk in stream:
                    text += chunk
                    if draft is not None:
                        draft(text if accepted else _unhealed(text, healed))
                    end = first_sentence_end(text, quoted)
                    if end is not None:
                        finished = False
                        break
            finally:
                close = getattr(stream, "close", None)
                if close is not None:
                    close()
            if cancel is not None and cancel.is_set():
                return
            piece = text[:end] if end is not None else text
            narration, quoted_after = narration_of(piece, quoted)
            faults = check.faults(narration, piece) + (0 if piece.strip() else 3)
            if header and (META.search(narration) or _LABEL_LINE.search(piece)):
                faults += ECHO_FAULTS
            if best is None or faults < best[0]:
                best = (faults, piece, narration, quoted_after, finished)
            if faults == 0:
                break
        assert best is not None
        _faults, piece, narration, quoted, finished = best
        check.accept(narration)
        accepted += piece
        if piece:
            yield piece
        if finished:
            return
