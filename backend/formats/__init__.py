"""Manuscript formats: importing .txt/.md/.docx into a project, exporting a book."""
