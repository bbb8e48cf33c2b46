"""Memory on day one: drafts of what a writer would keep for the model, made from the book
itself, for an imported book nobody has written notes for yet.

- a synopsis of every chapter without one (extractive: synopsis.py), with who is in it
- a cast: the names the book uses most, each with the sentence that first shows them, who
  they are most often with, and what the story facts say of them (eyes, age, family …)
- a memory line naming the cast, when the writer has written no memory

Drafts are only ever used where the writer has written nothing of their own, and they are
marked as drafts wherever they go (`Note.draft`, `DRAFT_FIELD` in a bible entry,
`BookContext.memory_draft`), so the window can show them as "draft, edit me". The story
facts come from backend/story/facts (`check_story(...).facts`); they are passed in, so
that the drafts never run the check themselves.

The writer keeps a drafted entry (`DraftEntry.bible_entry`, then it is theirs like any
other) or dismisses it: a dismissed name is kept in the story's [context] table
(`dismissed`, `dismiss`) and never drafted again for that story.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from backend.story.bible import fields_for
from backend.story.facts.model import Fact
from backend.story.memory.synopsis import extractive_synopsis
from backend.story.project import Story
from backend.text.counts import CJK_CHAR
from backend.text.sentences import sentence_ends
from backend.text.terms import names_in

DRAFT_FIELD = "Draft"  # present (value "yes") in a bible-shaped entry that is a draft
MIN_MENTIONS = 4
MIN_CHAPTERS = 2
MAX_CAST = 30
MEMORY_CAST = 12  # names in the drafted memory line
CHAPTER_CAST = 6  # names a chapter's draft synopsis says are in it
COMPANIONS = 3
FIRST_QUOTE_CHARS = 240
MAX_TEXT_CHARS = 20_000_000  # a book past this is read only this far for drafts
_SEQUENCE = re.compile(r"\b[A-Z][a-z]+(?:['’][a-z]+)?(?: [A-Z][a-z]+)+\b")
_WORD = re.compile(r"\b[A-Z][a-z]+(?:['’][a-z]+)?\b")
_OPENERS = set(".!?…:;\n'\"‘“([—-")
_PLACE_BEFORE = re.compile(
    r"\b(?:to|toward|towards|at|in|into|from|near|reached|past|through|across|of)"
    r"(?: the)? $",
    re.IGNORECASE,
)
PLACE_SHARE = 0.5
DISMISSED_KEY = "dismissed_drafts"  # in the story's [context] table: names not to draft
MAX_DISMISSED = 2000
MAX_NAME_CHARS = 200
HERE_MARK = "(Here: "  # opens the cast a chapter's draft synopsis names
_FACT_FIELDS = {"attribute": "Appearance", "age": "Age", "relationship": "Relationships"}


@dataclass(frozen=True)
class DraftEntry:
    """A bible entry drafted from the book: its name, its kind ('character', or 'location'
    for a name mostly said after "to", "at", "from" …), the fields a writer could keep (a
    character's Name, Age, Appearance, Relationships, Backstory; a location's Name, Kind,
    Description, Connections), how often the book names it and the chapter (from 1) that
    first does."""

    name: str
    kind: str
    fields: Mapping[str, str]
    mentions: int
    first_chapter: int

    def prompt_entry(self) -> dict[str, str]:
        """The entry as the model's memory takes it, marked as a draft."""
        keys = ("Age", "Appearance", "Relationships", "Connections", "Backstory", "Description")
        about = " ".join(self.fields[k] for k in keys if self.fields.get(k))
        return {"Name": self.name, "Kind": self.kind, "Description": about, DRAFT_FIELD: "yes"}

    def bible_entry(self) -> dict[str, str]:
        """The draft as an entry of the writer's own (not marked): every field of its kind
        in the bible, the drafted ones filled; a location is a background entry."""
        kind = "background" if self.kind == "location" else "character"
        entry = {f: "" for f in fields_for(kind)}
        entry.update({k: v for k, v in self.fields.items() if k in entry})
        entry["Name"] = self.name
        if kind == "background":
            entry["Kind"] = self.kind
        return entry


@dataclass(frozen=True)
class BookDrafts:
    """Day-one drafts of a book: synopses by chapter id (only for chapters without the
    writer's), cast entries (only for names without a bible entry), and a memory line
    ('' when the writer has written memory)."""

    synopses: Mapping[str, str] = field(default_factory=dict)
    entries: tuple[DraftEntry, ...] = ()
    memory: str = ""

    def bible(self) -> tuple[dict[str, str], ...]:
        """The cast entries as the model's memory takes them (marked as drafts)."""
        return tuple(e.prompt_entry() for e in self.entries)

    def without(self, names: Iterable[str]) -> BookDrafts:
        """These drafts less the cast entries with these names (dismissed by the writer);
        a drafted memory line names the cast that is left."""
        gone = set(names)
        entries = tuple(e for e in self.entries if e.name not in gone)
        memory = cast_line(entries[:MEMORY_CAST]) if self.memory else ""
        return BookDrafts(self.synopses, entries, memory)

    def restored(self, entry: DraftEntry) -> BookDrafts:
        """These drafts with `entry` back among the cast (a dismissal undone), in its place
        by mentions; a drafted memory line names it again."""
        entries = (*self.without([entry.name]).entries, entry)
        entries = tuple(sorted(entries, key=lambda e: -e.mentions))
        memory = cast_line(entries[:MEMORY_CAST]) if self.memory else ""
        return BookDrafts(self.synopses, entries, memory)


