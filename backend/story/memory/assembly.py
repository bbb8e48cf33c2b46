"""The prompt for a request, assembled from named sections within budgets.

Sections come in a fixed order, from what changes least (memory, story so far, this
chapter) to what changes most (recent text), so that the engine's cached prefix keeps
hitting. Lore and recalled passages are chosen from the text up to a *stable point*, the
cursor rounded down to the same step that moves the recent window: typing within a step
changes neither them nor the window's start, so a warm suggestion stays warm.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from backend.story.memory.budgets import PRIORITY, ContextSettings
from backend.story.memory.drafts import DRAFT_FIELD, HERE_MARK
from backend.story.memory.lore import LoreHit, pick_lore
from backend.story.memory.recall import Passage, RecallIndex
from backend.story.memory.sections import (
    MUTED,
    Candidate,
    Item,
    Section,
    TokenCount,
    fill,
    passage_label,
    trim_to,
)
from backend.story.style.header import header_offset, insert_authors_note
from backend.text.counts import is_mostly_cjk
from backend.text.windows import sentence_start

LORE_SCAN_CHARS = 1500
QUERY_CHARS = 1200
RECALL_CANDIDATES = 8
BREAK = "* * *\n\n"
NOTE_MARK = "[Author's note: {}]"
# What only a copy of a note writes: a small base model sometimes carries a note's form
# from the prompt into the page ("… she said. (Here: June.)"), so text stops before one.
NOTE_ECHOES = (HERE_MARK.rstrip(), NOTE_MARK.split("{")[0].rstrip())
MIN_STEP_CHARS = 200
PROBE_CHARS = 100  # a passage whose opening is in the visible text is not recalled


@dataclass(frozen=True)
class Note:
    """A chapter's or scene's label and synopsis."""

    label: str
    synopsis: str = ""
    draft: bool = False  # the synopsis is a day-one draft (drafts.py), not the writer's

    @property
    def shown(self) -> str:
        """The label as the context viewer shows it, marked when the synopsis is a draft."""
        return f"{self.label} (draft)" if self.draft and self.synopsis.strip() else self.label


@dataclass(frozen=True)
class BookContext:
    """Everything about the book a request may draw on besides the text at the cursor."""

    memory: str = ""
    memory_draft: bool = False  # the memory is a day-one draft (drafts.py), not the writer's
    earlier: tuple[Note, ...] = ()  # the chapters before this one, in book order
    chapter: Note | None = None
    scenes: tuple[Note, ...] = ()  # earlier scenes of this chapter
    scene: Note | None = None
    scene_id: str = ""
    lead_in: str = ""  # the end of the scene before this one
    lead_in_scene: str = ""
    lead_in_from: int = 0  # where the lead-in starts in its scene
    # The scenes after this one in the book: passages are recalled from before the place
    # only, so a book's later events do not come into what is written here.
    later_scenes: frozenset[str] = frozenset()
    bible: tuple[Mapping[str, str], ...] = ()
    authors_note: str = ""
    index: RecallIndex | None = field(default=None, compare=False)
    settings: ContextSettings = field(default_factory=ContextSettings)

    @property
    def in_a_story(self) -> bool:
        """True for a place in a story (not a loose document with only bible entries)."""
        return bool(self.scene_id or self.memory or self.earlier or self.index is not None)

    @property
    def planned(self) -> str:
        """What the writer planned for here: this chapter's and scene's synopses."""
        notes = [n for n in (self.chapter, self.scene) if n is not None]
        return "\n".join(n.synopsis for n in notes if n.synopsis)


@dataclass(frozen=True)
class Assembly:
    """The prompt of one request, section by section, in prompt order."""

    sections: tuple[Section, ...]
    budget: int
    recent: str  # the recent text, without the author's note
    authors_note: str
    task: str = ""  # what the prompt was for: "suggestion", "continuation", "rewrite"

    @property
    def prompt(self) -> str:
        """The exact text the model is given."""
        return "".join(s.text for s in self.sections)

    @property
    def prefix(self) -> str:
        """The notes before the recent text, without the style header (the part that
        stays put while typing)."""
        notes = "".join(s.text for s in self.sections if s.name != "style")
        return notes[: len(notes) - len(self.body)]

    @property
    def body(self) -> str:
        """The recent text with the author's note placed in it."""
        return insert_authors_note(self.recent, self.authors_note)

    @property
    def notes(self) -> tuple[str, ...]:
        """Every section's notes for the writer, in prompt order."""
        return tuple(n for s in self.sections for n in s.notes)

    @property
    def total_tokens(self) -> int:
        """Tokens of every section together."""
        return sum(s.tokens for s in self.sections)

    def section(self, name: str) -> Section | None:
        """The first section called `name`."""
        return next((s for s in self.sections if s.name == name), None)

    def to_json(self) -> dict[str, object]:
        """The answer of the headless `context` op."""
        return {
            "sections": [s.to_json() for s in self.sections if s.text or s.items or s.notes],
            "total_tokens": self.total_tokens,
            "budget": self.budget,
            "notes": list(self.notes),
            "task": self.task,
        }


