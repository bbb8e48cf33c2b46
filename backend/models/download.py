"""Model downloads from the Hugging Face hub, only when the writer asks for one.

The hub's own client (`huggingface_hub`) reads the file's metadata and fetches it: it
sends the HTTP Range request for a partial file, retries a dropped connection from where
it broke, and reports progress through a tqdm class, which is also where a cancel lands.
Inkling keeps the partial file (`name.part`, so a cancelled download resumes later) and
adds a clear message for every failure, a disk-space check before anything is fetched,
and a SHA-256 check (the hub's published checksum, or one the writer gives) before the
file appears among their models. The endpoint can be changed
(HF_ENDPOINT, as in the hub's own tools), which is also how the tests point it at a
server on 127.0.0.1.

The file name in the repository decides the name in the models folder, so it is checked
like any name from outside: only its last part is used, it must be a plain file name, and
the file and its `.part` must stay inside the models folder and not be links.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import stat
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from backend.untrusted import RefusedFile, inside

DEFAULT_ENDPOINT = "https://huggingface.co"
BLOCK = 1 << 20
DISK_MARGIN = 64 << 20  # keep this much free after the download
TIMEOUT_S = 30.0
REPO_RE = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
MAX_NAME = 200  # leaves room for ".part" within the 255 bytes most file systems allow

ProgressFn = Callable[[int, int | None], None]


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


def check_names(repo: str, filename: str) -> None:
    """DownloadError unless `repo` is owner/name and `filename` a path inside it."""
    if not REPO_RE.match(repo):
        raise DownloadError(f"{repo!r} is not a repository id (owner/name).")
    parts = filename.split("/")
    if (
        not filename
        or filename.startswith("/")
        or ".." in parts
        or "\x00" in filename
        or "\\" in filename
        or not _is_plain_name(parts[-1])
    ):
        raise DownloadError(f"{filename[:100]!r} is not a file name in the repository.")


def _is_plain_name(name: str) -> bool:
    """A name the models folder can hold as it is: not empty, not hidden, not too long."""
    return bool(name) and not name.startswith(".") and len(name.encode("utf-8")) <= MAX_NAME


def local_name(filename: str) -> str:
    """The name a repository file gets in the models folder: its last part."""
    return filename.rsplit("/", 1)[-1]


def describe(
    repo: str, filename: str, revision: str = "main", base: str | None = None
) -> RemoteFile:
    """Size and checksum of one file, from the hub's metadata (a HEAD request)."""
    from huggingface_hub import get_hf_file_metadata, hf_hub_url

    check_names(repo, filename)
    url = hf_hub_url(repo, filename, revision=revision, endpoint=base or endpoint())
    with _hub_errors(url):
        meta = get_hf_file_metadata(url, token=False, timeout=TIMEOUT_S, endpoint=base)
    etag = (meta.etag or "").strip('"').lower().removeprefix("w/").strip('"')
    return RemoteFile(url, meta.size, etag if SHA256_RE.match(etag) else None)


def download(
    repo: str,
    filename: str,
    dest_dir: Path,
    *,
    sha256: str | None = None,
    revision: str = "main",
    base: str | None = None,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
) -> Path:
    """Fetch one file into `dest_dir`, resuming a partial download; returns its path."""
    expected = (sha256 or "").strip().lower() or None
    if expected is not None and not SHA256_RE.match(expected):
        raise DownloadError("The checksum must be 64 hexadecimal characters (SHA-256).")
    info = describe(repo, filename, revision, base)
    expected = expected or info.sha256
    target = _in_folder(dest_dir, local_name(filename))
    if os.path.lexists(target):
        raise DownloadError(f"{target.name} is already in {dest_dir}.")
    part = part_path(dest_dir, filename)
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        have = part.stat().st_size if part.exists() else 0
        if info.size is not None and have > info.size:
            part.unlink()
            have = 0
    except OSError as exc:
        raise DownloadError(f"Could not write the download: {exc.strerror or exc}.") from exc
    _check_space(info.size, have, dest_dir)
    if info.size is None or have < info.size:
        _fetch(info, part, have, progress, cancel)
    if expected is not None and _sha256(part) != expected:
        with contextlib.suppress(OSError):
            part.unlink()
        raise DownloadError(
            "The downloaded file does not match its checksum; it was deleted. Try again."
        )
    try:
        os.replace(part, target)
    except OSError as exc:
        raise DownloadError(f"Could not write the download: {exc.strerror or exc}.") from exc
    return target


