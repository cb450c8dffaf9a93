"""The auditor's access log page, driven through its real widgets: filter by user and period,
draw a random sample (which is logged), export CSV, verify the chain (and find a tampered
event). Bad filter input shows the reason and keeps the filter.

The services run on a pinned clock so the events fall on known days: three days of work by
an administrator, an auditor and an advisor.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from factories import FAST_HASHER, audit_events, relative_input
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import text

from advisor_app.domain.actor import Actor
from advisor_app.domain.audit_chain import EDITED
from advisor_app.domain.clock import FixedClock
from advisor_app.domain.enums import AuditAction, Role
from advisor_app.i18n import _
from advisor_app.services.audit import CSV_COLUMNS, AuditFilter
from advisor_app.services.facade import Services, open_services
from advisor_app.ui.audit_page import AuditColumn, AuditEventsModel, AuditPage
from advisor_app.ui.task_runner import TaskRunner

PASSWORD = "en lang og god adgangskode"
DAY_1 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 10:00 in Copenhagen
DAY_2 = DAY_1 + timedelta(days=1)
DAY_3 = DAY_1 + timedelta(days=2)
TIMEOUT = 10_000


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(DAY_1)


@pytest.fixture
def services(ui_db_url: str, clock: FixedClock) -> Iterator[Services]:
    """The conftest's services, on a clock the test moves."""
    built, _backup = open_services(ui_db_url, clock=clock, hasher=FAST_HASHER)
    yield built
    built.db.dispose()


@pytest.fixture
def admin(services: Services) -> Actor:
    return services.accounts.create_first_admin("admin", "Anne Admin", PASSWORD)


@pytest.fixture
def auditor(services: Services, admin: Actor, clock: FixedClock) -> Actor:
    """Day 1: the administrator adds the auditor and an advisor. Day 2: the advisor signs in
    and registers two relatives. Day 3: the advisor searches; then the auditor signs in."""
    services.accounts.add_user(admin, "revisor", Role.AUDITOR, "Rikke Revisor", PASSWORD)
    services.accounts.add_user(admin, "vejleder", Role.ADVISOR, "Vera Vejleder", PASSWORD)
    clock.moment = DAY_2
    advisor = services.accounts.sign_in("vejleder", PASSWORD)
    services.relatives.register(advisor, relative_input("Søren Hansen"))
    services.relatives.register(advisor, relative_input("Bente Berg"))
    clock.moment = DAY_3
    services.relatives.search(advisor, "Søren")
    return services.accounts.sign_in("revisor", PASSWORD)


def open_page(qtbot, services: Services, runner: TaskRunner, actor: Actor) -> AuditPage:  # type: ignore[no-untyped-def]
    """The page as the window shows it; its first showing lists the newest events."""
    page = AuditPage(services, runner, actor)
    qtbot.addWidget(page)
    if page.can_read:
        with qtbot.waitSignal(page.events_loaded, timeout=TIMEOUT):
            page.show()
    else:
        page.show()
    qtbot.waitExposed(page)
    return page


def shown(page: AuditPage, column: AuditColumn) -> list[str]:
    model = page.view.model()
    return [model.index(row, column).data() for row in range(model.rowCount())]


def type_into(qtbot, widget, value: str) -> None:  # type: ignore[no-untyped-def]
    widget.setFocus()
    qtbot.keyClicks(widget, value)


def local_day(moment: datetime) -> date:
    return moment.astimezone().date()


# ---- filter ---------------------------------------------------------------------------
def test_first_showing_lists_the_newest_events_and_counts_them(qtbot, services, runner, auditor):  # type: ignore[no-untyped-def]
    stored = audit_events(services.db)
    page = open_page(qtbot, services, runner, auditor)

    assert page.model.rowCount() == len(stored)
    ids = [int(n) for n in shown(page, AuditColumn.ID)]
    assert ids == sorted((e.id for e in stored), reverse=True)  # newest first
    assert page.count_label.text() == f"Viser {len(stored)} af {len(stored)} hændelser"
    row = next(r for r in page.model.rows() if r.action is AuditAction.SIGN_IN)
    number = page.model.rows().index(row)
    role = page.model.index(number, AuditColumn.ROLE).data()
    action = page.model.index(number, AuditColumn.ACTION).data()
    assert (role, action) in {
        ("Administrator", "Login"),
        ("Vejleder", "Login"),
        ("Revisor", "Login"),
    }


