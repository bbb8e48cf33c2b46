"""The transformers engine: GPT-2 and other causal LMs on the CPU, with KV-cache reuse."""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from backend.engines.base import EngineError, PrefixConstraint, ProgressFn, TextAssembler
from backend.engines.sampling import sample_token
from backend.models import check_gguf, check_transformers_folder
from backend.params import SamplerParams
from backend.prompts import fit_tokens

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

    def __init__(self, path: str | os.PathLike[str], name: str | None = None) -> None:
        self.path = Path(path)
        self.name = name or self.path.name
        self._model: Any = None
        self._tok: Any = None
        self._pieces: list[bytes] = []
        self._special: set[int] = set()
        self._eos: set[int] = set()
        self._bos: list[int] = []
        self._cache: Any = None
        self._cache_ids: list[int] = []
        self._guide_cache: tuple[Any, list[int]] = (None, [])
        self._ctx = 0
        self._lock = threading.Lock()
        self.extra_stop: tuple[str, ...] = ()

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
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError as exc:
            raise EngineError("The transformers engine needs torch and transformers.") from exc
        torch.set_num_threads(max(1, os.cpu_count() or 1))
        common: dict[str, Any] = {"local_files_only": True, "trust_remote_code": False}
        try:
            if is_gguf:
                where = str(self.path.parent)
                self._tok = AutoTokenizer.from_pretrained(where, gguf_file=self.path.name, **common)
                report(0.3)
                self._model = AutoModelForCausalLM.from_pretrained(
                    where, gguf_file=self.path.name, dtype=torch.float32, **common
                )
            else:
                self._tok = AutoTokenizer.from_pretrained(str(self.path), **common)
                report(0.3)
                self._model = AutoModelForCausalLM.from_pretrained(
                    str(self.path), use_safetensors=True, dtype=torch.float32, **common
                )
        except EngineError:
            raise
        except Exception as exc:  # transformers raises many kinds for a bad model
            raise EngineError(f"Could not load {self.path.name}: {exc}") from exc
        self._model.eval()
        report(0.85)
        self._pieces, self._special = token_pieces_of(self._tok)
        eos = self._model.generation_config.eos_token_id
        if eos is None:
            eos = self._tok.eos_token_id
        self._eos = set(eos if isinstance(eos, list) else [eos]) - {None}
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

    def tokenize(self, text: str) -> list[int]:
        """Token ids for text, without special tokens."""
        self._require()
        return list(self._tok.encode(text, add_special_tokens=False))

    def token_pieces(self) -> list[bytes]:
        """Decoded bytes of each vocabulary entry (special tokens are empty)."""
        self._require()
        return self._pieces

    def banned_tokens(self) -> set[int]:
        """Tokens never allowed in the middle of prose (special and end-of-text tokens)."""
        return self._special | self._eos

    def stream(
        self,
        prompt: str | Sequence[int],
        params: SamplerParams,
        cancel: threading.Event | None = None,
        constraint: PrefixConstraint | None = None,
    ) -> Iterator[str]:
        """Yield generated text; the cache keeps the prompt's KV for the next call."""
        import torch

        self._require()
        ids = self._prompt_ids(prompt, params.max_tokens)
        generator = None
        if params.seed is not None:
            generator = torch.Generator().manual_seed(params.seed)
        assembler = TextAssembler((*params.stop, *self.extra_stop))
        with self._lock, torch.inference_mode():
            logits = self._prefill(ids, cancel)
            if logits is None:
                return
            recent = list(ids)
            for _ in range(params.max_tokens):
                if cancel is not None and cancel.is_set():
                    break
                allowed = None
                if constraint is not None and constraint.active:
                    allowed = constraint.allowed()
                    allowed = allowed if len(allowed) else None
                tok = sample_token(logits, params, recent, generator, allowed)
                if tok in self._eos or tok in self._special:
                    break
                piece = self._pieces[tok]
                if constraint is not None and constraint.active:
                    constraint.advance(piece)
                text = assembler.feed(piece)
                if text:
                    yield text
                if assembler.stopped:
                    break
                recent.append(tok)
                logits = self._forward([tok])
            tail = assembler.flush()
            if tail:
                yield tail

    def session(
        self, prompt: Sequence[int], cancel: threading.Event | None = None, guide: bool = False
    ) -> TransformersSession | None:
        """A step-by-step logits session; `guide=True` keeps its own cache (for guidance)."""
        self._require()
        ids = self._prompt_ids(list(prompt), 1)
        session = TransformersSession(self, guide)
        with session.active():
            import torch

            with torch.inference_mode():
                logits = self._prefill(ids, cancel)
        if logits is None:
            return None
        session.last = logits
        return session

    def close(self) -> None:
        """Drop the model and its cache."""
        self._model = None
        self._tok = None
        self._cache = None
        self._cache_ids = []

    def _require(self) -> None:
        if self._model is None:
            raise EngineError("No model is loaded.")

    def _prompt_ids(self, prompt: str | Sequence[int], max_tokens: int) -> list[int]:
        body = self.tokenize(prompt) if isinstance(prompt, str) else list(prompt)
        if self._bos and body[: len(self._bos)] == self._bos:
            body = body[len(self._bos) :]
        ids = self._bos + fit_tokens(body, self._ctx - len(self._bos), max_tokens)
        # An empty prompt still needs one token to condition on: GPT-2 uses end-of-text.
        return ids or [next(iter(self._eos), 0)]

    def _reset_cache(self) -> None:
        from transformers import DynamicCache

        self._cache = DynamicCache(config=self._model.config)
        # Sliding-window layers normally forget states beyond their window; recording them
        # lets us roll the cache back to the shared prefix of the next prompt.
        self._cache.activate_past_recording()
        self._cache_ids = []

    def _prefill(self, ids: list[int], cancel: threading.Event | None) -> Any:
        common = 0
        for a, b in zip(self._cache_ids, ids, strict=False):
            if a != b:
                break
            common += 1
        common = min(common, len(ids) - 1)  # the last prompt token must run to give logits
        if self._cache is None or common == 0:
            self._reset_cache()
        elif common < len(self._cache_ids):
            try:
                self._cache.crop(common - len(self._cache_ids))
                self._cache_ids = self._cache_ids[:common]
            except (RuntimeError, ValueError):
                log.info("cache could not roll back; evaluating the prompt again")
                self._reset_cache()
        rest = ids[len(self._cache_ids) :]
        logits = None
        for start in range(0, len(rest), PREFILL_CHUNK):
            if cancel is not None and cancel.is_set():
                return None
            logits = self._forward(rest[start : start + PREFILL_CHUNK])
        return logits

    def _forward(self, tokens: list[int]) -> Any:
        import torch

        try:
            out = self._model(
                input_ids=torch.tensor([tokens], dtype=torch.long),
                past_key_values=self._cache,
                use_cache=True,
            )
        except Exception:
            self._cache = None
            self._cache_ids = []
            raise
        self._cache = out.past_key_values
        self._cache_ids.extend(tokens)
        return out.logits[0, -1]


class TransformersSession:
    """Logits and feeding for the transformers engine; a guide session has its own cache."""

    def __init__(self, engine: TransformersEngine, guide: bool) -> None:
        self._engine = engine
        self._guide = guide
        self.last: Any = None

    def active(self) -> Any:
        """Swap this session's cache in for the duration of a block."""
        import contextlib

        engine = self._engine

        @contextlib.contextmanager
        def swapped() -> Any:
            if not self._guide:
                yield
                return
            saved = (engine._cache, engine._cache_ids)
            engine._cache, engine._cache_ids = engine._guide_cache
            try:
                yield
            finally:
                engine._guide_cache = (engine._cache, engine._cache_ids)
                engine._cache, engine._cache_ids = saved

        return swapped()

    def logits(self) -> Any:
        """The last position's logits as a numpy array."""
        return self.last.float().numpy()

    def push(self, token: int) -> None:
        """Evaluate one more token."""
        import torch

        with self.active(), torch.inference_mode():
            self.last = self._engine._forward([token])
