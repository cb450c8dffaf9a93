"""The offer catalogue: validation, versions, referrals to the exact version, and the
catalogue file (CSV and XLSX): export -> import is the identity, a file with bad rows is
refused whole with every bad row reported by row and column."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from factories import FAST_HASHER, make_user, register_family, table_counts

from advisor_app.domain.actor import Actor
from advisor_app.domain.clock import FixedClock
from advisor_app.domain.enums import (
    Condition,
    OfferAudience,
    OfferKind,
    ReferralStatus,
    Role,
)
from advisor_app.domain.errors import ConflictError, ValidationError
from advisor_app.domain.offers import COLUMNS, OfferContent, checked, describe_row
from advisor_app.reports import offers_file
from advisor_app.services.facade import Services, open_services
from advisor_app.services.offers import ImportRefused, OfferFilter, load_offer_seed

# Near the machine's time: the factories date consents by it.
NOW = datetime.now(UTC).replace(microsecond=0)
NEXT_YEAR = NOW.date() + timedelta(days=400)


@pytest.fixture
def services(db_url: str) -> Iterator[Services]:
    built, _ = open_services(db_url, clock=FixedClock(NOW), hasher=FAST_HASHER)
    yield built
    built.db.dispose()


@pytest.fixture
def admin(services: Services) -> Actor:
    return make_user(services, "admin", "Anne Admin", Role.ADMIN)


@pytest.fixture
def advisor(services: Services) -> Actor:
    return make_user(services, "advisor", "Ada Advisor", Role.ADVISOR)


def content(title: str = "Samtalegruppe", **changes: object) -> OfferContent:
    base = OfferContent(
        OfferKind.GROUP,
        title,
        "En gruppe for ægtefæller",
        "Ægtefæller til en med demens",
        "Frivilligcentret",
        "Tirsdage kl. 19",
        "Ring og tilmeld dig",
        conditions=(Condition.DEMENTIA,),
        audiences=(OfferAudience.SPOUSE,),
        area="Nord",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


# ---- the domain -----------------------------------------------------------------------------
def test_the_seed_covers_every_kind_and_passes_the_rules() -> None:
    seeded = load_offer_seed()
    assert 20 <= len(seeded) <= 40
    assert {o.kind for o in seeded} == set(OfferKind)
    assert all(checked(o) == o for o in seeded)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"what": ""}, "what"),
        ({"how": "\n"}, "how"),
        ({"link": "javascript:alert(1)"}, "link"),
        ({"link": "ftp://example.dk"}, "link"),
        ({"link": "https://"}, "link"),
        ({"valid_from": date(2026, 5, 1), "valid_to": date(2026, 4, 1)}, "valid_to"),
        ({"contact": "a\nb"}, "contact"),
        ({"title": "x" * 201}, "title"),
    ],
)
def test_bad_content_is_refused_by_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        checked(content(**changes))  # type: ignore[arg-type]
    assert caught.value.field == field


def test_content_is_cleaned_and_lists_ordered() -> None:
    clean = checked(
        content(
            title="  Gruppe   for  pårørende ",
            conditions=(Condition.COPD, Condition.DEMENTIA, Condition.COPD),
            link="https://example.dk/x",
        )
    )
    assert clean.title == "Gruppe for pårørende"
    assert clean.conditions == (Condition.DEMENTIA, Condition.COPD)


# ---- the service ----------------------------------------------------------------------------
def test_a_new_database_has_the_seed_catalogue(services: Services, advisor: Actor) -> None:
    found = services.offers.search(advisor, OfferFilter(include_invalid=True))
    assert len(found) == len(load_offer_seed())
    assert {v.number for v in found} == {1}


def test_search_filters(services: Services, admin: Actor, advisor: Actor) -> None:
    dementia = services.offers.search(advisor, OfferFilter(condition=Condition.DEMENTIA))
    assert dementia and all(v.content.is_for(Condition.DEMENTIA) for v in dementia)
    # An offer naming no condition suits every condition.
    assert any(not v.content.conditions for v in dementia)
    huntington = services.offers.search(advisor, OfferFilter(text="huntington"))
    assert [v.content.title for v in huntington] == ["Pårørendegruppe for Huntingtons sygdom"]
    # Danish folding: "parorende" finds "pårørende".
    assert services.offers.search(advisor, OfferFilter(text="parorendeskole demens"))
    rights = services.offers.search(advisor, OfferFilter(kind=OfferKind.RIGHTS))
    assert rights and {v.content.kind for v in rights} == {OfferKind.RIGHTS}
    young = services.offers.search(advisor, OfferFilter(audience=OfferAudience.YOUNG))
    assert all(not v.content.audiences or OfferAudience.YOUNG in v.content.audiences for v in young)
    assert "Nord" in services.offers.areas(advisor)
    north = services.offers.search(advisor, OfferFilter(area="Nord"))
    assert north and {v.content.area for v in north} == {"Nord"}
    # Validity: an offer valid from next year is not found today, but on a day then.
    later = services.offers.create(admin, content("Fremtidigt tilbud", valid_from=NEXT_YEAR))
    assert later.offer_id not in {v.offer_id for v in services.offers.search(advisor)}
    on_day = services.offers.search(advisor, OfferFilter(valid_on=NEXT_YEAR + timedelta(days=30)))
    assert later.offer_id in {v.offer_id for v in on_day}


def test_edit_makes_a_new_version_and_a_referral_keeps_the_old_one(
    services: Services, admin: Actor, advisor: Actor
) -> None:
    family = register_family(services, advisor, cpr=None)
    offer = services.offers.create(admin, content())
    (referral,) = services.offers.refer(advisor, family.id, (offer.offer_id,))
    assert referral.offer.version_id == offer.version_id and referral.offer.number == 1
    edited = services.offers.update(
        admin, offer.offer_id, offer.version, content(when="Onsdage kl. 10")
    )
    assert edited.number == 2 and edited.version_id != offer.version_id
    # Saving the same content again writes no version.
    same = services.offers.update(admin, edited.offer_id, edited.version, edited.content)
    assert same.number == 2 and same.version_id == edited.version_id
    # A stale version is a conflict.
    with pytest.raises(ConflictError):
        services.offers.update(admin, offer.offer_id, offer.version, content(when="x"))
    (kept,) = services.offers.referrals(advisor, family.id)
    assert kept.offer.content.when == "Tirsdage kl. 19"
    assert (kept.offer.number, kept.current_number) == (1, 2)
    assert [v.number for v in services.offers.history(advisor, offer.offer_id)] == [2, 1]
    assert services.offers.version(advisor, offer.version_id).content == offer.content
    updated = services.offers.update_referral(
        advisor, kept.id, kept.version, ReferralStatus.COMPLETED, "  Glad for gruppen  "
    )
    assert (updated.status, updated.outcome) == (ReferralStatus.COMPLETED, "Glad for gruppen")
    retired = services.offers.retire(admin, edited.offer_id, edited.version)
    assert retired.retired
    assert retired.offer_id not in {v.offer_id for v in services.offers.search(advisor)}
    with pytest.raises(ValidationError):
        services.offers.refer(advisor, family.id, (offer.offer_id,))
    # The referral still shows what it was made to.
    assert services.offers.referrals(advisor, family.id)[0].offer.content == offer.content


def test_referral_input_is_checked(services: Services, admin: Actor, advisor: Actor) -> None:
    family = register_family(services, advisor, cpr=None)
    offer = services.offers.search(advisor)[0]
    with pytest.raises(ValidationError):
        services.offers.refer(advisor, family.id, ())
    with pytest.raises(ValidationError):
        services.offers.refer(advisor, family.id, (offer.offer_id,), NOW.date() + timedelta(days=2))
    later = services.offers.create(admin, content("Fremtidigt", valid_from=NEXT_YEAR))
    with pytest.raises(ValidationError, match="not in force"):
        services.offers.refer(advisor, family.id, (later.offer_id,))
    (made,) = services.offers.refer(advisor, family.id, (offer.offer_id,))
    with pytest.raises(ValidationError):
        services.offers.update_referral(
            advisor, made.id, made.version, ReferralStatus.STARTED, "x\x00y"
        )


# ---- the catalogue file ---------------------------------------------------------------------
TRICKY = content(
    '=HYPERLINK("https://evil.example")',
    what="- første punkt\n- andet punkt, med komma; og semikolon",
    who="'citeret' tekst",
    where="+45 12 34 56 78",
    how='@mention og "anførselstegn"',
    contact="''to apostroffer",
    link="https://example.dk/a?b=1&c=2",
    valid_from=date(2025, 7, 1),
    valid_to=date(2030, 12, 31),
    conditions=(Condition.DEMENTIA, Condition.COPD),
    audiences=(),
)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_is_the_identity(services: Services, admin: Actor, fmt: str) -> None:
    services.offers.create(admin, TRICKY)
    exported = services.offers.export_catalogue(admin)
    data = offers_file.write([(v.offer_id, v.content) for v in exported], fmt)
    before = table_counts(services.db)
    parsed = offers_file.parse_file(data, fmt)
    assert parsed.problems == ()
    assert [(r.offer_id, r.content) for r in parsed.rows] == [
        (v.offer_id, v.content) for v in exported
    ]
    result = services.offers.import_catalogue(admin, parsed.rows, parsed.problems)
    assert (result.created, result.updated, result.unchanged) == (0, 0, len(exported))
    after = table_counts(services.db)
    assert {**after, "audit_event": 0} == {**before, "audit_event": 0}
    # And the export of the imported catalogue is the same table (an XLSX file's zip
    # entries carry the time they were written, so bytes only for CSV).
    again = services.offers.export_catalogue(admin)
    data_again = offers_file.write([(v.offer_id, v.content) for v in again], fmt)
    assert offers_file.read(data_again, fmt) == offers_file.read(data, fmt)
    if fmt == "csv":
        assert data_again == data


def test_the_formula_guard_holds_in_the_export(services: Services, admin: Actor) -> None:
    services.offers.create(admin, TRICKY)
    exported = services.offers.export_catalogue(admin)
    data = offers_file.write([(v.offer_id, v.content) for v in exported], "csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(COLUMNS)
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert '\'=HYPERLINK("https://evil.example")' in cells


def test_an_edited_file_updates_and_creates(services: Services, admin: Actor) -> None:
    exported = services.offers.export_catalogue(admin)
    header, rows = offers_file.read(
        offers_file.write([(v.offer_id, v.content) for v in exported], "csv"), "csv"
    )
    title = header.index("title")
    rows[0][1][title] = "Nyt navn"
    rows.append((len(rows) + 2, ["", *rows[1][1][1:]]))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([header, *[r for _, r in rows]])
    parsed = offers_file.parse_file(buffer.getvalue().encode("cp1252", errors="replace"), "csv")
    assert parsed.problems == ()
    result = services.offers.import_catalogue(admin, parsed.rows)
    assert (result.created, result.updated) == (1, 1)
    assert services.offers.get(admin, exported[0].offer_id).number == 2


def test_a_file_with_bad_rows_is_refused_whole(services: Services, admin: Actor) -> None:
    exported = services.offers.export_catalogue(admin)
    header, rows = offers_file.read(
        offers_file.write([(v.offer_id, v.content) for v in exported], "csv"), "csv"
    )
    col = {name: header.index(name) for name in header}
    rows[0][1][col["title"]] = "Ændret, men filen afvises"  # a good change, not applied
    rows[1][1][col["title"]] = ""
    rows[1][1][col["link"]] = "www.uden-skema.dk"
    rows[2][1][col["kind"]] = "party"
    rows[3][1][col["valid_from"]] = "1. maj 2026"
    rows[4][1][col["conditions"]] = "dementia,flu"
    rows[5][1][col["id"]] = "99999"
    rows[6][1][col["id"]] = rows[7][1][col["id"]]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *[r for _, r in rows]])
    before = table_counts(services.db)
    parsed = offers_file.parse_file(buffer.getvalue().encode(), "csv")
    with pytest.raises(ImportRefused) as caught:
        services.offers.import_catalogue(admin, parsed.rows, parsed.problems)
    found = {(p.row, tuple(c.column for c in p.cells)) for p in caught.value.rows}
    assert found == {
        (3, ("title", "link")),
        (4, ("kind",)),
        (5, ("valid_from",)),
        (6, ("conditions",)),
        (7, ("id",)),
        (9, ("id",)),
    }
    lines = [describe_row(p, lambda s: s) for p in caught.value.rows]
    assert lines[0].startswith("Row 3: title: Title must be filled in.; link: ")
    assert table_counts(services.db) == before  # not even the refusal's log: it is a user error
    assert services.offers.get(admin, exported[0].offer_id).number == 1


def test_a_file_without_the_columns_or_unreadable_is_refused() -> None:
    with pytest.raises(ValidationError, match="lacks the column"):
        offers_file.parse_file(b"id,title\n1,x\n", "csv")
    with pytest.raises(ValidationError, match="not a readable XLSX"):
        offers_file.parse_file(b"not a zip", "xlsx")
    with pytest.raises(ValidationError, match=r"\.csv or \.xlsx"):
        offers_file.format_of("offers.txt")
