"""Server-sent events for a streamed answer: `delta` events with the verified text as the language model
writes it (none when answers are extractive), then one `answer` event with the final JSON — or an `error`
event if the answer fails after the stream has started."""

from __future__ import annotations

import json
from typing import Iterable, Iterator

from assistant.errors import AssistantError
from assistant.types import Answer

MEDIA_TYPE = "text/event-stream"
HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def event(name: str, data: str) -> str:
    """One event; a multi-line `data` becomes several `data:` lines (clients join them with newlines)."""
    return f"event: {name}\n" + "".join(f"data: {line}\n" for line in data.split("\n")) + "\n"


def answer_events(items: Iterable[str | Answer]) -> Iterator[str]:
    try:
        for item in items:
            if isinstance(item, Answer):
                yield event("answer", json.dumps(item.to_dict(), ensure_ascii=False))
            else:
                yield event("delta", item)
    except AssistantError as exc:
        yield event("error", json.dumps({"error": str(exc)}, ensure_ascii=False))
