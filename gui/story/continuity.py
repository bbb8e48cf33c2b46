"""The continuity check in the window: the book is checked in the background after each
change (only changed scenes are read again), the Continuity dock lists the findings by
chapter with their quotes a click from the text, the binder marks scenes with open
findings, and the writer dismisses a finding or turns a fact into a bible field."""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backend.storage.atomic import SaveError
from backend.story.binder import Binder
from backend.story.facts.model import Citation, Fact, Finding, Report
from backend.story.project import Story
from gui.book.project import ProjectController
from gui.editor.editor import Editor
from gui.editor.positions import qt_position

log = logging.getLogger(__name__)

CHECK_DELAY_MS = 3000
DATA = Qt.ItemDataRole.UserRole
QUOTE_CHARS = 160  # of a quote shown in a row; the tooltip holds the whole sentence


def detached(story: Story, texts: Mapping[str, str]) -> Story:
    """A copy of `story` the check thread can read while the window edits the original:
    its own chapter and scene lists, the live texts, and its own bible entries."""
    chapters = [
        replace(c, scenes=[replace(s, text=texts.get(s.id, s.text)) for s in c.scenes])
        for c in story.binder.chapters
    ]
    return replace(
        story,
        characters=copy.deepcopy(story.characters),
        background=copy.deepcopy(story.background),
        binder=Binder(chapters=chapters),
    )


def _check(story: Story, cache_dir: Path | None) -> Report:
    """The check, on the check thread. Its rules are imported here, not when the window
    starts: compiling them is a tenth of a second the window need not wait for."""
    from backend.story.facts.check import check_story

    return check_story(story, cache_dir)


def show_quote(
    project: ProjectController, editor: Editor, scene_id: str, start: int, quote: str
) -> bool:
    """Open `scene_id` and select `quote` at `start` (or where it now stands, if the scene
    changed since it was found); False when the scene or the sentence is gone."""
    if scene_id != project.current and not project.open_scene(scene_id):
        return False
    text = editor.toPlainText()
    if text[start : start + len(quote)] != quote:
        start = text.find(quote)
        if start < 0 or not quote:
            return False
    editor.select_range(qt_position(text, start), qt_position(text, start + len(quote)))
    editor.centerCursor()
    editor.setFocus()
    return True


def _short(quote: str) -> str:
    quote = " ".join(quote.split())
    return quote if len(quote) <= QUOTE_CHARS else quote[: QUOTE_CHARS - 1] + "…"


