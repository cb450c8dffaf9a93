"""The main window: the searchable list of relatives beside the selected relative's page,
and a list of every open follow-up with the overdue ones first."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from advisor_app.domain.actor import Actor
from advisor_app.domain.errors import ServiceError
from advisor_app.domain.text import SEARCH_MAX_CHARS, SEARCH_MAX_WORDS
from advisor_app.i18n import _, ngettext
from advisor_app.services.check_ins import DEFAULT_PERIOD_DAYS, DUE_LIST_LIMIT
from advisor_app.services.dto import (
    ActionView,
    CheckInDueRow,
    RelativeDetail,
    SearchResult,
    TopicView,
)
from advisor_app.services.facade import Services
from advisor_app.ui import empty_state, instrument_text
from advisor_app.ui.account_menu import PRODUCT, AccountMenus
from advisor_app.ui.drafts import offer_text
from advisor_app.ui.header_state import RememberedHeader
from advisor_app.ui.idle_lock import IdleLock
from advisor_app.ui.mentor_matching_page import MentorMatchingPage
from advisor_app.ui.offers_page import OfferCatalogue
from advisor_app.ui.relative_page import RelativePage
from advisor_app.ui.table_models import (
    ActionColumn,
    ActionsModel,
    CheckInDueModel,
    RelativesModel,
)
from advisor_app.ui.task_runner import TaskRunner
from advisor_app.ui.today_page import TodayPage
from advisor_app.ui.views import selected_row, table_view

SEARCH_DELAY_MS = 200


class MainWindow(QMainWindow):
    search_finished = Signal(object)  # SearchResult
    language_change_requested = Signal(str)

    def __init__(
        self,
        services: Services,
        actor: Actor,
        runner: TaskRunner | None = None,
        *,
        idle_lock: IdleLock | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.actor = actor
        self.runner = runner or TaskRunner(self)
        self._idle_lock = idle_lock
        self.topics: tuple[TopicView, ...] = ()
        self._search_seq = 0
        self._pending_select: int | None = None
        self.setObjectName("main_window")
        self.setWindowTitle(_(PRODUCT))  # never a name or CPR in the title

        # -- relatives list
        self.search = QLineEdit()
        self.search.setMaxLength(SEARCH_MAX_CHARS)
        self.search.setObjectName("search")
        self.search.setPlaceholderText(_("Search name, phone or the citizen's name (Ctrl+F)"))
        self.search.setAccessibleName(_("Search relatives"))
        self.search.setClearButtonEnabled(True)
        self.result_label = QLabel()
        self.result_label.setObjectName("result_count")
        self.relatives_model = RelativesModel(self)
        self.relatives_view = table_view(self.relatives_model, "relatives", _("Relatives"))
        self.new_relative_button = QPushButton(_("&New relative"))
        self.new_relative_button.setObjectName("new_relative")
        self.anonymous_button = QPushButton(_("Anonymous session"))
        self.anonymous_button.setObjectName("anonymous_session")
        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.new_relative_button)
        list_buttons.addWidget(self.anonymous_button)
        list_buttons.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        search_label = QLabel(_("&Search"))
        search_label.setBuddy(self.search)
        left_layout.addWidget(search_label)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.result_label)
        left_layout.addWidget(self.relatives_view, 1)
        left_layout.addLayout(list_buttons)

        # -- the relative's page
        self.page = RelativePage(services, self.runner, actor)
        self.empty = QLabel(_("Choose a relative in the list, or register a new one."))
        self.empty.setObjectName("empty_page")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.page)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)

        # -- all follow-ups
        self.follow_ups_model = ActionsModel(self)
        self.follow_ups_view = table_view(self.follow_ups_model, "follow_ups", _("Open follow-ups"))
        self.follow_ups_header = RememberedHeader(self.follow_ups_view, "follow_ups")
        self.overdue_only = QCheckBox(_("Only &overdue"))
        self.overdue_only.setObjectName("overdue_only")
        self.mine_only = QCheckBox(_("Only &mine"))
        self.mine_only.setObjectName("mine_only")
        self.follow_ups_label = QLabel()
        self.follow_ups_label.setObjectName("follow_ups_count")
        follow_ups = QWidget()
        follow_layout = QVBoxLayout(follow_ups)
        follow_top = QHBoxLayout()
        follow_top.addWidget(self.overdue_only)
        follow_top.addWidget(self.mine_only)
        follow_top.addWidget(self.follow_ups_label, 1)
        follow_layout.addLayout(follow_top)
        follow_layout.addWidget(self.follow_ups_view, 1)
        follow_layout.addWidget(QLabel(_("Double-click a follow-up to open the relative.")))

        # -- check-ins that call for follow-up
        self.check_in_due_model = CheckInDueModel(self)
        self.check_in_due_view = table_view(
            self.check_in_due_model, "check_ins_due", _("Check-ins to follow up")
        )
        self.check_in_period = QSpinBox()
        self.check_in_period.setObjectName("check_in_period")
        self.check_in_period.setRange(7, 3650)
        self.check_in_period.setSuffix(" " + _("days"))
        self.check_in_period.setValue(
            int(QSettings().value("check_in_period_days", DEFAULT_PERIOD_DAYS))  # type: ignore[call-overload]
        )
        self.check_in_period.setAccessibleName(_("A new check-in after"))
        self.check_in_period.setKeyboardTracking(False)  # one query when typing is done
        self.check_in_due_label = QLabel()
        self.check_in_due_label.setObjectName("check_ins_due_count")
        period_label = QLabel(_("A new check-in &after"))
        period_label.setBuddy(self.check_in_period)
        check_ins_due = QWidget()
        due_layout = QVBoxLayout(check_ins_due)
        due_top = QHBoxLayout()
        due_top.addWidget(period_label)
        due_top.addWidget(self.check_in_period)
        due_top.addWidget(self.check_in_due_label, 1)
        due_layout.addLayout(due_top)
        due_layout.addWidget(self.check_in_due_view, 1)
        due_layout.addWidget(
            QLabel(
                _(
                    "Relatives whose latest check-in calls for follow-up, or is older than the "
                    "period. Double-click to open the relative."
                )
            )
        )

        self.tabs = QTabWidget()
        self.tabs.setObjectName("main_tabs")
        # The start page (ui/today_page.py): what the window opens on.
        self.today = TodayPage(services, self.runner, actor)
        self.today.open_relative_requested.connect(self.open_relative)
        self.today.follow_up_changed.connect(self._on_page_changed)
        self.tabs.addTab(self.today, _("Today"))
        self.relatives_tab, self.follow_ups_tab, self.check_ins_due_tab = (
            splitter,
            follow_ups,
            check_ins_due,
        )
        self.tabs.addTab(splitter, _("Relatives"))
        self.tabs.addTab(follow_ups, _("Follow-ups"))
        self.tabs.addTab(check_ins_due, _("Wellbeing follow-up"))
        # The offer catalogue (ui/offers_page.py): refers the relative shown on the page.
        self.offers = OfferCatalogue(
            services, self.runner, actor, current_relative=self._relative_on_page
        )
        self.tabs.addTab(self.offers, _("Offers"))
        self.offers.referred.connect(self._on_offers_referred)
        self.mentor_matching = MentorMatchingPage(services, self.runner, actor)
        self.mentor_matching.proposals_saved.connect(self._on_page_changed)
        self.tabs.addTab(self.mentor_matching, _("Mentor matching"))
        self.setCentralWidget(self.tabs)
        empty_state.for_main_window(self)  # empty lists say so (ui/empty_state.py)

        self.busy_label = QLabel()
        self.statusBar().addPermanentWidget(self.busy_label)
        self.statusBar().showMessage(
            _("Database: {where}").format(where=services.describe_database())
        )
        self.announce_drafts()

        self._build_menus()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)

        self.search.textChanged.connect(self._on_search_text_changed)
        self._search_timer.timeout.connect(self.run_search)
        self.relatives_view.selectionModel().selectionChanged.connect(
            self._on_relatives_selection_changed
        )
        self.new_relative_button.clicked.connect(self.new_relative)
        self.anonymous_button.clicked.connect(self.new_anonymous_session)
        self.page.changed.connect(self._on_page_changed)
        self.page.new_session_requested.connect(self.new_session)
        self.overdue_only.toggled.connect(self.load_follow_ups)
        self.mine_only.toggled.connect(self.load_follow_ups)
        self.follow_ups_view.doubleClicked.connect(self._on_follow_ups_double_clicked)
        self.check_in_period.valueChanged.connect(self._on_check_in_period_changed)
        self.check_in_due_view.doubleClicked.connect(self._on_check_ins_due_double_clicked)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.runner.busy_changed.connect(self._on_runner_busy_changed)
        self.runner.failed.connect(self._on_runner_failed)

        self.resize(1280, 800)
        self.runner.submit(
            lambda: services.reference.topics(actor), self._on_topics_loaded, owner=self
        )
        self.run_search()
        self.today.load()

    # ---- menus and shortcuts -----------------------------------------------------------
    def _build_menus(self) -> None:
        self.account_menus = AccountMenus(
            self,
            self.services,
            self.actor,
            self.runner,
            self._idle_lock,
            self.language_change_requested.emit,
        )
        relative_menu = self.menuBar().addMenu(_("&Relative"))
        self.new_relative_action = relative_menu.addAction(_("&New relative…"))
        self.new_relative_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_relative_action.triggered.connect(self.new_relative)
        self.new_session_action = relative_menu.addAction(_("New &session…"))
        self.new_session_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.new_session_action.triggered.connect(self._on_new_session_action_triggered)
        self.anonymous_action = relative_menu.addAction(_("&Anonymous session…"))
        self.anonymous_action.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.anonymous_action.triggered.connect(self.new_anonymous_session)
        self.own_anonymous_action = relative_menu.addAction(_("&My anonymous sessions…"))
        self.own_anonymous_action.triggered.connect(self.show_own_anonymous_sessions)
        self.check_in_action = relative_menu.addAction(_("New &check-in…"))
        self.check_in_action.setShortcut(QKeySequence("Ctrl+Shift+K"))
        self.check_in_action.triggered.connect(self._on_check_in_action_triggered)
        find_action = relative_menu.addAction(_("&Find"))
        find_action.setShortcut(QKeySequence.StandardKey.Find)
        find_action.triggered.connect(self._on_find_triggered)

        load_text = self.account_menus.settings_menu.addAction(_("Load licensed instrument &text…"))
        self.text_loader = instrument_text.InstrumentTextLoader(
            self, self.runner, self.services, self.actor, self._show_error
        )
        # The history shows the text from now on, too.
        self.text_loader.loaded.connect(lambda _instrument: self.page.reload())
        load_text.triggered.connect(self.text_loader.ask)
        self.account_menus.finish()

    def _on_find_triggered(self) -> None:
        self.tabs.setCurrentWidget(self.relatives_tab)
        self.search.setFocus()
        self.search.selectAll()

    # ---- search ------------------------------------------------------------------------
    def _on_search_text_changed(self, _text: str) -> None:
        self._search_timer.start()

    def run_search(self) -> None:
        self._search_timer.stop()
        self._search_seq += 1
        seq = self._search_seq
        query = self.search.text()
        services, actor = self.services, self.actor
        self.runner.submit(
            lambda: services.relatives.search(actor, query),
            lambda result: self._on_search_result(seq, result),
            self._show_error,
            owner=self,
        )

    def _on_search_result(self, seq: int, result: SearchResult) -> None:
        if seq != self._search_seq:  # an older query answered late
            return
        current = self.current_relative_id()
        self.relatives_model.set_rows(result.rows)
        if result.total > len(result.rows):
            text = _("Showing {shown} of {total}: type more to narrow the search").format(
                shown=len(result.rows), total=result.total
            )
        else:
            text = ngettext("{total} relative", "{total} relatives", result.total).format(
                total=result.total
            )
        if result.shortened:
            text += " " + _(
                "(the search was too long: only its first {words} words were used)"
            ).format(words=SEARCH_MAX_WORDS)
        self.result_label.setText(text)
        wanted = self._pending_select if self._pending_select is not None else current
        self._pending_select = None
        if wanted is not None:
            self.select_relative(wanted)
        self.search_finished.emit(result)

    def select_relative(self, relative_id: int) -> bool:
        proxy = self.relatives_view.model()
        for row in range(proxy.rowCount()):
            item = proxy.index(row, 0).data(Qt.ItemDataRole.UserRole + 1)
            if item is not None and item.id == relative_id:
                self.relatives_view.selectRow(row)
                self.relatives_view.scrollTo(proxy.index(row, 0))
                return True
        return False

    def current_relative_id(self) -> int | None:
        row = selected_row(self.relatives_view)
        return None if row is None else int(row.id)

    def _on_relatives_selection_changed(self, *_args: object) -> None:
        relative_id = self.current_relative_id()
        if relative_id is None:
            self.stack.setCurrentWidget(self.empty)
            return
        if self.page.detail is None or self.page.detail.id != relative_id:
            self.page.load(relative_id)
        self.stack.setCurrentWidget(self.page)

    def _on_page_changed(self) -> None:
        self.run_search()
        if self.tabs.currentWidget() is self.follow_ups_tab:
            self.load_follow_ups()
        elif self.tabs.currentWidget() is self.check_ins_due_tab:
            self.load_check_ins_due()

    def announce_drafts(self) -> None:
        """After a crash: say that drafts are kept; the relative's page and the dialog offer
        each one back (ui/drafts.py)."""
        store = self.services.draft_store(self.actor)
        try:
            kept = store.drafts() if store is not None else []
        except OSError:
            kept = []
        if kept:
            self.statusBar().showMessage(
                ngettext(
                    "{n} unsaved draft is kept; open its relative to restore it: {newest}",
                    "{n} unsaved drafts are kept; open their relatives to restore them. "
                    "The newest: {newest}",
                    len(kept),
                ).format(n=len(kept), newest=offer_text(kept[0]))
            )

    # ---- new relative, new session -----------------------------------------------------
    def new_relative(self) -> None:
        from advisor_app.ui.relative_dialog import RelativeDialog

        dialog = RelativeDialog(self.services, self.runner, self.actor, None, self)
        dialog.relative_saved.connect(self._on_relative_saved)
        dialog.existing_chosen.connect(lambda row: self.open_relative(row.id, row.name))
        dialog.open()

    def _on_relative_saved(self, detail: RelativeDetail) -> None:
        self._pending_select = detail.id
        self.page.detail = None
        self.tabs.setCurrentWidget(self.relatives_tab)
        self.run_search()

    def _on_new_session_action_triggered(self) -> None:
        if self.page.detail is not None and self.stack.currentWidget() is self.page:
            self.new_session(self.page.detail)
        else:
            self._on_find_triggered()
            self.statusBar().showMessage(_("Choose the relative first."), 5000)

    def new_session(self, detail: RelativeDetail | None) -> None:
        from advisor_app.ui.session_dialog import SessionDialog

        dialog = SessionDialog(self.services, self.runner, self.actor, detail, self.topics, self)
        dialog.session_saved.connect(self._on_session_saved)
        dialog.finished.connect(lambda _result: self.page.show_drafts())
        dialog.open()

    def new_anonymous_session(self) -> None:
        self.new_session(None)

    def show_own_anonymous_sessions(self) -> None:
        from advisor_app.ui.corrections import AnonymousSessionsDialog

        dialog = AnonymousSessionsDialog(self.services, self.runner, self.actor, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        dialog.load()
        self.anonymous_sessions_dialog = dialog

    def _on_session_saved(self, _session: object) -> None:
        self.statusBar().showMessage(_("The session is saved."), 5000)
        self.page.reload()
        self.run_search()

    def _on_topics_loaded(self, topics: tuple[TopicView, ...]) -> None:
        self.topics = topics

    # ---- check-ins ---------------------------------------------------------------------
    def _on_check_in_action_triggered(self) -> None:
        if self.page.detail is not None and self.stack.currentWidget() is self.page:
            self.tabs.setCurrentWidget(self.relatives_tab)
            self.page.new_check_in()
        else:
            self._on_find_triggered()
            self.statusBar().showMessage(_("Choose the relative first."), 5000)

    def load_check_ins_due(self) -> None:
        services, actor = self.services, self.actor
        days = self.check_in_period.value()
        self.runner.submit(
            lambda: services.check_ins.needing_follow_up(actor, older_than_days=days),
            self._on_check_ins_due_loaded,
            self._show_error,
            owner=self,
        )

    def _on_check_ins_due_loaded(self, rows: tuple[CheckInDueRow, ...]) -> None:
        self.check_in_due_model.set_rows(rows)
        prompted = sum(1 for r in rows if r.prompts)
        if len(rows) >= DUE_LIST_LIMIT:
            self.check_in_due_label.setText(
                _("Showing the first {shown}: those with prompts first").format(shown=len(rows))
            )
            return
        self.check_in_due_label.setText(
            ngettext(
                "{n} relative: {prompted} with prompts, {old} due for a new check-in",
                "{n} relatives: {prompted} with prompts, {old} due for a new check-in",
                len(rows),
            ).format(n=len(rows), prompted=prompted, old=sum(1 for r in rows if r.too_old))
        )

    def _on_check_in_period_changed(self, days: int) -> None:
        QSettings().setValue("check_in_period_days", days)
        self.load_check_ins_due()

    def _on_check_ins_due_double_clicked(self, _index: object) -> None:
        row = selected_row(self.check_in_due_view)
        if isinstance(row, CheckInDueRow):
            self.open_relative(row.relative_id, row.relative_name)

    def open_relative(self, relative_id: int, name: str) -> None:
        """Show the relative's page: search for the name and select the row."""
        self.tabs.setCurrentWidget(self.relatives_tab)
        self.search.blockSignals(True)
        self.search.setText(name)
        self.search.blockSignals(False)
        self._pending_select = relative_id
        self.run_search()

    def load_instrument_text(self, path: str) -> None:
        """Read a licensed text file and keep it in the database for the whole team."""
        self.text_loader.load(path)

    # ---- follow-ups --------------------------------------------------------------------
    def _relative_on_page(self) -> RelativeDetail | None:
        return self.page.detail if self.stack.currentWidget() is self.page else None

    def _on_offers_referred(self, made: tuple[object, ...]) -> None:
        self.statusBar().showMessage(self.offers.status.text(), 5000)
        self.page.referrals.relative_id = None  # stale: loaded again when its tab is shown
        self.page.reload()

    def _on_tabs_current_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.offers:
            self.offers.ensure_loaded()
        if self.tabs.widget(index) is self.follow_ups_tab:
            self.load_follow_ups()
        elif self.tabs.widget(index) is self.check_ins_due_tab:
            self.load_check_ins_due()
        elif self.tabs.widget(index) is self.today:
            self.today.load()

    def load_follow_ups(self) -> None:
        services, actor, overdue = self.services, self.actor, self.overdue_only.isChecked()
        mine = self.mine_only.isChecked()
        self.runner.submit(
            lambda: services.sessions.open_actions(actor, overdue_only=overdue, mine_only=mine),
            self._on_follow_ups_loaded,
            self._show_error,
            owner=self,
        )

    def _on_follow_ups_loaded(self, actions: tuple[ActionView, ...]) -> None:
        self.follow_ups_model.set_rows(actions)
        if not self.follow_ups_header.restored:
            self.follow_ups_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.follow_ups_header.fit(ActionColumn.DESCRIPTION)
        overdue = sum(1 for a in actions if a.overdue)
        self.follow_ups_label.setText(
            _("{n} open, {late} overdue").format(n=len(actions), late=overdue)
        )

    def _on_follow_ups_double_clicked(self, _index: object) -> None:
        action = selected_row(self.follow_ups_view)
        if not isinstance(action, ActionView) or action.relative_id is None:
            return
        self.open_relative(action.relative_id, action.relative_name or "")

    # ---- errors and state --------------------------------------------------------------
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

    def _on_runner_failed(self, kind: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            _("Unexpected error"),
            _(
                "Something went wrong in the program ({kind}). Nothing was saved from the last step; "
                "what you typed is still in the form. The error has been logged."
            ).format(kind=kind),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setObjectName("bug_box")
        box.open()

    def _on_runner_busy_changed(self, busy: bool) -> None:
        self.busy_label.setText(_("Working…") if busy else "")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.runner.wait_idle(10_000)
        super().closeEvent(event)
