"""The glue between a job and long-book memory: token counting with the engine's own
tokenizer (cached, since most sections repeat from one request to the next), and each
task's share of the model's context."""

from __future__ import annotations

import weakref
from collections import OrderedDict
from dataclasses import replace

from backend.engines.base import Engine, EngineError
from backend.story.memory.assembly import Assembly, BookContext, assemble, chars_per_token

CACHE_ENTRIES = 2048
# The recent-text window is a new key at almost every keystroke and runs to thousands of
# characters, so the cache is bounded by what it holds too: 2,048 full windows were 12 MB
# of English (24 MB of Chinese) kept for nothing (bench/soak.py).
CACHE_CHARS = 400_000
SPARE_TOKENS = 16  # room for the start-of-text token and healing


class TokenCounter:
    """Counts tokens with the engine's tokenizer, remembering recent answers; a server
    without a tokenizer gets a careful estimate instead."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._cache: OrderedDict[str, int] = OrderedDict()
        self._chars = 0  # characters held as keys
        self.estimated = False

    def __call__(self, text: str) -> int:
        if not text:
            return 0
        hit = self._cache.get(text)
        if hit is not None:
            self._cache.move_to_end(text)
            return hit
        try:
            n = len(self._engine.tokenize(text)) if not self.estimated else -1
        except EngineError:
            self.estimated = True
            n = -1
        if n < 0:
            n = int(len(text) / chars_per_token(text)) + 1
        self._cache[text] = n
        self._chars += len(text)
        while len(self._cache) > CACHE_ENTRIES or self._chars > CACHE_CHARS:
            oldest, _n = self._cache.popitem(last=False)
            self._chars -= len(oldest)
        return n


_COUNTERS: weakref.WeakKeyDictionary[Engine, TokenCounter] = weakref.WeakKeyDictionary()


def counter_for(engine: Engine) -> TokenCounter:
    """The engine's token counter (one per engine, kept while the engine lives)."""
    try:
        counter = _COUNTERS.get(engine)
        if counter is None:
            counter = _COUNTERS[engine] = TokenCounter(engine)
        return counter
    except TypeError:  # an engine that cannot be weakly referenced
        return TokenCounter(engine)


def prompt_budget(engine: Engine, max_tokens: int, cap: int | None = None) -> int:
    """Tokens a prompt may take: the context less the reply (and `cap`, if smaller)."""
    room = max(64, engine.context_length - max_tokens - SPARE_TOKENS)
    return min(room, cap) if cap else room


def assemble_for(
    engine: Engine,
    book: BookContext,
    before: str,
    max_tokens: int,
    *,
    cap: int | None = None,
    offset: int = 0,
    header: str = "",
    settled: bool = False,
    task: str = "",
) -> Assembly:
    """The assembled prompt of a `task` on `engine`. A style `header` of a `cap`ped prompt
    counts on top of the cap when the context has room for it: the rest is then the prompt a
    suggestion at the cursor reads (the same window), which a guided styled continuation
    reads as the prompt it is guided against. With the header a few paragraphs before the
    end, the styled prompt shares all of that window but its last paragraphs too; both are
    taken from the suggestion's cache instead of read again (backend/engines/llama_pair.py)."""
    budget = prompt_budget(engine, max_tokens, cap)
    count = counter_for(engine)
    on_top = bool(cap and header) and budget + count(header) <= prompt_budget(engine, max_tokens)
    asm = assemble(
        book, before, count, budget, offset=offset, header=header, settled=settled,
        header_on_top=on_top,
    )  # fmt: skip
    return replace(asm, task=task)
