"""Link a relative to a citizen (a CareRelation): an existing citizen found by search, so a
second relative of the same citizen shares the record, or a newly registered one; or edit the
relation's own fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from advisor_app.domain.actor import Actor
from advisor_app.i18n import _
from advisor_app.services.dto import CitizenView, ConsentInput, RelationView, RelativeDetail
from advisor_app.services.facade import Services
from advisor_app.ui.citizen_form import (
    CitizenForm,
    ConsentFields,
    RelationFields,
    ServiceDialog,
    hint_label,
)
from advisor_app.ui.forms import add_row, line_edit
from advisor_app.ui.task_runner import TaskRunner

CITIZEN_ROLE = Qt.ItemDataRole.UserRole + 30
SEARCH_DELAY_MS = 300
MIN_QUERY_LENGTH = 2


def citizen_caption(citizen: CitizenView) -> str:
    """How a search result tells two citizens of the same name apart: the masked CPR
    (birth date only) or the birth year. Never the full CPR number."""
    if citizen.cpr_masked:
        return f"{citizen.name}, {citizen.cpr_masked}"
    if citizen.birth_year is not None:
        return _("{name}, born {year}").format(name=citizen.name, year=citizen.birth_year)
    return citizen.name


class RelationDialog(ServiceDialog):
    relation_saved = Signal(object)  # RelativeDetail

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        relative: RelativeDetail,
        relation: RelationView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._services = services
        self._actor = actor
        self._relative = relative
        self._relation = relation
        self._search_serial = 0
        self._focus_results_when_found = False
        self._related_ids = {r.citizen.id for r in relative.relations}
        self.setObjectName("relation_dialog")
        self.setWindowTitle(_("Add relation") if relation is None else _("Edit relation"))

        self.relation_fields = RelationFields()
        relation_box = QGroupBox(_("The relation"))
        QVBoxLayout(relation_box).addWidget(self.relation_fields)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        if relation is not None:
            who = QLabel(_("Relation to {name}").format(name=relation.citizen.name))
            who.setObjectName("relation_citizen")
            who.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(who)
            self.relation_fields.set_from(relation)
            layout.addWidget(relation_box)
        else:
            columns = QHBoxLayout()
            columns.addWidget(self._build_citizen_chooser(), 1, Qt.AlignmentFlag.AlignTop)
            right = QVBoxLayout()
            right.addWidget(relation_box)
            self.consent_fields = ConsentFields()
            self.consent_group = QGroupBox(_("C&onsent from the citizen"))
            self.consent_group.setObjectName("consent_group")
            self.consent_group.setAccessibleName(_("Consent from the citizen"))
            self.consent_group.setCheckable(True)
            self.consent_group.setChecked(False)
            QVBoxLayout(self.consent_group).addWidget(self.consent_fields)
            right.addWidget(self.consent_group)
            right.addStretch(1)
            columns.addLayout(right, 1)
            layout.addLayout(columns, 1)
        layout.addWidget(self.buttons)

    def _build_citizen_chooser(self) -> QWidget:
        box = QGroupBox(_("The citizen"))
        self.existing_choice = QRadioButton(_("An &existing citizen"))
        self.existing_choice.setObjectName("citizen_existing")
        self.new_choice = QRadioButton(_("Register a ne&w citizen"))
        self.new_choice.setObjectName("citizen_new")
        choice = QButtonGroup(box)
        choice.addButton(self.existing_choice)
        choice.addButton(self.new_choice)
        self.existing_choice.setChecked(True)

        self.search = line_edit(max_length=120)
        self.search.setPlaceholderText(_("Name; Down or Enter moves to the list"))
        self.search.setClearButtonEnabled(True)
        self.results_model = QStandardItemModel(self)
        self.results = QListView()
        self.results.setModel(self.results_model)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.search_status = hint_label()
        self.search_status.setObjectName("citizen_search_status")
        existing_page = QWidget()
        existing_form = QFormLayout(existing_page)
        existing_form.setContentsMargins(0, 0, 0, 0)
        add_row(existing_form, _("&Find the citizen"), self.search, "citizen_search")
        add_row(existing_form, _("Citi&zens found"), self.results, "citizen_results")
        existing_form.addRow("", self.search_status)

        self.citizen_form = CitizenForm()
        self.citizen_stack = QStackedWidget()
        self.citizen_stack.addWidget(existing_page)
        self.citizen_stack.addWidget(self.citizen_form)

        layout = QVBoxLayout(box)
        choices = QHBoxLayout()
        choices.addWidget(self.existing_choice)
        choices.addWidget(self.new_choice)
        choices.addStretch(1)
        layout.addLayout(choices)
        layout.addWidget(self.citizen_stack)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.installEventFilter(self)
        self.new_choice.toggled.connect(self._on_new_choice_toggled)
        return box

    @property
    def editing(self) -> bool:
        return self._relation is not None

    @property
    def registering_new(self) -> bool:
        return not self.editing and self.new_choice.isChecked()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.banner.isVisible():
            return
        first = self.relation_fields if self.editing else self.search
        first.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def _on_new_choice_toggled(self, checked: bool) -> None:
        self.citizen_stack.setCurrentIndex(1 if checked else 0)

    # ---- searching ----------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in the search field searches now (it must not save a half-made choice);
        Down moves to the results."""
        if (
            watched is getattr(self, "search", None)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
        ):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._focus_results_when_found = True
                self.run_search()
                return True
            if event.key() == Qt.Key.Key_Down and self.results_model.rowCount():
                self._focus_results()
                return True
        return super().eventFilter(watched, event)

    def done(self, result: int) -> None:
        if not self.editing:
            self._search_timer.stop()  # no search (and no audit entry) after closing
        super().done(result)

    def _on_search_text_changed(self, _text: str) -> None:
        self._search_timer.start()

    def run_search(self) -> None:
        self._search_timer.stop()
        query = self.search.text().strip()
        self._search_serial += 1
        serial = self._search_serial
        if len(query) < MIN_QUERY_LENGTH:
            self.results_model.clear()
            self.search_status.setText(
                _("Type at least {count} letters of the name.").format(count=MIN_QUERY_LENGTH)
            )
            return
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.relatives.find_citizens(actor, query),
            lambda found: self._on_citizens_found(serial, found),
            self.show_error,
            owner=self,
        )

    def _on_citizens_found(self, serial: int, found: tuple[CitizenView, ...]) -> None:
        if serial != self._search_serial:
            return  # an answer to an older query: a newer one is on its way
        self.results_model.clear()
        for citizen in found:
            item = QStandardItem(citizen_caption(citizen))
            item.setEditable(False)
            item.setData(citizen, CITIZEN_ROLE)
            if citizen.id in self._related_ids:
                item.setText(_("{citizen} (already related)").format(citizen=item.text()))
                item.setEnabled(False)
            self.results_model.appendRow(item)
        if found:
            self.search_status.setText("")
        else:
            self.search_status.setText(
                _("No citizen found. Check the spelling, or register a new citizen.")
            )
        if self._focus_results_when_found:
            self._focus_results_when_found = False
            if self.results_model.rowCount():
                self._focus_results()

    def _focus_results(self) -> None:
        self.results.setFocus(Qt.FocusReason.OtherFocusReason)
        for row in range(self.results_model.rowCount()):
            if self.results_model.item(row).isEnabled():
                self.results.setCurrentIndex(self.results_model.index(row, 0))
                break

    def chosen_citizen(self) -> CitizenView | None:
        index = self.results.currentIndex()
        if not index.isValid() or not self.results.selectionModel().isSelected(index):
            return None
        item = self.results_model.itemFromIndex(index)
        citizen = item.data(CITIZEN_ROLE)
        return citizen if item.isEnabled() and isinstance(citizen, CitizenView) else None

    # ---- ServiceDialog ------------------------------------------------------------------
    def fields(self) -> dict[str, QWidget]:
        found: dict[str, QWidget] = dict(self.relation_fields.fields())
        if self.editing:
            return found
        found.update(self.consent_fields.fields())
        if self.registering_new:
            found.update(self.citizen_form.fields())
        else:
            found["citizen_name"] = self.search
        return found

    def build_call(self) -> Callable[[], Any]:
        services, actor = self._services, self._actor
        relation = self.relation_fields.value()
        if self._relation is not None:
            relation_id, version = self._relation.id, self._relation.version
            return lambda: services.relatives.update_relation(actor, relation_id, version, relation)
        relative_id = self._relative.id
        consents: list[ConsentInput] = (
            self.consent_fields.value() if self.consent_group.isChecked() else []
        )
        if self.registering_new:
            citizen = self.citizen_form.value()
            return lambda: services.relatives.add_relation(
                actor, relative_id, relation, citizen, consents
            )
        chosen = self.chosen_citizen()
        citizen_id = None if chosen is None else chosen.id
        # No choice: the service answers "Choose or register the citizen." on the search.
        return lambda: services.relatives.add_relation(
            actor, relative_id, relation, None, consents, citizen_id=citizen_id
        )

    def deliver(self, result: Any) -> None:
        self.relation_saved.emit(result)
