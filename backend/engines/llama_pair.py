"""Two sequences in a llama.cpp context of their own, stepped together: the styled prompt
and the plain one it is guided against (classifier-free guidance). Split from
llama_adapter.py, which loads the model and owns the main context.

A sequence can start from what the main context already read: the plain prompt of a
styled continuation is, more often than not, the prompt the last suggestion at the cursor
read, and the styled one is that prompt with the style header a few paragraphs before the
end. The cache is copied over (llama.cpp's sequence state, about 18 KB a token on the
bundled model) into each sequence instead of being read again, so a styled continuation
asked for right after a suggestion reads only the header and the paragraphs after it. Both
contexts attend the same way (no flash attention) and give each sequence a cache stream of
its own that starts at cell 0, so a copied batch holds the very numbers reading it here
would give (see llama_batches: only batches evaluated as the same batches are kept).

The copy is of the source's whole cache (sequence -1: the main context holds one sequence):
a copy of sequence 0 alone would leave out the sliding-window layers' cells its last token no
longer sees, which a sequence cut back to a shorter prefix needs.
"""

from __future__ import annotations

import ctypes
import logging
import struct
import threading
from typing import Any, Protocol

import numpy as np

from backend.engines.base import EngineError
from backend.engines.llama_batches import (
    PREFILL_CHUNK,
    batches,
    common_prefix,
    kept_batches,
)

log = logging.getLogger(__name__)

# Caches larger than this are read again rather than copied (the bundled model's whole
# 4,096-token context is about 75 MB).
MAX_COPY_BYTES = 512 * 1024 * 1024
# The pair's cache has a stream per sequence, so each starts at cell 0 as the main one's does:
# the same cells, the same sums, the same numbers read or copied.
STREAMS = 2
STATE_MAGIC = 0xAF143CD8  # llama-context.cpp's io_magic, then the sequence's id
HEADER_BYTES = 8


class SequenceSource(Protocol):
    """A context on the same weights, holding one sequence, whose cache may be copied."""

    def held(self) -> tuple[list[int], list[tuple[int, int]]]:
        """The tokens its cache holds, and the batches they were evaluated in."""
        ...

    @property
    def native_context(self) -> Any:
        """The llama.cpp context pointer."""
        ...


def copy_sequence(llama_cpp: Any, source: Any, dest: Any, seq: int) -> bool:
    """Copy the cache of context `source` (one sequence in one stream) into sequence `seq`
    of context `dest` (a stream per sequence), both on the same weights, adapters and cache
    layout. False when the state is not the kind this knows or llama.cpp refuses it; the
    destination sequence is then empty."""
    size = int(llama_cpp.llama_state_seq_get_size(source, -1))
    if not 0 < size <= MAX_COPY_BYTES:
        return False
    buf = (ctypes.c_uint8 * size)()
    got = int(llama_cpp.llama_state_seq_get_data(source, buf, size, -1))
    state = restreamed(memoryview(buf).cast("B")[:got], STREAMS) if got > 0 else None
    memory = llama_cpp.llama_get_memory(dest)
    llama_cpp.llama_memory_seq_rm(memory, seq, -1, -1)
    if state is None or not _set_state(llama_cpp, dest, state, seq):
        llama_cpp.llama_memory_seq_rm(memory, seq, -1, -1)
        log.info("llama.cpp would not copy a sequence's cache; reading it instead")
        return False
    return True


def _set_state(llama_cpp: Any, dest: Any, state: bytearray, seq: int) -> bool:
    """Load a sequence state into sequence `seq` of `dest` (read in place, not copied)."""
    data = (ctypes.c_uint8 * len(state)).from_buffer(state)
    return int(llama_cpp.llama_state_seq_set_data(dest, data, len(state), seq)) > 0