def test_auditor_filters_by_user_and_period_and_sees_only_those_events(  # type: ignore[no-untyped-def]
    qtbot, services, runner, auditor
):
    page = open_page(qtbot, services, runner, auditor)
    type_into(qtbot, page.username_edit, "Vejleder")  # user names are matched lower-cased
    # From "any", the arrow key starts at today (day 3, the clock's); one down is day 2.
    page.from_edit.setFocus()
    qtbot.keyClick(page.from_edit, Qt.Key.Key_Up)
    assert page.from_edit.value() == DAY_3.date()
    qtbot.keyClick(page.from_edit, Qt.Key.Key_Down)
    assert page.from_edit.value() == DAY_2.date()
    page.to_edit.set_value(DAY_2.date())

    with qtbot.waitSignal(page.events_loaded, timeout=TIMEOUT) as loaded:
        page.username_edit.setFocus()
        qtbot.keyClick(page.username_edit, Qt.Key.Key_Return)  # Enter in a field searches

    wanted = [
        e.id
        for e in audit_events(services.db)
        if e.username == "vejleder" and local_day(e.occurred_at) == DAY_2.date()
    ]
    assert len(wanted) >= 3  # the sign-in and two registrations (with their records)
    assert sorted(r.id for r in page.model.rows()) == sorted(wanted)
    assert set(shown(page, AuditColumn.USER)) == {"vejleder"}
    assert all(t.startswith("03.03.2026") for t in shown(page, AuditColumn.TIME))
    assert loaded.args[0].total == len(wanted)
    assert page.count_label.text() == f"Viser {len(wanted)} af {len(wanted)} hændelser"
    # The search itself is logged with what was asked.
    last = audit_events(services.db)[-1]
    assert last.action is AuditAction.SEARCH and last.username == "revisor"
    assert last.search_term == "user=Vejleder from=2026-03-03 to=2026-03-03"


def test_filter_by_action_and_relative_number(qtbot, services, runner, auditor):  # type: ignore[no-untyped-def]
    relative_id = next(e.relative_id for e in audit_events(services.db) if e.relative_id)
    page = open_page(qtbot, services, runner, auditor)
    page.action_combo.setCurrentIndex(page.action_combo.findData(AuditAction.CREATE.value))
    assert page.action_combo.currentText() == "Oprettelse"
    type_into(qtbot, page.relative_edit, str(relative_id))

    with qtbot.waitSignal(page.events_loaded, timeout=TIMEOUT):
        qtbot.mouseClick(page.search_button, Qt.MouseButton.LeftButton)

    assert page.model.rowCount() >= 1
    assert {r.relative_id for r in page.model.rows()} == {relative_id}
    assert {r.action for r in page.model.rows()} == {AuditAction.CREATE}
    assert set(shown(page, AuditColumn.RELATIVE_ID)) == {str(relative_id)}


