"""The windows of the roles that do no case work: the administrator's (users, the offer
catalogue, settings, backups, licensed instrument texts, the access log's check), the auditor's (the access log) and the
manager's (statistics). None shows anything of a relative's case; the services would
refuse it anyway."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMainWindow, QMessageBox, QTabWidget

from advisor_app.domain.actor import Actor
from advisor_app.domain.audit_chain import Verdict
from advisor_app.domain.errors import ServiceError
from advisor_app.i18n import _
from advisor_app.services.facade import Services
from advisor_app.ui import instrument_text
from advisor_app.ui.account_menu import PRODUCT, AccountMenus
from advisor_app.ui.audit_page import AuditPage
from advisor_app.ui.backups_page import BackupsPage
from advisor_app.ui.idle_lock import IdleLock
from advisor_app.ui.main_window import MainWindow
from advisor_app.ui.offers_page import OfferCatalogue
from advisor_app.ui.settings_page import SettingsPage
from advisor_app.ui.statistics_page import StatisticsPage
from advisor_app.ui.task_runner import TaskRunner
from advisor_app.ui.users_page import UsersPage


class RoleWindow(QMainWindow):
    language_change_requested = Signal(str)

    def __init__(
        self, services: Services, actor: Actor, runner: TaskRunner, idle_lock: IdleLock | None
    ) -> None:
        super().__init__()
        self.services = services
        self.actor = actor
        self.runner = runner
        self.setWindowTitle(_(PRODUCT))
        self.account_menus = AccountMenus(
            self, services, actor, runner, idle_lock, self.language_change_requested.emit
        )
        self.resize(1100, 720)

    def _show_error(self, error: ServiceError) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _(PRODUCT),
            error.translated(_),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setObjectName("error_box")
        box.open()


class AdminWindow(RoleWindow):
    def __init__(
        self, services: Services, actor: Actor, runner: TaskRunner, idle_lock: IdleLock | None
    ) -> None:
        super().__init__(services, actor, runner, idle_lock)
        self.setObjectName("admin_window")
        self.users_page = UsersPage(services, runner, actor)
        # The offer catalogue, editable here (ui/offers_page.py); loaded when its tab opens.
        self.offers = OfferCatalogue(services, runner, actor, editable=True)
        self.settings_page = SettingsPage(services, runner, actor)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("admin_tabs")
        self.tabs.addTab(self.users_page, _("Users"))
        self.tabs.addTab(self.offers, _("Offer catalogue"))
        self.tabs.addTab(self.settings_page, _("Municipality"))
        # Backups of the workstation's file (ui/backups_page.py); loaded when its tab opens.
        self.backups_page = BackupsPage(services, runner, actor)
        self.tabs.addTab(self.backups_page, _("Backups"))
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.setCentralWidget(self.tabs)
        log_menu = self.menuBar().addMenu(_("Access &log"))
        self.verify_action = log_menu.addAction(_("&Verify the access log"))
        self.verify_action.triggered.connect(self._on_verify_action_triggered)
        load_text = self.account_menus.settings_menu.addAction(_("Load licensed instrument &text…"))
        self.text_loader = instrument_text.InstrumentTextLoader(
            self, runner, services, actor, self._show_error
        )
        load_text.triggered.connect(self.text_loader.ask)
        self.account_menus.finish()
        self.verdict_box: QMessageBox | None = None

    def _on_tabs_current_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.offers:
            self.offers.ensure_loaded()
        elif self.tabs.widget(index) is self.backups_page:
            self.backups_page.ensure_loaded()

    def _on_verify_action_triggered(self) -> None:
        services, actor = self.services, self.actor
        self.runner.submit(
            lambda: services.audit.verify(actor), self._on_verified, self._show_error, owner=self
        )

    def _on_verified(self, verdict: Verdict) -> None:
        if verdict.ok:
            icon = QMessageBox.Icon.Information
            text = _("The access log is whole: {count} events. Head: {head}").format(
                count=verdict.count, head=verdict.head
            )
        else:
            icon = QMessageBox.Icon.Critical
            text = _(verdict.reason or "").format(id=verdict.broken_id)
        box = QMessageBox(icon, _("Access log"), text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("verdict_box")
        self.verdict_box = box
        box.open()

    def load_instrument_text(self, path: str) -> None:
        self.text_loader.load(path)


class AuditorWindow(RoleWindow):
    def __init__(
        self, services: Services, actor: Actor, runner: TaskRunner, idle_lock: IdleLock | None
    ) -> None:
        super().__init__(services, actor, runner, idle_lock)
        self.setObjectName("auditor_window")
        self.audit_page = AuditPage(services, runner, actor)
        self.setCentralWidget(self.audit_page)
        self.account_menus.finish()


class ManagerWindow(RoleWindow):
    """Statistics only: aggregated, suppressed, never a person."""

    def __init__(
        self, services: Services, actor: Actor, runner: TaskRunner, idle_lock: IdleLock | None
    ) -> None:
        super().__init__(services, actor, runner, idle_lock)
        self.setObjectName("manager_window")
        self.statistics_page = StatisticsPage(services, runner, actor)
        self.setCentralWidget(self.statistics_page)
        self.account_menus.finish()


AnyWindow = MainWindow | AdminWindow | AuditorWindow | ManagerWindow
