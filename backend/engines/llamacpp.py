"""The llama.cpp engine (GGUF, the default) through llama-cpp-python."""

from __future__ import annotations

import codecs
import logging
import os
import random
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from backend.engines import piece_cache
from backend.engines.adapter_file import BaseModel, check_adapter
from backend.engines.assembler import TextAssembler
from backend.engines.base import (
    AdapterSlot,
    Constraint,
    EngineError,
    GuidedSession,
    ProgressFn,
    Session,
    Stepper,
    TextStream,
)
from backend.engines.gguf_meta import check_gguf
from backend.engines.llama_adapter import (
    LlamaRuntime,
    progress_callback,
    route_native_logs,
)
from backend.engines.llama_batches import PREFILL_CHUNK, common_prefix
from backend.engines.llama_draft import drafted_tokens
from backend.engines.llama_pair import GuidedPair
from backend.engines.lookup import PromptLookup
from backend.engines.params import SamplerParams
from backend.engines.sampling import sample, seeded_rng
from backend.engines.threads import threads_now
from backend.engines.vocabulary import PrefixConstraint, Vocabulary
from backend.text.counts import CJK_CHAR
from backend.text.windows import prompt_tokens

log = logging.getLogger(__name__)

DEFAULT_CONTEXT = 4096
# Characters of the text so far kept to judge whether a token starts a new word.
WORD_TAIL = 4
# After a letter these continue the word ("don't", "well-known"): never a place to stop.
WORD_JOINERS = ("'", "\u2019", "-")
# A guided run's two prompts sharing at least this many tokens that neither context holds
# read them once, in the main context, and copy them into both sequences (guided_session).
READ_ONCE_TOKENS = 2 * PREFILL_CHUNK