class ContinuityDock(QDockWidget):
    """Findings by chapter (each with its quotes) and the facts the book states."""

    check_requested = Signal()
    cited = Signal(object)  # a Citation to show in the text
    dismiss_requested = Signal(object)  # a Finding
    to_bible_requested = Signal(object)  # a Fact

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Continuity"), parent)
        self.setObjectName("continuity")
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 4, 6, 4)
        self.summary = QLabel(self.tr("Open a story to check its continuity."))
        self.summary.setWordWrap(True)
        self.check_button = QPushButton(self.tr("Check Now"))
        self.check_button.clicked.connect(self.check_requested)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.check_button)
        self.findings = self._tree()
        self.facts = self._tree()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.findings, self.tr("Findings"))
        self.tabs.addTab(self.facts, self.tr("Facts"))
        self.dismiss_button = QPushButton(self.tr("Dismiss"))
        self.dismiss_button.setToolTip(self.tr("Never show this finding again for these quotes"))
        self.dismiss_button.clicked.connect(self._on_dismiss_clicked)
        self.bible_button = QPushButton(self.tr("Add to Bible"))
        self.bible_button.setToolTip(self.tr("Write the chosen fact into its story bible entry"))
        self.bible_button.clicked.connect(self._on_bible_clicked)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.dismiss_button)
        buttons.addWidget(self.bible_button)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.setWidget(body)
        self.tabs.currentChanged.connect(self._update_buttons)
        self._update_buttons()

    def _tree(self) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setHeaderHidden(True)
        tree.setWordWrap(True)
        tree.itemActivated.connect(self._on_item_activated)
        tree.itemClicked.connect(self._on_item_activated)
        tree.currentItemChanged.connect(self._update_buttons)
        return tree

    def set_busy(self) -> None:
        """A check is running."""
        self.summary.setText(self.tr("Checking the book…"))

    def show_report(self, report: Report) -> None:
        """List `report`'s findings by chapter and its facts by subject."""
        self._fill_findings(report.findings)
        self._fill_facts(report.facts)
        if report.findings:
            text = self.tr("%n finding(s) to look at.", "", len(report.findings))
        else:
            text = self.tr("No contradictions found.")
        if report.dismissed:
            text += " " + self.tr("%n dismissed.", "", report.dismissed)
        if report.note:
            text += " " + report.note
        self.summary.setText(text)
        self._update_buttons()

    def show_problem(self, message: str) -> None:
        """The check could not run."""
        self.summary.setText(self.tr("The book could not be checked: {0}").format(message))

    def _fill_findings(self, findings: tuple[Finding, ...]) -> None:
        self.findings.clear()
        chapters: dict[int, QTreeWidgetItem] = {}
        for finding in findings:
            first = min((c.chapter for c in finding.evidence), default=0)
            group = chapters.get(first)
            if group is None:
                group = QTreeWidgetItem([self.tr("Chapter {0}").format(first)])
                self.findings.addTopLevelItem(group)
                group.setExpanded(True)
                chapters[first] = group
            row = QTreeWidgetItem([f"{finding.subject}: {finding.message}"])
            row.setToolTip(0, finding.message)
            row.setData(0, DATA, finding)
            group.addChild(row)
            for cite in finding.evidence:
                row.addChild(self._quote_row(cite))
            row.setExpanded(True)

    def _fill_facts(self, facts: tuple[Fact, ...]) -> None:
        self.facts.clear()
        subjects: dict[str, QTreeWidgetItem] = {}
        for fact in sorted(facts, key=lambda f: (f.subject.casefold(), f.cite.order())):
            group = subjects.get(fact.subject)
            if group is None:
                group = QTreeWidgetItem([fact.subject])
                self.facts.addTopLevelItem(group)
                subjects[fact.subject] = group
            label = f"{fact.attribute}: {fact.value}" if fact.attribute else fact.value
            row = QTreeWidgetItem([label])
            row.setData(0, DATA, fact)
            row.addChild(self._quote_row(fact.cite))
            group.addChild(row)

    def _quote_row(self, cite: Citation) -> QTreeWidgetItem:
        if cite.source != "text":
            where = self.tr("Story bible")
        else:
            where = self.tr("Chapter {0}, scene {1}").format(cite.chapter, cite.scene)
        item = QTreeWidgetItem([f"{where}: “{_short(cite.quote)}”"])
        item.setToolTip(0, cite.quote)
        item.setData(0, DATA, cite)
        return item

    def _chosen(self, kind: type) -> Any:
        tree = self.findings if self.tabs.currentIndex() == 0 else self.facts
        item = tree.currentItem()
        while item is not None:
            data = item.data(0, DATA)
            if isinstance(data, kind):
                return data
            item = item.parent()
        return None

    @Slot()
    def _update_buttons(self, *_args: object) -> None:
        on_findings = self.tabs.currentIndex() == 0
        self.dismiss_button.setVisible(on_findings)
        self.bible_button.setVisible(not on_findings)
        self.dismiss_button.setEnabled(self._chosen(Finding) is not None)
        self.bible_button.setEnabled(self._chosen(Fact) is not None)

    def _on_item_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        data = item.data(0, DATA)
        if isinstance(data, Finding) and data.evidence:
            data = data.evidence[0]
        elif isinstance(data, Fact):
            data = data.cite
        if isinstance(data, Citation) and data.source == "text":
            self.cited.emit(data)

    def _on_dismiss_clicked(self) -> None:
        finding = self._chosen(Finding)
        if finding is not None:
            self.dismiss_requested.emit(finding)

    def _on_bible_clicked(self) -> None:
        fact = self._chosen(Fact)
        if fact is not None:
            self.to_bible_requested.emit(fact)


