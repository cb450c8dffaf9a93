"""The database always equals a simple model of it: Hypothesis drives random sequences of
registering, editing and deleting relatives, recording, correcting and deleting sessions,
changing follow-ups, adding and withdrawing consents, bad input that must change nothing, and
closing and reopening the database (a new Services on the same file). After every step the
services read back exactly what the model holds.

Fast by default (a few sequences, a fraction of the suite's time); ``ADVISOR_STATEFUL=long``
runs many more and longer sequences: ``make stateful-long``.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from factories import FAST_HASHER, an_hour_ago, make_user, today
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from advisor_app.domain.actor import Actor
from advisor_app.domain.enums import (
    ActionStatus,
    ConsentMethod,
    ConsentScope,
    RelationType,
    SessionForm,
)
from advisor_app.domain.errors import ValidationError
from advisor_app.persistence.database import sqlite_url
from advisor_app.services.dto import (
    ActionInput,
    CitizenInput,
    ConsentInput,
    RelationInput,
    RelativeInput,
    SessionInput,
)
from advisor_app.services.facade import Services, open_services

LONG = os.environ.get("ADVISOR_STATEFUL") == "long"
RUN_SETTINGS = settings(
    # Each run enables a random subset of the rules (swarm testing): the short profile
    # samples, the long one covers every rule many times over.
    max_examples=int(os.environ.get("ADVISOR_STATEFUL_EXAMPLES", 200 if LONG else 5)),
    stateful_step_count=60 if LONG else 15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Names as the domain stores them (trimmed, single spaces, NFC), Danish letters and an
# emoji family (a ZWJ sequence) among them.
WORDS = st.sampled_from(
    ["Søren", "Æbelø", "Åse", "Hansen", "Ølby", "Anne", "Berg", "Nuñez", "👩\u200d👩\u200d👧", "Li"]
)
NAMES = st.lists(WORDS, min_size=1, max_size=3).map(" ".join)
EMAILS = st.one_of(st.none(), st.sampled_from(["a@example.dk", "soren.b@kommune.dk"]))
NOTES = st.text(alphabet=st.sampled_from("abc æøå\n\t.,-😀"), min_size=0, max_size=40).map(
    str.strip
)
BAD_NAMES = st.sampled_from(["Anna\x00", "\x1b[2J", "A\u202eB", "\ud800x", "", "x" * 500])
BAD_EMAILS = st.sampled_from(["a\x00@b.dk", "a\x1b@b.dk", "\u202ea@b.dk", "a\udfff@b.dk"])


@dataclass
class ModelAction:
    description: str
    due_in_days: int
    status: ActionStatus = ActionStatus.OPEN
    version: int = 0


@dataclass
class ModelSession:
    relative_id: int
    notes: str
    version: int
    actions: dict[int, ModelAction] = field(default_factory=dict)


@dataclass
class ModelConsent:
    relative_id: int
    withdrawn: bool
    version: int


@dataclass
class ModelRelative:
    name: str
    email: str | None
    version: int
    relation_id: int


class DatabaseModel(RuleBasedStateMachine):
    template: Path  # a migrated database with one advisor, copied for each run
    actor: Actor

    relatives = Bundle("relatives")
    sessions = Bundle("sessions")
    consents = Bundle("consents")

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(self.template).parent / f"run-{id(self)}"
        self.folder.mkdir()
        shutil.copy(self.template, self.folder / "advisor.sqlite3")
        self.url = sqlite_url(self.folder / "advisor.sqlite3")
        self.services, _ = open_services(self.url, hasher=FAST_HASHER)
        self.model: dict[int, ModelRelative] = {}
        self.model_sessions: dict[int, ModelSession] = {}
        self.model_consents: dict[int, ModelConsent] = {}

    def teardown(self) -> None:
        self.services.db.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def s(self) -> Services:
        return self.services

    # ---- a start with something of each kind, so every rule has work from the first step
    @initialize(target=consents)
    def a_relative_with_a_consent(self) -> int:
        relative_id = self.register("Åse Ølby", None)
        return self.add_consent(relative_id, ConsentScope.CARE_PLAN)

    @initialize(target=sessions)
    def a_relative_with_a_session(self) -> int:
        relative_id = self.register("Søren 👩\u200d👩\u200d👧", "a@example.dk")
        return self.record_session(relative_id, "Første samtale", [-3, 7])

    # ---- relatives ----------------------------------------------------------------------
    @rule(target=relatives, name=NAMES, email=EMAILS)
    def register(self, name: str, email: str | None) -> int:
        detail = self.s.relatives.register(
            self.actor,
            RelativeInput(name, email=email),
            CitizenInput(f"Borger {len(self.model)}"),
            RelationInput(RelationType.PARENT),
        )
        self.model[detail.id] = ModelRelative(name, email, detail.version, detail.relations[0].id)
        return detail.id

    @rule(relative_id=relatives, name=NAMES, email=EMAILS)
    def edit(self, relative_id: int, name: str, email: str | None) -> None:
        if relative_id not in self.model:
            return
        kept = self.model[relative_id]
        detail = self.s.relatives.update(
            self.actor, relative_id, kept.version, RelativeInput(name, email=email)
        )
        kept.name, kept.email, kept.version = name, email, detail.version

    @rule(relative_id=consumes(relatives))
    def delete(self, relative_id: int) -> None:
        if relative_id not in self.model:
            return
        self.s.relatives.delete(self.actor, relative_id, self.model.pop(relative_id).version)
        # Its sessions, follow-ups and consents go with it.
        for kind in (self.model_sessions, self.model_consents):
            for key in [k for k, v in kind.items() if v.relative_id == relative_id]:
                del kind[key]

    @rule(relative_id=relatives, name=BAD_NAMES, email=BAD_EMAILS)
    def bad_input_changes_nothing(self, relative_id: int, name: str, email: str) -> None:
        """Refused, and the invariant then finds the database as the model left it."""
        version = self.model[relative_id].version if relative_id in self.model else 1
        with pytest.raises(ValidationError):
            self.s.relatives.update(self.actor, relative_id, version, RelativeInput(name))
        with pytest.raises(ValidationError):
            self.s.relatives.update(
                self.actor, relative_id, version, RelativeInput("Anne", email=email)
            )
        with pytest.raises(ValidationError):
            self.s.relatives.search(self.actor, name + "\x00")

    # ---- sessions and follow-ups ----------------------------------------------------------
    @rule(
        target=sessions,
        relative_id=relatives,
        notes=NOTES,
        dues=st.lists(st.integers(-10, 30), max_size=3),
    )
    def record_session(self, relative_id: int, notes: str, dues: list[int]) -> int:
        if relative_id not in self.model:
            return -1
        actions = tuple(
            ActionInput(f"Opfølgning {i}", today() + timedelta(days=d)) for i, d in enumerate(dues)
        )
        view = self.s.sessions.record(
            self.actor,
            SessionInput(
                relative_id, an_hour_ago(), 30, SessionForm.PHONE, notes=notes, actions=actions
            ),
        )
        self.model_sessions[view.id] = ModelSession(
            relative_id,
            notes,
            view.version,
            {
                a.id: ModelAction(
                    a.description, (a.due_on - today()).days if a.due_on else 0, version=a.version
                )
                for a in view.actions
            },
        )
        return view.id

    @rule(session_id=sessions, notes=NOTES)
    def correct_session(self, session_id: int, notes: str) -> None:
        kept = self.model_sessions.get(session_id)
        if kept is None:
            return
        actions = tuple(
            ActionInput(a.description, today() + timedelta(days=a.due_in_days))
            for a in kept.actions.values()
        )
        view = self.s.corrections.correct_session(
            self.actor,
            session_id,
            kept.version,
            SessionInput(
                kept.relative_id, an_hour_ago(), 45, SessionForm.PHONE, notes=notes, actions=actions
            ),
            "Rettet stavefejl",
        )
        kept.notes, kept.version = notes, view.version
        for action in view.actions:  # the same follow-ups, their status kept
            kept.actions[action.id].version = action.version

    @rule(session_id=consumes(sessions))
    def delete_session(self, session_id: int) -> None:
        kept = self.model_sessions.pop(session_id, None)
        if kept is None:
            return
        self.s.corrections.delete_session(self.actor, session_id, kept.version, "Forkert borger")

    @rule(session_id=sessions, data=st.data())
    def change_follow_up(self, session_id: int, data: st.DataObject) -> None:
        kept = self.model_sessions.get(session_id)
        if kept is None or not kept.actions:
            return
        action_id = data.draw(st.sampled_from(sorted(kept.actions)))
        status = data.draw(st.sampled_from(list(ActionStatus)))
        action = kept.actions[action_id]
        view = self.s.sessions.set_action_status(self.actor, action_id, action.version, status)
        action.status, action.version = status, view.version

    # ---- consents ---------------------------------------------------------------------------
    @rule(target=consents, relative_id=relatives, scope=st.sampled_from(list(ConsentScope)))
    def add_consent(self, relative_id: int, scope: ConsentScope) -> int:
        if relative_id not in self.model:
            return -1
        view = self.s.relatives.add_consent(
            self.actor,
            self.model[relative_id].relation_id,
            ConsentInput(scope, ConsentMethod.ORAL, today()),
        )
        self.model_consents[view.id] = ModelConsent(relative_id, False, view.version)
        return view.id

    @rule(consent_id=consents)
    def withdraw_consent(self, consent_id: int) -> None:
        kept = self.model_consents.get(consent_id)
        if kept is None or kept.withdrawn:
            return
        view = self.s.relatives.withdraw_consent(self.actor, consent_id, kept.version)
        kept.withdrawn, kept.version = True, view.version

    # ---- the file -----------------------------------------------------------------------------
    @rule()
    def close_and_reopen(self) -> None:
        self.services.db.dispose()
        self.services, backup = open_services(self.url, hasher=FAST_HASHER)
        assert backup is None  # nothing to migrate, so no backup either

    # ---- what must always hold ------------------------------------------------------------------
    @invariant()
    def the_database_equals_the_model(self) -> None:
        found = self.s.relatives.search(self.actor, "")
        assert found.total == len(self.model)
        for relative_id, kept in self.model.items():
            detail = self.s.relatives.get(self.actor, relative_id)
            assert (detail.name, detail.email, detail.version) == (
                kept.name,
                kept.email,
                kept.version,
            )
            consents = {c.id: c for r in detail.relations for c in r.consents}
            wanted = {k: v for k, v in self.model_consents.items() if v.relative_id == relative_id}
            assert set(consents) == set(wanted)
            for consent_id, consent in wanted.items():
                assert (consents[consent_id].withdrawn_at is not None) == consent.withdrawn
            sessions = {v.id: v for v in self.s.sessions.list_for_relative(self.actor, relative_id)}
            wanted_sessions = {
                k: v for k, v in self.model_sessions.items() if v.relative_id == relative_id
            }
            assert set(sessions) == set(wanted_sessions)
            for session_id, session in wanted_sessions.items():
                view = sessions[session_id]
                assert (view.notes, view.version) == (session.notes, session.version)
                assert {a.id: a.status for a in view.actions} == {
                    k: a.status for k, a in session.actions.items()
                }


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Actor]:
    path = tmp_path_factory.mktemp("stateful") / "template.sqlite3"
    services, _ = open_services(sqlite_url(path), hasher=FAST_HASHER)
    try:
        actor = make_user(services, "modeller", "Model Rådgiver")
    finally:
        services.db.dispose()
    return path, actor


def test_the_database_always_equals_a_simple_model(template: tuple[Path, Actor]) -> None:
    path, actor = template

    class Run(DatabaseModel):
        pass

    Run.template = path
    Run.actor = actor
    run_state_machine_as_test(Run, settings=RUN_SETTINGS)
