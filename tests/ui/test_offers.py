"""The offer catalogue driven as its users would: the advisor refers a relative to two offers
and sees them on the relative's page; the administrator edits an offer (a bad field keeps
what was typed) and sees the new version, while the referral keeps the old one."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from advisor_app.domain.actor import Actor
from advisor_app.domain.enums import (
    Condition,
    ConsentMethod,
    ConsentScope,
    OfferAudience,
    ReferralStatus,
    RelationType,
)
from advisor_app.services.dto import CitizenInput, ConsentInput, RelationInput, RelativeInput
from advisor_app.services.facade import Services
from advisor_app.services.offers import OfferFilter
from advisor_app.ui.main_window import MainWindow
from advisor_app.ui.offers_page import OfferDialog, OffersModel
from advisor_app.ui.referrals_section import ReferralsModel
from advisor_app.ui.role_windows import AdminWindow

TIMEOUT = 10_000
PASSWORD = "en lang og god adgangskode"
HUNTINGTON = "Pårørendegruppe for Huntingtons sygdom"
COUNSELLING = "Samtaler med pårørendevejlederen"


@pytest.fixture
def admin(services: Services) -> Actor:
    return services.accounts.create_first_admin("admin", "Anne Admin", PASSWORD)


def register(services: Services, actor: Actor) -> int:
    return services.relatives.register(
        actor,
        RelativeInput(name="Mette Holm", birth_year=1970),
        CitizenInput(name="Ib Holm", birth_year=1966, conditions=(Condition.HUNTINGTONS,)),
        RelationInput(RelationType.SPOUSE, hours_per_week=20),
        [ConsentInput(ConsentScope.PARTICIPATION, ConsentMethod.WRITTEN, date.today())],
    ).id


def offer_id(services: Services, actor: Actor, title: str) -> int:
    (found,) = [v for v in services.offers.search(actor) if v.content.title == title]
    return found.offer_id


def open_main(qtbot, services, actor, runner) -> MainWindow:  # type: ignore[no-untyped-def]
    win = MainWindow(services, actor, runner)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.search_finished, timeout=TIMEOUT):
        win.show()
    with qtbot.waitSignal(win.page.loaded, timeout=TIMEOUT):
        win.relatives_view.selectRow(0)
    return win


def refer_two(qtbot, win, services, actor) -> None:  # type: ignore[no-untyped-def]
    catalogue = win.offers
    with qtbot.waitSignal(catalogue.searched, timeout=TIMEOUT):
        win.tabs.setCurrentWidget(catalogue)
    # Filter as the advisor would: Huntington's, spouses.
    with qtbot.waitSignal(catalogue.searched, timeout=TIMEOUT):
        catalogue.condition.setCurrentIndex(
            catalogue.condition.findData(Condition.HUNTINGTONS.value)
        )
    with qtbot.waitSignal(catalogue.searched, timeout=TIMEOUT):
        catalogue.audience.setCurrentIndex(catalogue.audience.findData(OfferAudience.SPOUSE.value))
    shown = {v.content.title for v in catalogue.model.rows()}
    assert HUNTINGTON in shown and COUNSELLING in shown
    assert all(
        v.content.is_for(Condition.HUNTINGTONS, OfferAudience.SPOUSE)
        for v in catalogue.model.rows()
    )
    assert catalogue.select_offer(offer_id(services, actor, HUNTINGTON))
    assert catalogue.select_offer(offer_id(services, actor, COUNSELLING), add=True)
    assert len(catalogue.selected_offers()) == 2
    assert catalogue.detail.toPlainText()  # the five answers of the last one chosen
    with qtbot.waitSignals([catalogue.referred, win.page.loaded], timeout=TIMEOUT):
        qtbot.mouseClick(catalogue.refer_button, Qt.MouseButton.LeftButton)
    assert "2" in catalogue.status.text()


def test_refer_a_relative_to_two_offers_and_see_them_on_the_page(  # type: ignore[no-untyped-def]
    qtbot, services, actor, runner
) -> None:
    relative_id = register(services, actor)
    win = open_main(qtbot, services, actor, runner)
    refer_two(qtbot, win, services, actor)
    win.tabs.setCurrentWidget(win.relatives_tab)
    page = win.page
    with qtbot.waitSignal(page.referrals.loaded, timeout=TIMEOUT) as loaded:
        page.tabs.setCurrentWidget(page.referrals)
    assert {r.offer.content.title for r in loaded.args[0]} == {HUNTINGTON, COUNSELLING}
    assert page.referrals.model.rowCount() == 2
    assert {r.relative_id for r in loaded.args[0]} == {relative_id}
    # Change the status and the outcome of one, as the advisor would.
    section = page.referrals
    section.view.selectRow(0)
    chosen = section.selected()
    assert chosen is not None
    section.status.setCurrentIndex(section.status.findData(ReferralStatus.STARTED.value))
    section.outcome.clear()
    qtbot.keyClicks(section.outcome, "Startede i gruppen")
    with qtbot.waitSignal(section.loaded, timeout=TIMEOUT):
        qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    saved = [r for r in section.model.rows() if r.id == chosen.id]
    assert [(r.status, r.outcome) for r in saved] == [
        (ReferralStatus.STARTED, "Startede i gruppen")
    ]


def test_refer_without_a_relative_says_so(qtbot, services, actor, runner) -> None:  # type: ignore[no-untyped-def]
    win = MainWindow(services, actor, runner)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.search_finished, timeout=TIMEOUT):
        win.show()
    with qtbot.waitSignal(win.offers.searched, timeout=TIMEOUT):
        win.tabs.setCurrentWidget(win.offers)
    win.offers.view.selectRow(0)
    qtbot.mouseClick(win.offers.refer_button, Qt.MouseButton.LeftButton)
    assert win.offers.status.text() != ""
    assert services.offers.search(actor)  # nothing referred, nothing broken


def test_edit_an_offer_as_admin_and_the_referral_keeps_the_old_version(  # type: ignore[no-untyped-def]
    qtbot, services, actor, admin, runner
) -> None:
    relative_id = register(services, actor)
    huntington = offer_id(services, actor, HUNTINGTON)
    services.offers.refer(actor, relative_id, (huntington,))
    win = AdminWindow(services, admin, runner, None)
    qtbot.addWidget(win)
    win.show()
    catalogue = win.offers
    with qtbot.waitSignal(catalogue.searched, timeout=TIMEOUT):
        win.tabs.setCurrentWidget(catalogue)
    assert catalogue.select_offer(huntington)
    qtbot.mouseClick(catalogue.edit_button, Qt.MouseButton.LeftButton)
    dialog = catalogue.findChild(OfferDialog)
    assert dialog is not None and dialog.isVisible()
    when = dialog.answers["when"]
    when.clear()
    qtbot.keyClicks(when, "Hver onsdag kl. 18-20")
    dialog.title_edit.clear()
    dialog.lines["link"].setText("www.uden-skema.dk")
    # Save with the title empty: refused, the form keeps what was typed.
    dialog.save()
    qtbot.waitUntil(lambda: dialog.banner.isVisible() and not dialog.saving, timeout=TIMEOUT)
    assert dialog.isVisible()
    assert when.toPlainText() == "Hver onsdag kl. 18-20"
    assert dialog.lines["link"].text() == "www.uden-skema.dk"
    assert services.offers.get(admin, huntington).number == 1
    qtbot.keyClicks(dialog.title_edit, HUNTINGTON)
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.saving, timeout=TIMEOUT)
    assert "https://" in dialog.banner.text() and dialog.isVisible()
    dialog.lines["link"].setText("https://www.example.dk/huntington")
    with qtbot.waitSignal(catalogue.offer_saved, timeout=TIMEOUT) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert saved.args[0].number == 2
    qtbot.waitUntil(
        lambda: any(v.number == 2 for v in catalogue.model.rows() if v.offer_id == huntington),
        timeout=TIMEOUT,
    )
    (now,) = [v for v in catalogue.model.rows() if v.offer_id == huntington]
    assert now.content.when == "Hver onsdag kl. 18-20"
    # The advisor's referral still shows what was referred: version 1.
    (referral,) = services.offers.referrals(actor, relative_id)
    assert (referral.offer.number, referral.current_number) == (1, 2)
    assert referral.offer.content.when == "Første tirsdag i måneden kl. 19-21."
    advisor_window = open_main(qtbot, services, actor, runner)
    page = advisor_window.page
    with qtbot.waitSignal(page.referrals.loaded, timeout=TIMEOUT):
        page.tabs.setCurrentWidget(page.referrals)
    page.referrals.view.selectRow(0)
    assert "Første tirsdag i måneden" in page.referrals.detail.toPlainText()
    assert "(v1)" in page.referrals.model.index(0, 1).data()


def test_retire_an_offer_as_admin(qtbot, services, admin, runner) -> None:  # type: ignore[no-untyped-def]
    win = AdminWindow(services, admin, runner, None)
    qtbot.addWidget(win)
    win.show()
    catalogue = win.offers
    with qtbot.waitSignal(catalogue.searched, timeout=TIMEOUT):
        win.tabs.setCurrentWidget(catalogue)
    before = catalogue.model.rowCount()
    catalogue.view.selectRow(0)
    qtbot.mouseClick(catalogue.retire_button, Qt.MouseButton.LeftButton)
    confirm = catalogue.findChild(QMessageBox, "confirm_retire")
    assert confirm is not None
    with qtbot.waitSignal(catalogue.searched, timeout=TIMEOUT):
        confirm.button(QMessageBox.StandardButton.Yes).click()
    assert catalogue.model.rowCount() == before - 1
    assert len(services.offers.search(admin, OfferFilter(include_invalid=True))) == before - 1


def test_the_models_pass_the_model_tester(qtmodeltester, services, actor) -> None:  # type: ignore[no-untyped-def]
    model = OffersModel()
    model.set_rows(services.offers.search(actor))
    qtmodeltester.check(model)
    relative_id = register(services, actor)
    referrals = ReferralsModel()
    referrals.set_rows(
        services.offers.refer(actor, relative_id, (services.offers.search(actor)[0].offer_id,))
    )
    qtmodeltester.check(referrals)


def test_export_and_import_the_catalogue_in_the_admin_s_window(  # type: ignore[no-untyped-def]
    qtbot, services, admin, runner, tmp_path
) -> None:
    win = AdminWindow(services, admin, runner, None)
    qtbot.addWidget(win)
    win.show()
    catalogue = win.offers
    with qtbot.waitSignal(catalogue.searched, timeout=TIMEOUT):
        win.tabs.setCurrentWidget(catalogue)
    count = catalogue.model.rowCount()
    path = tmp_path / "tilbud.xlsx"
    with qtbot.waitSignal(catalogue.exported, timeout=TIMEOUT):
        catalogue.export_to(str(path))
    assert path.exists()
    with qtbot.waitSignal(catalogue.imported, timeout=TIMEOUT) as imported:
        catalogue.import_from(str(path))
    assert (imported.args[0].created, imported.args[0].updated) == (0, 0)
    assert imported.args[0].unchanged == count
    # A file with a bad row: refused whole, every bad row listed.
    bad = tmp_path / "forkert.csv"
    csv_path = tmp_path / "tilbud.csv"
    with qtbot.waitSignal(catalogue.exported, timeout=TIMEOUT):
        catalogue.export_to(str(csv_path))
    lines = csv_path.read_text(encoding="utf-8-sig").splitlines()
    lines.append(",party,Ny,a,b,c,d,e,,,,,,ftp://x,,,")
    bad.write_text("\n".join(lines), encoding="utf-8")
    catalogue.import_from(str(bad))
    qtbot.waitUntil(lambda: catalogue.import_box is not None, timeout=TIMEOUT)
    box = catalogue.import_box
    assert box is not None and box.objectName() == "import_refused"
    assert "Række" in box.detailedText() and "kind" in box.detailedText()
    assert "link" in box.detailedText()
    box.close()
    assert len(services.offers.search(admin, OfferFilter(include_invalid=True))) == count
