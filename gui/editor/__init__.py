"""The writing surface: the editor with its ghost text, suggestions, continuations and their
versions, focus mode and spell checking.

May import gui.common and gui.worker; nothing above them.
"""