@lru_cache(maxsize=512)  # chapters repeat from one request (or one benchmark place) to the next
def draft_synopsis(text: str) -> str:
    """The extractive synopsis of a chapter's text."""
    return extractive_synopsis(text)


def chapter_draft(text: str, leave_out: frozenset[str] = frozenset()) -> str:
    """A chapter's draft synopsis: its extractive synopsis and who is in it (less the
    names in `leave_out`: drafts the writer dismissed)."""
    names = Counter(
        name for name, _at in _chapter_names(text[:MAX_TEXT_CHARS]) if name not in leave_out
    )
    here = [n for n, _c in names.most_common(CHAPTER_CAST)]
    synopsis = draft_synopsis(text)
    if not here:
        return synopsis
    return f"{synopsis} {HERE_MARK}{', '.join(here)}.)"


def day_one_drafts(
    story: Story, *, texts: Mapping[str, str] | None = None, facts: Iterable[Fact] = ()
) -> BookDrafts:
    """The drafts for `story` where the writer has written nothing (`texts` overrides
    scene text by id; `facts` are the story facts, from backend/story/facts)."""
    chapters: list[str] = []
    synopses: dict[str, str] = {}
    gone = dismissed(story)
    for chapter in story.binder.chapters:
        text = "\n\n".join(texts.get(s.id, s.text) if texts else s.text for s in chapter.scenes)
        chapters.append(text)
        if not chapter.synopsis.strip() and text.strip():
            synopses[chapter.id] = chapter_draft(text, gone)
    known = {str(e.get("Name", "")).strip() for e in (*story.characters, *story.background)}
    known |= gone
    cast = draft_cast(chapters, list(facts), known)
    memory = "" if story.memory.strip() else cast_line(cast[:MEMORY_CAST])
    return BookDrafts(synopses, tuple(cast), memory)


def dismissed(story: Story) -> frozenset[str]:
    """The drafted names the writer dismissed for `story`. The list comes from the project
    file, which may have travelled: only names of a sensible length count, so many at most."""
    names = story.context.get(DISMISSED_KEY) if isinstance(story.context, dict) else None
    if not isinstance(names, list):
        return frozenset()
    return frozenset(
        n.strip()
        for n in names[:MAX_DISMISSED]
        if isinstance(n, str) and n.strip() and len(n) <= MAX_NAME_CHARS
    )


def dismiss(story: Story, name: str, on: bool = True) -> None:
    """Dismiss the draft named `name` for `story` (or, `on` False, draft it again). The
    [context] table is replaced, not changed in place: a copy of the story being read on
    another thread keeps the table it had."""
    if not name.strip():
        return
    names = set(dismissed(story))
    (names.add if on else names.discard)(name.strip())
    context = dict(story.context) if isinstance(story.context, dict) else {}
    context.pop(DISMISSED_KEY, None)
    if names:
        context[DISMISSED_KEY] = sorted(names)
    story.context = context


def cast_line(cast: Sequence[DraftEntry]) -> str:
    """The drafted memory line that names the cast, most mentioned first."""
    if not cast:
        return ""
    names = [e.name for e in cast]
    if any(CJK_CHAR.search(n) for n in names):
        return f"书中人物（按出现多少）：{'、'.join(names)}。"
    return f"People in the book, most mentioned first: {', '.join(names)}."


@dataclass
class _Names:
    """Names the book uses: mentions, the chapters they are in, and how many mentions
    follow a word of place ("to", "at" …)."""

    counts: Counter[str] = field(default_factory=Counter)
    where: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    placed: Counter[str] = field(default_factory=Counter)

    def kind(self, name: str) -> str:
        """'location' for a name mostly said as a place, else 'character'."""
        return "location" if self.placed[name] > PLACE_SHARE * self.counts[name] else "character"


def book_names(chapters: Sequence[str]) -> _Names:
    """Names the book uses (multi-word names whole), with mentions and their chapters."""
    names = _Names()
    read = 0
    for n, text in enumerate(chapters):
        if read > MAX_TEXT_CHARS:
            break
        read += len(text)
        for name, at in _chapter_names(text):
            names.counts[name] += 1
            names.where[name].add(n)
            names.placed[name] += bool(_PLACE_BEFORE.search(text[max(0, at - 16) : at]))
    return names


