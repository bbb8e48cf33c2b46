"""Character sheets and background entries, generated field by field on any base model.

Each field is prompted with a few-shot template (resources/templates/bible.toml) and the
fields written so far, so consecutive prompts share their front and the engine's prefix
cache makes every field after the first cheap. Fields with a shape are constrained (Age is
digits only) or checked (a Name is a name, pronouns match the Gender field), and degenerate
values (empty, copied from the examples, repeated from another field) are retried.
"""

from __future__ import annotations

import re
import threading
import zlib
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass

import numpy as np

from backend.engines.base import Constraint, Engine, EngineError
from backend.engines.params import SamplerParams
from backend.engines.vocabulary import Vocabulary, word_token_ids
from backend.story.bible import BACKGROUND_KINDS, examples, fields_for

MAX_TOKENS = {
    "Name": 8,
    "Age": 3,
    "Gender/pronouns": 8,
    "Occupation": 10,
    "Kind": 4,
    "Relationships": 36,
}
DEFAULT_FIELD_TOKENS = 40
ATTEMPTS = 4
PRONOUN_SETS = {
    "she": ("she", "her", "hers", "herself"),
    "he": ("he", "him", "his", "himself"),
    "they": ("they", "them", "their", "theirs", "themselves"),
}
FEMININE = {"woman", "female", "girl", "lady"}
MASCULINE = {"man", "male", "boy", "gentleman"}
NAME_RE = re.compile(
    r"^(?:The |A )?[A-Z][\w'’.-]*(?: (?:of|the|de|van|von|al|du|la|le|and|[A-Z][\w'’.-]*)){0,4}$"
)
SHAPED_FIELDS = ("Name", "Age", "Gender/pronouns", "Kind")
LABEL_RE = re.compile(r"\b(Premise|Genre|Cast|Name|Age|Gender/pronouns|Occupation):")


@dataclass(frozen=True)
class FieldEvent:
    """Progress of one field: its text so far, and whether it is final."""

    field: str
    text: str
    final: bool


AGE_GRAMMAR = 'root ::= " "? [1-9] [0-9]?'


class GrammarConstraint:
    """For servers: the same shape as a GBNF grammar (used where the server accepts one)."""

    active = False

    def __init__(self, grammar: str) -> None:
        self._grammar = grammar

    @property
    def grammar(self) -> str | None:
        """The rule for the server."""
        return self._grammar

    def allowed(self) -> np.ndarray:
        """Nothing is masked locally."""
        return np.zeros(0, dtype=np.int64)

    def advance(self, piece: bytes) -> None:
        """Nothing to track."""


def age_constraint(engine: Engine) -> Constraint:
    """Digits only: token by token locally, a grammar on a server."""
    vocab = engine.vocabulary
    if vocab is not None:
        return DigitsConstraint(vocab)
    return GrammarConstraint(AGE_GRAMMAR)


class DigitsConstraint:
    """Age: an optional space, then one or two digits, then the line ends."""

    def __init__(self, vocab: Vocabulary, max_digits: int = 2) -> None:
        self._digit_ids, self._space_ids, self._newline_ids = vocab.memo(
            "number-tokens", lambda: _number_ids(vocab)
        )
        self._max = max_digits
        self._digits = 0
        self._steps = 0

    @property
    def active(self) -> bool:
        """Constrained throughout: the value is a number and nothing else."""
        return True

    @property
    def grammar(self) -> str | None:
        """The same rule for a server."""
        return AGE_GRAMMAR

    def allowed(self) -> np.ndarray:
        """Space first (optional), digits, then only a line end."""
        if self._digits >= self._max:
            return self._newline_ids
        if self._steps == 0:
            return np.concatenate([self._space_ids, self._digit_ids])
        if self._digits == 0:
            return self._digit_ids
        return np.concatenate([self._digit_ids, self._newline_ids])

    def advance(self, piece: bytes) -> None:
        """Count the digits produced."""
        self._steps += 1
        self._digits += sum(ch.isdigit() for ch in piece.decode("utf-8", "ignore"))


