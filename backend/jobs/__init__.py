"""Generation jobs: plain functions over an engine."""