def default_threads() -> int:
    """Physical-ish core count: llama.cpp decodes fastest without hyper-threads."""
    n = os.cpu_count() or 2
    return max(1, n if n <= 4 else n // 2)


class LlamaCppEngine:
    """A GGUF model run by llama.cpp, with its prompt prefix cached between calls."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        name: str | None = None,
        n_ctx: int = DEFAULT_CONTEXT,
        n_threads: int | None = None,
        extra_stop: Sequence[str] = (),
        cache: Path | None = None,
    ) -> None:
        self.path = Path(path)
        self._cache = cache  # a folder for the vocabulary's pieces (piece_cache), or None
        self._cache_file: Path | None = None
        self._kept: list[bytes] | None = None  # pieces read from that folder at load
        self.name = name or self.path.stem
        self.extra_stop = tuple(extra_stop)
        self._n_ctx = n_ctx
        self._n_threads = n_threads or default_threads()
        # A thread count the caller chose is kept; the default follows the system's load.
        self._adaptive = n_threads is None
        self._rt: LlamaRuntime | None = None
        self._pair: GuidedPair | None = None
        self._vocabulary: Vocabulary | None = None
        self._base: BaseModel | None = None  # read on the first adapter switch
        self._lock = threading.Lock()

    def load(self, progress: ProgressFn | None = None) -> None:
        """Check the file, then load it; llama.cpp reports its own loading progress."""
        report = progress or (lambda _f: None)
        check_gguf(self.path)
        report(0.02)
        try:
            import llama_cpp  # noqa: F401
        except ImportError as exc:
            raise EngineError("The llama.cpp engine (llama-cpp-python) is not installed.") from exc
        route_native_logs()
        on_progress = progress_callback(lambda f: report(0.02 + 0.93 * f))
        try:
            self._rt = LlamaRuntime(self.path, self._n_ctx, self._n_threads, on_progress)
        except (ValueError, RuntimeError, OSError) as exc:
            raise EngineError(
                f"llama.cpp could not load {self.path.name}; the file may be damaged or "
                f"use an architecture this version does not support ({exc})."
            ) from exc
        self._read_kept_vocabulary()
        report(1.0)
        log.info("Loaded %s with llama.cpp (context %d)", self.name, self.context_length)

    def _read_kept_vocabulary(self) -> None:
        """The end tokens, and the pieces too when the cache folder kept them for this
        model; otherwise the pieces are read from llama.cpp when first needed."""
        import llama_cpp

        rt = self._runtime()
        if self._cache is not None:
            version = llama_cpp.__version__
            self._cache_file = piece_cache.cache_file(self._cache, self.path, version, rt.n_vocab)
        kept = piece_cache.load(self._cache_file, rt.n_vocab)
        if kept is None:
            self._kept, self._end = None, rt.end_tokens()
        else:
            self._kept, self._end = kept

    @property
    def context_length(self) -> int:
        """Tokens in the context window we created."""
        return self._rt.n_ctx if self._rt is not None else self._n_ctx

    @property
    def runtime(self) -> LlamaRuntime:
        """The loaded llama.cpp model (benchmarks compare against it directly)."""
        return self._runtime()

    @property
    def bos_tokens(self) -> list[int]:
        """Tokens put in front of every prompt."""
        return self._runtime().bos_tokens()

    @property
    def vocabulary(self) -> Vocabulary:
        """The model's vocabulary (its pieces are read once, about 0.5 s for Gemma, unless
        the cache folder kept them)."""
        rt = self._runtime()
        if self._vocabulary is None:
            pieces = self._kept
            if pieces is None:
                pieces = rt.pieces()
                piece_cache.save(self._cache_file, pieces, self._end)
            self._kept = None
            self._vocabulary = Vocabulary(pieces, rt.tokenize, self._end)
        return self._vocabulary

    @property
    def stepper(self) -> Stepper:
        """llama.cpp gives us its logits, so Inkling can sample step by step."""
        return self

    @property
    def adapters(self) -> AdapterSlot:
        """LoRA adapters switch in llama.cpp without a reload."""
        return self

    @property
    def adapter(self) -> tuple[Path, float] | None:
        """The adapter in use and its strength (None: the plain model)."""
        return self._runtime().loras.current if self._rt is not None else None

    def set_adapter(self, path: Path | None, scale: float = 1.0) -> None:
        """Switch to the adapter at `path` with strength `scale` (None or 0: off).

        The file is checked against this model first; its tensors load once and stay, so
        switching back and forth or changing the strength costs a pointer swap. Every cached
        prompt is dropped, since it was computed with other weights.
        """
        rt = self._runtime()
        if path is not None:
            if self._base is None:
                self._base = BaseModel.of(self.path)
            check_adapter(path, self._base)
        with self._lock:
            rt.set_lora(path, scale)
            if self._pair is not None:
                self._pair.forget()
                rt.loras.apply(self._pair.context)

    def forget_adapter(self, path: Path) -> None:
        """Free a deleted adapter's tensors (unless it is the one in use)."""
        if self._rt is not None:
            with self._lock:
                self._rt.loras.forget(path)

    def score(self, tokens: Sequence[int], cancel: threading.Event | None = None) -> np.ndarray:
        """Log-probability of each of `tokens` after BOS and the tokens before it."""
        rt = self._runtime()
        start = rt.bos_tokens() or [rt.eos_token()]
        with self._lock:
            return rt.score([*start, *tokens], cancel)

    def tokenize(self, text: str) -> list[int]:
        """Token ids for text, without BOS or special tokens."""
        return self._runtime().tokenize(text)

    def stream(
        self,
        prompt: str | Sequence[int],
        params: SamplerParams,
        cancel: threading.Event | None = None,
        constraint: Constraint | None = None,
    ) -> TextStream:
        """Yield text as llama.cpp samples it; the KV cache keeps the shared prompt prefix."""
        rt = self._runtime()
        tokens = self._prompt_ids(prompt, params.max_tokens)
        assembler = TextAssembler((*params.stop, *self.extra_stop))
        # Drafted tokens are verified in batches, so the last row is not the one they were
        # picked from: drafting ignores min_confidence (see SamplerParams).
        cut = ConfidenceCut(0.0 if params.draft else params.min_confidence)
        with self._lock:
            if not rt.prefill(tokens, cancel):
                return
            produced = 0
            if constraint is not None and constraint.active:
                # Constrained tokens (token healing) are picked by Inkling's sampler.
                pieces = self.vocabulary.pieces
                rng = seeded_rng(params.seed)
                while constraint.active and produced < params.max_tokens:
                    if cancel is not None and cancel.is_set():
                        return
                    allowed = constraint.allowed()
                    if not len(allowed):
                        break
                    # With a mask the sampler reads only the allowed entries of the view.
                    tok = sample(rt.last_logits(), params, tokens, rng, allowed)
                    # Healing re-creates text the document has: never a place to stop, and
                    # only what comes past it counts as a word of the suggestion's own.
                    cut.feed(pieces[tok], _past_constraint(constraint, pieces[tok]))
                    constraint.advance(pieces[tok])
                    text = assembler.feed(pieces[tok])
                    if text:
                        yield text
                    produced += 1
                    tokens = [*tokens, tok]
                    rt.eval([tok])
            rt.set_seed(params.seed if params.seed is not None else random.randrange(2**31))
            yield from self._native(rt, tokens, params, produced, assembler, cut, cancel)

    def _native(
        self,
        rt: LlamaRuntime,
        tokens: list[int],
        params: SamplerParams,
        produced: int,
        assembler: TextAssembler,
        cut: ConfidenceCut,
        cancel: threading.Event | None,
    ) -> TextStream:
        """The rest of a stream, sampled by llama.cpp itself (its sampler runs in C, DRY
        included when `params` turn it on), with drafts from the prompt verified in one
        batch when `params.draft` asks for them."""
        bias = _bias_processor(params.logit_bias, rt.n_vocab)
        sampling = {
            "top_k": params.top_k,
            "top_p": params.top_p,
            "min_p": params.min_p,
            "temp": params.temperature,
            "repeat_penalty": params.repeat_penalty,
        }
        dry = params if params.dry else None
        if params.draft:
            rt.hold(tokens)
            lookup = PromptLookup(params.draft)
            generator = drafted_tokens(rt, tokens, lookup, bias, dry, **sampling)
        else:
            generator = rt.generate(tokens, bias, dry, **sampling)
        try:
            while produced < params.max_tokens and not assembler.stopped:
                if cancel is not None and cancel.is_set():
                    break
                tok = next(generator)
                if tok in self._end:
                    break
                data = rt.detokenize([tok])
                # The row `tok` was picked from: it is evaluated only on the next step.
                if cut.stops_before(data, rt.last_logits(), tok):
                    break
                cut.feed(data)
                produced += 1
                text = assembler.feed(data)
                if text:
                    yield text
        finally:
            generator.close()
        tail = assembler.flush()
        if tail:
            yield tail

    def session(
        self, prompt: Sequence[int], cancel: threading.Event | None = None
    ) -> Session | None:
        """A step-by-step logits session over `prompt` (None if cancelled while reading it)."""
        rt = self._runtime()
        if not rt.prefill(self._prompt_ids(list(prompt), 1), cancel):
            return None
        return LlamaSession(rt)

    def guided_session(
        self,
        prompt: Sequence[int],
        guide_prompt: Sequence[int],
        cancel: threading.Event | None = None,
    ) -> GuidedSession | None:
        """Two sequences stepped together in one batch, for classifier-free guidance: the
        styled prompt and the plain one cost one evaluation per token, not two.

        They live in a context of their own (sharing the model's weights), so the main
        context's cache, which suggestions rely on, is not disturbed; what it holds of
        either prompt is copied rather than read again (llama_pair.py).
        """
        rt = self._runtime()
        if self._pair is None:
            self._pair = rt.guided_pair()
        pair = self._pair
        pair.use_threads(rt.threads_now)
        main = self._prompt_ids(list(prompt), 1)
        guide = self._prompt_ids(list(guide_prompt), 1)
        with self._lock:  # the main context's cache may be copied from
            # The styled prompt is the plain one with the header near the end: when neither
            # context holds their common part, read the plain prompt once in the main
            # context (it is the suggestion's prompt at the cursor, which the next
            # suggestion there reads anyway) and copy it into both sequences, rather than
            # read it twice here.
            shares = common_prefix(main, guide) >= READ_ONCE_TOKENS
            unread = shares and pair.unread(guide, 1, rt) >= READ_ONCE_TOKENS
            if unread and not rt.prefill(guide[:-1], cancel):
                return None
            if not pair.seat(main, guide, cancel, source=rt):
                return None
        return pair

    def close(self) -> None:
        """Free the model and its contexts now, not whenever the garbage collector runs."""
        if self._pair is not None:
            try:
                self._pair.close()
            finally:
                self._pair = None
        if self._rt is not None:
            try:
                self._rt.close()
            finally:
                self._rt = None
                self._vocabulary = None

    def _runtime(self) -> LlamaRuntime:
        if self._rt is None:
            raise EngineError("No model is loaded.")
        if self._adaptive:
            self._rt.use_threads(threads_now(self._n_threads, self._rt.threads_now))
        return self._rt

    def _prompt_ids(self, prompt: str | Sequence[int], max_tokens: int) -> list[int]:
        rt = self._runtime()
        body = rt.tokenize(prompt) if isinstance(prompt, str) else list(prompt)
        return prompt_tokens(rt.bos_tokens(), body, self.context_length, max_tokens, rt.eos_token())


