"""Generation jobs over an engine; kinds.py holds every job as frozen data."""
