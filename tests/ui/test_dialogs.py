"""The dialogs for relatives, citizens, relations and consents, driven through their real
widgets: typing, pasting, Space, arrow keys and the real Save button. Bad input keeps what was
typed, shows the reason and saves nothing; a stale edit says someone else changed the record."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QWidget

from advisor_app import i18n
from advisor_app.domain.enums import (
    Condition,
    ConsentMethod,
    ConsentScope,
    ConsentStatus,
    EmploymentStatus,
    LegalFramework,
    RelationType,
)
from advisor_app.domain.errors import N_, ServiceError, ValidationError
from advisor_app.services.common import CHANGED_BY_OTHERS
from advisor_app.services.dto import CitizenInput, ConsentInput, RelationInput, RelativeInput
from advisor_app.ui.citizen_dialog import CitizenDialog
from advisor_app.ui.consent_dialog import ConsentDialog
from advisor_app.ui.relation_dialog import RelationDialog
from advisor_app.ui.relative_dialog import RelativeDialog

SAVE_TIMEOUT = 10_000


# ---- helpers ------------------------------------------------------------------------------
def show(qtbot, dialog):  # type: ignore[no-untyped-def]
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    return dialog


def type_into(qtbot, widget: QWidget, text: str) -> None:  # type: ignore[no-untyped-def]
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def paste_into(qtbot, widget: QWidget, text: str) -> None:  # type: ignore[no-untyped-def]
    """What an advisor does with text from elsewhere (and the only way to get control
    characters or 10,000 characters into a field without typing them one by one)."""
    QApplication.clipboard().setText(text)
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def choose(qtbot, combo: QComboBox, value: object) -> None:  # type: ignore[no-untyped-def]
    """Pick an item with the arrow keys, as the keyboard would."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _step in range(combo.count()):
        if combo.currentData() == value:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == value


def press_space(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Space)


