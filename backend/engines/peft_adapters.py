"""LoRA adapter files applied to a transformers model through peft, switched in place.

The same GGUF adapter file llama.cpp loads: its tensors are mapped back from llama.cpp's
names to the model's modules and injected as peft LoRA layers. Each adapter is injected
once; switching activates another one, and the strength is peft's own per-adapter scale.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from backend.engines.adapter_file import (
    AdapterError,
    model_architecture,
    read_adapter,
    read_pairs,
    tensor_names,
)


class PeftAdapters:
    """The adapters injected into one loaded model, and the one in use."""

    def __init__(self, model: Any, model_path: Path) -> None:
        self._model = model
        self._model_path = model_path
        self._names: dict[Path, str] = {}
        self.current: tuple[Path, float] | None = None

    def choose(self, path: Path | None, scale: float) -> None:
        """Use `path` at `scale` from the next forward pass on (None or 0: the plain model)."""
        layers = self._layers()
        if path is None or scale == 0:
            for layer in layers:
                layer.enable_adapters(False)
            self.current = None
            return
        path = path.resolve()
        name = self._names.get(path) or self._inject(path)
        for layer in self._layers():
            layer.enable_adapters(True)
            layer.set_adapter(name)
            if name in layer.lora_A:
                layer.set_scale(name, scale)
        self.current = (path, float(scale))

    def forget(self, path: Path) -> None:
        """Remove a deleted adapter's layers (unless it is in use)."""
        path = path.resolve()
        name = self._names.get(path)
        if name is None or (self.current is not None and self.current[0] == path):
            return
        for layer in self._layers():
            if name in layer.lora_A:
                layer.delete_adapter(name)
        del self._names[path]

    def _inject(self, path: Path) -> str:
        import torch
        from peft import LoraConfig, inject_adapter_in_model, set_peft_model_state_dict

        meta = read_adapter(path)
        pairs = read_pairs(path)
        arch, blocks = model_architecture(self._model_path)
        modules = tensor_names((n for n, _ in self._model.named_modules()), arch, blocks)
        by_tensor = {tensor: module for module, tensor in modules.items()}
        missing = [t for t in pairs if t not in by_tensor]
        if missing:
            raise AdapterError(f"{path.name} changes weights this model lacks ({missing[0]}).")
        state = {}
        for tensor, (a, b) in pairs.items():
            module = by_tensor[tensor]
            state[f"{module}.lora_A.weight"] = torch.from_numpy(a)
            state[f"{module}.lora_B.weight"] = torch.from_numpy(b)
        name = f"adapter{len(self._names)}"
        config = LoraConfig(
            r=meta.rank,
            lora_alpha=meta.alpha,  # type: ignore[arg-type]  # a float works
            lora_dropout=0.0,
            target_modules=sorted(by_tensor[t] for t in pairs),
            fan_in_fan_out=arch == "gpt2",  # GPT-2's Conv1D stores its weights transposed
        )
        inject_adapter_in_model(config, self._model, adapter_name=name)
        result = set_peft_model_state_dict(self._model, state, adapter_name=name)
        if getattr(result, "unexpected_keys", None):
            raise AdapterError(f"{path.name} does not fit this model's layers.")
        self._model.eval()
        self._names[path] = name
        return name

    def _layers(self) -> list[Any]:
        from peft.tuners.lora import LoraLayer

        return [m for m in self._model.modules() if isinstance(m, LoraLayer)]
