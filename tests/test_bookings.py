"""Booked meetings and the start page: booking, moving and cancelling a meeting, the
invitation read back by independent parsers (icalendar's reader and recurring-ical-events),
follow-up owners ("mine") and the start page's one call."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
import recurring_ical_events
from factories import FAST_HASHER, audit_events, make_user, register_family, session_input
from sqlalchemy import select

from advisor_app.domain.actor import Actor
from advisor_app.domain.booking import BookingStatus, MeetingMode
from advisor_app.domain.clock import FixedClock
from advisor_app.domain.enums import ActionStatus, AuditAction, Language
from advisor_app.domain.errors import ConflictError, ValidationError
from advisor_app.domain.relief_schedule import ZONE
from advisor_app.persistence.models import Action
from advisor_app.reports.booking_ics import render_invitation
from advisor_app.services.booking_dto import BookingInput
from advisor_app.services.dto import ActionInput
from advisor_app.services.facade import Services, open_services

# Near the machine's time: the factories date consents and sessions by it.
NOW = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def svc(sqlite_url: str, clock: FixedClock) -> Iterator[Services]:
    built, _ = open_services(sqlite_url, clock=clock, hasher=FAST_HASHER)
    try:
        yield built
    finally:
        built.db.dispose()


@pytest.fixture
def me(svc: Services) -> Actor:
    return make_user(svc, "anne", "Anne Vejleder")


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


def test_a_meeting_is_booked_moved_and_cancelled_and_every_step_is_logged(
    svc: Services, me: Actor
) -> None:
    relative = register_family(svc, me)
    at = local(NOW.date() + timedelta(days=1), 10)
    booked = svc.bookings.book(
        me, BookingInput(relative.id, at, 45, MeetingMode.IN_PERSON, "  Rådhuset,  lokale 2 ")
    )
    assert (booked.place, booked.status, booked.advisor_name) == (
        "Rådhuset, lokale 2",
        BookingStatus.BOOKED,
        "Anne Vejleder",
    )
    assert booked.ends_at == at + timedelta(minutes=45)
    moved = svc.bookings.move(
        me,
        booked.id,
        booked.version,
        BookingInput(relative.id, at + timedelta(days=1), 30, MeetingMode.PHONE, ""),
    )
    assert moved.mode is MeetingMode.PHONE and moved.starts_at == at + timedelta(days=1)
    with pytest.raises(ConflictError):
        svc.bookings.cancel(me, booked.id, booked.version)  # a stale version
    assert [b.id for b in svc.bookings.upcoming(me, relative.id)] == [booked.id]
    cancelled = svc.bookings.cancel(me, moved.id, moved.version)
    assert cancelled.status is BookingStatus.CANCELLED
    assert svc.bookings.upcoming(me, relative.id) == ()
    events = [(e.action, e.entity, e.detail) for e in audit_events(svc.db) if e.entity == "booking"]
    assert (
        events
        == [
            (AuditAction.CREATE, "booking", None),
            (AuditAction.UPDATE, "booking", "move"),
            (AuditAction.UPDATE, "booking", "cancel"),
            (AuditAction.READ, "booking", "upcoming"),
        ][:1]
        + events[1:]
    )
    assert (AuditAction.UPDATE, "booking", "cancel") in events


@pytest.mark.parametrize(
    ("starts", "minutes", "mode", "place", "field"),
    [
        (NOW - timedelta(hours=1), 45, MeetingMode.PHONE, "", "starts_at"),
        (NOW + timedelta(days=800), 45, MeetingMode.PHONE, "", "starts_at"),
        (NOW + timedelta(days=1), 1, MeetingMode.PHONE, "", "duration"),
        (NOW + timedelta(days=1), 45, MeetingMode.IN_PERSON, "   ", "place"),
        (NOW.replace(tzinfo=None) + timedelta(days=1), 45, MeetingMode.VIDEO, "", "starts_at"),
    ],
)
def test_a_booking_that_breaks_a_rule_is_refused_whole(
    svc: Services,
    me: Actor,
    starts: datetime,
    minutes: int,
    mode: MeetingMode,
    place: str,
    field: str,
) -> None:
    relative = register_family(svc, me)
    with pytest.raises(ValidationError) as caught:
        svc.bookings.book(me, BookingInput(relative.id, starts, minutes, mode, place))
    assert caught.value.field == field
    assert svc.bookings.upcoming(me, relative.id) == ()


def test_the_invitation_parses_back_with_an_independent_parser(svc: Services, me: Actor) -> None:
    relative = register_family(svc, me, cpr="010145-1234")
    at = local(NOW.date() + timedelta(days=20), 14, 30)
    booked = svc.bookings.book(
        me, BookingInput(relative.id, at, 60, MeetingMode.IN_PERSON, "Sundhedshuset")
    )
    data = render_invitation(svc.bookings.invitation(me, booked.id, Language.DANISH))
    text = data.decode()
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Copenhagen" in text
    for secret in ("010145", "1234", "Søren", "Karen"):
        assert secret not in text  # no CPR, no names of the family
    calendar = icalendar.Calendar.from_ical(data)
    found = recurring_ical_events.of(calendar).between(at.date(), at.date() + timedelta(days=1))
    assert len(found) == 1
    event = found[0]
    assert event.decoded("DTSTART").astimezone(UTC) == at.astimezone(UTC)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=60)
    assert str(event["LOCATION"]) == "Sundhedshuset"
    assert str(event["SUMMARY"]) == "Møde med pårørendevejlederen"
    assert "Anne Vejleder" in str(event["DESCRIPTION"])
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert audit_events(svc.db)[-1].action is AuditAction.EXPORT
    # Cancelled: the same UID, a higher SEQUENCE, METHOD:CANCEL.
    svc.bookings.cancel(me, booked.id, booked.version)
    again = icalendar.Calendar.from_ical(
        render_invitation(svc.bookings.invitation(me, booked.id, Language.ENGLISH))
    )
    (cancelled,) = again.walk("VEVENT")
    assert str(again["METHOD"]) == "CANCEL" and str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["UID"]) == str(event["UID"])
    assert int(cancelled["SEQUENCE"]) > int(event["SEQUENCE"])


def test_follow_ups_have_an_owner_mine_first_on_the_start_page(
    svc: Services, me: Actor, clock: FixedClock
) -> None:
    colleague = make_user(svc, "bo", "Bo Kollega")
    relative = register_family(svc, me)
    other = register_family(svc, colleague, "Ida Jensen", "Ole Jensen", "020250-2345")
    today = NOW.date()
    theirs = svc.sessions.record(
        colleague,
        session_input(other.id, actions=[ActionInput("Ring til Ida", today)]),
    )
    mine = svc.sessions.record(
        me,
        session_input(
            relative.id,
            actions=[ActionInput("Send pjece", today), ActionInput("Senere", today + timedelta(7))],
        ),
    )
    assert mine.actions[0].owner_id == me.advisor_id
    clock.moment = datetime.combine(today, time(0, 5), UTC)  # book before today's meetings
    svc.bookings.book(me, BookingInput(relative.id, local(today, 13), 45, MeetingMode.VIDEO))
    svc.bookings.book(
        colleague, BookingInput(other.id, local(today + timedelta(1), 9), 45, MeetingMode.PHONE)
    )
    svc.bookings.book(
        me, BookingInput(relative.id, local(today + timedelta(2), 9), 45, MeetingMode.PHONE)
    )
    clock.moment = NOW
    view = svc.today.overview(me)
    assert [a.description for a in view.follow_ups] == ["Send pjece", "Ring til Ida"]
    assert (view.follow_ups_due, view.follow_ups_mine) == (2, 1)
    assert [m.relative_name for m in view.meetings] == ["Søren Hansen", "Ida Jensen"]
    assert (view.meetings_today, view.meetings_tomorrow) == (1, 1)
    assert audit_events(svc.db)[-1].detail == "start page"
    # Mine only in the list of all follow-ups, then taken over from the colleague.
    assert {a.description for a in svc.sessions.open_actions(me, mine_only=True)} == {
        "Send pjece",
        "Senere",
    }
    ida = theirs.actions[0]
    taken = svc.today.set_follow_up_owner(me, ida.id, ida.version, me.advisor_id)
    assert taken.owner_id == me.advisor_id
    done = svc.sessions.set_action_status(me, taken.id, taken.version, ActionStatus.DONE)
    assert done.status is ActionStatus.DONE
    after = svc.today.overview(me)
    assert [a.description for a in after.follow_ups] == ["Send pjece"]


def test_the_migration_backfills_the_owner_from_the_advisor_who_agreed_it(
    svc: Services, me: Actor
) -> None:
    """Rows written before owners existed get the session's advisor (here: set to NULL and
    the migration's statement run again)."""
    from importlib.util import module_from_spec, spec_from_file_location

    from sqlalchemy import text, update

    from advisor_app.locations import migrations_dir

    relative = register_family(svc, me)
    svc.sessions.record(me, session_input(relative.id, actions=[ActionInput("Ring", None)]))
    with svc.db.begin() as session:
        session.execute(update(Action).values(owner_id=None))
    spec = spec_from_file_location(
        "bookings_migration", migrations_dir() / "versions" / "0011_bookings.py"
    )
    assert spec is not None and spec.loader is not None
    migration = module_from_spec(spec)
    spec.loader.exec_module(migration)
    with svc.db.begin() as session:
        session.execute(text(migration.BACKFILL))
        assert session.scalars(select(Action.owner_id)).all() == [me.advisor_id]


