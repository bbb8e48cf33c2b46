"""The transformers engine: GPT-2 and other causal LMs on the CPU, with KV-cache reuse."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from backend.engines.adapter_file import BaseModel, check_adapter
from backend.engines.assembler import TextAssembler
from backend.engines.base import (
    AdapterSlot,
    Constraint,
    EngineError,
    GuidedSession,
    ProgressFn,
    Session,
    Stepper,
    TextStream,
)
from backend.engines.gguf_meta import check_gguf
from backend.engines.params import SamplerParams
from backend.engines.sampling import dry_breakers, sample, seeded_rng
from backend.engines.threads import cores, use_torch_threads
from backend.engines.transformers_folder import check_transformers_folder
from backend.engines.vocabulary import Vocabulary
from backend.text.windows import prompt_tokens

if TYPE_CHECKING:
    from backend.engines.peft_adapters import PeftAdapters

log = logging.getLogger(__name__)

PREFILL_CHUNK = 256
MAX_CONTEXT = 8192
_BYTE_TOKEN = re.compile(r"<0x([0-9A-Fa-f]{2})>")


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible map from bytes to printable characters."""
    bs = list(range(ord("!"), ord("~") + 1))
    bs += list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs), strict=True))


def token_pieces_of(tokenizer: Any) -> tuple[list[bytes], set[int]]:
    """Decoded bytes of every token id, and the ids of special tokens (given empty pieces)."""
    size = len(tokenizer)
    names = tokenizer.convert_ids_to_tokens(list(range(size)))
    special = {i for i in tokenizer.all_special_ids if i is not None and 0 <= i < size}
    probe = tokenizer.convert_ids_to_tokens(tokenizer.encode(" the", add_special_tokens=False))
    byte_level = any("Ġ" in t for t in probe if t)
    decode_map = {c: b for b, c in _bytes_to_unicode().items()} if byte_level else {}
    pieces: list[bytes] = []
    for i, name in enumerate(names):
        if name is None or i in special:
            pieces.append(b"")
            continue
        if byte_level:
            try:
                pieces.append(bytes(decode_map[c] for c in name))
            except KeyError:
                pieces.append(name.encode("utf-8"))
            continue
        m = _BYTE_TOKEN.fullmatch(name)
        pieces.append(bytes([int(m.group(1), 16)]) if m else name.replace("▁", " ").encode())
    return pieces, special


