"""The "Mentor" tab on the relative's page (mentorpårørende): the relative as a mentor
(profile, consents, pause) and as a relative waiting for one (wishes, "Find mentor"), and
every match of theirs on either side with its steps: accept, start, review, end."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from advisor_app.domain.actor import Actor
from advisor_app.domain.errors import ServiceError
from advisor_app.domain.mentoring import MatchStatus
from advisor_app.i18n import N_, _, format_date
from advisor_app.services.facade import Services
from advisor_app.services.mentor_dto import ConsentKind, MatchView, MentoringView, Side
from advisor_app.ui.labels import label
from advisor_app.ui.mentor_dialogs import (
    ActivateDialog,
    EndMatchDialog,
    FindMentorDialog,
    MentorProfileDialog,
    MentorRequestDialog,
    ReviewDialog,
)
from advisor_app.ui.table_models import Column, RowsModel
from advisor_app.ui.task_runner import TaskRunner
from advisor_app.ui.views import selected_row, table_view


class MatchColumn(IntEnum):
    STATUS = 0
    MENTOR = 1
    MENTEE = 2
    SCORE = 3
    REVIEW = 4


class MatchesModel(RowsModel[MatchView]):
    COLUMNS = (
        Column[MatchView](N_("Status"), lambda m: label(m.status)),
        Column[MatchView](N_("Mentor"), lambda m: m.mentor_name),
        Column[MatchView](N_("Relative"), lambda m: m.mentee_name),
        Column[MatchView](N_("Score"), lambda m: f"{m.score:.1f}", lambda m: m.score),
        Column[MatchView](
            N_("Next review"),
            lambda m: format_date(m.next_review_on),
            lambda m: m.next_review_on.toordinal() if m.next_review_on else 0,
        ),
    )


def _button(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    return button


def match_html(match: MatchView) -> str:
    from xml.sax.saxutils import escape

    rows = [
        f"<b>{escape(match.mentor_name)}</b> → <b>{escape(match.mentee_name)}</b>: "
        f"{escape(label(match.status))}"
    ]
    accepted = [
        _("the mentor") if match.mentor_accepted_at else None,
        _("the relative") if match.mentee_accepted_at else None,
    ]
    if any(accepted):
        rows.append(escape(_("Accepted by: {who}").format(who=", ".join(a for a in accepted if a))))
    if match.first_meeting_on:
        rows.append(
            escape(
                _("First meeting {day}, {frequency}").format(
                    day=format_date(match.first_meeting_on),
                    frequency=label(match.frequency).lower() if match.frequency else "",
                )
            )
        )
    for review in match.reviews:
        rows.append(
            escape(
                _("Review {day}: mentor {a}, relative {b}").format(
                    day=format_date(review.reviewed_on),
                    a=review.mentor_satisfaction or "-",
                    b=review.mentee_satisfaction or "-",
                )
            )
        )
    if match.end_reason:
        rows.append(
            escape(
                _("Ended: {reason}; {outcome}").format(
                    reason=label(match.end_reason),
                    outcome=label(match.outcome) if match.outcome else "",
                )
            )
        )
    for title, contact in (
        (_("Mentor"), match.mentor_contact),
        (_("Relative"), match.mentee_contact),
    ):
        if contact is not None:
            parts = ", ".join(p for p in (contact.name, contact.phone, contact.email) if p)
            rows.append(escape(f"{title}: {parts}"))
    if match.status in (MatchStatus.ACCEPTED, MatchStatus.ACTIVE) and match.mentor_contact is None:
        rows.append(escape(_("Contact details are shown once both have consented.")))
    return "<br>".join(rows)


class MentorTab(QWidget):
    """Loads with one call (``mentors.mentoring``) whenever the page's relative changes."""

    loaded = Signal(object)  # MentoringView
    changed = Signal()  # a save: the page's follow-ups may have changed
    dialog_opened = Signal(object)  # the dialog, for tests and screenshots

    def __init__(
        self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services, self._runner, self._actor = services, runner, actor
        self.relative_id: int | None = None
        self.view: MentoringView | None = None
        # The relative's page reloads everything (this tab included) on ``changed``.
        self.reload_on_save = True

        # -- as a mentor
        self.mentor_status = QLabel()
        self.mentor_status.setObjectName("mentor_status")
        self.mentor_status.setWordWrap(True)
        self.profile_button = _button(_("Mentor &profile..."), "mentor_profile")
        self.pause_button = _button(_("Pause"), "mentor_pause")
        self.mentor_consent = QCheckBox(_("Consents to be a mentor"))
        self.mentor_consent.setObjectName("mentor_consent")
        self.mentor_contact = QCheckBox(_("Shares contact details with mentees"))
        self.mentor_contact.setObjectName("mentor_contact_consent")
        mentor_box = QGroupBox(_("As a mentor"))
        grid = QGridLayout(mentor_box)
        grid.addWidget(self.mentor_status, 0, 0, 1, 3)
        grid.addWidget(self.mentor_consent, 1, 0)
        grid.addWidget(self.mentor_contact, 1, 1)
        grid.addWidget(self.profile_button, 2, 0)
        grid.addWidget(self.pause_button, 2, 1)

        # -- wanting a mentor
        self.request_status = QLabel()
        self.request_status.setObjectName("request_status")
        self.request_status.setWordWrap(True)
        self.request_button = _button(_("&Wishes for a mentor..."), "mentor_request")
        self.find_button = _button(_("&Find mentor..."), "find_mentor")
        self.close_request_button = _button(_("No longer wants one"), "close_request")
        self.mentee_contact = QCheckBox(_("Shares contact details with the mentor"))
        self.mentee_contact.setObjectName("mentee_contact_consent")
        mentee_box = QGroupBox(_("Wants a mentor"))
        grid = QGridLayout(mentee_box)
        grid.addWidget(self.request_status, 0, 0, 1, 3)
        grid.addWidget(self.mentee_contact, 1, 0, 1, 2)
        grid.addWidget(self.request_button, 2, 0)
        grid.addWidget(self.find_button, 2, 1)
        grid.addWidget(self.close_request_button, 2, 2)

        # -- matches
        self.model = MatchesModel(self)
        self.matches_view = table_view(self.model, "mentor_matches", _("Mentor matches"))
        self.match_detail = QLabel()
        self.match_detail.setObjectName("match_detail")
        self.match_detail.setWordWrap(True)
        self.match_detail.setTextFormat(Qt.TextFormat.RichText)
        self.mentor_accepts = _button(_("Mentor accepts"), "mentor_accepts")
        self.mentee_accepts = _button(_("Relative accepts"), "mentee_accepts")
        self.activate_button = _button(_("&Start..."), "activate_match")
        self.review_button = _button(_("Re&view..."), "review_match")
        self.end_button = _button(_("&End..."), "end_match")
        buttons = QHBoxLayout()
        for b in (
            self.mentor_accepts,
            self.mentee_accepts,
            self.activate_button,
            self.review_button,
            self.end_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)

        top = QHBoxLayout()
        top.addWidget(mentor_box)
        top.addWidget(mentee_box)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.matches_view, 1)
        layout.addWidget(self.match_detail)
        layout.addLayout(buttons)

        self.profile_button.clicked.connect(self._on_profile_button_clicked)
        self.pause_button.clicked.connect(self._on_pause_button_clicked)
        self.request_button.clicked.connect(self._on_request_button_clicked)
        self.find_button.clicked.connect(self._on_find_button_clicked)
        self.close_request_button.clicked.connect(self._on_close_request_button_clicked)
        self.mentor_consent.clicked.connect(lambda on: self._consent(ConsentKind.MENTOR, bool(on)))
        self.mentor_contact.clicked.connect(
            lambda on: self._consent(ConsentKind.MENTOR_CONTACT, bool(on))
        )
        self.mentee_contact.clicked.connect(
            lambda on: self._consent(ConsentKind.MENTEE_CONTACT, bool(on))
        )
        self.mentor_accepts.clicked.connect(lambda: self._accept(Side.MENTOR))
        self.mentee_accepts.clicked.connect(lambda: self._accept(Side.MENTEE))
        self.activate_button.clicked.connect(lambda: self._open_for_match(ActivateDialog))
        self.review_button.clicked.connect(lambda: self._open_for_match(ReviewDialog))
        self.end_button.clicked.connect(lambda: self._open_for_match(EndMatchDialog))
        self.matches_view.selectionModel().selectionChanged.connect(
            self._on_matches_selection_changed
        )
        self._update()

    # ---- loading ---------------------------------------------------------------------------
    def load(self, relative_id: int) -> None:
        self.relative_id = relative_id
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.mentors.mentoring(actor, relative_id),
            self.show_view,
            self._show_error,
            owner=self,
        )

    def reload(self) -> None:
        if self.relative_id is not None:
            self.load(self.relative_id)

    def show_view(self, view: MentoringView) -> None:
        if view.relative_id != self.relative_id:
            return  # an older answer for a relative no longer shown
        self.view = view
        selected = self.selected_match()
        self.model.set_rows(view.matches)
        if selected is not None:
            for row, match in enumerate(view.matches):
                if match.id == selected.id:
                    self.matches_view.selectRow(row)
        elif view.matches:
            self.matches_view.selectRow(0)
        self._update()
        self.loaded.emit(view)

    def selected_match(self) -> MatchView | None:
        found = selected_row(self.matches_view)
        return found if isinstance(found, MatchView) else None

    def _update(self) -> None:
        view = self.view
        mentor = view.mentor if view else None
        request = view.request if view else None
        if mentor is None:
            self.mentor_status.setText(_("Not a mentor."))
        else:
            state = _("paused") if mentor.paused else _("active")
            if mentor.trained_on is None:
                state += ", " + _("not trained yet")
            self.mentor_status.setText(
                _("Mentor ({state}): {n} of {cap} places taken.").format(
                    state=state, n=mentor.open_matches, cap=mentor.capacity
                )
            )
        self.mentor_consent.setEnabled(mentor is not None)
        self.mentor_contact.setEnabled(mentor is not None)
        self.mentor_consent.setChecked(bool(mentor and mentor.mentor_consent))
        self.mentor_contact.setChecked(bool(mentor and mentor.contact_consent))
        self.pause_button.setEnabled(mentor is not None)
        self.pause_button.setText(_("Resume") if mentor and mentor.paused else _("Pause"))
        if request is None:
            self.request_status.setText(_("Has not asked for a mentor."))
        elif request.closed:
            self.request_status.setText(_("No longer wants a mentor."))
        elif request.waiting:
            self.request_status.setText(_("Waiting for a mentor."))
        else:
            self.request_status.setText(_("Has a mentor match."))
        self.mentee_contact.setEnabled(request is not None)
        self.mentee_contact.setChecked(bool(request and request.contact_consent))
        self.find_button.setEnabled(bool(request and request.waiting))
        self.close_request_button.setEnabled(bool(request and not request.closed))
        match = self.selected_match()
        status = match.status if match else None
        self.mentor_accepts.setEnabled(
            status is MatchStatus.PROPOSED and match is not None and not match.mentor_accepted_at
        )
        self.mentee_accepts.setEnabled(
            status is MatchStatus.PROPOSED and match is not None and not match.mentee_accepted_at
        )
        self.activate_button.setEnabled(status is MatchStatus.ACCEPTED)
        self.review_button.setEnabled(status is MatchStatus.ACTIVE)
        self.end_button.setEnabled(status is not None and status is not MatchStatus.ENDED)
        self.match_detail.setText(match_html(match) if match else "")

    def _on_matches_selection_changed(self, *_args: object) -> None:
        self._update()

    # ---- actions ---------------------------------------------------------------------------
    def _after_save(self, *_args: object) -> None:
        if self.reload_on_save:
            self.reload()
        self.changed.emit()

    def _consent(self, kind: ConsentKind, given: bool) -> None:
        if self.relative_id is None:
            return
        services, actor, rid = self._services, self._actor, self.relative_id
        self._runner.submit(
            lambda: services.mentors.set_consent(actor, rid, kind, given),
            self._after_save,
            self._show_error,
            owner=self,
        )

    def _accept(self, side: Side) -> None:
        match = self.selected_match()
        if match is None:
            return
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.mentors.accept(actor, match.id, match.version, side),
            self._after_save,
            self._show_error,
            owner=self,
        )

    def _on_pause_button_clicked(self) -> None:
        mentor = self.view.mentor if self.view else None
        if mentor is None:
            return
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.mentors.set_paused(
                actor, mentor.id, mentor.version, not mentor.paused
            ),
            self._after_save,
            self._show_error,
            owner=self,
        )

    def _open(
        self,
        dialog: MentorProfileDialog
        | MentorRequestDialog
        | ActivateDialog
        | ReviewDialog
        | EndMatchDialog,
    ) -> None:
        dialog.saved.connect(self._after_save)
        dialog.open()
        self.dialog_opened.emit(dialog)

    def _on_profile_button_clicked(self) -> None:
        if self.relative_id is None:
            return
        current = self.view.mentor if self.view else None
        self._open(
            MentorProfileDialog(
                self._services, self._runner, self._actor, self.relative_id, current, self
            )
        )

    def _on_request_button_clicked(self) -> None:
        if self.relative_id is None:
            return
        current = self.view.request if self.view else None
        self._open(
            MentorRequestDialog(
                self._services, self._runner, self._actor, self.relative_id, current, self
            )
        )

    def _on_close_request_button_clicked(self) -> None:
        request = self.view.request if self.view else None
        if request is None:
            return
        services, actor = self._services, self._actor
        self._runner.submit(
            lambda: services.mentors.close_request(actor, request.relative_id, request.version),
            self._after_save,
            self._show_error,
            owner=self,
        )

    def _on_find_button_clicked(self) -> None:
        if self.relative_id is None:
            return
        dialog = FindMentorDialog(self._services, self._runner, self._actor, self.relative_id, self)
        dialog.proposed.connect(self._after_save)
        dialog.open()
        self.dialog_opened.emit(dialog)

    def _open_for_match(self, kind: type[ActivateDialog | ReviewDialog | EndMatchDialog]) -> None:
        match = self.selected_match()
        if match is None:
            return
        self._open(kind(self._services, self._runner, self._actor, match, self))

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