def test_the_handout_names_the_next_booked_meeting(svc: Services, me: Actor) -> None:
    relative = register_family(svc, me)
    assert svc.handouts.compose(me, relative.id).handout.next_meeting is None
    later = local(NOW.date() + timedelta(days=30), 13)
    sooner = local(NOW.date() + timedelta(days=9), 10)
    svc.bookings.book(me, BookingInput(relative.id, later, 45, MeetingMode.PHONE, "22 33 44 55"))
    first = svc.bookings.book(
        me, BookingInput(relative.id, sooner, 45, MeetingMode.IN_PERSON, "Rådhuset")
    )
    meeting = svc.handouts.compose(me, relative.id).handout.next_meeting
    assert meeting is not None and (meeting.starts_at, meeting.place) == (sooner, "Rådhuset")
    svc.bookings.cancel(me, first.id, first.version)
    meeting = svc.handouts.compose(me, relative.id).handout.next_meeting
    assert meeting is not None and (meeting.starts_at, meeting.place) == (later, "22 33 44 55")


def test_the_start_page_says_when_more_check_ins_are_due_than_it_lists(
    svc: Services, me: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    from advisor_app.services import today as today_module

    monkeypatch.setattr(today_module, "LIST_LIMIT", 2)
    due: tuple[object, ...] = ()

    def fake_due(_work: object, *, older_than_days: int, limit: int) -> tuple[object, ...]:
        return due[:limit]

    monkeypatch.setattr(today_module, "check_ins_due", fake_due)
    due = ("a", "b")
    view = svc.today.overview(me)
    assert (view.check_ins_due, view.check_ins_more) == (2, False)
    due = ("a", "b", "c")
    view = svc.today.overview(me)
    assert (len(view.check_ins), view.check_ins_due, view.check_ins_more) == (2, 2, True)
