"""Ask the book: a question in plain words, answered with the passages that answer it
(chapter, scene and the sentence itself, a click from the text), and at most one sentence
from the model, marked as generated and written only from those passages."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backend.jobs.kinds import JobResult
from backend.story.memory.recall import RecallIndex
from backend.story.project import Story
from gui.book.project import ProjectController
from gui.editor.editor import Editor
from gui.story.continuity import detached, show_quote
from gui.worker import GenerationWorker, Request

if TYPE_CHECKING:
    from backend.story.memory.ask import Answer, Citation

log = logging.getLogger(__name__)

DATA = Qt.ItemDataRole.UserRole


def _ask_book(story: Story, question: str, **kwargs: Any) -> Answer:
    """The passages, on the question thread; the question rules are imported here, not
    when the window starts."""
    from backend.story.memory.ask import ask_book

    return ask_book(story, question, **kwargs)


class AskDock(QDockWidget):
    """The question, the model's sentence (marked as generated) and the passages."""

    asked = Signal(str)
    cited = Signal(object)  # a Citation to show in the text

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Ask the Book"), parent)
        self.setObjectName("ask")
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 4, 6, 4)
        self.question = QLineEdit()
        self.question.setPlaceholderText(self.tr("When did Anna first meet Marek?"))
        self.question.returnPressed.connect(self._on_ask)
        self.ask_button = QPushButton(self.tr("Ask"))
        self.ask_button.clicked.connect(self._on_ask)
        row = QHBoxLayout()
        row.addWidget(self.question, 1)
        row.addWidget(self.ask_button)
        self.use_model = QCheckBox(self.tr("Let the model sum up in one sentence"))
        self.use_model.setChecked(True)
        self.answer = QLabel("")
        self.answer.setWordWrap(True)
        self.answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info = QLabel(self.tr("Ask about people, places and things in your book."))
        self.info.setWordWrap(True)
        self.results = QTreeWidget()
        self.results.setHeaderHidden(True)
        self.results.setRootIsDecorated(False)
        self.results.setWordWrap(True)
        self.citations: list[Citation] = []
        self.results.itemActivated.connect(self._on_item_activated)
        self.results.itemClicked.connect(self._on_item_activated)
        layout.addLayout(row)
        layout.addWidget(self.use_model)
        layout.addWidget(self.answer)
        layout.addWidget(self.info)
        layout.addWidget(self.results, 1)
        self.setWidget(body)

    def _on_ask(self) -> None:
        question = self.question.text().strip()
        if question:
            self.asked.emit(question)

    def show_searching(self) -> None:
        """A question is being looked up."""
        self.answer.setText("")
        self.results.clear()
        self.info.setText(self.tr("Looking through the book…"))

    def show_answer(self, answer: Answer) -> None:
        """The passages, best first (or why there are none)."""
        self.results.clear()
        self.citations = list(answer.citations)
        for n, cite in enumerate(answer.citations, start=1):
            where = self.tr("{0}. Chapter {1}, scene {2}").format(n, cite.chapter, cite.scene)
            if cite.chapter_title:
                where += f" ({cite.chapter_title})"
            item = QTreeWidgetItem([f"{where}\n“{cite.quote}”"])
            item.setToolTip(0, cite.quote)
            item.setData(0, DATA, n - 1)
            self.results.addTopLevelItem(item)
        if answer.citations:
            self.info.setText(
                self.tr(
                    "%n passage(s), best first. Click one to read it.", "", len(answer.citations)
                )
            )
        else:
            self.info.setText(self._note(answer.note))

    def _note(self, note: str) -> str:
        if note.startswith("The question has no words"):
            return self.tr(
                "The question has no words to look for: name someone, a place or a thing."
            )
        return self.tr("Nothing in the book matches that question.")

    def show_sentence(self, sentence: str) -> None:
        """The model's sentence, marked as generated ('' shows nothing)."""
        if sentence:
            self.answer.setText(
                self.tr("<i>Generated from the passages below; check them:</i> {0}").format(
                    sentence.replace("<", "&lt;")
                )
            )
        else:
            self.answer.setText("")

    def _on_item_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        index = item.data(0, DATA)
        if isinstance(index, int) and 0 <= index < len(self.citations):
            self.cited.emit(self.citations[index])


