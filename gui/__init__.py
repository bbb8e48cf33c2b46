"""Everything Qt: the window, the editor and the bridge to the model thread.

Packages, top to bottom; a package imports only those below it:
    window/            the main window, its menus, status bar, dialogs and the app
    story/ | models/   the story bible, style and memory | models, adapters and voice
    book/              the open document or project: binder, files, find, import, export
    editor/            the writing surface, suggestions and continuations
    common/ | worker   messages, tables, theme, translations | the one model thread
desktop_check.py runs before Qt can start and imports nothing of Inkling's.
"""
