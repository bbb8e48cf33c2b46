"""An instruct model's own chat template, from its GGUF metadata (`tokenizer.chat_template`),
rendered as llama-cpp-python's Jinja2ChatFormatter renders it (a sandboxed Jinja
environment, with the model's BOS and EOS strings), with Qwen3's thinking switched off.

Generation jobs (sheets, bible entries, rewrites, styled continuations) wrap their prompt in
the template when the model has one; ghost text never does: it continues the manuscript as
plain text.

The rendered text holds the template's special tokens (`<|im_start|>`, `<start_of_turn>`)
as text; they must reach the model as the single special tokens they are, not spelled out.
`ChatTemplate.encode` splits the text at them and maps each to its id, read once from the
file's vocabulary when the template is first used.

Which engine has which template: `create_engine` (spec.py) attaches the model file to the
engine it makes for an instruct model, and jobs ask `chat_template(engine)`. The template is
read lazily, on the model thread, the first time a job needs it.
"""

from __future__ import annotations

import logging
import re
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backend.engines.base import Engine, EngineError
from backend.engines.gguf_meta import read_metadata

log = logging.getLogger(__name__)

MAX_TEMPLATE_CHARS = 64 << 10  # real templates are 1 to 12 KB; a huge one is refused
MAX_SPECIALS = 64
MAX_RENDERED_CHARS = 1 << 20
# Special-token spellings a template writes: <|im_start|>, <start_of_turn>, [INST] ...
SPECIAL_RE = re.compile(r"<\|?[A-Za-z_][\w.|-]{0,40}\|?>|\[/?[A-Z_]{2,12}\]")

Message = dict[str, str]


class ChatError(EngineError):
    """The model's chat template cannot be used; the message is meant for the writer."""


@dataclass(frozen=True)
class ChatTemplate:
    """One model's chat template and the ids of the special tokens it writes."""

    template: str
    bos: str
    eos: str
    specials: dict[str, int] = field(default_factory=dict)
    adds_bos: bool = True  # the engine puts BOS in front of every prompt itself

    @property
    def thinks(self) -> bool:
        """True for a template with a thinking switch (Qwen3)."""
        return "enable_thinking" in self.template

    def render(self, messages: Sequence[Message]) -> str:
        """The template applied to `messages`, ending where the assistant's reply starts
        (thinking off where the template has the switch)."""
        from jinja2.exceptions import TemplateError
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        formatter = Jinja2ChatFormatter(self.template, eos_token=self.eos, bos_token=self.bos)
        extra: dict[str, Any] = {"enable_thinking": False} if self.thinks else {}
        try:
            text = formatter(messages=list(messages), **extra).prompt  # type: ignore[arg-type]
        except (TemplateError, ValueError, TypeError, RecursionError, OverflowError) as exc:
            raise ChatError(f"The model's chat template failed: {exc}") from exc
        if len(text) > MAX_RENDERED_CHARS:
            raise ChatError("The model's chat template wrote far more than it was given.")
        if self.adds_bos and self.bos and text.startswith(self.bos):
            text = text[len(self.bos) :]  # the engine adds BOS; twice confuses the model
        return text

    def encode(self, engine: Engine, messages: Sequence[Message], reply: str = "") -> list[int]:
        """Token ids of the rendered messages followed by the start of the reply, special
        tokens as their ids and the rest through the engine's tokenizer."""
        text = self.render(messages) + reply
        if not self.specials:
            return engine.tokenize(text)
        pattern = "|".join(re.escape(s) for s in sorted(self.specials, key=len, reverse=True))
        ids: list[int] = []
        for i, part in enumerate(re.split(f"({pattern})", text)):
            if i % 2:
                ids.append(self.specials[part])
            elif part:
                ids.extend(engine.tokenize(part))
        return ids


def read_chat_template(path: Path) -> ChatTemplate | None:
    """The chat template of a GGUF file (None when it has none). Raises ChatError for one
    that is too large or whose tokens cannot be read."""
    meta = read_metadata(path)
    template = meta.get("tokenizer.chat_template")
    if not isinstance(template, str) or not template.strip():
        return None
    if len(template) > MAX_TEMPLATE_CHARS:
        raise ChatError(f"{path.name} has a chat template too large to use.")
    bos_id, eos_id = (
        meta.get("tokenizer.ggml.bos_token_id"),
        meta.get("tokenizer.ggml.eos_token_id"),
    )
    return _with_vocabulary(path, template, bos_id, eos_id)


def _with_vocabulary(path: Path, template: str, bos_id: object, eos_id: object) -> ChatTemplate:
    """The BOS and EOS strings and the special tokens' ids, from the file's vocabulary
    (llama.cpp reads only the vocabulary, not the weights)."""
    import llama_cpp

    from backend.engines.llama_adapter import route_native_logs

    route_native_logs()
    try:
        llm = llama_cpp.Llama(str(path), vocab_only=True, verbose=False)
    except (ValueError, RuntimeError, OSError) as exc:
        raise ChatError(f"The vocabulary of {path.name} cannot be read.") from exc
    try:
        # llama-cpp-python's own formatter reads the BOS/EOS text from here too.
        model = llm._model  # noqa: SLF001

        def text_of(token: object) -> str:
            if not isinstance(token, int) or not 0 <= token < llm.n_vocab():
                return ""
            return str(model.token_get_text(token))

        bos, eos = text_of(bos_id), text_of(eos_id)
        candidates = {*SPECIAL_RE.findall(template), bos, eos} - {""}
        specials: dict[str, int] = {}
        for spelling in sorted(candidates)[:MAX_SPECIALS]:
            ids = llm.tokenize(spelling.encode("utf-8"), add_bos=False, special=True)
            if len(ids) == 1:
                specials[spelling] = int(ids[0])
        adds_bos = bool(model.add_bos_token())
    finally:
        llm.close()
    return ChatTemplate(template, bos, eos, specials, adds_bos)


class _Attached:
    """A model file whose template is read on first use (and then kept)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.read = False
        self.template: ChatTemplate | None = None

    def get(self) -> ChatTemplate | None:
        with self.lock:
            if not self.read:
                self.read = True
                try:
                    self.template = read_chat_template(self.path)
                except EngineError as exc:
                    log.warning("plain prompts for %s: %s", self.path.name, exc)
            return self.template


_ATTACHED: weakref.WeakKeyDictionary[Any, _Attached] = weakref.WeakKeyDictionary()


def attach(engine: Engine, path: Path) -> None:
    """Mark `engine` as running the instruct model in `path`: generation jobs on it go
    through the file's chat template."""
    _ATTACHED[engine] = _Attached(path)


def chat_template(engine: Engine) -> ChatTemplate | None:
    """The chat template generation on `engine` goes through (None: plain prompts)."""
    try:
        attached = _ATTACHED.get(engine)
    except TypeError:  # an engine that cannot be a weak key was never attached
        return None
    return attached.get() if attached is not None else None
