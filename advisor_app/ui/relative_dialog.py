"""Register a relative (pårørende, Relative), with the citizen they care for, the relation and
the consents given, in one all-or-nothing service call; or edit the relative's own fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from advisor_app.domain.actor import Actor
from advisor_app.domain.enums import EmploymentStatus, Language
from advisor_app.domain.errors import ServiceError
from advisor_app.i18n import N_, _
from advisor_app.services.dto import ConsentInput, RelativeDetail, RelativeInput, RelativeRow
from advisor_app.services.facade import Services
from advisor_app.ui.citizen_form import (
    CitizenForm,
    ConsentFields,
    RelationFields,
    ServiceDialog,
)
from advisor_app.ui.duplicate_prompt import DuplicatePrompt
from advisor_app.ui.forms import add_row, enum_combo, line_edit, parse_int
from advisor_app.ui.task_runner import TaskRunner


class RelativeFields(QWidget):
    """The relative's own fields. The name field does not cut what is typed or pasted at a
    length limit (that would lose text unnoticed); the service says how long it may be."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = line_edit()
        self.phone = line_edit(max_length=40)
        self.phone.setPlaceholderText(_("e.g. 12 34 56 78"))
        self.email = line_edit(max_length=254)
        self.postcode = line_edit(max_length=4)
        self.birth_year = line_edit(max_length=4)
        self.birth_year.setPlaceholderText(_("e.g. 1958"))
        self.language = enum_combo(list(Language), Language.DANISH)
        self.employment = enum_combo(list(EmploymentStatus), EmploymentStatus.UNKNOWN)
        self.interests = QPlainTextEdit()
        self.interests.setTabChangesFocus(True)
        self.interests.setPlaceholderText(_("What the relative cares about in their own life"))

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        add_row(form, _("&Name"), self.name, "name")
        add_row(form, _("&Phone"), self.phone, "phone")
        add_row(form, _("&E-mail"), self.email, "email")
        add_row(form, _("Post&code"), self.postcode, "postcode")
        add_row(form, _("&Birth year"), self.birth_year, "birth_year")
        add_row(form, _("&Language for letters and handouts"), self.language, "language")
        add_row(form, _("Emp&loyment"), self.employment, "employment")
        add_row(form, _("&Interests"), self.interests, "interests")
        self.setFocusProxy(self.name)

    def set_from(self, detail: RelativeDetail) -> None:
        self.name.setText(detail.name)
        self.phone.setText(detail.phone or "")
        self.email.setText(detail.email or "")
        self.postcode.setText(detail.postcode or "")
        self.birth_year.setText("" if detail.birth_year is None else str(detail.birth_year))
        self.language.setCurrentIndex(self.language.findData(detail.language))
        self.employment.setCurrentIndex(self.employment.findData(detail.employment))
        self.interests.setPlainText(detail.interests or "")

    def value(self) -> RelativeInput:
        return RelativeInput(
            name=self.name.text(),
            phone=self.phone.text(),
            email=self.email.text(),
            postcode=self.postcode.text(),
            birth_year=parse_int(
                self.birth_year.text(), field="birth_year", label_text=N_("The birth year")
            ),
            language=Language(self.language.currentData()),
            employment=EmploymentStatus(self.employment.currentData()),
            interests=self.interests.toPlainText(),
        )

    def fields(self) -> dict[str, QWidget]:
        return {
            "name": self.name,
            "phone": self.phone,
            "email": self.email,
            "postcode": self.postcode,
            "birth_year": self.birth_year,
            "language": self.language,
            "employment": self.employment,
            "interests": self.interests,
        }


