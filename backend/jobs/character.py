"""Character sheets and background entries, generated field by field on any base model,
in English or Chinese (or any language with a bible template).

Each field is prompted with a few-shot template (resources/templates/bible.toml) and the
fields written so far, so consecutive prompts share their front and the engine's prefix
cache makes every field after the first cheap. Fields with a shape are constrained (Age is
digits only) or checked (a Name is a name, pronouns match the Gender field), and degenerate
values (empty, copied from the examples, repeated from another field) are retried.

On an instruct model (one with a chat template, backend/models/chat.py) the same prompt
goes through the model's own template: the examples and the premise are the writer's
turn, and the entry written so far is the start of the model's reply, so each field is
still one line the checks and the digit constraint apply to.
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
from backend.models.chat import chat_template
from backend.story.bible import examples, fields_for
from backend.story.sheet_rules import (
    normalise,
    problem,
    pronoun_set,
    repair_pronouns,
    sheet_rules,
)

MAX_TOKENS = {
    "Name": 8,
    "Age": 3,
    "Gender/pronouns": 8,
    "Occupation": 10,
    "Kind": 4,
    "Relationships": 36,
}
DEFAULT_FIELD_TOKENS = 40
# The writer's turn on an instruct model, before the examples and the premise.
CHAT_ASK = {
    "en": (
        "Here are entries from story bibles. Write the {kind} entry for the last premise in "
        "the same format: one field per line, each value short and specific."
    ),
    "zh": (
        "下面是故事设定集里的条目。请按同样的格式，为最后一个故事前提写出{kind}条目："
        "每行一个字段，内容简短具体。"
    ),
}
CHAT_KIND = {"en": {"character": "character", "background": "background"},
             "zh": {"character": "人物", "background": "背景"}}  # fmt: skip
ATTEMPTS = 4
MAX_BANNED_NAMES = 200  # of the cast, so a long cast keeps the bias inside the sampler's limit
SHAPED_FIELDS = ("Name", "Age", "Gender/pronouns", "Kind")


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


def _pronoun_ids(engine: Engine, lang: str) -> dict[str, tuple[int, ...]]:
    """Token ids that spell a pronoun of each set (' her', 'She', ...; for Chinese every
    token that starts with one: 她, 她的)."""
    vocab = engine.vocabulary
    if vocab is None:
        return _pronoun_ids_by_tokenizer(engine, lang)
    return vocab.memo(("pronoun-tokens", lang), lambda: _pronoun_ids_in(vocab, lang))


def _pronoun_ids_in(vocab: Vocabulary, lang: str) -> dict[str, tuple[int, ...]]:
    rules = sheet_rules(lang)
    out: dict[str, list[int]] = {k: [] for k in rules.pronouns}
    lookup = {w: k for k, words in rules.pronouns.items() for w in words}
    # Longest first, so that 他们 (they) is found before 他 (he).
    heads = sorted(lookup, key=len, reverse=True)
    for i, piece in enumerate(vocab.pieces):
        word = piece.lstrip(b" ").decode("utf-8", "ignore")
        if not word:
            continue
        if rules.prefix_tokens:
            key = next((lookup[h] for h in heads if word.startswith(h)), None)
        elif piece.startswith(b" ") or word[:1].isupper():
            key = lookup.get(word.lower())
        else:
            key = None
        if key:
            out[key].append(i)
    return {k: tuple(v) for k, v in out.items()}


def _pronoun_ids_by_tokenizer(engine: Engine, lang: str) -> dict[str, tuple[int, ...]]:
    """The same ids asked of a server's tokenizer (empty when it has none)."""
    sets = sheet_rules(lang).pronouns
    out: dict[str, tuple[int, ...]] = {}
    try:
        for key, words in sets.items():
            out[key] = tuple(t for word in words for t in word_token_ids(engine.tokenize, word))
    except EngineError:
        return {k: () for k in sets}
    return out


def pronoun_bias(engine: Engine, gender: str, lang: str = "en") -> tuple[tuple[int, float], ...]:
    """A logit bias that bans the pronouns the Gender field rules out (empty if unknown).

    Plural 'they' stays allowed for a she or he: it may be about other people.
    """
    expected = pronoun_set(gender, lang)
    if expected is None:
        return ()
    ids = _pronoun_ids(engine, lang)
    ruled_out = [k for k in ids if k not in (expected, "they")]
    return tuple((tok, -100.0) for k in ruled_out for tok in ids[k])


def render(entry: dict[str, str], fields: tuple[str, ...], lang: str = "en") -> str:
    """Fields as 'Label: value' lines, in the language's labels."""
    rules = sheet_rules(lang)
    colon = rules.prompt["colon"]
    return "".join(f"{rules.label(f)}{colon}{entry[f]}\n" for f in fields if entry.get(f))


def build_prompt(
    kind: str,
    premise: str,
    genre: str,
    cast: str,
    known: dict[str, str],
    target: str,
    lang: str = "en",
) -> str:
    """The few-shot prompt that ends with 'target:' after every known field."""
    context, tail = prompt_parts(kind, premise, genre, cast, known, target, lang)
    return context + tail


