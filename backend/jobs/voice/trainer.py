"""LoRA training on the writer's text with torch and peft: a time budget, checkpoints, cancel.

The base model is the writer's own (the bundled GGUF through transformers' GGUF loader, or a
transformers folder). Only attention and MLP projections get adapters. Every step is one
sequence of the text; the learning rate warms up, then follows a cosine down to the end of
the time budget, so a short budget still ends on a small rate. A checkpoint (adapter
weights, optimiser state, step, time spent) is written every minute and on cancel, and a
new run over the same text and settings picks up from it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from backend.engines.adapter_file import TARGET_MODULES, tensor_names
from backend.engines.threads import cores, use_torch_threads
from backend.jobs.voice.texts import VoiceError

log = logging.getLogger(__name__)

CHECKPOINT = "checkpoint.pt"
LORA_DROPOUT = 0.1
# A slice of the training text is kept to see when training starts to memorise instead of
# learning the style: every 20th sequence, at most 8; training stops after two checks
# without a gain, and the best weights so far are the adapter.
VALIDATION_EVERY = 20
MAX_VALIDATION = 8
PATIENCE = 2
DEFAULT_TARGETS = ("q_proj", "v_proj", "c_attn")


@dataclass(frozen=True)
class TrainSettings:
    """How an adapter is trained."""

    minutes: float = 10.0
    rank: int = 32
    alpha: float = 64.0
    # 1e-3 made held-out text worse within one pass on the bundled model; 2e-4 took
    # held-out perplexity from 22.4 to 17.0 in 100 steps (bench/voice.py).
    learning_rate: float = 2e-4
    # Which projections get adapters. Queries and values only (GPT-2: its fused attention):
    # in llama.cpp every adapted weight adds work to each token, and on the bundled model
    # all seven projections made suggestions 17 % slower, queries and values 3 %.
    targets: tuple[str, ...] = DEFAULT_TARGETS
    sequence: int = 256
    max_epochs: int = 3
    warmup_steps: int = 8
    seed: int = 0
    max_steps: int = 0  # 0: as many as the time budget allows
    checkpoint_seconds: float = 60.0

    def check(self) -> None:
        """VoiceError for settings no training should run with."""
        problems = []
        if not 0 < self.minutes <= 24 * 60:
            problems.append("the time budget must be between a few seconds and 24 hours")
        if not 1 <= self.rank <= 256:
            problems.append("the rank must be between 1 and 256")
        if not 0 < self.learning_rate < 1:
            problems.append("the learning rate must be between 0 and 1")
        if not 16 <= self.sequence <= 4096:
            problems.append("the sequence length must be between 16 and 4096 tokens")
        if not set(self.targets) <= set(TARGET_MODULES):
            problems.append(f"adapters go on these projections only: {', '.join(TARGET_MODULES)}")
        if self.max_steps < 0 or self.max_epochs < 1:
            problems.append("steps and epochs cannot be negative")
        if problems:
            raise VoiceError("Cannot train: " + "; ".join(problems) + ".")

    def key(self) -> dict[str, Any]:
        """What must match for a checkpoint to be resumed (not the budget)."""
        out = asdict(self)
        for name in ("minutes", "max_steps", "checkpoint_seconds"):
            out.pop(name)
        return out


@dataclass(frozen=True)
class Progress:
    """Where a training run is."""

    step: int
    steps: int
    loss: float
    elapsed: float
    remaining: float
    tokens: int
    validation: float | None = None  # perplexity on the validation slice, best so far

    @property
    def fraction(self) -> float:
        """How far along, 0 to 1 (by steps or by time, whichever is further)."""
        by_time = self.elapsed / max(1e-9, self.elapsed + self.remaining)
        return min(1.0, max(self.step / max(1, self.steps), by_time))


@dataclass(frozen=True)
class Trained:
    """A finished (or cancelled) run: the adapter's tensors by llama.cpp name, and its cost."""

    pairs: dict[str, tuple[np.ndarray, np.ndarray]]
    steps: int
    tokens: int
    seconds: float
    cancelled: bool


def plan_key(text: str, settings: TrainSettings, base_id: str) -> str:
    """Identifies one training plan: same text, settings and base model."""
    payload = json.dumps([base_id, settings.key(), text], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def learning_rate(settings: TrainSettings, step: int, fraction: float) -> float:
    """Linear warm-up, then a cosine from the peak to a tenth of it at `fraction` = 1."""
    peak = settings.learning_rate
    if step < settings.warmup_steps:
        return peak * (step + 1) / settings.warmup_steps
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, fraction))))


