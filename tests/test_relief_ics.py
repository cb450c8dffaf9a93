"""The relief plan as an iCalendar file: read back by independent parsers (icalendar's own
reader and recurring-ical-events, which expands whatever the file says in its time zone),
it gives the same events at the same instants; the command line writes and logs it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
from factories import FAST_HASHER, audit_events, register_family
from relief_factories import make_arrangement

from advisor_app.cli import main
from advisor_app.domain.enums import AuditAction, Language, Role
from advisor_app.domain.relief import (
    ProviderKind,
    ReliefCalendar,
    ReliefId,
    ReliefKind,
    ReliefOccurrence,
)
from advisor_app.domain.relief_schedule import Recurrence, Schedule, expand
from advisor_app.reports.relief_ics import render_calendar
from advisor_app.services.facade import open_services

PASSWORD = "en lang og god adgangskode"


def occurrences(schedule: Schedule, start: date, end: date, ident: int) -> list[ReliefOccurrence]:
    return [
        ReliefOccurrence(
            ReliefId(ident),
            ReliefKind.DAY_CENTRE,
            ProviderKind.MUNICIPAL,
            "Dagcentret Lærkely",
            o.start,
            o.end,
            o.local_date,
            o.holiday,
        )
        for o in expand(schedule, start, end)
    ]


def read_back(data: bytes, start: date, end: date) -> list[tuple[str, datetime, datetime, str]]:
    calendar = icalendar.Calendar.from_ical(data)
    events = recurring_ical_events.of(calendar).between(start, end + timedelta(days=1))
    return sorted(
        (
            str(e["UID"]),
            e.decoded("DTSTART").astimezone(UTC),
            e.decoded("DTEND").astimezone(UTC),
            str(e["SUMMARY"]),
        )
        for e in events
    )


def test_the_file_parses_back_with_the_same_events_and_times_across_dst() -> None:
    weekly = Schedule(
        Recurrence.WEEKLY,
        date(2026, 3, 14),
        time(14),
        time(17, 30),
        exceptions=frozenset({date(2026, 4, 4)}),
    )
    stay = Schedule(Recurrence.ONCE, date(2026, 10, 24), time(18), time(10), span_days=1)
    occs = occurrences(weekly, date(2026, 3, 1), date(2026, 11, 30), 1) + occurrences(
        stay, date(2026, 3, 1), date(2026, 11, 30), 2
    )
    plan = ReliefCalendar(7, Language.DANISH, datetime(2026, 3, 1, 8, tzinfo=UTC), tuple(occs))
    data = render_calendar(plan)
    got = read_back(data, date(2026, 3, 1), date(2026, 11, 30))
    want = sorted(
        (
            f"{o.arrangement_id}-{o.local_date:%Y%m%d}@relief.advisor-app",
            o.start,
            o.end,
            "Dagcenter (aflastning)" if o.kind is ReliefKind.DAY_CENTRE else "",
        )
        for o in occs
    )
    assert [g[:3] for g in got] == [w[:3] for w in want]
    assert {g[3] for g in got} == {"Dagcenter (aflastning)"}
    # 14:00 Copenhagen time on both sides of the spring change; the overnight stay over the
    # autumn change is 17 real hours.
    by_day = {g[1].astimezone(weekly_zone()).date(): g for g in got}
    assert by_day[date(2026, 3, 21)][1] == datetime(2026, 3, 21, 13, tzinfo=UTC)
    assert by_day[date(2026, 3, 28)][1] == datetime(2026, 3, 28, 13, tzinfo=UTC)
    assert by_day[date(2026, 4, 11)][1] == datetime(2026, 4, 11, 12, tzinfo=UTC)
    assert date(2026, 4, 4) not in by_day  # cancelled
    stay_event = next(g for g in got if g[0].startswith("2-"))
    assert stay_event[2] - stay_event[1] == timedelta(hours=17)
    text = data.decode()
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Copenhagen" in text
    assert "DTSTART;TZID=Europe/Copenhagen:20260321T140000" in text
    # The same plan gives the same file (stable UIDs, no random parts).
    assert render_calendar(plan) == data


def weekly_zone():  # type: ignore[no-untyped-def]
    from advisor_app.domain.relief_schedule import ZONE

    return ZONE


def test_a_holiday_is_named_in_the_relative_s_language() -> None:
    schedule = Schedule(Recurrence.ONCE, date(2026, 12, 25), time(10), time(12))
    occs = tuple(occurrences(schedule, date(2026, 12, 1), date(2026, 12, 31), 3))
    english = render_calendar(
        ReliefCalendar(1, Language.ENGLISH, datetime(2026, 12, 1, tzinfo=UTC), occs)
    )
    (event,) = icalendar.Calendar.from_ical(english).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Day centre (aflastning)"
    assert "Public holiday: Juledag" in str(event["DESCRIPTION"])


@pytest.fixture
def cli_family(sqlite_url: str) -> tuple[str, int, int]:
    """A database with an advisor, a manager, a family with two arrangements; returns the
    URL, the relative's id and the number of occurrences in the coming year."""
    services, _ = open_services(sqlite_url, hasher=FAST_HASHER)
    try:
        admin = services.accounts.create_first_admin("admin", "Anne Admin", PASSWORD)
        services.accounts.add_user(admin, "anna", Role.ADVISOR, "Anna", PASSWORD)
        services.accounts.add_user(admin, "leder", Role.MANAGER, "Leder", PASSWORD)
        anna = services.accounts.sign_in("anna", PASSWORD)
        family = register_family(services, anna)
        relation = family.relations[0].id
        today = services.clock.today()
        make_arrangement(services, anna, relation, today + timedelta(days=1))
        make_arrangement(
            services,
            anna,
            relation,
            today + timedelta(days=3),
            kind=ReliefKind.MEAL_FRIEND,
            start=time(17),
            end=time(19),
            recurrence=Recurrence.MONTHLY,
            provider="Spisevennerne",
        )
        count = len(
            services.relief.occurrences(anna, family.id, today, today + timedelta(days=365))
        )
        return sqlite_url, family.id, count
    finally:
        services.db.dispose()


