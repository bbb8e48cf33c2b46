"""Token healing: back the prompt up to a token boundary and constrain what comes next.

A prompt that ends mid-token ("Nether", or a trailing space) asks the model to continue
from a tokenisation it rarely saw in training. We drop the last few tokens, remember their
bytes, and let generation re-create them (constrained), so the model can pick the token
that naturally spans the cursor (" Netherfield").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from backend.engines.base import Engine

if TYPE_CHECKING:
    from backend.engines.vocabulary import PrefixConstraint

MAX_BACKUP_TOKENS = 3
MAX_BACKUP_BYTES = 24


@dataclass(frozen=True)
class HealedPrompt:
    """Prompt tokens with the tail removed, and the bytes generation must start with."""

    tokens: list[int]
    required: bytes
    # Engines without a vocabulary (a remote server) get text; healing then only moves
    # trailing spaces out of the prompt.
    text: str | None = None

    @property
    def prompt(self) -> str | list[int]:
        """What to send to the engine: the token ids, or the text."""
        return self.text if self.text is not None else self.tokens

    @property
    def required_text(self) -> str:
        """The removed tail as text (what the model must re-create before new text)."""
        return self.required.decode("utf-8", errors="replace")


def heal_prompt(engine: Engine, text: str, enabled: bool = True) -> HealedPrompt:
    """Tokenize `text` and back up over the partial word (or space) at its end."""
    vocab = engine.vocabulary
    if vocab is None:
        kept = text.rstrip(" \t") if enabled else text
        if not kept.strip():
            kept = text
        return HealedPrompt([], text[len(kept) :].encode("utf-8"), kept)
    tokens = engine.tokenize(text)
    # Right after a model loads its index is still being built in the background: the
    # first requests go without healing rather than wait for it.
    if not enabled or not tokens or not vocab.index_ready:
        return HealedPrompt(tokens, b"")
    pieces = vocab.pieces
    cut = len(tokens)
    required = b""
    while cut > 0 and len(tokens) - cut < MAX_BACKUP_TOKENS:
        piece = pieces[tokens[cut - 1]]
        if not piece or len(required) + len(piece) > MAX_BACKUP_BYTES:
            break
        cut -= 1
        required = piece + required
        first = required[:1]
        # Stop once the removed text starts a word (a space or punctuation before it).
        if not first.isalnum() and _decodes(required):
            break
    if not _decodes(required) or not required:
        return HealedPrompt(tokens, b"")
    if cut == 0:
        # Never empty the prompt: keep at least one real token in front.
        return HealedPrompt(tokens, b"")
    return HealedPrompt(tokens[:cut], required)


def constraint_for(engine: Engine, healed: HealedPrompt) -> PrefixConstraint | None:
    """A constraint that makes generation start with the removed bytes, or None."""
    vocab = engine.vocabulary
    if not healed.required or vocab is None:
        return None
    from backend.engines.vocabulary import PrefixConstraint  # numpy: not before the window

    return PrefixConstraint(vocab.piece_index, healed.required)


def _decodes(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
