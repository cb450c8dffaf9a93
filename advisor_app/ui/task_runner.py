"""One background worker for database work; results come back to the UI thread by signal.

A service call never runs on the UI thread, so the window never freezes. Callbacks whose
owner widget was closed meanwhile are dropped instead of touching a deleted C++ object.

The worker thread gets the work and a task number, nothing else: the owner and the callbacks
(bound methods of widgets) stay with the runner on the UI thread. Had the worker held them,
it could drop the last reference to a widget that only Python keeps alive (a dialog without
a parent), and the widget would be deleted on the worker thread: a crash in Qt.
"""

from __future__ import annotations

import itertools
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QObject, QThreadPool, Signal

from advisor_app.domain.errors import ServiceError

log = logging.getLogger(__name__)

ResultCallback = Callable[[Any], None]
ErrorCallback = Callable[[ServiceError], None]


def log_bug(exc: BaseException) -> None:
    """Log an unexpected error without its message: messages (SQL parameters, values) may
    carry personal data; the type and the stack are enough to find the bug."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("unexpected %s\n%s", type(exc).__name__, frames)


@dataclass(frozen=True)
class _Callbacks:
    owner: QObject | None
    on_result: ResultCallback
    on_error: ErrorCallback | None
    on_bug: Callable[[], None] | None


class TaskRunner(QObject):
    busy_changed = Signal(bool)
    #: An unexpected error (our bug): the exception's type name, for the window to show.
    failed = Signal(str)
    _finished = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._tasks: dict[int, _Callbacks] = {}
        self._numbers = itertools.count()
        self._finished.connect(self._on_self_finished)

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def submit(
        self,
        work: Callable[[], Any],
        on_result: ResultCallback,
        on_error: ErrorCallback | None = None,
        *,
        owner: QObject | None = None,
        on_bug: Callable[[], None] | None = None,
    ) -> None:
        """Run ``work()`` on the worker; then ``on_result(value)`` or ``on_error(ServiceError)``
        on the UI thread. Any other exception is a bug: logged and announced by ``failed``
        (the window's message), then ``on_bug()`` of this task alone (a form re-enables Save;
        ``failed`` itself is every task's, so a form must not listen to it).

        ``work`` runs on the worker thread: it must not refer to a widget (read the form
        before, on the UI thread)."""
        number = next(self._numbers)
        self._tasks[number] = _Callbacks(owner, on_result, on_error, on_bug)
        if len(self._tasks) == 1:
            self.busy_changed.emit(True)

        def job() -> None:  # no owner, no callbacks here (see the module docstring)
            try:
                outcome: tuple[int, Any, BaseException | None] = (number, work(), None)
            except BaseException as exc:  # delivered to the UI thread, never swallowed
                outcome = (number, None, exc)
            self._finished.emit(outcome)

        self._pool.start(job)

    def _on_self_finished(self, outcome: tuple[int, Any, BaseException | None]) -> None:
        number, value, exc = outcome
        task = self._tasks.pop(number)
        if not self._tasks:
            self.busy_changed.emit(False)
        if task.owner is not None and not shiboken6.isValid(task.owner):
            return
        if exc is None:
            task.on_result(value)
        elif isinstance(exc, ServiceError) and task.on_error is not None:
            task.on_error(exc)
        else:
            log_bug(exc)
            self.failed.emit(type(exc).__name__)
            if task.on_bug is not None:
                task.on_bug()

    def wait_idle(self, timeout_ms: int = 30_000) -> bool:
        """Block until queued work is done and its callbacks ran (screenshots, shutdown)."""
        done = self._pool.waitForDone(QDeadlineTimer(timeout_ms))
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()
        return done and not self._tasks
