"""Inkling's model-side core: engines, prompts, jobs and persistence. Never imports Qt.

Packages, top to bottom; each imports only what is below it:

cli, serve           the front ends: the command line and the JSON-lines server
jobs                 one package or module per job, run headless
formats              import and export of manuscripts (txt, md, docx, epub)
story | models       the writing domain | which model file, from where (independent)
storage              bytes on disk: atomic writes, documents, paths, recovery, settings
engines              the engines that run a model file, behind one protocol
text | untrusted.py  script-aware text rules | the one gate for files from anywhere
"""
