"""The engine contract: what every model backend offers, and what some declare on top.

Every engine streams text for a prompt (`Engine`). Engines that know their vocabulary
offer it as a `Vocabulary` (token healing, constraints, bias); engines that sample in
Inkling's own process offer a `Stepper` (step-by-step logits, for the styled job's levers
and guidance). Both are `None` where an engine has no such thing (a server), so jobs ask
the engine what it can do instead of probing it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from backend.engines.params import SamplerParams

if TYPE_CHECKING:
    import numpy as np  # only in annotations: the window starts without numpy

    from backend.engines.vocabulary import Vocabulary

ProgressFn = Callable[[float], None]
TextStream = Generator[str, None, None]


class EngineKind(StrEnum):
    """The engines Inkling can run a model with."""

    LLAMACPP = "llamacpp"
    TRANSFORMERS = "transformers"
    REMOTE = "remote"


class EngineError(RuntimeError):
    """A model could not be loaded or run; the message is meant for the writer."""


class Constraint(Protocol):
    """Limits which tokens may come next (token healing, digits only, ...)."""

    @property
    def active(self) -> bool:
        """True while the next token is still constrained."""
        ...

    @property
    def grammar(self) -> str | None:
        """The same rule as a GBNF grammar, for servers that accept one (None: none)."""
        ...

    def allowed(self) -> np.ndarray:
        """Token ids allowed for the next step."""
        ...

    def advance(self, piece: bytes) -> None:
        """Record the piece that was generated."""
        ...


class Session(Protocol):
    """One sequence's next-token logits, and a way to feed the chosen token."""

    def logits(self) -> np.ndarray:
        """The next-token logits (a view: copy before changing it)."""
        ...

    def push(self, token: int) -> None:
        """Evaluate one more token."""
        ...


class GuidedSession(Protocol):
    """A styled sequence and its guide (the same text without the style), stepped together."""

    def logits(self) -> tuple[np.ndarray, np.ndarray]:
        """The styled sequence's next-token logits and the guide's (views)."""
        ...

    def push(self, token: int) -> None:
        """Evaluate `token` at the end of both sequences."""
        ...


class Stepper(Protocol):
    """Step-by-step access to the model, for engines that sample in Inkling's process."""

    def session(self, prompt: Sequence[int], cancel: threading.Event | None) -> Session | None:
        """A session seated on `prompt` (None if cancelled while reading it)."""
        ...

    def guided_session(
        self, prompt: Sequence[int], guide_prompt: Sequence[int], cancel: threading.Event | None
    ) -> GuidedSession | None:
        """Both prompts seated for classifier-free guidance (None if cancelled)."""
        ...

    def score(self, tokens: Sequence[int], cancel: threading.Event | None = None) -> np.ndarray:
        """Log-probability of each of `tokens` after the start of a text and the ones before."""
        ...


class AdapterSlot(Protocol):
    """LoRA adapters applied to the loaded weights, switched without reloading the model."""

    @property
    def adapter(self) -> tuple[Path, float] | None:
        """The adapter in use and its strength (None: the plain model)."""
        ...

    def set_adapter(self, path: Path | None, scale: float = 1.0) -> None:
        """Switch to `path` at `scale` (None or 0: off); EngineError for a bad or foreign file."""
        ...

    def forget_adapter(self, path: Path) -> None:
        """Release a deleted adapter (unless it is in use)."""
        ...


class Engine(Protocol):
    """A language model that streams text for a prompt."""

    name: str
    # End-of-turn strings of an instruct model's prompt format, stopped at like any other.
    extra_stop: tuple[str, ...]

    def load(self, progress: ProgressFn | None = None) -> None:
        """Load the model, reporting progress in [0, 1]; raises EngineError."""
        ...

    def tokenize(self, text: str) -> list[int]:
        """Token ids for text, without special tokens (EngineError where there is none)."""
        ...

    @property
    def context_length(self) -> int:
        """How many tokens fit in the model's context window."""
        ...

    @property
    def vocabulary(self) -> Vocabulary | None:
        """The loaded model's vocabulary, or None where the engine has none (a server)."""
        ...

    @property
    def stepper(self) -> Stepper | None:
        """Step-by-step logits, or None where sampling happens elsewhere (a server)."""
        ...

    @property
    def adapters(self) -> AdapterSlot | None:
        """LoRA adapters, or None where the weights are out of reach (a server)."""
        ...

    def stream(
        self,
        prompt: str | Sequence[int],
        params: SamplerParams,
        cancel: threading.Event | None = None,
        constraint: Constraint | None = None,
    ) -> TextStream:
        """Yield text as it comes; stops on cancel, a stop string or max_tokens."""
        ...

    def close(self) -> None:
        """Release the model's native resources."""
        ...