def note_echoes(notes: str) -> tuple[str, ...]:
    """The NOTE_ECHOES that `notes` (the part of a prompt before the writer's text, or an
    author's note placed in it) contains: a continuation or suggestion stops before them."""
    return tuple(mark for mark in NOTE_ECHOES if mark in notes)


def chars_per_token(text: str) -> float:
    """A first guess of characters per token, refined by counting."""
    return 1.4 if is_mostly_cjk(text[-2000:]) else 4.0


@dataclass(frozen=True)
class _Place:
    """Where the request is: the text before the cursor, with the lead-in, in one string."""

    full: str  # lead-in + the text before the cursor
    base: int  # absolute position (in the scene) of full[0]; negative when a lead-in leads
    step: int
    nominal: int  # about how many characters of recent text the budget holds
    typed: int  # how many characters at the end of `full` are the text given (no lead-in)

    @property
    def cursor(self) -> int:
        return self.base + len(self.full)

    def stable(self) -> str:
        """The text up to the cursor rounded down to the step: it moves once a step."""
        point = max(0, self.cursor // self.step * self.step)
        return self.full[: max(0, point - self.base)]

    def quantised(self, chars: int) -> int:
        """`chars` rounded down to whole steps (when it is at least one step)."""
        return chars // self.step * self.step if chars >= self.step else chars

    def start_for(self, chars: int) -> int:
        """Where in `full` a window of about `chars` before the cursor starts: it moves
        when the cursor crosses a whole step, and never in between."""
        earliest = self.cursor // self.step * self.step - self.quantised(chars)
        return max(0, min(earliest - self.base, len(self.full)))


def _place(book: BookContext, before: str, offset: int, total: int, shares: float) -> _Place:
    lead = book.lead_in if offset == 0 and book.lead_in.strip() else ""
    full = f"{lead.rstrip()}\n\n{BREAK}{before}" if lead else before
    nominal = int(total * shares * chars_per_token(full))
    step = max(MIN_STEP_CHARS, nominal // 3)
    return _Place(full, offset - (len(full) - len(before)), step, nominal, len(before))


def assemble(
    book: BookContext,
    before: str,
    count: TokenCount,
    total: int,
    *,
    offset: int = 0,
    header: str = "",
    settled: bool = False,
    header_on_top: bool = False,
) -> Assembly:
    """The prompt for text `before` the cursor (which starts `offset` characters into the
    scene), within `total` tokens. `header` (a style header) goes a few paragraphs before the
    end of the recent text (header_offset; first when that is short), within `total` or,
    `header_on_top`, on top of it (the rest is then what the same request without a header
    gets). `settled`: the text is not being typed (a passage to rewrite): lore and recall
    read all of it."""
    budgets = book.settings.budgets
    place = _place(book, before, offset, total, budgets.share("recent"))
    stable = place.full if settled else place.stable()
    head = Section("style", header, count(header), count(header)) if header else None
    left = total - (head.tokens if head and not header_on_top else 0)
    room_for_sections = max(0, left - int(total * budgets.share("recent")))
    built: dict[str, Section] = {}
    for name in PRIORITY:
        budget = min(budgets.tokens(name, total), room_for_sections)
        section = _build(name, book, stable, place, budget, count, settled)
        built[name] = section
        room_for_sections -= section.tokens
        left -= section.tokens
    note = built.pop("authors_note")
    recent_section, recent = _recent(place, left, count, any(s.text for s in built.values()))
    note_text = note.text[len(NOTE_MARK.format("")) - 1 : -1] if note.text else ""
    placed = insert_authors_note(recent, note_text) if note_text else recent
    # The header goes a few paragraphs before the end (header_offset), or first.
    in_text = head if head is not None and header_offset(placed) else None
    first = head if in_text is None else None
    sections = [s for s in (first, *_ordered(built)) if s is not None]
    sections += _recent_sections(recent_section, recent, placed, note, note_text, in_text)
    budget = total + (head.tokens if head and header_on_top else 0)
    return Assembly(tuple(sections), budget, recent, note_text)


def _ordered(built: dict[str, Section]) -> list[Section]:
    order = ("memory", "story_so_far", "this_chapter", "lore", "recalled")
    return [built[n] for n in order if n in built]


def _build(
    name: str,
    book: BookContext,
    stable: str,
    place: _Place,
    budget: int,
    count: TokenCount,
    settled: bool,
) -> Section:
    if name == "memory":
        return _memory(book.memory, budget, count, book.memory_draft)
    if name == "story_so_far":
        return _story_so_far(book, budget, count)
    if name == "this_chapter":
        return _this_chapter(book, budget, count)
    if name == "lore":
        scan_chars = LORE_SCAN_CHARS + place.step  # rounded down, still LORE_SCAN_CHARS
        scan = place.full if settled else place.full[place.start_for(scan_chars) :]
        return _lore(book, scan, budget, count)
    if name == "recalled":
        return _recalled(book, stable, place, budget, count)
    note = book.authors_note.strip()
    note = trim_to(note, budget - count(NOTE_MARK.format("")), count) if note else ""
    text = NOTE_MARK.format(note) if note else ""
    return Section("authors_note", text, count(text) if text else 0, budget)


def _memory(memory: str, budget: int, count: TokenCount, draft: bool = False) -> Section:
    lines = [line.strip() for line in memory.splitlines() if line.strip()]
    mark = " (draft)" if draft else ""
    cands = [Candidate(f"memory:{i}", line + mark, line + "\n") for i, line in enumerate(lines)]
    section = fill("memory", "Notes on the book:\n", cands, budget, count)
    dropped = sum(1 for i in section.items if i.state != "in")
    if dropped:
        note = (
            f"Memory is longer than its budget of {budget} tokens: "
            f"{dropped} line(s) trimmed or left out."
        )
        section = replace(section, notes=(note,))
    return section


def _story_so_far(book: BookContext, budget: int, count: TokenCount) -> Section:
    with_text = [(i, n) for i, n in enumerate(book.earlier) if n.synopsis.strip()]
    missing = [n.label for n in book.earlier if not n.synopsis.strip()]
    cands = [
        Candidate(f"chapter:{i}", n.shown, f"{n.label}: {n.synopsis.strip()}\n")
        for i, n in reversed(with_text)  # the most recent chapters are offered room first
    ]
    section = fill(
        "story_so_far", "The story so far:\n", cands, budget, count,
        order=lambda kept: sorted(kept, key=lambda c: int(c.key.split(":")[1])),
        contiguous=True,
    )  # fmt: skip
    if missing:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        note = f"{len(missing)} earlier chapter(s) have no synopsis: {shown}"
        section = replace(section, notes=(note,))
    return section


def _this_chapter(book: BookContext, budget: int, count: TokenCount) -> Section:
    if book.chapter is None:
        return Section("this_chapter", "", 0, budget)
    cands = [Candidate("this:chapter", book.chapter.shown, _line(book.chapter))]
    cands += [
        Candidate(f"this:scene:{i}", n.shown, _line(n))
        for i, n in enumerate(book.scenes)
        if n.synopsis.strip()
    ]
    if book.scene is not None and book.scene.synopsis.strip():
        cands.append(Candidate("this:scene", book.scene.shown, _line(book.scene)))
    section = fill("this_chapter", "", cands, budget, count)
    if not book.chapter.synopsis.strip():
        note = f"{book.chapter.label} has no synopsis yet: the model knows only its title."
        section = replace(section, notes=(note,))
    return section


def _line(note: Note) -> str:
    synopsis = note.synopsis.strip()
    return f"{note.label}: {synopsis}\n" if synopsis else f"{note.label}\n"


def _lore(book: BookContext, scan: str, budget: int, count: TokenCount) -> Section:
    index = book.index
    settings = book.settings

    def common(key: str) -> bool:
        return index is not None and len(index) >= 10 and index.doc_share(key) > 0.5

    hits, muted, key_notes = pick_lore(
        scan,
        book.planned,
        [dict(e) for e in book.bible],
        settings.pinned,
        settings.muted,
        common,
    )
    drafted = {str(e.get("Name", "")) for e in book.bible if e.get(DRAFT_FIELD)}

    def label(h: LoreHit) -> str:
        return f"{h.name} ({h.reason}, draft)" if h.name in drafted else f"{h.name} ({h.reason})"

    cands = [Candidate(h.key, label(h), f"- {h.text}\n", h.rank == 0) for h in hits]
    positions = {h.key: h.position for h in hits}
    section = fill(
        "lore", "Characters and places:\n", cands, budget, count,
        order=lambda kept: sorted(kept, key=lambda c: positions[c.key]),
    )  # fmt: skip
    extra = tuple(Item(f"lore:{n}", n, 0, MUTED) for n in muted)
    return replace(section, items=section.items + extra, notes=tuple(key_notes))


def _recalled(
    book: BookContext, stable: str, place: _Place, budget: int, count: TokenCount
) -> Section:
    index = book.index
    if index is None or budget <= 0:
        return Section("recalled", "", 0, budget)
    query = f"{book.planned}\n{stable[-QUERY_CHARS:]}"
    seen_from = max(0, place.cursor - place.nominal)  # the model sees the text after this

    # What the model sees anyway; its start moves in steps, like the window's.
    visible = place.full[place.start_for(place.nominal) :]
    own = place.full[len(place.full) - place.typed :]
    probes = {t[:PROBE_CHARS].strip() for t in (visible, own)} - {""}

    def excluded(p: Passage) -> bool:
        if p.text[:PROBE_CHARS] in visible or any(probe in p.text for probe in probes):
            return True  # the model sees it already (a passage being rewritten, say)
        if p.scene_id in book.later_scenes:
            return True
        if p.scene_id == book.scene_id:
            return p.end > seen_from
        return p.scene_id == book.lead_in_scene and p.end > book.lead_in_from

    settings = book.settings
    found = index.search(query, RECALL_CANDIDATES, excluded)
    by_key = {p.key: p for p, _ in found}
    pinned = [p for p in index.passages if p.key in settings.pinned and p.key not in by_key]
    cands = [
        Candidate(p.key, passage_label(p), f"From {p.chapter_title}:\n{p.text}\n", True)
        for p in pinned
    ]
    muted: list[Item] = []
    for p, _score in found:
        if p.key in settings.muted:
            muted.append(Item(p.key, passage_label(p), 0, MUTED))
            continue
        pin = p.key in settings.pinned
        cands.append(
            Candidate(p.key, passage_label(p), f"From {p.chapter_title}:\n{p.text}\n", pin)
        )
    order = {p.key: (p.chapter, p.start) for p in (*pinned, *by_key.values())}
    section = fill(
        "recalled", "", cands, budget, count,
        order=lambda kept: sorted(kept, key=lambda c: order[c.key]), sep="\n",
    )  # fmt: skip
    return replace(section, items=section.items + tuple(muted))


def _recent(place: _Place, room: int, count: TokenCount, after_notes: bool) -> tuple[Section, str]:
    """The recent text: as much as `room` allows, its start anchored to the step."""
    sep = BREAK if after_notes else ""
    full = place.full
    chars = place.quantised(max(0, int((room - count(sep)) * chars_per_token(full))))
    for _ in range(12):
        start = _anchored(place, chars)
        window = full[start:]
        n = count(sep + window)
        if n <= room or not window:
            break
        chars = place.quantised(max(0, min(chars - place.step, int(chars * room / n))))
    return Section("recent", sep + window, n, room), window


def _anchored(place: _Place, chars: int) -> int:
    """Where the recent window starts in `place.full`: moved in whole steps, then to the
    next paragraph or sentence start within the step."""
    if len(place.full) <= chars:
        return 0
    return sentence_start(place.full, place.start_for(chars), place.step)


def _recent_sections(
    recent: Section,
    text: str,
    placed: str,
    note: Section,
    note_text: str,
    head: Section | None,
) -> list[Section]:
    """The recent `text` (`placed`: with the author's note where insert_authors_note puts
    it), split around that note and the style header `head` (where header_offset puts it)."""
    sep = recent.text[: len(recent.text) - len(text)]
    full = sep + placed
    blocks: list[tuple[int, Section]] = []
    if note_text:
        marker = NOTE_MARK.format(note_text)
        at = len(sep) + placed.find(marker)
        blocks.append((at, Section("authors_note", marker, note.tokens, note.budget)))
    if head is not None:
        at = len(sep) + header_offset(placed)
        full = full[:at] + head.text + full[at:]
        blocks = [(b + len(head.text) if b >= at else b, s) for b, s in blocks]
        blocks.append((at, head))
    out: list[Section] = []
    done = 0
    for at, block in sorted(blocks, key=lambda b: b[0]):
        if full[done:at]:
            out.append(Section("recent", full[done:at], 0, recent.budget))
        out.append(block)
        done = at + len(block.text)
    out.append(Section("recent", full[done:], 0, recent.budget))
    first = next(i for i, s in enumerate(out) if s.name == "recent")
    out[first] = replace(out[first], tokens=recent.tokens)
    return out
