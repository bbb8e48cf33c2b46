"""The writer's adapters, kept per base model: names, sources, gains, and which one is on.

Each base model (by fingerprint) has a folder under the data folder's `adapters/` with the
adapter files and an `index.json`: the names the writer gave them, which one is switched on
and at what strength. The files carry their own facts (base model, sources, measured gain);
the index only what the writer can change.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backend.models.adapters import AdapterError, AdapterMeta, BaseModel, check_adapter
from backend.storage.atomic import SaveError, atomic_write_text

log = logging.getLogger(__name__)

MIN_SCALE = 0.0
MAX_SCALE = 2.0
INDEX = "index.json"


@dataclass(frozen=True)
class AdapterEntry:
    """One adapter in the library."""

    file: str
    name: str
    meta: AdapterMeta
    size: int

    @property
    def gain(self) -> str:
        """The measured change in perplexity, for a list (empty when none was measured)."""
        before, after = self.meta.measured.get("ppl_before"), self.meta.measured.get("ppl_after")
        if not before or not after:
            return ""
        return f"{(after - before) / before:+.0%}"


@dataclass(frozen=True)
class ActiveAdapter:
    """The adapter switched on for a model, and its strength."""

    path: Path
    scale: float


def clamp_scale(scale: float) -> float:
    """A strength within what the slider offers (0 to 2)."""
    if scale != scale:  # NaN
        raise AdapterError("The adapter strength must be a number.")
    return min(MAX_SCALE, max(MIN_SCALE, float(scale)))


class AdapterLibrary:
    """The adapters of one base model."""

    def __init__(self, root: Path, model_path: Path) -> None:
        self.base = BaseModel.of(model_path)
        self.folder = root / self.base.fingerprint
        self._cached: tuple[tuple[int, int], dict[str, Any]] | None = None

    @property
    def model_path(self) -> Path:
        """The base model's file or folder."""
        return self.base.path

    @property
    def _index(self) -> dict[str, Any]:
        # Read on every use: the window and a finished training may both hold a library
        # object for the same model, and neither may write back a stale list.
        if self._cached is None or self._cached[0] != self._stamp():
            self._cached = (self._stamp(), self._read_index())
        return self._cached[1]

    def _stamp(self) -> tuple[int, int]:
        try:
            st = (self.folder / INDEX).stat()
        except OSError:
            return (0, 0)
        return (st.st_mtime_ns, st.st_size)

    def entries(self) -> list[AdapterEntry]:
        """Every adapter that is still readable, newest first."""
        out = []
        for file, name in self._index["names"].items():
            path = self.folder / file
            try:
                meta = check_adapter(path, self.base)
                size = path.stat().st_size
            except (AdapterError, OSError) as exc:
                log.warning("skipping adapter %s: %s", path, exc)
                continue
            out.append(AdapterEntry(file, name, meta, size))
        return sorted(out, key=lambda e: e.meta.created, reverse=True)

    def add(self, source: Path, name: str = "", move: bool = False) -> AdapterEntry:
        """Check `source` against this model and keep a copy (moved, for a fresh training)."""
        meta = check_adapter(source, self.base)
        self.folder.mkdir(parents=True, exist_ok=True)
        file = self._free_file_name(source.stem)
        target = self.folder / file
        try:
            if move:
                shutil.move(str(source), target)
            else:
                shutil.copy2(source, target)
        except OSError as exc:
            target.unlink(missing_ok=True)
            raise AdapterError(f"Could not keep the adapter: {exc.strerror or exc}.") from exc
        self._index["names"][file] = name.strip() or meta.name or source.stem
        self._write_index()
        return AdapterEntry(file, self._index["names"][file], meta, target.stat().st_size)

    def rename(self, file: str, name: str) -> None:
        """Give an adapter a new name (the file keeps its own)."""
        if not name.strip():
            raise AdapterError("An adapter needs a name.")
        self._known(file)
        self._index["names"][file] = name.strip()
        self._write_index()

    def delete(self, file: str) -> None:
        """Remove an adapter and its file; switching it off first if it was on."""
        self._known(file)
        del self._index["names"][file]
        if self._index.get("active") == file:
            self._index["active"] = None
        self._write_index()
        (self.folder / file).unlink(missing_ok=True)

    def switch(self, file: str | None, scale: float = 1.0) -> ActiveAdapter | None:
        """Turn `file` on at `scale` (None: all off); what is on now."""
        if file is not None:
            self._known(file)
        self._index["active"] = file
        self._index["scale"] = clamp_scale(scale)
        self._write_index()
        return self.active()

    def active(self) -> ActiveAdapter | None:
        """The adapter switched on for this model, if its file is still there."""
        file = self._index.get("active")
        if not file or file not in self._index["names"] or not (self.folder / file).is_file():
            return None
        return ActiveAdapter(self.folder / file, float(self._index.get("scale", 1.0)))

    def entry(self, file: str) -> AdapterEntry:
        """One adapter by its file name."""
        for entry in self.entries():
            if entry.file == file:
                return entry
        raise AdapterError(f"There is no adapter {file!r} for this model.")

    def _known(self, file: str) -> None:
        if file not in self._index["names"]:
            raise AdapterError(f"There is no adapter {file!r} for this model.")

    def _free_file_name(self, stem: str) -> str:
        safe = re.sub(r"[^\w.-]+", "-", stem).strip("-.") or "adapter"
        candidate, n = f"{safe}.gguf", 2
        while (self.folder / candidate).exists():
            candidate, n = f"{safe}-{n}.gguf", n + 1
        return candidate

    def _read_index(self) -> dict[str, Any]:
        empty: dict[str, Any] = {"names": {}, "active": None, "scale": 1.0}
        path = self.folder / INDEX
        if not path.is_file():
            return empty
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            names = {str(k): str(v) for k, v in dict(data.get("names", {})).items()}
            scale = clamp_scale(float(data.get("scale", 1.0)))
        except (OSError, ValueError, TypeError, AttributeError, AdapterError) as exc:
            log.warning("the adapter list %s is damaged (%s); starting a new one", path, exc)
            return self._recover(empty)
        active = data.get("active")
        return {"names": names, "active": active if isinstance(active, str) else None,
                "scale": scale}  # fmt: skip

    def _recover(self, empty: dict[str, Any]) -> dict[str, Any]:
        """A damaged index: list whatever adapter files are in the folder, all switched off."""
        names = {p.name: p.stem for p in sorted(self.folder.glob("*.gguf"))}
        return {**empty, "names": names}

    def _write_index(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.folder / INDEX, json.dumps(self._index, indent=1))
        except (SaveError, OSError) as exc:
            raise AdapterError(f"Could not save the adapter list: {exc}") from exc
