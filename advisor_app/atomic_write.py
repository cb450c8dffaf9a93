"""Write a file whole or not at all: a temporary name in the same folder, then a rename.

A handout PDF, a statistics export or a calendar file written straight to its name is left
half-written (and looks whole) when the disk fills or the program is killed on the way; a
rename within one folder is atomic, so the name shows either the old file or the new one.
The temporary file is made 0600 (``mkstemp``); the written file keeps the mode of the file
it replaces, else stays 0600: the exports hold personal data. Used by the UI and the CLI.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` (same suffix) to write; renamed to ``target`` when
    the block ends without an exception, removed otherwise. For writers that want a name
    (QImage.save)."""
    target = Path(target)
    fd, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.stem[:40]}.", suffix=f".part{target.suffix}"
    )
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        _keep_mode(target, temporary)
        _sync(temporary)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)


def write_bytes_atomically(target: Path, data: bytes) -> None:
    """``target.write_bytes(data)``, but never a partial file under ``target``'s name."""
    with atomic_path(target) as temporary, temporary.open("wb") as file:
        file.write(data)


def _keep_mode(target: Path, temporary: Path) -> None:
    with contextlib.suppress(OSError):
        temporary.chmod(stat.S_IMODE(target.stat().st_mode))


def _sync(path: Path) -> None:
    with path.open("rb+") as file:
        os.fsync(file.fileno())


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
