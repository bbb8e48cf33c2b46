"""Preferences: every setting, applied live and saved at once."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QSize, Signal
from PySide6.QtGui import QFont, QKeySequence, QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFontComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from backend.engines.base import EngineKind
from backend.storage.settings import DEFAULT_HOTKEYS, HOTKEY_NAMES, THEMES, Settings, SettingsError
from gui.common.i18n import INTERFACE_LANGUAGES, QT_TRANSLATE_NOOP
from gui.editor.column import COMFORTABLE_COLUMN

# The text column widths the settings accept (backend/storage/settings.py); 0 there is the
# editor's comfortable measure.
MIN_COLUMN, MAX_COLUMN = 30, 300
_NUMBER = re.compile(r"\d{1,6}")  # a width typed; longer runs of digits count as two numbers

HOTKEY_LABELS = {
    "accept": QT_TRANSLATE_NOOP("PreferencesDialog", "Accept suggestion"),
    "accept_word": QT_TRANSLATE_NOOP("PreferencesDialog", "Accept next word"),
    "dismiss": QT_TRANSLATE_NOOP("PreferencesDialog", "Dismiss suggestion"),
    "next": QT_TRANSLATE_NOOP("PreferencesDialog", "Next alternative"),
    "previous": QT_TRANSLATE_NOOP("PreferencesDialog", "Previous alternative"),
    "request": QT_TRANSLATE_NOOP("PreferencesDialog", "Suggest now"),
}
# Keys the Edit menu keeps for every text field: a suggestion hotkey would take them over.
EDIT_KEYS = {
    QKeySequence.StandardKey.Cut: QT_TRANSLATE_NOOP("PreferencesDialog", "Cut"),
    QKeySequence.StandardKey.Copy: QT_TRANSLATE_NOOP("PreferencesDialog", "Copy"),
    QKeySequence.StandardKey.Paste: QT_TRANSLATE_NOOP("PreferencesDialog", "Paste"),
    QKeySequence.StandardKey.SelectAll: QT_TRANSLATE_NOOP("PreferencesDialog", "Select All"),
}


def _edit_key_owner(seq: str) -> str:
    """The Edit entry that owns the key sequence `seq` ('' if none)."""
    pressed = QKeySequence(seq)
    for key, label in EDIT_KEYS.items():
        if any(pressed.matches(k) == QKeySequence.SequenceMatch.ExactMatch
               for k in QKeySequence.keyBindings(key)):  # fmt: skip
            return QCoreApplication.translate("PreferencesDialog", label)
    return ""


def _label(name: str) -> str:
    return QCoreApplication.translate("PreferencesDialog", HOTKEY_LABELS[name])


def hotkey_conflicts(hotkeys: dict[str, str]) -> list[str]:
    """Messages for hotkeys that are empty or bound to two actions."""
    seen: dict[str, str] = {}
    problems = []
    for name in HOTKEY_NAMES:
        seq = QKeySequence(hotkeys.get(name, "")).toString()
        if not seq:
            problems.append(
                QCoreApplication.translate("PreferencesDialog", "{0} has no key.").format(
                    _label(name)
                )
            )
            continue
        owner = _edit_key_owner(seq)
        if owner:
            problems.append(
                QCoreApplication.translate("PreferencesDialog", "{0} is kept for {1}.").format(
                    seq, owner
                )
            )
        if seq in seen:
            problems.append(
                QCoreApplication.translate(
                    "PreferencesDialog", "{0} is used by both {1} and {2}."
                ).format(seq, seen[seq], _label(name))
            )
        seen[seq] = _label(name)
    return problems


class ColumnWidthBox(QSpinBox):
    """The text column's width, MIN_COLUMN to MAX_COLUMN characters. The comfortable measure
    (0 in the settings) sits in its place among them, at COMFORTABLE_COLUMN: Up and Down step
    on from it, and no width the editor would not use is ever shown or taken."""

    def __init__(
        self, comfortable: str, count: Callable[[int], str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.comfortable = comfortable  # what the comfortable measure is called
        self._count = count  # 'N characters', the plural as the language has it
        self.setRange(MIN_COLUMN, MAX_COLUMN)

    def characters(self) -> int:
        """The width for the settings (0: the comfortable measure)."""
        return 0 if self.value() == COMFORTABLE_COLUMN else self.value()

    def set_characters(self, chars: int) -> None:
        """Show a width from the settings (0: the comfortable measure)."""
        self.setValue(chars or COMFORTABLE_COLUMN)

    def textFromValue(self, value: int) -> str:
        """The comfortable measure's name, or the width in characters."""
        return self.comfortable if value == COMFORTABLE_COLUMN else self._count(value)

    def valueFromText(self, text: str) -> int:
        """The width typed (the comfortable measure for its own text)."""
        numbers = _NUMBER.findall(text)
        if text.strip() == self.comfortable or not numbers:
            return COMFORTABLE_COLUMN
        return max(MIN_COLUMN, min(MAX_COLUMN, int(numbers[0])))

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        """A width in range or the comfortable text; a number too small while it is typed."""
        numbers = _NUMBER.findall(text)
        if text.strip() == self.comfortable:
            state = QValidator.State.Acceptable
        elif len(numbers) > 1 or (numbers and int(numbers[0]) > MAX_COLUMN):
            state = QValidator.State.Invalid
        elif not numbers or int(numbers[0]) < MIN_COLUMN:
            # Unfinished: Qt puts back the last width if the box is left like this.
            state = QValidator.State.Intermediate
        else:
            state = QValidator.State.Acceptable
        return state, text, pos

    def sizeHint(self) -> QSize:
        """Room for the comfortable text, the longest the box shows."""
        return self._widened(super().sizeHint())

    def minimumSizeHint(self) -> QSize:
        """As sizeHint: the comfortable text is never cut."""
        return self._widened(super().minimumSizeHint())

    def _widened(self, hint: QSize) -> QSize:
        metrics = self.fontMetrics()
        widest = metrics.horizontalAdvance(self.textFromValue(MAX_COLUMN))
        extra = metrics.horizontalAdvance(self.comfortable) - widest
        return QSize(hint.width() + max(0, extra), hint.height())


