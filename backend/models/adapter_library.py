"""The writer's adapters, kept per base model: names, sources, gains, and which one is on.

Each base model (by fingerprint) has a folder under the data folder's `adapters/` with the
adapter files and an `index.json`: the names the writer gave them, which one is switched on
and at what strength. The files carry their own facts (base model, sources, measured gain);
the index only what the writer can change.

A file name from the index (or from the folder) becomes a path only after it is shown to be
a plain adapter file name that stays inside the model's folder once links are resolved, so
a damaged or hostile index can neither read nor delete anything elsewhere; an adapter that
cannot be read is left out of the list with a note in the log.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backend.engines.adapter_file import AdapterError, AdapterMeta, BaseModel, check_adapter
from backend.storage.atomic import SaveError, atomic_write_text
from backend.untrusted import RefusedFile, inside, read_json

log = logging.getLogger(__name__)

MIN_SCALE = 0.0
MAX_SCALE = 2.0
INDEX = "index.json"
INDEX_LIMIT = 4 << 20
MAX_NAME = 200  # the longest adapter name the list keeps
# An adapter's file name: no separators, not hidden, a .gguf at the end.
_FILE_NAME = re.compile(r"\w[\w.-]{0,200}\.gguf")


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
        self.root = root
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
            try:
                path = self._path(file)
                meta = check_adapter(path, self.base)
                size = path.stat().st_size
            except (AdapterError, OSError) as exc:
                log.warning("skipping adapter %s in %s: %s", file, self.folder, exc)
                continue
            out.append(AdapterEntry(file, name, meta, size))
        return sorted(out, key=lambda e: e.meta.created, reverse=True)

    def add(self, source: Path, name: str = "", move: bool = False) -> AdapterEntry:
        """Check `source` against this model and keep a copy (moved, for a fresh training)."""
        meta = check_adapter(source, self.base)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AdapterError(f"Could not keep the adapter: {exc.strerror or exc}.") from exc
        file = self._free_file_name(source.stem)
        target = self._path(file)
        try:
            if move:
                shutil.move(str(source), target)
            else:
                shutil.copy2(source, target)
        except OSError as exc:
            target.unlink(missing_ok=True)
            raise AdapterError(f"Could not keep the adapter: {exc.strerror or exc}.") from exc
        self._index["names"][file] = _name(name) or _name(meta.name) or _name(source.stem) or file
        self._write_index()
        return AdapterEntry(file, self._index["names"][file], meta, target.stat().st_size)

    def rename(self, file: str, name: str) -> None:
        """Give an adapter a new name (the file keeps its own)."""
        if not _name(name):
            raise AdapterError("An adapter needs a name.")
        self._known(file)
        self._index["names"][file] = _name(name)
        self._write_index()

    def delete(self, file: str) -> None:
        """Remove an adapter and its file; switching it off first if it was on.

        Only the folder's own entry is removed: a link is unlinked, never what it points to.
        """
        self._known(file)
        path = self._path(file)
        del self._index["names"][file]
        if self._index.get("active") == file:
            self._index["active"] = None
        self._write_index()
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise AdapterError(f"Could not delete {file}: {exc.strerror or exc}.") from exc

    def switch(self, file: str | None, scale: float = 1.0) -> ActiveAdapter | None:
        """Turn `file` on at `scale` (None: all off); what is on now."""
        if file is not None:
            self._known(file)
            self._path(file)
        self._index["active"] = file
        self._index["scale"] = clamp_scale(scale)
        self._write_index()
        return self.active()

    def active(self) -> ActiveAdapter | None:
        """The adapter switched on for this model, if its file is still there."""
        file = self._index.get("active")
        if not file or file not in self._index["names"]:
            return None
        try:
            path = self._path(file)
        except AdapterError as exc:
            log.warning("the adapter switched on for %s is not used: %s", self.folder, exc)
            return None
        if not path.is_file():
            return None
        return ActiveAdapter(path, float(self._index.get("scale", 1.0)))

    def entry(self, file: str) -> AdapterEntry:
        """One adapter by its file name."""
        for entry in self.entries():
            if entry.file == file:
                return entry
        raise AdapterError(f"There is no adapter {file!r} for this model.")

    def _known(self, file: str) -> None:
        if file not in self._index["names"]:
            raise AdapterError(f"There is no adapter {_shown(file)} for this model.")

    def _path(self, file: str) -> Path:
        """The adapter `file` in this model's folder, once it is shown to be a plain file
        name that stays inside the folder (and the folder inside the adapters folder) with
        every link resolved. The path itself is the folder's own entry, not a link's target."""
        if not _is_file_name(file):
            raise AdapterError(f"{_shown(file)} is not an adapter file name.")
        try:
            inside(inside(self.root, self.base.fingerprint), file)
        except RefusedFile as exc:
            raise AdapterError(str(exc)) from exc
        return self.folder / file

    def _free_file_name(self, stem: str) -> str:
        safe = re.sub(r"[^\w.-]+", "-", stem).strip("-.")[:100] or "adapter"
        candidate, n = f"{safe}.gguf", 2
        # lexists: a dangling link under the name would be written through, to its target.
        while os.path.lexists(self.folder / candidate):
            candidate, n = f"{safe}-{n}.gguf", n + 1
        return candidate

    def _read_index(self) -> dict[str, Any]:
        empty: dict[str, Any] = {"names": {}, "active": None, "scale": 1.0}
        path = self.folder / INDEX
        try:
            folder = inside(self.root, self.base.fingerprint)
        except RefusedFile as exc:
            log.warning("the adapters of %s are not used: %s", self.base.path.name, exc)
            return empty
        try:
            data = read_json(folder / INDEX, INDEX_LIMIT, root=folder)
        except FileNotFoundError:
            return empty
        except (OSError, RefusedFile) as exc:
            log.warning("the adapter list %s is damaged (%s); starting a new one", path, exc)
            return self._recover(empty)
        raw = data.get("names") if isinstance(data, dict) else None
        if not isinstance(raw, dict):
            log.warning("the adapter list %s is damaged (no names); starting a new one", path)
            return self._recover(empty)
        names: dict[str, str] = {}
        for file, name in raw.items():
            if not _is_file_name(file):
                log.warning(
                    "%s: skipping %s, which is not an adapter file name", path, _shown(file)
                )
                continue
            names[file] = _name(name) or file.removesuffix(".gguf")
        scale = data.get("scale", 1.0)
        if isinstance(scale, bool) or not isinstance(scale, int | float) or math.isnan(scale):
            scale = 1.0
        active = data.get("active")
        return {"names": names, "active": active if active in names else None,
                "scale": clamp_scale(scale)}  # fmt: skip

    def _recover(self, empty: dict[str, Any]) -> dict[str, Any]:
        """A damaged index: list whatever adapter files are in the folder, all switched off."""
        try:
            found = sorted(p.name for p in self.folder.glob("*.gguf"))
        except OSError:
            found = []
        names = {file: file.removesuffix(".gguf") for file in found if _is_file_name(file)}
        return {**empty, "names": names}

    def _write_index(self) -> None:
        index = self.folder / INDEX
        text = json.dumps(self._index, indent=1)  # before the file changes under the cache
        try:
            inside(self.root, self.base.fingerprint)
            self.folder.mkdir(parents=True, exist_ok=True)
            if index.is_symlink():  # replaced, never written through or copied from
                index.unlink()
            atomic_write_text(index, text)
        except RefusedFile as exc:
            raise AdapterError(f"The adapter list was not saved: {exc}") from exc
        except (SaveError, OSError) as exc:
            raise AdapterError(f"Could not save the adapter list: {exc}") from exc


def _is_file_name(file: object) -> bool:
    """True for a plain adapter file name (no folders, not hidden, ending in .gguf)."""
    return isinstance(file, str) and _FILE_NAME.fullmatch(file) is not None


def _name(name: object) -> str:
    """An adapter's name as the list keeps it: text, one line, not too long ('' if none)."""
    if not isinstance(name, str):
        return ""
    return " ".join(name.split())[:MAX_NAME]


def _shown(file: object) -> str:
    """A file name from the index, safe to show: escaped and cut short."""
    text = repr(file)
    return text if len(text) <= 60 else text[:59] + "…"
