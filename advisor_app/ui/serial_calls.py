"""One service call at a time from a page: its buttons wait until the call has answered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from advisor_app.domain.errors import ServiceError
from advisor_app.ui.forms import ErrorBanner
from advisor_app.ui.task_runner import TaskRunner


class SerialCalls(QWidget):
    """A page whose calls run one after another: ``_run`` clears the message line, marks
    the page busy (``_update_buttons`` reads ``_busy``), and gives the buttons back when
    the call answers, fails, or turns out to be a bug."""

    banner: ErrorBanner
    _runner: TaskRunner
    _busy: bool = False

    def _update_buttons(self) -> None:
        """Enable what applies now; pages say what that is."""

    def _show_call_error(self, error: ServiceError) -> None:
        self.banner.show_error(error, {})

    def _run(self, work: Callable[[], Any], on_result: Callable[[Any], None]) -> None:
        self.banner.clear()
        self._busy = True
        self._update_buttons()
        self._runner.submit(
            work,
            lambda value: self._finish_then(on_result, value),
            self._on_call_error,
            owner=self,
            on_bug=self._finish,
        )

    def _finish(self) -> None:
        self._busy = False
        self._update_buttons()

    def _finish_then(self, on_result: Callable[[Any], None], value: Any) -> None:
        self._finish()
        on_result(value)

    def _on_call_error(self, error: ServiceError) -> None:
        self._finish()
        self._show_call_error(error)