def test_a_date_is_typed_over_any_and_cleared_again(qtbot, services, runner, auditor):  # type: ignore[no-untyped-def]
    page = open_page(qtbot, services, runner, auditor)
    assert page.to_edit.value() is None and page.to_edit.text() == "vilkårlig"
    page.to_edit.setFocus()
    qtbot.keyClicks(page.to_edit, "02032026")
    assert page.to_edit.value() == DAY_1.date()
    with qtbot.waitSignal(page.events_loaded, timeout=TIMEOUT):
        qtbot.keyClick(page.to_edit, Qt.Key.Key_Enter)  # Enter in a date field searches too
    assert set(shown(page, AuditColumn.USER)) == {"admin"}  # day 1 was the admin's
    qtbot.keyClick(page.to_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(page.to_edit, Qt.Key.Key_Delete)
    assert page.to_edit.value() is None and page.to_edit.text() == "vilkårlig"


def test_a_reversed_period_shows_the_reason_and_keeps_the_filter(qtbot, services, runner, auditor):  # type: ignore[no-untyped-def]
    page = open_page(qtbot, services, runner, auditor)
    before = page.model.rows()
    type_into(qtbot, page.username_edit, "vejleder")
    page.from_edit.set_value(DAY_3.date())
    page.to_edit.set_value(DAY_1.date())

    with qtbot.waitSignal(page.error_shown, timeout=TIMEOUT) as shown_error:
        qtbot.mouseClick(page.search_button, Qt.MouseButton.LeftButton)

    assert shown_error.args[0].field == "period"
    assert page.banner.isVisible()
    assert page.banner.text() == _("The period ends before it starts.")
    assert page.banner.text() != "The period ends before it starts."  # in Danish
    assert page.username_edit.text() == "vejleder"
    assert (page.from_edit.value(), page.to_edit.value()) == (DAY_3.date(), DAY_1.date())
    assert page.model.rows() == before
    assert page.search_button.isEnabled()

    # Put right, the next search clears the message.
    page.to_edit.set_value(DAY_3.date())
    with qtbot.waitSignal(page.events_loaded, timeout=TIMEOUT):
        qtbot.mouseClick(page.search_button, Qt.MouseButton.LeftButton)
    assert not page.banner.isVisible()


def test_a_relative_number_that_is_not_a_number_is_refused_in_the_form(
    qtbot, services, runner, auditor
):  # type: ignore[no-untyped-def]
    page = open_page(qtbot, services, runner, auditor)
    count = len(audit_events(services.db))
    type_into(qtbot, page.relative_edit, "12a")
    qtbot.mouseClick(page.search_button, Qt.MouseButton.LeftButton)
    assert page.banner.isVisible()
    assert "hel" in page.banner.text()  # "... skal være et helt tal."
    assert page.relative_edit.text() == "12a"
    assert page.focusWidget() is page.relative_edit
    assert len(audit_events(services.db)) == count  # nothing was asked of the service


def test_clear_filter_lists_everything_again(qtbot, services, runner, auditor):  # type: ignore[no-untyped-def]
    page = open_page(qtbot, services, runner, auditor)
    type_into(qtbot, page.username_edit, "admin")
    page.from_edit.set_value(DAY_1.date())
    with qtbot.waitSignal(page.events_loaded, timeout=TIMEOUT):
        qtbot.mouseClick(page.search_button, Qt.MouseButton.LeftButton)
    assert set(shown(page, AuditColumn.USER)) == {"admin"}

    with qtbot.waitSignal(page.events_loaded, timeout=TIMEOUT):
        qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton)
    assert page.username_edit.text() == "" and page.from_edit.value() is None
    assert page.from_edit.text() == "vilkårlig"
    assert len(set(shown(page, AuditColumn.USER))) > 1


# ---- sample ---------------------------------------------------------------------------
def test_the_sample_shows_n_events_and_is_itself_logged(qtbot, services, runner, auditor):  # type: ignore[no-untyped-def]
    page = open_page(qtbot, services, runner, auditor)
    assert page.sample_size.value() == 20
    page.sample_size.setFocus()
    page.sample_size.selectAll()
    qtbot.keyClicks(page.sample_size, "3")
    assert page.sample_size.value() == 3

    with qtbot.waitSignal(page.sample_loaded, timeout=TIMEOUT) as drawn:
        qtbot.mouseClick(page.sample_button, Qt.MouseButton.LeftButton)

    assert len(drawn.args[0]) == 3
    assert page.model.rowCount() == 3 and page.showing_sample
    assert "stikprøve på 3 hændelser" in page.count_label.text()
    logged = services.audit.events(auditor, AuditFilter(username="revisor")).rows
    assert any((e.detail or "").startswith("sample 3 seed") for e in logged)

    # Enter in the size field draws again; a search goes back to the list.
    with qtbot.waitSignal(page.sample_loaded, timeout=TIMEOUT):
        page.sample_size.setFocus()
        qtbot.keyClick(page.sample_size, Qt.Key.Key_Return)
    with qtbot.waitSignal(page.events_loaded, timeout=TIMEOUT):
        qtbot.mouseClick(page.search_button, Qt.MouseButton.LeftButton)
    assert not page.showing_sample and page.count_label.text().startswith("Viser")


def test_the_sample_draws_from_the_filter(qtbot, services, runner, auditor):  # type: ignore[no-untyped-def]
    page = open_page(qtbot, services, runner, auditor)
    type_into(qtbot, page.username_edit, "admin")
    with qtbot.waitSignal(page.sample_loaded, timeout=TIMEOUT):
        qtbot.mouseClick(page.sample_button, Qt.MouseButton.LeftButton)
    admins = [e for e in audit_events(services.db) if e.username == "admin"]
    assert 0 < page.model.rowCount() == min(20, len(admins))
    assert set(shown(page, AuditColumn.USER)) == {"admin"}


