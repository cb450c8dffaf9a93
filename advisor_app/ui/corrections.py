"""Correcting and deleting what was saved: a session (the session dialog in an edit mode), a
check-in (the check-in dialog likewise), each with a short reason; the earlier versions; the
list of one's own anonymous sessions; and deleting a relative after a confirmation that
counts what goes with them.

The bars under the sessions and check-ins on the relative's page (``SessionBar``,
``CheckInBar``) carry the buttons and the "corrected on ... by ..." line; the relative's page
hooks them in with a few lines.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from advisor_app.domain.actor import Actor
from advisor_app.domain.corrections import REASON_MAX, RevisedRecord, RevisionKind
from advisor_app.domain.drafts import Draft, DraftKind, DraftSubject
from advisor_app.domain.enums import ParticipantKind
from advisor_app.domain.errors import N_, ServiceError, ValidationError
from advisor_app.i18n import _, current_language, format_date, format_datetime, ngettext
from advisor_app.services.correction_dto import (
    CheckInSnapshot,
    RelativeDeletionImpact,
    RevisionView,
    SessionSnapshot,
)
from advisor_app.services.dto import (
    ActionInput,
    CheckInResult,
    CheckInView,
    InstrumentChoice,
    ParticipantInput,
    RelativeDetail,
    SessionInput,
    SessionView,
    TopicView,
)
from advisor_app.services.facade import Services
from advisor_app.ui.check_in_dialog import CheckInDialog
from advisor_app.ui.forms import (
    ErrorBanner,
    SaveGuard,
    add_row,
    date_edit,
    from_qdate,
    line_edit,
    to_qdatetime,
)
from advisor_app.ui.labels import label
from advisor_app.ui.session_dialog import ACTION_ROLE, TOPIC_ROLE, SessionDialog
from advisor_app.ui.table_models import SessionsModel, answer_label, instrument_name
from advisor_app.ui.task_runner import TaskRunner
from advisor_app.ui.views import selected_row, table_view

ANONYMOUS_LIST_DAYS = 90


def corrected_text(at: object, by: str) -> str:
    return _("Corrected on {date} by {name}").format(date=format_datetime(at), name=by)  # type: ignore[arg-type]


def _reason_edit(name: str) -> QLineEdit:
    edit = line_edit(None, REASON_MAX)
    edit.setObjectName(name)
    edit.setPlaceholderText(_("e.g. a typo in the note, the wrong date"))
    return edit


# ---- the edit modes of the two dialogs -------------------------------------------------------
class SessionCorrectionDialog(SessionDialog):
    """The session dialog filled with a saved session; saving corrects it, with a reason."""

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        relative: RelativeDetail | None,
        topics: tuple[TopicView, ...],
        session: SessionView,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(services, runner, actor, relative, topics, parent)
        self.setObjectName("session_correction_dialog")
        self.editing = session
        self.setWindowTitle(_("Correct session"))
        # No running clock: the meeting is over.
        self._timer.stop()
        clock_row = self.clock.parentWidget()
        if clock_row is not None:
            for caption in clock_row.findChildren(QLabel):
                caption.hide()
        self.handout_button.hide()
        self.save_button.setText(_("Save correction"))

        self.reason = _reason_edit("correction_reason")
        reason_row = QWidget()
        reason_form = QFormLayout(reason_row)
        reason_form.setContentsMargins(0, 0, 0, 0)
        add_row(reason_form, _("&Reason for the correction"), self.reason, "reason")
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(2, reason_row)
        self._fill(session)
        self._initial = self.request()

    def _fill(self, session: SessionView) -> None:
        self.started.setDateTime(to_qdatetime(session.started_at))
        self.duration.setValue(session.duration_minutes)
        self._duration_touched = True
        self.form.setCurrentIndex(self.form.findData(session.form))
        chosen = {t.id for t in session.topics}
        for row in range(self.topic_model.rowCount()):
            item = self.topic_model.item(row)
            topic = item.data(TOPIC_ROLE)
            item.setCheckState(
                Qt.CheckState.Checked if topic.id in chosen else Qt.CheckState.Unchecked
            )
        citizens = {p.citizen_id for p in session.participants if p.citizen_id is not None}
        for box, participant in self.participant_checks:
            box.setChecked(participant.citizen_id in citizens)
        self.others.setText(
            ", ".join(p.label for p in session.participants if p.kind is ParticipantKind.OTHER)
        )
        self.notes.setPlainText(session.notes)
        for action in session.actions:
            text = (
                f"{format_date(action.due_on)}: {action.description}"
                if action.due_on
                else action.description
            )
            agreed = QListWidgetItem(text)
            agreed.setData(ACTION_ROLE, ActionInput(action.description, action.due_on))
            self.action_list.addItem(agreed)

    def request(self) -> SessionInput:
        """The form's session, with what the dialog does not edit kept as it was: the other
        relatives who took part, and the seconds of a start time left unchanged."""
        data = super().request()
        kept = tuple(
            ParticipantInput(p.kind, relative_id=p.relative_id)
            for p in self.editing.participants
            if p.kind is ParticipantKind.RELATIVE and p.relative_id is not None
        )
        started = data.started_at
        if started == _to_minute(self.editing.started_at):
            started = self.editing.started_at
        return replace(data, started_at=started, participants=kept + data.participants)

    def save(self) -> None:
        if self._guard.saving:
            return
        self.banner.clear()
        data = self.request()
        reason = self.reason.text()
        services, actor, editing = self._services, self._actor, self.editing
        self._guard.submit(
            self._runner,
            lambda: services.corrections.correct_session(
                actor, editing.id, editing.version, data, reason
            ),
            self._on_saved,
            self._on_corrections_error,
        )

    def _on_corrections_error(self, error: ServiceError) -> None:
        _show_correction_error(error, self.banner, self.reason, self._on_error)

    def has_content(self) -> bool:
        """Only a change is worth asking about before closing."""
        return self.request() != self._initial or bool(self.reason.text().strip())

    def draft_subject(self) -> DraftSubject:
        return DraftSubject(
            DraftKind.SESSION,
            None if self._relative is None else self._relative.id,
            self.editing.id,
        )

    def draft_version(self) -> int | None:
        return self.editing.version

    def draft_reason(self) -> str:
        return self.reason.text()

    def restore_draft(self, draft: Draft) -> None:
        super().restore_draft(draft)
        self.reason.setText(draft.reason)


class CheckInCorrectionDialog(CheckInDialog):
    """The check-in dialog filled with a saved check-in; saving corrects it (scored again by
    its instrument), with a reason. The instrument stays."""

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        relative: RelativeDetail,
        choice: InstrumentChoice,
        check_in: CheckInView,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(services, runner, actor, relative, choice, parent)
        self.setObjectName("check_in_correction_dialog")
        self.editing = check_in
        self.setWindowTitle(_("Correct check-in"))
        self.save_button.setText(_("Save correction"))
        self.reason = _reason_edit("correction_reason")
        panel_layout = self.advisor_panel.layout()
        assert isinstance(panel_layout, QVBoxLayout)
        reason_form = QFormLayout()
        add_row(reason_form, _("&Reason for the correction"), self.reason, "reason")
        panel_layout.addLayout(reason_form)
        self.instrument_combo.setCurrentIndex(
            self.instrument_combo.findData(check_in.instrument_id)
        )
        self.instrument_combo.setEnabled(False)  # a correction keeps the instrument
        self.mode.setCurrentIndex(self.mode.findData(check_in.mode))
        self.taken_at.setDateTime(to_qdatetime(check_in.taken_at))
        for form in (self.main_form, self.own_life_form):
            if form is not None:
                _fill_form(form, check_in)
        self.reason.installEventFilter(self)  # Ctrl+Return saves from the reason too
        self._filled = self._answers()

    def set_relative_view(self, on: bool) -> None:
        super().set_relative_view(on)
        if not on:
            self.save_button.setText(_("Save correction"))

    def save(self) -> None:
        if self._guard.saving or self.saved_result is not None:
            return
        self.banner.clear()
        try:
            data = self.request()
        except ValidationError as error:
            self.banner.show_error(error, {})
            return
        if data.taken_at == _to_minute(self.editing.taken_at):
            data = replace(data, taken_at=self.editing.taken_at)
        reason = self.reason.text()
        services, actor, editing = self._services, self._actor, self.editing
        self._guard.submit(
            self._runner,
            lambda: services.corrections.correct_check_in(
                actor, editing.id, editing.version, data, reason
            ),
            self._on_saved,
            self._on_corrections_error,
        )

    def _on_corrections_error(self, error: ServiceError) -> None:
        _show_correction_error(error, self.banner, self.reason, self._on_error)

    def has_unsaved_answers(self) -> bool:
        return self.saved_result is None and (
            self._answers() != self._filled or bool(self.reason.text().strip())
        )

    def draft_subject(self) -> DraftSubject:
        return DraftSubject(DraftKind.CHECK_IN, self._relative.id, self.editing.id)

    def draft_version(self) -> int | None:
        return self.editing.version

    def draft_reason(self) -> str:
        return self.reason.text()

    def restore_draft(self, draft: Draft) -> None:
        super().restore_draft(draft)
        self.reason.setText(draft.reason)


def _show_correction_error(
    error: ServiceError, banner: Any, reason: QLineEdit, otherwise: Callable[[ServiceError], None]
) -> None:
    """A refused correction: a missing or bad reason marks the reason field; anything else
    goes to the dialog's own error handling."""
    if error.field == "reason":
        banner.show_error(error, {"reason": reason})
    else:
        otherwise(error)


