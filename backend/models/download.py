"""Model downloads from the Hugging Face hub, only when the writer asks for one.

Resumable (a `.part` file and an HTTP Range request), checked against the SHA-256 the hub
publishes for the file (or one the writer gives), cancellable between blocks, and refused
up front when the disk cannot hold the file. The endpoint can be changed (HF_ENDPOINT, as in
the hub's own tools), which is also how the tests point it at a server on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import re
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

DEFAULT_ENDPOINT = "https://huggingface.co"
BLOCK = 1 << 20
DISK_MARGIN = 64 << 20  # keep this much free after the download
TIMEOUT_S = 30.0
REPO_RE = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class DownloadError(RuntimeError):
    """The download failed; the message is meant for the writer."""


class DownloadCancelled(DownloadError):
    """The writer cancelled; the partial file is kept so the download can resume."""


@dataclass(frozen=True)
class RemoteFile:
    """What the hub says about a file before we fetch it."""

    url: str
    size: int | None
    sha256: str | None


def endpoint() -> str:
    """The hub's address ($HF_ENDPOINT overrides it)."""
    return os.environ.get("HF_ENDPOINT", DEFAULT_ENDPOINT).rstrip("/")


def file_url(repo: str, filename: str, revision: str = "main", base: str | None = None) -> str:
    """The hub's download address for one file of a repository."""
    if not REPO_RE.match(repo):
        raise DownloadError(f"{repo!r} is not a repository id (owner/name).")
    if not filename or filename.startswith("/") or ".." in filename.split("/"):
        raise DownloadError(f"{filename!r} is not a file name in the repository.")
    return f"{base or endpoint()}/{repo}/resolve/{quote(revision)}/{quote(filename)}"


def _request(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> Any:
    req = urllib.request.Request(url, method=method, headers=headers or {})
    req.add_header("User-Agent", "Inkling")
    try:
        return urllib.request.urlopen(req, timeout=TIMEOUT_S)
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            raise DownloadError(
                "The hub refused the download (the model may need you to accept its licence "
                "on the website, or a token)."
            ) from exc
        if exc.code == 404:
            raise DownloadError("The hub has no such repository or file.") from exc
        if exc.code == 416:
            raise
        raise DownloadError(f"The hub answered HTTP {exc.code}.") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DownloadError(f"Cannot reach {url.split('/')[2]}: {reason}.") from exc


def describe(url: str) -> RemoteFile:
    """Size and checksum from a HEAD request (the hub sends them as X-Linked-* headers)."""
    with _request(url, "HEAD") as resp:
        headers = resp.headers
        size = headers.get("X-Linked-Size") or headers.get("Content-Length")
        etag = (headers.get("X-Linked-Etag") or headers.get("ETag") or "").strip('"').lower()
        etag = etag.removeprefix("w/").strip('"')
    return RemoteFile(
        url, int(size) if size and size.isdigit() else None, etag if SHA256_RE.match(etag) else None
    )


def download(
    repo: str,
    filename: str,
    dest_dir: Path,
    *,
    sha256: str | None = None,
    revision: str = "main",
    base: str | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    cancel: threading.Event | None = None,
) -> Path:
    """Fetch one file into `dest_dir`, resuming a partial download; returns its path."""
    url = file_url(repo, filename, revision, base)
    expected = (sha256 or "").strip().lower() or None
    if expected is not None and not SHA256_RE.match(expected):
        raise DownloadError("The checksum must be 64 hexadecimal characters (SHA-256).")
    info = describe(url)
    expected = expected or info.sha256
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / Path(filename).name
    if target.exists():
        raise DownloadError(f"{target.name} is already in {dest_dir}.")
    part = target.with_name(target.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    if info.size is not None:
        if have > info.size:
            part.unlink()
            have = 0
        need = info.size - have + DISK_MARGIN
        free = shutil.disk_usage(dest_dir).free
        if free < need:
            raise DownloadError(
                f"Not enough disk space: the model needs {info.size / 1e9:.2f} GB and "
                f"{free / 1e9:.2f} GB is free in {dest_dir}."
            )
    digest = hashlib.sha256()
    if have:
        with part.open("rb") as f:
            while block := f.read(BLOCK):
                digest.update(block)
    headers = {"Range": f"bytes={have}-"} if have else {}
    try:
        resp = _request(url, headers=headers)
    except urllib.error.HTTPError:  # 416: the part file is already complete
        resp = None
    if resp is not None:
        with resp:
            if have and resp.status != 206:
                # The server ignored the range: start again from the beginning.
                have = 0
                digest = hashlib.sha256()
                mode = "wb"
            else:
                mode = "ab"
            have = _receive(resp, part, mode, have, info.size, digest, progress, cancel)
    if info.size is not None and have < info.size:
        raise DownloadError(
            f"The connection dropped after {have / 1e6:.1f} MB; try again to resume."
        )
    if expected is not None and digest.hexdigest() != expected:
        with contextlib.suppress(OSError):
            part.unlink()
        raise DownloadError(
            "The downloaded file does not match its checksum; it was deleted. Try again."
        )
    os.replace(part, target)
    return target


def _receive(
    resp: Any,
    part: Path,
    mode: str,
    have: int,
    total: int | None,
    digest: Any,
    progress: Callable[[int, int | None], None] | None,
    cancel: threading.Event | None,
) -> int:
    """Copy the response body into the part file; returns the bytes now on disk."""
    try:
        out = part.open(mode)
    except OSError as exc:
        raise DownloadError(f"Could not write the download: {exc.strerror or exc}.") from exc
    with out:
        while True:
            if cancel is not None and cancel.is_set():
                raise DownloadCancelled("The download was cancelled; it can resume.")
            try:
                block = resp.read(BLOCK)
            except (OSError, http.client.HTTPException) as exc:
                raise DownloadError(
                    f"The connection dropped after {have / 1e6:.1f} MB; try again to resume."
                ) from exc
            if not block:
                break
            try:
                out.write(block)
            except OSError as exc:
                raise DownloadError(
                    f"Could not write the download: {exc.strerror or exc}. The part already "
                    "downloaded is kept."
                ) from exc
            digest.update(block)
            have += len(block)
            if progress is not None:
                progress(have, total)
        try:
            out.flush()
            os.fsync(out.fileno())
        except OSError as exc:
            raise DownloadError(f"Could not write the download: {exc.strerror or exc}.") from exc
    return have
