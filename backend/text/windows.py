"""Pure functions from editor text to prompts: context budgets and anchored windows."""

from __future__ import annotations

from collections.abc import Sequence

# The window start moves in steps of this share of the budget, so consecutive requests
# share the same front and the engine's cached prefix keeps hitting.
ANCHOR_STEP_SHARE = 4


def fit_tokens(tokens: Sequence[int], context_length: int, max_tokens: int) -> list[int]:
    """Keep the most recent tokens that leave room for `max_tokens` of output.

    When the prompt is too long its front is dropped in large steps, not token by token.
    """
    room = max(1, context_length - min(max_tokens, context_length // 2))
    excess = len(tokens) - room
    if excess <= 0:
        return list(tokens)
    step = max(1, room // ANCHOR_STEP_SHARE)
    drop = -(-excess // step) * step
    return list(tokens[drop:])


def prompt_tokens(
    bos: Sequence[int], body: Sequence[int], context_length: int, max_tokens: int, empty: int
) -> list[int]:
    """`bos` + the most recent part of `body` that leaves room for `max_tokens` of output.

    A body that already starts with `bos` is not given it twice; a prompt with nothing in
    it gets the `empty` token to condition on.
    """
    if bos and list(body[: len(bos)]) == list(bos):
        body = body[len(bos) :]
    ids = list(bos) + fit_tokens(body, context_length - len(bos), max_tokens)
    return ids or [empty]


def window_start(cursor: int, budget_chars: int) -> int:
    """The earliest allowed start, quantised up to a multiple of budget/4 (0 if it all fits)."""
    if cursor <= budget_chars:
        return 0
    step = max(1, budget_chars // ANCHOR_STEP_SHARE)
    earliest = cursor - budget_chars
    return -(-earliest // step) * step


def anchored_start(cursor: int, budget_chars: int, text: str) -> int:
    """Where the context window starts: a paragraph or sentence boundary, moved in steps.

    The start depends on the cursor only through `cursor // step`, so typing does not move
    it; it moves when the writer has typed a whole step further.
    """
    start = window_start(cursor, budget_chars)
    if start == 0:
        return 0
    step = max(1, budget_chars // ANCHOR_STEP_SHARE)
    # Prefer a clean boundary shortly after the quantised start; it is stable too.
    window = text[start : min(cursor, start + step)]
    for mark in ("\n", ". ", "! ", "? "):
        i = window.find(mark)
        if i != -1:
            return start + i + len(mark)
    return start


def sentence_start(text: str, start: int, within: int) -> int:
    """`start` moved past the first line or sentence end in the next `within` characters,
    then past white space, so that a window cut there begins with a whole sentence."""
    window = text[start : start + within]
    for mark in ("\n", ". ", "! ", "? ", "。"):
        i = window.find(mark)
        if i != -1:
            start += i + len(mark)
            break
    while start < len(text) and text[start] in " \n\t":
        start += 1
    return start
