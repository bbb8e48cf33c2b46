"""Manuscript formats: importing .txt/.md/.docx into a project, exporting a book.

One direction: book.py holds the book model and the text rules every writer shares; the
writers (docx_out, epub_out, text_out) import it, and export.py picks the writer.

May import: backend.story, backend.storage, backend.text, backend.untrusted.
"""
