"""A deterministic engine for GUI-logic tests (never the only test of a feature)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from backend.engines.assembler import TextAssembler
from backend.engines.base import EngineError, EngineKind, ProgressFn
from backend.engines.params import SamplerParams
from backend.engines.vocabulary import PrefixConstraint, Vocabulary
from backend.models.spec import ModelSpec

WORDS = [
    *("the", "rabbit", "ran", "down", "the", "long", "dark"),
    *("hall", "and", "the", "door", "was", "shut"),
]
# What the fake writes after Chinese text: words with no spaces, a comma, a full stop.
CHINESE_WORDS = ["我们", "走", "到", "门口", "，", "看见", "他", "站", "在", "那里", "。"]


class FakeEngine:
    """Streams a fixed sentence word by word, with an optional delay per token."""

    def __init__(self, name: str = "Fake", delay: float = 0.0, fail_load: str = "") -> None:
        self.name = name
        self.delay = delay
        self.fail_load = fail_load
        self.closed = False
        self.prompts: list[str] = []
        self.started = threading.Event()
        self.tokens_emitted = 0
        self.raise_on_stream: Exception | None = None
        self.extra_stop: tuple[str, ...] = ()
        self._vocabulary: Vocabulary | None = None

    def load(self, progress: ProgressFn | None = None) -> None:
        if self.fail_load:
            raise EngineError(self.fail_load)
        for f in (0.25, 0.5, 1.0):
            if progress:
                progress(f)

    @property
    def context_length(self) -> int:
        return 2048

    @property
    def vocabulary(self) -> Vocabulary:
        if self._vocabulary is None:
            # One piece per character of the whole BMP, CJK included.
            pieces = [chr(i).encode(errors="replace") for i in range(0x10000)]
            self._vocabulary = Vocabulary(pieces, self.tokenize, ())
        return self._vocabulary

    @property
    def adapters(self) -> None:
        return None

    @property
    def stepper(self) -> None:
        return None

    def tokenize(self, text: str) -> list[int]:
        return [ord(c) for c in text]

    def stream(
        self,
        prompt: str | Sequence[int],
        params: SamplerParams,
        cancel: threading.Event | None = None,
        constraint: PrefixConstraint | None = None,
    ) -> Iterator[str]:
        text = prompt if isinstance(prompt, str) else "".join(chr(t) for t in prompt)
        self.prompts.append(text)
        self.started.set()
        if self.raise_on_stream is not None:
            raise self.raise_on_stream
        assembler = TextAssembler(params.stop)
        required = constraint.remaining.decode() if isinstance(constraint, PrefixConstraint) else ""
        words = [required] if required else []
        shift = (params.seed or 0) % len(WORDS)
        if any("\u4e00" <= c <= "\u9fff" for c in text[-20:]):
            words += CHINESE_WORDS[shift % 3 :]
        else:
            words += [" " + w for w in WORDS[shift:] + WORDS[:shift]]
        for i, word in enumerate(words):
            if i >= params.max_tokens or (cancel is not None and cancel.is_set()):
                break
            if self.delay:
                time.sleep(self.delay)
            self.tokens_emitted += 1
            out = assembler.feed(word.encode())
            if out:
                yield out
            if assembler.stopped:
                break
        tail = assembler.flush()
        if tail:
            yield tail

    def close(self) -> None:
        self.closed = True


class FakeFactory:
    """An engine factory that hands out FakeEngines and remembers them."""

    def __init__(self, **kwargs: object) -> None:
        self.kwargs = kwargs
        self.engines: list[FakeEngine] = []

    def __call__(self, spec: ModelSpec) -> FakeEngine:
        engine = FakeEngine(name=spec.name, **self.kwargs)  # type: ignore[arg-type]
        self.engines.append(engine)
        return engine


def fake_spec(tmp: Path) -> ModelSpec:
    """A spec that names no real file (the fake factory ignores it)."""
    return ModelSpec(EngineKind.LLAMACPP, tmp / "fake.gguf", "Fake model")


class ScriptedPrompts:
    """Answers the window's questions without dialogs; records what was asked."""

    def __init__(self, **answers: object) -> None:
        self.answers: dict[str, list[object]] = {k: list(v) for k, v in answers.items()}  # type: ignore[call-overload]
        self.asked: list[tuple[str, object]] = []
        self.errors: list[tuple[str, str]] = []

    def _next(self, kind: str, default: object, detail: object = None) -> object:
        self.asked.append((kind, detail))
        queue = self.answers.get(kind)
        return queue.pop(0) if queue else default

    def save_changes(self, name: str) -> str:
        return str(self._next("save_changes", "discard", name))

    def open_path(self) -> str:
        return str(self._next("open_path", ""))

    def save_path(self, suggested: str, project: bool = False) -> str:
        self.save_project_first = project
        return str(self._next("save_path", "", suggested))

    def export_path(self, markdown: bool | str, name: str = "", fallback: str = "") -> str:
        self.export_place = (name, fallback)
        return str(self._next("export_path", "", markdown))

    def encoding(self, message: str, candidates: object = None) -> str | None:
        self.candidates = candidates
        value = self._next("encoding", None, message)
        return None if value is None else str(value)

    def overwrite_changed(self, name: str) -> bool:
        return bool(self._next("overwrite_changed", False, name))

    def recover(self, rec: object) -> str:
        return str(self._next("recover", "later", rec))

    def error(self, title: str, message: str) -> None:
        self.errors.append((title, message))

    def import_path(self) -> str:
        return str(self._next("import_path", ""))

    def book_details(self, title: str, author: str) -> tuple[str, str] | None:
        """The defaults as they are, unless an answer (a pair, or None to cancel) is queued."""
        value = self._next("book_details", (title, author), (title, author))
        return None if value is None else (str(value[0]), str(value[1]))  # type: ignore[index]

    def new_project(self) -> object:
        """A queued NewProject (None: cancelled)."""
        return self._next("new_project", None)

    def confirm(self, question: str, yes: str = "", no: str = "") -> bool:
        return bool(self._next("confirm", True, question))

    def backup_path(self, start: str) -> str:
        return str(self._next("backup_path", "", start))

    def folder_path(self, title: str, start: str) -> str:
        return str(self._next("folder_path", "", start))

    def text(self, title: str, label: str, default: str = "") -> str | None:
        value = self._next("text", default, label)
        return None if value is None else str(value)


def ready_window(qtbot, windows: list, home: Path, spec: ModelSpec, **kwargs):
    """A shown main window with scripted prompts, its model loaded, suggestions off."""
    from backend.storage.paths import app_paths
    from gui.window.main_window import MainWindow

    kwargs.setdefault("prompts", ScriptedPrompts())
    window = MainWindow(app_paths(home), spec, **kwargs)
    windows.append(window)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model_ready, timeout=60000)
    window.suggestions.set_enabled(False)
    return window