class Checkpoint:
    """The resumable state of one training plan, in a work folder."""

    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.key = key

    @property
    def path(self) -> Path:
        """The checkpoint file."""
        return self.folder / CHECKPOINT

    def load(self) -> dict[str, Any] | None:
        """The saved state if it belongs to this plan (a damaged or foreign one is ignored)."""
        import torch

        if not self.path.is_file():
            return None
        try:
            state = torch.load(self.path, map_location="cpu", weights_only=True)
        except Exception as exc:  # torch raises many kinds for a damaged file
            log.warning("ignoring the damaged checkpoint %s: %s", self.path, exc)
            return None
        return state if isinstance(state, dict) and state.get("key") == self.key else None

    def save(self, state: dict[str, Any]) -> None:
        """Write the state atomically (OSError on a full disk; the old checkpoint stays)."""
        import torch

        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        try:
            torch.save({**state, "key": self.key}, tmp)
            with tmp.open("rb+") as f:
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        finally:
            tmp.unlink(missing_ok=True)

    def discard(self) -> None:
        """Remove the checkpoint (the adapter is done)."""
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)
            self.folder.rmdir()


class Trainer:
    """A transformers model with LoRA layers, trained on sequences of the writer's text."""

    def __init__(
        self, tokenizer: Any, model: Any, arch: str, blocks: int, targets: tuple[str, ...]
    ) -> None:
        self.tokenizer = tokenizer
        self.model = model
        self.arch = arch
        self.blocks = blocks
        names = (n for n, _ in model.named_modules() if n.rsplit(".", 1)[-1] in targets)
        self.modules = tensor_names(names, arch, blocks)

    def sequences(self, text: str, length: int) -> list[list[int]]:
        """The text as token sequences of `length`, each starting with the model's BOS."""
        ids = list(self.tokenizer.encode(text, add_special_tokens=False))
        bos = self.tokenizer.bos_token_id
        start = [bos] if bos is not None else []
        body = length - len(start)
        return [start + ids[i : i + body] for i in range(0, len(ids), body) if ids[i : i + body]]

    def train(
        self,
        sequences: list[list[int]],
        settings: TrainSettings,
        checkpoint: Checkpoint,
        on_progress: Callable[[Progress], None],
        cancel: threading.Event,
    ) -> Trained:
        """Train until the budget, the epochs or the step limit ends, the text kept for
        validation stops improving, or cancel; checkpointed. The best weights are kept."""
        train, validation = split_validation(sequences)
        fit = _Fit(self, settings, train, validation, checkpoint)
        run = fit.run
        last_save = time.monotonic()
        while run.more() and not fit.stalled and not cancel.is_set():
            loss = fit.step()
            if validation and run.step % fit.every == 0:
                fit.validate()
            on_progress(run.progress(loss, fit.best))
            if time.monotonic() - last_save >= settings.checkpoint_seconds:
                fit.save()
                last_save = time.monotonic()
        if not cancel.is_set() and validation and run.step % fit.every:
            fit.validate()
        fit.save()
        pairs = self._pairs(fit.best_weights())
        return Trained(pairs, run.step, run.tokens, run.elapsed, cancel.is_set())

    def _pairs(self, state: dict[str, Any]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        out = {}
        for module, tensor in self.modules.items():
            a = state.get(f"base_model.model.{module}.lora_A.weight")
            b = state.get(f"base_model.model.{module}.lora_B.weight")
            if a is not None and b is not None:
                out[tensor] = (a.detach().float().numpy(), b.detach().float().numpy())
        if not out:
            raise VoiceError("Training produced no adapter weights.")
        return out


def split_validation(sequences: list[list[int]]) -> tuple[list[list[int]], list[list[int]]]:
    """Every 20th sequence (up to 8) set aside to stop training before it overfits; none
    when the text is too short to spare them."""
    if len(sequences) < VALIDATION_EVERY:
        return sequences, []
    picked = set(range(VALIDATION_EVERY - 1, len(sequences), VALIDATION_EVERY)[:MAX_VALIDATION])
    train = [s for i, s in enumerate(sequences) if i not in picked]
    return train, [sequences[i] for i in sorted(picked)]


class _Fit:
    """The peft model, its optimiser and the bookkeeping of one training run."""

    def __init__(
        self,
        trainer: Trainer,
        settings: TrainSettings,
        train: list[list[int]],
        validation: list[list[int]],
        checkpoint: Checkpoint,
    ) -> None:
        import torch
        from peft import LoraConfig, get_peft_model, set_peft_model_state_dict

        torch.manual_seed(settings.seed)
        config = LoraConfig(
            r=settings.rank,
            lora_alpha=settings.alpha,  # type: ignore[arg-type]  # a float works
            lora_dropout=LORA_DROPOUT,
            target_modules=sorted({m.rsplit(".", 1)[-1] for m in trainer.modules}),
            fan_in_fan_out=trainer.arch == "gpt2",
        )
        self.model = get_peft_model(trainer.model, config)
        trainable = [p for p in self.model.parameters() if p.requires_grad]
        self.optimiser = torch.optim.AdamW(trainable, lr=settings.learning_rate, weight_decay=0)
        self.settings = settings
        self.validation = validation
        self.checkpoint = checkpoint
        self.best: float | None = None  # validation perplexity of the best weights
        self.best_state: dict[str, Any] | None = None
        self.misses = 0
        state = checkpoint.load()
        step, elapsed = 0, 0.0
        if state is not None:
            set_peft_model_state_dict(self.model, state["lora"])
            self.optimiser.load_state_dict(state["optimiser"])
            step, elapsed = int(state["step"]), float(state["elapsed"])
            self.best, self.best_state = state.get("best"), state.get("best_lora")
            self.misses = int(state.get("misses", 0))
            log.info("resuming at step %d after %.0f s", step, elapsed)
        self.run = _Run(settings, train, step, elapsed)
        self.every = max(10, min(25, len(train) // 4))
        self.model.train()

    @property
    def stalled(self) -> bool:
        """The validation text stopped improving (twice in a row)."""
        return self.misses >= PATIENCE

    def step(self) -> float:
        """One optimisation step on the next sequence; its loss."""
        import torch

        started = time.monotonic()
        # Training keeps its threads busy: beside other busy programs (the writer's model
        # among them) it leaves them a core, since torch's threads wait for the slowest.
        use_torch_threads(cores(), steady=True)
        batch = torch.tensor([self.run.next_sequence()])
        for group in self.optimiser.param_groups:
            group["lr"] = learning_rate(self.settings, self.run.step, self.run.fraction())
        loss = _step(self.model, self.optimiser, batch)
        self.run.advance(time.monotonic() - started, len(batch[0]))
        return loss

    def lora(self) -> dict[str, Any]:
        """The adapter's weights now, without peft's adapter name in their keys."""
        state = self.model.state_dict()
        return {k.replace(".default.", "."): v.detach().clone() for k, v in state.items()
                if "lora_" in k}  # fmt: skip

    def validate(self) -> None:
        """Perplexity on the validation sequences; keep the weights if they are the best."""
        import torch

        started = time.monotonic()
        self.model.eval()
        total, count = 0.0, 0
        with torch.inference_mode():
            for sequence in self.validation:
                batch = torch.tensor([sequence])
                total += float(self.model(input_ids=batch, labels=batch).loss) * (len(sequence) - 1)
                count += len(sequence) - 1
        self.model.train()
        ppl = math.exp(total / max(1, count))
        if self.best is None or ppl < self.best:
            self.best, self.best_state, self.misses = ppl, self.lora(), 0
        else:
            self.misses += 1
        self.run.elapsed += time.monotonic() - started

    def best_weights(self) -> dict[str, Any]:
        """The best weights seen (the last ones when nothing was validated)."""
        return self.best_state if self.best_state is not None else self.lora()

    def save(self) -> None:
        """Checkpoint everything needed to go on from here."""
        self.checkpoint.save({
            "lora": self.lora(), "optimiser": self.optimiser.state_dict(),
            "step": self.run.step, "elapsed": self.run.elapsed, "best": self.best,
            "best_lora": self.best_state, "misses": self.misses,
        })  # fmt: skip


def _step(model: Any, optimiser: Any, batch: Any) -> float:
    """One optimisation step; VoiceError when memory runs out."""
    try:
        out = model(input_ids=batch, labels=batch)
        out.loss.backward()
        optimiser.step()
        optimiser.zero_grad(set_to_none=True)
    except (MemoryError, RuntimeError) as exc:
        if isinstance(exc, MemoryError) or "allocat" in str(exc).lower():
            raise VoiceError(
                "The computer ran out of memory while training; close other programs or "
                "train on less text."
            ) from exc
        raise
    loss = float(out.loss.detach())
    if not math.isfinite(loss):
        raise VoiceError("Training diverged (the loss is not a number); try a lower rate.")
    return loss


class _Run:
    """The bookkeeping of a run: which sequence is next, time spent, time left."""

    def __init__(
        self, settings: TrainSettings, sequences: list[list[int]], step: int, elapsed: float
    ) -> None:
        if not sequences:
            raise VoiceError("There is no text to train on.")
        self.settings = settings
        self.sequences = sequences
        self.step = step
        self.elapsed = elapsed
        self.tokens = sum(len(s) for s in sequences[: min(step, len(sequences))])
        self.budget = settings.minutes * 60
        limit = len(sequences) * settings.max_epochs
        self.steps = min(limit, settings.max_steps) if settings.max_steps else limit
        self._recent: list[float] = []

    def more(self) -> bool:
        return self.step < self.steps and self.elapsed < self.budget

    def fraction(self) -> float:
        return max(self.step / self.steps, self.elapsed / self.budget)

    def next_sequence(self) -> list[int]:
        n = len(self.sequences)
        epoch, index = divmod(self.step, n)
        order = np.random.default_rng(self.settings.seed + epoch).permutation(n)
        return self.sequences[int(order[index])]

    def advance(self, seconds: float, tokens: int) -> None:
        self.step += 1
        self.elapsed += seconds
        self.tokens += tokens
        self._recent = [*self._recent[-19:], seconds]

    def progress(self, loss: float, validation: float | None) -> Progress:
        per_step = sum(self._recent) / max(1, len(self._recent))
        by_steps = (self.steps - self.step) * per_step
        remaining = max(0.0, min(self.budget - self.elapsed, by_steps))
        return Progress(
            self.step, self.steps, loss, self.elapsed, remaining, self.tokens, validation
        )