def click_save(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def save_and_wait(qtbot, dialog, signal):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(signal, timeout=SAVE_TIMEOUT) as saved:
        click_save(qtbot, dialog)
    return saved.args[0]


def save_expecting_error(qtbot, dialog) -> str:  # type: ignore[no-untyped-def]
    click_save(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.banner.isVisible() and not dialog.saving, timeout=SAVE_TIMEOUT)
    assert dialog.isVisible()
    assert dialog.save_button.isEnabled()
    text = dialog.banner.text()
    assert text.strip()
    return text


def translated(error: ServiceError) -> str:
    """The message as the UI language shows it; Danish wherever the catalog has it."""
    shown = error.translated(i18n._)
    if i18n.catalog("da").gettext(error.template) != error.template:
        assert shown != error.message
    return shown


def row_count(services, actor) -> int:  # type: ignore[no-untyped-def]
    return services.relatives.search(actor, "").total


@pytest.fixture
def cared_for(services, actor):  # type: ignore[no-untyped-def]
    """A relative with a citizen (CPR on record), a relation and one consent."""
    return services.relatives.register(
        actor,
        RelativeInput(name="Bjørn Østergård", phone="20 30 40 50", birth_year=1958),
        CitizenInput(name="Åse Østergård", cpr="010150-1234", conditions=(Condition.COPD,)),
        RelationInput(RelationType.SPOUSE, hours_per_week=30),
        [ConsentInput(ConsentScope.HEALTH_INFORMATION, ConsentMethod.ORAL, date.today())],
    )


# ---- registering --------------------------------------------------------------------------
def test_register_relative_with_new_citizen_relation_and_two_consents(
    qtbot, services, runner, actor
):  # type: ignore[no-untyped-def]
    dialog = show(qtbot, RelativeDialog(services, runner, actor))
    fields = dialog.relative_fields
    assert dialog.windowTitle() and "Søren" not in dialog.windowTitle()
    assert dialog.focusWidget() is fields.name

    type_into(qtbot, fields.name, "Søren Ærø Ågård")
    type_into(qtbot, fields.phone, "+45 12345678")
    type_into(qtbot, fields.email, "soren@example.dk")
    type_into(qtbot, fields.postcode, "7400")
    type_into(qtbot, fields.birth_year, "1961")
    choose(qtbot, fields.employment, EmploymentStatus.CARE_LEAVE)
    type_into(qtbot, fields.interests, "Fuglekiggeri, kor")

    assert not dialog.consent_group.isEnabled()
    press_space(qtbot, dialog.citizen_group)
    assert dialog.citizen_group.isChecked() and dialog.consent_group.isEnabled()
    citizen = dialog.citizen_form
    type_into(qtbot, citizen.name, "Kærsti Ørum Åberg")
    type_into(qtbot, citizen.birth_year, "1944")
    # Age 65 or more while "not determined": Ældreloven is suggested, and said so.
    assert citizen.legal_framework.currentData() == LegalFramework.ELDER_ACT
    assert citizen.framework_hint.isVisibleTo(dialog)
    press_space(qtbot, citizen.condition_checks[Condition.DEMENTIA])
    relation = dialog.relation_fields
    choose(qtbot, relation.relation_type, RelationType.SPOUSE)
    type_into(qtbot, relation.hours, "12,5")

    press_space(qtbot, dialog.consent_group)
    consent = dialog.consent_fields
    press_space(qtbot, consent.scope_buttons[ConsentScope.HEALTH_INFORMATION])
    press_space(qtbot, consent.scope_buttons[ConsentScope.PARTICIPATION])
    choose(qtbot, consent.method, ConsentMethod.WRITTEN)

    before = row_count(services, actor)
    detail = save_and_wait(qtbot, dialog, dialog.relative_saved)
    assert not dialog.isVisible()
    assert detail.name == "Søren Ærø Ågård"
    assert detail.phone == "12 34 56 78" and detail.postcode == "7400"
    assert detail.employment is EmploymentStatus.CARE_LEAVE
    (link,) = detail.relations
    assert link.citizen.name == "Kærsti Ørum Åberg"
    assert link.citizen.legal_framework is LegalFramework.ELDER_ACT
    assert link.citizen.conditions == (Condition.DEMENTIA,)
    assert link.relation_type is RelationType.SPOUSE and link.hours_per_week == 12.5
    assert {c.scope for c in link.consents} == {
        ConsentScope.HEALTH_INFORMATION,
        ConsentScope.PARTICIPATION,
    }
    assert all(c.method is ConsentMethod.WRITTEN for c in link.consents)
    assert all(c.status is ConsentStatus.ACTIVE for c in link.consents)
    assert row_count(services, actor) == before + 1
    found = services.relatives.search(actor, "Soren Aero")  # Danish folding finds it
    assert [r.id for r in found.rows] == [detail.id]
    assert found.rows[0].citizens == "Kærsti Ørum Åberg"


def test_enter_saves_and_escape_cancels(qtbot, services, runner, actor):  # type: ignore[no-untyped-def]
    dialog = show(qtbot, RelativeDialog(services, runner, actor))
    qtbot.keyClicks(dialog.relative_fields.name, "Escape Ellesøe")
    qtbot.keyClick(dialog.relative_fields.name, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert row_count(services, actor) == 0

    dialog = show(qtbot, RelativeDialog(services, runner, actor))
    qtbot.keyClicks(dialog.relative_fields.name, "Enter Enevoldsen")
    with qtbot.waitSignal(dialog.relative_saved, timeout=SAVE_TIMEOUT) as saved:
        qtbot.keyClick(dialog.relative_fields.name, Qt.Key.Key_Return)
    assert saved.args[0].name == "Enter Enevoldsen"
    assert row_count(services, actor) == 1


def test_tab_order_follows_the_form(qtbot, services, runner, actor):  # type: ignore[no-untyped-def]
    dialog = show(qtbot, RelativeDialog(services, runner, actor))
    fields = dialog.relative_fields
    expected = [
        fields.phone,
        fields.email,
        fields.postcode,
        fields.birth_year,
        fields.language,
        fields.employment,
        fields.interests,
        dialog.citizen_group,
    ]
    for widget in expected:
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        assert dialog.focusWidget() is widget, widget.objectName()
    assert [fields.name.objectName(), fields.name.accessibleName()] == ["name", i18n._("Name")]


TOO_LONG = "Å" * 10_000


@pytest.mark.parametrize(
    ("case", "field", "text", "expected"),
    [
        (
            "empty name",
            "name",
            "",
            ValidationError(N_("{label} must be filled in."), label=N_("The name")),
        ),
        (
            "10,000 characters",
            "name",
            TOO_LONG,
            ValidationError(
                N_("{label} is too long (at most {max_len} characters)."),
                label=N_("The name"),
                max_len=120,
            ),
        ),
        (
            "control character",
            "name",
            "Ann\x07e",
            ValidationError(N_("{label} contains control characters."), label=N_("The name")),
        ),
        (
            "impossible CPR date",
            "cpr",
            "310290-1234",
            ValidationError(N_("The CPR number does not start with a real date (DDMMYY).")),
        ),
        (
            "too short CPR",
            "cpr",
            "123",
            ValidationError(N_("A CPR number has 10 digits, written as DDMMYY-SSSS.")),
        ),
        (
            "birth year not a number",
            "birth_year",
            "19x8",
            ValidationError(N_("{label} must be a whole number."), label=N_("The birth year")),
        ),
        (
            "hours not a number",
            "hours_per_week",
            "lots",
            ValidationError(N_("{label} must be a number."), label=N_("Hours of care a week")),
        ),
    ],
)
def test_bad_input_is_explained_kept_and_nothing_saved(
    qtbot, services, runner, actor, case, field, text, expected
):  # type: ignore[no-untyped-def]
    dialog = show(qtbot, RelativeDialog(services, runner, actor))
    fields = dialog.relative_fields
    with_citizen = field in ("cpr", "hours_per_week")
    if field != "name":
        type_into(qtbot, fields.name, "Grethe Præstø")
    if with_citizen:
        press_space(qtbot, dialog.citizen_group)
        type_into(qtbot, dialog.citizen_form.name, "Ødis Præstø")
        choose(qtbot, dialog.relation_fields.relation_type, RelationType.CHILD)
    widget = dialog.fields()[field]
    if text.isprintable() and len(text) < 100:
        type_into(qtbot, widget, text)
    else:
        paste_into(qtbot, widget, text)
    assert widget.text() == text  # the field neither cuts nor filters what was pasted

    before = row_count(services, actor)
    message = save_expecting_error(qtbot, dialog)
    assert message == translated(expected), case
    assert widget.text() == text  # what was typed is kept
    assert dialog.focusWidget() is widget  # and the cursor is where the problem is
    assert fields.name.text() == ("Grethe Præstø" if field != "name" else text)
    assert row_count(services, actor) == before
    # After fixing the field the same dialog saves.
    widget.clear()
    if field == "name":
        type_into(qtbot, widget, "Grethe Præstø")
    detail = save_and_wait(qtbot, dialog, dialog.relative_saved)
    assert detail.name == "Grethe Præstø"
    assert row_count(services, actor) == before + 1


def test_sql_like_name_is_saved_verbatim_and_found_again(qtbot, services, runner, actor):  # type: ignore[no-untyped-def]
    name = "Robert'); DROP TABLE relative;--"
    dialog = show(qtbot, RelativeDialog(services, runner, actor))
    type_into(qtbot, dialog.relative_fields.name, name)
    detail = save_and_wait(qtbot, dialog, dialog.relative_saved)
    assert detail.name == name
    found = services.relatives.search(actor, "Robert'); DROP")
    assert [r.name for r in found.rows] == [name]
    assert row_count(services, actor) == 1


def test_unexpected_error_enables_save_again(qtbot, services, runner, actor, monkeypatch):  # type: ignore[no-untyped-def]
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(services.relatives, "register", broken)
    dialog = show(qtbot, RelativeDialog(services, runner, actor))
    type_into(qtbot, dialog.relative_fields.name, "Bodil Bæk")
    with qtbot.waitSignal(runner.failed, timeout=SAVE_TIMEOUT) as failed:
        click_save(qtbot, dialog)
        assert not dialog.save_button.isEnabled()
    assert failed.args == ["RuntimeError"]
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
    assert dialog.isVisible() and dialog.relative_fields.name.text() == "Bodil Bæk"
    dialog.reject()


def test_only_the_failing_task_gets_its_bug(qtbot, runner):  # type: ignore[no-untyped-def]
    """``failed`` is every task's; ``on_bug`` is the one task's, so a form never re-enables
    Save because some other background task broke."""
    bugs: list[str] = []

    def boom() -> None:
        raise RuntimeError("a bug")

    with qtbot.waitSignal(runner.failed, timeout=SAVE_TIMEOUT):
        runner.submit(lambda: 1, lambda _r: None, on_bug=lambda: bugs.append("saving form"))
        runner.submit(boom, lambda _r: None, on_bug=lambda: bugs.append("broken task"))
    runner.wait_idle()
    assert bugs == ["broken task"]


# ---- editing ------------------------------------------------------------------------------
def test_edit_relative(qtbot, services, runner, actor, cared_for):  # type: ignore[no-untyped-def]
    dialog = show(qtbot, RelativeDialog(services, runner, actor, cared_for))
    assert cared_for.name not in dialog.windowTitle()
    assert not dialog.citizen_group.isVisible()
    assert dialog.relative_fields.name.text() == "Bjørn Østergård"
    dialog.relative_fields.phone.selectAll()
    qtbot.keyClicks(dialog.relative_fields.phone, "87654321")
    detail = save_and_wait(qtbot, dialog, dialog.relative_saved)
    assert detail.phone == "87 65 43 21" and detail.version == cared_for.version + 1
    assert len(detail.relations) == 1  # the relations are untouched
    assert services.relatives.get(actor, cared_for.id).phone == "87 65 43 21"


def test_stale_edit_shows_the_conflict_and_keeps_the_text(
    qtbot, services, runner, actor, cared_for
):  # type: ignore[no-untyped-def]
    dialog = show(qtbot, RelativeDialog(services, runner, actor, cared_for))
    # Another advisor saves first.
    services.relatives.update(
        actor,
        cared_for.id,
        cared_for.version,
        dataclasses.replace(cared_for.as_input(), phone="11 22 33 44"),
    )
    dialog.relative_fields.email.setFocus()
    qtbot.keyClicks(dialog.relative_fields.email, "bjorn@example.dk")
    message = save_expecting_error(qtbot, dialog)
    assert message == translated(ServiceError(CHANGED_BY_OTHERS))
    assert dialog.relative_fields.email.text() == "bjorn@example.dk"
    stored = services.relatives.get(actor, cared_for.id)
    assert stored.phone == "11 22 33 44" and stored.email is None


def test_add_relation_to_an_existing_citizen_found_by_search(
    qtbot, services, runner, actor, cared_for
):  # type: ignore[no-untyped-def]
    citizen = cared_for.relations[0].citizen
    daughter = services.relatives.register(actor, RelativeInput(name="Ida Østergård"))
    dialog = show(qtbot, RelationDialog(services, runner, actor, daughter))
    assert dialog.focusWidget() is dialog.search
    qtbot.keyClicks(dialog.search, "ase ostergard")  # Danish folding
    qtbot.waitUntil(lambda: dialog.results_model.rowCount() == 1, timeout=SAVE_TIMEOUT)
    shown = dialog.results_model.item(0).text()
    assert "Åse Østergård" in shown and "010150-xxxx" in shown and "1234" not in shown
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)
    assert dialog.focusWidget() is dialog.results
    assert dialog.chosen_citizen() == citizen
    choose(qtbot, dialog.relation_fields.relation_type, RelationType.CHILD)
    type_into(qtbot, dialog.relation_fields.hours, "4")
    press_space(qtbot, dialog.consent_group)
    press_space(qtbot, dialog.consent_fields.scope_buttons[ConsentScope.CARE_PLAN])

    detail = save_and_wait(qtbot, dialog, dialog.relation_saved)
    (link,) = detail.relations
    assert detail.id == daughter.id and link.citizen.id == citizen.id
    assert link.relation_type is RelationType.CHILD and link.hours_per_week == 4
    assert [c.scope for c in link.consents] == [ConsentScope.CARE_PLAN]
    # One citizen record, two relatives.
    assert len(services.relatives.find_citizens(actor, "Åse")) == 1
    assert services.relatives.search(actor, "Åse").total == 2


def test_relation_dialog_search_marks_citizens_already_related_and_enter_does_not_save(
    qtbot, services, runner, actor, cared_for
):  # type: ignore[no-untyped-def]
    dialog = show(qtbot, RelationDialog(services, runner, actor, cared_for))
    choose(qtbot, dialog.relation_fields.relation_type, RelationType.SPOUSE)
    type_into(qtbot, dialog.search, "Åse")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)  # searches now, never saves
    qtbot.waitUntil(lambda: dialog.results_model.rowCount() == 1, timeout=SAVE_TIMEOUT)
    assert dialog.isVisible() and not dialog.saving
    assert not dialog.results_model.item(0).isEnabled()
    assert dialog.chosen_citizen() is None
    message = save_expecting_error(qtbot, dialog)
    assert message == translated(ValidationError(N_("Choose or register the citizen.")))
    assert dialog.focusWidget() is dialog.search
    assert len(services.relatives.get(actor, cared_for.id).relations) == 1