class TransformersEngine:
    """A causal LM from a local folder (safetensors only) or a .gguf file, on the CPU."""

    def __init__(
        self, path: str | os.PathLike[str], name: str | None = None, extra_stop: Sequence[str] = ()
    ) -> None:
        self.path = Path(path)
        self.name = name or self.path.name
        self.extra_stop = tuple(extra_stop)
        self._model: Any = None
        self._tok: Any = None
        self._vocabulary: Vocabulary | None = None
        self._bos: list[int] = []
        self._main = _KVCache(self)
        self._guide = _KVCache(self)  # the guidance sequence keeps a cache of its own
        self._ctx = 0
        self._lock = threading.Lock()
        self._adapters: PeftAdapters | None = None
        self._base: BaseModel | None = None  # read on the first adapter switch

    def load(self, progress: ProgressFn | None = None) -> None:
        """Load tokenizer and weights from local files only; never runs remote code."""
        report = progress or (lambda _f: None)
        is_gguf = self.path.suffix.lower() == ".gguf"
        if is_gguf:
            check_gguf(self.path)
        else:
            check_transformers_folder(self.path)
        report(0.05)
        try:
            import torch
        except ImportError as exc:
            raise EngineError("The transformers engine needs torch and transformers.") from exc
        torch.set_num_threads(cores())
        self._tok, self._model = load_pretrained(self.path, is_gguf, report)
        self._model.eval()
        report(0.85)
        pieces, special = token_pieces_of(self._tok)
        eos = self._model.generation_config.eos_token_id
        if eos is None:
            eos = self._tok.eos_token_id
        end = set(eos if isinstance(eos, list) else [eos]) - {None}
        self._vocabulary = Vocabulary(pieces, self.tokenize, end, special)
        with_special = self._tok.encode("a", add_special_tokens=True)
        plain = self._tok.encode("a", add_special_tokens=False)
        n_extra = len(with_special) - len(plain)
        self._bos = (
            with_special[:n_extra] if n_extra > 0 and with_special[n_extra:] == plain else []
        )
        config = self._model.config
        ctx = getattr(config, "max_position_embeddings", None) or getattr(config, "n_positions", 0)
        self._ctx = int(min(ctx or 1024, MAX_CONTEXT))
        report(1.0)
        log.info("Loaded %s with transformers (context %d)", self.name, self._ctx)

    @property
    def context_length(self) -> int:
        """How many tokens fit in the model's context window."""
        return self._ctx

    @property
    def bos_tokens(self) -> list[int]:
        """Tokens put in front of every prompt (Gemma's <bos>; none for GPT-2)."""
        return list(self._bos)

    @property
    def cached_tokens(self) -> list[int]:
        """The token ids the main cache holds (what the next prompt can reuse)."""
        return list(self._main.ids)

    @property
    def vocabulary(self) -> Vocabulary:
        """Decoded bytes of each vocabulary entry (special tokens are empty), end tokens."""
        if self._vocabulary is None:
            raise EngineError("No model is loaded.")
        return self._vocabulary

    @property
    def stepper(self) -> Stepper:
        """Inkling samples every token of this engine itself."""
        return self

    @property
    def adapters(self) -> AdapterSlot:
        """LoRA adapters through peft, switched in place."""
        return self

    @property
    def adapter(self) -> tuple[Path, float] | None:
        """The adapter in use and its strength (None: the plain model)."""
        return self._adapters.current if self._adapters is not None else None

    def set_adapter(self, path: Path | None, scale: float = 1.0) -> None:
        """Switch to the adapter at `path` with strength `scale` (None or 0: off)."""
        from backend.engines.peft_adapters import PeftAdapters

        self._require()
        if path is not None:
            if self._base is None:
                self._base = BaseModel.of(self.path)
            check_adapter(path, self._base)
        with self._lock:
            if self._adapters is None:
                self._adapters = PeftAdapters(self._model, self.path)
            self._adapters.choose(path, scale)
            self.forget_cache()

    def forget_adapter(self, path: Path) -> None:
        """Remove a deleted adapter's layers (unless it is in use)."""
        if self._adapters is not None:
            with self._lock:
                self._adapters.forget(path)

    def score(self, tokens: Sequence[int], cancel: threading.Event | None = None) -> np.ndarray:
        """Log-probability of each of `tokens` after BOS (or end-of-text) and the ones before."""
        import torch

        self._require()
        use_torch_threads(cores())
        ids = [*self._start_tokens(), *tokens]
        start = ids[: len(ids) - len(tokens)]
        with self._lock, torch.inference_mode():
            out = self._model(input_ids=torch.tensor([ids]))
            logits = out.logits[0, len(start) - 1 : -1]
            logp = torch.log_softmax(logits, dim=-1)
            picked = logp.gather(1, torch.tensor(list(tokens)).unsqueeze(1)).squeeze(1)
        return picked.double().numpy()

    def _start_tokens(self) -> list[int]:
        """What a text starts from: BOS, or end-of-text for a model without one (GPT-2)."""
        if self._bos:
            return list(self._bos)
        size = len(self.vocabulary.pieces)
        ids = (self._tok.bos_token_id, self._tok.eos_token_id, *self.vocabulary.end_tokens)
        return [next((t for t in ids if t is not None and 0 <= t < size), 0)]

    def tokenize(self, text: str) -> list[int]:
        """Token ids for text, without special tokens."""
        self._require()
        return list(self._tok.encode(text, add_special_tokens=False))

    def stream(
        self,
        prompt: str | Sequence[int],
        params: SamplerParams,
        cancel: threading.Event | None = None,
        constraint: Constraint | None = None,
    ) -> TextStream:
        """Yield generated text; the cache keeps the prompt's KV for the next call."""
        import torch

        self._require()
        use_torch_threads(cores())
        vocab = self.vocabulary
        ids = self._prompt_ids(prompt, params.max_tokens)
        rng = seeded_rng(params.seed)
        breakers = dry_breakers(vocab) if params.dry else frozenset()
        assembler = TextAssembler((*params.stop, *self.extra_stop))
        with self._lock, torch.inference_mode():
            logits = self._main.prefill(ids, cancel)
            if logits is None:
                return
            recent = list(ids)
            for _ in range(params.max_tokens):
                if cancel is not None and cancel.is_set():
                    break
                allowed = None
                if constraint is not None and constraint.active:
                    allowed = constraint.allowed()
                tok = sample(_numpy(logits), params, recent, rng, allowed, breakers)
                if tok in vocab.banned:
                    break
                piece = vocab.pieces[tok]
                if constraint is not None and constraint.active:
                    constraint.advance(piece)
                text = assembler.feed(piece)
                if text:
                    yield text
                if assembler.stopped:
                    break
                recent.append(tok)
                logits = self._main.forward([tok])
            tail = assembler.flush()
            if tail:
                yield tail

    def session(
        self, prompt: Sequence[int], cancel: threading.Event | None = None
    ) -> Session | None:
        """A step-by-step logits session on the main cache."""
        return self._session(self._main, prompt, cancel)

    def guided_session(
        self,
        prompt: Sequence[int],
        guide_prompt: Sequence[int],
        cancel: threading.Event | None = None,
    ) -> GuidedSession | None:
        """The styled prompt on the main cache and the guide on its own, stepped in turn."""
        main = self._session(self._main, prompt, cancel)
        guide = self._session(self._guide, guide_prompt, cancel)
        if main is None or guide is None:
            return None
        return TransformersPair(main, guide)

    def forget_cache(self) -> None:
        """Drop the cached prompts: the next call evaluates its prompt from scratch."""
        self._main.clear()
        self._guide.clear()

    def close(self) -> None:
        """Drop the model and its caches."""
        self._model = None
        self._tok = None
        self._vocabulary = None
        self._adapters = None
        self._main.clear()
        self._guide.clear()

    def model(self) -> Any:
        """The loaded torch model (EngineError when none is)."""
        self._require()
        return self._model

    def _session(
        self, cache: _KVCache, prompt: Sequence[int], cancel: threading.Event | None
    ) -> TransformersSession | None:
        import torch

        self._require()
        use_torch_threads(cores())
        with torch.inference_mode():
            logits = cache.prefill(self._prompt_ids(list(prompt), 1), cancel)
        return None if logits is None else TransformersSession(cache, logits)

    def _require(self) -> None:
        if self._model is None:
            raise EngineError("No model is loaded.")

    def _prompt_ids(self, prompt: str | Sequence[int], max_tokens: int) -> list[int]:
        body = self.tokenize(prompt) if isinstance(prompt, str) else list(prompt)
        # An empty prompt still needs one token to condition on: GPT-2 uses end-of-text
        # (one inside the vocabulary: a config may name an end token the model lacks).
        return prompt_tokens(self._bos, body, self._ctx, max_tokens, self._start_tokens()[0])