def prompt_parts(
    kind: str,
    premise: str,
    genre: str,
    cast: str,
    known: dict[str, str],
    target: str,
    lang: str = "en",
) -> tuple[str, str]:
    """The few-shot prompt in two parts: the examples and the entry's premise, genre and
    cast; then the fields known so far and 'target:'."""
    fields = fields_for(kind)
    rules = sheet_rules(lang)
    p, colon = rules.prompt, rules.prompt["colon"]

    def head(premise: str, genre: str, cast: str) -> str:
        return (
            f"{p['premise']}{colon}{premise}\n{p['genre']}{colon}{genre}\n"
            f"{p['cast']}{colon}{cast}\n"
        )

    parts = [
        head(ex["premise"], ex["genre"], ex["cast"]) + render(ex, fields, lang)
        for ex in examples(lang)[kind]
    ]
    order = {f: known[f] for f in fields if f in known and f != target}
    parts.append(head(premise.strip(), genre.strip(), cast or p["none"]))
    tail = render(order, tuple(order), lang) + f"{rules.label(target)}{colon.rstrip()}"
    return "\n".join(parts), tail


def chat_prompt(engine: Engine, kind: str, context: str, tail: str, lang: str) -> list[int] | None:
    """The prompt through the model's chat template (None: a base model, plain prompts)."""
    chat = chat_template(engine)
    if chat is None:
        return None
    base = lang if lang in CHAT_ASK else "en"
    ask = CHAT_ASK[base].format(kind=CHAT_KIND[base].get(kind, kind))
    return chat.encode(engine, [{"role": "user", "content": f"{ask}\n\n{context}"}], tail)


def _clean(field: str, text: str, lang: str = "en") -> str:
    v = text.strip().strip('"“”').strip()
    if field == "Kind":
        v = v.split()[0].strip(".,;。，；").lower() if v.split() else ""
    if field == "Name":
        # The cast is written 'Name (occupation)', and the model copies the form.
        v = re.sub(r"\s*[(（][^()（）]*[)）]?\s*$", "", v).rstrip(".,;。，；")
    if field == "Age":
        m = re.match(r"\d+", normalise(v))
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
    lang: str = "en",
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
    entry = _EntryRequest(engine, kind, premise, genre, cast, seed, creativity, cancel, lang)
    for field in fields:
        if field not in targets:
            if field in sheet:
                yield FieldEvent(field, sheet[field], True)
            continue
        best = yield from entry.field(field, sheet)
        if best is None:
            return  # cancelled
        if not best and field == "Name":
            yield FieldEvent(field, "", False)  # the rejected tries leave the field
            continue
        sheet[field] = best
        yield FieldEvent(field, best, True)
    if "Name" in targets and "Name" not in sheet:
        # From the premise alone a small model keeps naming someone of the cast; with the
        # rest of the entry to go on it names this person, as regenerating Name does.
        best = yield from entry.field("Name", sheet, first_attempt=ATTEMPTS)
        if best is None:
            return
        yield FieldEvent("Name", best, True)


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
    lang: str = "en"

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
            logit_bias=bias if field not in SHAPED_FIELDS or field == "Name" else (),
        )

    def field(
        self, field: str, sheet: dict[str, str], first_attempt: int = 0
    ) -> Generator[FieldEvent, None, str | None]:
        """Try a field up to ATTEMPTS times; its value (None when cancelled)."""
        best, value = "", ""
        gender = sheet.get("Gender/pronouns", "")
        lang = self.lang
        bias = pronoun_bias(self.engine, gender, lang) if self.kind == "character" else ()
        if field == "Name":
            bias = name_bias(self.engine, [n for n in cast_names(self.cast) if n])
        for attempt in range(first_attempt, first_attempt + ATTEMPTS):
            if self.cancel is not None and self.cancel.is_set():
                return None
            context, tail = prompt_parts(
                self.kind, self.premise, self.genre, self.cast, sheet, field, lang
            )
            prompt: str | list[int] = (
                chat_prompt(self.engine, self.kind, context, tail, lang) or context + tail
            )
            constraint = age_constraint(self.engine) if field == "Age" else None
            text = ""
            params = self.params(field, attempt, bias)
            for chunk in self.engine.stream(prompt, params, self.cancel, constraint):
                text += chunk
                yield FieldEvent(field, _clean(field, text, lang), False)
            value = _clean(field, text, lang)
            if problem(field, value, sheet, self.kind, lang) is None and not (
                field == "Name" and name_taken(value, self.cast)
            ):
                best = value
                break
            if not best and value and field not in ("Name", "Age", "Kind"):
                best = value
            if field == "Name" and value:
                bias += name_bias(self.engine, [value], exact=False)
        if not best and field == "Kind":
            best = sheet_rules(lang).kinds["setting"]
        if field == "Gender/pronouns" and problem(field, best, sheet, self.kind, lang):
            best = repair_pronouns(best or value, lang)
        return best


def cast_names(cast: str) -> list[str]:
    """The names in a cast line ('Name (occupation); …')."""
    return [part.split(" (")[0].strip() for part in cast.split(";")]


def name_taken(name: str, cast: str) -> bool:
    """True if a character of the cast ('Name (occupation); …') already has this name."""
    names = {n.casefold() for n in cast_names(cast)}
    return bool(name.strip()) and name.strip().casefold() in names


def name_bias(
    engine: Engine, names: list[str], exact: bool = True
) -> tuple[tuple[int, float], ...]:
    """A logit bias against the first word of each name: the cast's names, spelled as one
    token (`exact`), or a rejected try's first token, so the next try starts elsewhere."""
    out: set[int] = set()
    try:
        for name in names[:MAX_BANNED_NAMES]:
            word = name.split()[0] if name.split() else ""
            if not word:
                continue
            if exact:
                out.update(word_token_ids(engine.tokenize, word))
                continue
            for form in (f" {word}", word):
                ids = engine.tokenize(form)
                out.update(ids[:1])
    except EngineError:
        return ()
    return tuple((tok, -100.0) for tok in sorted(out))


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
