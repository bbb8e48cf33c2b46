"""Script-aware text rules shared by every job: sentences, words, counts, context windows,
search and spelling, for Latin scripts and CJK alike.

Imports nothing else from backend.
"""