def _bias_processor(logit_bias: Sequence[tuple[int, float]], n_vocab: int) -> Any:
    """A llama-cpp-python logits processor adding a fixed bias per token (None if none)."""
    pairs = [(tok, value) for tok, value in logit_bias if tok < n_vocab]
    if not pairs:
        return None
    ids = np.asarray([tok for tok, _ in pairs], dtype=np.int64)
    values = np.asarray([value for _, value in pairs], dtype=np.float32)

    def apply(_input_ids: Any, scores: np.ndarray) -> np.ndarray:
        # The scores arrive indexed by token id (the full vocabulary, before any cut).
        scores[ids] += values
        return scores

    return [apply]


class ConfidenceCut:
    """Where a stream stops for `SamplerParams.min_confidence`: before a token that starts a
    new word and that the model gave less than that probability, once the stream has
    produced a word of its own (so never an empty suggestion, never half a word).

    A short suggestion the writer takes is worth more than a long one they must read and
    refuse; each token not generated saves one pass through the output layer.
    """

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.has_word = False  # the stream has produced a letter, digit or Han of its own
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._tail = ""

    def feed(self, data: bytes, new: bytes | None = None) -> None:
        """Record a token's bytes; `new` is the part of them that is new text (None: all)."""
        if self.threshold <= 0.0:
            return
        self._tail = (self._tail + self._decoder.decode(data))[-WORD_TAIL:]
        fresh = data if new is None else new
        if not self.has_word and any(ch.isalnum() for ch in fresh.decode("utf-8", "ignore")):
            self.has_word = True

    def stops_before(self, data: bytes, logits: np.ndarray, tok: int) -> bool:
        """True to end the stream before the token `tok` (bytes `data`) picked from `logits`."""
        if self.threshold <= 0.0 or not self.has_word:
            return False
        if not starts_word(self._tail, data.decode("utf-8", "ignore")):
            return False
        return probability(logits, tok) < self.threshold