# ---- export ---------------------------------------------------------------------------
def test_export_writes_the_filtered_events_as_csv(
    qtbot, services, runner, auditor, tmp_path, monkeypatch
):  # type: ignore[no-untyped-def]
    target = tmp_path / "eksport"  # no suffix: the page adds .csv
    asked: list[str] = []

    def save_file_name(parent, caption, name, filters):  # type: ignore[no-untyped-def]
        asked.append(name)
        return str(target), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_file_name))
    page = open_page(qtbot, services, runner, auditor)
    type_into(qtbot, page.username_edit, "admin")
    admin_ids = [str(e.id) for e in audit_events(services.db) if e.username == "admin"]

    with qtbot.waitSignal(page.exported, timeout=TIMEOUT) as exported:
        qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)

    written = Path(exported.args[0])
    assert written == target.with_suffix(".csv") and exported.args[1] == len(admin_ids)
    assert asked == ["adgangslog.csv"]
    with written.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r[0] for r in rows[1:]] == admin_ids
    assert {r[CSV_COLUMNS.index("username")] for r in rows[1:]} == {"admin"}
    assert "eksport.csv" in page.count_label.text()
    last = audit_events(services.db)[-1]
    assert (last.action, last.detail) == (AuditAction.EXPORT, f"csv {len(admin_ids)} events")


def test_export_cancelled_writes_nothing(qtbot, services, runner, auditor, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: ("", "")))
    page = open_page(qtbot, services, runner, auditor)
    count = len(audit_events(services.db))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert not runner.busy and len(audit_events(services.db)) == count


def test_an_export_that_cannot_be_written_says_so(
    qtbot, services, runner, auditor, tmp_path, monkeypatch
):  # type: ignore[no-untyped-def]
    missing = tmp_path / "no such folder" / "log.csv"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *args: (str(missing), ""))
    )
    page = open_page(qtbot, services, runner, auditor)
    with qtbot.waitSignal(page.error_shown, timeout=TIMEOUT):
        qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert page.banner.text() == _("The file could not be written.")
    assert page.export_button.isEnabled()


# ---- verify ---------------------------------------------------------------------------
def tamper(services: Services, event_id: int) -> None:
    """What someone with the file could do: lift the guard and edit an event."""
    with services.db.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_event_no_update"))
        connection.execute(
            text("UPDATE audit_event SET username = 'nogen' WHERE id = :id"), {"id": event_id}
        )


def test_verify_says_ok_then_finds_the_tampered_event(qtbot, services, runner, auditor):  # type: ignore[no-untyped-def]
    page = open_page(qtbot, services, runner, auditor)
    count = len(audit_events(services.db))

    with qtbot.waitSignal(page.verified, timeout=TIMEOUT) as verified:
        qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)

    verdict = verified.args[0]
    assert verdict.ok and verdict.count == count
    label = page.verify_label.text()
    assert f"{count} hændelser" in label and verdict.head in label
    assert "a40000" not in page.verify_label.styleSheet()

    tamper(services, 3)
    with qtbot.waitSignal(page.verified, timeout=TIMEOUT) as verified:
        qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)

    verdict = verified.args[0]
    assert not verdict.ok and verdict.broken_id == 3
    label = page.verify_label.text()
    assert _(EDITED).format(id=3) in label
    assert _(EDITED) != EDITED  # the reason is shown in Danish
    assert "nr. 3" in label
    assert "a40000" in page.verify_label.styleSheet()  # in red


def test_verify_with_an_expected_head_finds_a_cut_off_tail(qtbot, services, runner, auditor):  # type: ignore[no-untyped-def]
    page = open_page(qtbot, services, runner, auditor)
    type_into(qtbot, page.expect_head_edit, "0" * 64)
    with qtbot.waitSignal(page.verified, timeout=TIMEOUT) as verified:
        qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert not verified.args[0].ok and verified.args[0].broken_id is None
    assert "a40000" in page.verify_label.styleSheet()


def test_an_administrator_may_verify_but_not_read_the_events(
    qtbot, services, runner, auditor, admin
):  # type: ignore[no-untyped-def]
    admin = services.accounts.sign_in("admin", PASSWORD)
    count = len(audit_events(services.db))
    page = open_page(qtbot, services, runner, admin)
    assert not page.can_read and page.can_verify
    assert not page.view.isVisible() and not page.search_button.isVisible()
    assert page.verify_button.isVisible()
    assert len(audit_events(services.db)) == count  # no search on showing

    with qtbot.waitSignal(page.verified, timeout=TIMEOUT) as verified:
        qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert verified.args[0].ok


# ---- the model ------------------------------------------------------------------------
def test_the_events_model_passes_the_model_tester(qtmodeltester, services, auditor):  # type: ignore[no-untyped-def]
    model = AuditEventsModel()
    qtmodeltester.check(model)
    model.set_rows(services.audit.events(auditor, AuditFilter()).rows)
    assert model.rowCount() > 5
    qtmodeltester.check(model)
