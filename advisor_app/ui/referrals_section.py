"""The relative's referrals to offers (henvisninger), on the relative's page: when, to which
offer (the version shown then), where it stands and how it went; the status and the
outcome are changed here. Loaded when the tab is opened: each load is a logged read."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from advisor_app.domain.actor import Actor
from advisor_app.domain.enums import ReferralStatus
from advisor_app.domain.errors import ServiceError
from advisor_app.domain.offers import OUTCOME_MAX, STATUS_LABELS
from advisor_app.i18n import N_, _, format_date
from advisor_app.services.facade import Services
from advisor_app.services.offers import ReferralView
from advisor_app.ui.offers_page import offer_html
from advisor_app.ui.table_models import ROW_ROLE, Column, RowsModel
from advisor_app.ui.task_runner import TaskRunner
from advisor_app.ui.views import selected_row, table_view


def _offer_text(r: ReferralView) -> str:
    text = f"{r.offer.content.title} (v{r.offer.number})"
    if r.current_number != r.offer.number:
        text += " · " + _("now version {number}").format(number=r.current_number)
    return text


class ReferralsModel(RowsModel[ReferralView]):
    COLUMNS = (
        Column[ReferralView](
            N_("Referred on"), lambda r: format_date(r.referred_on), lambda r: (r.referred_on, r.id)
        ),
        Column[ReferralView](N_("Offer"), _offer_text),
        Column[ReferralView](N_("Status"), lambda r: _(STATUS_LABELS[r.status])),
        Column[ReferralView](N_("Outcome"), lambda r: r.outcome),
    )


class ReferralsSection(QWidget):
    loaded = Signal(object)  # tuple[ReferralView, ...]
    saved = Signal(object)  # ReferralView

    def __init__(
        self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("referrals_section")
        self._services = services
        self._runner = runner
        self._actor = actor
        self.relative_id: int | None = None
        self._editing: tuple[int, int] | None = None  # the referral in the editors (id, version)
        self.model = ReferralsModel(self)
        self.view = table_view(self.model, "referrals", _("Referrals to offers"))
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.view.setColumnWidth(0, 110)
        self.view.setColumnWidth(1, 320)
        self.view.setColumnWidth(2, 110)
        self.detail = QTextBrowser()
        self.detail.setObjectName("referral_offer")
        self.detail.setAccessibleName(_("The offer as it was referred"))
        self.detail.setOpenLinks(False)
        self.status = QComboBox()
        self.status.setObjectName("referral_status")
        self.status.setAccessibleName(_("Status"))
        for status in ReferralStatus:
            self.status.addItem(_(STATUS_LABELS[status]), status.value)
        self.outcome = QLineEdit()
        self.outcome.setObjectName("referral_outcome")
        self.outcome.setAccessibleName(_("Outcome"))
        self.outcome.setMaxLength(OUTCOME_MAX)
        self.save_button = QPushButton(_("Save &status"))
        self.save_button.setObjectName("save_referral")
        self.message = QLabel()
        self.message.setObjectName("referral_message")
        self.message.setWordWrap(True)
        status_label = QLabel(_("S&tatus"))
        status_label.setBuddy(self.status)
        outcome_label = QLabel(_("O&utcome"))
        outcome_label.setBuddy(self.outcome)
        edit_row = QHBoxLayout()
        edit_row.addWidget(status_label)
        edit_row.addWidget(self.status)
        edit_row.addWidget(outcome_label)
        edit_row.addWidget(self.outcome, 1)
        edit_row.addWidget(self.save_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(self.detail)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(edit_row)
        layout.addWidget(self.message)
        layout.addWidget(QLabel(_("Refer the relative to offers on the main window's Offers tab.")))
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self._update_buttons()

    def load(self, relative_id: int) -> None:
        self.relative_id = relative_id
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.offers.referrals(actor, relative_id),
            lambda found: self._on_loaded(relative_id, found),
            self._show_error,
            owner=self,
        )

    def clear(self) -> None:
        self.relative_id = None
        self._editing = None
        self.model.set_rows(())
        self.detail.clear()
        self.message.clear()

    def _on_loaded(self, relative_id: int, found: tuple[ReferralView, ...]) -> None:
        if relative_id != self.relative_id:
            return
        selected = self.selected()
        self.model.set_rows(found)
        if selected is not None:
            self.select(selected.id)
        self._on_selection_changed()
        self.loaded.emit(found)

    def select(self, referral_id: int) -> bool:
        proxy = self.view.model()
        for row in range(proxy.rowCount()):
            found = proxy.index(row, 0).data(ROW_ROLE)
            if found is not None and found.id == referral_id:
                self.view.selectRow(row)
                return True
        return False

    def selected(self) -> ReferralView | None:
        row = selected_row(self.view)
        return row if isinstance(row, ReferralView) else None

    def _on_selection_changed(self, *_args: object) -> None:
        chosen = self.selected()
        if chosen is None:
            self.detail.clear()
            self._editing = None
        elif self._editing != (chosen.id, chosen.version):
            # A reload of the same referral leaves what is being typed alone.
            self._editing = (chosen.id, chosen.version)
            self.detail.setHtml(offer_html(chosen.offer))
            self.status.setCurrentIndex(self.status.findData(chosen.status.value))
            self.outcome.setText(chosen.outcome)
        self._update_buttons()

    def _update_buttons(self) -> None:
        enabled = self.selected() is not None
        for widget in (self.status, self.outcome, self.save_button):
            widget.setEnabled(enabled)

    def _on_save_button_clicked(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        status = ReferralStatus(self.status.currentData())
        outcome = self.outcome.text()
        services, actor = self._services, self._actor
        self.message.clear()
        self._runner.submit(
            lambda: services.offers.update_referral(
                actor, chosen.id, chosen.version, status, outcome
            ),
            self._on_saved,
            self._show_error,
            owner=self,
        )

    def _on_saved(self, view: ReferralView) -> None:
        self.message.setText(_("The referral is saved."))
        self.saved.emit(view)
        self.load(view.relative_id)

    def _show_error(self, error: ServiceError) -> None:
        self.message.setText(error.translated(_))
