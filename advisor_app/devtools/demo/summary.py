"""What one run wrote: the figures the CLI prints and the run's audit event records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class DemoSummary:
    """Rows written by one run."""

    relatives: int = 0
    citizens: int = 0
    relations: int = 0
    consents: int = 0
    cases: int = 0
    sessions: int = 0
    actions: int = 0
    participants: int = 0
    anonymous_sessions: int = 0
    session_topics: int = 0
    conditions: int = 0
    check_ins: int = 0
    check_in_answers: int = 0
    check_in_actions: int = 0  # of ``actions``: the follow-ups taken up from a check-in
    relief_arrangements: int = 0
    relief_status_changes: int = 0
    relief_exceptions: int = 0
    relief_needs: int = 0
    referrals: int = 0  # to offers in the catalogue
    mentors: int = 0
    mentor_requests: int = 0
    mentor_matches: int = 0
    mentor_reviews: int = 0
    deleted_records: int = 0  # tombstones of deleted sessions and check-ins
    bookings: int = 0  # booked meetings, a few of them cancelled

    @classmethod
    def of(
        cls, counts: Mapping[str, int], *, anonymous_sessions: int, check_in_actions: int
    ) -> DemoSummary:
        """From the rows built per table (``bulk.Rows.counts``)."""
        return cls(
            relatives=counts["relative"],
            citizens=counts["citizen"],
            relations=counts["care_relation"],
            consents=counts["consent"],
            cases=counts["advice_case"],
            sessions=counts["advisory_session"],
            actions=counts["follow_up_action"],
            participants=counts["session_participant"],
            anonymous_sessions=anonymous_sessions,
            session_topics=counts["session_topic"],
            conditions=counts["citizen_condition"],
            check_ins=counts["check_in"],
            check_in_answers=counts["check_in_answer"],
            check_in_actions=check_in_actions,
            relief_arrangements=counts["relief_arrangement"],
            relief_status_changes=counts["relief_status_change"],
            relief_exceptions=counts["relief_exception"],
            relief_needs=counts["relief_need"],
            referrals=counts.get("offer_referral", 0),
            mentors=counts.get("mentor", 0),
            mentor_requests=counts.get("mentor_request", 0),
            mentor_matches=counts.get("mentor_match", 0),
            mentor_reviews=counts.get("mentor_review", 0),
            deleted_records=counts.get("record_revision", 0),
            bookings=counts.get("booking", 0),
        )

    def __str__(self) -> str:
        return (
            f"demo data: {self.relatives:,} relatives, {self.citizens:,} citizens, "
            f"{self.relations:,} relations, {self.consents:,} consents, {self.cases:,} cases, "
            f"{self.sessions:,} sessions ({self.anonymous_sessions:,} anonymous), "
            f"{self.check_ins:,} check-ins ({self.check_in_answers:,} answers), "
            f"{self.actions:,} follow-ups ({self.check_in_actions:,} from check-ins), "
            f"{self.participants:,} participants, "
            f"{self.relief_arrangements:,} relief arrangements, "
            f"{self.referrals:,} referrals to offers, {self.mentors:,} mentors, "
            f"{self.mentor_requests:,} wishing for a mentor, {self.mentor_matches:,} mentor matches, "
            f"{self.bookings:,} booked meetings"
        )

    def audit_detail(self, seed: int) -> str:
        """Compact counts for the audit event's 200-character detail."""
        short = {
            "relatives": "rel",
            "citizens": "cit",
            "relations": "relat",
            "consents": "cons",
            "cases": "case",
            "sessions": "sess",
            "actions": "act",
            "participants": "part",
            "anonymous_sessions": "anon",
            "check_ins": "chk",
            "relief_arrangements": "relief",
            "referrals": "ref",
        }
        counts = " ".join(
            f"{short[f.name]}={getattr(self, f.name)}" for f in fields(self) if f.name in short
        )
        return f"seed={seed} {counts}"[:200]
