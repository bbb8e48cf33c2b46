"""Model downloads against a stand-in for the hub on 127.0.0.1 (never the real internet)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from backend.models import download as dl
from backend.models.download import DownloadCancelled, DownloadError
from tests.conftest import BLOB


def test_download_verifies_the_checksum_and_reports_progress(hub, tmp_path: Path) -> None:
    base, _state = hub
    seen: list[int] = []
    path = dl.download(
        "owner/model", "m.gguf", tmp_path, base=base, progress=lambda n, t: seen.append(n)
    )
    assert path.read_bytes() == BLOB
    assert seen[-1] == len(BLOB) and len(seen) >= 3
    assert not (tmp_path / "m.gguf.part").exists()


def test_a_dropped_download_resumes_with_a_range_request(hub, tmp_path: Path) -> None:
    base, state = hub
    state.drop_after = 1 << 20
    path = dl.download("owner/model", "m.gguf", tmp_path, base=base)
    assert path.read_bytes() == BLOB
    # The first GET broke after 1 MB; the next one asked for the rest only.
    gets = [r for r in state.requests if r[0] == "GET"]
    assert len(gets) == 2 and gets[0][2] == ""
    assert gets[1] == ("GET", "/owner/model/resolve/main/m.gguf", f"bytes={1 << 20}-")


def test_cancel_keeps_the_part_and_a_later_download_resumes(hub, tmp_path: Path) -> None:
    base, state = hub
    cancel = threading.Event()
    with pytest.raises(DownloadCancelled):
        dl.download(
            "owner/model",
            "m.gguf",
            tmp_path,
            base=base,
            cancel=cancel,
            progress=lambda n, t: cancel.set(),
        )
    kept = (tmp_path / "m.gguf.part").stat().st_size
    assert kept > 0
    assert not (tmp_path / "m.gguf").exists()
    path = dl.download("owner/model", "m.gguf", tmp_path, base=base)
    assert path.read_bytes() == BLOB
    assert state.requests[-1][2] == f"bytes={kept}-"
    assert not (tmp_path / "m.gguf.part").exists()


def test_a_wrong_checksum_deletes_the_file(hub, tmp_path: Path) -> None:
    base, state = hub
    state.sha = "0" * 64
    with pytest.raises(DownloadError, match="checksum"):
        dl.download("owner/model", "m.gguf", tmp_path, base=base)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(DownloadError, match="checksum"):
        dl.download("owner/model", "m.gguf", tmp_path, base=base, sha256="ab" * 32)


def test_disk_space_is_checked_before_fetching(hub, tmp_path: Path, monkeypatch) -> None:
    base, state = hub
    monkeypatch.setattr(dl.shutil, "disk_usage", lambda _p: type("U", (), {"free": 1000})())
    with pytest.raises(DownloadError, match="disk space"):
        dl.download("owner/model", "m.gguf", tmp_path, base=base)
    assert [r[0] for r in state.requests] == ["HEAD"]


@pytest.mark.parametrize(
    ("repo", "name", "words"),
    [
        ("not a repo", "m.gguf", "repository id"),
        ("owner/model", "../x", "file name"),
        ("owner/other", "m.gguf", "no such"),
    ],
)
def test_bad_requests_have_clear_messages(hub, tmp_path: Path, repo, name, words) -> None:
    base, _state = hub
    with pytest.raises(DownloadError, match=words):
        dl.download(repo, name, tmp_path, base=base)


def test_a_dead_hub_is_a_clear_message(hub, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="Cannot reach"):
        dl.download("owner/model", "m.gguf", tmp_path, base="http://127.0.0.1:1")


# --- repository file names and folders that would lead outside the models folder -------------


@pytest.mark.parametrize(
    "name",
    [
        "../../notes/ideas.md",
        "../x.gguf",
        "sub/../../x.gguf",
        "/etc/x.gguf",
        "..\\..\\notes\\ideas.md",
        "x\x00.gguf",
        "sub/",
        "sub/.",
        "sub/..",
        ".hidden.gguf",
        "x" * 300 + ".gguf",
    ],
)
def test_a_hub_file_name_never_leads_outside_the_models_folder(
    hub, tmp_path: Path, canary, name: str
) -> None:
    base, state = hub
    models = tmp_path / "Story.inkling" / "models"
    with pytest.raises(DownloadError, match="is not a file name in the repository"):
        dl.download("owner/model", name, models, base=base)
    assert state.requests == []  # refused before anything is asked of the hub
    assert not models.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes"]
    canary.check()


def test_a_file_in_a_repository_folder_lands_in_the_models_folder(
    hub, tmp_path: Path, canary
) -> None:
    base, _state = hub
    models = tmp_path / "models"
    path = dl.download("owner/model", "quantised/m.gguf", models, base=base)
    assert path == models / "m.gguf" and path.read_bytes() == BLOB
    canary.check()


@pytest.mark.parametrize("which", ["part", "target"])
def test_links_in_the_models_folder_are_not_written_through(
    hub, tmp_path: Path, canary, which: str
) -> None:
    base, _state = hub
    models = tmp_path / "models"
    models.mkdir()
    name = "m.gguf.part" if which == "part" else "m.gguf"
    (models / name).symlink_to(canary.path / "ideas.md")
    with pytest.raises(DownloadError) as caught:
        dl.download("owner/model", "m.gguf", models, base=base)
    assert f"“{name}” leads outside models" in str(caught.value)
    (models / name).unlink()
    # A link that stays inside the folder is refused too: it would overwrite another model.
    (models / "other.gguf").write_bytes(b"another model")
    (models / name).symlink_to("other.gguf")
    with pytest.raises(DownloadError, match=r"is a link|already in"):
        dl.download("owner/model", "m.gguf", models, base=base)
    assert (models / "other.gguf").read_bytes() == b"another model"
    canary.check()


def test_a_fifo_as_the_partial_download_is_refused(hub, tmp_path: Path, canary) -> None:
    base, _state = hub
    models = tmp_path / "models"
    models.mkdir()
    os.mkfifo(models / "m.gguf.part")
    with pytest.raises(DownloadError, match=r"m\.gguf\.part is not an ordinary file"):
        dl.download("owner/model", "m.gguf", models, base=base)
    assert not (models / "m.gguf").exists()
    canary.check()
