"""Bytes on disk: atomic writes, plain documents, per-user paths, recovery files and locks,
settings and window state, all read through the untrusted-file gate (backend/untrusted.py).
Knows no story: story projects are backend/story/project*.py.

May import: backend.engines (sampler parameters in the settings), backend.text,
backend.untrusted.
"""
