"""One window per SQLite database file: a lock file next to it, held with ``flock``.

The lock belongs to the open file description, so the operating system drops it when the
process ends in any way (a crash, ``kill -9``, a power cut): a lock left by a killed process
is stale by construction, and no PID needs checking. The lock file itself stays (0600,
empty); only the lock on it counts. Where ``fcntl`` is missing (Windows) no lock is taken.
The command line takes none: its commands are short transactions SQLite serialises.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from advisor_app.domain.errors import AlreadyOpen
from advisor_app.persistence.file_checks import PRIVATE_MODE

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


class InstanceLock:
    """Held from ``acquire`` until ``release`` (or the process's end)."""

    def __init__(self, database: Path) -> None:
        self.path = lock_path(database)
        self._fd: int | None = None

    def acquire(self) -> InstanceLock:
        """Take the lock or raise ``AlreadyOpen`` at once (never waits)."""
        if fcntl is None or self._fd is not None:
            return self
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, PRIVATE_MODE)
        except OSError:
            # A read-only folder or drive: nothing can be written there by either window,
            # and the database's own checks say so; no lock rather than no start.
            return self
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyOpen() from None
        except OSError:
            os.close(fd)  # a file system without locks: run without one rather than refuse
            return self
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None and fcntl is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.release()
