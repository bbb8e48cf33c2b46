"""The model's one sentence for "ask the book": written from the cited quotes only, and
kept only when it is made of their words (backend/story/memory/ask.py grounded_sentence).

The passages are found without the model (ask_book); this job adds at most one sentence,
which the front ends show marked as generated, under the citations it came from.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import ClassVar

from backend.engines.base import Engine
from backend.engines.params import SamplerParams
from backend.jobs.complete import continue_text
from backend.jobs.kinds import JobKind
from backend.story.memory.ask import Answer, answer_prompt, grounded_sentence

ANSWER_TOKENS = 48
QUOTES = 3  # the best citations the model reads


def answer_params(seed: int = 1) -> SamplerParams:
    """Near-greedy sampling for a short factual sentence (its first line is kept)."""
    return SamplerParams(
        temperature=0.2, top_p=0.9, repeat_penalty=1.1, max_tokens=ANSWER_TOKENS,
        stop=("\n\n", "\nPassages", "\nQuestion", "\n段落", "\n问题"), seed=seed,
    )  # fmt: skip


def answer_sentence(
    engine: Engine, answer: Answer, seed: int = 1, cancel: threading.Event | None = None
) -> str:
    """The model's grounded sentence for `answer`'s question from its best quotes; '' when
    there are no citations or the model's sentence strays from them."""
    cited = answer.citations[:QUOTES]
    if not cited:
        return ""
    prompt = answer_prompt(answer.question, cited)
    text = "".join(continue_text(engine, prompt, answer_params(seed), cancel, heal=False))
    return grounded_sentence(text, answer.question, cited)


def with_sentence(engine: Engine, answer: Answer, seed: int = 1) -> Answer:
    """`answer` with the model's sentence added (unchanged when it has no citations)."""
    return replace(answer, sentence=answer_sentence(engine, answer, seed))


@dataclass(frozen=True)
class AskJob:
    """The model's sentence for an answer whose citations were already found; yields the
    sentence once ('' when the model's sentence was not kept)."""

    kind: ClassVar[JobKind] = JobKind.ASK
    answer: Answer
    seed: int = 1

    def run(
        self, engine: Engine, cancel: threading.Event, draft: Callable[[str], None] | None = None
    ) -> Iterator[str]:
        """The grounded sentence, or '' (`draft` is unused: the sentence comes whole)."""
        yield answer_sentence(engine, self.answer, self.seed, cancel)