def _number_ids(vocab: Vocabulary) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Token ids of single digits, of a lone space, and of a line end."""

    def ids(pattern: bytes) -> np.ndarray:
        found = [i for i, p in enumerate(vocab.pieces) if p and re.fullmatch(pattern, p)]
        return np.asarray(found, dtype=np.int64)

    return ids(rb"[0-9]"), ids(rb" "), ids(rb"\n")


def _pronoun_ids(engine: Engine) -> dict[str, tuple[int, ...]]:
    """Token ids that spell a whole pronoun of each set (' her', 'She', ...)."""
    vocab = engine.vocabulary
    if vocab is None:
        return _pronoun_ids_by_tokenizer(engine)
    return vocab.memo("pronoun-tokens", lambda: _pronoun_ids_in(vocab))


def _pronoun_ids_in(vocab: Vocabulary) -> dict[str, tuple[int, ...]]:
    out: dict[str, list[int]] = {k: [] for k in PRONOUN_SETS}
    lookup = {w: k for k, words in PRONOUN_SETS.items() for w in words}
    for i, piece in enumerate(vocab.pieces):
        word = piece.lstrip(b" ")
        if not word or not (piece.startswith(b" ") or word[:1].isupper()):
            continue
        key = lookup.get(word.decode("utf-8", "ignore").lower())
        if key:
            out[key].append(i)
    return {k: tuple(v) for k, v in out.items()}


def _pronoun_ids_by_tokenizer(engine: Engine) -> dict[str, tuple[int, ...]]:
    """The same ids asked of a server's tokenizer (empty when it has none)."""
    out: dict[str, tuple[int, ...]] = {}
    try:
        for key, words in PRONOUN_SETS.items():
            out[key] = tuple(t for word in words for t in word_token_ids(engine.tokenize, word))
    except EngineError:
        return {k: () for k in PRONOUN_SETS}
    return out


def pronoun_bias(engine: Engine, gender: str) -> tuple[tuple[int, float], ...]:
    """A logit bias that bans the pronouns the Gender field rules out (empty if unknown).

    Plural 'they' stays allowed for a she or he: it may be about other people.
    """
    expected = pronoun_set(gender)
    if expected is None:
        return ()
    ruled_out = [k for k in PRONOUN_SETS if k not in (expected, "they")]
    ids = _pronoun_ids(engine)
    return tuple((tok, -100.0) for k in ruled_out for tok in ids[k])


def render(entry: dict[str, str], fields: tuple[str, ...]) -> str:
    """Fields as 'Label: value' lines."""
    return "".join(f"{f}: {entry[f]}\n" for f in fields if entry.get(f))


def build_prompt(
    kind: str,
    premise: str,
    genre: str,
    cast: str,
    known: dict[str, str],
    target: str,
) -> str:
    """The few-shot prompt that ends with 'target:' after every known field."""
    fields = fields_for(kind)
    parts = []
    for ex in examples()[kind]:
        parts.append(
            f"Premise: {ex['premise']}\nGenre: {ex['genre']}\nCast: {ex['cast']}\n"
            + render(ex, fields)
        )
    order = [f for f in fields if f in known and f != target]
    head = f"Premise: {premise.strip()}\nGenre: {genre.strip()}\nCast: {cast or 'none'}\n"
    parts.append(head + "".join(f"{f}: {known[f]}\n" for f in order) + f"{target}:")
    return "\n".join(parts)


def example_values(kind: str) -> set[str]:
    """Every field value in the few-shot examples (lower-cased), to reject copies."""
    out = set()
    for ex in examples()[kind]:
        for f in fields_for(kind):
            if ex.get(f):
                out.add(str(ex[f]).strip().lower())
    return out


def pronoun_set(gender: str) -> str | None:
    """'she', 'he' or 'they' from a Gender/pronouns value."""
    low = gender.lower()
    for key, words in PRONOUN_SETS.items():
        if f"{words[0]}/{words[1]}" in low:
            return key
    return None