class RelativeDialog(ServiceDialog):
    """New mode (``detail`` None): the relative, and optionally the citizen cared for with
    the relation and consents. Edit mode: the relative's own fields only."""

    relative_saved = Signal(object)  # RelativeDetail
    existing_chosen = Signal(object)  # RelativeRow: open this one instead of registering

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        detail: RelativeDetail | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._services = services
        self._actor = actor
        self._detail = detail
        self.setObjectName("relative_dialog")
        self.setWindowTitle(_("Register relative") if detail is None else _("Edit relative"))

        self.relative_fields = RelativeFields()
        relative_box = QGroupBox(_("The relative"))
        QVBoxLayout(relative_box).addWidget(self.relative_fields)
        columns = QHBoxLayout()
        columns.addWidget(relative_box, 1, Qt.AlignmentFlag.AlignTop)

        self.citizen_form = CitizenForm()
        self.relation_fields = RelationFields()
        self.consent_fields = ConsentFields()
        self.citizen_group = QGroupBox(_("&The citizen cared for"))
        self.citizen_group.setObjectName("citizen_group")
        self.citizen_group.setAccessibleName(_("The citizen cared for"))
        self.citizen_group.setCheckable(True)
        self.citizen_group.setChecked(False)
        citizen_layout = QVBoxLayout(self.citizen_group)
        citizen_layout.addWidget(self.citizen_form)
        citizen_layout.addWidget(self.relation_fields)
        self.consent_group = QGroupBox(_("C&onsent from the citizen"))
        self.consent_group.setObjectName("consent_group")
        self.consent_group.setAccessibleName(_("Consent from the citizen"))
        self.consent_group.setCheckable(True)
        self.consent_group.setChecked(False)
        self.consent_group.setEnabled(False)  # a consent needs the citizen who gives it
        QVBoxLayout(self.consent_group).addWidget(self.consent_fields)
        self.citizen_group.toggled.connect(self._on_citizen_group_toggled)
        if detail is None:
            columns.addWidget(self.citizen_group, 1, Qt.AlignmentFlag.AlignTop)
            columns.addWidget(self.consent_group, 1, Qt.AlignmentFlag.AlignTop)
        else:
            self.relative_fields.set_from(detail)
            for extra in (self.citizen_group, self.consent_group):
                extra.setParent(self)
                extra.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(columns, 1)
        layout.addWidget(self.buttons)
        if detail is None:
            QWidget.setTabOrder(self.relative_fields.interests, self.citizen_group)
            QWidget.setTabOrder(self.relation_fields.designated, self.consent_group)

    @property
    def editing(self) -> bool:
        return self._detail is not None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.banner.isVisible():
            self.relative_fields.name.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def _on_citizen_group_toggled(self, checked: bool) -> None:
        self.consent_group.setEnabled(checked)

    # ---- ServiceDialog ------------------------------------------------------------------
    def fields(self) -> dict[str, QWidget]:
        found = dict(self.relative_fields.fields())
        if not self.editing:
            found.update(self.citizen_form.fields())
            found.update(self.relation_fields.fields())
            found.update(self.consent_fields.fields())
        return found

    def build_call(self) -> Callable[[], Any]:
        services, actor = self._services, self._actor
        relative = self.relative_fields.value()
        if self._detail is not None:
            relative_id, version = self._detail.id, self._detail.version
            return lambda: services.relatives.update(actor, relative_id, version, relative)
        citizen = relation = None
        consents: list[ConsentInput] = []
        if self.citizen_group.isChecked():
            citizen = self.citizen_form.value()
            relation = self.relation_fields.value()
            if self.consent_group.isChecked():
                consents = self.consent_fields.value()
        return lambda: services.relatives.register(actor, relative, citizen, relation, consents)

    def deliver(self, result: Any) -> None:
        self.relative_saved.emit(result)

    # ---- possible duplicates ------------------------------------------------------------
    def save(self) -> None:
        """A new relative is first compared with those already registered (a logged
        search); the save itself runs only when none matches or the advisor says so."""
        if self.editing or self.saving:
            super().save()
            return
        self.banner.clear()
        try:
            relative = self.relative_fields.value()
        except ServiceError as error:
            self.show_error(error)
            return
        services, actor = self._services, self._actor
        self._guard.submit(
            self._runner,
            lambda: services.duplicates.possible_duplicates(actor, relative),
            self._on_duplicates_found,
            self.show_error,
        )

    def _on_duplicates_found(self, rows: tuple[RelativeRow, ...]) -> None:
        if not rows:
            super().save()
            return
        prompt = DuplicatePrompt(rows, self)
        prompt.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        prompt.open_existing.connect(self._on_prompt_open_existing)
        prompt.register_anyway.connect(super().save)
        prompt.open()

    def _on_prompt_open_existing(self, row: RelativeRow) -> None:
        self.existing_chosen.emit(row)
        self.reject()
