"""Project backups: a zip that gives back every file, written so that a failure or a crash
never leaves a half backup, restored only into a new folder and never outside it, and
rotated without touching anything that is not this project's backup.

Projects are built at tmp_path/Story.inkling beside the `canary` folder (tmp_path/notes).
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import random
import stat
import string
import subprocess
import sys
import zipfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from backend.storage.paths import app_paths
from backend.storage.settings import Settings
from backend.story import backup_restore
from backend.story.backup import (
    Backup,
    BackupError,
    Retention,
    back_up,
    back_up_and_rotate,
    backup_place,
    list_backups,
    needs_backup,
    rotate,
    to_keep,
)
from backend.story.backup_restore import restore
from backend.story.binder import Scene
from backend.story.project import new_story
from backend.story.project_read import load_story
from backend.story.project_save import write_new_story
from backend.story.snapshots import SnapshotStore

ROOT = Path(__file__).resolve().parents[3]
TZ = timezone(timedelta(hours=2))
WHEN = datetime(2026, 5, 4, 10, 30, 0, tzinfo=TZ)


def noise(seed: int, size: int) -> str:
    """Text that compresses poorly, so a zip of it is as large as `size`."""
    return "".join(random.Random(seed).choices(string.ascii_letters + " ", k=size))


def make_story(tmp_path: Path, name: str = "Story", big: bool = False) -> Path:
    folder = tmp_path / f"{name}.inkling"
    story = new_story(folder, "The bell rang.\n\n今天天气很好。😀", title=name)
    chapter = story.binder.chapters[0]
    chapter.scenes.append(Scene(title="Night", text=noise(1, 60_000) if big else "Wren slept."))
    story.binder.trash.append(Scene(title="Cut", text="A scene that was cut."))
    write_new_story(story)
    store = SnapshotStore(folder)
    for _c, scene in story.binder.scenes():
        store.take(scene.id, scene.text, "manual")
        store.take(scene.id, scene.text + " More.", "continuation")
    return folder


def tree(folder: Path) -> dict[str, str]:
    """Every file and link below `folder` with a hash of its bytes (links: their target)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            out[rel] = "folder"
    return out


def zips_and_parts(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".zip", ".part")))


# --- back up and restore -----------------------------------------------------------------------
def test_backup_then_restore_gives_back_every_file(tmp_path: Path) -> None:
    project = make_story(tmp_path)
    (project / "notes.md").write_bytes(b"\x00\xffbinary-ish bytes\r\n")
    (project / "deep" / "er").mkdir(parents=True)
    (project / "deep" / "er" / "file.txt").write_text("deep")
    before = tree(project)
    made = back_up(project, tmp_path / "backups", when=WHEN)
    assert made.path == tmp_path / "backups" / "Story 2026-05-04 10.30.00.zip"
    assert made.path.is_file() and made.size == made.path.stat().st_size
    assert tree(project) == before  # the project is only read
    with zipfile.ZipFile(made.path) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert json.loads(archive.comment)["inkling-backup"] == 1
    assert all(n.startswith("Story.inkling/") for n in names)
    assert names[:2] == ["Story.inkling/story.toml", "Story.inkling/binder.toml"]
    assert made.files == len(names)
    assert any(n.startswith("Story.inkling/snapshots/objects/") for n in names)
    assert {"Story.inkling/scenes", "Story.inkling/snapshots"} <= {
        n.rsplit("/", 1)[0] for n in names
    }
    target = tmp_path / "restored" / "Story.inkling"
    assert restore(made.path, target) == target
    assert tree(target) == before
    story, notes = load_story(target)
    original, _ = load_story(project)
    assert notes == []
    assert [s.text for _c, s in story.binder.scenes()] == [
        s.text for _c, s in original.binder.scenes()
    ]
    assert [s.text for s in story.binder.trash] == ["A scene that was cut."]
    for scene in ("scenes", "snapshots"):
        assert (target / scene).is_dir()
    history = SnapshotStore(target).history(original.binder.chapters[0].scenes[0].id)
    reread = SnapshotStore(target)
    texts = [reread.text_of(s) for s in history.snapshots]
    assert len(texts) == 2 and texts[0].endswith(" More.") and texts[0] == texts[1] + " More."


