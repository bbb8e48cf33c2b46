"""Long-book memory: what the model sees, assembled from named sections within budgets.

budgets.py   the sections, their shares of the context and the writer's pins and mutes
recall.py    keyword retrieval (BM25) over every scene of the book, with its on-disk cache
lore.py      story-bible entries triggered by names and keys, with cascading
assembly.py  the prompt, section by section, and what was left out for lack of room
position.py  a story and a place in it -> the plain data a job carries (BookContext)
synopsis.py  draft synopses: extractive, and the prompt for a model-written one
drafts.py    memory on day one: drafted synopses, cast and memory line for a book with no
             notes, marked as drafts and used only where the writer has written nothing
questions.py a question in plain words -> concepts to look for (forms, weights, "first")
ask.py       ask the book: ranked passages cited by chapter, scene and sentence; the prompt
             and grounding check of the model's one sentence (run by backend/jobs/ask.py)

May import what backend.story may (the project, storage, text, the story facts' data),
never a job.
"""
