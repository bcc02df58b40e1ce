"""A lease: one indexer at a time across processes and hosts, kept as a record in the shared store.

The store has no conditional write, so taking the lease follows Fischer's timed mutual exclusion: read the
record; when it is free (absent, expired, or held by a process of this machine that has died) write ours —
trusted only if the write returned within `settle` seconds of the read —, wait `settle`, and read again:
our record means we hold it. Two contenders cannot both find their own record after the wait, because each
one's write would fall inside the other's wait. Renewals (a heartbeat thread, every third of the lifetime)
repeat the write and the confirming read; release deletes the record while it is still ours. Expiry times
are wall-clock seconds, so hosts sharing a store need clocks that agree to well under the lifetime.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Protocol

from assistant.errors import IndexBusyError


@dataclass(frozen=True)
class LeaseRecord:
    holder: str                 # host:pid:uuid
    expires: float              # wall-clock seconds since the epoch
    machine: str = ""           # boot and pid namespace of the holder: where its pid can be checked

    @property
    def pid(self) -> int:
        try:
            return int(self.holder.split(":")[-2])
        except (IndexError, ValueError):
            return -1

    def free(self, now: float, machine: str) -> bool:
        """Expired, or held by a process of this machine that no longer runs (killed indexers free it)."""
        return self.expires <= now or (bool(machine) and self.machine == machine and not pid_alive(self.pid))


class LeaseBoard(Protocol):
    """Where lease records live. Real: `index.shared.ChromaCatalog`."""

    def read_lease(self, name: str) -> LeaseRecord | None: ...

    def write_lease(self, name: str, record: LeaseRecord) -> None: ...

    def delete_lease(self, name: str) -> None: ...


def this_machine() -> str:
    """Boot id and pid namespace: processes that share both can see each other's pids ("" if unknown)."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        return f"{boot}/{os.stat('/proc/self/ns/pid').st_ino}"
    except OSError:
        return ""


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return True                     # unknown: assume alive, let it expire
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:                                # a zombie (killed, not yet reaped) is dead too
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


class Lease:
    """A named lease on a board, held by this object (`holder` = host:pid:uuid)."""

    def __init__(self, board: LeaseBoard, name: str = "index", *, ttl: float = 30.0, settle: float = 0.3,
                 where: str = "the shared index"):
        if ttl <= 3 * settle:
            raise ValueError(f"the lease lifetime ({ttl} s) must be longer than three settle times ({settle} s)")
        self.board, self.name, self.ttl, self.settle, self.where = board, name, ttl, settle, where
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
        self.machine = this_machine()
        self._deadline = 0.0            # monotonic time until which the lease is surely ours
        self._lost = ""
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    # -- taking and giving back -----------------------------------------------------------------

    def try_acquire(self) -> LeaseRecord | None:
        """Take the lease if it is free; None when held, else the record that holds it."""
        started = time.monotonic()
        current = self.board.read_lease(self.name)
        if current and current.holder != self.holder and not current.free(time.time(), self.machine):
            return current
        self._write()
        if time.monotonic() - started > self.settle:   # too slow to be sure nobody wrote in between: retry
            return self.board.read_lease(self.name) or LeaseRecord("nobody", 0.0)
        return self._confirm(started)

    def acquire(self, wait: float = 0.0) -> None:
        """Take the lease, waiting up to `wait` seconds for its holder; IndexBusyError when it stays held."""
        give_up = time.monotonic() + wait
        while True:
            holder = self.try_acquire()
            if holder is None:
                self._lost = ""
                return
            if holder.holder == self.holder:             # our write was too slow to trust: at once again
                continue
            if time.monotonic() >= give_up:
                left = max(0.0, holder.expires - time.time())
                raise IndexBusyError(
                    f"Another indexer ({holder.holder}) is updating {self.where}; its lease runs for {left:.0f} "
                    "more seconds unless it finishes first. Wait for it to finish and try again.")
            time.sleep(min(1.0, max(0.05, give_up - time.monotonic())))

    def renew(self) -> None:
        """Extend the lease; marks it lost when another holder took it over."""
        started = time.monotonic()
        current = self.board.read_lease(self.name)
        if current is None or current.holder != self.holder:
            self._lost = current.holder if current else "nobody (the record is gone)"
            return
        self._write()
        if self._confirm(started) is not None:
            self._lost = (self.board.read_lease(self.name) or LeaseRecord("nobody", 0)).holder

    def check(self) -> None:
        """Raise IndexBusyError unless the lease is surely still ours (call before each write)."""
        if self._lost or time.monotonic() > self._deadline:
            raise IndexBusyError(
                f"This indexer lost its lease on {self.where} (now held by {self._lost or 'nobody'}) after "
                f"going {self.ttl:.0f} seconds without renewing it; nothing more was written. Run it again.")

    def release(self) -> None:
        current = self.board.read_lease(self.name)
        if current and current.holder == self.holder:
            self.board.delete_lease(self.name)
        self._deadline = 0.0

    @contextmanager
    def held(self, wait: float = 0.0) -> Iterator["Lease"]:
        """Hold the lease for a block, renewed in the background; released at the end."""
        self.acquire(wait)
        self._stop.clear()
        self._beat = threading.Thread(target=self._heartbeat, name=f"lease-{self.name}", daemon=True)
        self._beat.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._beat.join()
            self.release()

    # -- internals --------------------------------------------------------------------------------

    def _write(self) -> None:
        self.board.write_lease(self.name, LeaseRecord(self.holder, time.time() + self.ttl, self.machine))

    def _confirm(self, started: float) -> LeaseRecord | None:
        """After the settle time: None if our record is still there (the lease is ours), else the holder."""
        time.sleep(self.settle)
        current = self.board.read_lease(self.name)
        if current and current.holder == self.holder:
            self._deadline = started + self.ttl - self.settle
            return None
        return current or LeaseRecord("nobody", 0.0)

    def _heartbeat(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            try:
                self.renew()
            except Exception:  # the store is unreachable: retried; if the deadline passes, check() stops the run
                continue
            if self._lost:
                return
