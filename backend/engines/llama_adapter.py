"""Everything Inkling touches inside llama-cpp-python beyond its public API, in one place.

The high-level `Llama` class offers no progress callback, no way to roll its KV cache back
to a shared prefix, no raw logits of the last position and no second sequence. We reach
into its internals for those, only here; `check_internals()` lists whatever the pinned
version no longer has, and tests/backend/engines/test_llama_adapter.py fails loudly on it.
"""

from __future__ import annotations

import ctypes
import inspect
import logging
import threading
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from backend.engines.base import EngineError
from backend.engines.llama_batches import (
    batches,
    common_prefix,
    kept_batches,
)
from backend.engines.llama_lora import LoraSet
from backend.engines.llama_pair import GuidedPair
from backend.engines.llama_sampler import ChainModel, native_chain
from backend.engines.params import SamplerParams

log = logging.getLogger(__name__)

# The attributes of a loaded `Llama` that this module reads or writes.
LLAMA_ATTRIBUTES = (
    "_model", "_ctx", "_batch", "_requires_eval", "_sampler", "_init_sampler", "input_ids",
    "n_tokens", "_seed", "_input_ids", "last_n_tokens_size",
)  # fmt: skip
_load_lock = threading.Lock()


def check_internals() -> list[str]:
    """What this module relies on that the installed llama-cpp-python lacks (empty: all)."""
    import llama_cpp
    from llama_cpp import _internals

    problems = []
    init_source = inspect.getsource(llama_cpp.Llama.__init__)
    if "llama_cpp.llama_model_default_params()" not in init_source:
        problems.append("Llama.__init__ no longer builds llama_model_default_params()")
    for name in (
        "llama_get_logits_ith", "llama_token_to_piece", "llama_vocab_is_eog",
        "llama_adapter_lora_init", "llama_adapter_lora_free", "llama_set_adapters_lora",
        "llama_sampler_init_dry", "llama_sampler_accept", "llama_sampler_chain_add",
    ):  # fmt: skip
        if not hasattr(llama_cpp, name):
            problems.append(f"llama_cpp.{name} is gone")
    for cls, members in (
        (_internals.LlamaContext, ("decode", "kv_cache_seq_rm", "close")),
        (_internals.LlamaBatch, ("close", "set_batch")),
        (_internals.LlamaModel, ("add_bos_token",)),
        (_internals.LlamaSampler, (
            "sample", "close", "add_custom", "add_penalties", "add_greedy", "add_top_k",
            "add_typical", "add_top_p", "add_min_p", "add_temp", "add_dist",
        )),
        (llama_cpp.Llama, ("eval", "reset", "generate", "set_seed", "n_vocab", "close")),
    ):  # fmt: skip
        problems += [f"{cls.__name__}.{m} is gone" for m in members if not hasattr(cls, m)]
    return problems


