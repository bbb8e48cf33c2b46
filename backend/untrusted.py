"""The one gate for files that may be hostile: names from file content become paths only
here, and every read is bounded by the bytes actually read.

A project from a co-author, a card from a forum, a preset or a settings file may have been
written to hurt: an id like ``../../notes/ideas``, a folder that is a symlink to somewhere
else, a "file" that is a FIFO or a link to ``/dev/zero``, a TOML or JSON document nested ten
thousand deep. Everything here answers those with `RefusedFile`, whose message names the
file and the limit and is written for the writer.

The bottom of the backend, beside text/: it imports nothing else from backend, so every
package reads files through it, engines (adapter files) and storage included.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

# Ids in binder.toml and story.toml name files, so they are kept to characters that mean
# the same on every file system: no separators, no dots, nothing a shell or Windows treats
# specially. Ids that differ only in case are refused as duplicates (macOS and Windows fold
# case), see `fold_id`.
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_DEPTH = 32  # nesting of TOML tables and arrays, and of JSON objects and arrays
_READ_CHUNK = 1024 * 1024


class RefusedFile(Exception):
    """A file, or a name taken from one, was refused; the message is for the writer."""


def is_safe_id(value: object) -> bool:
    """True when `value` can name a file in a project folder (see ID_PATTERN)."""
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


def fold_id(value: str) -> str:
    """The form two ids must not share: file systems that ignore case would merge them."""
    return value.casefold()


def describe_size(limit: int) -> str:
    """A limit in words: '64 MB', '512 KB', '300 bytes'."""
    if limit >= 1024 * 1024:
        return f"{limit // (1024 * 1024)} MB"
    if limit >= 1024:
        return f"{limit // 1024} KB"
    return f"{limit} bytes"


def inside(root: Path, *parts: str) -> Path:
    """`root` joined with `parts`, proven to stay inside `root` once every symlink on the
    way is resolved. Raises RefusedFile for absolute parts, NUL bytes and anything that
    leads out of `root` (a '..', or a link to another folder)."""
    for part in parts:
        if "\x00" in part or os.path.isabs(part) or part.startswith("~"):
            raise RefusedFile(f"The name {_shown(part)} is not a file name inside the project.")
    base = root.resolve()
    target = base.joinpath(*parts)
    try:
        resolved = target.resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop
        raise RefusedFile(f"{_shown(target.name)} could not be followed ({exc}).") from exc
    if resolved != base and not resolved.is_relative_to(base):
        raise RefusedFile(
            f"{_shown('/'.join(parts))} leads outside {root.name}; Inkling never reads or "
            "writes there."
        )
    return resolved


def is_inside(root: Path, path: Path) -> bool:
    """True when `path`, with every symlink resolved, lies inside `root`."""
    if "\x00" in str(path):
        return False
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError, ValueError):
        return False
    base = root.resolve()
    return resolved == base or resolved.is_relative_to(base)


def entry_inside(root: Path, parts: tuple[str, ...]) -> Path:
    """`root/parts` with every folder on the way resolved and proven inside `root`; the
    last part is not followed, but when it is a link it must lead inside `root` too.
    Raises RefusedFile."""
    if not parts or parts[-1] in ("", ".", ".."):
        raise RefusedFile(f"{shown('/'.join(parts))} is not a file name inside {root.name}.")
    folder = inside(root, *parts[:-1])
    target = folder / parts[-1]
    if target.is_symlink() and not is_inside(root, target):
        raise RefusedFile(
            f"{shown(parts[-1])} is a link leading outside {root.name}; Inkling never reads "
            "or writes there."
        )
    return target


def parts_inside(root: Path, path: Path) -> tuple[str, ...]:
    """The parts of `path` below `root`, refusing '..' and anything not under it."""
    try:
        parts = path.relative_to(root).parts
    except ValueError as exc:
        raise RefusedFile(f"{shown(path.name)} is not inside {root.name}.") from exc
    if not parts or any(p in ("", ".", "..") for p in parts):
        raise RefusedFile(f"{shown(path.name)} is not inside {root.name}.")
    return parts


def read_bounded(path: Path, limit: int, *, root: Path | None = None, what: str = "") -> bytes:
    """The bytes of a regular file, at most `limit` of them, counted as they are read
    (st_size is 0 for /dev/zero and says nothing about a FIFO).

    With `root`, the path must lie inside it (symlinks resolved first) and the final file
    is opened without following a link. Raises RefusedFile for a special file, a folder,
    a file over the limit or a path leading outside `root`; other OSErrors (not found,
    not allowed) pass through for the caller to word.
    """
    name = what or path.name
    if "\x00" in str(path):
        raise RefusedFile(f"{shown(name)} is not a file name (it holds a NUL character).")
    target = path if root is None else _inside_path(root, path)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if root is not None:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(target, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise RefusedFile(f"{name} is a link Inkling does not follow.") from exc
        raise
    return _read_open(fd, limit, name, path)


def _read_open(fd: int, limit: int, name: str, path: Path) -> bytes:
    """Read an open file (closing it): ordinary files only, at most `limit` bytes."""
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        if not stat.S_ISREG(mode):
            raise RefusedFile(
                f"{name} is not an ordinary file (it is a device, a pipe or a socket); "
                "it was not read."
            )
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(_READ_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise RefusedFile(
                    f"{name} is larger than {describe_size(limit)}, the most Inkling reads "
                    "for this kind of file; it was not read."
                )
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_head(path: Path, most: int) -> bytes:
    """The first `most` bytes of a regular file (b'' for anything else, or on any error):
    for a README or a header sniff, where a link to a device or a FIFO must not be read or
    waited on and a long file need not be read whole."""
    if "\x00" in str(path):
        return b""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return b""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return b""
        os.set_blocking(fd, True)
        return os.read(fd, most)
    except OSError:
        return b""
    finally:
        os.close(fd)


class OpenFolder:
    """A folder proven inside `root` and held open, to read many files in it quickly.

    Each file is opened relative to the open folder without following a link, so the
    folder's path is resolved once rather than once per file; a file that is a link is
    read only when what it points at lies inside `root` (read_bounded with root). Use as a
    context manager.
    """

    def __init__(self, root: Path, *parts: str) -> None:
        self.root = root
        self.path = inside(root, *parts)
        self._fd: int | None = None
        if os.open in os.supports_dir_fd and hasattr(os, "O_DIRECTORY"):
            flags = os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0)
            self._fd = os.open(self.path, flags | getattr(os, "O_NOFOLLOW", 0))

    def __enter__(self) -> OpenFolder:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Let go of the folder."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def read(self, name: str, limit: int, what: str = "") -> bytes:
        """The bytes of the file `name` in this folder, as read_bounded gives them.
        Raises RefusedFile, or OSError (not found, not allowed) for the caller to word."""
        if not name or "/" in name or os.sep in name or "\x00" in name or name in (".", ".."):
            raise RefusedFile(f"{shown(name)} is not a file name.")
        path = self.path / name
        if self._fd is None:
            return read_bounded(path, limit, root=self.root, what=what)
        flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | os.O_NOFOLLOW
        try:
            fd = os.open(name, flags, dir_fd=self._fd)
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
            return read_bounded(path, limit, root=self.root, what=what)  # a link: checked
        return _read_open(fd, limit, what or name, path)


def _inside_path(root: Path, path: Path) -> Path:
    base = root.resolve()
    try:
        relative = path.resolve().relative_to(base)
    except (OSError, RuntimeError, ValueError) as exc:
        raise RefusedFile(
            f"{_shown(path.name)} leads outside {root.name}; Inkling never reads or writes there."
        ) from exc
    return base / relative


def decode_utf8(data: bytes, name: str) -> str:
    """UTF-8 text with any byte-order mark dropped. Raises RefusedFile naming the offset."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RefusedFile(
            f"{name} is not UTF-8 text (first bad byte at offset {exc.start})."
        ) from exc