class PreferencesDialog(QDialog):
    """Edits a copy of the settings; each valid change is emitted at once."""

    settings_changed = Signal(object)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Preferences"))
        self.settings = copy.deepcopy(settings)
        self._loading = False
        tabs = QTabWidget()
        tabs.addTab(self._editor_tab(), self.tr("Editor"))
        tabs.addTab(self._suggestions_tab(), self.tr("Suggestions"))
        tabs.addTab(self._model_tab(), self.tr("Model"))
        tabs.addTab(self._backups_tab(), self.tr("Backups"))
        self.problem_label = QLabel("")
        self.problem_label.setStyleSheet("color: #b00020")
        self.problem_label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.reset_button = buttons.addButton(
            self.tr("Reset to defaults"), QDialogButtonBox.ButtonRole.ResetRole
        )
        self.reset_button.clicked.connect(self.reset_to_defaults)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(self.problem_label)
        layout.addWidget(buttons)
        self._load(self.settings)

    # --- tabs -----------------------------------------------------------------------
    def _editor_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.theme = QComboBox()
        names = {"system": self.tr("System"), "light": self.tr("Light"), "dark": self.tr("Dark")}
        self.theme.addItems([names.get(t, t) for t in THEMES])
        self.language = QComboBox()
        self.language.addItem(self.tr("System language"), "")
        for code, name in INTERFACE_LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setToolTip(self.tr("Applies the next time Inkling starts."))
        self.font_family = QFontComboBox()
        self.font_size = QSpinBox()
        self.font_size.setRange(6, 72)
        form.addRow(self.tr("Theme"), self.theme)
        form.addRow(self.tr("Interface language"), self.language)
        form.addRow(self.tr("Font"), self.font_family)
        form.addRow(self.tr("Size"), self.font_size)
        # The comfortable measure is centred; a wide number fills the window.
        self.column_width = ColumnWidthBox(
            self.tr("Comfortable (about {0} characters)").format(COMFORTABLE_COLUMN),
            lambda n: self.tr("%n characters", "", n),
        )
        self.column_width.setToolTip(
            self.tr("The longest line of text; a large number lets the text fill the window.")
        )
        self.typewriter = QCheckBox(self.tr("Typewriter scrolling in focus mode (F11)"))
        self.spellcheck = QCheckBox(self.tr("Check spelling as I write"))
        form.addRow(self.tr("Text column width"), self.column_width)
        form.addRow(self.typewriter)
        form.addRow(self.spellcheck)
        self.column_width.valueChanged.connect(self._changed)
        self.typewriter.toggled.connect(self._changed)
        self.spellcheck.toggled.connect(self._changed)
        self.theme.currentIndexChanged.connect(self._changed)
        self.language.currentIndexChanged.connect(self._changed)
        self.font_family.currentFontChanged.connect(self._changed)
        self.font_size.valueChanged.connect(self._changed)
        return page

    def _suggestions_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.suggest_enabled = QCheckBox(self.tr("Suggest as I type"))
        self.delay = QSpinBox()
        self.delay.setRange(0, 5000)
        self.delay.setSuffix(self.tr(" ms"))
        self.suggest_tokens = QSpinBox()
        self.suggest_tokens.setRange(1, 64)
        self.suggest_tokens.setSuffix(self.tr(" word pieces"))
        self.suggest_tokens.setToolTip(
            self.tr("The model writes in pieces of words (tokens): 12 pieces are about 9 words.")
        )
        form.addRow(self.suggest_enabled)
        form.addRow(self.tr("Pause before suggesting"), self.delay)
        form.addRow(self.tr("Longest suggestion"), self.suggest_tokens)
        self.hotkey_edits: dict[str, QKeySequenceEdit] = {}
        for name in HOTKEY_NAMES:
            edit = QKeySequenceEdit()
            edit.setMaximumSequenceLength(1)
            edit.keySequenceChanged.connect(self._changed)
            self.hotkey_edits[name] = edit
            form.addRow(_label(name), edit)
        self.suggest_enabled.toggled.connect(self._changed)
        self.delay.valueChanged.connect(self._changed)
        self.suggest_tokens.valueChanged.connect(self._changed)
        return page

    def _model_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        row = QHBoxLayout()
        self.model_path = QLineEdit()
        self.model_path.setPlaceholderText(self.tr("Bundled model (Gemma 3 270M)"))
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._browse_model)
        row.addWidget(self.model_path)
        row.addWidget(browse)
        holder = QWidget()
        holder.setLayout(row)
        self.engine = QComboBox()
        self.engine.addItems([self.tr("Automatic"), EngineKind.LLAMACPP, EngineKind.TRANSFORMERS])
        form.addRow(self.tr("Model"), holder)
        form.addRow(self.tr("Engine"), self.engine)
        form.addRow(QLabel(self.tr("A new model loads the next time Inkling starts.")))
        self.temperature = self._double(0.0, 5.0, 0.05)
        self.top_p = self._double(0.01, 1.0, 0.01)
        self.top_k = QSpinBox()
        self.top_k.setRange(0, 1000)
        self.min_p = self._double(0.0, 1.0, 0.01)
        self.repeat_penalty = self._double(0.5, 5.0, 0.05)
        self.max_tokens = QSpinBox()
        self.max_tokens.setRange(1, 2048)
        self.max_tokens.setSuffix(self.tr(" word pieces"))
        # The sampler's settings keep their usual names for those who know them, in a box
        # of their own, under one line for everyone else.
        advanced = QGroupBox(self.tr("How the model picks its words (advanced)"))
        inner = QFormLayout(advanced)
        explain = QLabel(
            self.tr(
                "The defaults suit most writing. Higher temperature: bolder, stranger words; "
                "lower: safer, plainer ones."
            )
        )
        explain.setWordWrap(True)
        inner.addRow(explain)
        form.addRow(advanced)
        for label, widget in (
            (self.tr("Temperature"), self.temperature),
            (self.tr("Top-p"), self.top_p),
            (self.tr("Top-k"), self.top_k),
            (self.tr("Min-p"), self.min_p),
            (self.tr("Repetition penalty"), self.repeat_penalty),
            (self.tr("Continuation length"), self.max_tokens),
        ):
            inner.addRow(label, widget)
            widget.valueChanged.connect(self._changed)
        self.model_path.editingFinished.connect(self._changed)
        self.engine.currentIndexChanged.connect(self._changed)
        return page

    def _backups_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.backup_on_close = QCheckBox(self.tr("Back up a story when I close it, if it changed"))
        row = QHBoxLayout()
        self.backup_folder = QLineEdit()
        self.backup_folder.setPlaceholderText(self.tr("Inkling's own data folder"))
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._browse_backup_folder)
        row.addWidget(self.backup_folder)
        row.addWidget(browse)
        holder = QWidget()
        holder.setLayout(row)
        self.keep_last = QSpinBox()
        self.keep_last.setRange(1, 1000)
        self.keep_days = QSpinBox()
        self.keep_days.setRange(0, 366)
        self.keep_days.setSuffix(self.tr(" days"))
        self.keep_weeks = QSpinBox()
        self.keep_weeks.setRange(0, 520)
        self.keep_weeks.setSuffix(self.tr(" weeks"))
        self.snapshot_limit = QSpinBox()
        self.snapshot_limit.setRange(1, 100_000)
        self.snapshot_limit.setSuffix(self.tr(" MB"))
        form.addRow(self.backup_on_close)
        form.addRow(self.tr("Backup folder"), holder)
        form.addRow(self.tr("Keep the newest"), self.keep_last)
        form.addRow(self.tr("And one a day for"), self.keep_days)
        form.addRow(self.tr("And one a week for"), self.keep_weeks)
        form.addRow(self.tr("Snapshot space per story"), self.snapshot_limit)
        note = QLabel(
            self.tr(
                "A story's own backup folder (File → Backup Folder) wins over this one. When "
                "snapshots outgrow their space the oldest go first; named ones are never removed."
            )
        )
        note.setWordWrap(True)
        form.addRow(note)
        self.backup_on_close.toggled.connect(self._changed)
        self.backup_folder.editingFinished.connect(self._changed)
        for box in (self.keep_last, self.keep_days, self.keep_weeks, self.snapshot_limit):
            box.valueChanged.connect(self._changed)
        return page

    def _browse_backup_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self, self.tr("Backup folder"), self.backup_folder.text()
        )
        if path:
            self.backup_folder.setText(path)
            self._changed()

    def _double(self, low: float, high: float, step: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(low, high)
        box.setSingleStep(step)
        box.setDecimals(2)
        return box

    def _browse_model(self) -> None:
        path = QFileDialog.getOpenFileName(
            self, self.tr("Choose a model"), "", self.tr("GGUF (*.gguf)")
        )[0]
        if path:
            self.model_path.setText(path)
            self._changed()

    # --- state ----------------------------------------------------------------------
    def _load(self, s: Settings) -> None:
        self._loading = True
        try:
            self.theme.setCurrentIndex(THEMES.index(s.editor.theme))
            self.language.setCurrentIndex(max(0, self.language.findData(s.editor.language)))
            self.font_family.setCurrentFont(QFont(s.editor.font_family))
            self.font_size.setValue(s.editor.font_size)
            self.column_width.set_characters(s.editor.column_width)
            self.typewriter.setChecked(s.editor.typewriter)
            self.spellcheck.setChecked(s.editor.spellcheck)
            self.suggest_enabled.setChecked(s.suggestions.enabled)
            self.delay.setValue(s.suggestions.delay_ms)
            self.suggest_tokens.setValue(s.suggestions.max_tokens)
            for name, edit in self.hotkey_edits.items():
                edit.setKeySequence(QKeySequence(s.suggestions.hotkeys.get(name, "")))
            self.model_path.setText(s.model.path)
            self.engine.setCurrentIndex(max(0, self.engine.findText(s.model.engine)))
            self.temperature.setValue(s.sampler.temperature)
            self.top_p.setValue(s.sampler.top_p)
            self.top_k.setValue(s.sampler.top_k)
            self.min_p.setValue(s.sampler.min_p)
            self.repeat_penalty.setValue(s.sampler.repeat_penalty)
            self.max_tokens.setValue(s.sampler.max_tokens)
            self.backup_on_close.setChecked(s.keeping.backup_on_close)
            self.backup_folder.setText(s.keeping.backup_folder)
            self.keep_last.setValue(s.keeping.keep_last)
            self.keep_days.setValue(s.keeping.keep_days)
            self.keep_weeks.setValue(s.keeping.keep_weeks)
            self.snapshot_limit.setValue(s.keeping.snapshot_limit_mb)
        finally:
            self._loading = False

    def _changed(self, *_args: object) -> None:
        if self._loading:
            return
        candidate = copy.deepcopy(self.settings)
        candidate.editor.theme = THEMES[self.theme.currentIndex()]
        candidate.editor.language = str(self.language.currentData() or "")
        candidate.editor.font_family = self.font_family.currentFont().family()
        candidate.editor.font_size = self.font_size.value()
        candidate.editor.column_width = self.column_width.characters()
        candidate.editor.typewriter = self.typewriter.isChecked()
        candidate.editor.spellcheck = self.spellcheck.isChecked()
        candidate.suggestions.enabled = self.suggest_enabled.isChecked()
        candidate.suggestions.delay_ms = self.delay.value()
        candidate.suggestions.max_tokens = self.suggest_tokens.value()
        candidate.suggestions.hotkeys = {
            name: edit.keySequence().toString() for name, edit in self.hotkey_edits.items()
        }
        candidate.model.path = self.model_path.text().strip()
        engine = self.engine.currentText()
        candidate.model.engine = "" if self.engine.currentIndex() == 0 else engine
        candidate.sampler.temperature = self.temperature.value()
        candidate.sampler.top_p = self.top_p.value()
        candidate.sampler.top_k = self.top_k.value()
        candidate.sampler.min_p = self.min_p.value()
        candidate.sampler.repeat_penalty = self.repeat_penalty.value()
        candidate.sampler.max_tokens = self.max_tokens.value()
        keeping = candidate.keeping
        keeping.backup_on_close = self.backup_on_close.isChecked()
        keeping.backup_folder = self.backup_folder.text().strip()
        keeping.keep_last = self.keep_last.value()
        keeping.keep_days = self.keep_days.value()
        keeping.keep_weeks = self.keep_weeks.value()
        keeping.snapshot_limit_mb = self.snapshot_limit.value()
        problems = hotkey_conflicts(candidate.suggestions.hotkeys)
        try:
            candidate.validate()
        except (SettingsError, ValueError) as exc:
            problems.append(str(exc))
        self.problem_label.setText(" ".join(problems))
        if problems:
            return
        self.settings = candidate
        self.settings_changed.emit(copy.deepcopy(candidate))

    def reset_to_defaults(self) -> None:
        """Every setting back to its default (recent files are kept)."""
        fresh = Settings()
        fresh.recent_files = list(self.settings.recent_files)
        fresh.keeping.project_backup_folders = dict(self.settings.keeping.project_backup_folders)
        fresh.extra = self.settings.extra
        fresh.suggestions.hotkeys = dict(DEFAULT_HOTKEYS)
        self._load(fresh)
        self.settings = fresh
        self.problem_label.setText("")
        self.settings_changed.emit(copy.deepcopy(fresh))
