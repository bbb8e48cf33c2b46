"""The style dock: genre, tone, point of view, tense, length, creativity, notes, presets."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from backend.storage.atomic import SaveError
from backend.story.language import pack
from backend.story.style.detect import match_style, too_short_to_match
from backend.story.style.model import LENGTHS, POVS, TENSES, Style, StyleError
from backend.story.style.presets import (
    builtin_presets,
    load_preset,
    preset_path,
    save_preset,
    user_presets,
)
from backend.untrusted import RefusedFile
from gui.common.i18n import QT_TRANSLATE_NOOP
from gui.common.messages import translate_message

# Tone words are offered in the interface's language: the one chosen goes into the prompt.
TONES = (
    "",
    QT_TRANSLATE_NOOP("StylePanel", "bleak"),
    QT_TRANSLATE_NOOP("StylePanel", "whimsical"),
    QT_TRANSLATE_NOOP("StylePanel", "tense"),
    QT_TRANSLATE_NOOP("StylePanel", "lyrical"),
    QT_TRANSLATE_NOOP("StylePanel", "dry"),
    QT_TRANSLATE_NOOP("StylePanel", "warm"),
    QT_TRANSLATE_NOOP("StylePanel", "eerie"),
)
POV_LABELS = {
    "": QT_TRANSLATE_NOOP("StylePanel", "Any"),
    "first": QT_TRANSLATE_NOOP("StylePanel", "First person"),
    "second": QT_TRANSLATE_NOOP("StylePanel", "Second person"),
    "third_limited": QT_TRANSLATE_NOOP("StylePanel", "Third person limited"),
    "third_omniscient": QT_TRANSLATE_NOOP("StylePanel", "Third person omniscient"),
}
# The built-in presets' names (resources/presets), for translation.
PRESET_NAMES = (
    QT_TRANSLATE_NOOP("StylePanel", "Cozy and whimsical"),
    QT_TRANSLATE_NOOP("StylePanel", "Lyrical omniscient"),
    QT_TRANSLATE_NOOP("StylePanel", "Noir confession"),
    QT_TRANSLATE_NOOP("StylePanel", "Present-tense thriller"),
)
TENSE_LABELS = {
    "": QT_TRANSLATE_NOOP("StylePanel", "Any"),
    "past": QT_TRANSLATE_NOOP("StylePanel", "Past"),
    "present": QT_TRANSLATE_NOOP("StylePanel", "Present"),
}
LENGTH_LABELS = {
    "sentence": QT_TRANSLATE_NOOP("StylePanel", "A sentence"),
    "paragraph": QT_TRANSLATE_NOOP("StylePanel", "A paragraph"),
    "beat": QT_TRANSLATE_NOOP("StylePanel", "A scene beat"),
}


class StylePanel(QDockWidget):
    """Edits the story's style; emits `changed` with the new Style."""

    changed = Signal(object)
    status = Signal(str)
    match_requested = Signal()

    def __init__(self, presets_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Style"), parent)
        self.setObjectName("style")
        self.presets_dir = presets_dir
        self._loading = False
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addLayout(self._build_preset_rows())
        layout.addLayout(self._build_form())
        layout.addStretch(1)
        self.setWidget(body)
        for signal in (
            self.genre.textEdited,
            self.tone.currentTextChanged,
            self.pov.currentIndexChanged,
            self.tense.currentIndexChanged,
            self.length.currentIndexChanged,
            self.creativity.valueChanged,
            self.guidance.valueChanged,
            self.notes.textChanged,
            self.authors_note.textEdited,
        ):
            signal.connect(self._on_any_changed)
        self.set_style(Style())
        self.reload_presets()

    def _build_preset_rows(self) -> QVBoxLayout:
        rows = QVBoxLayout()
        presets_row = QHBoxLayout()
        self.preset = QComboBox()
        self.apply_preset_button = QPushButton(self.tr("Apply"))
        self.apply_preset_button.clicked.connect(self.apply_selected_preset)
        presets_row.addWidget(self.preset, 1)
        presets_row.addWidget(self.apply_preset_button)
        rows.addLayout(presets_row)
        # Says which preset the fields below hold: choosing one in the list is not applying it.
        self.preset_state = QLabel("")
        self.preset_state.setWordWrap(True)
        self.preset_state.setVisible(False)
        rows.addWidget(self.preset_state)
        self._applied: Style | None = None
        self.preset.currentIndexChanged.connect(self._show_preset_state)
        row = QHBoxLayout()
        self.save_preset_button = QPushButton(self.tr("Save as preset…"))
        self.save_preset_button.clicked.connect(lambda: self.save_as_preset())
        self.import_button = QPushButton(self.tr("Import…"))
        self.import_button.clicked.connect(lambda: self.import_preset())
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.clicked.connect(lambda: self.export_preset())
        for b in (self.save_preset_button, self.import_button, self.export_button):
            row.addWidget(b)
        rows.addLayout(row)
        return rows

    def _build_form(self) -> QFormLayout:
        form = QFormLayout()
        self.enabled = QCheckBox(self.tr("Use this style for Ctrl+Enter"))
        self.enabled.setChecked(True)
        self.genre = QLineEdit()
        self.tone = QComboBox()
        self.tone.setEditable(True)
        self.tone.addItems([self.tr(t) if t else "" for t in TONES])
        self.pov = QComboBox()
        for key in ("", *POVS):
            self.pov.addItem(self.tr(POV_LABELS[key]), key)
        self.tense = QComboBox()
        for key in ("", *TENSES):
            self.tense.addItem(self.tr(TENSE_LABELS[key]), key)
        self.length = QComboBox()
        for key in LENGTHS:
            self.length.addItem(self.tr(LENGTH_LABELS[key]), key)
        self.creativity = QSlider(Qt.Orientation.Horizontal)
        self.creativity.setRange(0, 100)
        self.guidance = QSlider(Qt.Orientation.Horizontal)
        self.guidance.setRange(100, 300)
        self.guidance.setToolTip(self.tr("How strongly the style steers (1.0 = no guidance)"))
        # A few lines that wrap: style notes are sentences, not a word.
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText(self.tr("e.g. short sentences, no adverbs"))
        self.notes.setFixedHeight(self.notes.fontMetrics().lineSpacing() * 3 + 12)
        self.notes.setTabChangesFocus(True)
        self.authors_note = QLineEdit()
        self.authors_note.setPlaceholderText(
            self.tr("Author's note, e.g. the storm breaks tonight")
        )
        self.match_button = QPushButton(self.tr("Match my style (from the selection)"))
        self.match_button.clicked.connect(self.match_requested)
        form.addRow(self.enabled)
        for label, widget in (
            (self.tr("Genre"), self.genre),
            (self.tr("Tone"), self.tone),
            (self.tr("Point of view"), self.pov),
            (self.tr("Tense"), self.tense),  # hidden for languages without tense
            (self.tr("Length"), self.length),
            (self.tr("Creativity"), self.creativity),
            (self.tr("Style strength"), self.guidance),
            (self.tr("Style notes"), self.notes),
            (self.tr("Author's note"), self.authors_note),
        ):
            form.addRow(label, widget)
        self._form = form
        form.addRow(self.match_button)
        return form

    # --- style <-> widgets ------------------------------------------------------------
    def current_style(self) -> Style:
        """The style the widgets show."""
        return Style(
            genre=self.genre.text().strip(),
            tone=self.tone.currentText().strip(),
            pov=self.pov.currentData(),
            tense=self.tense.currentData(),
            length=self.length.currentData(),
            creativity=self.creativity.value() / 100,
            guidance=self.guidance.value() / 100,
            notes=self.notes.toPlainText().strip(),
        )

    def styled(self) -> bool:
        """Whether continuations follow the panel: it is on and set. An untouched panel
        means plain continuation with the Preferences sampler."""
        note = self.authors_note.text().strip()
        return self.enabled.isChecked() and (self.current_style() != Style() or bool(note))

    def set_style(self, style: Style) -> None:
        """Show `style` in the widgets (without emitting `changed`)."""
        self._loading = True
        try:
            self.genre.setText(style.genre)
            self.tone.setCurrentText(style.tone)
            self.pov.setCurrentIndex(max(0, self.pov.findData(style.pov)))
            self.tense.setCurrentIndex(max(0, self.tense.findData(style.tense)))
            self.length.setCurrentIndex(max(0, self.length.findData(style.length)))
            self.creativity.setValue(round(style.creativity * 100))
            self.guidance.setValue(round(style.guidance * 100))
            self.notes.setPlainText(style.notes)
        finally:
            self._loading = False
        self._applied = self.current_style().with_(name=style.name) if style.name else None
        self._show_preset_state()

    def match_passage(self, passage: str) -> bool:
        """'Match my style': the person and tense `passage` shows (the panel's where it
        shows none) and notes drawn from it become the panel's style (`changed` goes out).
        False, said in the status, for a passage too short to tell."""
        passage = passage.replace("\u2029", "\n")  # Qt's paragraph separator
        if too_short_to_match(passage):
            self.status.emit(self.tr("Select a passage of a few sentences first."))
            return False
        derived = match_style(passage)
        current = self.current_style()
        style = current.with_(
            pov=derived.pov or current.pov,
            tense=derived.tense or current.tense,
            notes=derived.notes,
        )
        self.set_style(style)
        self.changed.emit(style)
        self.status.emit(self.tr("Style matched to the selection."))
        return True

    def set_genre(self, genre: str) -> None:
        """The genre typed elsewhere (the story bible shows the same setting)."""
        if genre != self.genre.text():
            self.genre.setText(genre)
            self._on_any_changed()

    def _on_any_changed(self, *_args: object) -> None:
        if not self._loading:
            self.changed.emit(self.current_style())
            if self._applied is not None:
                self._show_preset_state()

    def set_language(self, lang: str) -> None:
        """Tense is hidden for a language whose verbs carry none (Chinese)."""
        self._form.setRowVisible(self.tense, pack(lang).has_tense)

    # --- presets ----------------------------------------------------------------------
    def presets(self, problems: list[str] | None = None) -> dict[str, Style]:
        """Built-in presets, then the writer's own (which win on a name clash). Why a preset
        file was skipped is added to `problems`."""
        return {**builtin_presets(), **user_presets(self.presets_dir, problems)}

    def reload_presets(self, select: str = "") -> None:
        """Refill the preset list (a preset file that cannot be used is named and skipped)."""
        self.preset.clear()
        problems: list[str] = []
        presets = self.presets(problems)
        if problems:
            self.status.emit(
                self.tr("Some style presets were skipped: {0}").format(
                    " ".join(translate_message(p) for p in problems[:3])
                )
            )
        self.preset.addItem(self.tr("Choose a preset…"), "")
        for name in presets:
            self.preset.addItem(self.tr(name), name)  # built-in names come translated
        if select:
            self.preset.setCurrentIndex(max(0, self.preset.findData(select)))
        self._show_preset_state()

    def apply_selected_preset(self) -> None:
        """Apply the preset chosen in the list."""
        style = self.presets().get(str(self.preset.currentData() or ""))
        if style is not None:
            self.set_style(style)
            self._applied = self.current_style().with_(name=style.name)
            self.changed.emit(self.current_style().with_(name=style.name))
            self.status.emit(self.tr("Style preset “{0}” applied.").format(style.name))
            self._show_preset_state()

    def _show_preset_state(self, *_args: object) -> None:
        chosen = str(self.preset.currentData() or "")
        applied = self._applied
        if chosen and (applied is None or applied.name != chosen):
            text = self.tr("“{0}” is chosen but not applied: press Apply.").format(
                self.preset.currentText()
            )
        elif applied is not None and self.current_style().with_(name=applied.name) != applied:
            text = self.tr("Preset “{0}”, changed since.").format(self.tr(applied.name))
        elif applied is not None:
            text = self.tr("Using preset “{0}”.").format(self.tr(applied.name))
        else:
            text = ""
        self.preset_state.setText(text)
        self.preset_state.setVisible(bool(text))
        self.apply_preset_button.setEnabled(bool(chosen))

    def save_as_preset(self, name: str | None = None) -> Path | None:
        """Save the current style as one of the writer's presets."""
        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("Save preset"), self.tr("Preset name:"))
            if not ok or not name.strip():
                return None
        name = name.strip()
        try:
            self.presets_dir.mkdir(parents=True, exist_ok=True)
            path = preset_path(self.presets_dir, name)
            save_preset(self.current_style().with_(name=name), path)
        except (StyleError, SaveError, RefusedFile, OSError) as exc:
            self.status.emit(self.tr("Preset not saved: {0}").format(translate_message(str(exc))))
            return None
        self.reload_presets(select=name)
        self.status.emit(self.tr("Saved preset “{0}”.").format(name))
        return path

    def export_preset(self, path: str | None = None) -> bool:
        """Write the current style to a TOML file the writer chooses."""
        path = (
            path
            or QFileDialog.getSaveFileName(
                self, self.tr("Export style"), "", self.tr("TOML (*.toml)")
            )[0]
        )
        if not path:
            return False
        try:
            save_preset(
                self.current_style().with_(
                    name=str(self.preset.currentData() or "") or self.tr("My style")
                ),
                Path(path),
            )
        except SaveError as exc:
            self.status.emit(self.tr("Preset not saved: {0}").format(translate_message(str(exc))))
            return False
        return True

    def import_preset(self, path: str | None = None) -> bool:
        """Read a preset file, add it to the writer's presets and apply it."""
        path = (
            path
            or QFileDialog.getOpenFileName(
                self, self.tr("Import style"), "", self.tr("TOML (*.toml)")
            )[0]
        )
        if not path:
            return False
        try:
            style = load_preset(Path(path))
        except (StyleError, RefusedFile) as exc:
            self.status.emit(
                self.tr("Preset not imported: {0}").format(translate_message(str(exc)))
            )
            return False
        self.set_style(style)
        if self.save_as_preset(style.name or Path(path).stem) is None:
            return False
        self.changed.emit(self.current_style())
        return True