def test_locks_temporary_files_and_links_are_left_out(tmp_path: Path, canary) -> None:
    project = make_story(tmp_path)
    (project / ".~Story.inkling.inkling-lock").write_text("pid 1")
    (project / "scenes" / ".~a.md.inkling-lock").write_text("pid 1")
    (project / "scenes" / ".a.md.x1y2.tmp").write_text("half a save")
    (project / "story.toml.tmp").write_text("half a save")
    (project / ".Story 2026.123.part").write_text("half a backup")
    (project / "scenes" / "linked.md").symlink_to(canary.path / "ideas.md")
    (project / "linked-folder").symlink_to(canary.path, target_is_directory=True)
    (project / "dangling").symlink_to(tmp_path / "nowhere")
    made = back_up(project, tmp_path / "backups", when=WHEN)
    with zipfile.ZipFile(made.path) as archive:
        names = archive.namelist()
        data = b"".join(archive.read(n) for n in names)
    assert not [n for n in names if "lock" in n or n.endswith((".tmp", ".part"))]
    assert not [n for n in names if "linked" in n or "dangling" in n]
    assert all(secret.encode() not in data for secret in canary.texts())
    canary.check()


def test_restore_accepts_a_zip_with_the_files_at_the_top(tmp_path: Path) -> None:
    project = make_story(tmp_path)
    made = back_up(project, tmp_path / "backups", when=WHEN)
    flat = tmp_path / "flat.zip"
    with zipfile.ZipFile(made.path) as src, zipfile.ZipFile(flat, "w") as dst:
        for info in src.infolist():
            dst.writestr(regular(info.filename.split("/", 1)[1]), src.read(info))
    target = tmp_path / "restored"
    target.mkdir()  # an empty folder may be restored into
    restore(flat, target)
    assert tree(target) == tree(project)


# --- failures leave nothing behind -------------------------------------------------------------
class FullDisk(io.FileIO):
    """A file on a disk that fills up after `room` bytes."""

    def __init__(self, path: Path, room: int) -> None:
        super().__init__(path, "wb")
        self.room = room

    def write(self, data) -> int:  # type: ignore[override]
        if len(data) > self.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(data)
        return super().write(data)


def _missing_chosen_folder(tmp_path: Path) -> tuple[Path, dict]:
    return tmp_path / "usb-drive" / "backups", {"create_folder": False}


def _folder_is_a_file(tmp_path: Path) -> tuple[Path, dict]:
    (tmp_path / "backups").write_text("a file")
    return tmp_path / "backups", {}


def _folder_below_a_file(tmp_path: Path) -> tuple[Path, dict]:
    (tmp_path / "a-file").write_text("a file")
    return tmp_path / "a-file" / "backups", {}


def _read_only_folder(tmp_path: Path) -> tuple[Path, dict]:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    folder = tmp_path / "backups"
    folder.mkdir()
    folder.chmod(0o500)
    return folder, {}


def _denied(tmp_path: Path) -> tuple[Path, dict]:
    """What a read-only folder or drive answers (injected: root ignores permissions)."""

    def opener(path: Path) -> io.FileIO:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    return tmp_path / "backups", {"opener": opener}


def _read_only_drive(tmp_path: Path) -> tuple[Path, dict]:
    def opener(path: Path) -> io.FileIO:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    return tmp_path / "backups", {"opener": opener}


def _full_at_once(tmp_path: Path) -> tuple[Path, dict]:
    return tmp_path / "backups", {"opener": lambda p: FullDisk(p, 0)}


def _full_midway(tmp_path: Path) -> tuple[Path, dict]:
    return tmp_path / "backups", {"opener": lambda p: FullDisk(p, 20_000)}


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        (_missing_chosen_folder, "does not exist"),
        (_folder_is_a_file, "is not a folder"),
        (_folder_below_a_file, "not written"),
        (_read_only_folder, "cannot be written to"),
        (_denied, "cannot be written to"),
        (_read_only_drive, "cannot be written to"),
        (_full_at_once, "is full"),
        (_full_midway, "is full"),
    ],
    ids=[
        "missing",
        "file",
        "below-a-file",
        "read-only",
        "denied",
        "read-only-drive",
        "full-at-once",
        "full-midway",
    ],
)
def test_a_failed_backup_is_a_clear_error_and_leaves_nothing(
    tmp_path: Path, setup, reason: str
) -> None:
    project = make_story(tmp_path, big=True)
    folder, options = setup(tmp_path)
    before = tree(project)
    try:
        with pytest.raises(BackupError, match=reason):
            back_up(project, folder, when=WHEN, **options)
    finally:
        if folder.is_dir():
            folder.chmod(0o700)
    assert tree(project) == before
    assert zips_and_parts(folder) == []
    assert not list(tmp_path.rglob("*.zip")) and not list(tmp_path.rglob("*.part"))
    assert list_backups(project, folder) == []
    if "create_folder" in options:
        assert not folder.exists()