_GGUF_READER_LOCK = threading.Lock()


@contextlib.contextmanager
def one_gguf_reader() -> Iterator[None]:
    """transformers reads a GGUF file's header three times over (for the config, the
    tokenizer and the weights), each time with a new GGUFReader, which takes about 17 s for
    Gemma's 262,144-token vocabulary. Within this block the three share one reader per file
    (gguf's own class, imported by transformers at each call)."""
    import gguf

    real: Any = gguf.GGUFReader
    readers: dict[tuple[str, str], Any] = {}

    def shared(path: str | os.PathLike[str], mode: str = "r") -> Any:
        key = (os.fspath(path), mode)
        if key not in readers:
            readers[key] = real(path, mode)
        return readers[key]

    module: Any = gguf  # the class is swapped for the block, then put back
    with _GGUF_READER_LOCK:
        module.GGUFReader = shared
        try:
            yield
        finally:
            module.GGUFReader = real


def load_pretrained(path: Path, is_gguf: bool, report: ProgressFn) -> tuple[Any, Any]:
    """Tokenizer and model from local files; EngineError for anything that goes wrong."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    common: dict[str, Any] = {"local_files_only": True, "trust_remote_code": False}
    try:
        if is_gguf:
            where = str(path.parent)
            with one_gguf_reader():
                tok = AutoTokenizer.from_pretrained(where, gguf_file=path.name, **common)
                report(0.3)
                model = AutoModelForCausalLM.from_pretrained(
                    where, gguf_file=path.name, dtype=torch.float32, **common
                )
        else:
            tok = AutoTokenizer.from_pretrained(str(path), **common)
            report(0.3)
            model = AutoModelForCausalLM.from_pretrained(
                str(path), use_safetensors=True, dtype=torch.float32, **common
            )
    except Exception as exc:  # transformers raises many kinds for a bad model
        raise EngineError(f"Could not load {path.name}: {exc}") from exc
    return tok, model


def _numpy(logits: Any) -> np.ndarray:
    """A float32 copy of a torch logits row, for the sampler to change."""
    return np.array(logits.float().numpy(), dtype=np.float32)


class _KVCache:
    """One sequence's key/value cache and the token ids it holds."""

    def __init__(self, engine: TransformersEngine) -> None:
        self._engine = engine
        self.cache: Any = None
        self.ids: list[int] = []

    def clear(self) -> None:
        """Forget everything (the model is gone, or its weights changed)."""
        self.cache = None
        self.ids = []

    def prefill(self, ids: list[int], cancel: threading.Event | None) -> Any:
        """Evaluate `ids` after the common prefix with what is cached; the last logits."""
        common = 0
        for a, b in zip(self.ids, ids, strict=False):
            if a != b:
                break
            common += 1
        common = min(common, len(ids) - 1)  # the last prompt token must run to give logits
        if self.cache is None or common == 0:
            self._reset()
        elif common < len(self.ids):
            try:
                self.cache.crop(common - len(self.ids))
                self.ids = self.ids[:common]
            except (RuntimeError, ValueError):
                log.info("cache could not roll back; evaluating the prompt again")
                self._reset()
        rest = ids[len(self.ids) :]
        logits = None
        for start in range(0, len(rest), PREFILL_CHUNK):
            if cancel is not None and cancel.is_set():
                return None
            logits = self.forward(rest[start : start + PREFILL_CHUNK])
        return logits

    def forward(self, tokens: list[int]) -> Any:
        """Evaluate `tokens` at the end of the cache; the last position's logits."""
        import torch

        try:
            out = self._engine.model()(
                input_ids=torch.tensor([tokens], dtype=torch.long),
                cache=self.cache,
                use_cache=True,
            )
        except Exception:
            self.clear()
            raise
        self.cache = out.cache
        self.ids.extend(tokens)
        return out.logits[0, -1]

    def _reset(self) -> None:
        from transformers import DynamicCache

        self.cache = DynamicCache(config=self._engine.model().config)
        # Sliding-window layers normally forget states beyond their window; recording them
        # lets us roll the cache back to the shared prefix of the next prompt.
        self.cache.activate_past_recording()
        self.ids = []


class TransformersSession:
    """Logits and feeding over one of the engine's caches."""

    def __init__(self, cache: _KVCache, last: Any) -> None:
        self._cache = cache
        self._last = last

    def logits(self) -> np.ndarray:
        """The last position's logits as a numpy array."""
        return self._last.float().numpy()

    def push(self, token: int) -> None:
        """Evaluate one more token."""
        import torch

        with torch.inference_mode():
            self._last = self._cache.forward([token])


class TransformersPair:
    """The styled and the guide sequence of classifier-free guidance, stepped in turn."""

    def __init__(self, main: TransformersSession, guide: TransformersSession) -> None:
        self._main = main
        self._guide = guide

    def logits(self) -> tuple[np.ndarray, np.ndarray]:
        """Both sequences' next-token logits."""
        return self._main.logits(), self._guide.logits()

    def push(self, token: int) -> None:
        """Evaluate `token` at the end of both."""
        self._main.push(token)
        self._guide.push(token)
