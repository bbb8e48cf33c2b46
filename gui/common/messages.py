"""Messages from backend/ in the interface's language.

The backend never imports Qt, so its messages for the writer are English sentences with
names and numbers in them. Each template here is one of those sentences with its blanks
named ({name}); a message that matches a template is shown in the translation of the
template, blanks filled in. A message without a template is shown as it is.
"""

from __future__ import annotations

import re
from functools import cache

from PySide6.QtCore import QCoreApplication

from gui.common.i18n import QT_TRANSLATE_NOOP

CONTEXT = "Messages"
TEMPLATES = (
    QT_TRANSLATE_NOOP("Messages", "{name} looks like a binary file, not text; it was not opened."),
    QT_TRANSLATE_NOOP("Messages", "{name} does not exist (was it moved or deleted?)."),
    QT_TRANSLATE_NOOP("Messages", "{name} is a folder."),
    QT_TRANSLATE_NOOP("Messages", "Inkling is not allowed to read {name}."),
    QT_TRANSLATE_NOOP("Messages", "Could not read {name}: {reason}."),
    QT_TRANSLATE_NOOP("Messages", "{name} is {size} MB; Inkling opens texts up to {limit} MB."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "{name} is not valid UTF-8 (first bad byte at offset {offset}). "
        "Open it as {encodings}, or with replacement characters?",
    ),
    QT_TRANSLATE_NOOP(
        "Messages", "Some characters cannot be written as {encoding}; save as UTF-8 instead."
    ),
    QT_TRANSLATE_NOOP(
        "Messages", "Could not save {name}: {reason}. The previous version is unchanged."
    ),
    QT_TRANSLATE_NOOP("Messages", "the disk is full"),
    QT_TRANSLATE_NOOP("Messages", "the disk quota is used up"),
    QT_TRANSLATE_NOOP("Messages", "Inkling is not allowed to write there"),
    QT_TRANSLATE_NOOP("Messages", "the disk is read-only"),
    QT_TRANSLATE_NOOP("Messages", "the folder no longer exists"),
    QT_TRANSLATE_NOOP("Messages", "Choose where to save first."),
    QT_TRANSLATE_NOOP("Messages", "{name} is open in another Inkling window (process {pid})."),
    QT_TRANSLATE_NOOP("Messages", "{name} is being edited on {host}; close it there first."),
    QT_TRANSLATE_NOOP("Messages", "{name} is not an Inkling story (no story.toml)."),
    QT_TRANSLATE_NOOP("Messages", "A stale lock on {name} was cleared (Inkling had stopped)."),
    QT_TRANSLATE_NOOP("Messages", "The chosen model is gone; using the bundled one."),
    QT_TRANSLATE_NOOP("Messages", "{name} is not a GGUF model file (wrong header)."),
    QT_TRANSLATE_NOOP("Messages", "{name} is a folder, not a GGUF model file."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Inkling needs at least {needed} words of your writing to learn your voice; "
        "these texts have {words}.",
    ),
    # Refusals of the untrusted-file gate (backend/untrusted.py).
    QT_TRANSLATE_NOOP(
        "Messages",
        "{name} is not an ordinary file (it is a device, a pipe or a socket); it was not read.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "{name} is larger than {limit}, the most Inkling reads for this kind of file; "
        "it was not read.",
    ),
    QT_TRANSLATE_NOOP("Messages", "{name} nests deeper than {depth} levels; it was not read."),
    QT_TRANSLATE_NOOP(
        "Messages", "{name} leads outside {folder}; Inkling never reads or writes there."
    ),
    QT_TRANSLATE_NOOP("Messages", "{name} is a link Inkling does not follow."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "Voice adapters are not available through a server: its model runs elsewhere.",
    ),
    # Snapshots and backups (backend/story/snapshots.py, backend/story/backup.py).
    QT_TRANSLATE_NOOP(
        "Messages",
        "The backup folder {folder} does not exist (is its drive connected?). Nothing was written.",
    ),
    QT_TRANSLATE_NOOP("Messages", "The backup folder {folder} is not a folder."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "The backup folder {folder} cannot be written to; choose another in File → Backup Folder.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages", "The backup folder {folder} cannot be written to; the backup was not written."
    ),
    QT_TRANSLATE_NOOP("Messages", "The disk holding {folder} is full; the backup was not written."),
    QT_TRANSLATE_NOOP("Messages", "The backup was not written: {reason}"),
    QT_TRANSLATE_NOOP("Messages", "{name} is not a readable zip file ({reason})."),
    QT_TRANSLATE_NOOP("Messages", "{name} is not an Inkling backup (it holds no story.toml)."),
    QT_TRANSLATE_NOOP("Messages", "{name} is damaged: {entry} fails its check ({reason})."),
    QT_TRANSLATE_NOOP("Messages", "{name} is damaged: {entry} cannot be read ({reason})."),
    QT_TRANSLATE_NOOP("Messages", "{target} already exists; restore into a new folder."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "{name} holds {entry}, a name leading outside the folder it is restored into; it was "
        "not restored.",
    ),
    QT_TRANSLATE_NOOP(
        "Messages",
        "{name} holds {entry}, which is a link or special file; it was not restored.",
    ),
    QT_TRANSLATE_NOOP("Messages", "This snapshot is damaged ({reason})."),
    QT_TRANSLATE_NOOP(
        "Messages", "This snapshot is damaged: its text does not match its checksum."
    ),
    QT_TRANSLATE_NOOP("Messages", "The text this snapshot starts from is missing."),
    QT_TRANSLATE_NOOP("Messages", "The text this snapshot starts from is damaged."),
    QT_TRANSLATE_NOOP(
        "Messages",
        "{count} snapshot(s) of this scene could not be read (damaged lines in its history "
        "file); the others are shown.",
    ),
    QT_TRANSLATE_NOOP("Messages", "Could not keep a snapshot: {reason}"),
    # What the import preview notes about a manuscript (backend/formats/manuscript.py).
    QT_TRANSLATE_NOOP("Messages", "No chapter headings were found: the text is one chapter."),
    QT_TRANSLATE_NOOP(
        "Messages", "The text before the first heading became a chapter called “Opening”."
    ),
    QT_TRANSLATE_NOOP("Messages", "Hard-wrapped lines were joined into paragraphs."),
)


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    out = []
    for template in TEMPLATES:
        pattern = re.escape(template)
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", pattern)
        out.append((re.compile(f"^{pattern}$", re.DOTALL), template))
    return tuple(out)


def translate_message(message: str) -> str:
    """`message` in the interface's language, when it matches a known template."""
    for pattern, template in _patterns():
        m = pattern.match(message)
        if m is None:
            continue
        blanks = {k: translate_message(v) for k, v in m.groupdict().items()}
        return QCoreApplication.translate(CONTEXT, template).format(**blanks)
    return message
