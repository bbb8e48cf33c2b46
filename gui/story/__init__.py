"""The writing domain in the window: the story bible, its generation and the cast drafted
from an imported book (bible_drafts.py), story details, the style dock, long-book memory and
what the model sees.

May import gui.book, gui.editor, gui.common and gui.worker; never gui.window or gui.models.
"""
