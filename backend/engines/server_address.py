"""A server address as the writer types it, kept apart from the remote engine so that
checking a catalogue row does not import the HTTP client (the window starts faster)."""

from __future__ import annotations


def strip_api_suffix(path: str) -> str:
    """A server address's path without a trailing "/v1" (the writer may paste either)."""
    path = path.rstrip("/")
    return path[:-3] if path.endswith("/v1") else path
