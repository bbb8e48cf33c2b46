"""Generation jobs over an engine, one module or package per job; kinds.py holds every job
as frozen data. They run headless, the same from the window, the command line and serve.

May import: backend.formats, backend.story, backend.models, backend.storage,
backend.engines, backend.text, backend.untrusted.
"""