def repair_pronouns(value: str) -> str:
    """A consistent Gender/pronouns value built from the gender word the model chose."""
    words = set(re.findall(r"[a-z]+", value.lower()))
    if words & FEMININE:
        return f"{sorted(words & FEMININE)[0]}, she/her"
    if words & MASCULINE:
        return f"{sorted(words & MASCULINE)[0]}, he/him"
    return "they/them"


def _pronoun_counts(text: str) -> dict[str, int]:
    words = re.findall(r"[a-z]+", text.lower())
    return {k: sum(w in v for w in words) for k, v in PRONOUN_SETS.items()}


def problem(field: str, value: str, sheet: dict[str, str], kind: str) -> str | None:
    """Why `value` is not acceptable for `field`, or None if it is."""
    v = value.strip()
    if not v:
        return "empty"
    return (
        _degenerate(field, v, sheet, kind)
        or _shape_problem(field, v, kind)
        or _pronoun_problem(field, v, sheet, kind)
    )


def _degenerate(field: str, v: str, sheet: dict[str, str], kind: str) -> str | None:
    """Copied from the examples, run into another field, repeated, or repetitive."""
    categorical = field in ("Age", "Gender/pronouns", "Kind")
    copied = v.lower() in example_values(kind) and v.lower() not in ("none yet.", "none")
    if copied and not categorical:
        return "copied from the examples"
    if LABEL_RE.search(v):
        return "ran into another field"
    for other, text in sheet.items():
        if other != field and text and text.strip().lower() == v.lower():
            return f"repeats {other}"
    if re.search(r"\b(\w+)(?:\W+\1\b){3,}", v, re.IGNORECASE):
        return "repetitive"
    return None


def _gender_problem(v: str) -> str | None:
    pronouns = pronoun_set(v)
    if pronouns is None:
        return "no pronouns"
    words = set(re.findall(r"[a-z]+", v.lower()))
    if (words & FEMININE and pronouns == "he") or (words & MASCULINE and pronouns == "she"):
        return "gender and pronouns disagree"
    return None


def _shape_problem(field: str, v: str, kind: str) -> str | None:
    """The field's own shape: a name, an age, pronouns, a kind, an occupation, prose."""
    if field == "Name":
        names = {str(ex["Name"]).lower() for ex in examples()[kind]}
        bad = v.lower() in names or len(v) > 40 or not NAME_RE.match(v)
        return "not a name" if bad else None
    if field == "Age":
        plausible = v.isdigit() and 5 <= int(v) <= 110
        return None if plausible else "not a plausible age"
    if field == "Gender/pronouns":
        return _gender_problem(v)
    if field == "Kind":
        return None if v.lower() in BACKGROUND_KINDS else "not a kind"
    if field == "Occupation":
        return "not an occupation" if len(v) < 3 or len(v.split()) > 8 else None
    return "too short" if len(v) < 8 or len(v.split()) < 2 else None


def _pronoun_problem(field: str, v: str, sheet: dict[str, str], kind: str) -> str | None:
    """A character's prose fields use the pronouns its Gender field gives."""
    if kind != "character" or field in ("Name", "Age", "Gender/pronouns"):
        return None
    expected = pronoun_set(sheet.get("Gender/pronouns", ""))
    if expected is None:
        return None
    counts = _pronoun_counts(v)
    wrong = sum(c for k, c in counts.items() if k != expected and k != "they")
    return "pronouns do not match the Gender field" if wrong > counts[expected] else None


def _clean(field: str, text: str) -> str:
    v = text.strip().strip('"').strip()
    if field == "Kind":
        v = v.split()[0].strip(".,;").lower() if v.split() else ""
    if field == "Name":
        v = v.rstrip(".,;")
    if field == "Age":
        m = re.match(r"\d+", v)
        v = m.group(0) if m else v
    return v


