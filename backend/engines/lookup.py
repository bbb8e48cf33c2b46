"""Drafts from the writer's own text: the tokens that followed the last few tokens when they
last occurred in the prompt (prompt-lookup decoding, as llama-cpp-python's
LlamaPromptLookupDecoding drafts). Pure token arithmetic, no llama.cpp calls.

Fiction repeats itself in names, tags and turns of phrase ("said the Mock Turtle", "the
White Rabbit"), so a draft is right often enough that verifying it in one batch beats
decoding its tokens one by one (backend/engines/llama_draft.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MAX_NGRAM = 3
# A single shared token (" the") predicts too little in prose to be worth a batch.
MIN_NGRAM = 2
# Only the most recent part of a long prompt is searched: it is what the text is about now,
# and the search stays well under a millisecond.
SEARCH_TOKENS = 4096


class PromptLookup:
    """Proposes up to `size` tokens by matching the newest tokens against the prompt."""

    def __init__(self, size: int, max_ngram: int = MAX_NGRAM, min_ngram: int = MIN_NGRAM) -> None:
        self.size = max(0, size)
        self.max_ngram = max_ngram
        self.min_ngram = max(1, min(min_ngram, max_ngram))
        self._ids = np.zeros(0, dtype=np.int32)
        self._n = 0

    def reset(self, tokens: Sequence[int]) -> None:
        """Start from `tokens` (the prompt)."""
        tail = list(tokens)[-SEARCH_TOKENS:]
        self._ids = np.zeros(len(tail) + 256, dtype=np.int32)
        self._ids[: len(tail)] = tail
        self._n = len(tail)

    def push(self, tokens: Sequence[int]) -> None:
        """Tokens accepted since: they are searched too (a draft can repeat generated text)."""
        need = self._n + len(tokens)
        if need > len(self._ids):
            grown = np.zeros(need * 2, dtype=np.int32)
            grown[: self._n] = self._ids[: self._n]
            self._ids = grown
        self._ids[self._n : need] = tokens
        self._n = need

    def draft(self, last: int) -> list[int]:
        """Up to `size` tokens likely to follow the held tokens and then `last` (may be [])."""
        if self.size == 0:
            return []
        ids = self._ids[: self._n]
        for n in range(self.max_ngram, self.min_ngram - 1, -1):
            if self._n + 1 < n + 1:
                continue
            pattern = np.append(ids[self._n - n + 1 :], last).astype(np.int32)
            # Candidate ends: where `last` occurs, leaving room for the rest of the n-gram
            # before it and at least one token after it (never the newest token itself).
            ends = np.flatnonzero(ids[n - 1 : self._n - 1] == last) + n - 1
            for k in range(1, n):
                if not len(ends):
                    break
                ends = ends[ids[ends - k] == pattern[n - 1 - k]]
            if len(ends):
                start = int(ends[-1]) + 1  # the most recent occurrence
                return ids[start : start + self.size].tolist()
        return []