def test_a_folder_that_is_not_a_story_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "Plain"
    folder.mkdir()
    (folder / "notes.md").write_text("notes")
    with pytest.raises(BackupError, match="not an Inkling story"):
        back_up(folder, tmp_path / "backups")
    assert zips_and_parts(tmp_path / "backups") == []


def test_the_same_second_twice_gets_a_second_name_never_overwrites(tmp_path: Path) -> None:
    project = make_story(tmp_path)
    made = back_up(project, tmp_path / "backups", when=WHEN)
    data = made.path.read_bytes()
    again = back_up(project, tmp_path / "backups", when=WHEN)
    assert again.path != made.path and again.path.name.endswith(" (2).zip")
    assert made.path.read_bytes() == data
    assert len(list_backups(project, tmp_path / "backups")) == 2


CRASH = """
import io, os, sys
from pathlib import Path
from backend.story.backup import back_up

class Crash(io.FileIO):
    def __init__(self, path):
        super().__init__(path, "wb")
        self.written = 0

    def write(self, data):
        self.written += len(data)
        if self.written > 20_000:
            os._exit(9)
        return super().write(data)

back_up(Path(sys.argv[1]), Path(sys.argv[2]), opener=Crash)
"""


def test_a_crash_midway_leaves_no_backup_and_the_next_one_cleans_up(tmp_path: Path) -> None:
    project = make_story(tmp_path, big=True)
    folder = tmp_path / "backups"
    before = tree(project)
    done = subprocess.run(
        [sys.executable, "-c", CRASH, str(project), str(folder)],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 9, done.stderr.decode()
    left = zips_and_parts(folder)
    assert len(left) == 1 and left[0].startswith(".") and left[0].endswith(".part")
    assert not [n for n in os.listdir(folder) if n.endswith(".zip")]
    assert list_backups(project, folder) == []
    assert needs_backup(project, folder)
    assert tree(project) == before
    made = back_up(project, folder, when=WHEN)
    assert zips_and_parts(folder) == [made.path.name]
    assert [b.path for b in list_backups(project, folder)] == [made.path]


# --- restoring hostile or damaged zips ---------------------------------------------------------
def regular(name: str, compression: int = zipfile.ZIP_STORED) -> zipfile.ZipInfo:
    """An entry for an ordinary file, as `zip` and Inkling write them."""
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    info.compress_type = compression
    return info


def write_zip(path: Path, entries: list[tuple[str | zipfile.ZipInfo, bytes]], **kw) -> Path:
    with zipfile.ZipFile(path, "w", **kw) as archive:
        for name, data in entries:
            info = regular(name, archive.compression) if isinstance(name, str) else name
            archive.writestr(info, data)
    return path


STORY = b'format = 2\ntitle = "Story"\n'


def _random_bytes(tmp_path: Path) -> Path:
    path = tmp_path / "random.zip"
    path.write_bytes(random.Random(4).randbytes(5000))
    return path


def _flipped_backup(tmp_path: Path) -> Path:
    project = make_story(tmp_path, big=True)
    made = back_up(project, tmp_path / "backups", when=WHEN)
    with zipfile.ZipFile(made.path) as archive:
        info = max(archive.infolist(), key=lambda i: i.compress_size)
    data = bytearray(made.path.read_bytes())
    header = info.header_offset
    name_len, extra_len = (
        int.from_bytes(data[header + 26 : header + 28], "little"),
        int.from_bytes(data[header + 28 : header + 30], "little"),
    )
    data[header + 30 + name_len + extra_len + info.compress_size // 2] ^= 0x55
    made.path.write_bytes(bytes(data))
    return made.path


def _flipped_stored(tmp_path: Path) -> Path:
    path = write_zip(
        tmp_path / "stored.zip",
        [("story.toml", STORY), ("scenes/a.md", b"The bell rang. " * 100)],
        compression=zipfile.ZIP_STORED,
    )
    data = path.read_bytes()
    at = data.index(b"The bell rang.") + 700
    path.write_bytes(data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :])
    return path


def _named(name: str):
    def make(tmp_path: Path) -> Path:
        return write_zip(tmp_path / "named.zip", [("story.toml", STORY), (name, b"evil")])

    return make


def _link_entry(tmp_path: Path) -> Path:
    info = zipfile.ZipInfo("Story.inkling/scenes/a.md")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return write_zip(
        tmp_path / "link.zip",
        [("Story.inkling/story.toml", STORY), (info, b"../../../notes/ideas.md")],
    )


def _fifo_entry(tmp_path: Path) -> Path:
    info = zipfile.ZipInfo("scenes/a.md")
    info.external_attr = (stat.S_IFIFO | 0o644) << 16
    return write_zip(tmp_path / "fifo.zip", [("story.toml", STORY), (info, b"")])


def _no_story(tmp_path: Path) -> Path:
    return write_zip(
        tmp_path / "nostory.zip", [("Story.inkling/binder.toml", b""), ("scenes/a.md", b"x")]
    )


def _two_tops(tmp_path: Path) -> Path:
    return write_zip(
        tmp_path / "tops.zip",
        [("A/story.toml", STORY), ("B/story.toml", STORY), ("A/scenes/a.md", b"x")],
    )


def _twice(tmp_path: Path) -> Path:
    path = tmp_path / "twice.zip"
    with pytest.warns(UserWarning, match="Duplicate name"):
        write_zip(path, [("story.toml", STORY), ("scenes/a.md", b"1"), ("scenes/a.md", b"2")])
    return path


def _missing(tmp_path: Path) -> Path:
    return tmp_path / "no-such.zip"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_random_bytes, "not a readable zip"),
        (_flipped_backup, "is damaged"),
        (_flipped_stored, "fails its check"),
        (_named("../evil"), "leading outside"),
        (_named("../../notes/ideas.md"), "leading outside"),
        (_named("/abs/evil"), "leading outside"),
        (_named("scenes/../../evil"), "leading outside"),
        (_named("C:evil"), "leading outside"),
        (_named("..\\evil"), "refuses"),
        (_named("/".join(["d"] * 40) + "/deep.md"), "leading outside"),
        (_link_entry, "link or special"),
        (_fifo_entry, "link or special"),
        (_no_story, "no story.toml"),
        (_two_tops, "no story.toml"),
        (_twice, "twice"),
        (_missing, "does not exist"),
    ],
    ids=[
        "random",
        "flipped-deflated",
        "flipped-crc",
        "dotdot",
        "to-canary",
        "absolute",
        "inner-dotdot",
        "drive",
        "backslash",
        "too-deep",
        "symlink",
        "fifo",
        "no-story",
        "two-tops",
        "twice",
        "missing",
    ],
)
def test_restore_refuses_with_a_reason_and_leaves_nothing(
    tmp_path: Path, canary, make, reason: str
) -> None:
    zip_path = make(tmp_path)
    parent = tmp_path / "restored"
    parent.mkdir()
    before = tree(tmp_path)
    with pytest.raises(BackupError, match=reason) as caught:
        restore(zip_path, parent / "Story.inkling")
    assert zip_path.name in str(caught.value)
    assert tree(tmp_path) == before  # nothing made, half restored or left anywhere
    assert os.listdir(parent) == []
    canary.check()


