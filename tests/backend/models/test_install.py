"""From the curated list to the writer's models through a stand-in hub on 127.0.0.1 that
serves a real GGUF (SmolLM2 135M Instruct) with the hub's metadata."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest

from backend.models.catalogue import Catalog
from backend.models.download import DownloadCancelled, DownloadError
from backend.models.install import (
    GENERATION,
    SUGGESTIONS,
    LicenceNotAccepted,
    UnknownModel,
    install,
    shelf,
    use_for,
)
from backend.models.library import checked_model
from backend.models.machine import Machine, ProbeResult
from backend.storage.paths import app_paths
from backend.storage.settings import SettingsStore
from tests.backend.models.test_library import GOOD


def shelf_models(size: int, *, accept: bool = False) -> list:
    return [
        checked_model(
            {**GOOD, "id": "smol", "file": "smol.gguf", "size_bytes": size,
             "accept_required": accept, "languages": ["en", "zh"]}
        )
    ]  # fmt: skip


@pytest.fixture
def served(hub, smollm_gguf: Path):
    base, state = hub
    state.blob = smollm_gguf.read_bytes()
    state.sha = hashlib.sha256(state.blob).hexdigest()
    return base, state


def test_install_downloads_verifies_and_adds_the_model(served) -> None:
    base, state = served
    paths = app_paths(None)
    seen: list[int] = []
    models = shelf_models(len(state.blob))
    entry = install(paths, "smol", base=base, models=models, progress=lambda n, t: seen.append(n))
    assert Path(entry.path).read_bytes() == state.blob
    assert entry.downloaded and entry.source == "owner/model/smol.gguf"
    assert entry.prompt_format == "chatml" and entry.spec(paths.models).chat
    assert Catalog(paths).get(entry.id) is not None
    assert seen[-1] == len(state.blob)
    # Installed already: nothing is fetched again.
    before = len(state.requests)
    assert install(paths, "smol", base=base, models=models).id == entry.id
    assert len(state.requests) == before
    view = shelf(paths, None, machine=Machine(8 << 30, 4 << 30, 4, 8, "cpu", (), False),
                 models=models)  # fmt: skip
    assert view.item("smol").installed == entry.id  # type: ignore[union-attr]
    assert view.recommended == {"en": "smol", "zh": "smol"}


def test_a_corrupted_byte_is_refused_and_nothing_is_kept(served) -> None:
    base, state = served
    blob = bytearray(state.blob)
    blob[len(blob) // 2] ^= 0xFF
    state.blob = bytes(blob)  # the hub still publishes the true checksum
    paths = app_paths(None)
    with pytest.raises(DownloadError, match="checksum"):
        install(paths, "smol", base=base, models=shelf_models(len(blob)))
    assert list(paths.models.glob("smol.gguf*")) == []
    assert len(Catalog(paths).entries) == 1  # the bundled model only


def test_a_licence_must_be_accepted_first(served) -> None:
    base, state = served
    paths = app_paths(None)
    models = shelf_models(len(state.blob), accept=True)
    with pytest.raises(LicenceNotAccepted, match="https://"):
        install(paths, "smol", base=base, models=models)
    assert state.requests == []  # nothing asked of the hub before the licence
    assert install(paths, "smol", base=base, models=models, accept_licence=True).downloaded


def test_missing_unknown_and_cancelled(served) -> None:
    base, state = served
    paths = app_paths(None)
    with pytest.raises(UnknownModel):
        install(paths, "nope", base=base, models=shelf_models(1))
    missing = [checked_model({**GOOD, "repo": "owner/gone", "file": "x.gguf"})]
    with pytest.raises(DownloadError, match="no such"):
        install(paths, "tiny", base=base, models=missing)
    cancel = threading.Event()
    with pytest.raises(DownloadCancelled):
        install(paths, "smol", base=base, models=shelf_models(len(state.blob)),
                cancel=cancel, progress=lambda n, t: cancel.set())  # fmt: skip
    assert (paths.models / "smol.gguf.part").stat().st_size > 0
    entry = install(paths, "smol", base=base, models=shelf_models(len(state.blob)))
    assert Path(entry.path).stat().st_size == len(state.blob)


def test_a_full_disk_is_refused_before_fetching(served, monkeypatch) -> None:
    import shutil

    base, state = served
    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda p: real(p)._replace(free=len(state.blob) // 2))
    with pytest.raises(DownloadError, match="disk space"):
        install(app_paths(None), "smol", base=base, models=shelf_models(len(state.blob)))
    assert not any(r[0] == "GET" for r in state.requests)


def test_use_for_suggestions_and_generation(served) -> None:
    base, state = served
    paths = app_paths(None)
    entry = install(paths, "smol", base=base, models=shelf_models(len(state.blob)))
    use_for(paths, entry.id, GENERATION)
    settings = SettingsStore(paths).load()
    assert settings.model.generation == entry.id and settings.model.active == ""
    use_for(paths, "bundled", SUGGESTIONS)
    assert SettingsStore(paths).load().model.active == "bundled"


def test_the_shelf_measures_speed_once(served, tmp_path: Path) -> None:
    calls: list[int] = []

    def probe() -> ProbeResult:
        calls.append(1)
        return ProbeResult(50.0, 250_000_000)

    paths = app_paths(None)
    box = Machine(8 << 30, 4 << 30, 4, 8, "cpu", (), False)
    models = shelf_models(1_000_000_000)
    first = shelf(paths, probe, machine=box, models=models)
    shelf(paths, probe, machine=box, models=models)
    assert calls == [1]
    assert first.item("smol").fit.est_tokens_per_s == 12.5  # type: ignore[union-attr]
