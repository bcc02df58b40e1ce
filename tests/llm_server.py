"""A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions protocol, with scripted replies.

No language model runs here: each request takes the next scripted `Step` (or the default step). A reply
text may name passages by section label, `[{Article 50(4)}]`, and the server puts in the number that
passage has in the prompt it received, so scripts do not depend on retrieval order. `{?}` becomes a
number one past the last passage (a marker to a passage that does not exist). `{echo}` becomes the
text of the first passage that contains "ignore previous instructions" (an injection echoed back).

Both plain JSON and streaming (server-sent events, `"stream": true`) replies are served; errors are
sent as the status code asked for, and `garbage` bytes are sent as the body unchanged.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PASSAGE_RE = re.compile(r'<passage n="(\d+)" source="[^"]*" section="([^"]*)"[^>]*>\n(.*?)\n</passage>', re.S)


@dataclass(frozen=True)
class Step:
    text: str = ""
    status: int = 200
    delay: float = 0.0            # seconds before the first byte
    garbage: bytes | None = None  # sent as the body instead of JSON
    chunk: int = 7                # characters per streamed delta


def fill(template: str, prompt: str) -> str:
    passages = PASSAGE_RE.findall(prompt)
    by_label = {label: n for n, label, _ in passages}

    def swap(match: re.Match) -> str:
        key = match.group(1)
        if key == "?":
            return str(len(passages) + 1)
        if key == "echo":
            return next((text for _, _, text in passages if "ignore previous instructions" in text.lower()), "")
        for label, n in by_label.items():
            if key == label or label.startswith(key):
                return n
        raise KeyError(f"no passage with section {key!r} in the prompt; sections: {list(by_label)}")

    return re.sub(r"\{([^{}]+)\}", swap, template)


class ScriptedLLM:
    """`with ScriptedLLM() as llm: llm.enqueue(Step("... [{§ 1035(10)}].")); ChatOpenAI(base_url=llm.url)`"""

    def __init__(self, default: Step | None = None):
        self.default = default or Step("The sources do not answer this.")
        self.steps: deque[Step] = deque()
        self.requests: list[dict] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def enqueue(self, *steps: Step) -> "ScriptedLLM":
        self.steps.extend(steps)
        return self

    def __enter__(self) -> "ScriptedLLM":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self) -> Step:
        return self.steps.popleft() if self.steps else self.default

    def _handler(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet test output
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server naming
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                owner.requests.append(body)
                step = owner._next()
                time.sleep(step.delay)
                try:
                    self._reply(body, step)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout); nothing to do

            def _send(self, status: int, payload: bytes, kind: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _reply(self, body: dict, step: Step) -> None:
                if step.status != 200:
                    error = {"error": {"message": f"scripted HTTP {step.status}", "type": "scripted",
                                       "code": step.status}}
                    self._send(step.status, json.dumps(error).encode())
                    return
                streaming = bool(body.get("stream"))
                if step.garbage is not None:
                    self._send(200, step.garbage, "text/event-stream" if streaming else "application/json")
                    return
                prompt = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
                text = fill(step.text, prompt)
                model = body.get("model", "scripted")
                if not streaming:
                    self._send(200, json.dumps(completion(model, text)).encode())
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for i in range(0, len(text), step.chunk):
                    self._event(chunk(model, {"content": text[i:i + step.chunk]}, None))
                self._event(chunk(model, {}, "stop"))
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

            def _event(self, data: dict) -> None:
                self.wfile.write(b"data: " + json.dumps(data).encode() + b"\n\n")
                self.wfile.flush()

        return Handler


def completion(model: str, text: str) -> dict:
    return {"id": "chatcmpl-scripted", "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


def chunk(model: str, delta: dict, finish: str | None) -> dict:
    return {"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
