"""A model the writer can choose (ModelEntry), the bundled one's entry, and the prompt
formats and licence names an entry is described with."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from backend.engines.base import EngineKind
from backend.models.bundled import BUNDLED_FILE, BUNDLED_LICENCE, BUNDLED_NAME
from backend.models.spec import ModelSpec

BUNDLED_ID = "bundled"


# Prompt formats we recognise from a chat template, and the strings that end a turn in each.
PROMPT_FORMATS = {
    "plain": (),
    "chatml": ("<|im_end|>", "<|im_start|>"),
    "gemma": ("<end_of_turn>", "<start_of_turn>"),
    "llama3": ("<|eot_id|>", "<|start_header_id|>"),
    "mistral": ("[INST]", "[/INST]"),
}
LICENCE_NAMES = {
    "gemma": BUNDLED_LICENCE,
    "apache-2.0": "Apache License 2.0",
    "mit": "MIT License",
    "llama3": "Llama 3 Community License",
    "llama3.1": "Llama 3.1 Community License",
    "llama3.2": "Llama 3.2 Community License",
}


class CatalogError(ValueError):
    """A model could not be added or changed; the message is meant for the writer."""


@dataclass
class ModelEntry:
    """One model the writer can choose, with what the manager shows about it."""

    id: str
    name: str
    engine: str  # llamacpp | transformers | remote
    path: str = ""
    url: str = ""
    remote_model: str = ""
    size_bytes: int = 0
    format: str = ""
    architecture: str = ""
    context_length: int = 0
    licence: str = ""
    prompt_format: str = "plain"
    downloaded: bool = False
    source: str = ""  # where a download came from (repo/file)
    sampler: dict[str, float] = field(default_factory=dict)

    @property
    def bundled(self) -> bool:
        """True for the model that ships with Inkling."""
        return self.id == BUNDLED_ID

    def spec(self, models_dir: Path, api_key: str = "") -> ModelSpec:
        """What the engine factory needs to load this model."""
        stop = PROMPT_FORMATS.get(self.prompt_format, ())
        if self.engine == EngineKind.REMOTE:
            return ModelSpec(
                EngineKind.REMOTE,
                Path(),
                self.name,
                url=self.url,
                remote_model=self.remote_model,
                api_key=api_key,
                stop=stop,
            )
        path = models_dir / BUNDLED_FILE if self.bundled else Path(self.path)
        chat = self.prompt_format != "plain" and self.engine == EngineKind.LLAMACPP
        return ModelSpec(EngineKind(self.engine), path, self.name, stop=stop, chat=chat)

    def summary(self) -> str:
        """One line for lists and status messages."""
        bits = [self.format or self.engine, self.architecture]
        if self.context_length:
            bits.append(f"{self.context_length:,} tokens")
        if self.size_bytes:
            bits.append(human_size(self.size_bytes))
        return " · ".join(b for b in bits if b)


def human_size(n: int) -> str:
    """'253 MB', '1.2 GB'."""
    if n >= 1 << 30:
        return f"{n / (1 << 30):.1f} GB"
    if n >= 1 << 20:
        return f"{n / (1 << 20):.0f} MB"
    return f"{max(1, n // 1024)} KB"


def bundled_entry(models_dir: Path) -> ModelEntry:
    """The bundled Gemma model (its file may not be assembled yet)."""
    path = models_dir / BUNDLED_FILE
    size = path.stat().st_size if path.is_file() else 253_000_000
    return ModelEntry(
        id=BUNDLED_ID,
        name=BUNDLED_NAME,
        engine=EngineKind.LLAMACPP,
        path=str(path),
        size_bytes=size,
        format="GGUF",
        architecture="gemma3",
        context_length=32768,
        licence=BUNDLED_LICENCE,
    )


def prompt_format_of(chat_template: str) -> str:
    """The prompt format a chat template implies ('plain' without one)."""
    if "<|im_start|>" in chat_template:
        return "chatml"
    if "<start_of_turn>" in chat_template:
        return "gemma"
    if "<|start_header_id|>" in chat_template:
        return "llama3"
    if "[INST]" in chat_template:
        return "mistral"
    return "plain"
