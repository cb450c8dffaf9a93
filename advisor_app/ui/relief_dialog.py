"""Create or edit a relief arrangement (aflastning, afløsning, besøgsven) or a tracked one
(§ 118, plejevederlag): the relation it covers, kind, provider, status, the legal basis
(proposed from the citizen's situation and the start date, changeable) and the schedule
with its recurrence and cancelled dates."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time
from typing import Any

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from advisor_app.domain.actor import Actor
from advisor_app.domain.errors import N_, ValidationError
from advisor_app.domain.relief import (
    TRACKED_KINDS,
    LegalBasisCatalogue,
    ProviderKind,
    ReliefKind,
    ReliefStatus,
)
from advisor_app.domain.relief_schedule import MAX_SPAN_DAYS, Recurrence
from advisor_app.i18n import _, current_language
from advisor_app.services.facade import Services
from advisor_app.services.relief_dto import (
    RelationChoice,
    ReliefInput,
    ReliefView,
    ScheduleInput,
)
from advisor_app.ui.citizen_form import ServiceDialog
from advisor_app.ui.forms import (
    OptionalDate,
    add_row,
    date_edit,
    enum_combo,
    from_qdate,
    line_edit,
    to_qdate,
)
from advisor_app.ui.task_runner import TaskRunner

NEW_STATUSES = [ReliefStatus.REQUESTED, ReliefStatus.GRANTED, ReliefStatus.ACTIVE]
_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def parse_dates(text: str) -> tuple[date, ...]:
    """Cancelled dates as typed: 'dd.mm.yyyy' separated by commas, spaces or semicolons."""
    found = []
    for part in re.split(r"[,;\s]+", text.strip()):
        if not part:
            continue
        match = _DATE.match(part)
        try:
            if match is None:
                raise ValueError(part)
            day, month, year = (int(g) for g in match.groups())
            found.append(date(year, month, day))
        except ValueError:
            raise ValidationError(
                N_("Write cancelled dates as dd.mm.yyyy, separated by commas."),
                field="exceptions",
            ) from None
    return tuple(sorted(set(found)))


def format_dates(days: tuple[date, ...]) -> str:
    return ", ".join(f"{d:%d.%m.%Y}" for d in sorted(days))


def _qtime(value: time) -> QTime:
    return QTime(value.hour, value.minute)


def _time(value: QTime) -> time:
    return time(value.hour(), value.minute())


def _time_edit(value: time) -> QTimeEdit:
    edit = QTimeEdit(_qtime(value))
    edit.setDisplayFormat("HH:mm")
    return edit


class ReliefDialog(ServiceDialog):
    relief_saved = Signal(object)  # ReliefView

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        relations: tuple[RelationChoice, ...],
        catalogue: LegalBasisCatalogue,
        arrangement: ReliefView | None = None,
        parent: QWidget | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._services = services
        self._actor = actor
        self._relations = relations
        self._catalogue = catalogue
        self._arrangement = arrangement
        self._basis_touched = arrangement is not None
        self.setObjectName("relief_dialog")
        self.setWindowTitle(_("New arrangement") if arrangement is None else _("Edit arrangement"))
        today = today or date.today()

        self.relation = QComboBox()
        for choice in relations:
            self.relation.addItem(choice.citizen_name, choice.relation_id)
        self.kind = enum_combo(ReliefKind, ReliefKind.DAY_CENTRE)
        self.provider_kind = enum_combo(ProviderKind, ProviderKind.MUNICIPAL)
        self.provider_name = line_edit(max_length=200)
        self.status = enum_combo(NEW_STATUSES, ReliefStatus.REQUESTED)
        self.starts_on = date_edit(today)
        self.ends_on = OptionalDate(_("Ends"))
        self.legal_basis = QComboBox()
        self.basis_hint = QLabel()
        self.basis_hint.setObjectName("basis_hint")
        self.basis_hint.setWordWrap(True)
        self.died_on = OptionalDate(_("Died"))
        self.note = line_edit(max_length=500)

        form_box = QGroupBox(_("The arrangement"))
        form = QFormLayout(form_box)
        add_row(form, _("&Covers"), self.relation, "relief_relation")
        add_row(form, _("&Kind"), self.kind, "relief_kind")
        add_row(form, _("Provider t&ype"), self.provider_kind, "relief_provider_kind")
        add_row(form, _("&Provider"), self.provider_name, "relief_provider_name")
        if arrangement is None:
            add_row(form, _("&Status"), self.status, "relief_status")
        else:  # a saved arrangement's status changes on the tab, each change with its date
            self.status.setParent(self)
            self.status.hide()
        add_row(form, _("S&tarts"), self.starts_on, "relief_starts_on")
        add_row(form, _("&Ends"), self.ends_on, "relief_ends_on")
        add_row(form, _("&Legal basis"), self.legal_basis, "relief_legal_basis")
        form.addRow("", self.basis_hint)
        add_row(form, _("Date of &death"), self.died_on, "relief_died_on")
        add_row(form, _("&Note"), self.note, "relief_note")

        self.schedule_box = QGroupBox(_("Schedule"))
        self.schedule_box.setObjectName("relief_schedule")
        schedule = QFormLayout(self.schedule_box)
        self.recurrence = enum_combo(Recurrence, Recurrence.WEEKLY)
        self.start_time = _time_edit(time(9, 0))
        self.end_time = _time_edit(time(15, 0))
        self.span_days = QSpinBox()
        self.span_days.setRange(0, MAX_SPAN_DAYS)
        self.span_days.setSuffix(" " + _("days later"))
        self.span_days.setSpecialValueText(_("the same day"))
        self.skip_holidays = QCheckBox(_("Not on public holidays"))
        self.exceptions = line_edit(max_length=4000)
        self.exceptions.setPlaceholderText(_("e.g. 24.12.2026, 31.12.2026"))
        add_row(schedule, _("&Repeats"), self.recurrence, "relief_recurrence")
        times = QHBoxLayout()
        times.addWidget(self.start_time)
        times.addWidget(QLabel("–"))
        times.addWidget(self.end_time)
        times_widget = QWidget()
        times_widget.setLayout(times)
        times.setContentsMargins(0, 0, 0, 0)
        add_row(schedule, _("&From - to"), times_widget, "relief_times")
        self.start_time.setObjectName("relief_start_time")
        self.start_time.setAccessibleName(_("Starts at"))
        self.end_time.setObjectName("relief_end_time")
        self.end_time.setAccessibleName(_("Ends at"))
        add_row(schedule, _("Ends &on"), self.span_days, "relief_span_days")
        add_row(schedule, _("&Holidays"), self.skip_holidays, "relief_skip_holidays")
        add_row(schedule, _("C&ancelled dates"), self.exceptions, "relief_exceptions")

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        columns = QHBoxLayout()
        columns.addWidget(form_box, 1)
        columns.addWidget(self.schedule_box, 1)
        layout.addLayout(columns)
        layout.addWidget(self.buttons)

        if arrangement is not None:
            self._fill(arrangement)
        self._on_kind_changed()
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.relation.currentIndexChanged.connect(self._on_proposal_inputs_changed)
        self.starts_on.dateChanged.connect(self._on_proposal_inputs_changed)
        self.legal_basis.activated.connect(self._on_legal_basis_activated)

    # ---- filling -------------------------------------------------------------------------
    def _fill(self, view: ReliefView) -> None:
        self.relation.setCurrentIndex(max(0, self.relation.findData(view.relation_id)))
        self.kind.setCurrentIndex(self.kind.findData(view.kind))
        self.provider_kind.setCurrentIndex(self.provider_kind.findData(view.provider_kind))
        self.provider_name.setText(view.provider_name)
        self.starts_on.setDate(to_qdate(view.starts_on))
        self.ends_on.set_value(view.ends_on)
        self.died_on.set_value(view.citizen_died_on)
        self.note.setText(view.note or "")
        if view.schedule is not None:
            s = view.schedule
            self.recurrence.setCurrentIndex(self.recurrence.findData(s.recurrence))
            self.start_time.setTime(_qtime(s.start_time))
            self.end_time.setTime(_qtime(s.end_time))
            self.span_days.setValue(s.span_days)
            self.skip_holidays.setChecked(s.skip_holidays)
            self.exceptions.setText(format_dates(tuple(s.exceptions)))

    def current_kind(self) -> ReliefKind:
        return ReliefKind(self.kind.currentData())

    def _choice(self) -> RelationChoice | None:
        relation_id = self.relation.currentData()
        return next((r for r in self._relations if r.relation_id == relation_id), None)

    def _on_kind_changed(self, *_args: object) -> None:
        kind = self.current_kind()
        self.schedule_box.setEnabled(kind not in TRACKED_KINDS)
        self.died_on.setEnabled(kind is ReliefKind.CARE_ALLOWANCE)
        current = self.legal_basis.currentData() or (
            self._arrangement.legal_basis if self._arrangement else None
        )
        self.legal_basis.blockSignals(True)
        self.legal_basis.clear()
        language = current_language()
        for basis in self._catalogue.choices(kind):
            period = ""
            if basis.valid_from:
                period = " " + _("from {date}").format(date=f"{basis.valid_from:%d.%m.%Y}")
            if basis.valid_to:
                period = " " + _("until {date}").format(date=f"{basis.valid_to:%d.%m.%Y}")
            self.legal_basis.addItem(basis.reference + period, basis.code)
            self.legal_basis.setItemData(
                self.legal_basis.count() - 1,
                basis.text(language),
                Qt.ItemDataRole.ToolTipRole,
            )
        index = self.legal_basis.findData(current) if self._basis_touched else -1
        self.legal_basis.setCurrentIndex(index)
        self.legal_basis.blockSignals(False)
        if index < 0:
            self._basis_touched = False
            self._propose()
        else:
            self._show_basis_hint()

    def _on_proposal_inputs_changed(self, *_args: object) -> None:
        if not self._basis_touched:
            self._propose()

    def _on_legal_basis_activated(self, _index: int) -> None:
        self._basis_touched = True
        self._show_basis_hint()

    def _propose(self) -> None:
        choice = self._choice()
        if choice is None:
            return
        proposed = self._catalogue.propose(
            self.current_kind(), choice.situation, from_qdate(self.starts_on.date())
        )
        if proposed is not None:
            self.legal_basis.setCurrentIndex(self.legal_basis.findData(proposed.code))
        self._show_basis_hint()

    def _show_basis_hint(self) -> None:
        choice = self._choice()
        code = self.legal_basis.currentData()
        basis = self._catalogue.get(code) if code else None
        if basis is None:
            self.basis_hint.clear()
            return
        proposed = (
            self._catalogue.propose(
                self.current_kind(), choice.situation, from_qdate(self.starts_on.date())
            )
            if choice
            else None
        )
        if proposed is not None and proposed.code == basis.code and choice is not None:
            from advisor_app.ui.labels import label

            self.basis_hint.setText(
                _("Proposed for the citizen's situation ({situation}).").format(
                    situation=label(choice.situation)
                )
            )
        else:
            self.basis_hint.setText(_("Chosen by the advisor."))

    # ---- saving --------------------------------------------------------------------------
    def read_input(self) -> ReliefInput:
        """The form as an input; a ValidationError for what the form itself can tell."""
        kind = self.current_kind()
        relation_id = self.relation.currentData()
        if relation_id is None:
            raise ValidationError(
                N_("Add the citizen the relative cares for first."), field="relation"
            )
        schedule = None
        if kind not in TRACKED_KINDS:
            schedule = ScheduleInput(
                recurrence=Recurrence(self.recurrence.currentData()),
                start_time=_time(self.start_time.time()),
                end_time=_time(self.end_time.time()),
                span_days=self.span_days.value(),
                skip_holidays=self.skip_holidays.isChecked(),
                exceptions=parse_dates(self.exceptions.text()),
            )
        code = self.legal_basis.currentData()
        return ReliefInput(
            relation_id=int(relation_id),
            kind=kind,
            provider_kind=ProviderKind(self.provider_kind.currentData()),
            provider_name=self.provider_name.text(),
            starts_on=from_qdate(self.starts_on.date()),
            ends_on=self.ends_on.value(),
            schedule=schedule,
            legal_basis=str(code) if code else None,
            status=ReliefStatus(self.status.currentData()),
            citizen_died_on=self.died_on.value() if kind is ReliefKind.CARE_ALLOWANCE else None,
            note=self.note.text() or None,
        )

    def build_call(self) -> Callable[[], Any]:
        data = self.read_input()
        services, actor, existing = self._services, self._actor, self._arrangement
        if existing is None:
            return lambda: services.relief.create(actor, data)
        return lambda: services.relief.update(actor, existing.id, existing.version, data)

    def fields(self) -> dict[str, QWidget]:
        return {
            "relation": self.relation,
            "provider_name": self.provider_name,
            "status": self.status,
            "ends_on": self.ends_on,
            "legal_basis": self.legal_basis,
            "died_on": self.died_on,
            "note": self.note,
            "schedule": self.recurrence,
            "end_time": self.end_time,
            "span_days": self.span_days,
            "until": self.ends_on,
            "exceptions": self.exceptions,
        }

    def deliver(self, result: Any) -> None:
        self.relief_saved.emit(result)
