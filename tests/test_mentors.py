"""The mentor service: profiles, consents, the top 3, the assignment, and a match's life
through the door, on both backends; and the command line's ``mentors suggest|assign``."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from factories import FAST_HASHER, table_counts
from mentor_factories import (
    accepted,
    activate_input,
    active,
    make_mentee,
    make_mentor,
    mentor_input,
    person,
    proposed,
)

from advisor_app.domain.actor import Actor
from advisor_app.domain.enums import ActionStatus
from advisor_app.domain.errors import ValidationError
from advisor_app.domain.mentoring import (
    EndReason,
    HardRule,
    MatchOutcome,
    MatchStatus,
)
from advisor_app.services.facade import Services, open_services
from advisor_app.services.mentor_dto import ConsentKind, EndInput, ReviewInput, Side


def test_a_match_from_proposal_to_end_and_a_new_mentor(services: Services, actor: Actor) -> None:
    today = date.today()
    match = proposed(services, actor, "liv")
    assert match.status is MatchStatus.PROPOSED
    assert match.mentor_contact is None  # not before both have accepted
    match = services.mentors.accept(actor, match.id, match.version, Side.MENTEE)
    assert match.status is MatchStatus.PROPOSED
    match = services.mentors.accept(actor, match.id, match.version, Side.MENTOR)
    assert match.status is MatchStatus.ACCEPTED
    assert match.mentor_contact is not None and match.mentor_contact.phone
    assert match.mentee_contact is not None

    match = services.mentors.activate(actor, match.id, match.version, activate_input(today))
    assert match.status is MatchStatus.ACTIVE and match.next_review_on == today + timedelta(days=42)
    # The review reminder is one of the mentee's follow-ups, and in the list of all open ones.
    page = services.relatives.page(actor, match.mentee_id)
    (reminder,) = [a for a in page.follow_ups if a.mentor_match_id == match.id]
    assert reminder.status is ActionStatus.OPEN and reminder.due_on == match.next_review_on
    assert reminder.id in {a.id for a in services.sessions.open_actions(actor)}
    # Both relatives' pages show the match.
    assert [m.id for m in services.mentors.mentoring(actor, match.mentee_id).matches] == [match.id]
    assert [m.id for m in services.mentors.mentoring(actor, match.mentor_relative_id).matches] == [
        match.id
    ]

    match = services.mentors.record_review(
        actor,
        match.id,
        match.version,
        ReviewInput(today, 4, 5, "Godt i gang", next_review_on=today + timedelta(days=90)),
    )
    assert [(r.mentor_satisfaction, r.mentee_satisfaction) for r in match.reviews] == [(4, 5)]
    reminders = [
        a for a in services.relatives.page(actor, match.mentee_id).follow_ups if a.mentor_match_id
    ]
    assert sorted(a.status for a in reminders) == [ActionStatus.DONE, ActionStatus.OPEN]

    match = services.mentors.end(
        actor, match.id, match.version, EndInput(EndReason.POOR_FIT, MatchOutcome.PARTLY, "Kemi")
    )
    assert (match.status, match.end_reason, match.outcome) == (
        MatchStatus.ENDED,
        EndReason.POOR_FIT,
        MatchOutcome.PARTLY,
    )
    assert match.mentor_contact is None
    reminders = [
        a for a in services.relatives.page(actor, match.mentee_id).follow_ups if a.mentor_match_id
    ]
    assert ActionStatus.OPEN not in {a.status for a in reminders}
    # Re-matching: the relative waits again, and the mentor they had is not proposed again.
    view = services.mentors.mentoring(actor, match.mentee_id)
    assert view.request is not None and view.request.waiting
    other = make_mentor(services, actor, "Anden Andersen")
    found = services.mentors.suggest(actor, match.mentee_id)
    assert [s.mentor_id for s in found.top] == [other.id]
    assert (HardRule.MATCHED_BEFORE, 1) in found.excluded


def test_a_withdrawn_consent_hides_the_contact_at_once(services: Services, actor: Actor) -> None:
    match = active(services, actor, "skjul", date.today())
    shown = services.mentors.active_match_contact(actor, match.mentee_id)
    assert shown is not None and shown.mentor_contact is not None
    services.mentors.set_consent(actor, match.mentor_relative_id, ConsentKind.MENTOR_CONTACT, False)
    shown = services.mentors.active_match_contact(actor, match.mentee_id)
    assert shown is not None and shown.mentor_contact is None and shown.mentee_contact is None
    services.mentors.set_consent(actor, match.mentor_relative_id, ConsentKind.MENTOR_CONTACT, True)
    assert services.mentors.active_match_contact(actor, match.mentee_id).mentor_contact is not None  # type: ignore[union-attr]
    services.mentors.set_consent(actor, match.mentee_id, ConsentKind.MENTEE_CONTACT, False)
    assert services.mentors.active_match_contact(actor, match.mentee_id).mentor_contact is None  # type: ignore[union-attr]
    assert services.mentors.active_match_contact(actor, match.mentor_relative_id) is None


def test_the_hard_rules_are_checked_again_when_saving(services: Services, actor: Actor) -> None:
    mentor = make_mentor(services, actor, "Fuld Frost", capacity=1)
    first = make_mentee(services, actor, "Første Fisker")
    second = make_mentee(services, actor, "Anden Bager")
    before = table_counts(services.db)
    with pytest.raises(ValidationError, match="no free place"):
        services.mentors.save_proposals(actor, ((first.id, mentor.id), (second.id, mentor.id)))
    assert table_counts(services.db)["mentor_match"] == before["mentor_match"]  # all or nothing
    paused = services.mentors.set_paused(actor, mentor.id, mentor.version, True)
    with pytest.raises(ValidationError, match="paused"):
        services.mentors.propose(actor, first.id, mentor.id)
    services.mentors.set_paused(actor, paused.id, paused.version, False)
    services.mentors.propose(actor, first.id, mentor.id)
    with pytest.raises(ValidationError, match="already has"):
        services.mentors.propose(actor, first.id, mentor.id)


def test_suggest_counts_the_exclusions_and_assign_saves_nothing(
    services: Services, actor: Actor
) -> None:
    mentee = make_mentee(services, actor, "Søgende Sørensen")
    good = make_mentor(services, actor, "God Gregersen")
    make_mentor(services, actor, "Engelsk Eriksen", languages=("en",))
    make_mentor(services, actor, "Utrænet Ulriksen", trained_on=None)
    found = services.mentors.suggest(actor, mentee.id)
    assert [s.mentor_id for s in found.top] == [good.id]
    assert dict(found.excluded) == {HardRule.NO_LANGUAGE: 1, HardRule.NOT_TRAINED: 1}
    before = table_counts(services.db)
    solved = services.mentors.assign_all(actor)
    assert [(p.mentee_id, p.mentor_id) for p in solved.proposals] == [(mentee.id, good.id)]
    assert solved.total >= solved.greedy_total
    after = table_counts(services.db)
    assert {**after, "audit_event": 0} == {**before, "audit_event": 0}
    (saved,) = services.mentors.save_proposals(actor, ((mentee.id, good.id),))
    assert saved.status is MatchStatus.PROPOSED and saved.score == pytest.approx(
        found.top[0].score, abs=0.01
    )
    assert services.mentors.assign_all(actor).proposals == ()  # nobody is waiting now


def test_a_relative_who_no_longer_wants_a_mentor_stops_waiting(
    services: Services, actor: Actor
) -> None:
    from mentor_factories import request_input

    mentee = make_mentee(services, actor, "Stopper Steffensen")
    make_mentor(services, actor, "Klar Klausen")
    request = services.mentors.mentoring(actor, mentee.id).request
    assert request is not None and request.waiting
    closed = services.mentors.close_request(actor, mentee.id, request.version)
    assert closed.closed and not closed.waiting
    assert services.mentors.assign_all(actor).proposals == ()
    with pytest.raises(ValidationError, match="wishes"):
        services.mentors.suggest(actor, mentee.id)
    with pytest.raises(ValidationError, match="already stopped"):
        services.mentors.close_request(actor, mentee.id, closed.version)
    reopened = services.mentors.save_request(actor, mentee.id, request_input(), closed.version)
    assert reopened.waiting and len(services.mentors.assign_all(actor).proposals) == 1


def test_bad_input_is_refused_with_a_field(services: Services, actor: Actor) -> None:
    relative = person(services, actor, "Fejl Frandsen")
    for changes, field in (
        ({"languages": ()}, "languages"),
        ({"languages": ("dansk!",)}, "languages"),
        ({"slots": ()}, "slots"),
        ({"modes": ()}, "modes"),
        ({"capacity": 0}, "capacity"),
        ({"trained_on": date.today() + timedelta(days=3)}, "trained_on"),
        ({"postcode": "74"}, "postcode"),
    ):
        with pytest.raises(ValidationError) as caught:
            services.mentors.save_mentor(actor, relative.id, mentor_input(**changes))
        assert caught.value.field == field
    assert services.mentors.mentoring(actor, relative.id).mentor is None
    match = accepted(services, actor, "fejl")
    with pytest.raises(ValidationError):
        services.mentors.end(actor, match.id, match.version, EndInput(EndReason.OTHER, note="\x00"))
    with pytest.raises(ValidationError, match="accepted"):
        services.mentors.accept(actor, match.id, match.version, Side.MENTOR)


def test_erasing_the_mentee_erases_the_match_and_its_reminders(
    services: Services, actor: Actor
) -> None:
    match = active(services, actor, "slet", date.today())
    detail = services.relatives.get(actor, match.mentee_id)
    services.relatives.delete(actor, detail.id, detail.version)
    counts = table_counts(services.db)
    assert counts["mentor_match"] == 0 and counts["mentor_request"] == 0
    assert counts["follow_up_action"] == 0
    assert services.mentors.mentoring(actor, match.mentor_relative_id).matches == ()


# ---- the command line ----------------------------------------------------------------------------
def test_the_command_line_suggests_and_assigns(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from advisor_app.cli import main
    from advisor_app.domain.enums import Role

    services, _ = open_services(sqlite_url, hasher=FAST_HASHER)
    try:
        admin = services.accounts.create_first_admin("admin", "Admin", "en lang god adgangskode")
        services.accounts.add_user(
            admin, "vejleder", Role.ADVISOR, "Vejleder", "en lang god adgangskode"
        )
        services.accounts.add_user(admin, "leder", Role.MANAGER, "Leder", "en lang god adgangskode")
        advisor = services.accounts.sign_in("vejleder", "en lang god adgangskode")
        mentee = make_mentee(services, advisor, "Kommando Kristensen")
        mentor = make_mentor(services, advisor, "Linje Lauridsen")
    finally:
        services.db.dispose()
    monkeypatch.setenv("ADVISOR_PASSWORD", "en lang god adgangskode")
    base = ["--db", sqlite_url, "--user", "vejleder", "--lang", "en", "mentors"]
    assert main([*base, "suggest", "--relative", str(mentee.id), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [t["mentor_id"] for t in found["top"]] == [mentor.id]
    assert {c["criterion"] for c in found["top"][0]["criteria"]} >= {"condition", "distance"}
    assert main([*base, "suggest", "--relative", str(mentee.id)]) == 0
    text = capsys.readouterr().out
    assert (
        "Linje Lauridsen" in text and "Condition: Same condition" in text and "Decided by" in text
    )
    assert main([*base, "assign", "--json"]) == 0
    solved = json.loads(capsys.readouterr().out)
    assert solved["saved"] is False and solved["proposals"][0]["mentor_id"] == mentor.id
    assert main([*base, "assign"]) == 0
    assert "Nothing was saved" in capsys.readouterr().out
    assert main([*base, "suggest", "--relative", "99999"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    manager = ["--db", sqlite_url, "--user", "leder", "--lang", "da", "mentors", "assign"]
    assert main(manager) == 3


def test_demo_data_has_mentors_and_matches_in_every_state(sqlite_url: str) -> None:
    from factories import make_user

    from advisor_app.devtools.demo import DemoDataGenerator

    services, _ = open_services(sqlite_url, hasher=FAST_HASHER)
    try:
        actor = make_user(services, "demo")
        summary = DemoDataGenerator(services.db).generate(
            actor, relatives=2500, sessions_per_relative=1, seed=4
        )
        assert summary.mentors > 20 and summary.mentor_matches > 10
        waiting = services.mentors.assign_all(actor)
        assert waiting.proposals or waiting.unassigned
        with services.db.begin() as session:
            from sqlalchemy import func, select

            from advisor_app.persistence.models import Action, MentorMatch

            states = dict(
                session.execute(
                    select(MentorMatch.status, func.count()).group_by(MentorMatch.status)
                ).all()
            )
            assert set(states) == set(MatchStatus)
            open_reminders = session.scalar(
                select(func.count(Action.id)).where(
                    Action.mentor_match_id.is_not(None), Action.status == ActionStatus.OPEN
                )
            )
            assert open_reminders == states[MatchStatus.ACTIVE]
    finally:
        services.db.dispose()


def test_two_advisors_proposing_at_once_cannot_overfill_a_mentor(
    services: Services, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both read the mentor's one free place at the same moment, were it not for the row
    lock taken first: the second waits for the first to commit, then finds no place left."""
    import contextlib
    import threading

    from factories import make_user

    from advisor_app.services import mentors as mentor_service

    mentor = make_mentor(services, actor, "Travl Thomsen", capacity=1)
    first = make_mentee(services, actor, "Første Frost")
    second = make_mentee(services, actor, "Anden Andreasen")
    colleague = make_user(services, "kollega")
    together = threading.Barrier(2, timeout=2)
    original = mentor_service._mentor_people

    def read_then_wait(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = original(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            together.wait()
        return found

    monkeypatch.setattr(mentor_service, "_mentor_people", read_then_wait)
    outcomes: dict[int, object] = {}

    def propose(who: Actor, mentee_id: int) -> None:
        try:
            outcomes[mentee_id] = services.mentors.propose(who, mentee_id, mentor.id)
        except Exception as error:
            outcomes[mentee_id] = error

    threads = [
        threading.Thread(target=propose, args=(actor, first.id)),
        threading.Thread(target=propose, args=(colleague, second.id)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    errors = [o for o in outcomes.values() if isinstance(o, Exception)]
    assert len(outcomes) == 2 and len(errors) == 1, outcomes
    assert isinstance(errors[0], ValidationError) and "no free place" in errors[0].message
    monkeypatch.undo()
    assert services.mentors.mentoring(actor, mentor.relative_id).mentor.open_matches == 1  # type: ignore[union-attr]


def test_the_municipalitys_settings_decide_weights_and_the_bereavement_wait(
    services: Services, actor: Actor
) -> None:
    """An administrator's weights and waiting period count from the next call on; a
    combination the matching cannot use is refused whole and changes nothing."""
    from factories import make_user

    from advisor_app.domain.enums import Role
    from advisor_app.domain.mentoring import MentorStage
    from advisor_app.domain.settings import MENTOR_BEREAVEMENT_MONTHS, MENTOR_WEIGHT_PREFIX

    admin = make_user(services, "indstillinger", role=Role.ADMIN)
    mentee = make_mentee(services, actor, "Vægtet Vestergaard")
    # Same stage as the mentee, other condition; and the other way round.
    stage = make_mentor(
        services, actor, "Fase Frandsen", stage=MentorStage.NEWLY_DIAGNOSED, conditions=()
    )
    condition = make_mentor(services, actor, "Sygdom Sommer")
    widow = make_mentor(
        services,
        actor,
        "Enke Espersen",
        stage=MentorStage.BEREAVED,
        bereaved_since=date.today() - timedelta(days=200),
    )

    def ranking() -> list[int]:
        return [s.mentor_id for s in services.mentors.suggest(actor, mentee.id).top]

    assert ranking()[0] == condition.id  # the condition weighs most by default
    assert widow.id not in ranking()  # bereaved for under the default 12 months
    weights = {MENTOR_WEIGHT_PREFIX + name: "0" for name in ("condition", "relation")}
    services.settings.save(admin, {**weights, MENTOR_BEREAVEMENT_MONTHS: "6"})
    assert ranking()[0] == stage.id
    assert widow.id in ranking()

    everything_zero = {
        MENTOR_WEIGHT_PREFIX + name: "0"
        for name in ("condition", "relation", "stage", "age", "work", "distance", "interests")
    }
    before = services.settings.current(admin).values
    with pytest.raises(ValidationError, match="weight"):
        services.settings.save(admin, everything_zero)
    assert services.settings.current(admin).values == before
    assert ranking()[0] == stage.id
