"""The selected relative's page: overview (relations, consents, open follow-ups), sessions,
and all follow-ups. It loads through the task runner and never holds an ORM object."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from advisor_app.domain.actor import Actor
from advisor_app.domain.drafts import Draft, DraftKind, DraftSubject
from advisor_app.domain.enums import ActionStatus, ConsentStatus
from advisor_app.domain.errors import ServiceError
from advisor_app.domain.instruments import Instrument
from advisor_app.i18n import (
    _,
    format_date,
    format_datetime,
    format_number,
    ngettext,
)
from advisor_app.reports.summaries import check_in_html, session_html
from advisor_app.services.dto import (
    ActionView,
    CheckInView,
    ConsentView,
    InstrumentChoice,
    RelationView,
    RelativeDetail,
    RelativePageView,
    SessionView,
)
from advisor_app.services.facade import Services
from advisor_app.services.instruments import InstrumentRegistry, shipped
from advisor_app.ui import empty_state
from advisor_app.ui.bookings_section import BookingsSection
from advisor_app.ui.corrections import CheckInBar, DeleteRelativeButton, SessionBar
from advisor_app.ui.drafts import offer_text
from advisor_app.ui.labels import label
from advisor_app.ui.mentor_tab import MentorTab
from advisor_app.ui.referrals_section import ReferralsSection
from advisor_app.ui.relief_tab import ReliefTab
from advisor_app.ui.table_models import (
    ActionsModel,
    CheckInsModel,
    SessionsModel,
    instrument_name,
)
from advisor_app.ui.task_runner import TaskRunner
from advisor_app.ui.views import selected_row, table_view

if TYPE_CHECKING:
    from advisor_app.ui.wellbeing_chart import WellbeingChart

RELATION_ROLE = Qt.ItemDataRole.UserRole + 10
CONSENT_ROLE = Qt.ItemDataRole.UserRole + 11


def _button(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text.replace("&", ""))
    return button


def instrument_finder(registry: InstrumentRegistry | None) -> Callable[[str], Instrument | None]:
    """The instrument of an id for the check-in summary: the database's registry (licensed
    texts loaded) when the page has it, else the shipped one; None for one no longer
    shipped."""

    def find(instrument_id: str) -> Instrument | None:
        try:
            return (registry.get if registry else shipped)(instrument_id)
        except ServiceError:
            return None

    return find


class RelativePage(QWidget):
    """Shows one relative; emits ``changed`` after any save so the list can refresh."""

    changed = Signal()
    loaded = Signal(object)  # RelativeDetail
    sessions_loaded = Signal(object)  # tuple[SessionView, ...]
    check_ins_loaded = Signal(object)  # tuple[CheckInView, ...]
    check_in_dialog_opened = Signal(object)  # CheckInDialog
    new_session_requested = Signal(object)  # RelativeDetail
    handout_dialog_opened = Signal(object)  # HandoutDialog

    def __init__(
        self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._actor = actor
        self.detail: RelativeDetail | None = None
        self.sessions: tuple[SessionView, ...] = ()
        self.check_ins: tuple[CheckInView, ...] = ()
        self.registry: InstrumentRegistry | None = None  # with the licensed texts loaded

        self.heading = QLabel()
        self.heading.setObjectName("relative_heading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.subheading = QLabel()
        self.subheading.setObjectName("relative_subheading")
        self.subheading.setTextFormat(Qt.TextFormat.PlainText)

        self.edit_button = _button(_("&Edit relative"), "edit_relative")
        self.session_button = _button(_("New &session"), "new_session")
        self.session_button.setToolTip(_("Record a session with this relative (Ctrl+Shift+S)"))
        top_buttons = QHBoxLayout()
        top_buttons.addWidget(self.session_button)
        top_buttons.addWidget(self.edit_button)
        self.handout_button = _button(_("&Handout…"), "make_handout")
        self.handout_button.setToolTip(_("Make a handout for the relative to take home"))
        self.handout_button.clicked.connect(self._on_handout_button_clicked)
        top_buttons.addWidget(self.handout_button)
        top_buttons.addStretch(1)
        self.delete_button = DeleteRelativeButton(services, runner, actor, lambda: self.detail)
        self.delete_button.deleted.connect(self._on_relative_deleted)
        top_buttons.addWidget(self.delete_button)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("relative_tabs")
        self.tabs.addTab(self._build_overview(), _("Overview"))
        self.tabs.addTab(self._build_sessions(), _("Sessions"))
        self.tabs.addTab(self._build_actions(), _("Follow-ups"))
        self.check_ins_page = self._build_check_ins()
        self.tabs.addTab(self.check_ins_page, _("Wellbeing"))
        self.relief_tab = ReliefTab(services, runner, actor)
        self.tabs.addTab(self.relief_tab, _("Relief"))
        self.relief_tab.changed.connect(self.changed)
        # Referrals to offers: a tab of its own, loaded when opened (ui/referrals_section.py).
        self.referrals = ReferralsSection(services, runner, actor)
        self.tabs.addTab(self.referrals, _("Offers"))
        self.mentor_tab = MentorTab(services, runner, actor)
        self.mentor_tab.reload_on_save = False
        self.mentor_tab.changed.connect(self._after_save)
        self.tabs.addTab(self.mentor_tab, _("Mentor"))
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        empty_state.for_relative_page(self)  # empty lists say so (ui/empty_state.py)

        # A draft kept after a crash (ui/drafts.py): said here, opened with one click.
        self.drafts_note = QLabel()
        self.drafts_note.setObjectName("drafts_note")
        self.drafts_note.setTextFormat(Qt.TextFormat.PlainText)
        self.drafts_note.setWordWrap(True)
        self.drafts_button = _button(_("Open the draft"), "open_draft")
        self.drafts_button.clicked.connect(self._on_drafts_button_clicked)
        self.drafts_row = QWidget()
        drafts_layout = QHBoxLayout(self.drafts_row)
        drafts_layout.setContentsMargins(0, 0, 0, 0)
        drafts_layout.addWidget(self.drafts_note, 1)
        drafts_layout.addWidget(self.drafts_button)
        self.drafts_row.hide()
        self.drafts: list[Draft] = []

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.subheading)
        layout.addWidget(self.drafts_row)
        layout.addLayout(top_buttons)
        layout.addWidget(self.tabs, 1)

        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.session_button.clicked.connect(self._on_session_button_clicked)

    # ---- building ----------------------------------------------------------------------
    def _build_overview(self) -> QWidget:
        page = QWidget()
        self.contact = QFormLayout()
        self.contact_labels: dict[str, QLabel] = {}
        for key, text in (
            ("phone", _("Phone")),
            ("email", _("E-mail")),
            ("postcode", _("Postcode")),
            ("language", _("Language")),
            ("employment", _("Employment")),
            ("interests", _("Interests")),
            ("case", _("Course opened")),
        ):
            value = QLabel()
            value.setObjectName(f"overview_{key}")
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            caption = QLabel(text + ":")
            caption.setBuddy(value)
            value.setAccessibleName(text)
            self.contact.addRow(caption, value)
            self.contact_labels[key] = value

        self.relations_model = QStandardItemModel(self)
        self.relations_view = QTreeView()
        self.relations_view.setObjectName("relations")
        self.relations_view.setAccessibleName(_("Relations and consents"))
        self.relations_view.setModel(self.relations_model)
        self.relations_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.relations_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.relations_view.selectionModel().selectionChanged.connect(
            self._on_relations_selection_changed
        )

        self.add_relation_button = _button(_("&Add citizen cared for"), "add_relation")
        self.edit_relation_button = _button(_("Edit re&lation"), "edit_relation")
        self.edit_citizen_button = _button(_("Edit ci&tizen"), "edit_citizen")
        self.add_consent_button = _button(_("Add c&onsent"), "add_consent")
        self.withdraw_button = _button(_("&Withdraw consent"), "withdraw_consent")
        relation_buttons = QHBoxLayout()
        for button in (
            self.add_relation_button,
            self.edit_relation_button,
            self.edit_citizen_button,
            self.add_consent_button,
            self.withdraw_button,
        ):
            relation_buttons.addWidget(button)
        relation_buttons.addStretch(1)
        self.add_relation_button.clicked.connect(self._on_add_relation_clicked)
        self.edit_relation_button.clicked.connect(self._on_edit_relation_clicked)
        self.edit_citizen_button.clicked.connect(self._on_edit_citizen_clicked)
        self.add_consent_button.clicked.connect(self._on_add_consent_clicked)
        self.withdraw_button.clicked.connect(self._on_withdraw_clicked)

        self.open_actions_model = ActionsModel(self)
        self.open_actions_view = table_view(
            self.open_actions_model, "open_actions", _("Open follow-ups")
        )
        self.open_actions_view.setColumnHidden(3, True)
        self.done_button = _button(_("Mark &done"), "mark_done")
        self.done_button.clicked.connect(self._on_done_button_clicked)

        # Booked meetings (ui/bookings_section.py): loaded with the relative.
        self.bookings = BookingsSection(self._services, self._runner, self._actor)
        self.bookings.changed.connect(self.changed)

        layout = QVBoxLayout(page)
        layout.addLayout(self.contact)
        layout.addWidget(self.bookings)
        relations_title = QLabel(_("Citizens cared for, and consents"))
        relations_title.setBuddy(self.relations_view)
        layout.addWidget(relations_title)
        layout.addWidget(self.relations_view, 2)
        layout.addLayout(relation_buttons)
        actions_title = QLabel(_("Open follow-ups"))
        actions_title.setBuddy(self.open_actions_view)
        layout.addWidget(actions_title)
        layout.addWidget(self.open_actions_view, 1)
        done_row = QHBoxLayout()
        done_row.addWidget(self.done_button)
        done_row.addStretch(1)
        layout.addLayout(done_row)
        return page

    def _build_sessions(self) -> QWidget:
        self.sessions_model = SessionsModel(self)
        self.sessions_view = table_view(self.sessions_model, "sessions", _("Sessions"))
        self.session_text = QTextBrowser()
        self.session_text.setObjectName("session_detail")
        self.session_text.setAccessibleName(_("Selected session"))
        self.session_text.setOpenLinks(False)
        self.sessions_view.selectionModel().selectionChanged.connect(
            self._on_sessions_selection_changed
        )
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.sessions_view)
        splitter.addWidget(self.session_text)
        # Correct, delete, earlier versions (ui/corrections.py).
        self.session_bar = SessionBar(
            self._services, self._runner, self._actor, self.sessions_view, lambda: self.detail
        )
        self.session_bar.changed.connect(self._after_save)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(splitter)
        layout.addWidget(self.session_bar)
        return page

    def _build_actions(self) -> QWidget:
        self.all_actions_model = ActionsModel(self)
        self.all_actions_view = table_view(
            self.all_actions_model, "all_actions", _("All follow-ups")
        )
        self.all_actions_view.setColumnHidden(3, True)
        self.action_done_button = _button(_("Mark done"), "action_done")
        self.action_cancel_button = _button(_("Cancel follow-up"), "action_cancel")
        self.action_reopen_button = _button(_("Reopen"), "action_reopen")
        self.action_done_button.clicked.connect(
            lambda: self._set_status(self.all_actions_view, ActionStatus.DONE)
        )
        self.action_cancel_button.clicked.connect(
            lambda: self._set_status(self.all_actions_view, ActionStatus.CANCELLED)
        )
        self.action_reopen_button.clicked.connect(
            lambda: self._set_status(self.all_actions_view, ActionStatus.OPEN)
        )
        buttons = QHBoxLayout()
        for button in (
            self.action_done_button,
            self.action_cancel_button,
            self.action_reopen_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.all_actions_view.selectionModel().selectionChanged.connect(
            self._on_all_actions_selection_changed
        )
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.all_actions_view)
        layout.addLayout(buttons)
        self._on_all_actions_selection_changed()
        return page

    def _on_all_actions_selection_changed(self, *_args: object) -> None:
        """Done and Cancel for an open follow-up, Reopen for a done or cancelled one."""
        action = selected_row(self.all_actions_view)
        is_open = isinstance(action, ActionView) and action.status is ActionStatus.OPEN
        closed = isinstance(action, ActionView) and action.status is not ActionStatus.OPEN
        self.action_done_button.setEnabled(is_open)
        self.action_cancel_button.setEnabled(is_open)
        self.action_reopen_button.setEnabled(closed)

    def _build_check_ins(self) -> QWidget:
        self.check_in_button = _button(_("New &check-in"), "new_check_in")
        self.check_in_button.setToolTip(_("How are you doing? (Ctrl+Shift+K)"))
        self.check_in_button.clicked.connect(self.new_check_in)
        self.chart_instrument = QComboBox()
        self.chart_instrument.setObjectName("chart_instrument")
        self.chart_instrument.setAccessibleName(_("Instrument in the chart"))
        self.chart_instrument.currentIndexChanged.connect(self._on_chart_instrument_changed)
        # The chart is made when the tab is first shown: a window that never shows the trend
        # creates no plot (pyqtgraph widgets are the heaviest part of the page).
        self.chart: WellbeingChart | None = None
        self.chart_holder = QWidget()
        self.chart_holder.setMinimumHeight(220)
        self.chart_layout = QVBoxLayout(self.chart_holder)
        self.chart_layout.setContentsMargins(0, 0, 0, 0)
        self.check_ins_model = CheckInsModel(self)
        self.check_ins_view = table_view(self.check_ins_model, "check_ins", _("Check-ins"))
        # Ten columns sized to their headers; a stretched last one would cut "Bekymringer".
        self.check_ins_view.horizontalHeader().setStretchLastSection(False)
        self.check_in_text = QTextBrowser()
        self.check_in_text.setObjectName("check_in_detail")
        self.check_in_text.setAccessibleName(_("Selected check-in"))
        self.check_ins_view.selectionModel().selectionChanged.connect(
            self._on_check_ins_selection_changed
        )
        top = QHBoxLayout()
        top.addWidget(self.check_in_button)
        top.addStretch(1)
        chart_label = QLabel(_("Chart of"))
        chart_label.setBuddy(self.chart_instrument)
        top.addWidget(chart_label)
        top.addWidget(self.chart_instrument)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.chart_holder)
        splitter.addWidget(self.check_ins_view)
        splitter.addWidget(self.check_in_text)
        self.check_in_bar = CheckInBar(
            self._services, self._runner, self._actor, self.check_ins_view, lambda: self.detail
        )
        self.check_in_bar.changed.connect(self._after_save)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.check_in_bar)
        return page

    # ---- loading -----------------------------------------------------------------------
    def load(self, relative_id: int) -> None:
        """The whole page in one call: one transaction, one READ in the access log."""
        services, actor = self._services, self._actor
        self.relief_tab.set_relative(relative_id)
        self._runner.submit(
            lambda: services.relatives.page(actor, relative_id),
            self.show_page,
            self._on_load_error,
            owner=self,
        )
        self.mentor_tab.load(relative_id)

    def show_page(self, page: RelativePageView) -> None:
        self.registry = page.registry
        self.show_detail(page.detail)
        self.show_sessions(page.sessions)
        self.all_actions_model.set_rows(page.follow_ups)
        self.all_actions_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self._on_all_actions_selection_changed()
        self.show_check_ins(page.check_ins)
        self._show_referrals()
        self.bookings.load(page.detail.id, page.detail.name, page.detail.language)

    def _show_referrals(self) -> None:
        """Load the referrals when their tab is shown (each load is a logged read)."""
        if self.detail is None:
            self.referrals.clear()
        elif self.tabs.currentWidget() is self.referrals:
            self.referrals.load(self.detail.id)
        elif self.referrals.relative_id != self.detail.id:
            self.referrals.clear()

    def reload(self) -> None:
        if self.detail is not None:
            self.load(self.detail.id)

    def _on_load_error(self, error: ServiceError) -> None:
        self.detail = None
        self.heading.setText(error.translated(_))
        self.subheading.clear()

    def show_detail(self, detail: RelativeDetail) -> None:
        self.detail = detail
        self.heading.setText(detail.name)
        bits = []
        if detail.age is not None:
            bits.append(_("{age} years").format(age=detail.age))
        if detail.is_child:
            bits.append(_("Child relative: use age-appropriate material"))
        bits.append(
            ngettext("{n} session", "{n} sessions", detail.session_count).format(
                n=detail.session_count
            )
        )
        overdue = sum(1 for a in detail.open_actions if a.overdue)
        if overdue:
            bits.append(
                ngettext("{n} overdue follow-up", "{n} overdue follow-ups", overdue).format(
                    n=overdue
                )
            )
        self.subheading.setText(" · ".join(bits))
        values = {
            "phone": detail.phone or "",
            "email": detail.email or "",
            "postcode": detail.postcode or "",
            "language": label(detail.language),
            "employment": label(detail.employment),
            "interests": detail.interests or "",
            "case": format_datetime(detail.case_opened_at),
        }
        for key, text in values.items():
            self.contact_labels[key].setText(text)
        self._fill_relations(detail.relations)
        self.open_actions_model.set_rows(detail.open_actions)
        self._update_buttons()
        self.show_drafts()
        self.loaded.emit(detail)

    def show_drafts(self) -> None:
        """The relative's unsaved new session or check-in, if a crash left one behind."""
        store = self._services.draft_store(self._actor)
        found: list[Draft] = []
        if store is not None and self.detail is not None:
            try:
                for kind in (DraftKind.SESSION, DraftKind.CHECK_IN):
                    found.extend(store.drafts(DraftSubject(kind, self.detail.id)))
            except OSError:
                found = []
        found.sort(key=lambda d: d.saved_at, reverse=True)
        self.drafts = found
        if found:
            text = offer_text(found[0])
            if len(found) > 1:
                text += " " + ngettext(
                    "({n} more draft.)", "({n} more drafts.)", len(found) - 1
                ).format(n=len(found) - 1)
            self.drafts_note.setText(text)
        self.drafts_row.setVisible(bool(found))

    def _on_drafts_button_clicked(self) -> None:
        """The dialog the newest draft belongs to; it offers the draft back."""
        if not self.drafts or self.detail is None:
            return
        if self.drafts[0].subject.kind is DraftKind.CHECK_IN:
            self.new_check_in()
        else:
            self.new_session_requested.emit(self.detail)

    def _fill_relations(self, relations: tuple[RelationView, ...]) -> None:
        model = self.relations_model
        model.clear()
        model.setHorizontalHeaderLabels(
            [_("Citizen / consent"), _("Relation / what"), _("Details"), _("Status")]
        )
        for relation in relations:
            citizen = relation.citizen
            details = []
            if citizen.cpr_masked:
                details.append(_("CPR {cpr}").format(cpr=citizen.cpr_masked))
            elif citizen.birth_year:
                details.append(_("born {year}").format(year=citizen.birth_year))
            details.append(label(citizen.legal_framework))
            details.extend(label(c) for c in citizen.conditions)
            if relation.hours_per_week is not None:
                details.append(
                    _("{hours} hours of care a week").format(
                        hours=format_number(relation.hours_per_week)
                    )
                )
            head = [
                QStandardItem(citizen.name),
                QStandardItem(label(relation.relation_type)),
                QStandardItem(", ".join(details)),
                QStandardItem(
                    _("Designated by the citizen") if relation.designated_by_citizen else ""
                ),
            ]
            head[0].setData(relation, RELATION_ROLE)
            for consent in relation.consents:
                period = format_date(consent.given_on)
                if consent.expires_on:
                    period += " – " + format_date(consent.expires_on)
                row = [
                    QStandardItem(_("Consent")),
                    QStandardItem(label(consent.scope)),
                    QStandardItem(f"{label(consent.method)}, {period}"),
                    QStandardItem(label(consent.status)),
                ]
                row[0].setData(relation, RELATION_ROLE)
                row[0].setData(consent, CONSENT_ROLE)
                head[0].appendRow(row)
            if not relation.consents:
                none = QStandardItem(_("No consent recorded: share only general information"))
                none.setData(relation, RELATION_ROLE)
                head[0].appendRow([none, QStandardItem(), QStandardItem(), QStandardItem()])
            model.appendRow(head)
        self.relations_view.expandAll()
        for column in range(3):
            self.relations_view.resizeColumnToContents(column)

    def show_sessions(self, sessions: tuple[SessionView, ...]) -> None:
        self.sessions = sessions
        self.sessions_model.set_rows(sessions)
        self.sessions_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        if sessions:
            self.sessions_view.selectRow(0)
        else:
            self.session_text.clear()
        self.sessions_loaded.emit(sessions)

    def show_check_ins(self, check_ins: tuple[CheckInView, ...]) -> None:
        self.check_ins = check_ins
        self.check_ins_model.set_rows(check_ins)
        self.check_ins_view.resizeColumnsToContents()  # the headers whole ("Arbejde og ...")
        self.check_ins_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        scored = list(dict.fromkeys(c.instrument_id for c in check_ins if c.score is not None))
        wanted = self.chart_instrument.currentData()
        self.chart_instrument.blockSignals(True)
        self.chart_instrument.clear()
        for instrument_id in scored:
            self.chart_instrument.addItem(instrument_name(instrument_id), instrument_id)
        if scored:
            latest = next(c.instrument_id for c in reversed(check_ins) if c.score is not None)
            index = self.chart_instrument.findData(wanted if wanted in scored else latest)
            self.chart_instrument.setCurrentIndex(index)
        self.chart_instrument.setEnabled(len(scored) > 1)
        self.chart_instrument.blockSignals(False)
        self._draw_chart()
        if check_ins:
            self.check_ins_view.selectRow(0)
        else:
            self.check_in_text.clear()
        self.check_ins_loaded.emit(check_ins)

    def _on_tabs_current_changed(self, index: int) -> None:
        self._show_referrals()
        if index == self.tabs.indexOf(self.check_ins_page) and self.chart is None:
            from advisor_app.ui.wellbeing_chart import WellbeingChart

            self.chart = WellbeingChart()
            self.chart_layout.addWidget(self.chart)
            self._draw_chart()

    def _draw_chart(self) -> None:
        if self.chart is None:
            return
        instrument_id = self.chart_instrument.currentData()
        instrument = None
        if instrument_id:
            try:
                instrument = shipped(str(instrument_id))
            except ServiceError:
                instrument = None
        self.chart.show_trend(instrument, self.check_ins)

    def _on_chart_instrument_changed(self, _index: int) -> None:
        self._draw_chart()

    def _on_check_ins_selection_changed(self, *_args: object) -> None:
        check_in = selected_row(self.check_ins_view)
        self.check_in_text.setHtml(
            check_in_html(check_in, instrument_finder(self.registry))
            if check_in is not None
            else ""
        )

    # ---- check-ins ---------------------------------------------------------------------
    def new_check_in(self) -> None:
        detail = self.detail
        if detail is None:
            return
        services, actor = self._services, self._actor
        uncertain = detail.age is None or detail.age <= 18  # the birthday may be to come
        self._runner.submit(
            lambda: services.check_ins.choice(actor, detail.is_child, may_be_child=uncertain),
            lambda choice: self._open_check_in(detail, choice),
            self._show_error,
            owner=self,
        )

    def _open_check_in(self, detail: RelativeDetail, choice: InstrumentChoice) -> None:
        from advisor_app.ui.check_in_dialog import CheckInDialog

        dialog = CheckInDialog(self._services, self._runner, self._actor, detail, choice, self)
        dialog.finished.connect(self._on_draft_dialog_finished)
        dialog.check_in_saved.connect(self._after_save)
        dialog.follow_ups_created.connect(self._after_save)
        dialog.open()
        self.check_in_dialog_opened.emit(dialog)

    # ---- selection ---------------------------------------------------------------------
    def selected_relation(self) -> RelationView | None:
        index = self.relations_view.currentIndex()
        if not index.isValid():
            return None
        first = index.siblingAtColumn(0)
        value = first.data(RELATION_ROLE)
        return value if isinstance(value, RelationView) else None

    def selected_consent(self) -> ConsentView | None:
        index = self.relations_view.currentIndex()
        if not index.isValid():
            return None
        value = index.siblingAtColumn(0).data(CONSENT_ROLE)
        return value if isinstance(value, ConsentView) else None

    def _update_buttons(self) -> None:
        has = self.detail is not None
        relation = self.selected_relation()
        consent = self.selected_consent()
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)
        self.session_button.setEnabled(has)
        self.handout_button.setEnabled(has)
        self.check_in_button.setEnabled(has)
        self.add_relation_button.setEnabled(has)
        self.edit_relation_button.setEnabled(relation is not None)
        self.edit_citizen_button.setEnabled(relation is not None)
        self.add_consent_button.setEnabled(relation is not None)
        self.withdraw_button.setEnabled(
            consent is not None and consent.status in (ConsentStatus.ACTIVE, ConsentStatus.NOT_YET)
        )

    def _on_relations_selection_changed(self, *_args: object) -> None:
        self._update_buttons()

    def _on_sessions_selection_changed(self, *_args: object) -> None:
        session = selected_row(self.sessions_view)
        self.session_text.setHtml(session_html(session) if session is not None else "")

    # ---- actions -----------------------------------------------------------------------
    def _after_save(self, *_args: object) -> None:
        self.reload()
        self.changed.emit()

    def _on_draft_dialog_finished(self, *_args: object) -> None:
        self.show_drafts()

    def _on_relative_deleted(self, relative_id: int) -> None:
        self.detail = None
        self.heading.setText(_("The relative is deleted."))
        self.subheading.clear()
        self._update_buttons()
        self._discard_drafts_of(relative_id)
        self.show_drafts()
        self.changed.emit()

    def _discard_drafts_of(self, relative_id: int) -> None:
        """A deleted relative's drafts on this computer go too: they must not outlive the
        record they were typed for."""
        store = self._services.draft_store(self._actor)
        if store is None:
            return
        try:
            for draft in store.drafts():
                if draft.subject.relative_id == relative_id:
                    store.discard(draft)
        except OSError:
            pass  # what cannot be removed now is never offered for a relative that is gone

    def _on_session_button_clicked(self) -> None:
        if self.detail is not None:
            self.new_session_requested.emit(self.detail)

    def _on_handout_button_clicked(self) -> None:
        from advisor_app.ui.handout_dialog import HandoutDialog

        if self.detail is None:
            return
        dialog = HandoutDialog(self._services, self._runner, self._actor, self.detail, None, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.handout_dialog_opened.emit(dialog)

    def _on_edit_button_clicked(self) -> None:
        from advisor_app.ui.relative_dialog import RelativeDialog

        if self.detail is None:
            return
        dialog = RelativeDialog(self._services, self._runner, self._actor, self.detail, self)
        dialog.relative_saved.connect(self._after_save)
        dialog.open()

    def _on_add_relation_clicked(self) -> None:
        from advisor_app.ui.relation_dialog import RelationDialog

        if self.detail is None:
            return
        dialog = RelationDialog(self._services, self._runner, self._actor, self.detail, None, self)
        dialog.relation_saved.connect(self._after_save)
        dialog.open()

    def _on_edit_relation_clicked(self) -> None:
        from advisor_app.ui.relation_dialog import RelationDialog

        relation = self.selected_relation()
        if self.detail is None or relation is None:
            return
        dialog = RelationDialog(
            self._services, self._runner, self._actor, self.detail, relation, self
        )
        dialog.relation_saved.connect(self._after_save)
        dialog.open()

    def _on_edit_citizen_clicked(self) -> None:
        from advisor_app.ui.citizen_dialog import CitizenDialog

        relation = self.selected_relation()
        if self.detail is None or relation is None:
            return
        dialog = CitizenDialog(
            self._services, self._runner, self._actor, self.detail.id, relation.citizen, self
        )
        dialog.citizen_saved.connect(self._after_save)
        dialog.open()

    def _on_add_consent_clicked(self) -> None:
        from advisor_app.ui.consent_dialog import ConsentDialog

        relation = self.selected_relation()
        if relation is None:
            return
        dialog = ConsentDialog(self._services, self._runner, self._actor, relation, self)
        dialog.consent_saved.connect(self._after_save)
        dialog.open()

    def _on_withdraw_clicked(self) -> None:
        consent = self.selected_consent()
        if consent is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Withdraw consent"),
            _("Withdraw this consent from today? It stays on record as withdrawn."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("confirm_withdraw")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText(_("Withdraw"))
        box.button(QMessageBox.StandardButton.No).setText(_("Keep"))

        def on_finished(result: int) -> None:
            if result == QMessageBox.StandardButton.Yes:
                services, actor = self._services, self._actor
                self._runner.submit(
                    lambda: services.relatives.withdraw_consent(actor, consent.id, consent.version),
                    self._after_save,
                    self._show_error,
                    owner=self,
                )

        box.finished.connect(on_finished)
        box.open()

    def _on_done_button_clicked(self) -> None:
        self._set_status(self.open_actions_view, ActionStatus.DONE)

    def _set_status(self, view: QTableView, status: ActionStatus) -> None:
        action = selected_row(view)
        if not isinstance(action, ActionView) or action.status is status:
            return
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.sessions.set_action_status(actor, action.id, action.version, status),
            self._after_save,
            self._show_error,
            owner=self,
        )

    def _show_error(self, error: ServiceError) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Not saved"),
            error.translated(_),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setObjectName("error_box")
        box.open()
        self.reload()
