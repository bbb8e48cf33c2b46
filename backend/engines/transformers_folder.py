"""What a transformers model folder must hold before the engine loads it: a config,
safetensors weights (never pickled ones) and a tokenizer."""

from __future__ import annotations

from pathlib import Path

from backend.engines.base import EngineError


def check_transformers_folder(path: Path) -> None:
    """Raise EngineError unless `path` holds a config, safetensors weights and a tokenizer."""
    if not path.is_dir():
        raise EngineError(f"{path} is not a model folder.")
    if not (path / "config.json").is_file():
        raise EngineError(f"{path.name} has no config.json, so it is not a transformers model.")
    if not any(path.glob("*.safetensors")):
        raise EngineError(
            f"{path.name} has no .safetensors weights. Inkling only loads safetensors "
            "(pickled .bin weights can run code when loaded)."
        )
    tokenizer_files = ("tokenizer.json", "vocab.json", "tokenizer.model")
    if not any((path / name).is_file() for name in tokenizer_files):
        raise EngineError(f"{path.name} has no tokenizer files.")