def test_add_relation_with_a_new_citizen(qtbot, services, runner, actor, cared_for):  # type: ignore[no-untyped-def]
    dialog = show(qtbot, RelationDialog(services, runner, actor, cared_for))
    press_space(qtbot, dialog.new_choice)
    assert dialog.new_choice.isChecked() and dialog.citizen_form.isVisible()
    form = dialog.citizen_form
    type_into(qtbot, form.name, "Jørgen Østergård")
    type_into(qtbot, form.cpr, "020340-4321")  # digit 7 = 4, year 40: born 1940
    assert form.legal_framework.currentData() == LegalFramework.ELDER_ACT
    choose(qtbot, dialog.relation_fields.relation_type, RelationType.SIBLING)
    detail = save_and_wait(qtbot, dialog, dialog.relation_saved)
    new = next(r for r in detail.relations if r.citizen.name == "Jørgen Østergård")
    assert new.citizen.cpr_masked == "020340-xxxx" and new.citizen.birth_year == 1940
    assert new.relation_type is RelationType.SIBLING and new.consents == ()


def test_edit_relation(qtbot, services, runner, actor, cared_for):  # type: ignore[no-untyped-def]
    relation = cared_for.relations[0]
    dialog = show(qtbot, RelationDialog(services, runner, actor, cared_for, relation))
    assert dialog.relation_fields.relation_type.currentData() == RelationType.SPOUSE
    hours = dialog.relation_fields.hours
    assert hours.text() == "30"
    hours.selectAll()
    qtbot.keyClicks(hours, "37,5")
    press_space(qtbot, dialog.relation_fields.designated)
    detail = save_and_wait(qtbot, dialog, dialog.relation_saved)
    (link,) = detail.relations
    assert link.hours_per_week == 37.5 and not link.designated_by_citizen
    assert link.version == relation.version + 1


