"""New session (vejledningssamtale), made for the meeting: keyboard-first, a running clock,
topics filtered as you type, participants, notes and follow-ups with due dates.

Ctrl+Return saves from anywhere; Escape asks before throwing typed work away. An anonymous
session (SEL § 10 stk. 2) shows no person fields and records no identity.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QEvent, QObject, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import (
    QHideEvent,
    QKeyEvent,
    QKeySequence,
    QShortcut,
    QShowEvent,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from advisor_app.domain.actor import Actor
from advisor_app.domain.drafts import (
    Draft,
    DraftAction,
    DraftContent,
    DraftKind,
    DraftSubject,
    SessionDraft,
)
from advisor_app.domain.enums import ParticipantKind, SessionForm
from advisor_app.domain.errors import ServiceError
from advisor_app.domain.rules import MAX_SESSION_MINUTES
from advisor_app.domain.session_checks import session_warnings
from advisor_app.domain.settings import DEFAULT_SESSION_MINUTES
from advisor_app.i18n import _, current_language, format_date
from advisor_app.services.dto import (
    ActionInput,
    ParticipantInput,
    RelativeDetail,
    SessionInput,
    TopicView,
)
from advisor_app.services.facade import Services
from advisor_app.services.settings import MunicipalSettings
from advisor_app.ui.confirm import confirm_anyway
from advisor_app.ui.drafts import DraftBar, DraftKeeper
from advisor_app.ui.forms import (
    ErrorBanner,
    SaveGuard,
    add_row,
    ask_to_discard,
    date_edit,
    enum_combo,
    from_qdate,
    from_qdatetime,
    is_bare_return,
    is_ctrl_return,
    to_qdate,
    to_qdatetime,
)
from advisor_app.ui.task_runner import TaskRunner

TOPIC_ROLE = Qt.ItemDataRole.UserRole + 20
ACTION_ROLE = Qt.ItemDataRole.UserRole + 21
DEFAULT_FOLLOW_UP_DAYS = 14


def _elapsed_text(seconds: int) -> str:
    hours, rest = divmod(max(seconds, 0), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class SessionDialog(QDialog):
    session_saved = Signal(object)  # SessionView
    handout_dialog_opened = Signal(object)  # HandoutDialog, after "save and make a handout"
    booking_dialog_opened = Signal(object)  # BookingDialog, after "save and book next meeting"

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        relative: RelativeDetail | None,
        topics: tuple[TopicView, ...],
        parent: QWidget | None = None,
        *,
        opened_at: datetime | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._actor = actor
        self._relative = relative
        self._opened_at = opened_at or datetime.now(UTC)
        self._duration_touched = False
        self._default_minutes = DEFAULT_SESSION_MINUTES
        self.anonymous = relative is None
        self.setObjectName("session_dialog")
        self.setWindowTitle(_("Anonymous session") if self.anonymous else _("New session"))
        self.setModal(True)

        self.banner = ErrorBanner(self)
        who = QLabel(
            _("Anonymous counselling: no name, no CPR. The session still counts in statistics.")
            if self.anonymous
            else _("Session with {name}").format(name=relative.name if relative else "")
        )
        who.setObjectName("session_with")
        who.setTextFormat(Qt.TextFormat.PlainText)
        who.setWordWrap(True)

        # -- when and how
        self.clock = QLabel(_elapsed_text(0))
        self.clock.setObjectName("clock")
        self.clock.setAccessibleName(_("Time since the session began"))
        self.started = QDateTimeEdit(to_qdatetime(self._opened_at))
        self.started.setDisplayFormat("dd.MM.yyyy HH:mm")
        self.started.setCalendarPopup(True)
        self.duration = QSpinBox()
        self.duration.setRange(1, MAX_SESSION_MINUTES)
        self.duration.setSuffix(" " + _("min"))
        self.duration.setValue(self._default_minutes)
        self.form = enum_combo(list(SessionForm))
        when = QFormLayout()
        add_row(when, _("&Started"), self.started, "started_at")
        duration_row = QWidget()
        duration_layout = QHBoxLayout(duration_row)
        duration_layout.setContentsMargins(0, 0, 0, 0)
        duration_layout.addWidget(self.duration)
        duration_layout.addWidget(QLabel(_("Running clock:")))
        duration_layout.addWidget(self.clock)
        duration_layout.addStretch(1)
        caption = QLabel(_("&Duration"))
        caption.setBuddy(self.duration)
        self.duration.setObjectName("duration")
        self.duration.setAccessibleName(_("Duration"))
        when.addRow(caption, duration_row)
        add_row(when, _("&Form"), self.form, "form")

        # -- topics
        self.topic_model = QStandardItemModel(self)
        language = current_language()
        for topic in topics:
            item = QStandardItem(topic.label(language))
            item.setCheckable(True)
            item.setEditable(False)
            item.setData(topic, TOPIC_ROLE)
            self.topic_model.appendRow(item)
        self.topic_proxy = QSortFilterProxyModel(self)
        self.topic_proxy.setSourceModel(self.topic_model)
        self.topic_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.topic_filter = QLineEdit()
        self.topic_filter.setPlaceholderText(_("Type to filter topics; Space ticks the chosen one"))
        self.topic_filter.setClearButtonEnabled(True)
        self.topic_list = QListView()
        self.topic_list.setModel(self.topic_proxy)
        self.topic_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.topic_list.setObjectName("topics")
        self.topic_list.setAccessibleName(_("Topics"))
        self.topic_filter.setObjectName("topic_filter")
        self.topic_filter.setAccessibleName(_("Filter topics"))
        self.topic_filter.textChanged.connect(self._on_topic_filter_text_changed)
        self.topic_filter.returnPressed.connect(self._on_topic_filter_return_pressed)
        topics_box = QGroupBox(_("&Topics"))
        topics_layout = QVBoxLayout(topics_box)
        topics_layout.addWidget(self.topic_filter)
        topics_layout.addWidget(self.topic_list)

        # -- participants
        self.participant_checks: list[tuple[QCheckBox, ParticipantInput]] = []
        self.others = QLineEdit()
        participants_box = QGroupBox(_("&Participants"))
        participants_form = QFormLayout(participants_box)
        if relative is not None:
            me = QCheckBox(relative.name)
            me.setChecked(True)
            me.setEnabled(False)
            me.setAccessibleName(_("The relative takes part"))
            participants_form.addRow(me)
            for relation in relative.relations:
                box = QCheckBox(_("{name} (the citizen)").format(name=relation.citizen.name))
                box.setObjectName(f"participant_citizen_{relation.citizen.id}")
                box.setAccessibleName(box.text())
                participants_form.addRow(box)
                self.participant_checks.append(
                    (box, ParticipantInput(ParticipantKind.CITIZEN, citizen_id=relation.citizen.id))
                )
            self.others.setPlaceholderText(
                _("e.g. daughter, home care nurse (separate with commas)")
            )
        else:
            participants_box.hide()
        # In the hidden box when anonymous: a widget without a parent would outlive the dialog.
        add_row(participants_form, _("&Others present"), self.others, "participants")

        # -- notes
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText(
            _("No names or CPR numbers in an anonymous session.")
            if self.anonymous
            else _("What was talked about, and what matters to the relative")
        )
        notes_box = QGroupBox(_("&Notes"))
        notes_layout = QVBoxLayout(notes_box)
        notes_layout.addWidget(self.notes)
        self.notes.setObjectName("notes")
        self.notes.setAccessibleName(_("Notes"))

        # -- follow-ups
        self.action_text = QLineEdit()
        self.action_text.setPlaceholderText(_("What was agreed; Enter adds it"))
        self.action_due = date_edit(date.today() + timedelta(days=DEFAULT_FOLLOW_UP_DAYS))
        self.add_action_button = QPushButton(_("A&dd"))
        self.add_action_button.setObjectName("add_action")
        self.add_action_button.setAutoDefault(False)
        self.remove_action_button = QPushButton(_("Remo&ve"))
        self.remove_action_button.setObjectName("remove_action")
        self.remove_action_button.setAutoDefault(False)
        self.action_list = QListWidget()
        self.action_list.setObjectName("actions")
        self.action_list.setAccessibleName(_("Agreed follow-ups"))
        actions_box = QGroupBox(_("Follow-&ups"))
        actions_form = QFormLayout(actions_box)
        add_row(actions_form, _("Follow-up"), self.action_text, "action_text")
        add_row(actions_form, _("Due"), self.action_due, "action_due")
        action_buttons = QHBoxLayout()
        action_buttons.addWidget(self.add_action_button)
        action_buttons.addWidget(self.remove_action_button)
        action_buttons.addStretch(1)
        actions_form.addRow(action_buttons)
        actions_form.addRow(self.action_list)
        self.action_text.returnPressed.connect(self._on_add_action_clicked)
        self.add_action_button.clicked.connect(self._on_add_action_clicked)
        self.remove_action_button.clicked.connect(self._on_remove_action_clicked)
        QShortcut(QKeySequence.StandardKey.Delete, self.action_list, self._on_remove_action_clicked)

        # -- buttons
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(_("Save session"))
        self.save_button.setObjectName("save_session")
        self.save_button.setToolTip(_("Ctrl+Return"))
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(_("Cancel"))
        self.handout_button = self.buttons.addButton(
            _("Save and make a &handout"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.handout_button.setObjectName("save_and_handout")
        self.handout_button.setVisible(not self.anonymous)  # an anonymous session has nobody
        self.handout_button.clicked.connect(self._on_handout_button_clicked)
        self._handout_after = False
        # The end of the session: save it and book the next meeting (ui/booking_dialog.py).
        self.book_button = self.buttons.addButton(
            _("Save and &book next meeting"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.book_button.setObjectName("save_and_book")
        self.book_button.setVisible(not self.anonymous)
        self.book_button.clicked.connect(self._on_book_button_clicked)
        self._book_after = False
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        left = QVBoxLayout()
        left.addLayout(when)
        left.addWidget(topics_box, 1)
        left.addWidget(participants_box)
        right = QVBoxLayout()
        right.addWidget(notes_box, 2)
        right.addWidget(actions_box, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        # Drafts (kladder): autosaved while typing, offered back after a crash.
        self.draft_bar = DraftBar(self)
        self.drafts = DraftKeeper(
            self,
            self.draft_bar,
            services.draft_store(actor),
            self._capture_draft,
            self.restore_draft,
        )
        layout = QVBoxLayout(self)
        layout.addWidget(who)
        layout.addWidget(self.draft_bar)
        layout.addWidget(self.banner)
        layout.addLayout(columns, 1)
        layout.addWidget(self.buttons)
        self._guard = SaveGuard(self, self.save_button, self.cancel_button, keep=[self.banner])

        self.duration.valueChanged.connect(self._on_duration_value_changed)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()
        self._on_timer_timeout()
        runner.submit(
            lambda: services.settings.current(actor), self._on_settings_loaded, owner=self
        )
        # Ctrl+Return saves from any field, the notes included (which would take the key).
        for child in self.findChildren(QWidget):
            child.installEventFilter(self)
        self.resize(980, 680)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if is_ctrl_return(event):
            self.save()
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter belongs to the fields (tick a topic, add a follow-up); a bare Enter must
        never save the meeting half-typed, so only Ctrl+Return saves."""
        if is_bare_return(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.topic_filter.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
        self.drafts.start(self.draft_subject(), self.draft_label(), self.draft_version())

    def hideEvent(self, event: QHideEvent) -> None:
        self.drafts.keep()  # closed some other way than a save or a discard
        super().hideEvent(event)

    # ---- drafts ------------------------------------------------------------------------
    def draft_subject(self) -> DraftSubject:
        return DraftSubject(
            DraftKind.SESSION, None if self._relative is None else self._relative.id
        )

    def draft_label(self) -> str:
        return "" if self._relative is None else self._relative.name

    def draft_version(self) -> int | None:
        return None

    def draft_reason(self) -> str:
        return ""

    def _capture_draft(self) -> tuple[DraftContent, str] | None:
        if not self.has_content():
            return None
        return self.draft_content(), self.draft_reason()

    def draft_content(self) -> SessionDraft:
        actions = []
        for i in range(self.action_list.count()):
            action = self.action_list.item(i).data(ACTION_ROLE)
            actions.append(DraftAction(action.description, action.due_on))
        return SessionDraft(
            opened_at=self._opened_at,
            started_at=from_qdatetime(self.started.dateTime()),
            duration_minutes=self.duration.value(),
            duration_touched=self._duration_touched,
            form=str(self.form.currentData()),
            topic_ids=tuple(t.id for t in self.chosen_topics()),
            citizen_ids=tuple(
                p.citizen_id
                for box, p in self.participant_checks
                if box.isChecked() and p.citizen_id is not None
            ),
            others=self.others.text(),
            notes=self.notes.toPlainText(),
            actions=tuple(actions),
            pending_action=self.action_text.text(),
            pending_due=from_qdate(self.action_due.date()),
        )

    def restore_draft(self, draft: Draft) -> None:
        """Put a kept draft back into every field."""
        content = draft.content
        if not isinstance(content, SessionDraft):
            return
        if self._timer.isActive():  # a new session: its running clock goes on from the start
            self._opened_at = content.opened_at
        self.started.setDateTime(to_qdatetime(content.started_at))
        self.duration.blockSignals(True)
        self.duration.setValue(content.duration_minutes)
        self.duration.blockSignals(False)
        self._duration_touched = content.duration_touched
        index = self.form.findData(content.form)
        if index >= 0:
            self.form.setCurrentIndex(index)
        chosen = set(content.topic_ids)
        for row in range(self.topic_model.rowCount()):
            item = self.topic_model.item(row)
            item.setCheckState(
                Qt.CheckState.Checked
                if item.data(TOPIC_ROLE).id in chosen
                else Qt.CheckState.Unchecked
            )
        citizens = set(content.citizen_ids)
        for box, participant in self.participant_checks:
            box.setChecked(participant.citizen_id in citizens)
        self.others.setText(content.others)
        self.notes.setPlainText(content.notes)
        self.action_list.clear()
        for action in content.actions:
            text = (
                f"{format_date(action.due_on)}: {action.description}"
                if action.due_on
                else action.description
            )
            agreed = QListWidgetItem(text)
            agreed.setData(ACTION_ROLE, ActionInput(action.description, action.due_on))
            self.action_list.addItem(agreed)
        self.action_text.setText(content.pending_action)
        if content.pending_due is not None:
            self.action_due.setDate(to_qdate(content.pending_due))
        if self._timer.isActive():
            self._on_timer_timeout()

    # ---- the clock ---------------------------------------------------------------------
    def elapsed_seconds(self) -> int:
        return int((datetime.now(UTC) - self._opened_at).total_seconds())

    def _on_timer_timeout(self) -> None:
        seconds = self.elapsed_seconds()
        self.clock.setText(_elapsed_text(seconds))
        if not self._duration_touched:
            self.duration.blockSignals(True)
            # The municipality's default until the meeting runs longer than that.
            minutes = max(self._default_minutes, (seconds + 59) // 60)
            self.duration.setValue(min(minutes, MAX_SESSION_MINUTES))
            self.duration.blockSignals(False)

    def _on_duration_value_changed(self, _value: int) -> None:
        self._duration_touched = True

    def _on_settings_loaded(self, settings: MunicipalSettings) -> None:
        self._default_minutes = settings.default_session_minutes
        self._on_timer_timeout()

    # ---- topics ------------------------------------------------------------------------
    def _on_topic_filter_text_changed(self, text: str) -> None:
        self.topic_proxy.setFilterFixedString(text)
        if self.topic_proxy.rowCount():
            self.topic_list.setCurrentIndex(self.topic_proxy.index(0, 0))

    def _on_topic_filter_return_pressed(self) -> None:
        """Enter in the filter ticks the first matching topic and clears the filter."""
        if self.topic_proxy.rowCount() == 0:
            return
        index = self.topic_list.currentIndex()
        if not index.isValid():
            index = self.topic_proxy.index(0, 0)
        item = self.topic_model.itemFromIndex(self.topic_proxy.mapToSource(index))
        item.setCheckState(
            Qt.CheckState.Unchecked
            if item.checkState() == Qt.CheckState.Checked
            else Qt.CheckState.Checked
        )
        self.topic_filter.clear()

    def chosen_topics(self) -> list[TopicView]:
        chosen = []
        for row in range(self.topic_model.rowCount()):
            item = self.topic_model.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                chosen.append(item.data(TOPIC_ROLE))
        return chosen

    # ---- follow-ups --------------------------------------------------------------------
    def _on_add_action_clicked(self) -> None:
        text = self.action_text.text().strip()
        if not text:
            return
        due = from_qdate(self.action_due.date())
        item = QListWidgetItem(f"{format_date(due)}: {text}")
        item.setData(ACTION_ROLE, ActionInput(text, due))
        self.action_list.addItem(item)
        self.action_text.clear()
        self.action_text.setFocus()

    def _on_remove_action_clicked(self) -> None:
        row = self.action_list.currentRow()
        if row >= 0:
            self.action_list.takeItem(row)

    def agreed_actions(self) -> list[ActionInput]:
        actions = [
            self.action_list.item(i).data(ACTION_ROLE) for i in range(self.action_list.count())
        ]
        pending = self.action_text.text().strip()
        if pending:  # typed but not yet added: keep it rather than lose it
            actions.append(ActionInput(pending, from_qdate(self.action_due.date())))
        return actions

    # ---- saving ------------------------------------------------------------------------
    def request(self) -> SessionInput:
        participants: list[ParticipantInput] = [
            p for box, p in self.participant_checks if box.isChecked()
        ]
        participants.extend(
            ParticipantInput(ParticipantKind.OTHER, description=part.strip())
            for part in self.others.text().split(",")
            if part.strip()
        )
        return SessionInput(
            relative_id=None if self._relative is None else self._relative.id,
            started_at=from_qdatetime(self.started.dateTime()),
            duration_minutes=self.duration.value(),
            form=SessionForm(self.form.currentData()),
            topic_ids=tuple(t.id for t in self.chosen_topics()),
            notes=self.notes.toPlainText(),
            anonymous=self.anonymous,
            participants=tuple(participants),
            actions=tuple(self.agreed_actions()),
        )

    @property
    def saving(self) -> bool:
        return self._guard.saving

    def save(self) -> None:
        if self._guard.saving:
            return
        self.banner.clear()
        data = self.request()
        course = self._relative.case_opened_at if self._relative is not None else None
        warnings = session_warnings(
            started_on=data.started_at.astimezone().date(),
            duration_minutes=data.duration_minutes,
            course_started_on=None if course is None else course.astimezone().date(),
            anonymous=self.anonymous,
            notes=data.notes or "",
            today=date.today(),
        )
        if warnings:
            confirm_anyway(
                self,
                "session_warnings",
                _("Check the session"),
                [w.translated(_) for w in warnings],
                _("&Save anyway"),
                lambda: self._submit(data),
                on_back=self._on_warnings_declined,
            )
            return
        self._submit(data)

    def _submit(self, data: SessionInput) -> None:
        if self._guard.saving:
            return
        services, actor = self._services, self._actor
        self._guard.submit(
            self._runner,
            lambda: services.sessions.record(actor, data),
            self._on_saved,
            self._on_error,
        )

    def _on_warnings_declined(self) -> None:
        self._handout_after = False

    def _on_handout_button_clicked(self) -> None:
        self._handout_after = True
        self.save()

    def _on_book_button_clicked(self) -> None:
        self._book_after = True
        self.save()

    def _on_saved(self, session: object) -> None:
        self._timer.stop()
        self.drafts.finish()
        self.session_saved.emit(session)
        super().accept()
        if self._handout_after and self._relative is not None:
            self._open_handout(getattr(session, "id", None))
        elif self._book_after and self._relative is not None:
            self._open_booking(getattr(session, "id", None))

    def _open_booking(self, session_id: int | None) -> None:
        from advisor_app.ui.booking_dialog import BookingDialog

        assert self._relative is not None
        dialog = BookingDialog(
            self._services,
            self._runner,
            self._actor,
            self._relative.id,
            self._relative.name,
            session_id=session_id,
            parent=self.parentWidget(),
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.booking_dialog_opened.emit(dialog)

    def _open_handout(self, session_id: int | None) -> None:
        """The handout at the end of the session, with the follow-ups just agreed."""
        from advisor_app.ui.handout_dialog import HandoutDialog

        assert self._relative is not None
        dialog = HandoutDialog(
            self._services,
            self._runner,
            self._actor,
            self._relative,
            session_id,
            self.parentWidget(),
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.handout_dialog_opened.emit(dialog)

    def _on_error(self, error: ServiceError) -> None:
        self._handout_after = False
        self._book_after = False
        fields = {
            "duration": self.duration,
            "started_at": self.started,
            "notes": self.notes,
            "actions": self.action_text,
            "participants": self.others,
            "topics": self.topic_filter,
        }
        self.banner.show_error(error, fields)

    def has_content(self) -> bool:
        return bool(
            self.notes.toPlainText().strip()
            or self.chosen_topics()
            or self.action_list.count()
            or self.action_text.text().strip()
        )

    def reject(self) -> None:
        """Escape or Cancel: ask before throwing away what was typed during the meeting;
        nothing while a save runs."""
        if self._guard.saving:
            return
        if not self.has_content():
            self._timer.stop()
            self.drafts.finish()
            super().reject()
            return

        def discard() -> None:
            self._timer.stop()
            self.drafts.finish()
            QDialog.reject(self)

        ask_to_discard(
            self,
            _("Discard session?"),
            _("The session is not saved. Discard what you have typed?"),
            discard,
        )