def iter_entry(
    engine: Engine,
    kind: str,
    premise: str,
    genre: str,
    *,
    locked: dict[str, str] | None = None,
    only: tuple[str, ...] | None = None,
    cast: str = "",
    seed: int = 1,
    cancel: threading.Event | None = None,
    creativity: float = 0.8,
) -> Iterator[FieldEvent]:
    """Generate an entry field by field, yielding each field's text as it streams.

    `locked` fields are kept as given; with `only`, just those fields are (re)generated and
    every other locked field is context.
    """
    fields = fields_for(kind)
    sheet: dict[str, str] = {k: v for k, v in (locked or {}).items() if k in fields and v}
    targets = [f for f in fields if (f in only if only else f not in sheet)]
    for field in targets:
        sheet.pop(field, None)
    entry = _EntryRequest(engine, kind, premise, genre, cast, seed, creativity, cancel)
    for field in fields:
        if field not in targets:
            if field in sheet:
                yield FieldEvent(field, sheet[field], True)
            continue
        best = yield from entry.field(field, sheet)
        if best is None:
            return  # cancelled
        sheet[field] = best
        yield FieldEvent(field, best, True)


@dataclass(frozen=True)
class _EntryRequest:
    """What every field of one entry is generated from."""

    engine: Engine
    kind: str
    premise: str
    genre: str
    cast: str
    seed: int
    creativity: float
    cancel: threading.Event | None

    def params(
        self, field: str, attempt: int, bias: tuple[tuple[int, float], ...]
    ) -> SamplerParams:
        """Sampling for one try at a field: hotter with each retry, its own seed."""
        return SamplerParams(
            temperature=self.creativity
            if attempt == 0
            else min(1.2, self.creativity + 0.15 * attempt),
            top_p=0.95,
            top_k=50,
            min_p=0.05,
            repeat_penalty=1.1,
            max_tokens=MAX_TOKENS.get(field, DEFAULT_FIELD_TOKENS),
            stop=("\n",),
            seed=(self.seed * 7919 + attempt * 104729 + zlib.crc32(field.encode()) % 1000)
            % (2**31 - 1),
            logit_bias=bias if field not in SHAPED_FIELDS else (),
        )

    def field(self, field: str, sheet: dict[str, str]) -> Generator[FieldEvent, None, str | None]:
        """Try a field up to ATTEMPTS times; its value (None when cancelled)."""
        best, value = "", ""
        gender = sheet.get("Gender/pronouns", "")
        bias = pronoun_bias(self.engine, gender) if self.kind == "character" else ()
        for attempt in range(ATTEMPTS):
            if self.cancel is not None and self.cancel.is_set():
                return None
            prompt = build_prompt(self.kind, self.premise, self.genre, self.cast, sheet, field)
            constraint = age_constraint(self.engine) if field == "Age" else None
            text = ""
            params = self.params(field, attempt, bias)
            for chunk in self.engine.stream(prompt, params, self.cancel, constraint):
                text += chunk
                yield FieldEvent(field, _clean(field, text), False)
            value = _clean(field, text)
            if problem(field, value, sheet, self.kind) is None:
                best = value
                break
            if not best and value and field not in ("Name", "Age", "Kind"):
                best = value
        if not best and field == "Kind":
            best = "setting"
        if field == "Gender/pronouns" and problem(field, best, sheet, self.kind):
            best = repair_pronouns(best or value)
        return best


def generate_entry(
    engine: Engine,
    kind: str,
    premise: str,
    genre: str,
    on_event: Callable[[FieldEvent], None] | None = None,
    **options: object,
) -> dict[str, str]:
    """The finished entry as a dict (see iter_entry for the options)."""
    sheet: dict[str, str] = {}
    for event in iter_entry(engine, kind, premise, genre, **options):  # type: ignore[arg-type]
        if on_event is not None:
            on_event(event)
        if event.final:
            sheet[event.field] = event.text
    return {f: sheet.get(f, "") for f in fields_for(kind)}


def invalid_fields(entry: dict[str, str], kind: str) -> dict[str, str]:
    """Field -> problem for every field that fails its check (empty dict: all valid)."""
    out = {}
    for field in fields_for(kind):
        others = {k: v for k, v in entry.items() if k != field}
        p = problem(field, entry.get(field, ""), others, kind)
        if p:
            out[field] = p
    return out