def depth(value: Any) -> int:
    """How deeply lists and dicts nest in `value` (a scalar is 0), without recursion."""
    if not isinstance(value, dict | list):
        return 0
    deepest = 0
    # Only containers are pushed: a flat list of millions of numbers costs no extra memory.
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        children = item.values() if isinstance(item, dict) else item
        stack.extend((c, level + 1) for c in children if isinstance(c, dict | list))
    return deepest


def _check_depth(value: Any, name: str, max_depth: int) -> None:
    if depth(value) > max_depth:
        raise _too_deep(name, max_depth)


def _too_deep(name: str, max_depth: int) -> RefusedFile:
    return RefusedFile(f"{name} nests deeper than {max_depth} levels; it was not read.")


def loads_toml(data: bytes, name: str, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """A TOML document from untrusted bytes (a BOM is accepted). Raises RefusedFile."""
    text = decode_utf8(data, name)
    try:
        parsed = tomllib.loads(text)
    except RecursionError as exc:
        raise _too_deep(name, max_depth) from exc
    except ValueError as exc:  # a TOMLDecodeError, or more digits than Python converts
        raise RefusedFile(f"{name} is damaged ({exc}).") from exc
    _check_depth(parsed, name, max_depth)
    return parsed


def loads_json(data: bytes, name: str, max_depth: int = MAX_DEPTH) -> Any:
    """A JSON document from untrusted bytes (a BOM is accepted). Raises RefusedFile."""
    text = decode_utf8(data, name)
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RefusedFile(f"{name} is not valid JSON ({exc.msg}, line {exc.lineno}).") from exc
    except RecursionError as exc:
        raise _too_deep(name, max_depth) from exc
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise RefusedFile(f"{name} is not valid JSON ({exc}).") from exc
    _check_depth(parsed, name, max_depth)
    return parsed


def read_toml(
    path: Path, limit: int, *, root: Path | None = None, max_depth: int = MAX_DEPTH
) -> dict[str, Any]:
    """read_bounded, then loads_toml."""
    return loads_toml(read_bounded(path, limit, root=root), path.name, max_depth)


def read_json(
    path: Path, limit: int, *, root: Path | None = None, max_depth: int = MAX_DEPTH
) -> Any:
    """read_bounded, then loads_json."""
    return loads_json(read_bounded(path, limit, root=root), path.name, max_depth)


def shown(name: str, most: int = 60) -> str:
    """A name from a file, safe to put in a message: quoted, control characters escaped,
    cut short."""
    text = name if name.isprintable() else name.encode("unicode_escape").decode("ascii")
    return f"“{text[:most]}…”" if len(text) > most else f"“{text}”"


_shown = shown
