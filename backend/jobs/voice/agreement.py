"""Before training on a transformers copy of a GGUF model: does it predict what llama.cpp does?

An adapter trained on the copy only carries over if the copy is the same model. Both read a
few prompts; their tokens must be the same and each one's top next token must be among the
other's top five (dequantised weights in float32 and llama.cpp's quantised kernels differ in
the last digits, never in what they predict).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from backend.engines.base import Engine, EngineError
from backend.jobs.voice.texts import VoiceError

PROMPTS = (
    "The rain had not stopped for three days, and the river",
    "She folded the letter twice before she said",
    "夜深了，她还坐在窗前",
)
TOP = 5


def top_ids(logits: np.ndarray, k: int = TOP) -> list[int]:
    """The ids of the k highest logits, best first."""
    best = np.argpartition(-logits, k)[:k]
    return [int(i) for i in best[np.argsort(-logits[best])]]


def predictions_agree(a: np.ndarray, b: np.ndarray) -> bool:
    """Each side's best next token is among the other's top five."""
    return top_ids(a)[0] in top_ids(b) and top_ids(b)[0] in top_ids(a)


def check_agreement(tokenizer: Any, model: Any, engine: Engine) -> int:
    """How many prompts agree; VoiceError unless all do."""
    import torch

    stepper = engine.stepper
    if stepper is None:
        raise VoiceError("The model must run locally to be trained.")
    agreed = 0
    bos = tokenizer.bos_token_id
    for prompt in PROMPTS:
        ids = list(tokenizer.encode(prompt, add_special_tokens=False))
        if ids != engine.tokenize(prompt):
            raise VoiceError(
                "The transformers copy of this model splits text into different tokens than "
                "llama.cpp does, so an adapter trained on it would not fit. Inkling cannot "
                "train this model."
            )
        with torch.inference_mode():
            start = [bos] if bos is not None else []
            hf = model(input_ids=torch.tensor([start + ids])).logits[0, -1].float().numpy()
        session = stepper.session(ids, None)
        if session is None:
            raise EngineError("Cancelled.")
        if predictions_agree(hf, np.array(session.logits(), dtype=np.float32)):
            agreed += 1
    if agreed < len(PROMPTS):
        raise VoiceError(
            f"The transformers copy of this model predicts differently from llama.cpp "
            f"({agreed} of {len(PROMPTS)} test prompts agree), so an adapter trained on it "
            "would not carry over. Inkling cannot train this model."
        )
    return agreed