def _to_minute(value: datetime) -> datetime:
    """What a date-and-time field gives back for ``value``: no seconds."""
    return value.replace(second=0, microsecond=0).astimezone(UTC)


def _fill_form(form: Any, check_in: CheckInView) -> None:
    """Put a saved check-in's answers back into an instrument's form."""
    instrument = form.instrument
    answers = {a.item_id: a for a in check_in.answers if a.instrument_id == instrument.id}
    values = tuple(
        answers[item.id].value if item.id in answers else None for item in instrument.scale_items
    )
    form.set_values(values)
    for edit, item in zip(form.text_edits, instrument.text_items, strict=True):
        found = answers.get(item.id)
        edit.setPlainText(found.text or "" if found is not None else "")


# ---- deleting one record -----------------------------------------------------------------------
class DeleteRecordDialog(QDialog):
    """Asks for the reason and deletes a session or a check-in."""

    deleted = Signal()

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        record: RevisedRecord,
        record_id: int,
        version: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._actor = actor
        self._record = record
        self._record_id = record_id
        self._version = version
        self.setObjectName("delete_record_dialog")
        self.setModal(True)
        is_session = record is RevisedRecord.SESSION
        self.setWindowTitle(_("Delete session") if is_session else _("Delete check-in"))
        text = QLabel(
            _(
                "The session is deleted with its follow-ups. Only a note that it was deleted, "
                "by whom, when and why is kept."
            )
            if is_session
            else _(
                "The check-in is deleted with its answers and follow-ups. Only a note that it "
                "was deleted, by whom, when and why is kept."
            )
        )
        text.setWordWrap(True)
        self.banner = ErrorBanner(self)
        self.reason = _reason_edit("delete_reason")
        form = QFormLayout()
        add_row(form, _("&Reason"), self.reason, "reason")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.delete_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.delete_button.setText(_("Delete"))
        self.delete_button.setObjectName("confirm_delete")
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(_("Cancel"))
        self.buttons.accepted.connect(self.delete)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._guard = SaveGuard(self, self.delete_button, self.cancel_button, keep=[self.banner])

    def delete(self) -> None:
        if self._guard.saving:
            return
        self.banner.clear()
        services, actor = self._services, self._actor
        record_id, version, reason = self._record_id, self._version, self.reason.text()
        if self._record is RevisedRecord.SESSION:

            def work() -> None:
                services.corrections.delete_session(actor, record_id, version, reason)
        else:

            def work() -> None:
                services.corrections.delete_check_in(actor, record_id, version, reason)

        self._guard.submit(self._runner, work, self._on_deleted, self._on_error)

    def _on_deleted(self, _result: object) -> None:
        self.deleted.emit()
        self.accept()

    def _on_error(self, error: ServiceError) -> None:
        self.banner.show_error(error, {"reason": self.reason})

    def reject(self) -> None:
        if not self._guard.saving:
            super().reject()


