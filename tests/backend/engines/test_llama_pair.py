"""The guided pair takes the plain prompt from the main context's cache instead of reading
it again, and a copy holds the very numbers reading would give."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.engines.llama_pair import HEADER_BYTES, STATE_MAGIC, restreamed
from tests.conftest import SAMPLE_PROSE


def _block(cells: int, layers: int = 2, row: int = 6, v_trans: bool = False) -> bytes:
    """One cache's part of a one-stream sequence state, as llama.cpp writes it."""
    out = struct.pack("<II", 1, cells)
    for pos in range(cells):
        out += struct.pack("<iIi", pos, 1, 0)
    out += struct.pack("<II", int(v_trans), layers)
    for _ in range(layers):
        out += struct.pack("<iQ", 1, row) + bytes(range(cells * row))
    for _ in range(layers):
        if v_trans:
            out += struct.pack("<iII", 1, 2, 3) + b"v" * (cells * 2 * 3)
        else:
            out += struct.pack("<iQ", 1, row) + b"v" * (cells * row)
    return out


def _state(*blocks: bytes) -> bytes:
    return struct.pack("<Ii", STATE_MAGIC, -1) + b"".join(blocks)


@pytest.mark.parametrize("v_trans", [False, True])
def test_a_one_stream_state_is_rewritten_for_two_streams(v_trans: bool) -> None:
    base, swa = _block(3, v_trans=v_trans), _block(2, v_trans=v_trans)
    out = restreamed(_state(base, swa), 2)
    assert out is not None
    zero = bytes(4)
    expected = _state(struct.pack("<I", 2) + base[4:] + zero, struct.pack("<I", 2) + swa[4:] + zero)
    assert out == expected


def test_an_empty_cache_part_is_kept_empty() -> None:
    empty = struct.pack("<II", 1, 0)
    assert restreamed(_state(empty, _block(1)), 2) == _state(
        struct.pack("<II", 2, 0) + bytes(4), struct.pack("<I", 2) + _block(1)[4:] + bytes(4)
    )


@pytest.mark.parametrize(
    "state",
    [
        b"",
        _state(),  # a header and nothing else
        struct.pack("<Ii", 0x12345678, 0) + _block(2),  # not llama.cpp's magic
        _state(struct.pack("<II", 2, 0)),  # already two streams
        _state(_block(3))[:-1],  # cut short
        _state(_block(3)) + b"x",  # bytes after the last part
    ],
    ids=["nothing", "header only", "foreign magic", "two streams", "cut short", "bytes after"],
)
def test_states_of_another_shape_are_refused(state: bytes) -> None:
    assert restreamed(state, 2) is None


@given(st.binary(max_size=400))
def test_any_bytes_give_a_state_or_none(data: bytes) -> None:
    out = restreamed(struct.pack("<Ii", STATE_MAGIC, 0) + data, 2)
    assert out is None or out[:HEADER_BYTES] == struct.pack("<Ii", STATE_MAGIC, 0)


@pytest.mark.slow
@pytest.mark.parametrize("extra", [0, 1, 3])
def test_the_guide_is_copied_from_the_main_cache_exactly(llama_engine, extra: int) -> None:
    """The main context read the plain prompt (and `extra` tokens after it, as a suggestion
    at the cursor leaves it): the pair copies those batches, reads the rest, and gives
    the logits a pair that read everything itself gives, bit for bit."""
    story = SAMPLE_PROSE[:1200] + " The ferry left the harbour before dawn and"
    styled = llama_engine.tokenize("Narration: first person.\n\n" + story)
    plain = llama_engine.tokenize(story)
    more = llama_engine.tokenize(" the gulls followed it out past the breakwater")[:extra]
    pair = llama_engine.guided_session(styled, plain)
    pair.forget()
    llama_engine.session([9, 9, 9])  # the main cache holds something else
    copied_before = pair.copied
    read_alone = llama_engine.guided_session(styled, plain)
    assert read_alone is pair and pair.copied == copied_before
    fresh = [np.array(x) for x in pair.logits()]
    pair.forget()
    llama_engine.session(plain + more)  # what a suggestion at the cursor reads
    copied_before = pair.copied
    assert llama_engine.guided_session(styled, plain) is pair
    assert pair.copied - copied_before > len(plain) - 16  # all but the last batch or two
    for got, want in zip(pair.logits(), fresh, strict=True):
        np.testing.assert_array_equal(got, want)
    # A retry, cut back to a shorter prefix of the copy, reads as exactly as a fresh one.
    shorter = plain[:-20]
    assert llama_engine.guided_session(styled[:-20], shorter) is pair
    again = [np.array(x) for x in pair.logits()]
    pair.forget()
    llama_engine.session([9, 9, 9])
    llama_engine.guided_session(styled[:-20], shorter)
    for got, want in zip(pair.logits(), again, strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.mark.slow
def test_the_pairs_thread_count_changes_no_logit(llama_engine) -> None:
    story = SAMPLE_PROSE * 3 + " The ferry left the harbour before dawn and"
    styled = llama_engine.tokenize("Narration: first person.\n\n" + story)
    plain = llama_engine.tokenize(story)
    assert len(plain) > 320  # past where flash attention's sums would split by thread
    pair = llama_engine.guided_session([5, 6], [5, 6])
    rows = []
    for n in (1, llama_engine.runtime.n_threads):
        pair.forget()
        llama_engine.session([9, 9, 9])  # nothing to copy: the pair reads both prompts
        pair.use_threads(n)
        pair.seat(llama_engine._prompt_ids(styled, 1), llama_engine._prompt_ids(plain, 1))
        rows.append([np.array(x) for x in pair.logits()])
    for one, many in zip(*rows, strict=True):
        np.testing.assert_array_equal(one, many)
