"""The relief tab as the advisor uses it: a recurring arrangement created in the dialog shows
in the list and in the coverage chart, the relative's need marks the uncovered weeks, a bad
form keeps what was typed and saves nothing, the plan exports as a calendar file."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from advisor_app.domain.enums import ConsentMethod, ConsentScope, RelationType
from advisor_app.domain.relief import ReliefKind, ReliefStatus
from advisor_app.services.dto import CitizenInput, ConsentInput, RelationInput, RelativeInput
from advisor_app.ui.main_window import MainWindow
from advisor_app.ui.relief_dialog import ReliefDialog, parse_dates
from advisor_app.ui.relief_tab import ReliefModel


@pytest.fixture
def family(services, actor):  # type: ignore[no-untyped-def]
    return services.relatives.register(
        actor,
        RelativeInput(name="Grethe Munk", birth_year=1950),
        CitizenInput(name="Poul Munk", birth_year=1944),
        RelationInput(RelationType.SPOUSE, hours_per_week=40),
        [ConsentInput(ConsentScope.HEALTH_INFORMATION, ConsentMethod.WRITTEN, date.today())],
    )


@pytest.fixture
def window(qtbot, services, actor, runner, family):  # type: ignore[no-untyped-def]
    win = MainWindow(services, actor, runner)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.search_finished, timeout=10_000):
        win.show()
    win.tabs.setCurrentWidget(win.relatives_tab)  # the window opens on Today
    with qtbot.waitSignal(win.page.loaded, timeout=10_000):
        assert win.select_relative(family.id)
    tab = win.page.relief_tab
    with qtbot.waitSignal(tab.plan_loaded, timeout=10_000):
        win.page.tabs.setCurrentWidget(tab)
    return win


def open_new(qtbot, tab) -> ReliefDialog:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(tab.dialog_opened, timeout=10_000) as opened:
        qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    dialog: ReliefDialog = opened.args[0]
    qtbot.addWidget(dialog)
    return dialog


def test_a_recurring_arrangement_shows_in_the_list_and_the_coverage_chart(  # type: ignore[no-untyped-def]
    qtbot, window, services, actor, family
):
    tab = window.page.relief_tab
    assert tab.model.rowCount() == 0
    assert tab.chart is not None and tab.chart.bar_heights() == [0.0] * 12
    dialog = open_new(qtbot, tab)
    # The citizen is 80: after 1 July 2025 the basis proposed is Ældreloven § 16.
    assert dialog.legal_basis.currentText().startswith("Ældreloven § 16")
    assert "Foreslået" in dialog.basis_hint.text()
    dialog.kind.setCurrentIndex(dialog.kind.findData(ReliefKind.DAY_CENTRE))
    qtbot.keyClicks(dialog.provider_name, "Dagcentret Lindely")
    dialog.status.setCurrentIndex(dialog.status.findData(ReliefStatus.GRANTED))
    assert dialog.recurrence.currentText() == "Hver uge"
    with qtbot.waitSignals([dialog.relief_saved, tab.plan_loaded], timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert tab.model.rowCount() == 1
    row = tab.model.row_at(0)
    assert (row.kind, row.provider_name, row.legal_reference) == (
        ReliefKind.DAY_CENTRE,
        "Dagcentret Lindely",
        "Ældreloven § 16",
    )
    assert tab.model.data(tab.model.index(0, 0)) == "Dagcenter (aflastning)"
    assert tab.model.data(tab.model.index(0, 4)).startswith("Hver uge, 09:00–15:00")
    # Every week from this one has six hours of relief (09-15, whatever DST does).
    assert tab.chart.bar_heights() == [6.0] * 12
    assert tab.chart.uncovered_bars() == []
    assert "Angiv" in tab.summary.text()

    # The relative needs 8 hours a week: every week is short.
    tab.need.clear()
    qtbot.keyClicks(tab.need, "8")
    with qtbot.waitSignal(tab.plan_loaded, timeout=10_000):
        qtbot.mouseClick(tab.need_button, Qt.MouseButton.LeftButton)
    assert tab.chart.uncovered_bars() == list(range(12))
    assert tab.summary.text().startswith("Ikke dækket i uge")
    assert tab.chart.need_line.value() == 8.0


def test_a_bad_form_keeps_what_was_typed_and_saves_nothing(  # type: ignore[no-untyped-def]
    qtbot, window, services, actor, family
):
    tab = window.page.relief_tab
    dialog = open_new(qtbot, tab)
    qtbot.keyClicks(dialog.provider_name, "Besøgstjenesten")
    dialog.start_time.setTime(dialog.end_time.time())  # ends when it starts
    qtbot.keyClicks(dialog.exceptions, "24.12.2026")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # the service refuses
    qtbot.waitUntil(lambda: dialog.banner.isVisible() and dialog.save_button.isEnabled())
    assert dialog.banner.text() == "Sluttidspunktet skal ligge efter starttidspunktet."
    assert dialog.provider_name.text() == "Besøgstjenesten"
    assert dialog.exceptions.text() == "24.12.2026"
    assert services.relief.plan(actor, family.id).arrangements == ()
    dialog.exceptions.setText("24-12-2026")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "dd.mm.yyyy" in dialog.banner.text()
    dialog.reject()


def test_status_changes_and_the_calendar_export(  # type: ignore[no-untyped-def]
    qtbot, window, services, actor, family, tmp_path, monkeypatch
):
    tab = window.page.relief_tab
    dialog = open_new(qtbot, tab)
    dialog.kind.setCurrentIndex(dialog.kind.findData(ReliefKind.VISITING_FRIEND))
    assert dialog.legal_basis.currentText().startswith("Serviceloven § 18")
    qtbot.keyClicks(dialog.provider_name, "Røde Kors besøgsven")
    with qtbot.waitSignal(tab.plan_loaded, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    tab.view.selectRow(0)
    assert [tab.next_status.itemText(i) for i in range(tab.next_status.count())] == [
        "Bevilget",
        "Aktiv",
        "Afvist",
    ]
    tab.next_status.setCurrentIndex(tab.next_status.findData(ReliefStatus.ACTIVE))
    with qtbot.waitSignal(tab.plan_loaded, timeout=10_000):
        qtbot.mouseClick(tab.status_button, Qt.MouseButton.LeftButton)
    assert tab.model.row_at(0).status is ReliefStatus.ACTIVE
    out = tmp_path / "plan.ics"
    monkeypatch.setattr(tab, "ask_export_path", lambda: str(out))
    with qtbot.waitSignal(tab.calendar_saved, timeout=10_000):
        qtbot.mouseClick(tab.export_button, Qt.MouseButton.LeftButton)
    events = icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert len(events) >= 52
    assert {str(e["SUMMARY"]) for e in events} == {"Besøgsven"}
    assert "Poul" not in out.read_text(encoding="utf-8")


def test_the_relief_model_passes_the_model_tester(qtmodeltester, services, actor, family):  # type: ignore[no-untyped-def]
    from relief_factories import make_arrangement

    make_arrangement(services, actor, family.relations[0].id, date.today())
    model = ReliefModel()
    model.set_rows(services.relief.plan(actor, family.id).arrangements)
    qtmodeltester.check(model)


def test_cancelled_dates_are_read_as_danish_dates() -> None:
    assert parse_dates(" 24.12.2026, 1.1.2027;31.12.2026 ") == (
        date(2026, 12, 24),
        date(2026, 12, 31),
        date(2027, 1, 1),
    )
    assert parse_dates("") == ()


def test_edit_keeps_the_schedule_and_delete_asks_first(  # type: ignore[no-untyped-def]
    qtbot, window, services, actor, family
):
    from relief_factories import weekly_input

    from advisor_app.domain.relief_schedule import Recurrence

    tab = window.page.relief_tab
    services.relief.create(
        actor,
        weekly_input(
            family.relations[0].id,
            date.today(),
            recurrence=Recurrence.FORTNIGHTLY,
            exceptions=(date.today() + timedelta(days=14),),
            legal_basis="sel_84_1",
        ),
    )
    with qtbot.waitSignal(tab.plan_loaded, timeout=10_000):
        tab.reload()
    tab.view.selectRow(0)
    with qtbot.waitSignal(tab.dialog_opened, timeout=10_000) as opened:
        qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    dialog: ReliefDialog = opened.args[0]
    qtbot.addWidget(dialog)
    assert dialog.recurrence.currentData() == Recurrence.FORTNIGHTLY
    assert dialog.exceptions.text() == f"{date.today() + timedelta(days=14):%d.%m.%Y}"
    # The advisor's earlier choice of basis stays, though another would be proposed.
    assert dialog.legal_basis.currentData() == "sel_84_1"
    assert dialog.basis_hint.text() == "Valgt af vejlederen."
    dialog.provider_name.clear()
    qtbot.keyClicks(dialog.provider_name, "Dagcentret Ny Lindely")
    with qtbot.waitSignal(tab.plan_loaded, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (saved,) = tab.model.rows()
    assert saved.provider_name == "Dagcentret Ny Lindely" and saved.version == 2
    assert saved.schedule is not None and len(saved.schedule.exceptions) == 1
    tab.view.selectRow(0)
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    box = tab.findChild(QMessageBox, "confirm_relief_delete")
    assert box is not None
    with qtbot.waitSignal(tab.plan_loaded, timeout=10_000):
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    assert tab.model.rowCount() == 0
