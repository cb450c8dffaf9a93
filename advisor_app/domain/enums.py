"""Closed vocabularies, stored as their text values (CHECK-constrained, never native enums)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADVISOR = "advisor"
    MANAGER = "manager"
    ADMIN = "admin"
    AUDITOR = "auditor"


class Purpose(StrEnum):
    """Why personal data is touched; written into every audit event."""

    ADVISORY = "advisory"  # vejledning af pårørende
    STATISTICS = "statistics"
    ADMINISTRATION = "administration"
    AUDIT = "audit"  # spot-checking the access log (Datatilsynet)
    DEMO_DATA = "demo_data"


class AuditAction(StrEnum):
    READ = "read"
    SEARCH = "search"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EXPORT = "export"
    PRINT = "print"
    REFUSED = "refused"  # the door said no: the attempt is logged too
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    ACCOUNT_LOCKED = "account_locked"


class LegalFramework(StrEnum):
    """Which act relief for the citizen falls under (DOMAIN.md: Ældreloven § 16 or SEL § 84)."""

    UNDETERMINED = "undetermined"
    ELDER_ACT = "elder_act"  # Ældreloven
    SOCIAL_SERVICES_ACT = "social_services_act"  # Serviceloven


class Condition(StrEnum):
    DEMENTIA = "dementia"
    HUNTINGTONS = "huntingtons"
    COPD = "copd"
    HEART = "heart"
    CANCER = "cancer"
    STROKE = "stroke"
    PARKINSONS = "parkinsons"
    MENTAL_ILLNESS = "mental_illness"
    DISABILITY = "disability"
    BRAIN_INJURY = "brain_injury"
    FRAILTY = "frailty"
    OTHER = "other"


class RelationType(StrEnum):
    SPOUSE = "spouse"  # ægtefælle / samlever
    CHILD = "child"  # the relative is the citizen's child
    PARENT = "parent"
    SIBLING = "sibling"
    GRANDCHILD = "grandchild"
    OTHER_FAMILY = "other_family"
    FRIEND = "friend"
    NEIGHBOUR = "neighbour"
    OTHER = "other"


class ConsentScope(StrEnum):
    """What the citizen lets the municipality share with the relative (samtykke)."""

    HEALTH_INFORMATION = "health_information"
    CARE_PLAN = "care_plan"
    PARTICIPATION = "participation"  # taking part in meetings and decisions
    COORDINATION = "coordination"  # sharing with other departments and sectors


class ConsentMethod(StrEnum):
    WRITTEN = "written"
    ORAL = "oral"
    DIGITAL = "digital"


class ConsentStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    NOT_YET = "not_yet"


class EmploymentStatus(StrEnum):
    UNKNOWN = "unknown"
    EMPLOYED = "employed"
    SELF_EMPLOYED = "self_employed"
    UNEMPLOYED = "unemployed"
    SICK_LEAVE = "sick_leave"
    CARE_LEAVE = "care_leave"  # pasning af nærtstående, SEL § 118
    STUDENT = "student"
    PUPIL = "pupil"
    RETIRED = "retired"
    OTHER = "other"


class Language(StrEnum):
    DANISH = "da"
    ENGLISH = "en"


class SessionForm(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"
    HOME_VISIT = "home_visit"
    GROUP = "group"


class ParticipantKind(StrEnum):
    RELATIVE = "relative"
    CITIZEN = "citizen"
    OTHER = "other"  # a professional, a friend: described in words, no record


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class CheckInMode(StrEnum):
    """Who filled in a check-in: the advisor asking, or the relative on the screen."""

    INTERVIEW = "interview"
    SELF_COMPLETED = "self_completed"


class OfferKind(StrEnum):
    """What an offer in the catalogue (tilbud, idékatalog) is."""

    RELIEF = "relief"  # aflastning, afløsning
    COURSE = "course"  # pårørendeskole, course
    GROUP = "group"  # peer or self-help group (pårørendegruppe)
    COUNSELLING = "counselling"  # rådgivning
    VOLUNTEER = "volunteer"  # volunteer organisation (frivillig forening)
    RIGHTS = "rights"  # rights and law information
    TOOL = "tool"  # a tool, an app or a guide


class OfferAudience(StrEnum):
    """Which relatives an offer is for; an offer naming none is for every relative."""

    SPOUSE = "spouse"  # ægtefælle, samlever
    ADULT_CHILD = "adult_child"  # voksne børn
    YOUNG = "young"  # children and young people as relatives (børn og unge som pårørende)
    PARENT = "parent"  # parents of a sick or disabled child
    SIBLING = "sibling"
    OTHER = "other"  # other family, friends, neighbours
    BEREAVED = "bereaved"  # efterladte


class ReferralStatus(StrEnum):
    """Where a relative's referral to an offer stands (henvisning)."""

    REFERRED = "referred"
    STARTED = "started"
    COMPLETED = "completed"
    DECLINED = "declined"
    STOPPED = "stopped"  # started, then left before the end
