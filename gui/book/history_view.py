"""The history of one scene: its snapshots, each compared word by word with the scene as
it is now (inline or side by side), restoring a version and copying a part of one.

Reading snapshots and comparing them runs on the keeping thread (gui/book/keeping.py);
this window only shows what comes back.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backend.story.snapshot_ops import Version
from backend.story.snapshots import History, Snapshot
from backend.text.counts import is_mostly_cjk
from backend.text.diff import DELETE, EQUAL, INSERT, Diff
from gui.book.keeping import Keeping
from gui.common.i18n import QT_TRANSLATE_NOOP
from gui.common.messages import translate_message
from gui.common.screens import fitted_size

CAUSES = {
    "manual": QT_TRANSLATE_NOOP("HistoryDialog", "Taken by hand"),
    "session": QT_TRANSLATE_NOOP("HistoryDialog", "Before a writing session's changes"),
    "continuation": QT_TRANSLATE_NOOP("HistoryDialog", "Before a continuation"),
    "rewrite": QT_TRANSLATE_NOOP("HistoryDialog", "Before a rewrite"),
    "replace": QT_TRANSLATE_NOOP("HistoryDialog", "Before Replace All"),
    "restore": QT_TRANSLATE_NOOP("HistoryDialog", "Before restoring a version"),
}
INLINE, SIDE, PLAIN = range(3)
_GONE = "color:#a11d1d;background:#fbe3e3;text-decoration:line-through"
_NEW = "color:#11622b;background:#dff3e4;text-decoration:underline"


def cause_text(cause: str) -> str:
    """Why a snapshot was taken, in the interface's language."""
    return QCoreApplication.translate("HistoryDialog", CAUSES.get(cause, cause))


def _span(text: str, style: str = "") -> str:
    escaped = html.escape(text).replace("\n", "<br>")
    return f'<span style="{style}">{escaped}</span>' if style else escaped


def _page(body: str) -> str:
    return f'<div style="white-space:pre-wrap">{body}</div>'


def inline_html(diff: Diff) -> str:
    """One text: what only the snapshot has struck through, what only the scene now has
    underlined."""
    parts = []
    for op, text in diff:
        parts.append(_span(text, _GONE if op == DELETE else _NEW if op == INSERT else ""))
    return _page("".join(parts))


def side_html(diff: Diff) -> tuple[str, str]:
    """The snapshot (left) and the scene now (right), each with its own differences marked."""
    left, right = [], []
    for op, text in diff:
        if op in (EQUAL, DELETE):
            left.append(_span(text, _GONE if op == DELETE else ""))
        if op in (EQUAL, INSERT):
            right.append(_span(text, _NEW if op == INSERT else ""))
    return _page("".join(left)), _page("".join(right))