def _chapter_names(text: str) -> list[tuple[str, int]]:
    """Every name in a chapter: two-word names ("March Hare") whole, then single ones. A
    capital that opens a sentence or a quotation says nothing, so it is not counted."""
    out: list[tuple[str, int]] = []
    taken: list[tuple[int, int]] = []
    for m in _SEQUENCE.finditer(text):
        if _opens(text, m.start()):
            continue
        words = [w for w in m.group().split() if names_in(w)]
        if len(words) >= 2:
            out.append((" ".join(words), m.start()))
            taken.append(m.span())
    for m in _WORD.finditer(text):
        if _opens(text, m.start()) or any(a <= m.start() < b for a, b in taken):
            continue
        found = names_in(m.group())
        if found:
            out.append((found[0].removesuffix("'s").removesuffix("’s"), m.start()))
    return out


def _opens(text: str, at: int) -> bool:
    """True when the word at `at` opens a sentence, a line or a quotation."""
    before = text[max(0, at - 3) : at].rstrip(" ")
    return not before or before[-1] in _OPENERS


def draft_cast(chapters: Sequence[str], facts: Sequence[Fact], known: set[str]) -> list[DraftEntry]:
    """Cast entries for the book's most named people (none for names in `known`)."""
    book = book_names(chapters)
    counts, where = book.counts, book.where
    names = [
        n
        for n, c in counts.most_common()
        if c >= MIN_MENTIONS and len(where[n]) >= MIN_CHAPTERS and n not in known
    ]
    names = _whole_names(names, counts)[:MAX_CAST]
    for fact in facts:  # a name only the facts know (Chinese, say) is cast too
        subject = fact.subject.strip()
        if not subject or subject in names or subject in known or len(names) >= MAX_CAST:
            continue
        if sum(1 for f in facts if f.subject == subject) >= 2:
            names.append(subject)
    together = _companions(chapters, names)
    out = []
    for name in names:
        chapter = min(where.get(name, {_first_chapter(chapters, name)}))
        first = _first_sentence(chapters[chapter], name) if chapter < len(chapters) else ""
        first = f"First seen in chapter {chapter + 1}: “{first}”" if first else ""
        with_them = [n for n, _ in together[name].most_common(COMPANIONS)]
        often = "often with " + ", ".join(with_them) if with_them else ""
        kind = book.kind(name) if name in counts else "character"
        if kind == "location":
            fields = {"Name": name, "Kind": kind, "Description": first, "Connections": often}
        else:
            fields = {"Name": name, **_fact_fields(name, facts), "Backstory": first}
            said = [fields.get("Relationships", ""), often]
            fields["Relationships"] = "; ".join(x for x in said if x)
        kept = {k: v for k, v in fields.items() if v}
        out.append(DraftEntry(name, kind, kept, counts.get(name, 0), chapter + 1))
    return out


def _whole_names(names: list[str], counts: Counter[str]) -> list[str]:
    """Drop a single word that is mostly said as part of a longer name ("Hare" of "March
    Hare"): the longer name stands for it."""
    out = []
    for name in names:
        longer = [n for n in names if n != name and name in n.split()]
        if longer and sum(counts[n] for n in longer) >= 0.6 * counts[name]:
            continue
        out.append(name)
    return out


def _companions(chapters: Sequence[str], names: Sequence[str]) -> dict[str, Counter[str]]:
    """For each name, the other names in the same paragraphs, by how often."""
    together: dict[str, Counter[str]] = {n: Counter() for n in names}
    patterns = {n: re.compile(rf"(?<!\w){re.escape(n)}(?!\w)") for n in names}
    for text in chapters:
        for para in text.split("\n\n"):
            present = [n for n in names if n in para and patterns[n].search(para)]
            for a in present:
                together[a].update(b for b in present if b != a)
    return together


def _first_chapter(chapters: Sequence[str], name: str) -> int:
    return next((i for i, t in enumerate(chapters) if name in t), 0)


def _first_sentence(text: str, name: str) -> str:
    """The first sentence of `text` that names `name`, as it stands (a long one cut to the
    part around the name)."""
    at = text.find(name)
    if at < 0:
        return ""
    start = max([0, *(e for e in sentence_ends(text[:at]))])
    end = next(sentence_ends(text, at), len(text))
    if end - start > FIRST_QUOTE_CHARS:
        cut = max(start, at - FIRST_QUOTE_CHARS // 2)
        words = text[cut : min(end, cut + FIRST_QUOTE_CHARS)].split()[:-1]
        if cut > start:
            return "… " + " ".join(words[1:]) + " …"  # the first word may be cut in two
        return " ".join(words) + " …"
    return " ".join(text[start:end].split())


def _fact_fields(name: str, facts: Sequence[Fact]) -> dict[str, str]:
    """What the story facts say of `name`, as character fields (first saying wins)."""
    seen: dict[str, dict[str, str]] = defaultdict(dict)
    for fact in sorted(facts, key=lambda f: f.cite.order()):
        target = _FACT_FIELDS.get(fact.kind)
        if fact.subject != name or target is None:
            continue
        if fact.kind == "age":
            seen[target].setdefault("age", fact.value)
        elif fact.kind == "relationship":
            other = fact.other or fact.value
            seen[target].setdefault(fact.attribute, f"{fact.attribute} of {other}")
        else:
            seen[target].setdefault(fact.attribute, f"{fact.attribute} {fact.value}")
    return {k: "; ".join(v.values()) for k, v in seen.items()}