def test_add_consent(qtbot, services, runner, actor, cared_for):  # type: ignore[no-untyped-def]
    relation = cared_for.relations[0]
    dialog = show(qtbot, ConsentDialog(services, runner, actor, relation))
    assert relation.citizen.name not in dialog.windowTitle()
    message = save_expecting_error(qtbot, dialog)  # nothing chosen: a consent is specific
    assert message == translated(ValidationError(N_("Tick what the citizen consents to share.")))
    press_space(qtbot, dialog.consent_fields.scope_buttons[ConsentScope.COORDINATION])
    choose(qtbot, dialog.consent_fields.method, ConsentMethod.DIGITAL)
    type_into(qtbot, dialog.consent_fields.note, "Via Digital Post, sag 2026-17")
    consent = save_and_wait(qtbot, dialog, dialog.consent_saved)
    assert consent.scope is ConsentScope.COORDINATION
    assert consent.method is ConsentMethod.DIGITAL and consent.given_on == date.today()
    assert consent.status is ConsentStatus.ACTIVE
    consents = services.relatives.get(actor, cared_for.id).relations[0].consents
    assert {c.scope for c in consents} == {
        ConsentScope.HEALTH_INFORMATION,
        ConsentScope.COORDINATION,
    }


def test_edit_citizen_keeps_the_cpr_number_unless_removed(
    qtbot, services, runner, actor, cared_for
):  # type: ignore[no-untyped-def]
    citizen = cared_for.relations[0].citizen
    dialog = show(qtbot, CitizenDialog(services, runner, actor, cared_for.id, citizen))
    form = dialog.citizen_form
    assert dialog.windowTitle() and citizen.name not in dialog.windowTitle()
    assert form.cpr.text() == "" and form.cpr.placeholderText() == "010150-xxxx"
    assert "010150-xxxx" in form.cpr_hint.text() and "1234" not in form.cpr_hint.text()
    press_space(qtbot, form.condition_checks[Condition.DEMENTIA])
    form.name.setFocus()
    qtbot.keyClick(form.name, Qt.Key.Key_End)
    qtbot.keyClicks(form.name, " Jensen")

    # The CPR field left empty keeps the stored number.
    saved = save_and_wait(qtbot, dialog, dialog.citizen_saved)
    assert saved.name == "Åse Østergård Jensen"
    assert saved.cpr_masked == "010150-xxxx" and saved.birth_year == 1950
    assert set(saved.conditions) == {Condition.COPD, Condition.DEMENTIA}

    # A birth year that contradicts the kept number is refused; nothing changes.
    dialog = show(qtbot, CitizenDialog(services, runner, actor, cared_for.id, saved))
    dialog.citizen_form.birth_year.setText("1951")
    message = save_expecting_error(qtbot, dialog)
    assert message and services.relatives.get(actor, cared_for.id).relations[0].citizen == saved

    # Removing it is a deliberate choice; the birth year stays.
    dialog = show(qtbot, CitizenDialog(services, runner, actor, cared_for.id, saved))
    press_space(qtbot, dialog.citizen_form.remove_cpr)
    removed = save_and_wait(qtbot, dialog, dialog.citizen_saved)
    assert removed.cpr_masked is None and removed.birth_year == 1950
    assert removed.version == saved.version + 1


