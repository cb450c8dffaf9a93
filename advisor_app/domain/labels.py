"""The English source words for the domain's closed vocabularies (translated where they are
shown: the UI at display time, documents and exports in the recipient's language)."""

from __future__ import annotations

from advisor_app.domain.enum_labels import EnumLabels
from advisor_app.domain.enums import (
    ActionStatus,
    CheckInMode,
    Condition,
    ConsentMethod,
    ConsentScope,
    ConsentStatus,
    EmploymentStatus,
    Language,
    LegalFramework,
    ParticipantKind,
    RelationType,
    SessionForm,
)
from advisor_app.domain.errors import N_
from advisor_app.domain.mentoring import MENTORING_LABELS
from advisor_app.domain.relief import RELIEF_LABELS
from advisor_app.domain.relief_schedule import RECURRENCE_LABELS

LABELS = EnumLabels(
    (RelationType.SPOUSE, N_("Spouse or partner")),
    (RelationType.CHILD, N_("Child")),
    (RelationType.PARENT, N_("Parent")),
    (RelationType.SIBLING, N_("Sibling")),
    (RelationType.GRANDCHILD, N_("Grandchild")),
    (RelationType.OTHER_FAMILY, N_("Other family")),
    (RelationType.FRIEND, N_("Friend")),
    (RelationType.NEIGHBOUR, N_("Neighbour")),
    (RelationType.OTHER, N_("Other")),
    (ConsentScope.HEALTH_INFORMATION, N_("Information about health and care")),
    (ConsentScope.CARE_PLAN, N_("The care plan")),
    (ConsentScope.PARTICIPATION, N_("Taking part in meetings and decisions")),
    (ConsentScope.COORDINATION, N_("Sharing with other departments and sectors")),
    (ConsentMethod.WRITTEN, N_("Written")),
    (ConsentMethod.ORAL, N_("Oral")),
    (ConsentMethod.DIGITAL, N_("Digital")),
    (ConsentStatus.ACTIVE, N_("In force")),
    (ConsentStatus.EXPIRED, N_("Expired")),
    (ConsentStatus.WITHDRAWN, N_("Withdrawn")),
    (ConsentStatus.NOT_YET, N_("Not yet in force")),
    (EmploymentStatus.UNKNOWN, N_("Not stated")),
    (EmploymentStatus.EMPLOYED, N_("Employed")),
    (EmploymentStatus.SELF_EMPLOYED, N_("Self-employed")),
    (EmploymentStatus.UNEMPLOYED, N_("Unemployed")),
    (EmploymentStatus.SICK_LEAVE, N_("On sick leave")),
    (EmploymentStatus.CARE_LEAVE, N_("Employed to care (SEL § 118)")),
    (EmploymentStatus.STUDENT, N_("Student")),
    (EmploymentStatus.PUPIL, N_("Pupil")),
    (EmploymentStatus.RETIRED, N_("Retired")),
    (EmploymentStatus.OTHER, N_("Other")),
    (Language.DANISH, N_("Danish")),
    (Language.ENGLISH, N_("English")),
    (LegalFramework.UNDETERMINED, N_("Not determined")),
    (LegalFramework.ELDER_ACT, N_("Ældreloven (elderly)")),
    (LegalFramework.SOCIAL_SERVICES_ACT, N_("Serviceloven (disability, younger)")),
    (Condition.DEMENTIA, N_("Dementia")),
    (Condition.HUNTINGTONS, N_("Huntington's disease")),
    (Condition.COPD, N_("COPD")),
    (Condition.HEART, N_("Heart disease")),
    (Condition.CANCER, N_("Cancer")),
    (Condition.STROKE, N_("Stroke")),
    (Condition.PARKINSONS, N_("Parkinson's disease")),
    (Condition.MENTAL_ILLNESS, N_("Mental illness")),
    (Condition.DISABILITY, N_("Disability")),
    (Condition.BRAIN_INJURY, N_("Acquired brain injury")),
    (Condition.FRAILTY, N_("Frailty in old age")),
    (Condition.OTHER, N_("Other")),
    (SessionForm.IN_PERSON, N_("In person")),
    (SessionForm.PHONE, N_("Phone")),
    (SessionForm.VIDEO, N_("Video")),
    (SessionForm.HOME_VISIT, N_("Home visit")),
    (SessionForm.GROUP, N_("Group")),
    (ParticipantKind.RELATIVE, N_("Relative")),
    (ParticipantKind.CITIZEN, N_("Citizen")),
    (ParticipantKind.OTHER, N_("Other")),
    (ActionStatus.OPEN, N_("Open")),
    (ActionStatus.DONE, N_("Done")),
    (ActionStatus.CANCELLED, N_("Cancelled")),
    (CheckInMode.INTERVIEW, N_("Interview: the advisor asks")),
    (CheckInMode.SELF_COMPLETED, N_("Filled in by the relative")),
)
LABELS.update(MENTORING_LABELS)
LABELS.update(RELIEF_LABELS)
LABELS.update(RECURRENCE_LABELS)
