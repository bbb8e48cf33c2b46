"""The application and its main window: menus, status bar, preferences, about, and the
session guard that keeps the work on logout.

Composes every other package; nothing in gui/ imports this one.
"""
