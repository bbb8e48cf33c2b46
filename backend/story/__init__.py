"""The writing domain: the story project on disk (project*.py) and its binder, the story
bible and character cards, style, long-book memory, progress and the language of a story.

May import: backend.storage, backend.engines (sampler parameters of a style),
backend.text, backend.untrusted. Independent of backend.models.
"""
