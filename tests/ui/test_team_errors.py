"""A team database's trouble in a form: a lost connection or a colleague's lock is a typed
message in the form's banner, in Danish, and what the advisor typed stays; Save works again
once the trouble is over (the service side is tests/test_pg_races.py)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from advisor_app.domain.enums import RelationType
from advisor_app.domain.errors import BusyError, ConnectionLostError, ServiceError
from advisor_app.services.contention import CONNECTION_LOST, HELD_BY_COLLEAGUE
from advisor_app.services.dto import CitizenInput, RelationInput, RelativeInput
from ui.test_saving import FORMS, TIMEOUT, hold, show


@pytest.fixture
def relative(services, actor):  # type: ignore[no-untyped-def]
    return services.relatives.register(
        actor,
        RelativeInput(name="Bjørn Østergård", birth_year=1958),
        CitizenInput(name="Åse Østergård", birth_year=1950),
        RelationInput(RelationType.SPOUSE),
    )


@pytest.mark.parametrize(
    ("error", "danish"),
    [
        (ConnectionLostError(CONNECTION_LOST), "Forbindelsen til databaseserveren blev afbrudt"),
        (BusyError(HELD_BY_COLLEAGUE), "En kollegas program holder netop nu på disse data"),
    ],
    ids=["connection-lost", "held-by-colleague"],
)
def test_a_team_database_s_trouble_keeps_the_session_typed(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch, services, runner, actor, relative, error: ServiceError, danish: str
):
    form = FORMS["session"]
    dialog = show(qtbot, form.make(services, runner, actor, relative))
    form.fill(qtbot, dialog)
    typed = form.typed(dialog)
    held = hold(monkeypatch, services, form)
    held.error = error
    held.release.set()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.saving and held.calls == 1, timeout=TIMEOUT)
    assert runner.wait_idle()
    assert dialog.isVisible() and danish in dialog.banner.text()
    assert form.typed(dialog) == typed
    held.error = None  # the connection is back: the same Save now saves what was typed
    with qtbot.waitSignal(form.saved(dialog), timeout=TIMEOUT):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
