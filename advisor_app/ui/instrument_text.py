"""Loading a municipality's licensed instrument text (advisor's and admin's windows alike):
ask for the file, read it, hand it to the service on the task runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMainWindow, QWidget

from advisor_app.domain.actor import Actor
from advisor_app.domain.errors import N_, ServiceError, ValidationError
from advisor_app.domain.instruments import Instrument
from advisor_app.i18n import _, current_language
from advisor_app.services.facade import Services
from advisor_app.ui.task_runner import TaskRunner


def ask_for_file(parent: QWidget, on_selected: Callable[[str], None]) -> None:
    dialog = QFileDialog(parent, _("Load licensed instrument text"))
    dialog.setObjectName("load_text_dialog")
    dialog.setNameFilter(_("Instrument text (*.json)"))
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.fileSelected.connect(on_selected)
    dialog.open()


def load(
    owner: QWidget,
    runner: TaskRunner,
    services: Services,
    actor: Actor,
    path: str,
    on_loaded: Callable[[Instrument], None],
    on_error: Callable[[ServiceError], None],
) -> None:
    """Read the file here (a file the user chose) and keep its text for the whole team."""
    try:
        raw = Path(path).read_bytes()
    except OSError:
        on_error(ValidationError(N_("The file could not be read.")))
        return
    runner.submit(
        lambda: services.check_ins.load_instrument_text(actor, raw),
        on_loaded,
        on_error,
        owner=owner,
    )


class InstrumentTextLoader(QObject):
    """The menu item's whole path in one place: ask, read, load, say so in the status bar."""

    loaded = Signal(object)  # Instrument

    def __init__(
        self,
        window: QMainWindow,
        runner: TaskRunner,
        services: Services,
        actor: Actor,
        on_error: Callable[[ServiceError], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._runner = runner
        self._services = services
        self._actor = actor
        self._on_error = on_error

    def ask(self) -> None:
        ask_for_file(self._window, self.load)

    def load(self, path: str) -> None:
        load(
            self._window,
            self._runner,
            self._services,
            self._actor,
            path,
            self._on_loaded,
            self._on_error,
        )

    def _on_loaded(self, instrument: Instrument) -> None:
        self._window.statusBar().showMessage(
            _("The text of {name} is loaded.").format(name=instrument.name_in(current_language())),
            8000,
        )
        self.loaded.emit(instrument)
