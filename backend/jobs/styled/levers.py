"""The styled job's generation levers, each a small logits processor.

Every lever is a callable `(recent ids, logits) -> logits` (the shape of llama-cpp-python's
`LogitsProcessor`), combined in a list and run in order before the one sampler. What a
lever needs to know about where sampling stands (inside dialogue? at a line's head? how
many words so far?) it reads from the run's shared `Position`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from backend.engines.base import Engine, EngineError
from backend.engines.vocabulary import Vocabulary, word_token_ids
from backend.story.style.bias import ED_AWAY, bias_words
from backend.story.style.model import Style
from backend.text.counts import CJK_CHAR

LABEL_PENALTY = 10.0


@dataclass
class Position:
    """Where sampling stands, as the levers see it."""

    quoted: bool = False  # inside quoted speech
    # The head of a fresh line ("" right after a line break) while it is at most two
    # words long; None elsewhere. "Sentence: first person" starts that way.
    line: str | None = None
    words: int = 0  # words kept and written so far
    first: bool = False  # the first token of a try at a sentence
    bias_scale: float = 1.0  # grows with each new try at a sentence that missed the voice
    # After a try that broke the paragraph to start a new header, the next tries at that
    # sentence are held to the same paragraph.
    hold_break: bool = False


def guided(main: np.ndarray, guide: np.ndarray | None, scale: float) -> np.ndarray:
    """Classifier-free guidance: guide + scale * (main - guide), as a float32 copy."""
    logits = np.array(main, dtype=np.float32)
    if guide is None:
        return logits
    g = np.asarray(guide, dtype=np.float32)
    return g + scale * (logits - g)


class HoldEnd:
    """A small model likes to end the text early: the end is held back until the
    continuation has the words its length promises."""

    def __init__(self, end_ids: np.ndarray, min_words: int, position: Position) -> None:
        self.end_ids = end_ids
        self.min_words = min_words
        self.position = position

    def __call__(self, _recent: Sequence[int], logits: np.ndarray) -> np.ndarray:
        if self.position.words < self.min_words and self.end_ids.size:
            logits[self.end_ids[self.end_ids < logits.size]] = -np.inf
        return logits


class StyleBias:
    """The point-of-view and tense bias, in narration only (never inside dialogue)."""

    def __init__(self, vocab: Vocabulary, style: Style, position: Position) -> None:
        self.vocab = vocab
        self.style = style
        self.position = position
        self._vector: np.ndarray | None = None
        self._size = -1

    def __call__(self, _recent: Sequence[int], logits: np.ndarray) -> np.ndarray:
        if self._size != logits.size:
            # Sized by the logits, which may hold more entries than the tokenizer has.
            self._vector = bias_vector(self.vocab, self.style, logits.size)
            self._size = logits.size
        if self._vector is not None and not self.position.quoted:
            logits += self.position.bias_scale * self._vector
        return logits


class LabelPenalty:
    """At a line's start a header label word ("Narration"), after a word or two a label's
    colon, is held down: a base model likes to begin a new header there."""

    def __init__(self, labels: np.ndarray, colons: np.ndarray, position: Position) -> None:
        self.labels = labels
        self.colons = colons
        self.position = position

    def __call__(self, _recent: Sequence[int], logits: np.ndarray) -> np.ndarray:
        line = self.position.line
        if line is not None and not self.position.quoted:
            held = self.labels if not line.strip() else self.colons
            logits[held[held < logits.size]] -= LABEL_PENALTY
        return logits


class BreakPenalty:
    """After a try that broke the paragraph to start a new header, the next try at the
    sentence may not open with a line break."""

    def __init__(self, breaks: np.ndarray, position: Position) -> None:
        self.breaks = breaks
        self.position = position

    def __call__(self, _recent: Sequence[int], logits: np.ndarray) -> np.ndarray:
        if self.position.first and self.position.hold_break:
            logits[self.breaks[self.breaks < logits.size]] -= LABEL_PENALTY
        return logits


def bias_vector(vocab: Vocabulary, style: Style, size: int) -> np.ndarray | None:
    """Per-token logit bias for the style's POV and tense words (None when neutral)."""
    words = bias_words(style)
    if not words:
        return None
    ed = ED_AWAY if style.tense == "present" else 0.0
    key = ("style-bias", ed, tuple(sorted(words.items())), size)
    return vocab.memo(key, lambda: _build_bias(vocab, words, ed, size))


def _build_bias(vocab: Vocabulary, words: dict[str, float], ed: float, size: int) -> np.ndarray:
    vec = np.zeros(size, dtype=np.float32)
    if ed:
        # Regular past forms ("-ed" words) are too many to list: find them in the
        # vocabulary itself.
        for i, piece in enumerate(vocab.pieces[:size]):
            form = piece.strip().lower()
            if len(form) >= 5 and form.endswith(b"ed") and form.isalpha():
                vec[i] = -ed
    for word, value in words.items():
        for tok in _word_tokens(vocab, word):
            if tok < size:
                vec[tok] = value
    return vec


def _word_tokens(vocab: Vocabulary, word: str) -> list[int] | np.ndarray:
    """Tokens of a bias word: its single-token spellings; for a Chinese pronoun every token
    that starts with it (他, 他们, 他的), since Chinese tokens run words together."""
    if not CJK_CHAR.match(word):
        return vocab.word_ids(word, bare=True)
    head = word.encode()
    return vocab.tokens_where(lambda p: p.lstrip(b" ").startswith(head), ("cjk-word", word))


def colon_tokens(vocab: Vocabulary) -> np.ndarray:
    """Tokens that begin with a colon: the end of a label such as "Sentence:"."""
    return vocab.tokens_where(lambda p: p.lstrip().startswith((b":", "：".encode())), "colon")


def break_tokens(vocab: Vocabulary) -> np.ndarray:
    """Tokens that begin with a line break."""
    return vocab.tokens_where(lambda p: p.lstrip(b" ").startswith(b"\n"), "break")


def label_tokens(vocab: Vocabulary, words: tuple[str, ...]) -> np.ndarray:
    """First tokens of the style header's label words (the language pack's `label_words`),
    as they would start a line."""

    def build() -> np.ndarray:
        ids = {vocab.tokenize(form)[0] for w in words for form in (w, f" {w}")}
        return np.array(sorted(ids), dtype=np.int64)

    return vocab.memo(("label-tokens", words), build)


def sparse_bias(engine: Engine, style: Style) -> tuple[tuple[int, float], ...]:
    """The style's word bias as (token id, value) pairs, for engines that sample themselves.

    Built with the engine's tokenizer (a server's, when it has one); the vocabulary-wide
    past-tense penalty needs the whole vocabulary and is left out.
    """
    out: dict[int, float] = {}
    for word, value in bias_words(style).items():
        try:
            ids = word_token_ids(engine.tokenize, word)
        except EngineError:
            return ()
        out.update(dict.fromkeys(ids, value))
    return tuple(out.items())
