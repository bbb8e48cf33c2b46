"""Engines behind one protocol (base.py): llama.cpp, transformers and a remote server.

An engine runs the file it is given and reads the file formats that takes: GGUF headers
(gguf_meta.py), LoRA adapter files (adapter_file.py) and transformers folders
(transformers_folder.py); which file to run is backend/models'. Each engine module is
imported only when a model loads (models/spec.py `create_engine`), so importing backend
never loads torch or llama_cpp. llama.cpp's internals are touched in llama_adapter.py and in
the sampler chain it builds with DRY (llama_sampler.py) only.

May import: backend.text, backend.untrusted (adapter files are read through the gate).
Never imports models, storage or anything above them.
"""
