"""One save-in-progress rule (forms.SaveGuard) for every form dialog: the session, the check-in
and the relative/citizen dialogs (citizen_form.ServiceDialog). While the service call runs,
Save, Cancel and the inputs are disabled and a second Save (a click, Ctrl+Return, Escape)
does nothing; after a ServiceError the form keeps what was typed and Save and Cancel work
again. The service call is held on the worker until the test lets it go."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from advisor_app.domain.enums import ConsentMethod, ConsentScope, RelationType
from advisor_app.domain.errors import ServiceError
from advisor_app.services.common import CHANGED_BY_OTHERS
from advisor_app.services.dto import CitizenInput, ConsentInput, RelationInput, RelativeInput
from advisor_app.ui.check_in_dialog import CheckInDialog
from advisor_app.ui.citizen_dialog import CitizenDialog
from advisor_app.ui.relative_dialog import RelativeDialog
from advisor_app.ui.session_dialog import SessionDialog

TIMEOUT = 10_000


class HeldCall:
    """Stands in for a service method on the worker: waits until released, then fails with
    ``error`` or calls the real method."""

    def __init__(self, real: Callable[..., Any], error: ServiceError) -> None:
        self.real = real
        self.error: ServiceError | None = error
        self.calls = 0
        self.release = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        assert self.release.wait(TIMEOUT / 1000)
        if self.error is not None:
            raise self.error
        return self.real(*args, **kwargs)


@dataclass(frozen=True)
class Form:
    """How a test drives one dialog: make it, fill it in, read back what was typed."""

    make: Callable[[Any, Any, Any, Any], QDialog]  # (services, runner, actor, relative)
    service: str  # "sessions.record": the call Save makes
    fill: Callable[[Any, Any], None]  # (qtbot, dialog)
    typed: Callable[[Any], object]
    field: Callable[[Any], QWidget]  # an input that must be disabled while saving
    saved: Callable[[Any], Any]  # the dialog's "saved" signal


def fill_session(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(dialog.topic_filter, "aflast")
    qtbot.keyClick(dialog.topic_filter, Qt.Key.Key_Return)
    dialog.notes.setFocus()
    qtbot.keyClicks(dialog.notes, "Træt; vil høre om afløsning.")
    dialog.action_text.setFocus()
    qtbot.keyClicks(dialog.action_text, "Ring tirsdag")


def fill_check_in(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    for item in "12345":
        qtbot.mouseClick(
            dialog.findChild(QWidget, f"answer_who5_{item}_3"), Qt.MouseButton.LeftButton
        )


def fill_citizen(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    name = dialog.citizen_form.name
    name.setFocus()
    qtbot.keyClick(name, Qt.Key.Key_End)
    qtbot.keyClicks(name, " Jensen")


def fill_relative(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    dialog.relative_fields.name.setFocus()
    qtbot.keyClicks(dialog.relative_fields.name, "Søren Ærø")


FORMS = {
    "session": Form(
        make=lambda services, runner, actor, relative: SessionDialog(
            services, runner, actor, relative, services.reference.topics(actor)
        ),
        service="sessions.record",
        fill=fill_session,
        typed=lambda d: (
            [t.code for t in d.chosen_topics()],
            d.notes.toPlainText(),
            d.action_text.text(),
        ),
        field=lambda d: d.notes,
        saved=lambda d: d.session_saved,
    ),
    "check-in": Form(
        make=lambda services, runner, actor, relative: CheckInDialog(
            services, runner, actor, relative, services.check_ins.choice(actor, False)
        ),
        service="check_ins.record",
        fill=fill_check_in,
        typed=lambda d: d.main_form.values(),
        field=lambda d: d.main_form.first_buttons[0],
        saved=lambda d: d.check_in_saved,
    ),
    "citizen": Form(
        make=lambda services, runner, actor, relative: CitizenDialog(
            services, runner, actor, relative.id, relative.relations[0].citizen
        ),
        service="relatives.update_citizen",
        fill=fill_citizen,
        typed=lambda d: d.citizen_form.name.text(),
        field=lambda d: d.citizen_form.name,
        saved=lambda d: d.citizen_saved,
    ),
    "relative": Form(
        make=lambda services, runner, actor, _relative: RelativeDialog(services, runner, actor),
        service="relatives.register",
        fill=fill_relative,
        typed=lambda d: d.relative_fields.name.text(),
        field=lambda d: d.relative_fields.name,
        saved=lambda d: d.relative_saved,
    ),
}


@pytest.fixture
def relative(services, actor):  # type: ignore[no-untyped-def]
    return services.relatives.register(
        actor,
        RelativeInput(name="Bjørn Østergård", birth_year=1958),
        CitizenInput(name="Åse Østergård", birth_year=1950),
        RelationInput(RelationType.SPOUSE),
        [ConsentInput(ConsentScope.HEALTH_INFORMATION, ConsentMethod.ORAL, date.today())],
    )


def hold(monkeypatch, services, form: Form) -> HeldCall:  # type: ignore[no-untyped-def]
    group, method = form.service.split(".")
    owner = getattr(services, group)
    held = HeldCall(getattr(owner, method), ServiceError(CHANGED_BY_OTHERS))
    monkeypatch.setattr(owner, method, held)
    return held


def show(qtbot, dialog: QDialog) -> QDialog:  # type: ignore[no-untyped-def]
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    return dialog


@pytest.mark.parametrize("then", ["save", "cancel"])
@pytest.mark.parametrize("name", list(FORMS))
def test_while_saving_the_form_is_held_and_after_an_error_it_works_again(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch, services, runner, actor, relative, name, then
):
    form = FORMS[name]
    dialog = show(qtbot, form.make(services, runner, actor, relative))
    form.fill(qtbot, dialog)
    typed = form.typed(dialog)
    held = hold(monkeypatch, services, form)
    try:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert dialog.saving
        assert not dialog.save_button.isEnabled() and not dialog.cancel_button.isEnabled()
        assert not form.field(dialog).isEnabled()
        # A second Save in every way there is, and Escape, do nothing.
        dialog.save()
        qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        assert dialog.isVisible() and dialog.findChild(QMessageBox) is None
    finally:
        held.release.set()

    qtbot.waitUntil(lambda: not dialog.saving, timeout=TIMEOUT)
    assert runner.wait_idle()
    assert held.calls == 1
    assert dialog.isVisible() and dialog.banner.isVisible() and dialog.banner.text()
    assert form.typed(dialog) == typed
    assert dialog.save_button.isEnabled() and dialog.cancel_button.isEnabled()
    assert form.field(dialog).isEnabled()

    if then == "save":
        held.error = None
        with qtbot.waitSignal(form.saved(dialog), timeout=TIMEOUT):
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert held.calls == 2
    else:
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        question = dialog.findChild(QMessageBox, "confirm_discard")
        if question is not None:  # the meeting dialogs ask before throwing typed work away
            question.button(QMessageBox.StandardButton.Discard).click()
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
        assert dialog.result() == QDialog.DialogCode.Rejected
        assert held.calls == 1


def test_an_input_disabled_before_the_save_stays_disabled_after_it(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch, services, runner, actor
):
    """The consent group of a new relative waits for the citizen; a failed save does not
    enable it."""
    dialog = show(qtbot, RelativeDialog(services, runner, actor))
    fill_relative(qtbot, dialog)
    held = hold(monkeypatch, services, FORMS["relative"])
    held.release.set()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.saving, timeout=TIMEOUT)
    assert dialog.banner.isVisible()
    assert dialog.relative_fields.isEnabled() and dialog.citizen_group.isEnabled()
    assert not dialog.consent_group.isEnabled()
