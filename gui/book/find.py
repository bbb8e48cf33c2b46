"""Find and replace (Ctrl+F, Ctrl+H) in the scene or across the whole book, with a list of
results that jumps to each hit. Replace all across the book asks first, then makes one
undo step in every scene it changed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QWidget,
)

from backend.text.search import Hit, SearchError, SearchOptions, find_all, replacements
from gui.book.project import ProjectController
from gui.editor.editor import Editor, edit_document, qt_position

SCENE, BOOK = 0, 1


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
        grid = QGridLayout(body)
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Find"))
        self.replacement = QLineEdit()
        self.replacement.setPlaceholderText(self.tr("Replace with"))
        self.case = QCheckBox(self.tr("Match case"))
        self.whole_word = QCheckBox(self.tr("Whole words"))
        self.regex = QCheckBox(self.tr("Regular expression"))
        self.scope = QComboBox()
        self.scope.addItems([self.tr("This scene"), self.tr("Whole book")])
        self.results = QListWidget()
        self.info = QLabel("")
        buttons = QHBoxLayout()
        for label, slot in (
            (self.tr("Find all"), self.find_all),
            (self.tr("Next"), self.find_next),
            (self.tr("Replace"), self.replace_one),
            (self.tr("Replace all"), self.replace_all),
        ):
            button = QPushButton(label)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        grid.addWidget(self.query, 0, 0, 1, 2)
        grid.addWidget(self.replacement, 1, 0, 1, 2)
        options = QHBoxLayout()
        for widget in (self.case, self.whole_word, self.regex, self.scope):
            options.addWidget(widget)
        grid.addLayout(options, 2, 0, 1, 2)
        grid.addLayout(buttons, 3, 0, 1, 2)
        grid.addWidget(self.info, 4, 0, 1, 2)
        grid.addWidget(self.results, 5, 0, 1, 2)
        self.setWidget(body)
        self.query.returnPressed.connect(self.find_next)
        self.results.itemActivated.connect(self._on_results_item_activated)
        self.results.itemClicked.connect(self._on_results_item_activated)

    def open(self, replace: bool) -> None:
        """Show the panel with the selection as the query (Ctrl+F / Ctrl+H)."""
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
        """List every hit in the scene or the book."""
        self.results.clear()
        try:
            pattern = self.options().pattern()
        except SearchError as exc:
            self.info.setText(str(exc))
            return []
        self.hits = find_all(self._texts(), pattern)
        titles = {s.id: f"{c.title} › {s.title}" for c, s in self.project.binder.scenes()}
        for n, hit in enumerate(self.hits):
            where = titles.get(hit.key, "")
            item = QListWidgetItem(f"{where}: {hit.context}" if where else hit.context)
            item.setData(Qt.ItemDataRole.UserRole, n)
            self.results.addItem(item)
        scenes = len({h.key for h in self.hits})
        self.info.setText(
            self.tr("%1 found in %2 scene(s)")
            .replace("%1", str(len(self.hits)))
            .replace("%2", str(scenes))
        )
        return self.hits

    def show_hit(self, hit: Hit) -> None:
        """Open the hit's scene and select the hit."""
        if hit.key and hit.key != self.project.current and not self.project.open_scene(hit.key):
            return
        text = self.editor.toPlainText()
        self.editor.select_range(qt_position(text, hit.start), qt_position(text, hit.end))
        self.editor.centerCursor()

    def _on_results_item_activated(self, item: QListWidgetItem) -> None:
        index = int(item.data(Qt.ItemDataRole.UserRole))
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
            self.tr("Replace %1 match(es) in %2 scene(s)?")
            .replace("%1", str(count))
            .replace("%2", str(len(plan)))
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
