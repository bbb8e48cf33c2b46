"""Script-aware text rules shared by every job: sentences, words, context windows."""
