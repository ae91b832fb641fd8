"""An exclusive file lock whose waiters are served in the order they came.

``filelock`` alone is not fair: every waiter polls, and whoever polls first after a
release wins, so with a dozen clients a volunteer's ``task done`` could wait 47 s while
a loop of donations kept getting in. Here every writer first takes a numbered ticket in
``<db>.lock-queue/`` (as stouputils' ``LockFifo`` does: a sequence file and one file per
ticket) and only the holder of the lowest live ticket tries the real lock.

* A ticket is a file the waiter keeps ``flock``\\ ed while it waits and while it holds the
  lock. The kernel drops that flock when the process dies, however it dies, so a ticket
  whose flock can be taken belongs to a dead process: it is skipped and removed.
* The numbers come from ``seq`` in the same folder, read and bumped under its own flock,
  so the order does not depend on clocks.
* The real lock is still ``<db>.lock`` through filelock, so a program that does not
  queue (an older ``lou``) still excludes and is excluded; it is only not served in order.
* The whole wait, in the queue and for the real lock, is bounded by one timeout. After
  half of it, a waiter also tries the real lock directly, so one stuck waiter ahead (a
  command stopped with Ctrl-Z) cannot hold everyone behind it until they give up.

On platforms without ``fcntl`` (Windows) the queue is skipped and the lock is filelock's.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import Any

try:  # pragma: no cover - always there on Linux and macOS
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

POLL_SECONDS = 0.01
SEQUENCE = "seq"
_WIDTH = 20  # ticket numbers are zero-padded, so names sort as numbers


class FairLock:
    """``acquire`` raises :class:`filelock.Timeout` when ``timeout`` seconds pass."""

    def __init__(self, lock_path: Path, queue_dir: Path, timeout: float) -> None:
        from filelock import FileLock

        self.lock = FileLock(lock_path, timeout=timeout)
        self.queue_dir = queue_dir
        self.timeout = timeout
        self.ticket: Path | None = None
        self.ticket_fd: int | None = None

    # -- tickets ------------------------------------------------------------------

    def _next_number(self) -> int:
        fd = os.open(self.queue_dir / SEQUENCE, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            raw = os.pread(fd, _WIDTH, 0)
            number = int(raw) + 1 if raw.strip().isdigit() else 1
            os.pwrite(fd, f"{number:0{_WIDTH}d}".encode(), 0)
            return number
        finally:
            os.close(fd)  # closing drops the flock

    def _take_ticket(self) -> None:
        self.queue_dir.mkdir(parents=True, exist_ok=True)
        ticket = self.queue_dir / f"{self._next_number():0{_WIDTH}d}-{os.getpid()}"
        self.ticket, self.ticket_fd = ticket, self._hold(ticket)

    @staticmethod
    def _hold(ticket: Path) -> int:
        # Readable by all: other users sharing the DB must be able to test its flock.
        fd = os.open(ticket, os.O_RDONLY | os.O_CREAT, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd

    def _still_mine(self) -> None:
        """A waiter that saw our ticket in the instant between its creation and its
        flock took it for a dead one and removed it: put it back, same number."""
        assert self.ticket is not None and self.ticket_fd is not None
        with contextlib.suppress(OSError):
            if os.fstat(self.ticket_fd).st_nlink > 0:
                return
        os.close(self.ticket_fd)
        self.ticket_fd = self._hold(self.ticket)

    def _alive(self, name: str) -> bool:
        """Does the ticket ``name`` belong to a running process? Dead ones are removed."""
        path = self.queue_dir / name
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return False
        except OSError:  # cannot even look (another user's folder rules): assume alive
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        except OSError:  # pragma: no cover - a file system without flock
            return False
        finally:
            os.close(fd)
        with contextlib.suppress(OSError):
            path.unlink()
        return False

    def _first_in_line(self) -> bool:
        assert self.ticket is not None
        mine = self.ticket.name
        ahead = sorted(
            entry.name
            for entry in self.queue_dir.iterdir()
            if entry.name[:1].isdigit() and entry.name < mine
        )
        return not any(self._alive(name) for name in ahead)

    def _drop_ticket(self) -> None:
        if self.ticket is not None:
            with contextlib.suppress(OSError):
                self.ticket.unlink()
        if self.ticket_fd is not None:
            os.close(self.ticket_fd)
        self.ticket, self.ticket_fd = None, None

    # -- the lock -----------------------------------------------------------------

    def acquire(self) -> None:
        from filelock import Timeout

        if fcntl is None:  # pragma: no cover - Windows: filelock's order
            self.lock.acquire()
            return
        started = time.monotonic()
        deadline = started + self.timeout
        impatient = started + self.timeout / 2
        self._take_ticket()
        try:
            while True:
                self._still_mine()
                if self._first_in_line():
                    left = max(0.0, deadline - time.monotonic())
                    self.lock.acquire(timeout=left, poll_interval=POLL_SECONDS)
                    return
                if time.monotonic() >= impatient and self._try_lock():
                    return
                if time.monotonic() >= deadline:
                    raise Timeout(str(self.lock.lock_file))
                time.sleep(POLL_SECONDS)
        except BaseException:
            self._drop_ticket()
            raise

    def _try_lock(self) -> bool:
        """Half the wait gone and still not first: a waiter ahead may be stuck (stopped
        with Ctrl-Z), so compete for the lock too rather than wait past the bound."""
        from filelock import Timeout

        try:
            self.lock.acquire(timeout=0)
        except Timeout:
            return False
        return True

    def release(self) -> None:
        try:
            self.lock.release()
        finally:
            self._drop_ticket()

    def __enter__(self) -> FairLock:
        self.acquire()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()
