"""Voice adapters: train a LoRA adapter on the writer's own texts (run.py), with the texts
(texts.py), the trainer (trainer.py) and the measures before and after (measure.py,
agreement.py). The command line starts it: backend/cli/voice.py.

May import what backend.jobs may (the manuscript readers of backend.formats for the texts).
"""
