"""Importing a manuscript: read .txt, .md or .docx and split it into chapters and scenes.

Chapters start at heading lines ("Chapter 1", "CHAPTER I", "第一章", Markdown `#`
headings, or a pattern the writer gives); "Part One" / "第一部" lines group chapters into
parts; scenes break at separator lines such as `***`, `* * *` or a lone `#`. The split is
a plan the writer can preview before anything is written.
"""

from __future__ import annotations

import itertools
import os
import re
import stat
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from backend.storage.documents import DocumentError, decode
from backend.story.binder import Chapter, Scene
from backend.story.project import Story
from backend.text.counts import is_mostly_cjk, word_count
from backend.untrusted import RefusedFile, describe_size, read_bounded

_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety|hundred"
)
_NUM = rf"(?:\d+|[IVXLCDM]+|(?:{_WORDS})(?:[- ](?:{_WORDS}))*)"
_CN_NUM = r"[0-9０-９一二三四五六七八九十百千零〇两]+"
PRESETS: dict[str, str] = {
    "Chapter 1": r"chapter\s+\d+\b.*",
    "CHAPTER I": r"chapter\s+[IVXLCDM]+\b.*",
    "第一章": rf"第{_CN_NUM}[章回节].*",
    "# headings": r"#{1,2}\s+\S.*",
}
AUTO_CHAPTER = re.compile(
    rf"(?:chapter\s+{_NUM}\b.{{0,80}}|第{_CN_NUM}[章回节].{{0,40}}|#{{1,2}}\s+\S.{{0,120}}|prologue|epilogue)",
    re.IGNORECASE,
)
PART = re.compile(rf"(?:part\s+{_NUM}\b.{{0,60}}|第{_CN_NUM}[部卷].{{0,40}})", re.IGNORECASE)
SCENE_BREAK = re.compile(r"(?:[*#~§⁂◇◆＊•·]\s*){1,10}|-{3,}|={3,}")  # up to a row of 10 marks
MAX_HEADING_CHARS = 120
MAX_IMPORT_BYTES = 64 * 1024 * 1024


class ImportProblem(DocumentError):
    """The manuscript cannot be imported as asked; the message is for the writer."""


@dataclass
class PlannedChapter:
    """One chapter as the split found it."""

    title: str
    part: str = ""
    scenes: list[str] = field(default_factory=list)

    @property
    def words(self) -> int:
        """Words (CJK characters count one each) in the chapter."""
        return sum(word_count(s) for s in self.scenes)


@dataclass
class ImportPlan:
    """The chapters found, and what the writer should know about the split."""

    chapters: list[PlannedChapter]
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        """JSON-ready: each chapter's title, part, scene count and words."""
        return {
            "chapters": [
                {"title": c.title, "part": c.part, "scenes": len(c.scenes), "words": c.words}
                for c in self.chapters
            ],
            "chapter_count": len(self.chapters),
            "words": sum(c.words for c in self.chapters),
            "notes": self.notes,
        }

    def to_story(self, folder: Path, title: str = "") -> Story:
        """A new project holding the planned chapters and scenes."""
        story = Story(folder, title=title or folder.stem)
        sample = "".join(s for c in self.chapters[:3] for s in c.scenes[:2])[:20000]
        chinese = is_mostly_cjk(sample)  # a Chinese book's scenes are named in Chinese
        for planned in self.chapters:
            chapter = Chapter(title=_local_title(planned.title, chinese), part=planned.part)
            for n, text in enumerate(planned.scenes or [""], 1):
                name = f"第{n}场" if chinese else f"Scene {n}"
                chapter.scenes.append(Scene(title=name, text=text))
            story.binder.chapters.append(chapter)
        return story


def _local_title(title: str, chinese: bool) -> str:
    """The default chapter names ("Chapter 1", "Opening") in a Chinese book's own words."""
    if not chinese:
        return title
    return {"Chapter 1": "第一章", "Opening": "开篇"}.get(title, title)


