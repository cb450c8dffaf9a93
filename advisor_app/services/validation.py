"""Turn form inputs into clean values with the domain's rules; raise ValidationError early,
before anything is written, so a bad form never saves half."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from advisor_app.domain.contact import check_birth_year, clean_email, clean_phone, clean_postcode
from advisor_app.domain.cpr import parse_cpr
from advisor_app.domain.errors import N_, ValidationError
from advisor_app.domain.rules import check_care_hours, check_period
from advisor_app.domain.text import SHORT_TEXT_MAX, clean_line, clean_note
from advisor_app.services.dto import CitizenInput, ConsentInput, RelationInput, RelativeInput


def relative(data: RelativeInput, today: date) -> RelativeInput:
    return RelativeInput(
        name=clean_line(data.name, field="name", label=N_("The name")) or "",
        phone=clean_phone(data.phone),
        email=clean_email(data.email),
        postcode=clean_postcode(data.postcode),
        birth_year=check_birth_year(data.birth_year, today=today),
        language=data.language,
        employment=data.employment,
        interests=clean_note(data.interests, field="interests", label=N_("Interests"), max_len=2000)
        or None,
    )


@dataclass(frozen=True)
class CleanCitizen:
    name: str
    cpr_digits: str | None
    birth_date: date | None
    birth_year: int | None
    data: CitizenInput


def citizen(data: CitizenInput, today: date) -> CleanCitizen:
    name = clean_line(data.name, field="citizen_name", label=N_("The citizen's name")) or ""
    cpr = parse_cpr(data.cpr, today=today) if data.cpr and data.cpr.strip() else None
    birth_year = check_birth_year(data.birth_year, field="citizen_birth_year", today=today)
    if cpr is not None:
        if birth_year is not None and birth_year != cpr.birth_date.year:
            raise ValidationError(
                N_("The birth year does not match the CPR number."), field="citizen_birth_year"
            )
        birth_year = cpr.birth_date.year
    return CleanCitizen(
        name=name,
        cpr_digits=cpr.digits if cpr else None,
        birth_date=cpr.birth_date if cpr else None,
        birth_year=birth_year,
        data=data,
    )


def keep_stored_cpr(clean: CleanCitizen, digits: str, born: date) -> CleanCitizen:
    """An edit that leaves the (never fully shown) CPR field empty keeps the stored number."""
    if clean.birth_year is not None and clean.birth_year != born.year:
        raise ValidationError(
            N_("The birth year does not match the CPR number."), field="citizen_birth_year"
        )
    return replace(clean, cpr_digits=digits, birth_date=born, birth_year=born.year)


def relation(data: RelationInput) -> RelationInput:
    check_period(data.starts_on, data.ends_on, field="relation_ends_on")
    return RelationInput(
        relation_type=data.relation_type,
        hours_per_week=check_care_hours(data.hours_per_week),
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        designated_by_citizen=data.designated_by_citizen,
    )


def consent(data: ConsentInput, today: date) -> ConsentInput:
    if data.given_on > today:
        raise ValidationError(
            N_("A consent cannot be given in the future."), field="consent_given_on"
        )
    check_period(data.given_on, data.expires_on, field="consent_expires_on")
    note = clean_note(data.note, field="consent_note", label=N_("The note"), max_len=SHORT_TEXT_MAX)
    return ConsentInput(data.scope, data.method, data.given_on, data.expires_on, note or None)
