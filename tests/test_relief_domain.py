"""Relief rules without a database: the legal basis by situation and date, recurrence across
DST and holidays, overlaps, hours per week, the § 118 and plejevederlag limits."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advisor_app.domain.enums import LegalFramework
from advisor_app.domain.errors import ValidationError
from advisor_app.domain.relief import (
    LegalBasisCatalogue,
    Period,
    ReliefKind,
    ReliefStatus,
    Situation,
    add_months,
    care_allowance_warnings,
    care_leave_warnings,
    check_transition,
    ending_soon_warning,
    parse_catalogue,
)
from advisor_app.domain.relief_schedule import (
    ZONE,
    Occurrence,
    Recurrence,
    Schedule,
    clashes,
    coverage,
    expand,
    holiday_name,
    hours_by_week,
)
from advisor_app.locations import resource


@pytest.fixture(scope="module")
def catalogue() -> LegalBasisCatalogue:
    with resource("seed", "relief_legal_basis.json").open(encoding="utf-8") as handle:
        return parse_catalogue(json.load(handle))


# ---- legal basis ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("situation", "on", "expected"),
    [
        (Situation.ELDERLY, date(2025, 6, 30), "Serviceloven § 84, stk. 1"),
        (Situation.ELDERLY, date(2025, 7, 1), "Ældreloven § 16"),
        (Situation.OTHER, date(2025, 6, 30), "Serviceloven § 84, stk. 1"),
        (Situation.OTHER, date(2025, 7, 1), "Serviceloven § 84, stk. 1"),
        (Situation.ELDERLY, date(2020, 1, 1), "Serviceloven § 84, stk. 1"),
        (Situation.ELDERLY, date(2031, 1, 1), "Ældreloven § 16"),
    ],
)
def test_the_legal_basis_of_relief_in_the_home_before_and_after_1_july_2025(
    catalogue: LegalBasisCatalogue, situation: Situation, on: date, expected: str
) -> None:
    basis = catalogue.propose(ReliefKind.HOME_SUBSTITUTE, situation, on)
    assert basis is not None and basis.reference == expected
    assert basis.in_force(on)


def test_a_respite_stay_and_the_care_allowance_follow_the_date_too(
    catalogue: LegalBasisCatalogue,
) -> None:
    def ref(kind: ReliefKind, situation: Situation, on: date) -> str:
        basis = catalogue.propose(kind, situation, on)
        assert basis is not None
        return basis.reference

    assert ref(ReliefKind.RESPITE_STAY, Situation.ELDERLY, date(2025, 7, 1)) == "Ældreloven § 16"
    assert ref(ReliefKind.RESPITE_STAY, Situation.OTHER, date(2025, 7, 1)) == (
        "Serviceloven § 84, stk. 2"
    )
    assert ref(ReliefKind.RESPITE_STAY, Situation.ELDERLY, date(2025, 6, 1)) == (
        "Serviceloven § 84, stk. 2"
    )
    assert ref(ReliefKind.CARE_ALLOWANCE, Situation.OTHER, date(2025, 7, 1)) == "Ældreloven § 24"
    assert ref(ReliefKind.CARE_ALLOWANCE, Situation.OTHER, date(2025, 6, 30)) == (
        "Serviceloven § 119"
    )
    assert ref(ReliefKind.CARE_LEAVE, Situation.ELDERLY, date(2026, 1, 1)) == "Serviceloven § 118"
    assert ref(ReliefKind.VISITING_FRIEND, Situation.ELDERLY, date(2026, 1, 1)) == (
        "Serviceloven § 18"
    )


@given(
    st.dates(date(2000, 1, 1), date(2040, 12, 31)),
    st.sampled_from(list(ReliefKind)),
    st.sampled_from(list(Situation)),
)
def test_every_kind_and_situation_has_exactly_one_basis_in_force_proposed(
    on: date, kind: ReliefKind, situation: Situation
) -> None:
    with resource("seed", "relief_legal_basis.json").open(encoding="utf-8") as handle:
        catalogue = parse_catalogue(json.load(handle))
    matching = [
        b
        for b in catalogue.bases
        if kind in b.kinds and situation in b.situations and b.in_force(on)
    ]
    assert len(matching) == 1
    assert catalogue.propose(kind, situation, on) == matching[0]


def test_the_situation_comes_from_the_citizen_s_record(catalogue: LegalBasisCatalogue) -> None:
    on = date(2026, 3, 1)
    assert catalogue.situation(LegalFramework.ELDER_ACT, 1990, on) is Situation.ELDERLY
    assert catalogue.situation(LegalFramework.SOCIAL_SERVICES_ACT, 1930, on) is Situation.OTHER
    assert catalogue.situation(LegalFramework.UNDETERMINED, 1950, on) is Situation.ELDERLY
    assert catalogue.situation(LegalFramework.UNDETERMINED, 1970, on) is Situation.OTHER
    assert catalogue.situation(LegalFramework.UNDETERMINED, None, on) is Situation.OTHER


def test_a_malformed_catalogue_is_refused() -> None:
    item = {
        "code": "x",
        "act": "A",
        "paragraph": "§ 1",
        "da": "d",
        "en": "e",
        "kinds": ["meal_friend"],
        "situations": ["other"],
    }
    with pytest.raises(ValueError, match="unique"):
        parse_catalogue({"elderly_from_age": 65, "bases": [item, item]})
    with pytest.raises(ValueError, match="ends before"):
        parse_catalogue(
            {
                "elderly_from_age": 65,
                "bases": [{**item, "valid_from": "2025-07-01", "valid_to": "2025-06-30"}],
            }
        )


# ---- status ---------------------------------------------------------------------------------
def test_status_changes_follow_the_arrangement_s_life() -> None:
    check_transition(ReliefStatus.REQUESTED, ReliefStatus.GRANTED)
    check_transition(ReliefStatus.ACTIVE, ReliefStatus.PAUSED)
    check_transition(ReliefStatus.PAUSED, ReliefStatus.ACTIVE)
    with pytest.raises(ValidationError):
        check_transition(ReliefStatus.ENDED, ReliefStatus.ACTIVE)
    with pytest.raises(ValidationError):
        check_transition(ReliefStatus.REFUSED, ReliefStatus.GRANTED)


# ---- recurrence -----------------------------------------------------------------------------
def weekly(first: date, **changes: object) -> Schedule:
    values: dict[str, object] = {
        "recurrence": Recurrence.WEEKLY,
        "first_date": first,
        "start_time": time(14, 0),
        "end_time": time(17, 0),
    }
    values.update(changes)
    return Schedule(**values)  # type: ignore[arg-type]


def test_weekly_relief_keeps_its_local_time_across_both_dst_changes() -> None:
    # Saturdays around the spring change (29-30 March 2025) and the autumn one (26 October).
    spring = expand(weekly(date(2025, 3, 22)), date(2025, 3, 22), date(2025, 4, 5))
    assert [o.local_date for o in spring] == [
        date(2025, 3, 22),
        date(2025, 3, 29),
        date(2025, 4, 5),
    ]
    assert [o.start.hour for o in spring] == [13, 13, 12]  # UTC: +01:00 then +02:00
    assert all(o.start.astimezone(ZONE).time() == time(14, 0) for o in spring)
    assert all(o.hours == 3 for o in spring)
    autumn = expand(weekly(date(2025, 10, 19)), date(2025, 10, 19), date(2025, 11, 2))
    assert [o.start for o in autumn] == [
        datetime(2025, 10, 19, 12, tzinfo=UTC),
        datetime(2025, 10, 26, 13, tzinfo=UTC),
        datetime(2025, 11, 2, 13, tzinfo=UTC),
    ]


def test_an_overnight_stay_across_the_change_counts_the_real_hours() -> None:
    # Saturday 18:00 to Sunday 10:00 over the night the clocks go forward: 15 real hours;
    # over the night they go back: 17.
    stay = weekly(
        date(2025, 3, 29),
        recurrence=Recurrence.ONCE,
        start_time=time(18),
        end_time=time(10),
        span_days=1,
    )
    (spring,) = expand(stay, date(2025, 3, 1), date(2025, 4, 30))
    assert spring.hours == 15
    (autumn,) = expand(
        weekly(
            date(2025, 10, 25),
            recurrence=Recurrence.ONCE,
            start_time=time(18),
            end_time=time(10),
            span_days=1,
        ),
        date(2025, 10, 1),
        date(2025, 10, 31),
    )
    assert autumn.hours == 17


def test_a_time_in_the_spring_gap_is_read_with_the_offset_before_the_change() -> None:
    gap = weekly(
        date(2025, 3, 30), recurrence=Recurrence.ONCE, start_time=time(2, 30), end_time=time(4, 0)
    )
    (occ,) = expand(gap, date(2025, 3, 30), date(2025, 3, 30))
    assert occ.start == datetime(2025, 3, 30, 1, 30, tzinfo=UTC)  # 03:30 summer time
    assert occ.hours == 0.5


def test_holidays_are_skipped_or_flagged_with_their_name() -> None:
    # Thursdays over Easter 2025: Maundy Thursday is 17 April; Ascension Day 29 May.
    kept = expand(weekly(date(2025, 4, 10)), date(2025, 4, 10), date(2025, 6, 5))
    flagged = {o.local_date: o.holiday for o in kept if o.holiday}
    assert flagged == {date(2025, 4, 17): "Skærtorsdag", date(2025, 5, 29): "Kristi himmelfartsdag"}
    skipped = expand(
        weekly(date(2025, 4, 10), skip_holidays=True), date(2025, 4, 10), date(2025, 6, 5)
    )
    assert len(skipped) == len(kept) - 2
    assert date(2025, 4, 17) not in {o.local_date for o in skipped}
    assert holiday_name(date(2025, 12, 25), "en") == "Christmas Day"
    assert holiday_name(date(2025, 12, 23)) is None


def test_cancelled_dates_fortnightly_and_monthly() -> None:
    fortnight = weekly(
        date(2026, 1, 5),
        recurrence=Recurrence.FORTNIGHTLY,
        exceptions=frozenset({date(2026, 2, 2)}),
        until=date(2026, 3, 2),
    )
    days = [o.local_date for o in expand(fortnight, date(2026, 1, 1), date(2026, 12, 31))]
    assert days == [date(2026, 1, 5), date(2026, 1, 19), date(2026, 2, 16), date(2026, 3, 2)]
    monthly = weekly(date(2026, 1, 31), recurrence=Recurrence.MONTHLY)
    days = [o.local_date for o in expand(monthly, date(2026, 1, 1), date(2026, 5, 31))]
    assert days == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
    ]
    # A window starting later finds the same months.
    assert [o.local_date for o in expand(monthly, date(2026, 3, 15), date(2026, 4, 30))] == [
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]


@given(
    first=st.dates(date(2024, 1, 1), date(2028, 12, 31)),
    recurrence=st.sampled_from(list(Recurrence)),
    hour=st.integers(0, 22),
    length=st.integers(1, 6),
    offset=st.integers(0, 400),
    width=st.integers(0, 120),
)
def test_expansion_of_a_window_is_the_whole_expansion_cut_to_the_window(
    first: date, recurrence: Recurrence, hour: int, length: int, offset: int, width: int
) -> None:
    end_hour = min(23, hour + length)
    schedule = Schedule(recurrence, first, time(hour), time(end_hour, 59))
    everything = expand(schedule, first, first + timedelta(days=600))
    start = first + timedelta(days=offset)
    window = expand(schedule, start, start + timedelta(days=width))
    assert window == [
        o for o in everything if start <= o.local_date <= start + timedelta(days=width)
    ]
    for occ in everything:
        local = occ.start.astimezone(ZONE)
        assert local.date() == occ.local_date
        # Wall-clock time kept, except in the spring gap (02:xx does not exist that night).
        assert local.time() == time(hour) or (local.month == 3 and hour == 2)
        assert occ.end > occ.start


# ---- overlaps and hours --------------------------------------------------------------------
def test_two_arrangements_for_the_same_citizen_that_overlap_are_found() -> None:
    day_centre = expand(weekly(date(2026, 3, 2)), date(2026, 3, 1), date(2026, 3, 31))
    visitor = expand(
        weekly(
            date(2026, 3, 9),
            start_time=time(16, 30),
            end_time=time(17),
            recurrence=Recurrence.FORTNIGHTLY,
        ),
        date(2026, 3, 1),
        date(2026, 3, 31),
    )
    touching = expand(
        weekly(date(2026, 3, 2), start_time=time(17), end_time=time(19)),
        date(2026, 3, 1),
        date(2026, 3, 31),
    )
    found = clashes(
        [(1, o) for o in day_centre] + [(2, o) for o in visitor] + [(3, o) for o in touching]
    )
    assert [(c.first_id, c.second_id, c.first.local_date) for c in found] == [
        (1, 2, date(2026, 3, 9)),
        (1, 2, date(2026, 3, 23)),
    ]
    # One arrangement never clashes with itself.
    assert clashes([(1, o) for o in day_centre]) == []


@given(st.lists(st.tuples(st.integers(1, 4), st.integers(0, 500), st.integers(1, 50)), max_size=25))
def test_the_sweep_finds_the_same_overlaps_as_comparing_every_pair(
    items: list[tuple[int, int, int]],
) -> None:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    occs = [
        (
            ident,
            Occurrence(base + timedelta(hours=s), base + timedelta(hours=s + n), date(2026, 1, 1)),
        )
        for ident, s, n in items
    ]
    swept = {(c.first_id, c.first, c.second_id, c.second) for c in clashes(occs)}
    swept |= {(b, y, a, x) for a, x, b, y in swept}
    pairs = {
        (a, x, b, y)
        for i, (a, x) in enumerate(occs)
        for j, (b, y) in enumerate(occs)
        if i != j and a != b and x.overlaps(y)
    }
    assert swept == pairs


def test_hours_per_iso_week_and_the_coverage_against_the_need() -> None:
    # Tuesdays 9-15 (6 h) and a fortnightly Friday evening 18-21 (3 h) in March 2026.
    tuesday = expand(
        weekly(date(2026, 3, 3), start_time=time(9), end_time=time(15)),
        date(2026, 3, 2),
        date(2026, 3, 29),
    )
    friday = expand(
        weekly(
            date(2026, 3, 6),
            start_time=time(18),
            end_time=time(21),
            recurrence=Recurrence.FORTNIGHTLY,
        ),
        date(2026, 3, 2),
        date(2026, 3, 29),
    )
    weeks = coverage(tuesday + friday, date(2026, 3, 4), 5, need=8)
    assert [(w.iso_week, w.hours, w.uncovered) for w in weeks] == [
        ((2026, 10), 9.0, False),
        ((2026, 11), 6.0, True),
        ((2026, 12), 9.0, False),
        ((2026, 13), 6.0, True),  # includes the spring change: 9-15 is still 6 hours
        ((2026, 14), 0.0, True),
    ]
    assert not coverage(tuesday, date(2026, 3, 2), 1, need=None)[0].uncovered


def test_a_stay_over_sunday_midnight_is_split_between_the_weeks() -> None:
    stay = weekly(
        date(2026, 3, 8),
        recurrence=Recurrence.ONCE,
        start_time=time(20),
        end_time=time(8),
        span_days=1,
    )  # Sunday 20:00 -> Monday 08:00
    assert hours_by_week(expand(stay, date(2026, 3, 1), date(2026, 3, 31))) == {
        date(2026, 3, 2): 4.0,
        date(2026, 3, 9): 8.0,
    }


def test_a_schedule_that_makes_no_sense_is_refused() -> None:
    with pytest.raises(ValidationError):
        weekly(date(2026, 3, 1), end_time=time(13)).validate()
    with pytest.raises(ValidationError):
        weekly(date(2026, 3, 1), until=date(2026, 2, 1)).validate()
    with pytest.raises(ValidationError):
        weekly(date(2026, 3, 1), span_days=40).validate()
    weekly(date(2026, 3, 1), start_time=time(18), end_time=time(8), span_days=1).validate()


# ---- § 118, plejevederlag, ending soon -------------------------------------------------------
def test_employment_to_care_is_six_months_in_at_most_two_periods() -> None:
    today = date(2026, 6, 1)
    one = [Period(date(2026, 1, 1), date(2026, 6, 30))]  # exactly six months: 181 days
    assert care_leave_warnings(one, today) == []
    too_long = [Period(date(2026, 1, 1), date(2026, 7, 1))]
    assert [w.code for w in care_leave_warnings(too_long, today)] == ["care_leave_total"]
    two = [
        Period(date(2026, 1, 1), date(2026, 3, 31)),
        Period(date(2026, 9, 1), date(2026, 11, 30)),
    ]
    assert care_leave_warnings(two, today) == []  # 90 + 91 days
    three = [*two, Period(date(2027, 1, 1), date(2027, 1, 10))]
    assert [w.code for w in care_leave_warnings(three, today)] == [
        "care_leave_periods",
        "care_leave_total",
    ]
    overlapping = [Period(date(2026, 1, 1), date(2026, 2, 28)), Period(date(2026, 2, 1), None)]
    assert "care_leave_overlap" in [w.code for w in care_leave_warnings(overlapping, today)]


@given(st.dates(date(2020, 1, 1), date(2030, 12, 31)), st.integers(0, 400))
def test_one_period_is_over_the_limit_exactly_when_it_runs_past_six_months(
    start: date, days: int
) -> None:
    period = Period(start, start + timedelta(days=days))
    over = bool(care_leave_warnings([period], start))
    assert over == (period.ends_on is not None and period.ends_on >= add_months(start, 6))


def test_the_care_allowance_ends_with_the_death() -> None:
    assert care_allowance_warnings(None, None) == []
    assert care_allowance_warnings(date(2026, 5, 1), date(2026, 5, 3)) == []
    (warning,) = care_allowance_warnings(None, date(2026, 5, 3), 7)
    assert warning.code == "care_allowance_after_death" and warning.arrangement_ids == (7,)
    assert care_allowance_warnings(date(2026, 5, 10), date(2026, 5, 3))


def test_a_warning_before_an_end_date() -> None:
    today = date(2026, 5, 1)
    soon = ending_soon_warning("Dagcenter", date(2026, 5, 31), ReliefStatus.ACTIVE, today, 3)
    assert soon is not None and soon.params["days"] == 30
    assert soon.translated(lambda s: s) == "Dagcenter ends in 30 days (2026-05-31)."
    assert ending_soon_warning("x", date(2026, 6, 1), ReliefStatus.ACTIVE, today) is None
    assert ending_soon_warning("x", date(2026, 5, 2), ReliefStatus.ENDED, today) is None
    assert ending_soon_warning("x", date(2026, 4, 30), ReliefStatus.ACTIVE, today) is None


@given(
    first=st.dates(date(2025, 1, 1), date(2027, 12, 31)),
    recurrence=st.sampled_from(list(Recurrence)),
    hour=st.integers(0, 23),
    span=st.integers(0, 10),
    end_hour=st.integers(0, 23),
)
def test_hours_by_week_add_up_to_the_occurrences_hours(
    first: date, recurrence: Recurrence, hour: int, span: int, end_hour: int
) -> None:
    """However a stay crosses Mondays and DST nights, no relief hour is lost or doubled."""
    if span == 0 and end_hour <= hour:
        end_hour, hour = max(hour, end_hour) + 1, min(hour, end_hour)
        if end_hour > 23:
            return
    schedule = Schedule(recurrence, first, time(hour), time(end_hour), span_days=span)
    found = expand(schedule, first, first + timedelta(days=120))
    by_week = hours_by_week(found)
    assert sum(by_week.values()) == pytest.approx(sum(o.hours for o in found))
    assert all(monday.weekday() == 0 for monday in by_week)
