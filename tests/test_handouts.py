"""Handouts through the services: the consent gate, the sections on this branch, the record
and printing again with the same bytes; and the municipal settings they take their header
from. On SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from factories import (
    FAST_HASHER,
    an_hour_ago,
    make_user,
    record_with_actions,
    register_family,
    today,
)
from handout_helpers import metadata, text, tiny_png

from advisor_app.cli import main
from advisor_app.domain.actor import Actor
from advisor_app.domain.enums import ConsentScope, Language, Role
from advisor_app.domain.errors import AccessDeniedError, ConflictError, ValidationError
from advisor_app.domain.handout import HandoutDelivery, HandoutVariant
from advisor_app.domain.settings import (
    LOGO_MAX_BYTES,
    MUNICIPALITY_LOGO,
    MUNICIPALITY_NAME,
    SettingKind,
    SettingSpec,
    clean_setting,
    image_size,
)
from advisor_app.reports.handout_pdf import HandoutRenderer
from advisor_app.services.dto import CheckInInput, InstrumentAnswers
from advisor_app.services.facade import Services, open_services
from advisor_app.services.handouts import CHILD_NO_HEALTH, NO_HEALTH_CONSENT

PASSWORD = "en lang og god adgangskode"


@pytest.fixture
def admin(services: Services) -> Actor:
    return make_user(services, "testadmin", "Test Admin", Role.ADMIN)


def sha(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()


def test_a_handout_with_consent_names_the_citizen_and_the_help_for_the_illness(
    services: Services, actor: Actor, admin: Actor
) -> None:
    services.settings.save(
        admin, {MUNICIPALITY_NAME: "Herning Kommune", MUNICIPALITY_LOGO: tiny_png()}
    )
    family = register_family(services, actor)
    draft = services.handouts.compose(actor, family.id)
    handout = draft.handout
    assert draft.omitted == ()
    assert handout.variant is HandoutVariant.STANDARD and handout.language == "da"
    assert handout.municipality == "Herning Kommune" and handout.logo == tiny_png()
    assert [(c.name, c.conditions) for c in handout.citizens] == [
        ("Karen Hansen", ("Dementia", "Heart disease"))
    ]
    names = [line.name for line in handout.help_lines]
    assert "Demenslinjen (Alzheimerforeningen)" in names
    assert "Hjertelinjen (Hjerteforeningen)" in names
    assert handout.advisor is not None and handout.advisor.name == "Test Advisor"
    pdf = HandoutRenderer().render(handout)
    found = text(pdf)
    assert "Søren Hansen" in found and "Karen Hansen" in found and "Demens" in found
    meta = " ".join(metadata(pdf).values())
    for secret in ("010145", "1234", "Søren", "Karen"):  # the citizen's CPR is 010145-1234
        assert secret not in meta
    assert "010145" not in found and "1234" not in found


def test_consent_withdrawn_leaves_the_citizen_out_and_says_why(
    services: Services, actor: Actor
) -> None:
    family = register_family(services, actor)
    health = next(
        consent
        for relation in family.relations
        for consent in relation.consents
        if consent.scope is ConsentScope.HEALTH_INFORMATION
    )
    services.relatives.withdraw_consent(actor, health.id, health.version)
    draft = services.handouts.compose(actor, family.id)
    assert draft.handout.citizens == ()
    assert draft.omitted == (NO_HEALTH_CONSENT,)
    names = [line.name for line in draft.handout.help_lines]
    assert names == ["Ældre Sagens Rådgivning"]  # general information needs no consent
    found = text(HandoutRenderer().render(draft.handout))
    assert "Søren Hansen" in found
    assert "Karen" not in found and "Demens" not in found and "Hjerte" not in found


def test_a_session_s_follow_ups_and_a_trend_from_the_check_ins(
    services: Services, actor: Actor
) -> None:
    family = register_family(services, actor)
    session = record_with_actions(services, actor, family.id, today() + timedelta(days=7), None)
    for days, values in ((60, (2, 2, 2, 2, 2)), (1, (4, 4, 4, 4, 4))):
        services.check_ins.record(
            actor,
            CheckInInput(
                family.id,
                InstrumentAnswers("who5", values),
                taken_at=an_hour_ago() - timedelta(days=days),
            ),
        )
    draft = services.handouts.compose(actor, family.id, session_id=session.id)
    assert [(f.description, f.due_on) for f in draft.handout.follow_ups] == [
        ("Opfølgning 1", today() + timedelta(days=7)),
        ("Opfølgning 2", None),
    ]
    trend = draft.handout.trend
    assert trend is not None and [p.score for p in trend.points] == [40, 80]
    other = register_family(services, actor, "Anden Person", "Anden Borger", cpr=None)
    with pytest.raises(ValidationError):
        services.handouts.compose(actor, other.id, session_id=session.id)


def test_a_child_relative_gets_the_child_s_handout_without_illness(
    services: Services, actor: Actor
) -> None:
    family = register_family(services, actor, "Lille Ida", birth_year=today().year - 10)
    draft = services.handouts.compose(actor, family.id, language=Language.ENGLISH)
    handout = draft.handout
    assert handout.variant is HandoutVariant.CHILD and handout.language == "en"
    assert [c.conditions for c in handout.citizens] == [()]
    assert CHILD_NO_HEALTH in draft.omitted
    assert handout.help_lines[0].name == "Børnetelefonen (Børns Vilkår)"


def test_recorded_handouts_print_again_with_the_same_bytes(
    services: Services, actor: Actor, admin: Actor
) -> None:
    services.settings.save(admin, {MUNICIPALITY_LOGO: tiny_png(30, 10)})
    family = register_family(services, actor)
    draft = services.handouts.compose(actor, family.id, HandoutVariant.EASY_READ, Language.DANISH)
    pdf = HandoutRenderer().render(draft.handout)
    given = services.handouts.record(actor, draft, sha(pdf), HandoutDelivery.PRINTED)
    assert given.variant is HandoutVariant.EASY_READ and given.sha256 == sha(pdf)
    assert [h.id for h in services.handouts.history(actor, family.id)] == [given.id]
    services.settings.save(admin, {MUNICIPALITY_LOGO: tiny_png(60, 20)})  # a new logo later
    again = services.handouts.reprint(actor, given.id, HandoutDelivery.SAVED)
    assert again.handout == draft.handout and again.handout.logo == tiny_png(30, 10)
    assert sha(HandoutRenderer().render(again.handout)) == given.sha256
    with pytest.raises(ValidationError):
        services.handouts.record(actor, draft, "not a hash", HandoutDelivery.SAVED)


def test_settings_are_typed_checked_and_only_an_admin_changes_them(
    services: Services, actor: Actor, admin: Actor
) -> None:
    first = services.settings.current(actor)
    assert first.municipality == "" and first.logo is None
    saved = services.settings.save(
        admin,
        {"handout.contact_phone": "+45 96282828", "handout.contact_line": " Ring  9-12 "},
    )
    assert saved.contact_phone == "96 28 28 28" and saved.contact_line == "Ring 9-12"
    with pytest.raises(ValidationError):
        services.settings.save(admin, {MUNICIPALITY_LOGO: b"GIF89a not a logo"})
    with pytest.raises(ValidationError):
        services.settings.save(admin, {MUNICIPALITY_LOGO: tiny_png() + b"\0" * LOGO_MAX_BYTES})
    with pytest.raises(ValidationError):
        services.settings.save(admin, {"no.such.key": "x"})
    with pytest.raises(ValidationError):  # all or nothing: the good key is not kept either
        services.settings.save(
            admin, {MUNICIPALITY_NAME: "Ballerup Kommune", "handout.contact_email": "nope"}
        )
    assert services.settings.current(admin).municipality == ""
    with pytest.raises(ConflictError):
        services.settings.save(admin, {"handout.contact_line": "x"}, {"handout.contact_line": 0})
    with pytest.raises(AccessDeniedError):
        services.settings.save(actor, {MUNICIPALITY_NAME: "Herning Kommune"})


# ---- the command line ---------------------------------------------------------------------
def test_the_handout_command_writes_records_and_refuses(
    sqlite_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    services, _ = open_services(sqlite_url, hasher=FAST_HASHER)
    try:
        admin = services.accounts.create_first_admin("admin", "Anne Admin", PASSWORD)
        services.accounts.add_user(admin, "anna", Role.ADVISOR, "Anna", PASSWORD)
        anna = services.accounts.sign_in("anna", PASSWORD)
        family = register_family(services, anna, cpr=None)
    finally:
        services.db.dispose()
    monkeypatch.setenv("ADVISOR_PASSWORD", PASSWORD)
    output = tmp_path / "udlevering.pdf"
    base = ["--db", sqlite_url, "--lang", "en", "--user", "anna", "handout"]
    args = ["--relative", str(family.id), "--variant", "easy", "--language", "en"]
    assert main([*base, *args, "-o", str(output)]) == 0
    out = capsys.readouterr().out
    digest = hashlib.sha256(output.read_bytes()).hexdigest()
    assert digest in out
    assert "Hello Søren Hansen" in text(output.read_bytes())
    services, _ = open_services(sqlite_url)
    try:
        given = services.handouts.history(services.accounts.sign_in("anna", PASSWORD), family.id)
        assert [(g.sha256, g.delivery, g.variant) for g in given] == [
            (digest, HandoutDelivery.SAVED, HandoutVariant.EASY_READ)
        ]
    finally:
        services.db.dispose()
    assert main([*base, "--relative", "999", "-o", str(output)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert main([*base[:-2], "admin", "handout", *args, "-o", str(output)]) == 3
    assert "Your role does not give access" in capsys.readouterr().err


# ---- the settings' typed values, without a database ---------------------------------------
def test_a_logo_is_read_from_its_own_header() -> None:
    jpeg = (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + b"\xff\xc0\x00\x11\x08\x00\x10\x00\x20\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"
        + b"\xff\xd9"
    )
    assert image_size(jpeg) == ("jpeg", 32, 16)
    assert image_size(tiny_png(7, 3)) == ("png", 7, 3)
    for bad in (b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xd9", tiny_png()[:-12]):
        with pytest.raises(ValidationError):
            image_size(bad)


def test_numbers_are_checked_by_kind_and_range() -> None:
    whole = SettingSpec(
        "x.minutes", SettingKind.INTEGER, "Minutes", minimum=Decimal(5), maximum=Decimal(480)
    )
    weight = SettingSpec(
        "x.weight", SettingKind.DECIMAL, "Weight", minimum=Decimal(0), maximum=Decimal(1)
    )
    assert clean_setting(whole, " 45 ") == 45
    assert clean_setting(weight, "0,25") == Decimal("0.25")
    assert clean_setting(whole, "") is None
    for spec, bad in ((whole, "4"), (whole, "4.5"), (whole, "nan"), (weight, "2"), (weight, "x")):
        with pytest.raises(ValidationError):
            clean_setting(spec, bad)