def test_relief_ics_writes_the_plan_and_logs_the_export(
    cli_family: tuple[str, int, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, relative_id, count = cli_family
    monkeypatch.setenv("ADVISOR_PASSWORD", PASSWORD)
    out = tmp_path / "aflastning.ics"
    code = main(
        [
            "--db",
            url,
            "--user",
            "anna",
            "relief",
            "ics",
            "--relative",
            str(relative_id),
            "-o",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    data = out.read_bytes()
    events = list(icalendar.Calendar.from_ical(data).walk("VEVENT"))
    assert len(events) == count > 50
    text = data.decode()
    for private in ("Søren", "Karen", "Hansen", "010145", "1234", "Demens", "Hjerte"):
        assert private not in text
    services, _ = open_services(url, hasher=FAST_HASHER)
    try:
        exports = [e for e in audit_events(services.db) if e.action is AuditAction.EXPORT]
        assert [(e.entity, e.relative_id, e.username) for e in exports] == [
            ("relief_arrangement", relative_id, "anna")
        ]
    finally:
        services.db.dispose()


def test_relief_ics_refuses_a_manager_and_an_unknown_relative(
    cli_family: tuple[str, int, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, relative_id, _ = cli_family
    monkeypatch.setenv("ADVISOR_PASSWORD", PASSWORD)
    out = tmp_path / "x.ics"
    code = main(
        [
            "--db",
            url,
            "--lang",
            "en",
            "--user",
            "leder",
            "relief",
            "ics",
            "--relative",
            str(relative_id),
            "-o",
            str(out),
        ]
    )
    assert code == 3
    assert capsys.readouterr().err == (
        "advisor-app: Your role does not give access to relatives' cases.\n"
    )
    code = main(
        ["--db", url, "--user", "anna", "relief", "ics", "--relative", "999", "-o", str(out)]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("advisor-app: ") and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()