class ContinuityController(QObject):
    """Checks the open story in the background and keeps the dock and the binder current."""

    message = Signal(str, int)
    open_scenes_changed = Signal(object)  # frozenset of scene ids with open findings
    bible_changed = Signal(object)  # the bible entry a fact was written into
    _checked = Signal(object, int)  # Report or error text, generation (from the thread)

    def __init__(
        self, parent: QObject, project: ProjectController, editor: Editor, cache_dir: Path | None
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.editor = editor
        self.cache_dir = cache_dir
        self.report: Report | None = None
        self.dock = ContinuityDock()
        self._generation = 0
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inkling-continuity")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)
        self._checked.connect(self._on_checked)
        self.dock.check_requested.connect(self.check)
        self.dock.cited.connect(self.show_citation)
        self.dock.dismiss_requested.connect(self.dismiss)
        self.dock.to_bible_requested.connect(self.to_bible)
        project.changed.connect(self._timer.start)
        project.structure_changed.connect(self._timer.start)

    def story_opened(self) -> None:
        """A story (or a plain document) was opened: check it, or say there is none."""
        self.report = None
        self.dock.findings.clear()
        self.dock.facts.clear()
        self.open_scenes_changed.emit(frozenset())
        if self.project.story is None:
            self.dock.summary.setText(self.tr("Open a story to check its continuity."))
            return
        self.check()

    @Slot()
    def check(self) -> None:
        """Check the book in the background (a newer check replaces an older one)."""
        story = self.project.story
        if story is None:
            return
        self._generation += 1
        generation = self._generation
        snapshot = detached(story, dict(self.project.texts()))
        self.dock.set_busy()
        future = self._pool.submit(_check, snapshot, self.cache_dir)
        future.add_done_callback(lambda f: self._on_future_done(f, generation))

    def _on_future_done(self, future: Future, generation: int) -> None:
        exc = future.exception()
        if exc is not None:
            log.warning("the continuity check failed: %s", exc)
            self._checked.emit(str(exc), generation)
        else:
            self._checked.emit(future.result(), generation)

    @Slot(object, int)
    def _on_checked(self, report: object, generation: int) -> None:
        if generation != self._generation:
            return  # a newer check is on its way
        if not isinstance(report, Report):
            self.dock.show_problem(str(report))
            return
        self.report = report
        self.dock.show_report(report)
        self.open_scenes_changed.emit(report.open_scene_ids)

    @Slot(object)
    def show_citation(self, cite: Citation) -> None:
        """Open the quote's scene and select the quote."""
        if not show_quote(self.project, self.editor, cite.scene_id, cite.start, cite.quote):
            self.message.emit(self.tr("That sentence is no longer in the scene."), 5000)

    @Slot(object)
    def dismiss(self, finding: Finding) -> None:
        """Hide `finding` for good (kept in the project), and check again."""
        story = self.project.story
        if story is None:
            return
        from backend.story.facts.dismissals import dismiss

        try:
            dismiss(story.folder, finding.key)
        except (OSError, ValueError, SaveError) as exc:
            self.message.emit(self.tr("The finding could not be dismissed: {0}").format(exc), 8000)
            return
        self.check()

    @Slot(object)
    def to_bible(self, fact: Fact) -> None:
        """Write `fact` into its bible entry; the bible shows and saves it."""
        story = self.project.story
        if story is None:
            return
        from backend.story.facts.bible import fact_to_bible

        entry = fact_to_bible(story, fact)
        self.bible_changed.emit(entry)
        self.message.emit(self.tr("Added to {0} in the story bible.").format(fact.subject), 5000)

    def shutdown(self) -> None:
        """Stop taking checks (the window is closing)."""
        self._timer.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)


def install(
    window: Any, project: ProjectController, editor: Editor, cache_dir: Path | None
) -> ContinuityController:
    """The controller, with its dock tabbed beside the window's other story docks."""
    controller = ContinuityController(window, project, editor, cache_dir)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, controller.dock)
    controller.dock.hide()  # until asked for (View); the binder marks scenes meanwhile
    return controller
