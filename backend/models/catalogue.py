"""The writer's models: the bundled one, added files and folders, downloads and servers.

Kept in `models.toml` beside the settings (written atomically). API keys live apart, in
`secrets.toml`, readable by the user only. Every local model is inspected before it is
accepted: the file's magic bytes and metadata, an architecture this build can run, weights
and tokenizer present.

Both files, and a model folder's config.json, tokenizer_config.json and README, are read
through the bounded readers of backend.untrusted: a list edited by hand or a model
folder from elsewhere may hold anything. A model's location may be any file of the writer's
own, but Inkling only ever deletes a file that lies inside its own models folder.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import tomli_w

from backend.engines.base import EngineKind
from backend.models.bundled import BUNDLED_FILE
from backend.models.entry import (
    BUNDLED_ID,
    PROMPT_FORMATS,
    CatalogError,
    ModelEntry,
    bundled_entry,
    human_size,
)
from backend.models.inspection import inspect_gguf, inspect_path
from backend.models.rows import _checked_fields, check_sampler, check_url
from backend.models.spec import ModelSpec
from backend.storage.atomic import SaveError, atomic_write_bytes
from backend.storage.paths import AppPaths
from backend.untrusted import (
    RefusedFile,
    is_inside,
    is_safe_id,
    loads_toml,
    read_bounded,
    read_toml,
)

# Names the window and the command line import from here, though they live beside it.
__all__ = [
    "BUNDLED_ID",
    "PROMPT_FORMATS",
    "Catalog",
    "CatalogError",
    "ModelEntry",
    "human_size",
    "inspect_gguf",
    "inspect_path",
]

log = logging.getLogger(__name__)

# The most Inkling reads of each file; a real models.toml is a few KB.
MODELS_LIMIT = 4 << 20
SECRETS_LIMIT = 256 << 10


def _slug(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "model"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


class Catalog:
    """The list of models, read from and written to models.toml."""

    def __init__(self, paths: AppPaths) -> None:
        self.paths = paths
        self.file = paths.config / "models.toml"
        self.secrets_file = paths.config / "secrets.toml"
        self.entries: list[ModelEntry] = []
        self.problem = ""
        self.load()

    # --- persistence ------------------------------------------------------------------
    def load(self) -> None:
        """Read models.toml; a damaged file is set aside and the bundled model remains.

        An entry that cannot be right (a wrong type, an unknown engine, a relative path) is
        skipped with a note in `problem`; the others are kept, and a copy of the file as it
        was is kept beside it, so nothing the writer wrote is lost at the next save.
        """
        self.entries = [bundled_entry(self.paths.models)]
        self.problem = ""
        try:
            raw = read_bounded(self.file, MODELS_LIMIT)
            data = loads_toml(raw, self.file.name)
        except FileNotFoundError:
            return
        except RefusedFile as exc:
            self.problem = f"{exc} The model list was set aside; the bundled model remains."
            log.warning("%s", self.problem)
            self._set_aside()
            return
        except OSError as exc:
            self.problem = (
                f"The model list could not be read ({exc.strerror or exc}); it was set aside."
            )
            log.warning("%s", self.problem)
            self._set_aside()
            return
        skipped: list[str] = []
        rows = data.get("model", [])
        if not isinstance(rows, list):
            skipped.append("“model” is not a list of [[model]] tables")
            rows = []
        taken = {BUNDLED_ID}
        for number, row in enumerate(rows, 1):
            try:
                entry = self._entry_from(row, taken)
            except CatalogError as exc:
                skipped.append(f"model {number}: {exc}")
                continue
            if entry is not None:
                taken.add(entry.id)
                self.entries.append(entry)
        if skipped:
            self._keep_copy(raw)
            self.problem = (
                f"Some of the model list in {self.file.name} could not be used and was "
                f"skipped ({'; '.join(skipped[:3])}{'; …' if len(skipped) > 3 else ''}). "
                f"The file as it was is kept as {self.file.name}.damaged."
            )
            for note in skipped:
                log.warning("%s: skipped %s", self.file, note)

    def _entry_from(self, row: object, taken: set[str]) -> ModelEntry | None:
        """One entry from models.toml, every field checked; None for the bundled model's
        own row. Raises CatalogError saying what is wrong."""
        if not isinstance(row, dict):
            raise CatalogError("it is not a table")
        entry_id = row.get("id")
        if entry_id == BUNDLED_ID:
            return None
        if not isinstance(entry_id, str) or not is_safe_id(entry_id):
            raise CatalogError("its id is missing or not a plain name")
        if entry_id in taken:
            raise CatalogError(f"the id {entry_id} is listed twice")
        entry = ModelEntry(**_checked_fields(row, entry_id))
        if entry.downloaded and not self._own_download(entry.path):
            # Only files in the models folder were downloaded by Inkling; anything else
            # is the writer's own and is never deleted.
            log.warning("%s: %s is outside the models folder; kept as the writer's own file",
                        self.file, entry.path)  # fmt: skip
            entry.downloaded = False
        return entry

    def _own_download(self, path: str) -> bool:
        """True when `path` lies inside the models folder (links resolved) and is not the
        bundled model: the only files removing an entry may delete."""
        if not path or "\x00" in path:
            return False
        target = Path(path)
        return is_inside(self.paths.models, target) and _resolved(target) != _resolved(
            self.paths.models / BUNDLED_FILE
        )

    def _keep_copy(self, data: bytes) -> None:
        try:
            atomic_write_bytes(self.file.with_name(self.file.name + ".damaged"), data, backup=False)
        except SaveError as exc:
            log.warning("could not keep a copy of %s: %s", self.file, exc)

    def _set_aside(self) -> None:
        try:
            os.replace(self.file, self.file.with_name(self.file.name + ".damaged"))
        except OSError:
            log.warning("could not move %s aside", self.file)

    def save(self) -> None:
        """Write models.toml atomically (raises SaveError with a message for the writer)."""
        self.paths.config.mkdir(parents=True, exist_ok=True)
        rows = [asdict(e) for e in self.entries if not e.bundled]
        atomic_write_bytes(self.file, tomli_w.dumps({"model": rows}).encode("utf-8"))

    # --- queries ----------------------------------------------------------------------
    def get(self, entry_id: str) -> ModelEntry | None:
        """The entry with this id, or None."""
        return next((e for e in self.entries if e.id == entry_id), None)

    def find_path(self, path: str) -> ModelEntry | None:
        """The entry for a local file or folder, or None."""
        try:
            target = _resolved(Path(path).expanduser())
        except RuntimeError:  # no home folder to expand ~ to
            return None
        if target is None:
            return None
        for e in self.entries:
            if e.path and _resolved(Path(e.path)) == target:
                return e
        return None

    def id_for_spec(self, spec: ModelSpec) -> str | None:
        """The entry a loaded spec came from (None if it is not in the list)."""
        for e in self.entries:
            if spec.engine == EngineKind.REMOTE:
                same = e.engine == EngineKind.REMOTE and (e.url, e.remote_model) == (
                    spec.url,
                    spec.remote_model,
                )
            else:
                where = _resolved(Path(e.path)) if e.path else None
                same = bool(
                    e.engine == spec.engine
                    and where is not None
                    and where == _resolved(Path(spec.path))
                )
            if same:
                return e.id
        return None

    def spec(self, entry_id: str) -> ModelSpec:
        """The load spec for an entry, with its API key."""
        entry = self.get(entry_id)
        if entry is None:
            raise CatalogError(f"No model {entry_id!r} in the list.")
        return entry.spec(self.paths.models, self.api_key(entry_id))

    # --- changes ----------------------------------------------------------------------
    def add(self, entry: ModelEntry) -> ModelEntry:
        """Add an inspected entry (a file or folder already listed is returned as it is)."""
        if entry.path and entry.engine != EngineKind.REMOTE:
            existing = self.find_path(entry.path)
            if existing is not None:
                return existing
        entry = replace(entry, id=_slug(entry.name, {e.id for e in self.entries}))
        self.entries.append(entry)
        self.save()
        return entry

    def add_path(self, path: str | os.PathLike[str]) -> ModelEntry:
        """Inspect and add a .gguf file or transformers folder."""
        return self.add(inspect_path(path))

    def add_remote(
        self, name: str, url: str, remote_model: str = "", api_key: str = ""
    ) -> ModelEntry:
        """Add a server (an OpenAI-compatible completions endpoint)."""
        base = check_url(url)
        entry = self.add(
            ModelEntry(
                id="",
                name=name.strip() or remote_model or base,
                engine=EngineKind.REMOTE,
                url=base,
                remote_model=remote_model.strip(),
                format="server",
            )
        )
        if api_key:
            self.set_api_key(entry.id, api_key)
        return entry

    def update_sampler(self, entry_id: str, values: dict[str, Any]) -> None:
        """Set an entry's own sampler defaults."""
        entry = self.get(entry_id)
        if entry is None:
            raise CatalogError(f"No model {entry_id!r} in the list.")
        if entry.bundled:
            raise CatalogError("The bundled model uses the sampler settings in Preferences.")
        entry.sampler = check_sampler(values)
        self.save()

    def set_prompt_format(self, entry_id: str, fmt: str) -> None:
        """Override the detected prompt format."""
        entry = self.get(entry_id)
        if entry is None or fmt not in PROMPT_FORMATS:
            raise CatalogError(f"Unknown model or prompt format {fmt!r}.")
        entry.prompt_format = fmt
        self.save()

    def remove(self, entry_id: str) -> bool:
        """Drop an entry; a file Inkling downloaded is deleted too. Returns True if deleted."""
        entry = self.get(entry_id)
        if entry is None or entry.bundled:
            raise CatalogError("The bundled model cannot be removed.")
        self.entries.remove(entry)
        self.save()
        self.set_api_key(entry_id, "")
        if entry.downloaded and self._own_download(entry.path):
            try:
                Path(entry.path).unlink(missing_ok=True)
            except OSError as exc:
                log.warning("could not delete %s: %s", entry.path, exc)
                return False
            return True
        return False

    # --- secrets ----------------------------------------------------------------------
    def api_key(self, entry_id: str) -> str:
        """The stored API key for a server entry ('' if none)."""
        return str(self._secrets().get(entry_id, ""))

    def set_api_key(self, entry_id: str, key: str) -> None:
        """Store (or with '' forget) an API key, in a file only the user can read."""
        secrets = self._secrets()
        if key:
            secrets[entry_id] = key
        elif entry_id in secrets:
            del secrets[entry_id]
        else:
            return
        self.paths.config.mkdir(parents=True, exist_ok=True)
        try:
            atomic_write_bytes(
                self.secrets_file, tomli_w.dumps(secrets).encode("utf-8"), backup=False
            )
            os.chmod(self.secrets_file, stat.S_IRUSR | stat.S_IWUSR)
        except OSError as exc:
            raise SaveError(f"Could not store the API key: {exc.strerror or exc}.") from exc

    def _secrets(self) -> dict[str, Any]:
        try:
            data = read_toml(self.secrets_file, SECRETS_LIMIT)
        except FileNotFoundError:
            return {}
        except (OSError, RefusedFile) as exc:
            log.warning("the API key file could not be read: %s", exc)
            return {}
        # Only text keys for plain ids; anything else is dropped when the file is next saved.
        return {k: v for k, v in data.items() if is_safe_id(k) and isinstance(v, str)}


def _resolved(path: Path) -> str | None:
    """`path` with every link resolved, or None when it cannot be (a link loop, a NUL)."""
    try:
        return str(path.resolve())
    except (OSError, RuntimeError, ValueError):
        return None