def test_a_zip_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup_restore, "MAX_ENTRY_BYTES", 1024 * 1024)
    bomb = write_zip(
        tmp_path / "bomb.zip",
        [("story.toml", STORY), ("scenes/a.md", b"\0" * (16 * 1024 * 1024))],
        compression=zipfile.ZIP_DEFLATED,
    )
    assert bomb.stat().st_size < 100_000
    parent = tmp_path / "restored"
    parent.mkdir()
    with pytest.raises(BackupError, match="unpacks to more"):
        restore(bomb, parent / "Story.inkling")
    assert os.listdir(parent) == []


def test_many_entries_over_the_total_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup_restore, "MAX_TOTAL_BYTES", 3 * 1024 * 1024)
    entries = [(f"scenes/{n}.md", b"\0" * (1024 * 1024)) for n in range(5)]
    bomb = write_zip(
        tmp_path / "many.zip", [("story.toml", STORY), *entries], compression=zipfile.ZIP_DEFLATED
    )
    parent = tmp_path / "restored"
    parent.mkdir()
    with pytest.raises(BackupError, match="unpacks to more"):
        restore(bomb, parent / "Story.inkling")
    assert os.listdir(parent) == []


def test_a_zip_claiming_small_sizes_is_bounded_by_what_it_inflates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup_restore, "MAX_ENTRY_BYTES", 1024 * 1024)
    bomb = write_zip(
        tmp_path / "liar.zip",
        [("story.toml", STORY), ("scenes/a.md", b"\0" * (4 * 1024 * 1024))],
        compression=zipfile.ZIP_DEFLATED,
    )
    data = bytearray(bomb.read_bytes())
    with zipfile.ZipFile(bomb) as archive:
        info = archive.getinfo("scenes/a.md")
    # The central directory and the local header say the file is 10 bytes.
    central = data.rindex(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    data[info.header_offset + 22 : info.header_offset + 26] = (10).to_bytes(4, "little")
    bomb.write_bytes(bytes(data))
    parent = tmp_path / "restored"
    parent.mkdir()
    with pytest.raises(BackupError):
        restore(bomb, parent / "Story.inkling")
    assert os.listdir(parent) == []


def test_entries_with_permission_bits_only_are_ordinary_files(tmp_path: Path) -> None:
    path = tmp_path / "perms.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("story.toml", STORY)  # external_attr is 0o600 << 16, no file type
        archive.writestr("scenes/a.md", b"The bell rang.")
    target = restore(path, tmp_path / "restored")
    assert (target / "scenes" / "a.md").read_bytes() == b"The bell rang."


@pytest.mark.parametrize("kind", ["files", "file", "link"])
def test_restore_never_goes_over_an_existing_folder(tmp_path: Path, canary, kind: str) -> None:
    project = make_story(tmp_path)
    made = back_up(project, tmp_path / "backups", when=WHEN)
    target = tmp_path / "target"
    if kind == "files":
        target.mkdir()
        (target / "mine.md").write_text("mine")
    elif kind == "file":
        target.write_text("mine")
    else:
        target.symlink_to(tmp_path / "empty", target_is_directory=True)
        (tmp_path / "empty").mkdir()
    before = tree(tmp_path)
    with pytest.raises(BackupError, match="already exists"):
        restore(made.path, target)
    assert tree(tmp_path) == before
    with pytest.raises(BackupError, match="already exists"):
        restore(made.path, project)
    canary.check()


# --- rotation ----------------------------------------------------------------------------------
START = date(2026, 3, 1)
NOW = datetime(2026, 4, 29, 12, 0, tzinfo=TZ)  # day 59


def stamp(day: int, hour: int) -> datetime:
    d = START + timedelta(days=day)
    return datetime(d.year, d.month, d.day, hour, 0, tzinfo=TZ)


def expected_kept(times: list[datetime], policy: Retention, now: datetime) -> set[datetime]:
    newest_first = sorted(times, reverse=True)
    kept = set(newest_first[: policy.last])
    by_day: dict[date, datetime] = {}
    by_week: dict[tuple[int, int], datetime] = {}
    for t in times:
        if now - t <= timedelta(days=policy.days):
            by_day[t.date()] = max(by_day.get(t.date(), t), t)
        week = (t.isocalendar().year, t.isocalendar().week)
        if now - t <= timedelta(weeks=policy.weeks):
            by_week[week] = max(by_week.get(week, t), t)
    return kept | set(by_day.values()) | set(by_week.values())


def test_to_keep_keeps_the_newest_then_one_a_day_then_one_a_week() -> None:
    times = [stamp(day, hour) for day in range(60) for hour in (9, 11)]
    backups = [Backup(Path(f"{t.isoformat()}.zip"), t, 100) for t in times]
    policy = Retention(last=3, days=7, weeks=4)
    kept = {datetime.fromisoformat(p.stem) for p in to_keep(backups, policy, NOW)}
    assert kept == expected_kept(times, policy, NOW)
    # Spelled out: the newest three, the evening of each of the last seven days, and the
    # newest of each week that began within the last four.
    assert {stamp(59, 9), stamp(59, 11), stamp(58, 11)} <= kept
    assert {stamp(d, 11) for d in range(53, 60)} <= kept
    assert all(NOW - t <= timedelta(weeks=4) for t in kept)
    weeks = [t.isocalendar()[:2] for t in kept if NOW - t > timedelta(days=7)]
    assert len(weeks) == len(set(weeks))  # one a week past the daily ones
    assert len(kept) < 20
    # Never none: at least the newest one is kept, whatever the policy.
    old = [Backup(Path("old.zip"), stamp(0, 9), 1), Backup(Path("older.zip"), stamp(0, 8), 1)]
    assert to_keep(old, Retention(last=0, days=0, weeks=0), NOW) == {Path("old.zip")}
    assert to_keep([], policy, NOW) == set()


def test_rotate_removes_only_this_projects_old_backups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "fsync", lambda fd: None)  # sixty zips; durability is not tested
    project = make_story(tmp_path)
    other = make_story(tmp_path / "elsewhere", "Other")
    same_name = make_story(tmp_path / "copy")  # another project also called Story.inkling
    folder = tmp_path / "backups"
    times = [stamp(day, 11) for day in range(60)] + [stamp(59, 9)]
    for t in times:
        back_up(project, folder, when=t)
    strangers = {
        other: [stamp(d, 11) for d in range(0, 60, 7)],
        same_name: [stamp(d, 10) for d in range(0, 60, 7)],
    }
    for proj, when in strangers.items():
        for t in when:
            back_up(proj, folder, when=t)
    (folder / "notes.zip").write_bytes(write_zip(tmp_path / "n.zip", [("a", b"a")]).read_bytes())
    (folder / "Story 2026-03-01 08.00.00.zip").write_bytes(b"not a zip at all")
    (folder / "readme.txt").write_text("mine")
    foreign = zipfile.ZipFile(folder / "foreign.zip", "w")
    foreign.writestr("x", b"x")
    foreign.comment = json.dumps({"inkling-backup": 2, "project": "elsewhere"}).encode()
    foreign.close()
    untouchable = {
        p.name: p.read_bytes()
        for p in folder.iterdir()
        if not p.name.startswith("Story 2026") or p.name.endswith("08.00.00.zip")
    }
    untouchable |= {b.path.name: b.path.read_bytes() for b in list_backups(same_name, folder)}
    assert len(list_backups(project, folder)) == 61
    policy = Retention(last=3, days=7, weeks=4)
    removed = rotate(project, folder, policy, now=NOW)
    left = list_backups(project, folder)
    assert {b.time for b in left} == expected_kept(times, policy, NOW)
    assert len(removed) == 61 - len(left) and not any(p.exists() for p in removed)
    for name, data in untouchable.items():
        assert (folder / name).read_bytes() == data
    assert len(list_backups(other, folder)) == len(strangers[other])
    assert len(list_backups(same_name, folder)) == len(strangers[same_name])
    assert rotate(project, folder, policy, now=NOW) == []


