"""Relatives (pårørende), the citizens they care for, their relations and consents."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import and_, case, delete, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from advisor_app.domain.contact import age_in_years, is_child
from advisor_app.domain.enums import ActionStatus, AuditAction
from advisor_app.domain.errors import N_, ConflictError, ValidationError
from advisor_app.domain.permissions import Permission
from advisor_app.domain.text import clean_query, fold, search_key, search_tokens
from advisor_app.persistence.models import (
    Action,
    AdvisorySession,
    CareRelation,
    Case,
    CheckIn,
    Citizen,
    CitizenCondition,
    Consent,
    MentorMatch,
    Relative,
)
from advisor_app.services import follow_ups, validation
from advisor_app.services.check_ins import check_in_history, load_registry
from advisor_app.services.common import (
    check_version,
    get_or_404,
    like_pattern,
    locked_or_404,
)
from advisor_app.services.door import Gated, Work, door
from advisor_app.services.dto import (
    CitizenId,
    CitizenInput,
    CitizenView,
    ConsentInput,
    ConsentView,
    RelationInput,
    RelativeDetail,
    RelativeId,
    RelativeInput,
    RelativePageView,
    RelativeRow,
    SearchResult,
)
from advisor_app.services.sessions import sessions_of
from advisor_app.services.views import action_view, citizen_view, consent_view, relation_view

SEARCH_LIMIT = 500
ENTITY = "relative"


def relative_search_key(relative: Relative) -> str:
    return search_key(relative.name, relative.phone, relative.email)


def sort_name(name: str) -> str:
    return fold(name)[:200]


def _apply_relative(target: Relative, data: RelativeInput, now: datetime) -> None:
    target.name = data.name
    target.sort_name = sort_name(data.name)
    target.phone = data.phone
    target.email = data.email
    target.postcode = data.postcode
    target.birth_year = data.birth_year
    target.language = data.language
    target.employment = data.employment
    target.interests = data.interests
    target.search_key = relative_search_key(target)
    target.updated_at = now


def _apply_citizen(
    session: Session, target: Citizen, clean: validation.CleanCitizen, now: datetime
) -> None:
    if clean.cpr_digits is not None:
        clash = session.scalar(
            select(Citizen.id).where(Citizen.cpr == clean.cpr_digits, Citizen.id != target.id)
        )
        if clash is not None:
            raise ValidationError(
                N_("This CPR number is already registered for another citizen."), field="cpr"
            )
    target.name = clean.name
    target.cpr = clean.cpr_digits
    target.birth_date = clean.birth_date
    target.birth_year = clean.birth_year
    target.legal_framework = clean.data.legal_framework
    target.search_key = search_key(clean.name)
    target.updated_at = now
    wanted = list(dict.fromkeys(clean.data.conditions))
    target.conditions = [c for c in target.conditions if c.condition in wanted]
    have = {c.condition for c in target.conditions}
    target.conditions.extend(CitizenCondition(condition=c) for c in wanted if c not in have)


def _new_consent(relation_id: int | None, data: ConsentInput, now: datetime) -> Consent:
    consent = Consent(
        scope=data.scope,
        method=data.method,
        given_on=data.given_on,
        expires_on=data.expires_on,
        note=data.note,
        recorded_at=now,
    )
    if relation_id is not None:
        consent.relation_id = relation_id
    return consent


def _open_action_counts(
    session: Session, relative_ids: Sequence[int], today: date
) -> dict[int, tuple[int, int]]:
    if not relative_ids:
        return {}
    counts: dict[int, tuple[int, int]] = {}
    # Follow-ups from sessions and from check-ins, each reached through its own index.
    for owner, link in (
        (AdvisorySession, Action.session_id == AdvisorySession.id),
        (CheckIn, Action.check_in_id == CheckIn.id),
        (MentorMatch, Action.mentor_match_id == MentorMatch.id),
    ):
        stmt = (
            select(
                Case.relative_id,
                func.count(Action.id),
                func.sum(case((Action.due_on < today, 1), else_=0)),
            )
            .join(owner, owner.case_id == Case.id)
            .join(Action, link)
            .where(Case.relative_id.in_(relative_ids), Action.status == ActionStatus.OPEN)
            .group_by(Case.relative_id)
        )
        for rid, n, late in session.execute(stmt):
            before = counts.get(rid, (0, 0))
            counts[rid] = (before[0] + int(n), before[1] + int(late or 0))
    return counts


def _citizen_names(session: Session, relative_ids: Sequence[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    if not relative_ids:
        return names
    stmt = (
        select(CareRelation.relative_id, Citizen.name)
        .join(Citizen, Citizen.id == CareRelation.citizen_id)
        .where(CareRelation.relative_id.in_(relative_ids))
        .order_by(CareRelation.relative_id, Citizen.name)
    )
    for rid, name in session.execute(stmt):
        names.setdefault(rid, []).append(name)
    return names


class RelativeService(Gated):
    # ---- reading ------------------------------------------------------------------------
    @door(Permission.CASES_READ)
    def search(self, work: Work, query: str, *, limit: int = SEARCH_LIMIT) -> SearchResult:
        """Relatives whose name, phone, e-mail or citizen's name holds every word of ``query``
        (Danish folding: "Soren" finds "Søren"). Logged with the search term. A query with
        control characters is refused; a very long one is shortened (``shortened``)."""
        today = work.today()
        query, shortened = clean_query(query)
        conditions = []
        for token in search_tokens(query):
            pattern = like_pattern(token)
            # An uncorrelated IN: the citizens are scanned once per token, not once per
            # relative (a correlated EXISTS made a rare word cost 700 ms at 100,000 relatives).
            citizen_match = Relative.id.in_(
                select(CareRelation.relative_id)
                .join(Citizen, Citizen.id == CareRelation.citizen_id)
                .where(Citizen.search_key.like(pattern, escape="\\"))
            )
            conditions.append(or_(Relative.search_key.like(pattern, escape="\\"), citizen_match))
        where = and_(*conditions) if conditions else None
        session = work.session
        if where is None:
            total = session.scalar(select(func.count(Relative.id))) or 0
            ids = list(
                session.scalars(
                    select(Relative.id).order_by(Relative.sort_name, Relative.id).limit(limit)
                )
            )
        else:
            # One scan gives both the count and the first page, sorted here: ordering in
            # SQL walks the sort_name index row by row, 5x slower than a scan at 100,000
            # relatives (sort_name compares by code point in both, as the index does).
            matching = sorted(
                (name, rid)
                for name, rid in session.execute(
                    select(Relative.sort_name, Relative.id).where(where)
                )
            )
            total = len(matching)
            ids = [rid for _name, rid in matching[:limit]]
        found = {
            r.id: r
            for r in session.execute(
                select(
                    Relative.id,
                    Relative.name,
                    Relative.phone,
                    Relative.postcode,
                    Relative.birth_year,
                ).where(Relative.id.in_(ids))
            )
        }
        page = [found[i] for i in ids]
        citizens = _citizen_names(session, ids)
        counts = _open_action_counts(session, ids, today)
        work.log(AuditAction.SEARCH, ENTITY, search_term=query)
        rows = tuple(
            RelativeRow(
                id=RelativeId(r.id),
                name=r.name,
                phone=r.phone,
                postcode=r.postcode,
                citizens=", ".join(citizens.get(r.id, [])),
                is_child=is_child(r.birth_year, today),
                open_actions=counts.get(r.id, (0, 0))[0],
                overdue_actions=counts.get(r.id, (0, 0))[1],
            )
            for r in page
        )
        return SearchResult(rows=rows, total=total, query=query, shortened=shortened)

    @door(Permission.CASES_READ)
    def get(self, work: Work, relative_id: int) -> RelativeDetail:
        session = work.session
        detail = self._detail(session, relative_id, work.today())
        work.log(
            AuditAction.READ,
            ENTITY,
            entity_id=relative_id,
            relative_id=relative_id,
        )
        return detail

    @door(Permission.CASES_READ)
    def page(self, work: Work, relative_id: int) -> RelativePageView:
        """The relative's page: details, sessions, check-ins and every follow-up (open,
        done and cancelled; from sessions and from check-ins)."""
        session, today = work.session, work.today()
        detail = self._detail(session, relative_id, today)
        actions = session.scalars(
            select(Action)
            .where(follow_ups.of_relatives([relative_id]))
            .order_by(
                Action.status != ActionStatus.OPEN,
                Action.due_on.is_(None),
                Action.due_on,
                Action.id,
            )
        ).all()
        registry = load_registry(session)
        page = RelativePageView(
            detail=detail,
            sessions=sessions_of(session, relative_id, today),
            check_ins=check_in_history(session, relative_id, registry),
            follow_ups=tuple(action_view(a, today, relative_id, detail.name) for a in actions),
            registry=registry,
        )
        work.log(
            AuditAction.READ, ENTITY, entity_id=relative_id, relative_id=relative_id, detail="page"
        )
        return page

    @door(Permission.CASES_READ)
    def find_citizens(self, work: Work, query: str, *, limit: int = 50) -> tuple[CitizenView, ...]:
        query, _shortened = clean_query(query)
        tokens = search_tokens(query)
        session = work.session
        stmt = select(Citizen).options(selectinload(Citizen.conditions)).order_by(Citizen.name)
        for token in tokens:
            stmt = stmt.where(Citizen.search_key.like(like_pattern(token), escape="\\"))
        found = tuple(citizen_view(c) for c in session.scalars(stmt.limit(limit)))
        work.log(AuditAction.SEARCH, "citizen", search_term=query)
        return found

    def _detail(self, session: Session, relative_id: int, today: date) -> RelativeDetail:
        relative = session.scalar(
            select(Relative)
            .where(Relative.id == relative_id)
            .options(
                selectinload(Relative.relations)
                .selectinload(CareRelation.citizen)
                .selectinload(Citizen.conditions),
                selectinload(Relative.relations).selectinload(CareRelation.consents),
            )
        )
        if relative is None:
            get_or_404(session, Relative, relative_id, "relative")
            raise AssertionError("unreachable")
        open_case = session.scalar(
            select(Case.opened_at)
            .where(Case.relative_id == relative_id, Case.closed_at.is_(None))
            .order_by(Case.opened_at.desc())
            .limit(1)
        )
        actions = session.scalars(
            select(Action)
            .where(follow_ups.of_relatives([relative_id]), Action.status == ActionStatus.OPEN)
            .order_by(Action.due_on.is_(None), Action.due_on, Action.id)
        ).all()
        session_count = session.scalar(
            select(func.count(AdvisorySession.id))
            .join(Case, Case.id == AdvisorySession.case_id)
            .where(Case.relative_id == relative_id)
        )
        relations = sorted(relative.relations, key=lambda r: (r.citizen.name, r.id))
        return RelativeDetail(
            id=RelativeId(relative.id),
            version=relative.version,
            name=relative.name,
            phone=relative.phone,
            email=relative.email,
            postcode=relative.postcode,
            birth_year=relative.birth_year,
            age=age_in_years(relative.birth_year, today),
            is_child=is_child(relative.birth_year, today),
            language=relative.language,
            employment=relative.employment,
            interests=relative.interests,
            relations=tuple(relation_view(r, today) for r in relations),
            open_actions=tuple(action_view(a, today, relative.id, relative.name) for a in actions),
            case_opened_at=open_case,
            session_count=int(session_count or 0),
        )

    # ---- writing ------------------------------------------------------------------------
    @door(Permission.CASES_WRITE)
    def register(
        self,
        work: Work,
        relative: RelativeInput,
        citizen: CitizenInput | None = None,
        relation: RelationInput | None = None,
        consents: Sequence[ConsentInput] = (),
        *,
        citizen_id: int | None = None,
    ) -> RelativeDetail:
        """Register a relative, optionally with the citizen they care for (new, or an existing
        one by ``citizen_id``), the relation and the consents given: all or nothing."""
        today = work.today()
        clean_relative = validation.relative(relative, work.today())
        clean_citizen = validation.citizen(citizen, work.today()) if citizen is not None else None
        has_citizen = clean_citizen is not None or citizen_id is not None
        if has_citizen and relation is None:
            raise ValidationError(
                N_("Choose how the relative is related to the citizen."), field="relation_type"
            )
        clean_relation = (
            validation.relation(relation) if relation is not None and has_citizen else None
        )
        clean_consents = [validation.consent(c, today) for c in consents] if has_citizen else []
        session = work.session
        row = Relative(created_at=work.now())
        _apply_relative(row, clean_relative, work.now())
        session.add(row)
        session.flush()
        work.log(AuditAction.CREATE, ENTITY, entity_id=row.id, relative_id=row.id)
        if has_citizen and clean_relation is not None:
            self._link(work, row, clean_citizen, citizen_id, clean_relation, clean_consents)
        session.flush()
        return self._detail(session, row.id, work.today())

    @door(Permission.CASES_WRITE)
    def update(
        self, work: Work, relative_id: int, version: int, data: RelativeInput
    ) -> RelativeDetail:
        clean = validation.relative(data, work.today())
        session = work.session
        row = get_or_404(session, Relative, relative_id, "relative")
        check_version(row.version, version)
        _apply_relative(row, clean, work.now())
        session.flush()
        work.log(
            AuditAction.UPDATE,
            ENTITY,
            entity_id=relative_id,
            relative_id=relative_id,
        )
        return self._detail(session, relative_id, work.today())

    @door(Permission.CASES_WRITE)
    def add_relation(
        self,
        work: Work,
        relative_id: int,
        relation: RelationInput,
        citizen: CitizenInput | None = None,
        consents: Sequence[ConsentInput] = (),
        *,
        citizen_id: int | None = None,
    ) -> RelativeDetail:
        if citizen is None and citizen_id is None:
            raise ValidationError(N_("Choose or register the citizen."), field="citizen_name")
        today = work.today()
        clean_citizen = validation.citizen(citizen, work.today()) if citizen is not None else None
        clean_relation = validation.relation(relation)
        clean_consents = [validation.consent(c, today) for c in consents]
        session = work.session
        row = get_or_404(session, Relative, relative_id, "relative")
        self._link(work, row, clean_citizen, citizen_id, clean_relation, clean_consents)
        session.flush()
        return self._detail(session, relative_id, work.today())

    def _link(
        self,
        work: Work,
        relative: Relative,
        clean_citizen: validation.CleanCitizen | None,
        citizen_id: int | None,
        relation: RelationInput,
        consents: Sequence[ConsentInput],
    ) -> None:
        session = work.session
        # The citizen is locked FOR KEY SHARE until commit: a colleague deleting the
        # citizen's last other relative (which erases the citizen, see ``delete``) waits and
        # then sees this relation, or has already erased the citizen and this finds them gone.
        if citizen_id is not None:
            citizen = locked_or_404(session, Citizen, citizen_id, key_share=True)
        else:
            assert clean_citizen is not None
            citizen = None
            if clean_citizen.cpr_digits is not None:
                citizen = session.scalar(
                    select(Citizen)
                    .where(Citizen.cpr == clean_citizen.cpr_digits)
                    .with_for_update(key_share=True)
                )
                if citizen is not None and fold(citizen.name) != fold(clean_citizen.name):
                    raise ValidationError(
                        N_(
                            "This CPR number is already registered for a citizen with another name."
                        ),
                        field="cpr",
                    )
            if citizen is None:
                citizen = Citizen(created_at=work.now())
                _apply_citizen(session, citizen, clean_citizen, work.now())
                session.add(citizen)
                session.flush()
                work.log(
                    AuditAction.CREATE,
                    "citizen",
                    entity_id=citizen.id,
                    relative_id=relative.id,
                )
        assert citizen is not None
        duplicate = session.scalar(
            select(CareRelation.id).where(
                CareRelation.relative_id == relative.id, CareRelation.citizen_id == citizen.id
            )
        )
        if duplicate is not None:
            raise ValidationError(
                N_("The relative is already related to this citizen."), field="citizen_name"
            )
        link = CareRelation(
            relative_id=relative.id,
            citizen_id=citizen.id,
            relation_type=relation.relation_type,
            hours_per_week=relation.hours_per_week,
            starts_on=relation.starts_on,
            ends_on=relation.ends_on,
            designated_by_citizen=relation.designated_by_citizen,
        )
        session.add(link)
        session.flush()
        work.log(
            AuditAction.CREATE,
            "care_relation",
            entity_id=link.id,
            relative_id=relative.id,
        )
        for item in consents:
            consent = _new_consent(link.id, item, work.now())
            session.add(consent)
            session.flush()
            work.log(
                AuditAction.CREATE,
                "consent",
                entity_id=consent.id,
                relative_id=relative.id,
            )

    @door(Permission.CASES_WRITE)
    def update_citizen(
        self,
        work: Work,
        citizen_id: int,
        version: int,
        data: CitizenInput,
        *,
        relative_id: int | None = None,
    ) -> CitizenView:
        clean = validation.citizen(data, work.today())
        session = work.session
        citizen = session.scalar(
            select(Citizen)
            .where(Citizen.id == citizen_id)
            .options(selectinload(Citizen.conditions))
        )
        if citizen is None:
            get_or_404(session, Citizen, citizen_id, "citizen")
            raise AssertionError("unreachable")
        check_version(citizen.version, version)
        if data.keep_cpr and clean.cpr_digits is None and citizen.cpr and citizen.birth_date:
            clean = validation.keep_stored_cpr(clean, citizen.cpr, citizen.birth_date)
        _apply_citizen(session, citizen, clean, work.now())
        session.flush()
        work.log(
            AuditAction.UPDATE,
            "citizen",
            entity_id=citizen_id,
            relative_id=relative_id,
        )
        return citizen_view(citizen)

    @door(Permission.CASES_WRITE)
    def update_relation(
        self, work: Work, relation_id: int, version: int, data: RelationInput
    ) -> RelativeDetail:
        clean = validation.relation(data)
        session = work.session
        link = get_or_404(session, CareRelation, relation_id, "relation")
        check_version(link.version, version)
        link.relation_type = clean.relation_type
        link.hours_per_week = clean.hours_per_week
        link.starts_on = clean.starts_on
        link.ends_on = clean.ends_on
        link.designated_by_citizen = clean.designated_by_citizen
        session.flush()
        work.log(
            AuditAction.UPDATE,
            "care_relation",
            entity_id=relation_id,
            relative_id=link.relative_id,
        )
        return self._detail(session, link.relative_id, work.today())

    @door(Permission.CASES_WRITE)
    def add_consent(self, work: Work, relation_id: int, data: ConsentInput) -> ConsentView:
        clean = validation.consent(data, work.today())
        session = work.session
        link = get_or_404(session, CareRelation, relation_id, "relation")
        consent = _new_consent(link.id, clean, work.now())
        session.add(consent)
        session.flush()
        work.log(
            AuditAction.CREATE,
            "consent",
            entity_id=consent.id,
            relative_id=link.relative_id,
        )
        return consent_view(consent, work.today())

    @door(Permission.CASES_WRITE)
    def withdraw_consent(self, work: Work, consent_id: int, version: int) -> ConsentView:
        session = work.session
        consent = get_or_404(session, Consent, consent_id, "consent")
        check_version(consent.version, version)
        if consent.withdrawn_at is not None:
            raise ValidationError(N_("The consent is already withdrawn."))
        consent.withdrawn_at = work.now()
        session.flush()
        relative_id = session.scalar(
            select(CareRelation.relative_id).where(CareRelation.id == consent.relation_id)
        )
        work.log(
            AuditAction.UPDATE,
            "consent",
            entity_id=consent_id,
            relative_id=relative_id,
            detail="withdrawn",
        )
        return consent_view(consent, work.today())

    @door(Permission.CASES_DELETE)
    def delete(
        self,
        work: Work,
        relative_id: int,
        version: int,
        *,
        confirmed_sessions: int | None = None,
        confirmed_check_ins: int | None = None,
    ) -> None:
        """Erase a relative with their cases, sessions and actions; citizens left with no
        relative are erased too (their data has no purpose here any more).

        ``confirmed_sessions``/``confirmed_check_ins``: the counts the advisor's confirmation
        named (corrections.relative_deletion_impact). When a colleague recorded a session or
        a check-in since, nothing is deleted: the advisor is asked to look again instead of
        erasing a record they never saw."""
        session = work.session
        # FOR UPDATE: a colleague's call that is adding to this relative ends first, and
        # the relations read below are the committed ones.
        row = locked_or_404(session, Relative, relative_id)
        check_version(row.version, version)
        if confirmed_sessions is not None or confirmed_check_ins is not None:
            _refuse_if_more_than_confirmed(
                session, relative_id, confirmed_sessions, confirmed_check_ins
            )
        citizen_ids = list(
            session.scalars(
                select(CareRelation.citizen_id).where(CareRelation.relative_id == relative_id)
            )
        )
        orphan_ids: list[int] = []
        session.expunge(row)
        session.execute(delete(Relative).where(Relative.id == relative_id))
        if citizen_ids:
            # Lock the citizens first (FOR UPDATE, in id order), then look for relations in
            # a new statement: a colleague linking one of them to another relative holds it
            # FOR KEY SHARE until commit, so this waits and then sees the new relation
            # (READ COMMITTED: each statement sees what was committed before it began).
            # Without the lock the citizen and the colleague's new relation were erased.
            session.execute(
                select(Citizen.id)
                .where(Citizen.id.in_(citizen_ids))
                .order_by(Citizen.id)
                .with_for_update()
            ).all()
            orphans = select(Citizen.id).where(
                Citizen.id.in_(citizen_ids),
                ~exists().where(CareRelation.citizen_id == Citizen.id),
            )
            orphan_ids = list(session.scalars(orphans))
            if orphan_ids:
                session.execute(delete(Citizen).where(Citizen.id.in_(orphan_ids)))
        work.log(AuditAction.DELETE, ENTITY, entity_id=relative_id, relative_id=relative_id)
        for citizen_id in orphan_ids:
            # The citizen (CPR included) is erased with the last relative: say so in the log.
            work.log(
                AuditAction.DELETE,
                "citizen",
                entity_id=citizen_id,
                relative_id=relative_id,
                detail="no relative left",
            )


def _refuse_if_more_than_confirmed(
    session: Session, relative_id: int, sessions: int | None, check_ins: int | None
) -> None:
    """The relative's courses locked (FOR UPDATE: a colleague's session or check-in being
    saved into one holds it FOR KEY SHARE until commit, so this waits for it), then counted
    in new statements that see what was committed."""
    session.execute(
        select(Case.id).where(Case.relative_id == relative_id).order_by(Case.id).with_for_update()
    ).all()
    cases = select(Case.id).where(Case.relative_id == relative_id)
    now_sessions = session.scalar(
        select(func.count(AdvisorySession.id)).where(AdvisorySession.case_id.in_(cases))
    )
    now_check_ins = session.scalar(select(func.count(CheckIn.id)).where(CheckIn.case_id.in_(cases)))
    if (sessions is not None and now_sessions != sessions) or (
        check_ins is not None and now_check_ins != check_ins
    ):
        raise ConflictError(
            N_(
                "A colleague recorded something for this relative after you confirmed the"
                " deletion. Nothing was deleted; open the relative and look again."
            )
        )


__all__ = ["CitizenId", "RelativeService"]