def part_path(dest_dir: Path, filename: str) -> Path:
    """Where an unfinished download of `filename` waits to be resumed."""
    return _in_folder(dest_dir, local_name(filename) + ".part")


def _in_folder(dest_dir: Path, name: str) -> Path:
    """`dest_dir/name`, proven to stay inside `dest_dir` and not to be a link: a download
    is written into this file, and a link would carry the writing elsewhere."""
    if not _is_plain_name(name) or "/" in name or "\x00" in name:
        raise DownloadError(f"{name[:100]!r} is not a file name for the models folder.")
    try:
        inside(dest_dir, name)
    except RefusedFile as exc:
        raise DownloadError(str(exc)) from exc
    path = dest_dir / name
    if path.is_symlink():
        raise DownloadError(
            f"{name} in {dest_dir} is a link; Inkling does not download through links. "
            "Remove it and try again."
        )
    return path


def _fetch(
    info: RemoteFile,
    part: Path,
    have: int,
    progress: ProgressFn | None,
    cancel: threading.Event | None,
) -> None:
    """Append the rest of the file to `part` (the hub client asks for a Range and retries a
    dropped connection from where it broke)."""
    from huggingface_hub.file_download import http_get

    out = _open_part(part)
    with out, _hub_errors(info.url, out, have):
        http_get(
            info.url,
            out,
            resume_size=have,
            headers={"user-agent": "Inkling"},
            expected_size=info.size,
            tqdm_class=_progress_bar(progress, cancel),
        )
        out.flush()
        os.fsync(out.fileno())


def _open_part(part: Path) -> BinaryIO:
    """The partial download opened for appending: a regular file, never through a link,
    and never a FIFO (which would block the download thread)."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(part, flags | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENXIO):
            raise DownloadError(
                f"{part.name} is not an ordinary file; remove it and try again."
            ) from exc
        raise DownloadError(f"Could not write the download: {exc.strerror or exc}.") from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise DownloadError(f"{part.name} is not an ordinary file; remove it and try again.")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "ab")


def _check_space(size: int | None, have: int, dest_dir: Path) -> None:
    """DownloadError when the disk cannot hold what is still to come."""
    if size is None:
        return
    free = shutil.disk_usage(dest_dir).free
    if free < size - have + DISK_MARGIN:
        raise DownloadError(
            f"Not enough disk space: the model needs {size / 1e9:.2f} GB and "
            f"{free / 1e9:.2f} GB is free in {dest_dir}."
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _progress_bar(progress: ProgressFn | None, cancel: threading.Event | None) -> type:
    """A tqdm class the hub client reports to: progress out, cancel in."""
    from tqdm import tqdm

    class Progress(tqdm):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.received = int(kwargs.get("initial") or 0)
            self.size = kwargs.get("total")
            kwargs["disable"] = True  # nothing on the terminal
            super().__init__(*args, **kwargs)

        def update(self, n: float | None = 1) -> bool | None:
            if cancel is not None and cancel.is_set():
                raise DownloadCancelled("The download was cancelled; it can resume.")
            self.received += int(n or 0)
            if progress is not None:
                progress(self.received, self.size)
            return None

    return Progress


@contextlib.contextmanager
def _hub_errors(url: str, part: BinaryIO | None = None, have: int = 0) -> Iterator[None]:
    """Turn the hub client's exceptions into messages for the writer. With `part` (the file
    being fetched into, which held `have` bytes), a failure after the body started is a
    dropped connection that the next try resumes."""
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

    host = url.split("/")[2] if "://" in url else url
    try:
        yield
    except DownloadError:
        raise
    except OfflineModeIsEnabled as exc:
        raise DownloadError("Downloads are switched off (HF_HUB_OFFLINE is set).") from exc
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else 0
        raise DownloadError(_status_message(status)) from exc
    except Exception as exc:  # the client's connection errors have no common base
        if isinstance(exc, OSError) and exc.errno is not None:
            raise DownloadError(f"Could not write the download: {exc.strerror or exc}.") from exc
        if part is not None and part.tell() > have:
            raise DownloadError(
                f"The connection dropped after {part.tell() / 1e6:.1f} MB; try again to resume."
            ) from exc
        raise DownloadError(f"Cannot reach {host}: {exc}.") from exc


def _status_message(status: int) -> str:
    if status in (401, 403):
        return (
            "The hub refused the download (the model may need you to accept its licence "
            "on the website, or a token)."
        )
    if status == 404:
        return "The hub has no such repository or file."
    return f"The hub answered HTTP {status}."