# --- when a backup is due ----------------------------------------------------------------------
def test_needs_backup_follows_changes_to_project_files(tmp_path: Path) -> None:
    project = make_story(tmp_path)
    folder = tmp_path / "backups"
    an_hour_ago = datetime.now().timestamp() - 3600
    for path in project.rglob("*"):
        os.utime(path, (an_hour_ago, an_hour_ago))
    assert needs_backup(project, folder)
    made = back_up(project, folder)
    assert not needs_backup(project, folder)
    later = made.time.timestamp() + 120
    # A lock file is not the project's: touching it changes nothing.
    lock = project / ".~Story.inkling.inkling-lock"
    lock.write_text("pid")
    os.utime(lock, (later, later))
    assert not needs_backup(project, folder)
    scene = next((project / "scenes").iterdir())
    os.utime(scene, (later, later))
    assert needs_backup(project, folder)
    back_up(project, folder, when=made.time + timedelta(minutes=5))
    assert not needs_backup(project, folder)
    log = next((project / "snapshots").glob("*.jsonl"))
    os.utime(log, (later + 600, later + 600))
    assert needs_backup(project, folder)


# --- the writer's settings ---------------------------------------------------------------------
def test_backup_place_and_back_up_and_rotate(tmp_path: Path) -> None:
    project = make_story(tmp_path)
    paths = app_paths(tmp_path / "home")
    settings = Settings()
    assert backup_place(settings, paths, project) == (paths.backups, True)
    settings.keeping.backup_folder = str(tmp_path / "usb")
    assert backup_place(settings, paths, project) == (tmp_path / "usb", False)
    settings.keeping.project_backup_folders = {str(project.resolve()): str(tmp_path / "own")}
    assert backup_place(settings, paths, project) == (tmp_path / "own", False)
    before = tree(project)
    with pytest.raises(BackupError, match="does not exist"):
        back_up_and_rotate(project, settings, paths)
    assert not (tmp_path / "own").exists() and tree(project) == before
    made, removed = back_up_and_rotate(project, settings, paths, to=tmp_path / "given")
    assert made.path.parent == tmp_path / "given" and removed == []
    (tmp_path / "own").mkdir()
    made, _ = back_up_and_rotate(project, settings, paths)
    assert made.path.parent == tmp_path / "own"
    made, _ = back_up_and_rotate(project, Settings(), paths)
    assert made.path.parent == paths.backups and paths.backups.is_dir()
