"""Edit the citizen (nærtstående, Citizen) a relative cares for: name, CPR, birth year, legal
basis for relief, conditions. The citizen may be shared by several relatives; the change is
logged against the relative whose page it was made from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from advisor_app.domain.actor import Actor
from advisor_app.i18n import _
from advisor_app.services.dto import CitizenView
from advisor_app.services.facade import Services
from advisor_app.ui.citizen_form import CitizenForm, ServiceDialog
from advisor_app.ui.task_runner import TaskRunner


class CitizenDialog(ServiceDialog):
    citizen_saved = Signal(object)  # CitizenView

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        relative_id: int,
        citizen: CitizenView,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._services = services
        self._actor = actor
        self._relative_id = relative_id
        self._citizen = citizen
        self.setObjectName("citizen_dialog")
        self.setWindowTitle(_("Edit citizen"))
        self.citizen_form = CitizenForm()
        self.citizen_form.set_from(citizen)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.citizen_form, 1)
        layout.addWidget(self.buttons)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.banner.isVisible():
            self.citizen_form.name.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def fields(self) -> dict[str, QWidget]:
        return self.citizen_form.fields()

    def build_call(self) -> Callable[[], Any]:
        services, actor, relative_id = self._services, self._actor, self._relative_id
        citizen_id, version = self._citizen.id, self._citizen.version
        data = self.citizen_form.value()
        return lambda: services.relatives.update_citizen(
            actor, citizen_id, version, data, relative_id=relative_id
        )

    def deliver(self, result: Any) -> None:
        self.citizen_saved.emit(result)