def restreamed(state: bytes | memoryview, streams: int) -> bytearray | None:
    """A one-stream sequence state as a context with `streams` streams reads it: after
    llama.cpp's header (magic, sequence), each cache's part (llama_kv_cache::state_write: two
    for a model with sliding-window layers) with its cells in the first stream (llama.cpp
    puts them in the sequence's own) and the others empty. None when the bytes do not parse
    as that format to the last byte."""
    if len(state) < HEADER_BYTES or struct.unpack_from("<I", state)[0] != STATE_MAGIC:
        return None
    out, at = bytearray(state[:HEADER_BYTES]), HEADER_BYTES
    while at < len(state):
        block = _block_end(state, at)
        if block is None:
            return None
        out += struct.pack("<I", streams)
        out += state[at + 4 : block]
        out += bytes(4 * (streams - 1))
        at = block
    return out if at > HEADER_BYTES else None


def _block_end(state: bytes | memoryview, at: int) -> int | None:
    """Where one cache's part of a one-stream sequence state that starts at `at` ends."""
    try:
        n_stream, cells = struct.unpack_from("<II", state, at)
        at += 8
        if n_stream != 1:
            return None
        if cells == 0:
            return at
        for _ in range(cells):  # pos, number of sequences, their ids
            at += 8 + 4 * struct.unpack_from("<I", state, at + 4)[0]
        v_trans, layers = struct.unpack_from("<II", state, at)
        at += 8
        for _ in range(layers):  # keys: type, row size, a row per cell
            at += 12 + cells * struct.unpack_from("<Q", state, at + 4)[0]
        for _ in range(layers):  # values: by rows as keys, or transposed by elements
            if v_trans:
                element, width = struct.unpack_from("<II", state, at + 4)
                at += 12 + cells * element * width
            else:
                at += 12 + cells * struct.unpack_from("<Q", state, at + 4)[0]
    except struct.error:
        return None
    return at if at <= len(state) else None


