"""The open document or story project: the binder, scenes and their documents, files (new,
open, save, recovery), import and export, find and replace across the book, goals.

May import gui.editor, gui.common and gui.worker; never gui.story, gui.models or gui.window.
"""
