"""The one TwinGuard of a server process, with what the facade does not do for itself: a lock so that only
one request indexes at a time, start-up preparation (model, store, index) and readiness."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from assistant.errors import AssistantError
from assistant.index.indexer import IndexReport
from assistant.twinguard import TwinGuard

log = logging.getLogger(__name__)


class Service:
    def __init__(self, tg: TwinGuard):
        self.tg = tg
        self.index_lock = threading.Lock()     # index() and add() are not safe to run twice at once
        self.preparing = False
        self.problem = ""                      # why preparation failed, for /readyz

    def start(self) -> threading.Thread:
        """Prepare in a background thread; not ready until it is done."""
        self.preparing = True
        worker = threading.Thread(target=self.prepare, name="twinguard-prepare", daemon=True)
        worker.start()
        return worker

    def prepare(self) -> None:
        """Load the model, open the store and build the index if nothing is indexed yet, so that the first
        question is answered at once. Meant for a background thread at start-up; failures go to /readyz."""
        self.preparing = True
        try:
            warm_up = getattr(self.tg.embedder, "warm_up", None)
            if warm_up:
                warm_up()
            if not self.tg.indexed:
                log.warning("Nothing is indexed yet: indexing %s", self.tg.settings.corpus)
                self.index()
            self.tg.store.count()
            self.problem = ""
        except AssistantError as exc:
            self.problem = str(exc)
            log.warning("TwinGuard is not ready: %s", exc)
        except Exception as exc:            # a background thread: report, do not vanish
            self.problem = f"Start-up failed ({exc.__class__.__name__}); see the server log."
            log.exception("TwinGuard start-up failed")
        finally:
            self.preparing = False

    def index(self) -> IndexReport:
        with self.index_lock:
            return self.tg.index()

    def add(self, name: str, data: bytes) -> tuple[Path, IndexReport]:
        """Store a staff document in the library and index it (raises AssistantError/LoadError)."""
        from assistant.index.library import add_to_library

        with self.index_lock:
            path = add_to_library(self.tg.settings, name, data)
            return path, self.tg.index()

    def readiness(self) -> tuple[bool, str]:
        """(ready, why not)."""
        if self.preparing:
            return False, "Starting: loading the model and checking the index."
        try:
            if not self.tg.indexed:
                return False, self.problem or "Nothing is indexed yet."
            if self.problem:         # start-up failed (e.g. another process was indexing): ready once it works
                self.tg.store.count()
                self.problem = ""
        except AssistantError as exc:
            return False, str(exc)
        return True, ""
