"""What every part of the window uses: translations, messages from the backend in the
interface's language, the theme and the writing font, read-only tables.

Imports nothing else from gui/.
"""