class LlamaRuntime:
    """A loaded `Llama` seen through the few operations the engine needs."""

    def __init__(self, path: Path, n_ctx: int, n_threads: int, on_progress: Any) -> None:
        import llama_cpp

        self._llama_cpp = llama_cpp
        self.llm = _load_llama(llama_cpp, path, n_ctx, n_threads, on_progress)
        missing = [a for a in LLAMA_ATTRIBUTES if not hasattr(self.llm, a)]
        if missing:
            self.llm.close()
            raise EngineError(
                "This llama-cpp-python is not the version Inkling was built for "
                f"(missing: {', '.join(missing)})."
            )
        self.n_vocab = int(self.llm.n_vocab())
        self.n_threads = n_threads
        self.threads_now = n_threads
        self.loras = LoraSet(llama_cpp, self.llm._model.model)
        self._done: list[tuple[int, int]] = []  # the cached batches `batches` planned
        self._ready: list[int] | None = None  # the prompt whose logits the context holds
        self._left = 0  # `llm.n_tokens` as this class last left it

    @property
    def n_ctx(self) -> int:
        """Tokens in the context window."""
        return int(self.llm.n_ctx())

    def use_threads(self, n: int) -> None:
        """Decode (and read prompts) with `n` threads from now on (at most those loaded)."""
        n = max(1, min(n, self.n_threads))
        if n != self.threads_now:
            self._llama_cpp.llama_set_n_threads(self.llm._ctx.ctx, n, n)
            self.threads_now = n

    def bos_tokens(self) -> list[int]:
        """The BOS token when the model wants one in front of every prompt."""
        if self.llm._model.add_bos_token():
            bos = self.llm.token_bos()
            return [bos] if bos >= 0 else []
        return []

    def eos_token(self) -> int:
        """The end-of-text token."""
        return int(self.llm.token_eos())

    def tokenize(self, text: str) -> list[int]:
        """Token ids for text, without BOS or special tokens."""
        return list(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def detokenize(self, tokens: Sequence[int]) -> bytes:
        """The bytes of `tokens`."""
        return bytes(self.llm.detokenize(list(tokens)))

    def end_tokens(self) -> set[int]:
        """Every end-of-generation token of the vocabulary."""
        vocab = self.llm._model.vocab
        is_eog = self._llama_cpp.llama_vocab_is_eog
        return {t for t in range(self.n_vocab) if is_eog(vocab, t)}

    def pieces(self) -> list[bytes]:
        """Decoded bytes of every vocabulary entry (about 0.6 s for Gemma's 262k)."""
        vocab = self.llm._model.vocab
        to_piece = self._llama_cpp.llama_token_to_piece
        size = 64
        buf = ctypes.create_string_buffer(size)
        out = []
        for tok in range(self.n_vocab):
            n = to_piece(vocab, tok, buf, size, 0, False)
            if n < 0:
                big = ctypes.create_string_buffer(-n)
                n = to_piece(vocab, tok, big, -n, 0, False)
                out.append(big.raw[:n])
            else:
                out.append(buf.raw[:n])
        return out

    def prefill(self, tokens: list[int], cancel: threading.Event | None) -> bool:
        """Evaluate `tokens` in the batches their length fixes, keeping those cached (False:
        cancelled). The logits are the same whatever the cache held before (see `batches`)."""
        llm = self.llm
        if llm.n_tokens != self._left:  # evaluated through `llm` directly: trust none of it
            self._done, self._ready = [], None
        if tokens == self._ready and llm.n_tokens == len(tokens) and not llm._requires_eval:
            return True
        self._ready = None
        plan = batches(len(tokens))
        shared = common_prefix(llm.input_ids[: llm.n_tokens].tolist(), tokens)
        # The last batch always runs again: its last token gives the logits.
        kept = kept_batches(self._done, plan[:-1], shared)
        keep = plan[kept - 1][1] if kept else 0
        if keep > 0 and llm._ctx.kv_cache_seq_rm(-1, keep, -1):
            llm.n_tokens = keep
        else:
            llm.reset()
            kept = 0
        self._done = plan[:kept]
        try:
            for start, end in plan[kept:]:
                if cancel is not None and cancel.is_set():
                    return False
                self._run(tokens[start:end], logits=end == len(tokens))
                self._done.append((start, end))
        finally:
            self._left = llm.n_tokens
        self._ready = list(tokens)
        return True

    def _run(self, tokens: list[int], logits: bool) -> None:
        """Evaluate one batch at the end of the cache, with the logits of its last token or
        without: they cost about 10 ms a batch on the bundled model, and only the prompt's
        last batch needs them."""
        llm = self.llm
        if logits:
            llm.eval(tokens)
            return
        n_past = llm.n_tokens
        llm._ctx.kv_cache_seq_rm(-1, n_past, -1)  # as `Llama.eval` does
        llm._batch.set_batch(batch=tokens, n_past=n_past, logits_all=False)
        llm._batch.batch.logits[len(tokens) - 1] = False
        llm._ctx.decode(llm._batch)
        llm.input_ids[n_past : n_past + len(tokens)] = tokens
        llm.n_tokens = n_past + len(tokens)

    def eval(self, tokens: Sequence[int]) -> None:
        """Evaluate more tokens at the end of the cached sequence."""
        self._ready = None
        self._done = [b for b in self._done if b[1] <= self.llm.n_tokens]
        try:
            self.llm.eval(list(tokens))
        finally:
            self._left = self.llm.n_tokens

    def hold(self, tokens: list[int]) -> None:
        """Make the cache hold exactly `tokens`, the last one's logits at hand."""
        llm = self.llm
        if llm.input_ids[: llm.n_tokens].tolist() != tokens or llm._requires_eval:
            # llama-cpp-python would evaluate the prompt in batches of its own choosing.
            self.prefill(tokens, None)

    def decode_all(self, tokens: Sequence[int]) -> None:
        """Evaluate `tokens` at the end of the cache in one batch, with the logits of every
        one of them (row i of the batch: see `sample_at`), to verify a draft."""
        llm = self.llm
        self._ready = None
        n_past = llm.n_tokens
        self._done = [b for b in self._done if b[1] <= n_past]
        llm._ctx.kv_cache_seq_rm(-1, n_past, -1)
        llm._batch.set_batch(batch=list(tokens), n_past=n_past, logits_all=True)
        try:
            llm._ctx.decode(llm._batch)
        finally:
            self._left = llm.n_tokens
        llm.input_ids[n_past : n_past + len(tokens)] = tokens
        llm.n_tokens = self._left = n_past + len(tokens)

    def truncate(self, n: int) -> None:
        """Forget every cached token after the first `n` (a draft's rejected tail)."""
        llm = self.llm
        if n < llm.n_tokens:
            llm._ctx.kv_cache_seq_rm(-1, n, -1)
            llm.n_tokens = self._left = n
            self._done = [b for b in self._done if b[1] <= n]

    def sampler(
        self,
        logits_processor: Any,
        dry: SamplerParams | None = None,
        history: Sequence[int] = (),
        **sampling: Any,
    ) -> Any:
        """llama.cpp's own sampler chain, built as `Llama.generate` builds it (with DRY after
        the penalties when `dry` turns it on, shown the `history` the picks follow); its
        `sample` picks from a row of the last batch and remembers the pick (penalties, DRY,
        its seed)."""
        if dry is not None and dry.dry:
            chain = self._chain_model()
            return native_chain(chain, dry, history, logits_processor=logits_processor, **sampling)
        return self.llm._init_sampler(logits_processor=logits_processor, **sampling)

    def _chain_model(self) -> ChainModel:
        """What `native_chain` reads of the loaded model, as `_init_sampler` reads it."""
        llm = self.llm
        return ChainModel(
            llm._model, self.n_vocab, llm.last_n_tokens_size, llm._seed, lambda: llm._input_ids
        )

    def sample_at(self, sampler: Any, row: int) -> int:
        """The token `sampler` picks from row `row` of the last batch (-1: its last)."""
        return int(sampler.sample(self.llm._ctx, row))

    def last_logits(self) -> np.ndarray:
        """The last evaluated position's logits (a view: copy before changing it)."""
        ptr = self._llama_cpp.llama_get_logits_ith(self.llm._ctx.ctx, -1)
        return np.ctypeslib.as_array(ptr, shape=(self.n_vocab,))

    def set_seed(self, seed: int) -> None:
        """Seed llama.cpp's own sampler."""
        self.llm.set_seed(seed)

    def generate(
        self,
        tokens: list[int],
        logits_processor: Any,
        dry: SamplerParams | None = None,
        **sampling: Any,
    ) -> Any:
        """llama.cpp's own sampling loop over `tokens` (a generator of token ids), with DRY
        in its sampler chain when `dry` turns it on.

        `Llama.generate` builds its chain with `_init_sampler` when it starts, which knows
        no DRY: for that one call the instance is handed our chain builder in its place, so
        the loop itself (the cache reuse, evaluation and sampling) stays llama-cpp-python's.
        Its sampler is freed as soon as the loop ends. llama-cpp-python's sampler sits in a
        reference cycle, so each one otherwise kept about 3 MB of native memory until the
        garbage collector came round: 30-180 MB more while suggestions streamed
        (bench/soak.py), none of it visible to tracemalloc.
        """
        llm = self.llm
        self.hold(tokens)
        self._ready = None
        inner = llm.generate(tokens, reset=True, logits_processor=logits_processor, **sampling)
        try:
            if dry is not None and dry.dry:
                llm._init_sampler = partial(native_chain, self._chain_model(), dry, tokens)
                try:
                    first = next(inner, None)  # the loop builds its sampler here
                finally:
                    del llm._init_sampler  # the class's own again
                if first is None:
                    return
                yield first
            yield from inner
        finally:
            inner.close()
            self._left = llm.n_tokens
            if llm._sampler is not None:  # the next generate makes a new one
                llm._sampler.close()
                llm._sampler = None

    def held(self) -> tuple[list[int], list[tuple[int, int]]]:
        """The tokens the cache holds and the batches they were evaluated in (nothing when
        something evaluated through `llm` directly since)."""
        llm = self.llm
        if llm.n_tokens != self._left or llm._requires_eval:
            return [], []
        return llm.input_ids[: llm.n_tokens].tolist(), list(self._done)

    @property
    def native_context(self) -> Any:
        """The main context's llama.cpp pointer."""
        return self.llm._ctx.ctx

    def guided_pair(self) -> GuidedPair:
        """A second context on the same weights holding two sequences (for guidance)."""
        pair = GuidedPair(self.llm._model, self.n_ctx, self.n_threads, self.n_vocab)
        self.loras.apply(pair.context)
        return pair

    def set_lora(self, path: Path | None, scale: float) -> None:
        """Apply an adapter (None: none) to the main context and forget what it cached."""
        self.loras.choose(path, scale)
        self.loras.apply(self.llm._ctx.ctx)
        self.llm.reset()  # the cached prefix was computed with other weights
        self._done, self._ready, self._left = [], None, 0

    def score(self, tokens: Sequence[int], cancel: threading.Event | None = None) -> np.ndarray:
        """Log-probability of each of `tokens[1:]` after the ones before it (one window).

        A context of its own, sized to the window and asking for every position's logits,
        made and freed per call: the main context's cache is not disturbed.
        """
        from llama_cpp import _internals

        params = self._llama_cpp.llama_context_default_params()
        params.n_ctx = params.n_batch = params.n_ubatch = max(16, len(tokens))
        params.n_threads = params.n_threads_batch = self.n_threads
        ctx = _internals.LlamaContext(model=self.llm._model, params=params, verbose=False)
        batch = _internals.LlamaBatch(n_tokens=len(tokens), embd=0, n_seq_max=1)
        try:
            self.loras.apply(ctx.ctx)
            batch.set_batch(list(tokens), n_past=0, logits_all=True)
            ctx.decode(batch)
            get = self._llama_cpp.llama_get_logits_ith
            out = np.empty(len(tokens) - 1, dtype=np.float64)
            for i in range(len(tokens) - 1):
                if cancel is not None and cancel.is_set():
                    raise EngineError("Cancelled.")
                row = np.ctypeslib.as_array(get(ctx.ctx, i), shape=(self.n_vocab,))
                top = float(row.max())
                log_z = top + float(np.log(np.exp(row - top, dtype=np.float64).sum()))
                out[i] = float(row[tokens[i + 1]]) - log_z
            return out
        finally:
            batch.close()
            ctx.close()

    def close(self) -> None:
        """Free the adapters, the model and its context."""
        self.loras.close()
        self.llm.close()


_native_log_callback = None
_native_log = logging.getLogger("llama.cpp")


def route_native_logs() -> None:
    """Send llama.cpp's own messages to Python logging instead of the terminal."""
    global _native_log_callback
    if _native_log_callback is not None:
        return
    import llama_cpp

    @llama_cpp.llama_log_callback
    def on_log(level: int, text: bytes, _user: Any) -> None:
        # ggml levels: 1 debug, 2 info, 3 warning (chatty: every context it makes), 4 error.
        message = text.decode("utf-8", "replace").rstrip()
        if message:
            _native_log.log(logging.ERROR if level == 4 else logging.DEBUG, "%s", message)

    _native_log_callback = on_log  # keep the ctypes callback alive for the process
    llama_cpp.llama_log_set(on_log, ctypes.c_void_p(0))


def read_vocabulary_only(path: Path) -> None:
    """Load only the vocabulary of `path` (llama.cpp refuses an architecture it lacks)."""
    import llama_cpp

    route_native_logs()
    llm = llama_cpp.Llama(str(path), vocab_only=True, verbose=False)
    llm.close()


def progress_callback(report: Any) -> Any:
    """A llama.cpp model-loading progress callback calling `report(fraction)`."""
    import llama_cpp

    @llama_cpp.llama_progress_callback
    def on_progress(fraction: float, _user: Any) -> bool:
        report(float(fraction))
        return True

    return on_progress


def _load_llama(llama_cpp: Any, path: Path, n_ctx: int, n_threads: int, on_progress: Any) -> Any:
    """Build a Llama whose model load reports progress through `on_progress`."""
    bindings = llama_cpp.llama_cpp
    original = bindings.llama_model_default_params

    def params_with_progress() -> Any:
        p = original()
        p.progress_callback = on_progress
        return p

    # llama-cpp-python has no constructor argument for the progress callback; it builds the
    # model params from this function, so we hand it one that carries ours (under a lock:
    # two loads at once would restore each other's function).
    with _load_lock:
        bindings.llama_model_default_params = params_with_progress
        try:
            return llama_cpp.Llama(
                str(path),
                n_ctx=n_ctx,
                n_threads=n_threads,
                n_threads_batch=n_threads,
                n_batch=512,
                swa_full=True,  # lets the cache roll back a few tokens exactly (token healing)
                # Flash attention splits its sums by thread on the CPU past a few hundred
                # tokens, and the threads follow the load: the same prompt would give other
                # logits on a busy machine. Off, as in the guided pair (llama_pair.py).
                flash_attn=False,
                verbose=False,
            )
        finally:
            bindings.llama_model_default_params = original