class AskController(QObject):
    """Finds the passages in the background, then asks the model for one sentence."""

    message = Signal(str, int)
    _found = Signal(object, int)  # Answer or error text, generation (from the thread)

    def __init__(
        self,
        parent: QObject,
        project: ProjectController,
        editor: Editor,
        worker: GenerationWorker,
        cache_dir: Path | None,
        index: Callable[[], RecallIndex | None],
        model_free: Callable[[], bool],
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.editor = editor
        self.worker = worker
        self.cache_dir = cache_dir
        self.index = index
        self.model_free = model_free
        self.dock = AskDock()
        self.answer: Answer | None = None
        self._generation = 0
        self._active_id: int | None = None
        self._sentence = ""
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inkling-ask")
        self._found.connect(self._on_found)
        self.dock.asked.connect(self.ask)
        self.dock.cited.connect(self._on_dock_cited)
        worker.chunk_ready.connect(self._on_worker_chunk_ready)
        worker.finished.connect(self._on_worker_finished)

    @Slot(str)
    def ask(self, question: str) -> None:
        """Look `question` up in the open story."""
        story = self.project.story
        if story is None:
            self.dock.info.setText(self.tr("Open a story to ask it questions."))
            return
        self._generation += 1
        generation = self._generation
        texts = dict(self.project.texts())
        snapshot = detached(story, texts)
        self.dock.show_searching()
        future = self._pool.submit(
            _ask_book, snapshot, question, index=self.index(), cache_dir=self.cache_dir, texts=texts
        )
        future.add_done_callback(lambda f: self._on_future_done(f, generation))

    def _on_future_done(self, future: Future, generation: int) -> None:
        exc = future.exception()
        if exc is not None:
            log.warning("the question could not be answered: %s", exc)
        self._found.emit(str(exc) if exc is not None else future.result(), generation)

    @Slot(object, int)
    def _on_found(self, answer: Answer | str, generation: int) -> None:
        if generation != self._generation:
            return
        if isinstance(answer, str):
            self.dock.info.setText(self.tr("The book could not be searched: {0}").format(answer))
            return
        self.answer = answer
        self.dock.show_answer(answer)
        if answer.citations and self.dock.use_model.isChecked() and self.model_free():
            from backend.jobs.ask import AskJob

            request = Request(AskJob(answer))
            self._active_id = request.id
            self._sentence = ""
            self.dock.answer.setText(self.tr("<i>The model is summing up the passages…</i>"))
            self.worker.post(request)

    @Slot(int, str)
    def _on_worker_chunk_ready(self, request_id: int, text: str) -> None:
        if request_id == self._active_id:
            self._sentence += text

    @Slot(int, object)
    def _on_worker_finished(self, request_id: int, result: JobResult) -> None:
        if request_id != self._active_id:
            return
        self._active_id = None
        self.dock.show_sentence("" if result.cancelled else self._sentence.strip())

    @Slot(object)
    def _on_dock_cited(self, cite: Citation) -> None:
        if not show_quote(self.project, self.editor, cite.scene_id, cite.start, cite.quote):
            self.message.emit(self.tr("That sentence is no longer in the scene."), 5000)

    def shutdown(self) -> None:
        """Stop taking questions (the window is closing)."""
        self._pool.shutdown(wait=False, cancel_futures=True)


def install(
    window: Any, worker: GenerationWorker, memory: Any, cache_dir: Path | None
) -> AskController:
    """The controller, its dock beside the window's other story docks."""
    controller = AskController(
        window,
        window.documents.project,
        window.editor,
        worker,
        cache_dir,
        lambda: memory.index,
        lambda: (
            window.model_ready
            and not window.editor.inserting
            and not window.bible_generation.running
        ),
    )
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, controller.dock)
    controller.dock.hide()  # until asked for (View)
    return controller
