"""The remote engine: any OpenAI-compatible completions server, streamed over SSE.

llama.cpp's server, llama-cpp-python's server, Ollama, vLLM, LM Studio and KoboldCpp all
speak `/v1/completions`. Inkling sends plain text (no chat template) with the writer's
sampler settings; top_k, min_p, repeat_penalty and grammar are extensions the llama.cpp
family understands and the others ignore. When the server offers a tokenizer endpoint,
logit bias works too (pronoun and tense control); without one those levers are skipped.

Nothing here runs unless the writer configured a server: the app opens no socket otherwise.
"""

from __future__ import annotations

import http.client
import json
import logging
import ssl
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from backend.engines.assembler import TextAssembler
from backend.engines.base import Constraint, EngineError, ProgressFn, TextStream
from backend.engines.params import SamplerParams
from backend.engines.server_address import strip_api_suffix
from backend.engines.vocabulary import Vocabulary

log = logging.getLogger(__name__)

DEFAULT_CONTEXT = 4096
CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 60.0
RETRIES = 2
RETRY_DELAY_S = 0.5
CHARS_PER_TOKEN = 3  # a cautious estimate for trimming prompts when the server cannot count
RETRY_STATUSES = {502, 503, 504}


class RemoteEngine:
    """Completions from a server of the writer's own."""

    def __init__(
        self,
        url: str,
        model: str = "",
        api_key: str = "",
        name: str | None = None,
        *,
        timeout: float = READ_TIMEOUT_S,
        retries: int = RETRIES,
        extra_stop: Sequence[str] = (),
    ) -> None:
        parts = urlsplit(url.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EngineError(f"{url!r} is not a server address (http://host:port).")
        self.url = url.rstrip("/")
        self._scheme = parts.scheme
        self._host = parts.hostname
        self._port = parts.port or (443 if parts.scheme == "https" else 80)
        self._base_path = parts.path.rstrip("/")
        self._base_path = strip_api_suffix(self._base_path)
        self.model = model
        self._api_key = api_key
        self.name = name or model or self._host
        self.timeout = timeout
        self.retries = retries
        self.extra_stop = tuple(extra_stop)
        self._tokenizer: str | None = None  # "extras" (llama-cpp-python) or "llamacpp"
        self._bos: list[int] = []
        self._context = DEFAULT_CONTEXT
        self._loaded = False
        self._lock = threading.Lock()
        self._active: http.client.HTTPConnection | None = None

    # --- Engine protocol ----------------------------------------------------------------
    def load(self, progress: ProgressFn | None = None) -> None:
        """Reach the server, pick the model, and find out what it supports."""
        report = progress or (lambda _f: None)
        report(0.05)
        models = self._json("GET", "/v1/models")
        ids = [m.get("id", "") for m in models.get("data", []) if isinstance(m, dict)]
        if not self.model:
            if not ids:
                raise EngineError(f"The server at {self.url} lists no models.")
            self.model = ids[0]
        elif ids and self.model not in ids:
            raise EngineError(
                f"The server at {self.url} has no model {self.model!r}; it offers: "
                + ", ".join(ids[:8])
            )
        report(0.5)
        self._probe_tokenizer()
        self._probe_context()
        self._loaded = True
        report(1.0)
        log.info("Connected to %s (%s, tokenizer: %s)", self.url, self.model, self._tokenizer)

    @property
    def context_length(self) -> int:
        """The server's context window when it says, else a safe default."""
        return self._context

    @property
    def vocabulary(self) -> Vocabulary | None:
        """None: a server shares no per-token vocabulary (token healing works on text)."""
        return None

    @property
    def stepper(self) -> None:
        """None: the server samples every token itself."""
        return None

    @property
    def adapters(self) -> None:
        """None: the server's weights are out of reach, so adapters are not available."""
        return None

    @property
    def supports_grammar(self) -> bool:
        """True for the llama.cpp family, which accepts a GBNF `grammar`."""
        return self._tokenizer is not None

    def tokenize(self, text: str) -> list[int]:
        """Token ids through the server's tokenizer endpoint (EngineError if it has none)."""
        self._require()
        if self._tokenizer == "extras":
            ids = self._json("POST", "/extras/tokenize", {"input": text, "model": self.model})
        elif self._tokenizer == "llamacpp":
            ids = self._json("POST", "/tokenize", {"content": text, "add_special": False})
        else:
            raise EngineError("This server does not offer a tokenizer.")
        tokens = list(ids.get("tokens", []))
        if self._bos and tokens[: len(self._bos)] == self._bos:
            tokens = tokens[len(self._bos) :]
        return [int(t) for t in tokens]

    def stream(
        self,
        prompt: str | Sequence[int],
        params: SamplerParams,
        cancel: threading.Event | None = None,
        constraint: Constraint | None = None,
    ) -> TextStream:
        """Yield text as the server streams it; cancelling closes the connection."""
        self._require()
        if not isinstance(prompt, str):
            raise EngineError("The remote engine takes text prompts.")
        stop = [*params.stop, *self.extra_stop]
        payload = self._payload(prompt, params, stop, constraint)
        assembler = TextAssembler(stop)
        with self._lock:
            conn, response = self._open("POST", "/v1/completions", payload, stream=True)
            self._active = conn
            try:
                yield from _stream_text(response, assembler, cancel)
            except TimeoutError as exc:
                raise EngineError(
                    f"The server at {self.url} stopped responding for {self.timeout:.0f} s."
                ) from exc
            except (OSError, http.client.HTTPException) as exc:
                if cancel is not None and cancel.is_set():
                    return
                raise EngineError(f"The connection to {self.url} broke: {exc}.") from exc
            finally:
                # Closing the socket is what tells the server to stop generating.
                self._active = None
                conn.close()

    def _payload(
        self, prompt: str, params: SamplerParams, stop: list[str], constraint: Constraint | None
    ) -> dict[str, Any]:
        """The completions request: the writer's sampler settings, stops, bias, grammar."""
        payload: dict[str, Any] = {
            "model": self.model,
            "prompt": self._fit(prompt, params.max_tokens),
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
            "top_k": params.top_k,
            "min_p": params.min_p,
            "repeat_penalty": params.repeat_penalty,
            "stream": True,
        }
        if stop:
            payload["stop"] = stop[:16]
        if params.seed is not None:
            payload["seed"] = params.seed
        if params.logit_bias:
            payload["logit_bias"] = {str(t): v for t, v in params.logit_bias}
        grammar = constraint.grammar if constraint is not None else None
        if grammar and self.supports_grammar:
            payload["grammar"] = grammar
        return payload

    def close(self) -> None:
        """Drop any open stream."""
        conn = self._active
        if conn is not None:
            conn.close()
        self._loaded = False

    # --- helpers ------------------------------------------------------------------------
    def _require(self) -> None:
        if not self._loaded:
            raise EngineError("No model is loaded.")

    def _fit(self, prompt: str, max_tokens: int) -> str:
        """Keep the end of a prompt that would overflow the server's context window."""
        budget = max(256, (self._context - max_tokens) * CHARS_PER_TOKEN)
        return prompt[-budget:] if len(prompt) > budget else prompt

    def _probe_tokenizer(self) -> None:
        for kind, path, body in (
            ("extras", "/extras/tokenize", {"input": "", "model": self.model}),
            ("llamacpp", "/tokenize", {"content": "", "add_special": False}),
        ):
            try:
                reply = self._json("POST", path, body, retries=0, quiet=True)
            except EngineError:
                continue
            if isinstance(reply.get("tokens"), list):
                self._tokenizer = kind
                self._bos = [int(t) for t in reply["tokens"]]
                return

    def _probe_context(self) -> None:
        try:
            props = self._json("GET", "/props", retries=0, quiet=True)
        except EngineError:
            return
        settings = props.get("default_generation_settings") or {}
        n_ctx = settings.get("n_ctx") or props.get("n_ctx")
        if isinstance(n_ctx, int) and n_ctx > 0:
            self._context = n_ctx

    def _headers(self, stream: bool) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if stream:
            headers["Accept"] = "text/event-stream"
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        return headers

    def _connection(self) -> http.client.HTTPConnection:
        if self._scheme == "https":
            return http.client.HTTPSConnection(
                self._host,
                self._port,
                timeout=CONNECT_TIMEOUT_S,
                context=ssl.create_default_context(),
            )
        return http.client.HTTPConnection(self._host, self._port, timeout=CONNECT_TIMEOUT_S)

    def _open(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        stream: bool = False,
        retries: int | None = None,
        quiet: bool = False,
    ) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        """Send a request, retrying refused connections and busy servers; check the status."""
        attempts = (self.retries if retries is None else retries) + 1
        data = json.dumps(body).encode("utf-8") if body is not None else None
        last = ""
        for attempt in range(attempts):
            if attempt:
                time.sleep(RETRY_DELAY_S * attempt)
            conn = self._connection()
            try:
                conn.request(
                    method, self._base_path + path, body=data, headers=self._headers(stream)
                )
                if conn.sock is not None:
                    conn.sock.settimeout(self.timeout)
                response = conn.getresponse()
            except ConnectionRefusedError:
                conn.close()
                last = (
                    f"Cannot reach the server at {self.url}: the connection was refused. "
                    "Is it running?"
                )
                continue
            except TimeoutError:
                conn.close()
                last = f"The server at {self.url} did not answer within {self.timeout:.0f} s."
                continue
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                last = f"Cannot reach the server at {self.url}: {exc}."
                continue
            if response.status == 200:
                return conn, response
            detail = _message_of(response)
            conn.close()
            if response.status in (401, 403):
                raise EngineError(f"The server at {self.url} refused the API key ({detail}).")
            if response.status in RETRY_STATUSES:
                last = f"The server at {self.url} is busy or down (HTTP {response.status})."
                continue
            if response.status == 404 and not quiet:
                raise EngineError(
                    f"{self.url} has no {path} endpoint; is it an OpenAI-compatible server?"
                )
            raise EngineError(f"The server at {self.url} answered HTTP {response.status}: {detail}")
        raise EngineError(last)

    def _json(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        retries: int | None = None,
        quiet: bool = False,
    ) -> dict[str, Any]:
        conn, response = self._open(method, path, body, retries=retries, quiet=quiet)
        try:
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise EngineError(f"The connection to {self.url} broke: {exc}.") from exc
        finally:
            conn.close()
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise EngineError(f"The server at {self.url} did not answer with JSON.") from exc
        if not isinstance(data, dict):
            raise EngineError(f"The server at {self.url} gave an unexpected answer.")
        return data


def _stream_text(
    response: http.client.HTTPResponse,
    assembler: TextAssembler,
    cancel: threading.Event | None,
) -> TextStream:
    """The text of a completions event stream, through `assembler` (stops honoured)."""
    for event in _sse_events(response, cancel):
        if event == "[DONE]":
            break
        try:
            data = json.loads(event)
        except json.JSONDecodeError:
            continue
        if "error" in data:
            raise EngineError(f"The server reported an error: {_message(data)}")
        choices = data.get("choices") or [{}]
        text = assembler.feed(str(choices[0].get("text", "")).encode("utf-8"))
        if text:
            yield text
        if assembler.stopped:
            break
    tail = assembler.flush()
    if tail and not (cancel is not None and cancel.is_set()):
        yield tail


def _sse_events(
    response: http.client.HTTPResponse, cancel: threading.Event | None
) -> Iterator[str]:
    """The `data:` payloads of a server-sent event stream, stopping when cancelled."""
    data: list[str] = []
    while True:
        if cancel is not None and cancel.is_set():
            return
        line = response.readline()
        if not line:
            if data:
                yield "\n".join(data)
            return
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        if not text:
            if data:
                yield "\n".join(data)
                data = []
            continue
        if text.startswith(":"):
            continue  # a comment / keep-alive
        key, _, value = text.partition(":")
        if key == "data":
            data.append(value[1:] if value.startswith(" ") else value)


def _message(data: dict[str, Any]) -> str:
    err = data.get("error")
    if isinstance(err, dict):
        return str(err.get("message") or err)
    return str(err or data.get("detail") or data)


def _message_of(response: http.client.HTTPResponse) -> str:
    try:
        raw = response.read(4096)
        data = json.loads(raw)
        return _message(data) if isinstance(data, dict) else raw.decode("utf-8", "replace")
    except (OSError, ValueError, http.client.HTTPException):
        return response.reason or "no details"
