"""The binder: the book's chapters and scenes as a tree in a dock, with their counts and
notes. Every change goes through the ProjectController, so it can be undone."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QDropEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QFormLayout,
    QInputDialog,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QStyle,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backend.story.binder import STATUSES, Binder, Chapter, Scene
from backend.text.counts import is_mostly_cjk
from gui.book.project import ProjectController
from gui.common.i18n import QT_TRANSLATE_NOOP
from gui.common.messages import translate_message

ID = Qt.ItemDataRole.UserRole
MARKED = Qt.ItemDataRole.UserRole + 1  # the scene has open continuity findings
UNREADABLE = Qt.ItemDataRole.UserRole + 2
TRASH = "__trash__"


# The scene statuses (backend/story/binder.py STATUSES), for translation.
STATUS_NAMES = (
    QT_TRANSLATE_NOOP("BinderDock", "outline"),
    QT_TRANSLATE_NOOP("BinderDock", "draft"),
    QT_TRANSLATE_NOOP("BinderDock", "revised"),
    QT_TRANSLATE_NOOP("BinderDock", "done"),
)


class BinderTree(QTreeWidget):
    """The tree; drops are turned into binder moves instead of Qt moving items itself."""

    move_requested = Signal(
        str, str, int
    )  # item id, target item id, where (-1 above, 0 on, 1 below)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderLabels([self.tr("Title"), self.tr("Words")])
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.header().setStretchLastSection(False)
        self.setColumnWidth(0, 200)

    def drop_target(self, pos: QPoint) -> tuple[str, int] | None:
        """The item under `pos` and whether the drop is above (-1), on (0) or below (1) it."""
        item = self.itemAt(pos)
        if item is None:
            return None
        rect = self.visualItemRect(item)
        y = pos.y() - rect.top()
        where = -1 if y < rect.height() / 4 else 1 if y > rect.height() * 3 / 4 else 0
        return str(item.data(0, ID)), where

    def dropEvent(self, event: QDropEvent) -> None:
        """Ask for the move; the tree is rebuilt from the binder afterwards."""
        source = self.currentItem()
        target = self.drop_target(event.position().toPoint())
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if source is not None and target is not None:
            self.move_requested.emit(str(source.data(0, ID)), *target)


class BinderDock(QDockWidget):
    """Chapters and scenes: open, add, rename, delete, reorder, split, merge, notes."""

    draft_requested = Signal(str, bool)  # item id, written by the model (else extractive)
    history_requested = Signal(str)  # a scene's id (live or in the trash)

    def __init__(self, project: ProjectController, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Chapters and scenes"), parent)
        self.setObjectName("binder")
        self.project = project
        self.tree = BinderTree()
        self.tree.itemActivated.connect(self._on_tree_item_activated)
        self.tree.itemClicked.connect(self._on_tree_item_activated)
        self.tree.currentItemChanged.connect(self._on_tree_current_changed)
        self.tree.customContextMenuRequested.connect(self._on_tree_menu)
        self.tree.move_requested.connect(self.move_item)
        self.menu: QMenu | None = None
        self._marked: frozenset[str] = frozenset()
        # Asked before adding a chapter or scene to a plain text: turns it into a story
        # project (the window sets it), True when there is one afterwards.
        self.ensure_project: Callable[[], bool] = lambda: False
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tree, 3)
        layout.addLayout(self._build_form())
        self.setWidget(body)
        self._loading = False
        project.structure_changed.connect(self.rebuild)
        project.counts_changed.connect(self.update_counts)
        project.scene_opened.connect(self._select)
        self._add_shortcuts()

    def _build_form(self) -> QFormLayout:
        form = QFormLayout()
        self.title_edit = QLineEdit()
        self.status_box = QComboBox()
        for status in STATUSES:
            self.status_box.addItem(self.tr(status), status)
        self.pov_edit = QLineEdit()
        self.tags_edit = QLineEdit()
        self.tags_edit.setPlaceholderText(self.tr("comma, separated"))
        self.part_edit = QLineEdit()
        self.part_edit.setPlaceholderText(self.tr("part this chapter belongs to"))
        self.synopsis = QPlainTextEdit()
        self.synopsis.setMaximumHeight(90)
        self.draft_button = QToolButton()
        self.draft_button.setText(self.tr("Draft synopsis"))
        self.draft_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        drafts = QMenu(self.draft_button)
        drafts.addAction(self.tr("Quick draft from the text"), lambda: self._draft(False))
        drafts.addAction(self.tr("Draft with the model"), lambda: self._draft(True))
        self.draft_button.setMenu(drafts)
        form.addRow(self.tr("Title"), self.title_edit)
        form.addRow(self.tr("Status"), self.status_box)
        form.addRow(self.tr("Point of view"), self.pov_edit)
        form.addRow(self.tr("Tags"), self.tags_edit)
        form.addRow(self.tr("Part"), self.part_edit)
        form.addRow(self.tr("Synopsis"), self.synopsis)
        form.addRow("", self.draft_button)
        self.title_edit.editingFinished.connect(self._on_form_title_edited)
        for edit in (self.pov_edit, self.tags_edit, self.part_edit):
            edit.editingFinished.connect(self._on_form_edited)
        self.status_box.currentTextChanged.connect(self._on_form_edited)
        self.synopsis.textChanged.connect(self._on_form_edited)
        return form

    def _add_shortcuts(self) -> None:
        for keys, slot in (
            ("Alt+Up", lambda: self.shift(-1)),
            ("Alt+Down", lambda: self.shift(1)),
            ("F2", self.rename_current),
            ("Del", self.delete_current),
        ):
            act = QAction(self.tree)
            act.setShortcut(QKeySequence(keys))
            act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            act.triggered.connect(slot)
            self.tree.addAction(act)

    # --- view -----------------------------------------------------------------------
    @property
    def binder(self) -> Binder:
        """The open book's structure."""
        return self.project.binder

    def rebuild(self) -> None:
        """Redraw the tree from the binder."""
        self._loading = True
        self.tree.clear()
        for chapter in self.binder.chapters:
            label = f"{chapter.part} · {chapter.title}" if chapter.part else chapter.title
            item = QTreeWidgetItem([label, ""])
            item.setToolTip(0, label)  # the whole title, however narrow the binder
            item.setData(0, ID, chapter.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsDragEnabled)
            self.tree.addTopLevelItem(item)
            for scene in chapter.scenes:
                item.addChild(self._scene_item(scene))
            item.setExpanded(True)
        if self.binder.trash:
            trash = QTreeWidgetItem([self.tr("Trash (%n)", "", len(self.binder.trash)), ""])
            trash.setData(0, ID, TRASH)
            trash.setFlags(trash.flags() & ~Qt.ItemFlag.ItemIsDragEnabled)
            for scene in self.binder.trash:
                trash.addChild(self._scene_item(scene))
            self.tree.addTopLevelItem(trash)
        self._loading = False
        self.update_counts()
        self._show_marks()
        self._select(self.project.current)

    def mark_scenes(self, scene_ids: frozenset[str]) -> None:
        """Mark the scenes with open continuity findings (the Continuity panel lists them)."""
        self._marked = frozenset(scene_ids)
        self._show_marks()

    def marked_scenes(self) -> frozenset[str]:
        """The scenes marked as having open continuity findings."""
        return self._marked

    def _show_marks(self) -> None:
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
        for top in self._tops():
            for child in _children(top):
                scene_id = str(child.data(0, ID))
                if child.data(0, UNREADABLE):
                    continue  # a scene that could not be read keeps its warning
                marked = scene_id in self._marked
                child.setIcon(0, icon if marked else QIcon())
                child.setData(0, MARKED, marked)
                tip = self.tr("Continuity: see the Continuity panel") if marked else ""
                child.setToolTip(0, "\n".join(t for t in (child.text(0), tip) if t))

    def _scene_item(self, scene: Scene) -> QTreeWidgetItem:
        """A scene's row; one that could not be read says so, and why, at a glance."""
        child = QTreeWidgetItem([scene.title, ""])
        child.setToolTip(0, scene.title)
        child.setData(0, ID, scene.id)
        problem = translate_message(scene.problem) if scene.problem else ""
        if problem:
            child.setData(0, UNREADABLE, True)
            child.setText(0, self.tr("{0} (read-only)").format(scene.title))
            child.setIcon(0, self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning))
            child.setToolTip(0, self.tr("Read-only: {0}").format(problem))
            child.setFlags(child.flags() & ~Qt.ItemFlag.ItemIsDragEnabled)
        return child

    def _tops(self) -> list[QTreeWidgetItem]:
        return _children(self.tree.invisibleRootItem())

    def update_counts(self) -> None:
        """Refresh the word column from the controller's cached counts (a Chinese book's
        counts are characters, and the column says so)."""
        unit = self.tr("Characters") if self._counts_characters() else self.tr("Words")
        if self.tree.headerItem().text(1) != unit:
            self.tree.headerItem().setText(1, unit)
        counts = self.project.counts
        for top in self._tops():
            total = 0
            for child in _children(top):
                words = counts.get(str(child.data(0, ID)), 0)
                total += words
                child.setText(1, f"{words:,}")
            if top.data(0, ID) != TRASH:
                top.setText(1, f"{total:,}")

    def _counts_characters(self) -> bool:
        """True for a Chinese book: by its language, or on Automatic by its text."""
        story = self.project.story
        if story is not None and story.language:
            return story.language.lower().startswith("zh")
        current = self.project.current
        return bool(current) and is_mostly_cjk(self.project.text_of(current)[:5000])

    def item_for(self, item_id: str) -> QTreeWidgetItem | None:
        """The tree item showing a chapter or scene."""
        for top in self._tops():
            if top.data(0, ID) == item_id:
                return top
            for child in _children(top):
                if child.data(0, ID) == item_id:
                    return child
        return None

    def _select(self, scene_id: str) -> None:
        item = self.item_for(scene_id)
        if item is not None and self.tree.currentItem() is not item:
            self._loading = True
            self.tree.setCurrentItem(item)
            self._loading = False
            self._fill_form(scene_id)

    def _draft(self, by_model: bool) -> None:
        item_id = self.selected_id()
        if item_id and item_id != TRASH:
            self.draft_requested.emit(item_id, by_model)

    def _is_scene(self, item_id: str) -> bool:
        try:
            return item_id != "" and isinstance(self.binder.item(item_id), Scene)
        except KeyError:
            return False

    def selected_id(self) -> str:
        """The id of the selected chapter or scene ('' for none)."""
        item = self.tree.currentItem()
        return str(item.data(0, ID)) if item is not None else ""

    # --- form -----------------------------------------------------------------------
    def _fill_form(self, item_id: str) -> None:
        try:
            item = self.binder.item(item_id)
        except KeyError:
            return
        self._loading = True
        self.title_edit.setText(item.title)
        self.status_box.setCurrentIndex(max(0, self.status_box.findData(item.status)))
        self.pov_edit.setText(item.pov)
        self.tags_edit.setText(", ".join(item.tags))
        self.synopsis.setPlainText(item.synopsis)
        self.part_edit.setEnabled(isinstance(item, Chapter))
        self.part_edit.setText(item.part if isinstance(item, Chapter) else "")
        self._loading = False

    def _on_form_title_edited(self) -> None:
        item_id = self.selected_id()
        title = self.title_edit.text().strip()
        if self._loading or not item_id or item_id == TRASH or not title:
            return
        if self.binder.item(item_id).title != title:
            self.project.apply(lambda b: b.rename(item_id, title))

    def _on_form_edited(self, *_args: object) -> None:
        item_id = self.selected_id()
        if self._loading or not item_id or item_id == TRASH:
            return
        item = self.binder.item(item_id)
        item.status = str(self.status_box.currentData())
        item.pov = self.pov_edit.text().strip()
        item.tags = [t.strip() for t in self.tags_edit.text().split(",") if t.strip()]
        item.synopsis = self.synopsis.toPlainText()
        if isinstance(item, Chapter) and item.part != self.part_edit.text().strip():
            item.part = self.part_edit.text().strip()
            self.rebuild()
        self.project.touch()

    # --- actions --------------------------------------------------------------------
    def _on_tree_item_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        item_id = str(item.data(0, ID))
        if not self._loading and item_id in {s.id for _c, s in self.binder.scenes()}:
            self.project.open_scene(item_id)

    def _on_tree_current_changed(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if current is not None and not self._loading:
            self._fill_form(str(current.data(0, ID)))

    def add_chapter(self) -> None:
        """A new chapter after the selected one (a plain text is offered to become a story
        project first)."""
        if self.project.story is None and not self.ensure_project():
            return
        selected = self.selected_id()
        after = None
        if selected and selected != TRASH:
            item = self.binder.item(selected)
            after = item.id if isinstance(item, Chapter) else self._chapter_id(selected)
        chapter = self.project.apply(lambda b: b.add_chapter(after=after))
        if isinstance(chapter, Chapter):
            self.project.open_scene(chapter.scenes[0].id)

    def add_scene(self) -> None:
        """A new scene after the selected scene (or at the end of the selected chapter); a
        plain text is offered to become a story project first."""
        if self.project.story is None and not self.ensure_project():
            return
        selected = self.selected_id() or self.project.current
        if not selected or selected == TRASH:
            return
        item = self.binder.item(selected)
        if isinstance(item, Chapter):
            scene = self.project.apply(lambda b: b.add_scene(item.id))
        else:
            chapter_id = self._chapter_id(selected)
            if not chapter_id:
                return
            scene = self.project.apply(lambda b: b.add_scene(chapter_id, after=selected))
        if isinstance(scene, Scene):
            self.project.open_scene(scene.id)

    def _chapter_id(self, scene_id: str) -> str:
        try:
            return self.binder.chapter_of(scene_id).id
        except KeyError:
            return ""

    def rename_current(self) -> None:
        """Ask for a new title for the selected item."""
        item_id = self.selected_id()
        if not item_id or item_id == TRASH or self.project.story is None:
            return
        old = self.binder.item(item_id).title
        title, ok = QInputDialog.getText(self, self.tr("Rename"), self.tr("Title:"), text=old)
        if ok and title.strip() and title.strip() != old:
            self.project.apply(lambda b: b.rename(item_id, title))

    def delete_current(self) -> None:
        """Move the selected scene or chapter to the trash (undo brings it back)."""
        item_id = self.selected_id()
        if not item_id or item_id == TRASH or item_id in {s.id for s in self.binder.trash}:
            return
        if self.project.apply(lambda b: b.delete(item_id), (item_id,)) is not None:
            self.project.message.emit(
                self.tr("Moved to the trash. Ctrl+Z in the binder undoes it.")
            )

    def restore_current(self) -> None:
        """Bring the selected trashed scene back."""
        item_id = self.selected_id()
        if item_id in {s.id for s in self.binder.trash}:
            self.project.apply(lambda b: b.restore(item_id), (item_id,))

    def shift(self, step: int) -> None:
        """Move the selected item up or down one place."""
        item_id = self.selected_id()
        if item_id and item_id != TRASH and self.project.story is not None:
            self.project.apply(lambda b: b.shift(item_id, step))
            self._select(item_id)

    def merge_current(self) -> None:
        """Join the selected scene with the next one."""
        item_id = self.selected_id() or self.project.current
        if self.project.story is None:
            self.project.apply(lambda b: None)  # says why nothing happens
            return
        if not item_id or item_id == TRASH or item_id in {s.id for s in self.binder.trash}:
            return
        if not isinstance(self.binder.item(item_id), Scene):
            return
        scenes = self.binder.chapter_of(item_id).scenes
        index = [s.id for s in scenes].index(item_id)
        touched = tuple(s.id for s in scenes[index : index + 2])
        self.project.apply(lambda b: b.merge_with_next(item_id), touched)

    def move_item(self, item_id: str, target_id: str, where: int) -> None:
        """A drop: put `item_id` above (-1), into (0) or below (1) `target_id`."""
        if item_id == target_id or TRASH in (item_id, target_id) or self.project.story is None:
            return
        trashed = {s.id for s in self.binder.trash}
        if item_id in trashed or target_id in trashed:
            return  # the trash is left by Restore, which checks the scene first
        try:
            item, target = self.binder.item(item_id), self.binder.item(target_id)
        except KeyError:
            return
        if isinstance(item, Chapter):
            chapter = target if isinstance(target, Chapter) else self.binder.chapter_of(target.id)
            index = self.binder.chapters.index(chapter) + (1 if where > 0 else 0)
            self.project.apply(lambda b: b.move_chapter(item.id, index))
        elif isinstance(target, Chapter):
            # On or below a chapter: its first place; above it: the end of the one before.
            index = self.binder.chapters.index(target)
            if where < 0 and index > 0:
                before = self.binder.chapters[index - 1]
                self.project.apply(lambda b: b.move_scene(item.id, before.id, len(before.scenes)))
            else:
                self.project.apply(lambda b: b.move_scene(item.id, target.id, 0))
        else:
            chapter = self.binder.chapter_of(target.id)
            index = chapter.scenes.index(target) + (1 if where > 0 else 0)
            self.project.apply(lambda b: b.move_scene(item.id, chapter.id, index))
        self._select(item_id)

    def context_menu(self) -> QMenu:
        """The tree's right-click menu for the selected item. Without a story project only
        the additions (which offer to make one) are enabled."""
        menu = QMenu(self)
        selected = self.selected_id()
        in_trash = selected in {s.id for s in self.binder.trash}
        structural: list[QAction] = []
        if self._is_scene(selected):
            menu.addAction(self.tr("History…"), lambda: self.history_requested.emit(selected))
            menu.addSeparator()
        if in_trash:
            structural.append(menu.addAction(self.tr("Restore"), self.restore_current))
        else:
            menu.addAction(self.tr("Add chapter"), self.add_chapter)
            menu.addAction(self.tr("Add scene"), self.add_scene)
            structural += [
                menu.addAction(self.tr("Rename…"), self.rename_current),
                menu.addAction(self.tr("Split scene at cursor"), self.project.split_at_cursor),
                menu.addAction(self.tr("Merge with next scene"), self.merge_current),
                menu.addAction(self.tr("Move up"), lambda: self.shift(-1)),
                menu.addAction(self.tr("Move down"), lambda: self.shift(1)),
            ]
            menu.addSeparator()
            structural.append(menu.addAction(self.tr("Move to trash"), self.delete_current))
        menu.addSeparator()
        undo = menu.addAction(self.tr("Undo %s") % self.binder.can_undo(), self.project.undo)
        undo.setEnabled(bool(self.binder.can_undo()))
        for act in structural:
            act.setEnabled(self.project.story is not None and bool(selected))
        return menu

    def _on_tree_menu(self, pos: QPoint) -> None:
        self.menu = self.context_menu()
        self.menu.popup(self.tree.viewport().mapToGlobal(pos))


def _children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    found = (item.child(i) for i in range(item.childCount()))
    return [child for child in found if child is not None]
