"""Which undo steps of a text are the model's, so the writer's count of the day follows undo.

A continuation, a retry, a rewrite or a version chosen with Alt+Left/Right lands as one undo
step, and its words are the model's, not the writer's (Progress.by_the_model). Undoing such a
step takes the model's words out again, and redoing it puts them back: without this the
writer's count for the day fell by every continuation undone (-132 after a few retries).

Each document's steps are known by their place on its undo stack (`availableUndoSteps()` right
after the step). A new edit drops the steps that could have been redone; an undo or redo is
seen as a change of text that moves the place without a new step.
"""

from __future__ import annotations

import weakref

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QTextDocument


class _Track:
    """One document's model steps (place on the stack -> words) and its place when last seen."""

    def __init__(self, at: int) -> None:
        self.steps: dict[int, int] = {}
        self.at = at


class ModelSteps(QObject):
    """Follows undo and redo over the model's steps; `moved` says by how many words the
    model's share of the text changed (negative for an undo)."""

    moved = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tracks: weakref.WeakKeyDictionary[QTextDocument, _Track] = weakref.WeakKeyDictionary()

    def record(self, document: QTextDocument, words: int) -> None:
        """The step just made in `document` was the model's and changed the count by `words`."""
        track = self._track(document)
        track.at = document.availableUndoSteps()
        if words and track.at > 0:
            track.steps[track.at] = words

    def _track(self, document: QTextDocument) -> _Track:
        track = self._tracks.get(document)
        if track is None:
            track = self._tracks[document] = _Track(document.availableUndoSteps())
            document.undoCommandAdded.connect(lambda: self._on_added(document))
            document.contentsChanged.connect(
                lambda: QTimer.singleShot(0, self, lambda: self._on_changed(document))
            )
        return track

    @Slot()
    def _on_added(self, document: QTextDocument) -> None:
        track = self._tracks.get(document)
        if track is None:
            return
        track.at = document.availableUndoSteps()
        for place in [p for p in track.steps if p >= track.at]:
            del track.steps[place]  # it could have been redone; the new edit took its place

    def _on_changed(self, document: QTextDocument) -> None:
        track = self._tracks.get(document)
        if track is None:
            return
        now = document.availableUndoSteps()
        if now < track.at and document.isRedoAvailable():
            moved = -sum(track.steps.get(p, 0) for p in range(now + 1, track.at + 1))
        elif now > track.at:
            moved = sum(track.steps.get(p, 0) for p in range(track.at + 1, now + 1))
        else:
            moved = 0
        track.at = now
        if moved:
            self.moved.emit(moved)