def starts_word(before: str, head: str) -> bool:
    """True when text `head` after `before` begins a new word or a mark of punctuation, a
    place where a stream may end; never inside a word, nor next to a Chinese or Japanese
    character: in Chinese, ending where the model doubted the next word or mark left short
    pieces that saved fewer keystrokes (0.049 -> 0.027 cutting between words, 0.039 before
    punctuation only; bench/inline.py --lang zh), so Chinese text runs as it did."""
    if not head:
        return False  # part of a character: the rest of it comes with the next token
    first, last = head[0], before[-1:]
    if first.isspace() or not last:
        return True
    if CJK_CHAR.match(first) or CJK_CHAR.match(last):
        return False
    if first.isalnum():
        joined = last.isalnum() or (last in WORD_JOINERS and before[-2:-1].isalnum())
        return not joined  # "walk" + "ed", "don'" + "t"
    return not (first in WORD_JOINERS and last.isalnum())  # "don" + "'t", "well" + "-known"


def probability(logits: np.ndarray, tok: int) -> float:
    """The probability a row of logits gives `tok` (a softmax shifted by the row's maximum;
    about 0.3 ms over Gemma's 262k entries)."""
    top = logits.max()
    return float(np.exp(logits[tok] - top) / np.exp(logits - top).sum())


def _past_constraint(constraint: Constraint, piece: bytes) -> bytes:
    """The bytes of `piece` beyond what `constraint` still requires (healing's new text);
    none for another kind of constraint, whose text is never counted as a word."""
    if not isinstance(constraint, PrefixConstraint):
        return b""
    rest = constraint.remaining
    return piece[len(rest) :] if piece.startswith(rest) else b""


class LlamaSession:
    """Logits for the next token, and a way to feed the chosen one (the main context)."""

    def __init__(self, runtime: LlamaRuntime) -> None:
        self._rt = runtime

    def logits(self) -> np.ndarray:
        """The last position's logits (a view: copy before changing it)."""
        return self._rt.last_logits()

    def push(self, token: int) -> None:
        """Evaluate one more token."""
        self._rt.eval([token])