# ---- earlier versions ------------------------------------------------------------------------
def _session_html(snapshot: SessionSnapshot) -> str:
    language = current_language()
    rows = [
        (_("Date"), format_datetime(snapshot.started_at)),
        (_("Minutes"), str(snapshot.duration_minutes)),
        (_("Form"), label(snapshot.form)),
        (_("Topics"), ", ".join(t.label(language) for t in snapshot.topics)),
        (_("Participants"), ", ".join(snapshot.participants)),
    ]
    parts = [_table(rows), f"<h4>{html.escape(_('Notes'))}</h4>"]
    parts.append("<p>" + html.escape(snapshot.notes).replace("\n", "<br>") + "</p>")
    if snapshot.follow_ups:
        parts.append(f"<h4>{html.escape(_('Follow-ups'))}</h4><ul>")
        for item in snapshot.follow_ups:
            due = f" ({format_date(item.due_on)})" if item.due_on else ""
            parts.append(
                f"<li>{html.escape(item.description)}{html.escape(due)}"
                f" · {html.escape(label(item.status))}</li>"
            )
        parts.append("</ul>")
    return "".join(parts)


def _check_in_html(snapshot: CheckInSnapshot) -> str:
    rows = [
        (_("Time"), format_datetime(snapshot.taken_at)),
        (_("Instrument"), instrument_name(snapshot.instrument_id)),
        (_("Given as"), label(snapshot.mode)),
        (_("Score"), "" if snapshot.score is None else str(snapshot.score)),
    ]
    answers = [
        (
            f"{instrument_name(a.instrument_id)} {a.item_id}",
            a.text if a.text is not None else answer_label(a.instrument_id, a.value),
        )
        for a in snapshot.answers
    ]
    return _table(rows) + f"<h4>{html.escape(_('Answers'))}</h4>" + _table(answers)


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(
        f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(v)}</td></tr>" for k, v in rows
    )
    return f"<table cellspacing='4'>{cells}</table>"


