"""Which model file to run: the model list (catalogue), the bundled model, downloads, the
writer's choice, each model's voice adapters, and the engine for a spec (spec.py).

May import: backend.storage, backend.engines, backend.text, backend.untrusted. Independent
of backend.story.
"""
