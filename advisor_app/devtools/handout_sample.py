"""A handout with every section filled, for the renderer's tests, its benchmark and a look at
the layout without a database: the offer groups and the relief kind are named as the
service names them (the offer's kind in the recipient's language, the relief kind's label)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from advisor_app.domain.enums import OfferKind
from advisor_app.domain.handout import (
    AdvisorItem,
    CitizenItem,
    FollowUpItem,
    Handout,
    HandoutVariant,
    HelpLine,
    MeetingItem,
    MentorItem,
    OfferGroup,
    OfferItem,
    ReliefItem,
    WellbeingPoint,
    WellbeingTrend,
)
from advisor_app.domain.offers import KIND_LABELS
from advisor_app.domain.relief import RELIEF_LABELS, ReliefKind
from advisor_app.i18n import catalog

MADE_AT = datetime(2026, 11, 24, 13, 30, tzinfo=UTC)


def sample_offer(n: int, *, need: str = "Relief") -> OfferItem:
    return OfferItem(
        title=f"Pårørendegruppe for demens nr. {n}",
        what="En gruppe for pårørende til mennesker med demens. I mødes og deler erfaringer.",
        who="Ægtefæller og voksne børn. Ledes af en demenskoordinator.",
        where="Aktivitetscentret Østergade 12, 7400 Herning",
        when="Hver anden tirsdag kl. 17-19",
        how="Ring til demenskoordinatoren og meld dig til. Det er gratis.",
        contact="Demenskoordinator Åse Møller, 96 28 28 28",
        link=f"https://www.herning.dk/paaroerende/tilbud/{n}",
        version_id=1000 + n,
    )


def sample_handout(
    variant: HandoutVariant = HandoutVariant.STANDARD,
    language: str = "da",
    *,
    offers: int = 3,
    logo: bytes | None = None,
) -> Handout:
    day = MADE_AT.date()
    need = catalog(language).gettext
    groups = (
        OfferGroup(
            need(KIND_LABELS[OfferKind.RELIEF]),
            tuple(sample_offer(n) for n in range(1, offers + 1, 2)),
        ),
        OfferGroup(
            need(KIND_LABELS[OfferKind.GROUP]),
            tuple(sample_offer(n) for n in range(2, offers + 1, 2)),
        ),
    )
    return Handout(
        variant=variant,
        language=language,
        made_at=MADE_AT,
        municipality="Herning Kommune",
        recipient="Søren Ærø Ågård",
        logo=logo,
        follow_ups=(
            FollowUpItem("Søg om afløsning i hjemmet to timer om ugen", day + timedelta(days=14)),
            FollowUpItem("Tal med egen læge om søvnen", None),
            FollowUpItem("Prøv pårørendegruppen én gang", day + timedelta(days=30)),
        ),
        offers=groups,
        relief=tuple(
            ReliefItem(
                day + timedelta(days=7 * week + 2),
                time(9, 0),
                time(15, 0),
                RELIEF_LABELS[ReliefKind.DAY_CENTRE],
                "Dagcentret Bøgely",
            )
            for week in range(3)
        ),
        mentor=MentorItem("Birthe Løvgren", "20 30 40 50", "birthe@example.dk"),
        next_meeting=MeetingItem(
            datetime(2026, 12, 8, 9, 0, tzinfo=UTC), "Rådhuset, Torvet 5, lokale 2.14"
        ),
        advisor=AdvisorItem(
            "Hanne Kjær", "96 28 00 00", "hanne.kjaer@example.dk", "Ring mandag-torsdag 9-12"
        ),
        citizens=(CitizenItem("Karen Ågård", "Spouse or partner", ("Dementia",)),),
        help_lines=(
            HelpLine(
                "Ældre Sagens Rådgivning",
                "33 96 86 86",
                "https://www.aeldresagen.dk",
                "Råd om rettigheder og hjælp i hverdagen, også til pårørende.",
            ),
        ),
        trend=WellbeingTrend(
            "WHO-5",
            tuple(
                WellbeingPoint(date(2026, 3, 1) + timedelta(days=30 * i), score)
                for i, score in enumerate((36, 40, 32, 48, 56, 60, 64))
            ),
        ),
    )
