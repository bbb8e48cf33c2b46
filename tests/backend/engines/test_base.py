"""Shared engine pieces: stop strings, UTF-8 assembly, the piece index and prompt fitting."""

from __future__ import annotations

from backend.engines.assembler import TextAssembler
from backend.engines.vocabulary import PieceIndex, PrefixConstraint
from backend.text.windows import anchored_start, fit_tokens


def test_stop_string_split_across_tokens_is_never_shown() -> None:
    a = TextAssembler(["\n\n"])
    shown = a.feed(b"Hello") + a.feed(b"\n") + a.feed(b"\nworld")
    assert shown == "Hello"
    assert a.stopped
    assert a.feed(b"more") == ""


def test_partial_stop_is_released_when_it_does_not_complete() -> None:
    a = TextAssembler(["THE END"])
    out = a.feed(b"so THE") + a.feed(b" ENTIRE day")
    out += a.flush()
    assert out == "so THE ENTIRE day"


def test_multibyte_characters_split_over_tokens() -> None:
    a = TextAssembler([])
    data = "café ☕".encode()
    out = "".join(a.feed(data[i : i + 1]) for i in range(len(data))) + a.flush()
    assert out == "café ☕"


def test_piece_index_finds_extensions_and_prefixes() -> None:
    pieces = [b"", b" Nether", b" Netherfield", b" Ne", b"ther", b" ", b"x", b" N"]
    index = PieceIndex(pieces, banned=[6])
    assert sorted(index.consistent_with(b" Nether")) == [1, 2, 3, 5, 7]
    c = PrefixConstraint(index, b" Nether")
    c.advance(b" Ne")
    assert c.remaining == b"ther" and c.active
    c.advance(b"therfield")
    assert not c.active


def test_fit_tokens_keeps_the_end_and_moves_in_steps() -> None:
    toks = list(range(1000))
    a = fit_tokens(toks, 512, 64)
    assert a[-1] == 999 and len(a) <= 512 - 64
    b = fit_tokens([*toks, 1000], 512, 64)
    assert b[0] == a[0], "one more token must not move the window start"


def test_anchored_start_is_stable_while_typing() -> None:
    text = "word " * 2000
    starts = {anchored_start(c, 4000, text) for c in range(6001, 6900)}
    assert len(starts) == 1
    # Across 8,000 typed characters the start moves only in budget/4 steps.
    assert len({anchored_start(c, 4000, text) for c in range(4000, 12000)}) <= 9
    assert anchored_start(100, 4000, text) == 0