# --- reading ----------------------------------------------------------------------------
def read_manuscript(path: Path) -> str:
    """The text of a .txt, .md or .docx file (docx headings become `#` lines).

    Only an ordinary file is read (a pipe or a link to a device is refused at once), at
    most MAX_IMPORT_BYTES of it. Raises ImportProblem (or DocumentError for a binary file).
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        raise ImportProblem(f"Could not read {path.name}: {exc.strerror or exc}.") from exc
    if stat.S_ISDIR(info.st_mode):
        raise ImportProblem(f"{path.name} is a folder, not a manuscript.")
    if not stat.S_ISREG(info.st_mode):
        raise ImportProblem(
            f"{path.name} is not an ordinary file (it is a device, a pipe or a socket); "
            "it was not read."
        )
    if info.st_size > MAX_IMPORT_BYTES:
        raise ImportProblem(
            f"{path.name} is too large to import ({info.st_size // 2**20} MB; the most is "
            f"{describe_size(MAX_IMPORT_BYTES)})."
        )
    if path.suffix.lower() == ".docx":
        # Imported on first use: nothing else here needs the XML and zip readers.
        from backend.formats.docx_in import DocxRefused, read_docx

        try:
            return read_docx(path)
        except DocxRefused as exc:
            raise ImportProblem(str(exc)) from exc
    try:
        data = read_bounded(path, MAX_IMPORT_BYTES)
    except RefusedFile as exc:
        raise ImportProblem(str(exc)) from exc
    except OSError as exc:
        raise ImportProblem(f"Could not read {path.name}: {exc.strerror or exc}.") from exc
    return decode(data, path, replace=True).text


# --- splitting --------------------------------------------------------------------------
def chapter_pattern(pattern: str | None) -> re.Pattern[str]:
    """The heading pattern for a preset name, a regex, or automatic detection (None)."""
    if not pattern:
        return AUTO_CHAPTER
    body = PRESETS.get(pattern, pattern)
    try:
        return re.compile(body, re.IGNORECASE if pattern in PRESETS else 0)
    except re.error as exc:
        raise ImportProblem(
            f"The chapter pattern is not a valid regular expression: {exc}."
        ) from exc


def _is_heading(line: str, pattern: re.Pattern[str]) -> bool:
    stripped = line.strip()
    return 0 < len(stripped) <= MAX_HEADING_CHARS and pattern.fullmatch(stripped) is not None


def _is_part(line: str, regex: re.Pattern[str]) -> bool:
    """A part heading: "Part One" on a line of its own, or as a Markdown heading ("# Part
    One", as Inkling's own Markdown and Word exports write parts)."""
    marked = line.lstrip().startswith("#")
    if marked:
        return _is_heading(_title(line), PART)
    return _is_heading(line, PART) and not _is_heading(line, regex)


def _title(line: str) -> str:
    return line.strip().lstrip("#").strip() or "Untitled"


def looks_hard_wrapped(text: str) -> bool:
    """True for text wrapped at a fixed width with blank lines between paragraphs."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if len(lines) < 20 or "\n\n" not in text:
        return False
    lengths = [len(ln) for ln in lines]
    joined = sum(1 for a, b in itertools.pairwise(text.split("\n")) if a.strip() and b.strip())
    return 45 <= statistics.median(lengths) <= 90 and joined > len(lines) // 3


def unwrap(paragraph: str) -> str:
    """Join a hard-wrapped paragraph's lines with spaces (CJK lines join without one)."""
    out = ""
    for line in paragraph.split("\n"):
        line = line.strip()
        if not out:
            out = line
        elif out and ("\u3000" <= out[-1] <= "\u9fff" or "\uff00" <= out[-1] <= "\uffef"):
            out += line
        else:
            out += " " + line
    return out


def _scenes(lines: list[str], join_lines: bool) -> list[str]:
    scenes: list[list[str]] = [[]]
    for line in lines:
        if line.strip() and SCENE_BREAK.fullmatch(line.strip()):
            scenes.append([])
        else:
            scenes[-1].append(line)
    out = []
    for chunk in scenes:
        text = "\n".join(chunk).strip("\n")
        if join_lines:
            text = "\n\n".join(unwrap(p) for p in re.split(r"\n\s*\n", text) if p.strip())
        if text.strip():
            out.append(text)
    return out


def split_manuscript(
    text: str, pattern: str | None = None, join_lines: bool | None = None
) -> ImportPlan:
    """Split `text` into chapters and scenes. An explicit pattern that finds nothing raises."""
    regex = chapter_pattern(pattern)
    if join_lines is None:
        join_lines = looks_hard_wrapped(text)
    notes: list[str] = []
    part = ""
    preamble: list[str] = []
    sections: list[tuple[str, str, list[str]]] = []  # title, part, lines
    body = preamble
    for line in text.replace("\r\n", "\n").split("\n"):
        if _is_part(line, regex):
            part = _title(line)
        elif _is_heading(line, regex):
            body = []
            sections.append((_title(line), part, body))
        else:
            body.append(line)
    if not sections:
        if pattern:
            raise ImportProblem(
                "The chapter pattern found no chapter headings. Check it against a heading "
                "line in the manuscript, or import with automatic detection."
            )
        notes.append("No chapter headings were found: the text is one chapter.")
    planned = [PlannedChapter(title, p, _scenes(lines, join_lines)) for title, p, lines in sections]
    front = _scenes(preamble, join_lines)
    if front:
        planned.insert(0, PlannedChapter("Opening" if sections else "Chapter 1", "", front))
        if sections:
            notes.append("The text before the first heading became a chapter called “Opening”.")
    if join_lines:
        notes.append("Hard-wrapped lines were joined into paragraphs.")
    return ImportPlan(planned or [PlannedChapter("Chapter 1", "", [""])], notes)


def check_new_story(target: Path) -> None:
    """Refuse to import over a folder that already holds something."""
    try:
        taken = os.path.lexists(target) and (
            os.path.islink(target) or not os.path.isdir(target) or bool(os.listdir(target))
        )
    except OSError as exc:
        raise ImportProblem(f"Could not look at {target.name}: {exc.strerror or exc}.") from exc
    if taken:
        raise ImportProblem(f"{target.name} already exists; choose a new name for the story.")


def import_manuscript(
    source: Path, target: Path, pattern: str | None = None
) -> tuple[Story, ImportPlan]:
    """Read and split a manuscript into a new project at `target` (not yet saved)."""
    check_new_story(target)
    plan = split_manuscript(read_manuscript(source), pattern)
    title = source.stem.replace("_", " ")
    return plan.to_story(target, title), plan


# --- title and author -------------------------------------------------------------------
_CORE_PART = "docProps/core.xml"
_MAX_CORE_BYTES = 256 * 1024
_MAX_DETAIL_CHARS = 300
_CORE_FIELDS = {
    "{http://purl.org/dc/elements/1.1/}title": "title",
    "{http://purl.org/dc/elements/1.1/}creator": "author",
}


def manuscript_details(path: Path) -> tuple[str, str]:
    """The book's title and author as the file names them: a .docx's core properties
    (File → Info in Word), else the file's name for the title and no author. Never raises:
    a file that cannot tell gives (the file's stem, '')."""
    title, author = "", ""
    if path.suffix.lower() == ".docx":
        from backend.formats.docx_in import DocxRefused

        try:
            title, author = _docx_core(path)
        except (DocxRefused, RefusedFile, OSError, ValueError, SyntaxError):  # the stem will do
            title, author = "", ""
    return (title or path.stem), author


def _docx_core(path: Path) -> tuple[str, str]:
    """dc:title and dc:creator from a .docx, read with the same limits as its text."""
    from defusedxml import ElementTree as SafeET

    from backend.formats.docx_in import MAX_DOCX_BYTES
    from backend.formats.docx_zip import _Package

    package = _Package.open(read_bounded(path, MAX_DOCX_BYTES), path.name)
    if package.member(_CORE_PART) is None:
        return "", ""
    root = SafeET.fromstring(
        package.inflate(_CORE_PART, _MAX_CORE_BYTES), forbid_dtd=True, forbid_entities=True
    )
    found = {"title": "", "author": ""}
    for child in root:
        key = _CORE_FIELDS.get(child.tag)
        if key and child.text:
            found[key] = " ".join(child.text.split())[:_MAX_DETAIL_CHARS]
    return found["title"], found["author"]
