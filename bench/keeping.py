"""Keeping versions: snapshots, backups and pruning on a 150,000-word story, and 1,000
snapshots of one 10,000-word scene. Prints a table, then one JSON object as the last line.

    python bench/keeping.py [--words 150000] [--versions 1000] [--keep]

1. A snapshot of every scene, the first time (whole texts) and again after a small edit
   in every scene (deltas): time and bytes on disk.
2. A backup zip of the project (snapshots included), restoring it into a new folder, and
   opening the restored story to check its word count.
3. One 10,000-word scene snapshotted after each of 1,000 small edits (a sentence inserted,
   a word changed, a paragraph deleted, in turn; every 50th a larger rewrite that also
   brings the scene back to about 10,000 words): bytes on disk against gzip'd whole copies
   and the raw text, reading the history and texts back, and word diffs (diff-match-patch,
   as the app uses) against difflib.SequenceMatcher on the same words.
4. Pruning each store to half its usage.

With the default 1,000 versions most of the run is SnapshotStore.take on the long scene
(each version is compared with the scene's last whole text); `--versions 200` gives a
quick run.

The story is built in a temporary folder from the corpus (tests/data/corpus/alice.txt),
repeated with the names varied on each pass so no two scenes are the same text.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import json
import random
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import median, percentile, unwrapped_corpus

from backend.story.backup import Retention, back_up, list_backups, rotate
from backend.story.backup_restore import restore
from backend.story.binder import Chapter, Scene
from backend.story.project import Story, new_story
from backend.story.project_read import load_story
from backend.story.project_save import save_story, write_new_story
from backend.story.snapshot_ops import snapshot_scenes
from backend.story.snapshots import SNAPSHOTS, SnapshotStore
from backend.text.counts import word_count
from backend.text.diff import tokens, word_diff

CHAPTERS = 60
SEED = 7
# Each pass through the corpus swaps the names, so repeated prose is not repeated text.
NAMES = [
    ("Alice", "Alice"),
    ("Alice", "Mabel"),
    ("Alice", "Ada"),
    ("Alice", "Clara"),
    ("Alice", "Edith"),
    ("Alice", "Florence"),
    ("Alice", "Grace"),
    ("Alice", "Harriet"),
]
_SENTENCE_END = re.compile(r"(?<=[.!?])(?:['’”\"]?)\s+")
_WORD = re.compile(r"[A-Za-z]{4,}")

# --- building ----------------------------------------------------------------------------


def corpus_paragraphs() -> list[str]:
    """The corpus paragraphs, without the Gutenberg-style heading lines."""
    return [p for p in unwrapped_corpus().split("\n\n") if len(p.split()) >= 3]


def varied(paragraph: str, lap: int) -> str:
    old, new = NAMES[lap % len(NAMES)]
    return paragraph.replace(old, new)


class Prose:
    """Corpus paragraphs in order, round and round, with the names varied on each lap."""

    def __init__(self, paragraphs: list[str]) -> None:
        self.paragraphs = paragraphs
        self.at = 0

    def take(self, words: int) -> list[str]:
        out: list[str] = []
        count = 0
        while count < words:
            lap, k = divmod(self.at, len(self.paragraphs))
            self.at += 1
            out.append(varied(self.paragraphs[k], lap))
            count += len(out[-1].split())
        return out


def build_book(folder: Path, words: int, paragraphs: list[str]) -> Story:
    """60 chapters of 1–3 scenes (about `words` words in all), written to `folder`."""
    rng = random.Random(SEED)
    prose = Prose(paragraphs)
    story = Story(folder, title="Keeping Bench", author="A. Bencher")
    per_chapter = words // CHAPTERS
    for c in range(CHAPTERS):
        scenes = rng.choice((1, 2, 3))
        chapter = Chapter(title=f"Chapter {c + 1}")
        # uneven scenes, as a writer's are
        weights = [rng.uniform(0.6, 1.4) for _ in range(scenes)]
        for s, w in enumerate(weights):
            share = int(per_chapter * w / sum(weights))
            text = "\n\n".join(prose.take(share))
            chapter.scenes.append(Scene(title=f"Scene {s + 1}", text=text))
        story.binder.chapters.append(chapter)
    write_new_story(story)
    return story


def story_words(story: Story) -> int:
    return sum(word_count(s.text) for _c, s in story.binder.scenes())


def folder_bytes(folder: Path, skip: str = "") -> int:
    """Bytes of the files under `folder` (leaving out the subfolder `skip`)."""
    total = 0
    for path in folder.rglob("*"):
        if skip and path.relative_to(folder).parts[0] == skip:
            continue
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
    return total


# --- edits -------------------------------------------------------------------------------


class Editor:
    """Small realistic edits to a scene held as paragraphs."""

    def __init__(self, rng: random.Random, paragraphs: list[str]) -> None:
        self.rng = rng
        self.sentences = [
            s.strip()
            for p in paragraphs
            for s in _SENTENCE_END.split(p)
            if 6 <= len(s.split()) <= 30 and s[:1].isupper()
        ]
        self.words = sorted({w for p in paragraphs for w in _WORD.findall(p)})
        self.fresh = Prose(paragraphs)
        self.fresh.at = len(paragraphs) // 2 + len(paragraphs) * 3  # other prose, other names

    def insert_sentence(self, paras: list[str]) -> str:
        k = self.rng.randrange(len(paras))
        parts = _SENTENCE_END.split(paras[k])
        at = self.rng.randrange(len(parts) + 1)
        parts.insert(at, self.rng.choice(self.sentences))
        paras[k] = " ".join(p for p in parts if p)
        return "sentence inserted"

    def change_word(self, paras: list[str]) -> str:
        for _ in range(50):
            k = self.rng.randrange(len(paras))
            found = list(_WORD.finditer(paras[k]))
            if found:
                m = self.rng.choice(found)
                p = paras[k]
                paras[k] = p[: m.start()] + self.rng.choice(self.words) + p[m.end() :]
                return "word changed"
        return "word changed"

    def delete_paragraph(self, paras: list[str]) -> str:
        if len(paras) > 1:
            del paras[self.rng.randrange(len(paras))]
        return "paragraph deleted"

    def rewrite(self, paras: list[str], target_words: int) -> str:
        """About 400 words replaced by new prose, then prose added back up to the target."""
        k = self.rng.randrange(max(1, len(paras) - 10))
        gone = 0
        end = k
        while end < len(paras) and gone < 400:
            gone += len(paras[end].split())
            end += 1
        have = sum(len(p.split()) for p in paras) - gone
        paras[k:end] = self.fresh.take(max(400, target_words - have))
        return "larger rewrite"


# --- timing ------------------------------------------------------------------------------


def timed(fn: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    """(median seconds, last result) of `fn()` over `repeat` runs."""
    runs: list[float] = []
    result: object = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - start)
    return median(runs), result


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def mb(n: int) -> float:
    return round(n / 1_000_000, 3)


def kb(n: int) -> float:
    return round(n / 1000, 1)


def difflib_words(a: str, b: str) -> int:
    """difflib on the same word tokens as word_diff (its default heuristic for popular
    tokens on; without it a 10,000-word pair takes tens of seconds); returns the number of
    opcodes."""
    matcher = difflib.SequenceMatcher(None, tokens(a), tokens(b))
    return len(matcher.get_opcodes())


# --- the parts ---------------------------------------------------------------------------


def part_snapshots(story: Story, rng: random.Random, editor: Editor, out: dict) -> None:
    folder = story.folder
    scenes = [s for _c, s in story.binder.scenes()]
    n = len(scenes)
    start = time.perf_counter()
    taken, problems = snapshot_scenes(folder, [(s.id, s.text) for s in scenes], "manual")
    first = time.perf_counter() - start
    assert not problems, problems
    usage_first = SnapshotStore(folder).usage()
    for s in scenes:  # one small edit in every scene
        paras = s.text.split("\n\n")
        (editor.insert_sentence, editor.change_word)[rng.randrange(2)](paras)
        s.text = "\n\n".join(paras)
    save_story(story)  # the edits saved, as the app saves them
    start = time.perf_counter()
    taken2, problems2 = snapshot_scenes(folder, [(s.id, s.text) for s in scenes], "session")
    second = time.perf_counter() - start
    assert not problems2, problems2
    usage_second = SnapshotStore(folder).usage()
    out.update(
        scenes=n,
        snap_first_taken=len(taken),
        snap_first_s=round(first, 3),
        snap_first_per_scene_ms=ms(first / n),
        snap_first_usage_mb=mb(usage_first),
        snap_second_taken=len(taken2),
        snap_second_deltas=sum(1 for t in taken2 if t.delta is not None),
        snap_second_s=round(second, 3),
        snap_second_per_scene_ms=ms(second / n),
        snap_second_added_kb=kb(usage_second - usage_first),
        snap_second_per_scene_bytes=round((usage_second - usage_first) / n),
        snap_usage_mb=mb(usage_second),
    )


def part_backup(story: Story, tmp: Path, out: dict) -> None:
    folder = story.folder
    backups = tmp / "backups"
    now = datetime.now().astimezone()
    runs: list[float] = []
    made = None
    for i in range(3):
        start = time.perf_counter()
        made = back_up(folder, backups, when=now + timedelta(seconds=i))
        runs.append(time.perf_counter() - start)
    assert made is not None
    restores: list[float] = []
    restored = tmp / "restored-0" / folder.name
    for i in range(3):
        target = tmp / f"restored-{i}" / folder.name
        start = time.perf_counter()
        restore(made.path, target)
        restores.append(time.perf_counter() - start)
    load_s, loaded = timed(lambda: load_story(restored), 3)
    back, notes = loaded  # type: ignore[misc]
    same_text = [s.text for _c, s in back.binder.scenes()] == [
        s.text for _c, s in story.binder.scenes()
    ]
    with zipfile.ZipFile(made.path) as archive:
        bak = [i for i in archive.infolist() if i.filename.endswith(".bak")]
    list_s, found = timed(lambda: list_backups(folder, backups), 5)
    rotate_s, removed = timed(lambda: rotate(folder, backups, Retention(1, 0, 0), now), 1)
    out.update(
        project_mb=mb(folder_bytes(folder)),
        project_text_mb=mb(folder_bytes(folder, skip=SNAPSHOTS)),
        backup_s=round(median(runs), 3),
        backup_zip_mb=mb(made.size),
        backup_files=made.files,
        backup_bak_files=len(bak),
        backup_bak_zipped_mb=mb(sum(i.compress_size for i in bak)),
        restore_s=round(median(restores), 3),
        restored_load_s=round(load_s, 3),
        restored_words=story_words(back),
        restored_same_words=story_words(back) == story_words(story),
        restored_same_text=same_text,
        restored_notes=len(notes),
        list_backups_ms=ms(list_s),
        list_backups_found=len(found),  # type: ignore[arg-type]
        rotate_ms=ms(rotate_s),
        rotate_removed=len(removed),  # type: ignore[arg-type]
    )


def part_long_scene(
    tmp: Path, paragraphs: list[str], versions: int, out: dict
) -> tuple[SnapshotStore, str]:
    rng = random.Random(SEED + 1)
    editor = Editor(rng, paragraphs)
    target_words = 10_000
    prose = Prose(paragraphs)
    prose.at = len(paragraphs) * 2 + 40
    paras = prose.take(target_words)
    folder = tmp / "Long.inkling"
    story = new_story(folder, "\n\n".join(paras), "Long Scene")
    write_new_story(story)
    scene_id = story.binder.chapters[0].scenes[0].id
    store = SnapshotStore(folder)
    edits = (editor.insert_sentence, editor.change_word, editor.delete_paragraph)
    clock = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    take_times: list[float] = []
    raw_bytes = gz_bytes = 0
    words_seen: list[int] = []
    wholes = 0
    whole_times: list[float] = []
    gzip_s = 0.0
    texts_kept: dict[int, str] = {}
    for i in range(versions):
        if i and i % 50 == 0:
            editor.rewrite(paras, target_words)
        else:
            edits[i % 3](paras)
        text = "\n\n".join(paras)
        start = time.perf_counter()
        snap = store.take(scene_id, text, "session", when=clock + timedelta(minutes=7 * i))
        take_times.append(time.perf_counter() - start)
        assert snap is not None
        if snap.delta is None:
            wholes += 1
            whole_times.append(take_times[-1])
        data = text.encode("utf-8")
        raw_bytes += len(data)
        start = time.perf_counter()
        gz_bytes += len(gzip.compress(data, compresslevel=6, mtime=0))
        gzip_s += time.perf_counter() - start
        words_seen.append(word_count(text))
        if i in (versions - 1, versions - 501, 0):
            texts_kept[i] = text
    usage = store.usage()
    newest = texts_kept[versions - 1]
    older_i = max(0, versions - 501)
    older = texts_kept.get(older_i, texts_kept[0])
    tenth = max(1, versions // 10)
    out.update(
        long_versions=versions,
        long_words_min=min(words_seen),
        long_words_max=max(words_seen),
        long_text_kb=kb(len(newest.encode())),
        long_take_total_s=round(sum(take_times), 3),
        long_take_median_ms=ms(median(take_times)),
        long_take_p95_ms=ms(percentile(take_times, 95)),
        long_take_max_ms=ms(max(take_times)),
        long_take_first_tenth_median_ms=ms(median(take_times[:tenth])),
        long_take_last_tenth_median_ms=ms(median(take_times[-tenth:])),
        long_whole_objects=wholes,
        long_whole_take_median_ms=ms(median(whole_times[1:])) if wholes > 1 else None,
        long_takes_over_1s=sum(1 for t in take_times if t > 1.0),
        long_take_per_100_s=[
            round(sum(take_times[k : k + 100]), 2) for k in range(0, len(take_times), 100)
        ],
        long_usage_kb=kb(usage),
        long_gzip_copies_kb=kb(gz_bytes),
        long_raw_copies_kb=kb(raw_bytes),
        long_usage_vs_gzip_pct=round(100 * usage / gz_bytes, 2),
        long_usage_vs_raw_pct=round(100 * usage / raw_bytes, 3),
        long_gzip_copies_s=round(gzip_s, 3),
    )

    hist_s, hist = timed(lambda: store.history(scene_id), 5)
    snaps = hist.snapshots  # type: ignore[attr-defined]
    assert len(snaps) == versions, len(snaps)
    oldest_snap, newest_snap = snaps[-1], snaps[0]
    # a fresh store each time: nothing cached, the object is read and gunzipped
    oldest_s, oldest_text = timed(lambda: SnapshotStore(folder).text_of(oldest_snap), 5)
    newest_s, newest_text = timed(lambda: SnapshotStore(folder).text_of(newest_snap), 5)
    assert oldest_text == texts_kept[0] and newest_text == newest
    older_snap = snaps[min(500, len(snaps) - 1)]
    older_s, older_text = timed(lambda: SnapshotStore(folder).text_of(older_snap), 5)
    assert older_text == older

    ends = list(_SENTENCE_END.finditer(newest))
    at = ends[len(ends) // 2].end()  # one sentence inserted in the middle of the scene
    pair_one = (newest, newest[:at] + editor.sentences[0] + " " + newest[at:])
    wd_far_s, far = timed(lambda: word_diff(newest, older), 3)
    wd_one_s, near = timed(lambda: word_diff(*pair_one), 5)
    dl_far_s, dl_far = timed(lambda: difflib_words(older, newest), 1)
    dl_one_s, dl_one = timed(lambda: difflib_words(*pair_one), 3)
    out.update(
        history_ms=ms(hist_s),
        text_of_oldest_ms=ms(oldest_s),
        text_of_newest_ms=ms(newest_s),
        text_of_500_back_ms=ms(older_s),
        oldest_stored=oldest_snap.as_dict()["stored"],
        newest_stored=newest_snap.as_dict()["stored"],
        word_diff_500_back_ms=ms(wd_far_s),
        word_diff_500_back_changes=sum(1 for op, _t in far if op != 0),  # type: ignore[attr-defined]
        word_diff_one_sentence_ms=ms(wd_one_s),
        word_diff_one_sentence_changes=sum(1 for op, _t in near if op != 0),  # type: ignore[attr-defined]
        difflib_500_back_ms=ms(dl_far_s),
        difflib_500_back_opcodes=dl_far,
        difflib_one_sentence_ms=ms(dl_one_s),
        difflib_one_sentence_opcodes=dl_one,
    )
    return store, scene_id


def part_prune(label: str, store: SnapshotStore, out: dict) -> None:
    before = store.usage()
    limit = before // 2
    start = time.perf_counter()
    removed, freed = store.prune(limit)
    took = time.perf_counter() - start
    after = store.usage()
    out.update(
        {
            f"prune_{label}_before_kb": kb(before),
            f"prune_{label}_limit_kb": kb(limit),
            f"prune_{label}_ms": ms(took),
            f"prune_{label}_removed": removed,
            f"prune_{label}_freed_kb": kb(freed),
            f"prune_{label}_after_kb": kb(after),
            f"prune_{label}_fits": after <= limit,
        }
    )


# --- report ------------------------------------------------------------------------------

TABLE = [
    ("Book", None),
    ("words", "book_words"),
    ("scenes", "scenes"),
    ("build and write (s)", "build_s"),
    ("1. Snapshot of every scene", None),
    ("first time: total (s)", "snap_first_s"),
    ("first time: per scene (ms)", "snap_first_per_scene_ms"),
    ("first time: on disk (MB)", "snap_first_usage_mb"),
    ("after one small edit each: total (s)", "snap_second_s"),
    ("after one small edit each: per scene (ms)", "snap_second_per_scene_ms"),
    ("  kept as deltas (of scenes)", "snap_second_deltas"),
    ("  bytes added (kB)", "snap_second_added_kb"),
    ("  bytes added per scene", "snap_second_per_scene_bytes"),
    ("2. Backup and restore", None),
    ("project on disk (MB)", "project_mb"),
    ("  of which outside snapshots/ (MB)", "project_text_mb"),
    ("backup (s, median of 3)", "backup_s"),
    ("backup zip (MB)", "backup_zip_mb"),
    ("files in the zip", "backup_files"),
    ("  of which *.bak (previous saves) / zipped MB", ("backup_bak_files", "backup_bak_zipped_mb")),
    ("restore into a new folder (s, median of 3)", "restore_s"),
    ("load_story of the restored folder (s)", "restored_load_s"),
    ("restored word count", "restored_words"),
    ("same word count / same text", ("restored_same_words", "restored_same_text")),
    ("list_backups (ms) / found", ("list_backups_ms", "list_backups_found")),
    ("rotate to the newest (ms) / removed", ("rotate_ms", "rotate_removed")),
    ("3. One long scene, many versions", None),
    ("versions", "long_versions"),
    ("words (min / max over the run)", ("long_words_min", "long_words_max")),
    ("take: total (s)", "long_take_total_s"),
    (
        "take: median / p95 / max (ms)",
        ("long_take_median_ms", "long_take_p95_ms", "long_take_max_ms"),
    ),
    (
        "take: median of first / last tenth (ms)",
        ("long_take_first_tenth_median_ms", "long_take_last_tenth_median_ms"),
    ),
    ("take: over 1 s (count)", "long_takes_over_1s"),
    ("take: seconds per 100 versions", "long_take_per_100_s"),
    ("whole texts kept (the rest are deltas)", "long_whole_objects"),
    ("  take of those after the first, median (ms)", "long_whole_take_median_ms"),
    ("snapshots on disk (kB)", "long_usage_kb"),
    ("same versions as gzip'd whole copies (kB)", "long_gzip_copies_kb"),
    ("same versions as raw text (kB)", "long_raw_copies_kb"),
    ("on disk vs gzip copies / vs raw (%)", ("long_usage_vs_gzip_pct", "long_usage_vs_raw_pct")),
    ("history, median of 5 (ms)", "history_ms"),
    (
        "text_of oldest / newest / 500 back (ms)",
        ("text_of_oldest_ms", "text_of_newest_ms", "text_of_500_back_ms"),
    ),
    ("word_diff newest vs 500 back (ms)", "word_diff_500_back_ms"),
    ("difflib on words, same pair (ms)", "difflib_500_back_ms"),
    ("word_diff one sentence apart (ms)", "word_diff_one_sentence_ms"),
    ("difflib on words, same pair (ms)", "difflib_one_sentence_ms"),
    ("4. Pruning to half the usage", None),
    (
        "long scene: before / limit / after (kB)",
        ("prune_long_before_kb", "prune_long_limit_kb", "prune_long_after_kb"),
    ),
    ("long scene: time (ms) / removed", ("prune_long_ms", "prune_long_removed")),
    (
        "book: before / limit / after (kB)",
        ("prune_book_before_kb", "prune_book_limit_kb", "prune_book_after_kb"),
    ),
    ("book: time (ms) / removed", ("prune_book_ms", "prune_book_removed")),
    ("", None),
    ("total run (s)", "total_s"),
]


def print_table(out: dict) -> None:
    for label, keys in TABLE:
        if keys is None:
            print(f"\n{label}" if label else "")
            continue
        values = keys if isinstance(keys, tuple) else (keys,)
        shown = " / ".join(str(out.get(k, "-")) for k in values)
        print(f"  {label:<46} {shown}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words", type=int, default=150_000)
    parser.add_argument("--versions", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    began = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="inkling-keeping-"))
    out: dict = {}
    try:
        paragraphs = corpus_paragraphs()
        start = time.perf_counter()
        story = build_book(tmp / "Keeping.inkling", args.words, paragraphs)
        out["build_s"] = round(time.perf_counter() - start, 3)
        out["book_words"] = story_words(story)
        rng = random.Random(SEED)
        part_snapshots(story, rng, Editor(rng, paragraphs), out)
        part_backup(story, tmp, out)
        long_store, _scene = part_long_scene(tmp, paragraphs, args.versions, out)
        part_prune("long", long_store, out)
        part_prune("book", SnapshotStore(story.folder), out)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    out["total_s"] = round(time.perf_counter() - began, 2)
    print_table(out)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
