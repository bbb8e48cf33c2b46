"""Light, dark or the system's own look."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontInfo, QPalette
from PySide6.QtWidgets import QApplication

_system_palette: QPalette | None = None
# Fallbacks for Chinese text after the writer's font, in the order a desktop is likely to
# have them: Noto/Source Han on Linux, the Songti and PingFang of macOS, and SimSun and
# Microsoft YaHei on Windows. Qt tries each for a glyph the first font lacks.
CJK_FALLBACKS = (
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "Songti SC",
    "SimSun",
    "Noto Sans CJK SC",
    "PingFang SC",
    "Microsoft YaHei",
    "WenQuanYi Micro Hei",
)


def writing_font(family: str, point_size: int) -> QFont:
    """The editor's font: the writer's family first, then fonts with Chinese glyphs.

    A generic name ("Serif") is resolved to the family the system picks for it first: in a
    list of families Qt takes names literally, and would skip to the first CJK font (and
    its wide Latin letters) when no family is literally called "Serif".
    """
    font = QFont(family)
    font.setStyleHint(QFont.StyleHint.Serif)
    font.setPointSize(point_size)
    resolved = QFontInfo(font).family()
    font.setFamilies([resolved, *(f for f in CJK_FALLBACKS if f != resolved)])
    return font


def dark_palette() -> QPalette:
    """A calm dark palette for night writing."""
    p = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#23252b",
        QPalette.ColorRole.WindowText: "#e6e1d8",
        QPalette.ColorRole.Base: "#1b1d22",
        QPalette.ColorRole.AlternateBase: "#2a2d34",
        QPalette.ColorRole.Text: "#e6e1d8",
        QPalette.ColorRole.Button: "#2c2f36",
        QPalette.ColorRole.ButtonText: "#e6e1d8",
        QPalette.ColorRole.Highlight: "#5b7bb5",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#2c2f36",
        QPalette.ColorRole.ToolTipText: "#e6e1d8",
        QPalette.ColorRole.PlaceholderText: "#8a8f98",
    }
    for role, colour in colours.items():
        p.setColor(role, QColor(colour))
    return p


def light_palette() -> QPalette:
    """A warm paper-like light palette."""
    p = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#f1ede4",
        QPalette.ColorRole.WindowText: "#24221e",
        QPalette.ColorRole.Base: "#fbf9f4",
        QPalette.ColorRole.AlternateBase: "#f1ede4",
        QPalette.ColorRole.Text: "#24221e",
        QPalette.ColorRole.Button: "#e9e4d9",
        QPalette.ColorRole.ButtonText: "#24221e",
        QPalette.ColorRole.Highlight: "#9db4d8",
        QPalette.ColorRole.HighlightedText: "#000000",
        QPalette.ColorRole.PlaceholderText: "#8b877e",
    }
    for role, colour in colours.items():
        p.setColor(role, QColor(colour))
    return p


def apply_theme(theme: str) -> None:
    """Apply 'light', 'dark' or 'system' to the whole application."""
    global _system_palette
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if _system_palette is None:
        _system_palette = QPalette(app.palette())
    if theme == "dark":
        app.setPalette(dark_palette())
    elif theme == "light":
        app.setPalette(light_palette())
    else:
        app.setPalette(_system_palette)
