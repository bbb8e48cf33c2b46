"""Inkling's model-side core: engines, prompts, jobs and persistence. Never imports Qt."""