def revision_title(revision: RevisionView) -> str:
    when = format_datetime(revision.made_at)
    if revision.kind is RevisionKind.DELETED:
        return _("{date}: deleted by {name}: {reason}").format(
            date=when, name=revision.advisor_name, reason=revision.reason
        )
    return _("{date}: corrected by {name}: {reason}").format(
        date=when, name=revision.advisor_name, reason=revision.reason
    )


class RevisionsDialog(QDialog):
    """The earlier versions of a session or a check-in, newest first: each correction's
    reason, who and when, and the whole content before it."""

    def __init__(self, revisions: tuple[RevisionView, ...], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("revisions_dialog")
        self.setWindowTitle(_("Earlier versions"))
        self.revisions = revisions
        self.list = QListWidget()
        self.list.setObjectName("revisions")
        self.list.setAccessibleName(_("Earlier versions"))
        self.content = QTextBrowser()
        self.content.setObjectName("revision_content")
        self.content.setAccessibleName(_("The version before the correction"))
        for revision in revisions:
            self.list.addItem(QListWidgetItem(revision_title(revision)))
        empty = QLabel(_("This record has not been corrected."))
        empty.setObjectName("no_revisions")
        empty.setVisible(not revisions)
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.list)
        splitter.addWidget(self.content)
        layout = QVBoxLayout(self)
        layout.addWidget(empty)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        if revisions:
            self.list.setCurrentRow(0)
        self.resize(640, 560)

    def _on_list_current_row_changed(self, row: int) -> None:
        if not 0 <= row < len(self.revisions):
            self.content.clear()
            return
        revision = self.revisions[row]
        if revision.session is not None:
            self.content.setHtml(_session_html(revision.session))
        elif revision.check_in is not None:
            self.content.setHtml(_check_in_html(revision.check_in))
        else:
            self.content.setPlainText(_("Deleted: the content is not kept."))