class HistoryDialog(QDialog):
    """Snapshots of one scene, newest first, with a diff against the scene now."""

    def __init__(self, keeping: Keeping, scene_id: str, title: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.keeping = keeping
        self.scene_id = scene_id
        self.setWindowTitle(self.tr("History of “{0}”").format(title))
        self.resize(fitted_size(self, 1100, 700))
        self.snapshots: list[Snapshot] = []
        self.version: Version | None = None
        split = self._build_views()
        self.take_button = QPushButton(self.tr("Take Snapshot…"))
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.setToolTip(
            self.tr("Copies the selected words, or this whole version when nothing is selected.")
        )
        self.restore_button = QPushButton(self.tr("Restore This Version"))
        self.restore_button.setToolTip(
            self.tr("The scene's current text is kept as a snapshot first; Undo takes it back.")
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        for button in (self.take_button, self.copy_button, self.restore_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.take_button.clicked.connect(self._on_take_clicked)
        self.copy_button.clicked.connect(self.copy)
        self.restore_button.clicked.connect(self.restore_selected)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.notes)
        layout.addWidget(self.info)
        layout.addWidget(buttons)
        self._enable()
        keeping.history_ready.connect(self._on_keeping_history_ready)
        keeping.version_ready.connect(self._on_keeping_version_ready)
        keeping.message.connect(self._on_keeping_message)
        self.reload()

    def _build_views(self) -> QSplitter:
        """The list of snapshots beside the chosen one's comparison."""
        self.list = QTreeWidget()
        self.list.setHeaderLabels(
            [self.tr("When"), self.tr("Name"), self.tr("Words"), self.tr("Why")]
        )
        self.list.setRootIsDecorated(False)
        self.list.currentItemChanged.connect(self._on_list_current_item_changed)
        self.mode = QComboBox()
        self.mode.addItems(
            [self.tr("Changes, inline"), self.tr("Side by side"), self.tr("This version only")]
        )
        self.mode.currentIndexChanged.connect(self._show_version)
        self.info = QLabel(self.tr("Reading the history…"))
        self.info.setWordWrap(True)
        # What could not be read stays in view while versions are compared.
        self.notes = QLabel("")
        self.notes.setWordWrap(True)
        self.notes.setVisible(False)
        self.inline = QTextBrowser()
        self.left, self.right = QTextBrowser(), QTextBrowser()
        side = QSplitter()
        side.addWidget(self.left)
        side.addWidget(self.right)
        self.views = QStackedWidget()
        self.views.addWidget(self.inline)
        self.views.addWidget(side)
        right_pane = QWidget()
        right_layout = QVBoxLayout(right_pane)
        right_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Show")))
        top.addWidget(self.mode)
        top.addStretch(1)
        right_layout.addLayout(top)
        right_layout.addWidget(self.views, 1)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(right_pane)
        split.setStretchFactor(1, 3)
        split.setSizes([360, 740])
        return split

    # --- loading ---------------------------------------------------------------------
    def reload(self) -> None:
        """Read the scene's snapshots again (after one was taken or restored)."""
        self.keeping.load_history(self.scene_id)

    @Slot(str, object)
    def _on_keeping_history_ready(self, scene_id: str, history: History) -> None:
        if scene_id != self.scene_id:
            return
        selected = self.selected()
        self.snapshots = history.snapshots
        self.list.clear()
        for snap in self.snapshots:
            when = snap.time.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            row = QTreeWidgetItem([when, snap.name, f"{snap.words:,}", cause_text(snap.cause)])
            row.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.list.addTopLevelItem(row)
        for column in range(4):
            self.list.resizeColumnToContents(column)
        notes = [translate_message(n) for n in history.notes]
        self.notes.setText("\n".join(notes))
        self.notes.setVisible(bool(notes))
        self.info.setText(
            ""
            if self.snapshots
            else self.tr(
                "No snapshots of this scene yet. One is taken before the model changes it, "
                "at the first change in each writing session, and whenever you take one."
            )
        )
        index = next(
            (i for i, s in enumerate(self.snapshots) if selected and s.id == selected.id), 0
        )
        first = self.list.topLevelItem(index)
        if first is not None:
            self.list.setCurrentItem(first)
        self._enable()

    def selected(self) -> Snapshot | None:
        """The snapshot chosen in the list."""
        row = self.list.currentItem()
        index = self.list.indexOfTopLevelItem(row) if row is not None else -1
        return self.snapshots[index] if 0 <= index < len(self.snapshots) else None

    @Slot()
    def _on_list_current_item_changed(self, *_args: object) -> None:
        snap = self.selected()
        self.version = None
        self._enable()
        if snap is None:
            return
        self.inline.setPlainText(self.tr("Comparing…"))
        self.keeping.load_version(snap, self._current_text())

    def _current_text(self) -> str:
        project = self.keeping.project
        try:
            return project.text_of(self.scene_id)
        except KeyError:
            item = project.binder.item(self.scene_id)  # a scene in the trash
            return getattr(item, "text", "")

    @Slot(object)
    def _on_keeping_version_ready(self, version: Version) -> None:
        selected = self.selected()
        if selected is None or version.snapshot.id != selected.id:
            return  # a reply about a snapshot no longer chosen
        self.version = version
        self._show_version()
        self._enable()

    @Slot()
    def _show_version(self, *_args: object) -> None:
        version = self.version
        if version is None:
            return
        if version.problem:
            self.views.setCurrentIndex(0)
            self.inline.setPlainText(
                self.tr("This snapshot cannot be read: {0}").format(
                    translate_message(version.problem)
                )
            )
            return
        mode = self.mode.currentIndex()
        diff = version.diff or []
        if mode == SIDE:
            left, right = side_html(diff)
            self.left.setHtml(left)
            self.right.setHtml(right)
            self.views.setCurrentIndex(1)
        else:
            self.inline.setHtml(inline_html(diff) if mode == INLINE else _page(_span(version.text)))
            self.views.setCurrentIndex(0)
        changed = sum(1 for op, _t in diff if op != EQUAL)
        snap = version.snapshot
        self.info.setText(
            " ".join(
                (
                    (
                        self.tr("%Ln character(s) then,", "", snap.words)
                        if is_mostly_cjk(version.text[:5000])
                        else self.tr("%Ln word(s) then,", "", snap.words)
                    ),
                    self.tr("%Ln change(s) since.", "", changed),
                    self.tr(
                        "Struck through: only in the snapshot. Underlined: only in the scene now."
                    ),
                )
            )
            if changed
            else self.tr("The scene reads exactly like this version.")
        )

    def _enable(self) -> None:
        ready = self.version is not None and not self.version.problem
        live = self.scene_id in {s.id for _c, s in self.keeping.project.binder.scenes()}
        self.restore_button.setEnabled(ready and live)
        self.copy_button.setEnabled(ready)
        self.take_button.setEnabled(live)

    # --- actions ---------------------------------------------------------------------
    def copy(self) -> str:
        """Copy the selected words of the view, or the whole version; returns what was
        copied."""
        view = self.views.currentWidget()
        browsers = [self.inline] if view is self.inline else [self.left, self.right]
        text = next(
            (
                b.textCursor().selectedText().replace("\u2029", "\n")
                for b in browsers
                if b.textCursor().hasSelection()
            ),
            "",
        )
        if not text and self.version is not None:
            text = self.version.text
        if text:
            QGuiApplication.clipboard().setText(text)
        return text

    def restore_selected(self) -> bool:
        """Put the chosen version back into the scene."""
        if self.version is None or self.version.problem:
            return False
        done = self.keeping.restore_version(self.scene_id, self.version.text)
        if done:
            self.reload()
        return done

    @Slot()
    def _on_take_clicked(self) -> None:
        name = self.keeping.documents.prompts.text(
            self.tr("Take snapshot"), self.tr("A name for this version (optional):")
        )
        if name is None:
            return
        text = self._current_text()
        self.keeping.keep([(self.scene_id, text)], "manual", name.strip() or self.tr("Snapshot"))
        self.reload()

    @Slot(str, int)
    def _on_keeping_message(self, text: str, _ms: int) -> None:
        if self.isVisible() and text:
            self.info.setText(text)
