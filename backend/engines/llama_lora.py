"""LoRA adapters loaded into a llama.cpp model, through llama-cpp-python's C bindings only
(no private attributes). Split from llama_adapter.py, which hands it the model and contexts.
"""

from __future__ import annotations

import ctypes
from pathlib import Path
from typing import Any

from backend.engines.base import EngineError


class LoraSet:
    """LoRA adapters loaded into one llama.cpp model, and the one applied to its contexts.

    An adapter's tensors load once and stay until the model closes (or the adapter is
    forgotten), so switching or changing the strength is a pointer swap, not a reload.
    """

    def __init__(self, llama_cpp: Any, model: Any) -> None:
        self._llama_cpp = llama_cpp
        self._model = model
        self._handles: dict[Path, Any] = {}
        self.current: tuple[Path, float] | None = None

    def choose(self, path: Path | None, scale: float) -> None:
        """Make `path` at `scale` the adapter to apply (None or scale 0: none)."""
        if path is None or scale == 0:
            self.current = None
            return
        path = path.resolve()
        if path not in self._handles:
            handle = self._llama_cpp.llama_adapter_lora_init(self._model, str(path).encode())
            if not handle:
                raise EngineError(
                    f"llama.cpp could not load the adapter {path.name}; it may be damaged or "
                    "made for another model."
                )
            self._handles[path] = handle
        self.current = (path, float(scale))

    def apply(self, ctx: Any) -> None:
        """Set the chosen adapter (or none) on a context of this model."""
        lib = self._llama_cpp
        if self.current is None:
            result = lib.llama_set_adapters_lora(ctx, None, 0, None)
        else:
            path, scale = self.current
            handles = (lib.llama_adapter_lora_p_ctypes * 1)(self._handles[path])
            scales = (ctypes.c_float * 1)(scale)
            result = lib.llama_set_adapters_lora(ctx, handles, 1, scales)
        if result != 0:
            raise EngineError(f"llama.cpp could not switch the adapter (error {result}).")

    def forget(self, path: Path) -> None:
        """Free an adapter that is not in use (it was deleted)."""
        path = path.resolve()
        if self.current is not None and self.current[0] == path:
            return
        handle = self._handles.pop(path, None)
        if handle:
            self._llama_cpp.llama_adapter_lora_free(handle)

    def close(self) -> None:
        """Free every adapter (the contexts using them are closed next)."""
        for handle in self._handles.values():
            self._llama_cpp.llama_adapter_lora_free(handle)
        self._handles.clear()
        self.current = None
