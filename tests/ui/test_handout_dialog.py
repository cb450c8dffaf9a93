"""The handout at the end of a session: made, previewed, saved and printed as the advisor does
it; the print goes through Qt's print dialog to a PDF printer."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter

from advisor_app.domain.enums import ConsentMethod, ConsentScope, RelationType
from advisor_app.domain.handout import HandoutDelivery, HandoutVariant
from advisor_app.services.dto import CitizenInput, ConsentInput, RelationInput, RelativeInput
from advisor_app.ui.handout_dialog import HandoutDialog, HandoutsModel
from advisor_app.ui.session_dialog import SessionDialog


@pytest.fixture
def relative(services, actor):  # type: ignore[no-untyped-def]
    return services.relatives.register(
        actor,
        RelativeInput(name="Bjørn Østergård", phone="20 30 40 50", birth_year=1958),
        CitizenInput(name="Åse Østergård", birth_year=1950),
        RelationInput(RelationType.SPOUSE, hours_per_week=30),
        [ConsentInput(ConsentScope.HEALTH_INFORMATION, ConsentMethod.ORAL, date.today())],
    )


def pdf_text(path: Path) -> str:
    from handout_helpers import text

    return text(path.read_bytes())


def test_a_handout_from_the_end_of_a_session_previewed_saved_and_printed(
    qtbot, services, runner, actor, relative, tmp_path, monkeypatch
):  # type: ignore[no-untyped-def]
    session_dialog = SessionDialog(
        services, runner, actor, relative, services.reference.topics(actor)
    )
    qtbot.addWidget(session_dialog)
    session_dialog.open()
    qtbot.waitExposed(session_dialog)
    session_dialog.action_text.setFocus()
    qtbot.keyClicks(session_dialog.action_text, "Ring til dagcentret om aflastning")
    qtbot.keyClick(session_dialog.action_text, Qt.Key.Key_Return)

    with qtbot.waitSignal(session_dialog.handout_dialog_opened, timeout=10_000) as opened:
        qtbot.mouseClick(session_dialog.handout_button, Qt.MouseButton.LeftButton)
    dialog: HandoutDialog = opened.args[0]  # deleted on close: closed at the end
    assert relative.name not in dialog.windowTitle()
    with qtbot.waitSignal(dialog.preview_shown, timeout=10_000) as shown:
        pass
    rendered = shown.args[0]
    assert rendered.draft.session_id is not None
    assert [f.description for f in rendered.draft.handout.follow_ups] == [
        "Ring til dagcentret om aflastning"
    ]
    page = dialog.findChild(type(dialog.omitted), "handout_page_1")
    assert page is not None and not page.pixmap().isNull()
    assert page.pixmap().width() > 700  # A4 at 100 dpi: 827 pixels wide

    # The easy-read variant in English: a fresh preview.
    with qtbot.waitSignal(dialog.preview_shown, timeout=10_000) as shown:
        dialog.variant.setCurrentIndex(dialog.variant.findData(HandoutVariant.EASY_READ))
    with qtbot.waitSignal(dialog.preview_shown, timeout=10_000) as shown:
        dialog.language.setCurrentIndex(1)
    english = shown.args[0]
    assert english.draft.handout.variant is HandoutVariant.EASY_READ
    assert english.draft.handout.language == "en"

    # Save as PDF: the file is the previewed one, and it is recorded.
    target = tmp_path / "udleveringsark.pdf"
    monkeypatch.setattr(dialog, "ask_save_path", lambda: str(target))
    with qtbot.waitSignal(dialog.handout_given, timeout=10_000) as given:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = given.args[0]
    assert target.read_bytes() == english.pdf
    assert saved.sha256 == hashlib.sha256(english.pdf).hexdigest()
    assert saved.delivery is HandoutDelivery.SAVED
    found = pdf_text(target)
    assert "Hello Bjørn Østergård" in found and "Ring til dagcentret om aflastning" in found

    # Print through the print dialog to a PDF printer.
    printed_file = tmp_path / "printer.pdf"
    dialog.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    dialog.printer.setOutputFileName(str(printed_file))
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    print_dialog = dialog.print_dialog
    assert isinstance(print_dialog, QPrintDialog)
    with (
        qtbot.waitSignal(dialog.printed, timeout=10_000) as pages,
        qtbot.waitSignal(dialog.handout_given, timeout=10_000) as given,
    ):
        print_dialog.accept()
    assert pages.args[0] == len(english.pages)
    assert printed_file.stat().st_size > 10_000
    assert given.args[0].delivery is HandoutDelivery.PRINTED
    qtbot.waitUntil(lambda: dialog.history_model.rowCount() == 2, timeout=10_000)
    dialog.close()


def test_print_again_reproduces_the_recorded_handout(
    qtbot, qtmodeltester, services, runner, actor, relative, tmp_path
):  # type: ignore[no-untyped-def]
    dialog = HandoutDialog(services, runner, actor, relative)
    qtbot.addWidget(dialog)
    dialog.open()
    with qtbot.waitSignal(dialog.preview_shown, timeout=10_000) as shown:
        pass
    rendered = shown.args[0]
    services.handouts.record(actor, rendered.draft, rendered.sha256, HandoutDelivery.SAVED)
    dialog.load_history()
    qtbot.waitUntil(lambda: dialog.history_model.rowCount() == 1, timeout=10_000)
    qtmodeltester.check(dialog.history_model)
    assert isinstance(dialog.history_model, HandoutsModel)
    dialog.history_view.selectRow(0)
    assert dialog.print_again_button.isEnabled()
    printed_file = tmp_path / "again.pdf"
    dialog.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    dialog.printer.setOutputFileName(str(printed_file))
    qtbot.mouseClick(dialog.print_again_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.print_dialog is not None, timeout=10_000)
    with qtbot.waitSignal(dialog.printed, timeout=10_000):
        dialog.print_dialog.accept()
    assert printed_file.exists()
    assert "again" in dialog.status.text() or "igen" in dialog.status.text()
    dialog.close()


def test_the_relative_page_opens_the_handout(qtbot, services, runner, actor, relative):  # type: ignore[no-untyped-def]
    from advisor_app.ui.relative_page import RelativePage

    page = RelativePage(services, runner, actor)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.load(relative.id)
    with qtbot.waitSignal(page.handout_dialog_opened) as opened:
        qtbot.mouseClick(page.handout_button, Qt.MouseButton.LeftButton)
    dialog = opened.args[0]
    with qtbot.waitSignal(dialog.preview_shown, timeout=10_000) as shown:
        pass
    assert "Åse Østergård" in [c.name for c in shown.args[0].draft.handout.citizens]
    dialog.close()


def test_without_consent_the_dialog_says_what_was_left_out(
    qtbot, services, runner, actor, relative
):  # type: ignore[no-untyped-def]
    consent = relative.relations[0].consents[0]
    services.relatives.withdraw_consent(actor, consent.id, consent.version)
    dialog = HandoutDialog(services, runner, actor, relative)
    qtbot.addWidget(dialog)
    dialog.open()
    with qtbot.waitSignal(dialog.preview_shown, timeout=10_000) as shown:
        pass
    assert shown.args[0].draft.handout.citizens == ()
    assert "Intet om borgeren" in dialog.omitted.text()
    dialog.close()


def test_the_preview_shows_the_offers_the_relative_was_referred_to(
    qtbot, services, runner, actor, relative
):  # type: ignore[no-untyped-def]
    from factories import make_user
    from handout_helpers import text

    from advisor_app.domain.enums import OfferKind, Role
    from advisor_app.domain.offers import OfferContent

    admin = make_user(services, "tilbud", "Tove Tilbud", Role.ADMIN)
    made = services.offers.create(
        admin,
        OfferContent(
            OfferKind.COUNSELLING,
            "Samtaler med en pårørenderådgiver",
            "Samtaler om at være pårørende",
            "Alle pårørende",
            "Rådhuset",
            "Efter aftale",
            "Ring til os",
            link="https://example.dk/raadgivning",
        ),
    )
    services.offers.refer(actor, relative.id, (made.offer_id,))
    dialog = HandoutDialog(services, runner, actor, relative)
    qtbot.addWidget(dialog)
    dialog.open()
    with qtbot.waitSignal(dialog.preview_shown, timeout=10_000) as shown:
        pass
    rendered = shown.args[0]
    assert rendered.draft.handout.offer_version_ids == (made.version_id,)
    found = text(rendered.pdf)
    assert "Tilbud valgt til dig" in found and "Samtaler med en pårørenderådgiver" in found
    page = dialog.findChild(type(dialog.omitted), "handout_page_1")
    assert page is not None and not page.pixmap().isNull()
    dialog.close()
