"""Models in the window: Manage Models and its dialogs, voice adapters and their training.

May import gui.book, gui.editor, gui.common and gui.worker; never gui.window or gui.story.
"""