# ---- the bars on the relative's page -----------------------------------------------------------
class _RecordBar(QWidget):
    """Correct, delete and earlier versions of the record selected in ``view``."""

    changed = Signal()
    dialog_opened = Signal(object)  # the dialog, for tests and the main window

    RECORD: RevisedRecord

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        view: QTableView,
        relative: Callable[[], RelativeDetail | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._actor = actor
        self._view = view
        self._relative = relative
        prefix = "session" if self.RECORD is RevisedRecord.SESSION else "check_in"
        self.correct_button = self._button(_("C&orrect…"), f"correct_{prefix}")
        self.delete_button = self._button(_("De&lete…"), f"delete_{prefix}")
        self.history_button = self._button(_("Earlier &versions…"), f"{prefix}_versions")
        self.mark = QLabel()
        self.mark.setObjectName(f"{prefix}_corrected")
        self.mark.setTextFormat(Qt.TextFormat.PlainText)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.mark, 1)
        layout.addWidget(self.correct_button)
        layout.addWidget(self.delete_button)
        layout.addWidget(self.history_button)
        self.correct_button.clicked.connect(self._on_correct_clicked)
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.history_button.clicked.connect(self._on_history_clicked)
        view.selectionModel().selectionChanged.connect(self.refresh)
        view.model().modelReset.connect(self.refresh)
        self.refresh()

    def _button(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        return button

    def selected(self) -> Any:
        return selected_row(self._view)

    def refresh(self, *_args: object) -> None:
        record = self.selected()
        has = record is not None
        for button in (self.correct_button, self.delete_button, self.history_button):
            button.setEnabled(has)
        at = getattr(record, "corrected_at", None)
        self.mark.setText(corrected_text(at, record.corrected_by) if at is not None else "")

    def _on_delete_clicked(self) -> None:
        record = self.selected()
        if record is None:
            return
        dialog = DeleteRecordDialog(
            self._services, self._runner, self._actor, self.RECORD, record.id, record.version, self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.deleted.connect(self.changed)
        dialog.open()
        self.dialog_opened.emit(dialog)

    def _on_history_clicked(self) -> None:
        record = self.selected()
        if record is None:
            return
        services, actor, kind = self._services, self._actor, self.RECORD
        record_id = record.id
        self._runner.submit(
            lambda: services.corrections.revisions(actor, kind, record_id),
            self._show_revisions,
            self._show_error,
            owner=self,
        )

    def _show_revisions(self, revisions: tuple[RevisionView, ...]) -> None:
        dialog = RevisionsDialog(revisions, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.dialog_opened.emit(dialog)

    def _on_correct_clicked(self) -> None:
        raise NotImplementedError

    def _show_error(self, error: ServiceError) -> None:
        show_error(self, error)


class SessionBar(_RecordBar):
    RECORD = RevisedRecord.SESSION

    def _on_correct_clicked(self) -> None:
        session = self.selected()
        if not isinstance(session, SessionView):
            return
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.reference.topics(actor),
            lambda topics: self._open(session, topics),
            self._show_error,
            owner=self,
        )

    def _open(self, session: SessionView, topics: tuple[TopicView, ...]) -> None:
        relative = None if session.anonymous else self._relative()
        if not session.anonymous and relative is None:
            return
        dialog = SessionCorrectionDialog(
            self._services, self._runner, self._actor, relative, topics, session, self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.session_saved.connect(self.changed)
        dialog.open()
        self.dialog_opened.emit(dialog)


class CheckInBar(_RecordBar):
    RECORD = RevisedRecord.CHECK_IN

    def _on_correct_clicked(self) -> None:
        check_in = self.selected()
        relative = self._relative()
        if not isinstance(check_in, CheckInView) or relative is None:
            return
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.check_ins.choice(actor, relative.is_child, may_be_child=True),
            lambda choice: self._open(relative, check_in, choice),
            self._show_error,
            owner=self,
        )

    def _open(
        self, relative: RelativeDetail, check_in: CheckInView, choice: InstrumentChoice
    ) -> None:
        if all(i.id != check_in.instrument_id for i in choice.instruments):
            show_error(
                self,
                ValidationError(
                    N_("This check-in's instrument is not offered any more: delete it instead.")
                ),
            )
            return
        dialog = CheckInCorrectionDialog(
            self._services, self._runner, self._actor, relative, choice, check_in, self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.check_in_saved.connect(self._on_saved)
        dialog.open()
        self.dialog_opened.emit(dialog)

    def _on_saved(self, _result: CheckInResult) -> None:
        self.changed.emit()


def show_error(parent: QWidget, error: ServiceError) -> None:
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        _("Not saved"),
        error.translated(_),
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setObjectName("error_box")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


# ---- deleting a relative ----------------------------------------------------------------------
def impact_lines(impact: RelativeDeletionImpact) -> list[str]:
    """What goes with the relative, one line a kind, only the kinds there are."""
    lines = []
    if impact.sessions:
        n = impact.sessions
        lines.append(ngettext("{n} session", "{n} sessions", n).format(n=n))
    if impact.check_ins:
        n = impact.check_ins
        lines.append(ngettext("{n} check-in", "{n} check-ins", n).format(n=n))
    if impact.follow_ups:
        n = impact.follow_ups
        lines.append(ngettext("{n} follow-up", "{n} follow-ups", n).format(n=n))
    if impact.relief_arrangements:
        n = impact.relief_arrangements
        lines.append(ngettext("{n} relief arrangement", "{n} relief arrangements", n).format(n=n))
    if impact.referrals:
        n = impact.referrals
        lines.append(ngettext("{n} referral to an offer", "{n} referrals to offers", n).format(n=n))
    if impact.mentor_matches:
        n = impact.mentor_matches
        lines.append(ngettext("{n} mentor match", "{n} mentor matches", n).format(n=n))
    if impact.handouts:
        n = impact.handouts
        lines.append(ngettext("{n} handout record", "{n} handout records", n).format(n=n))
    for name in impact.orphaned_citizens:
        lines.append(_("the citizen {name}, who has no other relative here").format(name=name))
    return lines


class DeleteRelativeButton(QPushButton):
    """Deletes the relative on the page after a confirmation that says what else goes."""

    deleted = Signal(int)  # the relative's id
    confirmation_opened = Signal(object)  # QMessageBox

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        relative: Callable[[], RelativeDetail | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("&Delete relative…"), parent)
        self.setObjectName("delete_relative")
        self.setAutoDefault(False)
        self.setToolTip(_("Delete the relative and everything recorded about them"))
        self._services = services
        self._runner = runner
        self._actor = actor
        self._relative = relative
        self.clicked.connect(self._on_clicked)

    def _on_clicked(self) -> None:
        detail = self._relative()
        if detail is None:
            return
        services, actor = self._services, self._actor
        relative_id = detail.id
        self._runner.submit(
            lambda: services.corrections.relative_deletion_impact(actor, relative_id),
            self._confirm,
            lambda error: show_error(self, error),
            owner=self,
        )

    def _confirm(self, impact: RelativeDeletionImpact) -> None:
        lines = impact_lines(impact)
        text = _("Delete {name} for good?").format(name=impact.name)
        details = (
            _("This also deletes:") + "\n" + "\n".join(f"• {line}" for line in lines)
            if lines
            else _("Nothing else is recorded about them.")
        )
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Delete relative"),
            text + "\n\n" + details + "\n\n" + _("This cannot be undone."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("confirm_delete_relative")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText(_("Delete"))
        box.button(QMessageBox.StandardButton.No).setText(_("Keep"))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def on_finished(result: int) -> None:
            if result != QMessageBox.StandardButton.Yes:
                return
            services, actor = self._services, self._actor
            relative_id, version = impact.relative_id, impact.version
            self._runner.submit(
                lambda: services.relatives.delete(
                    actor,
                    relative_id,
                    version,
                    confirmed_sessions=impact.sessions,
                    confirmed_check_ins=impact.check_ins,
                ),
                lambda _none: self.deleted.emit(relative_id),
                lambda error: show_error(self, error),
                owner=self,
            )

        box.finished.connect(on_finished)
        box.open()
        self.confirmation_opened.emit(box)


# ---- one's own anonymous sessions --------------------------------------------------------------
class AnonymousSessionsDialog(QDialog):
    """The signed-in advisor's anonymous sessions between two dates, to correct or delete."""

    changed = Signal()

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._actor = actor
        self.setObjectName("anonymous_sessions_dialog")
        self.setWindowTitle(_("My anonymous sessions"))
        end = today or date.today()
        self.since = date_edit(end - timedelta(days=ANONYMOUS_LIST_DAYS))
        self.since.setObjectName("anonymous_since")
        self.until = date_edit(end)
        self.until.setObjectName("anonymous_until")
        self.show_button = QPushButton(_("&Show"))
        self.show_button.setObjectName("show_anonymous")
        self.show_button.setAutoDefault(False)
        self.model = SessionsModel(self)
        self.view = table_view(self.model, "anonymous_sessions", _("Anonymous sessions"))
        self.notes = QTextBrowser()
        self.notes.setObjectName("anonymous_notes")
        self.notes.setAccessibleName(_("Notes"))
        self.empty = QLabel(_("No anonymous sessions in this period."))
        self.empty.setObjectName("no_anonymous_sessions")
        self.empty.hide()
        self.bar = SessionBar(services, runner, actor, self.view, lambda: None, self)
        self.bar.changed.connect(self.load)
        self.bar.changed.connect(self.changed)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        period = QHBoxLayout()
        since_label = QLabel(_("&From"))
        since_label.setBuddy(self.since)
        until_label = QLabel(_("&To"))
        until_label.setBuddy(self.until)
        period.addWidget(since_label)
        period.addWidget(self.since)
        period.addWidget(until_label)
        period.addWidget(self.until)
        period.addWidget(self.show_button)
        period.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(self.notes)
        layout = QVBoxLayout(self)
        layout.addLayout(period)
        layout.addWidget(self.empty)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.bar)
        layout.addWidget(buttons)
        self.show_button.clicked.connect(self.load)
        self.resize(820, 560)

    def load(self) -> None:
        since, until = from_qdate(self.since.date()), from_qdate(self.until.date())
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.corrections.own_anonymous_sessions(actor, since, until),
            self._show,
            lambda error: show_error(self, error),
            owner=self,
        )

    def _show(self, sessions: tuple[SessionView, ...]) -> None:
        self.model.set_rows(sessions)
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.empty.setVisible(not sessions)
        if sessions:
            self.view.selectRow(0)
        else:
            self.notes.clear()
        self.bar.refresh()

    def _on_selection_changed(self, *_args: object) -> None:
        session = selected_row(self.view)
        self.notes.setPlainText(session.notes if isinstance(session, SessionView) else "")

    def set_period(self, since: date, until: date) -> None:
        self.since.setDate(QDate(since.year, since.month, since.day))
        self.until.setDate(QDate(until.year, until.month, until.day))
