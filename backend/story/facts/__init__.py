"""Story facts and the continuity check: what the book says about its people, places and
things, each fact with its citation, and the findings where those facts disagree.

model.py       facts, citations, findings and the report (plain frozen data)
spans.py       sentences with their offsets, numbers in words (English and Chinese)
english.py     extraction rules for English (bodies, ages; english_events.py: family,
               distances, deaths, departures, acts, possessions); chinese.py for Chinese
names.py       the spellings of names in a scene and rare spellings of frequent names
scene.py       one scene's facts, names and time skips; cache.py keeps them per scene,
               keyed by a hash of the scene's text, in the writer's cache folder
bible.py       facts from the story bible, and a fact turned into a bible field
compare.py     facts that disagree; check.py runs the whole check over a Story
dismissals.py  findings the writer dismissed, kept in the project (continuity.toml)

Rule-based, offline and explainable: every finding quotes the sentences it rests on.
May import: backend.story (the Story and its bible), backend.storage, backend.text,
backend.untrusted.
"""
