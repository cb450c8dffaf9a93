"""Forms shared by the dialogs for relatives (pårørende, Relative), the citizen they care for
(nærtstående, Citizen), their relation (CareRelation) and the citizen's consents (samtykke).

``ServiceDialog`` is the common frame: an error banner, Save/Cancel, and a Save that runs one
service call on the task runner with the button disabled until the call returns, whatever
way it ends. The CPR number is never shown in full: in edit mode the form only knows the
masked number (DDMMYY-xxxx) and the field is for typing the number again or correcting it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from advisor_app.domain.contact import age_in_years
from advisor_app.domain.cpr import parse_cpr
from advisor_app.domain.enums import (
    Condition,
    ConsentMethod,
    ConsentScope,
    LegalFramework,
    RelationType,
)
from advisor_app.domain.errors import ServiceError, ValidationError
from advisor_app.i18n import N_, _, format_number
from advisor_app.services.dto import (
    CitizenInput,
    CitizenView,
    ConsentInput,
    RelationInput,
    RelationView,
)
from advisor_app.ui.forms import (
    ErrorBanner,
    OptionalDate,
    SaveGuard,
    add_row,
    date_edit,
    enum_combo,
    from_qdate,
    line_edit,
    parse_decimal,
    parse_int,
)
from advisor_app.ui.labels import label
from advisor_app.ui.task_runner import TaskRunner

#: From this age relief for relatives usually falls under Ældreloven § 16 (DOMAIN.md).
ELDER_AGE = 65

# The CPR field's hint in the UI's language: "DDMMÅÅ-XXXX" in Danish (day, month, year).
CPR_PLACEHOLDER = N_("DDMMYY-XXXX")


def hint_label(text: str = "") -> QLabel:
    """A small explanatory line under a field (system font; plain text, never rich)."""
    hint = QLabel(text)
    hint.setWordWrap(True)
    hint.setTextFormat(Qt.TextFormat.PlainText)
    hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # secondary, theme-aware
    return hint


# ---- the citizen --------------------------------------------------------------------------
class CitizenForm(QWidget):
    """The citizen's name, CPR (optional), birth year, legal basis for relief and conditions.

    New mode (no ``set_from``): an empty CPR field means no CPR number. Edit mode: the stored
    number is known only masked, so an empty field keeps it (``CitizenInput.keep_cpr``); a
    typed number replaces it, and "Remove the CPR number" removes it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stored_cpr: str | None = None  # masked, edit mode only
        self._loading = False
        self._framework_touched = False
        self._suggested = False

        self.name = line_edit()
        self.cpr = line_edit(max_length=20)
        self.cpr.setPlaceholderText(_(CPR_PLACEHOLDER))
        self.cpr_hint = hint_label()
        self.cpr_hint.setObjectName("cpr_hint")
        self.cpr_hint.hide()
        self.remove_cpr = QCheckBox(_("Remove the CPR number"))
        self.remove_cpr.setObjectName("remove_cpr")
        self.remove_cpr.hide()
        self.birth_year = line_edit(max_length=4)
        self.birth_year.setPlaceholderText(_("e.g. 1948"))
        self.legal_framework = enum_combo(list(LegalFramework), LegalFramework.UNDETERMINED)
        self.framework_hint = hint_label()
        self.framework_hint.setObjectName("framework_hint")
        self.framework_hint.hide()

        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        add_row(form, _("N&ame"), self.name, "citizen_name")
        add_row(form, _("&CPR number (optional)"), self.cpr, "cpr")
        form.addRow("", self.cpr_hint)
        form.addRow("", self.remove_cpr)
        add_row(form, _("Birth &year"), self.birth_year, "citizen_birth_year")
        add_row(form, _("Le&gal basis for relief"), self.legal_framework, "legal_framework")
        form.addRow("", self.framework_hint)

        self.conditions_box = QGroupBox(_("Conditions"))
        self.conditions_box.setObjectName("conditions")
        grid = QGridLayout(self.conditions_box)
        self.condition_checks: dict[Condition, QCheckBox] = {}
        columns = 2
        for index, condition in enumerate(Condition):
            box = QCheckBox(label(condition))
            box.setObjectName(f"condition_{condition.value}")
            self.condition_checks[condition] = box
            grid.addWidget(box, index // columns, index % columns)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.conditions_box)
        self.setFocusProxy(self.name)

        self.cpr.textChanged.connect(self._on_cpr_text_changed)
        self.birth_year.textChanged.connect(self._on_birth_year_text_changed)
        self.legal_framework.activated.connect(self._on_legal_framework_activated)
        self.remove_cpr.toggled.connect(self._on_remove_cpr_toggled)

    # ---- edit mode ------------------------------------------------------------------------
    def set_from(self, citizen: CitizenView) -> None:
        self._loading = True
        try:
            self.name.setText(citizen.name)
            self._stored_cpr = citizen.cpr_masked
            self.cpr.clear()
            if citizen.cpr_masked:
                self.cpr.setPlaceholderText(citizen.cpr_masked)
                self.cpr_hint.setText(
                    _(
                        "On record: {masked}. The full number is never shown; leave the field"
                        " empty to keep it, type a number to correct it."
                    ).format(masked=citizen.cpr_masked)
                )
                self.cpr_hint.show()
                self.remove_cpr.show()
            else:
                self.cpr.setPlaceholderText(_(CPR_PLACEHOLDER))
                self.cpr_hint.hide()
                self.remove_cpr.hide()
            self.remove_cpr.setChecked(False)
            self.birth_year.setText("" if citizen.birth_year is None else str(citizen.birth_year))
            self.legal_framework.setCurrentIndex(
                self.legal_framework.findData(citizen.legal_framework)
            )
            self._framework_touched = citizen.legal_framework is not LegalFramework.UNDETERMINED
            self._suggested = False
            for condition, box in self.condition_checks.items():
                box.setChecked(condition in citizen.conditions)
        finally:
            self._loading = False
        self._update_suggestion(auto=False)

    # ---- the Ældreloven suggestion --------------------------------------------------------
    def age(self, today: date | None = None) -> int | None:
        """The age the CPR number (exact) or else the birth year (this year's) gives."""
        today = today or date.today()
        cpr_text = self.cpr.text().strip()
        if cpr_text:
            try:
                born = parse_cpr(cpr_text, today=today).birth_date
            except ServiceError:
                born = None
            if born is not None:
                had_birthday = (today.month, today.day) >= (born.month, born.day)
                return today.year - born.year - (0 if had_birthday else 1)
        year_text = self.birth_year.text().strip()
        if re.fullmatch(r"[0-9]{4}", year_text):  # not isdigit(): it takes any Unicode digit
            age = age_in_years(int(year_text), today)
            if age is not None and 0 <= age <= 125:
                return age
        return None

    def _on_cpr_text_changed(self, _text: str) -> None:
        if self._stored_cpr is not None and self.cpr.text().strip():
            self.remove_cpr.setChecked(False)
        self._update_suggestion(auto=not self._loading)

    def _on_birth_year_text_changed(self, _text: str) -> None:
        self._update_suggestion(auto=not self._loading)

    def _on_legal_framework_activated(self, _index: int) -> None:
        self._framework_touched = True
        self._suggested = False
        self._update_suggestion(auto=False)

    def _on_remove_cpr_toggled(self, checked: bool) -> None:
        if checked:
            self.cpr.clear()

    def _update_suggestion(self, *, auto: bool) -> None:
        """Age 65 or more with the basis still "not determined": suggest Ældreloven. The
        advisor decides; a choice they made themselves is never changed."""
        if self._loading:
            return
        age = self.age()
        elderly = age is not None and age >= ELDER_AGE
        current = self.framework()
        if elderly and current is LegalFramework.UNDETERMINED and auto:
            if not self._framework_touched:
                self._set_framework(LegalFramework.ELDER_ACT)
                self._suggested = True
        elif not elderly and self._suggested and current is LegalFramework.ELDER_ACT:
            self._set_framework(LegalFramework.UNDETERMINED)
            self._suggested = False
        current = self.framework()
        if elderly and self._suggested and current is LegalFramework.ELDER_ACT:
            self.framework_hint.setText(
                _("Suggested because the citizen is 65 or older. Change it if it does not fit.")
            )
            self.framework_hint.show()
        elif elderly and current is LegalFramework.UNDETERMINED:
            self.framework_hint.setText(
                _("The citizen is 65 or older: relief usually falls under Ældreloven.")
            )
            self.framework_hint.show()
        else:
            self.framework_hint.hide()

    def framework(self) -> LegalFramework:
        return LegalFramework(self.legal_framework.currentData())

    def _set_framework(self, framework: LegalFramework) -> None:
        self.legal_framework.setCurrentIndex(self.legal_framework.findData(framework))

    # ---- value ----------------------------------------------------------------------------
    def value(self) -> CitizenInput:
        """The input for the service; raises ValidationError for what cannot be typed
        (a birth year that is not a number, a stored CPR that would be lost)."""
        birth_year = parse_int(
            self.birth_year.text(), field="citizen_birth_year", label_text=N_("The birth year")
        )
        cpr = self.cpr.text().strip() or None
        return CitizenInput(
            name=self.name.text(),
            cpr=cpr,
            keep_cpr=self._stored_cpr is not None and not self.remove_cpr.isChecked(),
            birth_year=birth_year,
            legal_framework=self.framework(),
            conditions=tuple(c for c, box in self.condition_checks.items() if box.isChecked()),
        )

    def fields(self) -> dict[str, QWidget]:
        return {
            "citizen_name": self.name,
            "cpr": self.cpr,
            "citizen_birth_year": self.birth_year,
            "legal_framework": self.legal_framework,
        }


# ---- the relation -------------------------------------------------------------------------
class RelationFields(QWidget):
    """How the relative is related to the citizen (no default: a wrong guess would be saved)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.relation_type = QComboBox()
        self.relation_type.addItem(_("Choose…"), None)
        for member in RelationType:
            self.relation_type.addItem(label(member), member)
        self.hours = line_edit(max_length=10)
        self.hours.setPlaceholderText(_("e.g. 10,5"))
        self.starts_on = OptionalDate(_("Date known"))
        self.ends_on = OptionalDate(_("Ended"))
        self.designated = QCheckBox(_("The citizen has &named this person as their relative"))
        self.designated.setObjectName("designated_by_citizen")
        self.designated.setChecked(True)

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        add_row(form, _("&Relation to the citizen"), self.relation_type, "relation_type")
        add_row(form, _("&Hours of care a week"), self.hours, "hours_per_week")
        add_row(form, _("Care &started"), self.starts_on, "relation_starts_on")
        add_row(form, _("Care en&ded"), self.ends_on, "relation_ends_on")
        form.addRow("", self.designated)
        self.setFocusProxy(self.relation_type)

    def set_from(self, relation: RelationView) -> None:
        self.relation_type.setCurrentIndex(self.relation_type.findData(relation.relation_type))
        self.hours.setText(
            "" if relation.hours_per_week is None else format_number(relation.hours_per_week)
        )
        self.starts_on.set_value(relation.starts_on)
        self.ends_on.set_value(relation.ends_on)
        self.designated.setChecked(relation.designated_by_citizen)

    def value(self) -> RelationInput:
        relation_type = self.relation_type.currentData()
        if relation_type is None:
            raise ValidationError(
                N_("Choose how the relative is related to the citizen."), field="relation_type"
            )
        hours = parse_decimal(
            self.hours.text(), field="hours_per_week", label_text=N_("Hours of care a week")
        )
        return RelationInput(
            relation_type=RelationType(relation_type),
            hours_per_week=hours,
            starts_on=self.starts_on.value(),
            ends_on=self.ends_on.value(),
            designated_by_citizen=self.designated.isChecked(),
        )

    def fields(self) -> dict[str, QWidget]:
        return {
            "relation_type": self.relation_type,
            "hours_per_week": self.hours,
            "relation_starts_on": self.starts_on,
            "relation_ends_on": self.ends_on,
        }


# ---- consents -----------------------------------------------------------------------------
class ConsentFields(QWidget):
    """What the citizen consents to share (one box per scope), how, when, until when.

    ``single=True`` (adding one consent) makes the scopes exclusive radio buttons, since the
    service records one consent per call; otherwise each ticked scope becomes a consent,
    saved together with the rest of the form.
    """

    def __init__(self, *, single: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.single = single
        self.scope_buttons: dict[ConsentScope, QCheckBox | QRadioButton] = {}
        self._group = QButtonGroup(self)
        self._group.setExclusive(single)
        scopes_box = QGroupBox(
            _("The citizen consents to sharing") if not single else _("The consent covers")
        )
        scopes_box.setObjectName("consent_scopes")
        scopes_layout = QVBoxLayout(scopes_box)
        for scope in ConsentScope:
            button: QCheckBox | QRadioButton = (
                QRadioButton(label(scope)) if single else QCheckBox(label(scope))
            )
            button.setObjectName(f"consent_scope_{scope.value}")
            self._group.addButton(button)
            self.scope_buttons[scope] = button
            scopes_layout.addWidget(button)
        self.method = enum_combo(list(ConsentMethod))
        self.given_on = date_edit()
        self.expires_on = OptionalDate(_("Has an expiry date"))
        self.note = line_edit()

        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        add_row(form, _("&Method"), self.method, "consent_method")
        add_row(form, _("Given &on"), self.given_on, "consent_given_on")
        add_row(form, _("E&xpires on"), self.expires_on, "consent_expires_on")
        add_row(form, _("No&te"), self.note, "consent_note")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scopes_box)
        layout.addLayout(form)
        self.setFocusProxy(next(iter(self.scope_buttons.values())))

    def chosen_scopes(self) -> list[ConsentScope]:
        return [scope for scope, button in self.scope_buttons.items() if button.isChecked()]

    def value(self) -> list[ConsentInput]:
        scopes = self.chosen_scopes()
        if not scopes:
            raise ValidationError(
                N_("Tick what the citizen consents to share."), field="consent_scopes"
            )
        method = ConsentMethod(self.method.currentData())
        given_on = from_qdate(self.given_on.date())
        note = self.note.text()
        return [
            ConsentInput(scope, method, given_on, self.expires_on.value(), note) for scope in scopes
        ]

    def fields(self) -> dict[str, QWidget]:
        return {
            "consent_scopes": next(iter(self.scope_buttons.values())),
            "consent_method": self.method,
            "consent_given_on": self.given_on,
            "consent_expires_on": self.expires_on,
            "consent_note": self.note,
        }


# ---- the dialog frame ---------------------------------------------------------------------
class ServiceDialog(QDialog):
    """A form dialog whose Save runs one service call on the worker, never on the UI thread.

    Subclasses give ``build_call`` (the call, or a ValidationError for what the form itself
    rejects), ``fields`` (error field -> widget) and ``deliver`` (emit the result). The
    ``SaveGuard`` holds the form while the call runs; a ServiceError shows in the banner and
    keeps everything typed; an unexpected error is the runner's ``failed`` (the main window
    shows it) and here only gives the form back.
    """

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.setModal(True)
        self.banner = ErrorBanner(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(_("Save"))
        self.save_button.setObjectName("save")
        self.save_button.setDefault(True)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(_("Cancel"))
        self.cancel_button.setObjectName("cancel")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self._guard = SaveGuard(self, self.save_button, self.cancel_button, keep=[self.banner])

    # ---- for subclasses -------------------------------------------------------------------
    def build_call(self) -> Callable[[], Any]:
        raise NotImplementedError

    def fields(self) -> dict[str, QWidget]:
        return {}

    def deliver(self, result: Any) -> None:
        raise NotImplementedError

    # ---- saving ---------------------------------------------------------------------------
    @property
    def saving(self) -> bool:
        return self._guard.saving

    def save(self) -> None:
        if self._guard.saving:
            return
        self.banner.clear()
        try:
            work = self.build_call()
        except ServiceError as error:
            self.show_error(error)
            return
        self._guard.submit(self._runner, work, self._on_call_result, self.show_error)

    def show_error(self, error: ServiceError) -> None:
        self.banner.show_error(error, self.fields())

    def _on_call_result(self, result: Any) -> None:
        self.deliver(result)
        if self.isVisible():
            self.accept()

    def reject(self) -> None:
        """Cancel, Escape or the close button: not while a save runs (it would go on)."""
        if self._guard.saving:
            return
        super().reject()
