"""Record a consent (samtykke, Consent) the citizen has given on a relation: what it covers,
how it was given, when, and until when (forvaltningsloven § 28: specific, and it can be
withdrawn; withdrawing is done on the relative's page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from advisor_app.domain.actor import Actor
from advisor_app.i18n import _
from advisor_app.services.dto import RelationView
from advisor_app.services.facade import Services
from advisor_app.ui.citizen_form import ConsentFields, ServiceDialog
from advisor_app.ui.task_runner import TaskRunner


class ConsentDialog(ServiceDialog):
    consent_saved = Signal(object)  # ConsentView

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        relation: RelationView,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._services = services
        self._actor = actor
        self._relation = relation
        self.setObjectName("consent_dialog")
        self.setWindowTitle(_("Add consent"))
        who = QLabel(_("Consent given by {name}").format(name=relation.citizen.name))
        who.setObjectName("consent_citizen")
        who.setTextFormat(Qt.TextFormat.PlainText)
        who.setWordWrap(True)
        self.consent_fields = ConsentFields(single=True)
        layout = QVBoxLayout(self)
        layout.addWidget(who)
        layout.addWidget(self.banner)
        layout.addWidget(self.consent_fields, 1)
        layout.addWidget(self.buttons)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.banner.isVisible():
            self.consent_fields.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def fields(self) -> dict[str, QWidget]:
        return self.consent_fields.fields()

    def build_call(self) -> Callable[[], Any]:
        services, actor, relation_id = self._services, self._actor, self._relation.id
        (data,) = self.consent_fields.value()  # single mode: exactly one scope
        return lambda: services.relatives.add_consent(actor, relation_id, data)

    def deliver(self, result: Any) -> None:
        self.consent_saved.emit(result)
