"""Find and replace (Ctrl+F, Ctrl+H) in the scene or across the whole book, with a list of
results that jumps to each hit. Replace all across the book asks first, then makes one
undo step in every scene it changed."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backend.text.search import Hit, SearchError, SearchOptions, find_all, replacements
from gui.book.project import ProjectController
from gui.editor.editor import Editor, edit_document, qt_position

SCENE, BOOK = 0, 1
MARK_ROLE = Qt.ItemDataRole.UserRole + 1  # (start, end) of the match in a result's line


class _MarkedDelegate(QStyledItemDelegate):
    """Draws a result's line with its match in bold on a highlight."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        mark = index.data(MARK_ROLE)
        if not mark:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        start, end = mark
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(1)
        doc.setHtml(
            html.escape(text[:start])
            + '<b style="background-color:#ffe08a;color:#000">'
            + html.escape(text[start:end])
            + "</b>"
            + html.escape(text[end:])
        )
        style = option.widget.style() if option.widget is not None else None
        option.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        painter.save()
        painter.translate(option.rect.topLeft())
        painter.setClipRect(option.rect.translated(-option.rect.topLeft()))
        doc.drawContents(painter)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), option.fontMetrics.height() + 4))


class FindDock(QDockWidget):
    """The find and replace panel."""

    replaced = Signal(int)

    def __init__(
        self,
        editor: Editor,
        project: ProjectController,
        confirm: Callable[[str], bool] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(self.tr("Find and replace"), parent)
        self.setObjectName("find")
        self.editor = editor
        self.project = project
        self.confirm = confirm or self._confirm
        self.hits: list[Hit] = []
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 4, 6, 4)
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Find"))
        self.replacement = QLineEdit()
        self.replacement.setPlaceholderText(self.tr("Replace with"))
        self.case = QCheckBox(self.tr("Match case"))
        self.whole_word = QCheckBox(self.tr("Whole words"))
        self.regex = QCheckBox(self.tr("Regular expression"))
        self.scope = QComboBox()
        self.scope.addItems([self.tr("This scene"), self.tr("Whole book")])
        # Results grouped by scene, each match shown in its line with the match marked.
        self.results = QTreeWidget()
        self.results.setHeaderHidden(True)
        self.results.setRootIsDecorated(True)
        self.results.setUniformRowHeights(True)
        self.results.setItemDelegate(_MarkedDelegate(self.results))
        self.info = QLabel("")
        self.info.setWordWrap(True)
        fields = QHBoxLayout()
        fields.addWidget(self.query, 1)
        fields.addWidget(self._button(self.tr("Find all"), self.find_all))
        fields.addWidget(self._button(self.tr("Next"), self.find_next))
        replace_row = QHBoxLayout()
        replace_row.addWidget(self.replacement, 1)
        replace_row.addWidget(self._button(self.tr("Replace"), self.replace_one))
        replace_row.addWidget(self._button(self.tr("Replace all"), self.replace_all))
        options = QHBoxLayout()
        for widget in (self.case, self.whole_word, self.regex, self.scope):
            options.addWidget(widget)
        options.addStretch(1)
        layout.addLayout(fields)
        layout.addLayout(replace_row)
        layout.addLayout(options)
        layout.addWidget(self.info)
        layout.addWidget(self.results, 1)
        self.setWidget(body)
        self.query.returnPressed.connect(self.find_next)
        self.results.itemActivated.connect(self._on_results_item_activated)
        self.results.itemClicked.connect(self._on_results_item_activated)

    def _button(self, label: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(label)
        button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        button.clicked.connect(slot)
        return button

    def open(self, replace: bool, whole_book: bool = False) -> None:
        """Show the panel with the selection as the query (Ctrl+F / Ctrl+H; Ctrl+Shift+F
        searches the whole book)."""
        if whole_book and self.project.story is not None:
            self.scope.setCurrentIndex(BOOK)
        selected = self.editor.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.query.setText(selected)
        self.show()
        self.raise_()
        (self.replacement if replace and self.query.text() else self.query).setFocus()
        self.query.selectAll()

    def options(self) -> SearchOptions:
        """What the panel's fields ask for."""
        return SearchOptions(
            self.query.text(),
            self.case.isChecked(),
            self.whole_word.isChecked(),
            self.regex.isChecked(),
        )

    def _texts(self) -> list[tuple[str, str]]:
        if self.scope.currentIndex() == BOOK and self.project.story is not None:
            return list(self.project.texts())
        return [(self.project.current, self.editor.toPlainText())]

    def find_all(self) -> list[Hit]:
        """List every hit in the scene or the book, grouped by scene."""
        self.results.clear()
        try:
            pattern = self.options().pattern()
        except SearchError as exc:
            self.info.setText(str(exc))
            return []
        self.hits = find_all(self._texts(), pattern)
        titles = {s.id: f"{c.title} › {s.title}" for c, s in self.project.binder.scenes()}
        groups: dict[str, QTreeWidgetItem] = {}
        for n, hit in enumerate(self.hits):
            group = groups.get(hit.key)
            if group is None:
                group = QTreeWidgetItem([titles.get(hit.key, "") or self.tr("This text")])
                group.setData(0, Qt.ItemDataRole.UserRole, -1)
                self.results.addTopLevelItem(group)
                group.setExpanded(True)
                groups[hit.key] = group
            item = QTreeWidgetItem([hit.context])
            item.setData(0, Qt.ItemDataRole.UserRole, n)
            item.setData(0, MARK_ROLE, (hit.at, hit.at + hit.end - hit.start))
            group.addChild(item)
        for group in groups.values():
            group.setText(0, f"{group.text(0)} ({group.childCount()})")
        self.info.setText(
            self.tr("%n found", "", len(self.hits))
            + " "
            + self.tr("in %n scene(s)", "", len(groups))
        )
        return self.hits

    def result_items(self) -> list[QTreeWidgetItem]:
        """The rows of the results that are matches (not the scenes heading them)."""
        out = []
        for i in range(self.results.topLevelItemCount()):
            group = self.results.topLevelItem(i)
            if group is not None:
                out += [c for c in (group.child(j) for j in range(group.childCount())) if c]
        return out

    def show_hit(self, hit: Hit) -> None:
        """Open the hit's scene and select the hit."""
        if hit.key and hit.key != self.project.current and not self.project.open_scene(hit.key):
            return
        text = self.editor.toPlainText()
        self.editor.select_range(qt_position(text, hit.start), qt_position(text, hit.end))
        self.editor.centerCursor()

    def _on_results_item_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        index = int(item.data(0, Qt.ItemDataRole.UserRole))
        if 0 <= index < len(self.hits):
            self.show_hit(self.hits[index])

    def find_next(self) -> bool:
        """Select the next hit after the cursor in this scene (wrapping around)."""
        try:
            pattern = self.options().pattern()
        except SearchError as exc:
            self.info.setText(str(exc))
            return False
        text = self.editor.toPlainText()
        cursor = self.editor.textCursor()
        start = len(
            text.encode("utf-16-le")[: cursor.selectionEnd() * 2].decode("utf-16-le", "ignore")
        )
        match = pattern.search(text, start) or pattern.search(text, 0)
        if match is None or match.end() == match.start():
            self.info.setText(self.tr("Not found."))
            return False
        self.editor.select_range(qt_position(text, match.start()), qt_position(text, match.end()))
        return True

    def replace_one(self) -> None:
        """Replace the selected hit and find the next."""
        if self.editor.locked_reason:
            self.info.setText(
                self.tr("This scene is read-only: {0}").format(self.editor.locked_reason)
            )
            return
        cursor = self.editor.textCursor()
        try:
            options = self.options()
            pattern = options.pattern()
            selected = cursor.selectedText()
            match = pattern.fullmatch(selected) if selected else None
            if match is not None:
                new = (
                    match.expand(self.replacement.text())
                    if options.regex
                    else self.replacement.text()
                )
                cursor.insertText(new)
        except (SearchError, IndexError, Exception) as exc:
            self.info.setText(str(exc))
            return
        self.find_next()

    def replace_all(self) -> int:
        """Replace every hit in the scope, after a confirmation with the count."""
        try:
            options = self.options()
            pattern = options.pattern()
            plan = []
            # A scene that could not be read is never written (nor the text shown locked).
            locked = {s.id for _c, s in self.project.binder.scenes() if s.problem}
            for key, text in self._texts():
                if key in locked or (not key and self.editor.locked_reason):
                    continue
                edits = replacements(text, pattern, self.replacement.text(), options.regex)
                if edits:
                    plan.append((key, text, edits))
        except SearchError as exc:
            self.info.setText(str(exc))
            return 0
        count = sum(len(e) for _k, _t, e in plan)
        if not count:
            self.info.setText(self.tr("Not found."))
            return 0
        question = (
            self.tr("Replace %n match(es)", "", count)
            + " "
            + self.tr("in %n scene(s)?", "", len(plan))
        )
        if not self.confirm(question):
            return 0
        self.project.keep_before([key for key, _text, _edits in plan if key], "replace")
        for key, text, edits in plan:
            qt_edits = [(qt_position(text, s), qt_position(text, e), new) for s, e, new in edits]
            if key and self.project.story is not None:
                self.project.apply_edits(key, qt_edits)
            else:
                edit_document(self.editor.document(), qt_edits)
        self.info.setText(self.tr("Replaced %1.").replace("%1", str(count)))
        self.project.changed.emit()
        self.replaced.emit(count)
        return count

    def _confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Replace all"), question)
        return answer == QMessageBox.StandardButton.Yes