def test_edit_citizen_without_cpr_and_stale_edit(qtbot, services, runner, actor):  # type: ignore[no-untyped-def]
    detail = services.relatives.register(
        actor,
        RelativeInput(name="Mia Holm"),
        CitizenInput(name="Karl Holm", birth_year=1990),
        RelationInput(RelationType.SIBLING),
    )
    citizen = detail.relations[0].citizen
    dialog = show(qtbot, CitizenDialog(services, runner, actor, detail.id, citizen))
    form = dialog.citizen_form
    assert (
        not form.remove_cpr.isVisible() and form.cpr.placeholderText() == "DDMMÅÅ-XXXX"
    )  # in the UI's language
    choose(qtbot, form.legal_framework, LegalFramework.SOCIAL_SERVICES_ACT)
    saved = save_and_wait(qtbot, dialog, dialog.citizen_saved)
    assert saved.legal_framework is LegalFramework.SOCIAL_SERVICES_ACT and saved.cpr_masked is None

    stale = show(qtbot, CitizenDialog(services, runner, actor, detail.id, citizen))
    message = save_expecting_error(qtbot, stale)
    assert message == translated(ServiceError(CHANGED_BY_OTHERS))


def test_elder_act_suggestion_follows_the_age_until_the_advisor_chooses(
    qtbot, services, runner, actor
):  # type: ignore[no-untyped-def]
    dialog = show(qtbot, RelativeDialog(services, runner, actor))
    form = dialog.citizen_form
    press_space(qtbot, dialog.citizen_group)
    type_into(qtbot, form.birth_year, "1990")
    assert form.legal_framework.currentData() == LegalFramework.UNDETERMINED
    form.birth_year.clear()
    type_into(qtbot, form.birth_year, "1950")
    assert form.legal_framework.currentData() == LegalFramework.ELDER_ACT
    form.birth_year.clear()  # a typo corrected: the suggestion goes again
    type_into(qtbot, form.birth_year, "1995")
    assert form.legal_framework.currentData() == LegalFramework.UNDETERMINED
    choose(qtbot, form.legal_framework, LegalFramework.SOCIAL_SERVICES_ACT)
    form.birth_year.clear()
    type_into(qtbot, form.birth_year, "1940")
    assert form.legal_framework.currentData() == LegalFramework.SOCIAL_SERVICES_ACT