class GuidedPair:
    """Two sequences in one llama.cpp context, evaluated together one token at a time.

    Sequence 0 is the styled prompt, sequence 1 the guide. Each keeps the tokens it holds
    so that a new request reuses the common prefix (the cache rolls back exactly, which
    retries depend on). A step decodes one batch of two tokens, which reads the weights
    once: measured on the bundled model, guided decoding went from about 28 to 36 tokens/s
    against two contexts stepped in turn (56 without guidance).
    """

    def __init__(self, model: Any, n_ctx: int, n_threads: int, n_vocab: int) -> None:
        import llama_cpp
        from llama_cpp import _internals

        self._llama_cpp = llama_cpp
        params = llama_cpp.llama_context_default_params()
        params.n_ctx = 2 * n_ctx  # each sequence gets half when the cache is not unified
        params.n_batch = params.n_ubatch = PREFILL_CHUNK
        params.n_seq_max = 2
        params.kv_unified = False
        params.swa_full = True
        # Flash attention off, as in the main context: the two caches then have the same
        # layout (values transposed) and a copy is exact, and the logits do not change with
        # the thread count (it did when on: 0.8 in a logit past a few hundred tokens).
        params.flash_attn_type = llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED
        params.n_threads = params.n_threads_batch = n_threads
        self._ctx = _internals.LlamaContext(model=model, params=params, verbose=False)
        self._batch = _internals.LlamaBatch(n_tokens=PREFILL_CHUNK, embd=0, n_seq_max=2)
        self._threads = n_threads
        self._n_vocab = n_vocab
        self.tokens: list[list[int]] = [[], []]
        self._done: list[list[tuple[int, int]]] = [[], []]  # per sequence, as in LlamaRuntime
        self.copied = 0  # tokens taken from another context's cache instead of read

    def use_threads(self, n: int) -> None:
        """Step with `n` threads from now on (see LlamaRuntime.use_threads)."""
        if n != self._threads:
            self._llama_cpp.llama_set_n_threads(self._ctx.ctx, n, n)
            self._threads = n

    @property
    def context(self) -> Any:
        """The native context (to set adapters on)."""
        return self._ctx.ctx

    def seat(
        self,
        main: list[int],
        guide: list[int],
        cancel: threading.Event | None = None,
        source: SequenceSource | None = None,
    ) -> bool:
        """Hold `main` and `guide`, keeping the batches of them already evaluated (see
        `batches`), here or in `source` (copied over when it holds more of a sequence); the
        last token of each is evaluated in one batch of two, for the logits."""
        for seq, tokens in enumerate((main, guide)):
            body = tokens[:-1]
            plan = batches(len(body))
            kept = self._borrow(seq, body, plan, source)
            keep = plan[kept - 1][1] if kept else 0
            if not self._ctx.kv_cache_seq_rm(seq, keep, -1):
                self._ctx.kv_cache_seq_rm(seq, 0, -1)
                keep = kept = 0
            self.tokens[seq] = self.tokens[seq][:keep]
            self._done[seq] = plan[:kept]
            for start, end in plan[kept:]:
                if cancel is not None and cancel.is_set():
                    return False
                self._decode([(t, seq) for t in body[start:end]], False)
                self._done[seq].append((start, end))
        if cancel is not None and cancel.is_set():
            return False
        self._decode([(main[-1], 0), (guide[-1], 1)], True)
        return True

    def _borrow(
        self, seq: int, body: list[int], plan: list[tuple[int, int]], source: SequenceSource | None
    ) -> int:
        """How many batches of `plan` sequence `seq` holds, after copying `source`'s cache
        into it when that holds more of them."""
        kept = kept_batches(self._done[seq], plan, common_prefix(self.tokens[seq], body))
        if source is None:
            return kept
        held, done = source.held()
        theirs = kept_batches(done, plan, common_prefix(held, body))
        if theirs <= kept:
            return kept
        if not copy_sequence(self._llama_cpp, source.native_context, self.context, seq):
            self.tokens[seq], self._done[seq] = [], []
            return 0
        self.tokens[seq], self._done[seq] = held, done
        self.copied += plan[theirs - 1][1] - (plan[kept - 1][1] if kept else 0)
        return theirs

    def unread(self, tokens: list[int], seq: int, source: SequenceSource) -> int:
        """How many tokens of the prompt `tokens` seating it in sequence `seq` would read:
        those in batches neither that sequence nor `source` holds (the last one aside, which
        is always evaluated)."""
        body = tokens[:-1]
        plan = batches(len(body))
        here = kept_batches(self._done[seq], plan, common_prefix(self.tokens[seq], body))
        held, done = source.held()
        kept = max(here, kept_batches(done, plan, common_prefix(held, body)))
        return len(body) - (plan[kept - 1][1] if kept else 0)

    def forget(self) -> None:
        """Drop both sequences (the weights changed)."""
        self._ctx.kv_cache_seq_rm(-1, 0, -1)
        self.tokens = [[], []]
        self._done = [[], []]

    def push(self, token: int) -> None:
        """Evaluate `token` at the end of both sequences, in one batch."""
        self._decode([(token, 0), (token, 1)], True)

    def logits(self) -> tuple[np.ndarray, np.ndarray]:
        """The next-token logits of the styled sequence and of the guide (views)."""
        get = self._llama_cpp.llama_get_logits_ith
        main, guide = (
            np.ctypeslib.as_array(get(self._ctx.ctx, i), shape=(self._n_vocab,)) for i in (0, 1)
        )
        return main, guide

    def _decode(self, entries: list[tuple[int, int]], want_logits: bool) -> None:
        batch = self._batch.batch
        batch.n_tokens = len(entries)
        for i, (token, seq) in enumerate(entries):
            batch.token[i] = token
            batch.pos[i] = len(self.tokens[seq])
            batch.seq_id[i][0] = seq
            batch.n_seq_id[i] = 1
            batch.logits[i] = want_logits
            self.tokens[seq].append(token)
        try:
            self._ctx.decode(self._batch)
        except RuntimeError as exc:
            self.forget()
            raise EngineError(f"llama.cpp could not evaluate the text ({exc}).") from exc

    def close(self) -> None:
        """Free the context and its batch."""
        self._batch.close()
        self._ctx.close()
