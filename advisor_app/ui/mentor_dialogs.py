"""The mentor dialogs (mentorpårørende, Mentor and MentorMatch): the mentor profile, the
relative's wishes for a mentor, "Find mentor" with the top 3 and their explanations, and a
match's steps (activate, review, end with a reason). Each save is one service call on the
worker; a rule broken shows in the form, which keeps what was typed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from advisor_app.domain.actor import Actor
from advisor_app.domain.enums import Condition, RelationType
from advisor_app.domain.errors import N_, ValidationError
from advisor_app.domain.mentoring import (
    ContactMode,
    EndReason,
    Gender,
    GenderPreference,
    MatchOutcome,
    MeetingFrequency,
    MentorStage,
    TimeSlot,
)
from advisor_app.i18n import _, ngettext
from advisor_app.services.facade import Services
from advisor_app.services.mentor_dto import (
    ActivateInput,
    EndInput,
    MatchView,
    MentorInput,
    MentorRequestInput,
    MentorRequestView,
    MentorView,
    ReviewInput,
    SuggestionsView,
    criterion_line,
    deciding_line,
    excluded_line,
)
from advisor_app.ui.citizen_form import ServiceDialog
from advisor_app.ui.forms import OptionalDate, add_row, date_edit, enum_combo, from_qdate, line_edit
from advisor_app.ui.labels import label
from advisor_app.ui.task_runner import TaskRunner

E = TypeVar("E", bound=StrEnum)
W = TypeVar("W", bound=QWidget)


def _row(form: QFormLayout, text: str, widget: W, name: str) -> W:
    add_row(form, text, widget, name)
    return widget


REMINDER = N_("Mentor review: ask both how it is going")


class Checks(QWidget):
    """One check box per enum member, in a row: a set of values."""

    def __init__(self, members: Sequence[E], chosen: Sequence[E] = ()) -> None:
        super().__init__()
        self.boxes: dict[StrEnum, QCheckBox] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for member in members:
            box = QCheckBox(label(member))
            box.setObjectName(f"check_{member.value}")
            box.setChecked(member in chosen)
            self.boxes[member] = box
            layout.addWidget(box)
        layout.addStretch(1)

    def value(self) -> tuple[Any, ...]:
        return tuple(member for member, box in self.boxes.items() if box.isChecked())


def _languages(text: str) -> tuple[str, ...]:
    return tuple(p.strip().lower() for p in text.replace(";", ",").split(",") if p.strip())


class _Shared:
    """The fields a mentor profile and a wish for a mentor share."""

    def __init__(
        self,
        form: QFormLayout,
        stage: MentorStage,
        languages: Sequence[str],
        slots: Sequence[TimeSlot],
        modes: Sequence[ContactMode],
        gender: Gender,
        preference: GenderPreference,
        preference_caption: str,
    ) -> None:
        self.stage = _row(form, _("S&tage"), enum_combo(MentorStage, stage), "stage")
        self.languages = _row(
            form, _("&Languages (da, en, ...)"), line_edit(", ".join(languages), 100), "languages"
        )
        self.slots = _row(form, _("&When"), Checks(list(TimeSlot), slots), "slots")
        self.modes = _row(form, _("&How"), Checks(list(ContactMode), modes), "modes")
        self.gender = _row(form, _("&Gender"), enum_combo(Gender, gender), "gender")
        self.preference = _row(
            form, preference_caption, enum_combo(GenderPreference, preference), "gender_preference"
        )


class MentorProfileDialog(ServiceDialog):
    """Make a relative a mentor, or change their profile."""

    saved = Signal(object)  # MentorView

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        relative_id: int,
        current: MentorView | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._services, self._actor, self._relative_id = services, actor, relative_id
        self._current = current
        self.setObjectName("mentor_profile_dialog")
        self.setWindowTitle(_("Mentor profile"))
        c = current
        form = QFormLayout()
        self.shared = _Shared(
            form,
            c.stage if c else MentorStage.ADVANCED,
            c.languages if c else ("da",),
            c.slots if c else (),
            c.modes if c else (),
            c.gender if c else Gender.UNKNOWN,
            c.gender_preference if c else GenderPreference.ANY,
            _("Accepts a &relative who is"),
        )
        self.relation = _row(
            form,
            _("Re&lation to the one cared for"),
            enum_combo(RelationType, c.relation_type if c else RelationType.SPOUSE),
            "relation_type",
        )
        self.conditions = _row(
            form,
            _("&Conditions lived with"),
            Checks([x for x in Condition if x is not Condition.OTHER], c.conditions if c else ()),
            "conditions",
        )
        capacity = QSpinBox()
        capacity.setRange(1, 10)
        capacity.setValue(c.capacity if c else 1)
        self.capacity = _row(form, _("Mentees at &once"), capacity, "capacity")
        self.trained = _row(
            form,
            _("T&rained"),
            OptionalDate(_("Training completed"), c.trained_on if c else None),
            "trained_on",
        )
        self.bereaved = _row(
            form,
            _("&Bereaved since"),
            OptionalDate(_("Bereaved"), c.bereaved_since if c else None),
            "bereaved_since",
        )
        self.postcode = _row(
            form,
            _("&Postcode (if not the relative's)"),
            line_edit(c.postcode if c else None, 4),
            "postcode",
        )
        self.interests = _row(
            form, _("&Interests"), line_edit(c.interests if c else None, 2000), "interests"
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def fields(self) -> dict[str, QWidget]:
        s = self.shared
        return {
            "stage": s.stage,
            "languages": s.languages,
            "slots": s.slots,
            "modes": s.modes,
            "capacity": self.capacity,
            "trained_on": self.trained,
            "bereaved_since": self.bereaved,
            "postcode": self.postcode,
            "interests": self.interests,
        }

    def build_call(self) -> Callable[[], Any]:
        s = self.shared
        data = MentorInput(
            stage=MentorStage(s.stage.currentData()),
            relation_type=RelationType(self.relation.currentData()),
            conditions=self.conditions.value(),
            languages=_languages(s.languages.text()),
            slots=s.slots.value(),
            modes=s.modes.value(),
            capacity=self.capacity.value(),
            gender=Gender(s.gender.currentData()),
            gender_preference=GenderPreference(s.preference.currentData()),
            trained_on=self.trained.value(),
            bereaved_since=self.bereaved.value(),
            postcode=self.postcode.text(),
            interests=self.interests.text(),
        )
        services, actor, rid = self._services, self._actor, self._relative_id
        version = self._current.version if self._current else None
        return lambda: services.mentors.save_mentor(actor, rid, data, version)

    def deliver(self, result: Any) -> None:
        self.saved.emit(result)


class MentorRequestDialog(ServiceDialog):
    """What a relative who would like a mentor wishes: stage, language, time and way."""

    saved = Signal(object)  # MentorRequestView

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        relative_id: int,
        current: MentorRequestView | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._services, self._actor, self._relative_id = services, actor, relative_id
        self._current = current
        self.setObjectName("mentor_request_dialog")
        self.setWindowTitle(_("Wishes for a mentor"))
        c = current
        form = QFormLayout()
        self.shared = _Shared(
            form,
            c.stage if c else MentorStage.NEWLY_DIAGNOSED,
            c.languages if c else ("da",),
            c.slots if c else (),
            c.modes if c else (),
            c.gender if c else Gender.UNKNOWN,
            c.gender_preference if c else GenderPreference.ANY,
            _("Wishes a &mentor who is"),
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def fields(self) -> dict[str, QWidget]:
        s = self.shared
        return {"stage": s.stage, "languages": s.languages, "slots": s.slots, "modes": s.modes}

    def build_call(self) -> Callable[[], Any]:
        s = self.shared
        data = MentorRequestInput(
            stage=MentorStage(s.stage.currentData()),
            languages=_languages(s.languages.text()),
            slots=s.slots.value(),
            modes=s.modes.value(),
            gender=Gender(s.gender.currentData()),
            gender_preference=GenderPreference(s.preference.currentData()),
        )
        services, actor, rid = self._services, self._actor, self._relative_id
        version = self._current.version if self._current else None
        return lambda: services.mentors.save_request(actor, rid, data, version)

    def deliver(self, result: Any) -> None:
        self.saved.emit(result)


def suggestion_text(found: SuggestionsView, index: int) -> str:
    item = found.top[index]
    lines = [
        _("{name}: {score} points").format(name=item.mentor_name, score=f"{item.score:.1f}"),
        deciding_line(item.deciding, _),
        "",
    ]
    lines.extend(criterion_line(c, _) for c in item.criteria)
    return "\n".join(lines)


class FindMentorDialog(ServiceDialog):
    """The top 3 mentors for the relative, each with how every criterion counted, and which
    hard rules excluded the rest. Save proposes the chosen mentor."""

    proposed = Signal(object)  # MatchView
    suggestions_loaded = Signal(object)  # SuggestionsView

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        relative_id: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._services, self._actor, self._relative_id = services, actor, relative_id
        self.found: SuggestionsView | None = None
        self.setObjectName("find_mentor_dialog")
        self.setWindowTitle(_("Find mentor"))
        self.save_button.setText(_("&Propose this mentor"))
        self.save_button.setEnabled(False)
        self.summary = QLabel(_("Looking for mentors..."))
        self.summary.setObjectName("suggest_summary")
        self.summary.setWordWrap(True)
        self.excluded = QLabel()
        self.excluded.setObjectName("suggest_excluded")
        self.excluded.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("suggestions")
        self.list.setAccessibleName(_("Suggested mentors"))
        self.explanation = QPlainTextEdit()
        self.explanation.setObjectName("explanation")
        self.explanation.setReadOnly(True)
        self.explanation.setAccessibleName(_("Why this mentor"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.summary)
        layout.addWidget(self.excluded)
        layout.addWidget(self.list)
        layout.addWidget(self.explanation, 1)
        layout.addWidget(self.buttons)
        self.resize(560, 520)
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        runner.submit(
            lambda: services.mentors.suggest(actor, relative_id),
            self._show,
            self.show_error,
            owner=self,
        )

    def _show(self, found: SuggestionsView) -> None:
        self.found = found
        self.summary.setText(
            ngettext(
                "{n} mentor considered; the best {k}:",
                "{n} mentors considered; the best {k}:",
                found.considered,
            ).format(n=found.considered, k=len(found.top))
            if found.top
            else _("No mentor fits the rules.")
        )
        self.excluded.setText(excluded_line(found.excluded, _, ngettext))
        for rank, item in enumerate(found.top, 1):
            QListWidgetItem(f"{rank}. {item.mentor_name} ({item.score:.1f})", self.list)
        if found.top:
            self.list.setCurrentRow(0)
        self.suggestions_loaded.emit(found)

    def _on_list_current_row_changed(self, row: int) -> None:
        if self.found is not None and 0 <= row < len(self.found.top):
            self.explanation.setPlainText(suggestion_text(self.found, row))
            self.save_button.setEnabled(True)
        else:
            self.explanation.clear()
            self.save_button.setEnabled(False)

    def build_call(self) -> Callable[[], Any]:
        row = self.list.currentRow()
        if self.found is None or not 0 <= row < len(self.found.top):
            raise ValidationError(N_("Choose a mentor."))
        mentor_id = self.found.top[row].mentor_id
        services, actor, rid = self._services, self._actor, self._relative_id
        return lambda: services.mentors.propose(actor, rid, mentor_id)

    def deliver(self, result: Any) -> None:
        self.proposed.emit(result)


class ActivateDialog(ServiceDialog):
    """The two have met: first meeting, how often, and the first review (a reminder)."""

    saved = Signal(object)  # MatchView

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        match: MatchView,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._services, self._actor, self._match = services, actor, match
        self.setObjectName("activate_dialog")
        self.setWindowTitle(_("Start the mentorship"))
        form = QFormLayout()
        today = date.today()
        self.first = _row(form, _("&First meeting"), date_edit(today), "first_meeting_on")
        self.frequency = _row(
            form,
            _("&How often"),
            enum_combo(MeetingFrequency, MeetingFrequency.FORTNIGHTLY),
            "frequency",
        )
        self.review = _row(
            form, _("First &review"), date_edit(today + timedelta(days=42)), "review_on"
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def fields(self) -> dict[str, QWidget]:
        return {"first_meeting_on": self.first, "review_on": self.review}

    def build_call(self) -> Callable[[], Any]:
        data = ActivateInput(
            from_qdate(self.first.date()),
            MeetingFrequency(self.frequency.currentData()),
            from_qdate(self.review.date()),
            reminder=_(REMINDER),
        )
        services, actor, match = self._services, self._actor, self._match
        return lambda: services.mentors.activate(actor, match.id, match.version, data)

    def deliver(self, result: Any) -> None:
        self.saved.emit(result)


def _satisfaction() -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, 5)
    spin.setSpecialValueText(_("Not asked"))
    return spin


class ReviewDialog(ServiceDialog):
    """The review: how satisfied each of them is (1-5), a note, and the next review."""

    saved = Signal(object)  # MatchView

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        match: MatchView,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._services, self._actor, self._match = services, actor, match
        self.setObjectName("review_dialog")
        self.setWindowTitle(_("Review the mentorship"))
        form = QFormLayout()
        self.reviewed = _row(form, _("Re&viewed on"), date_edit(date.today()), "reviewed_on")
        self.mentor_score = _row(
            form, _("The &mentor's satisfaction (1-5)"), _satisfaction(), "mentor_satisfaction"
        )
        self.mentee_score = _row(
            form, _("The r&elative's satisfaction (1-5)"), _satisfaction(), "mentee_satisfaction"
        )
        self.note = _row(form, _("&Note"), QPlainTextEdit(), "note")
        self.next = _row(
            form,
            _("&Next review"),
            OptionalDate(_("Review again"), date.today() + timedelta(days=90)),
            "next_review_on",
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def fields(self) -> dict[str, QWidget]:
        return {
            "reviewed_on": self.reviewed,
            "mentor_satisfaction": self.mentor_score,
            "mentee_satisfaction": self.mentee_score,
            "note": self.note,
            "next_review_on": self.next,
        }

    def build_call(self) -> Callable[[], Any]:
        data = ReviewInput(
            from_qdate(self.reviewed.date()),
            self.mentor_score.value() or None,
            self.mentee_score.value() or None,
            self.note.toPlainText(),
            self.next.value(),
            reminder=_(REMINDER),
        )
        services, actor, match = self._services, self._actor, self._match
        return lambda: services.mentors.record_review(actor, match.id, match.version, data)

    def deliver(self, result: Any) -> None:
        self.saved.emit(result)


class EndMatchDialog(ServiceDialog):
    """End a match with its reason and outcome."""

    saved = Signal(object)  # MatchView

    def __init__(
        self,
        services: Services,
        runner: TaskRunner,
        actor: Actor,
        match: MatchView,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._services, self._actor, self._match = services, actor, match
        self.setObjectName("end_match_dialog")
        self.setWindowTitle(_("End the match"))
        self.save_button.setText(_("&End match"))
        form = QFormLayout()
        self.reason = _row(form, _("&Reason"), enum_combo(EndReason, EndReason.COMPLETED), "reason")
        self.outcome = _row(
            form, _("&Outcome"), enum_combo(MatchOutcome, MatchOutcome.UNKNOWN), "outcome"
        )
        self.note = _row(form, _("&Note"), QPlainTextEdit(), "end_note")
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def fields(self) -> dict[str, QWidget]:
        return {"reason": self.reason, "outcome": self.outcome, "end_note": self.note}

    def build_call(self) -> Callable[[], Any]:
        data = EndInput(
            EndReason(self.reason.currentData()),
            MatchOutcome(self.outcome.currentData()),
            self.note.toPlainText(),
        )
        services, actor, match = self._services, self._actor, self._match
        return lambda: services.mentors.end(actor, match.id, match.version, data)

    def deliver(self, result: Any) -> None:
        self.saved.emit(result)
