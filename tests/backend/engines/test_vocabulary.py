"""A loaded model's vocabulary and the facts jobs derive from it, kept per model."""

from __future__ import annotations

import numpy as np

from backend.engines.vocabulary import Vocabulary, word_token_ids

PIECES = [b"", b" she", b" She", b"She", b"she", b" walked", b":", b"\n", b" :x"]


def tokenize(text: str) -> list[int]:
    data = text.encode()
    return [PIECES.index(data)] if data in PIECES else [0, 0]


def test_word_ids_are_single_token_spellings() -> None:
    vocab = Vocabulary(PIECES, tokenize, end_tokens=[0])
    assert vocab.word_ids("she") == [1, 2, 3]
    assert vocab.word_ids("she", bare=True) == [1, 2, 3, 4]
    assert word_token_ids(tokenize, "walked") == [5]
    assert vocab.size == len(PIECES)


def test_banned_tokens_include_the_end_tokens() -> None:
    vocab = Vocabulary(PIECES, tokenize, end_tokens=[0], banned=[7])
    assert vocab.end_tokens == {0} and vocab.banned == {0, 7}
    # Healing never offers a banned token.
    assert 7 not in vocab.piece_index.consistent_with(b"\n").tolist()


def test_memo_builds_once_per_vocabulary() -> None:
    built: list[int] = []
    a = Vocabulary(PIECES, tokenize, end_tokens=[0])
    b = Vocabulary(PIECES, tokenize, end_tokens=[0])
    first = a.memo("k", lambda: built.append(1) or [1])
    assert a.memo("k", lambda: built.append(2) or [2]) is first
    b.memo("k", lambda: built.append(3) or [3])
    assert built == [1, 3]  # a reloaded model never sees another model's facts


def test_tokens_where() -> None:
    vocab = Vocabulary(PIECES, tokenize, end_tokens=[0])
    colons = vocab.tokens_where(lambda p: p.lstrip().startswith(b":"), "colon")
    assert isinstance(colons, np.ndarray) and colons.tolist() == [6, 8]


def test_the_index_can_be_built_in_the_background() -> None:
    import threading

    vocab = Vocabulary(PIECES, tokenize, end_tokens=[0])
    assert vocab.index_ready  # nothing building: healing builds it on first use
    release, done = threading.Event(), threading.Event()
    original = Vocabulary.piece_index.func  # type: ignore[attr-defined]

    def slow(self: Vocabulary):
        release.wait(10)
        return original(self)

    Vocabulary.piece_index.func = slow  # type: ignore[attr-defined]
    try:
        vocab.build_index_in_background(then=done.set)
        assert not vocab.index_ready  # healing goes without it meanwhile
        release.set()
        assert done.wait(10)
    finally:
        Vocabulary.piece_index.func = original  # type: ignore[attr-defined]
    assert vocab.index_ready and 7 in vocab.piece_index.consistent_with(b"\n").tolist()
