"""The manager's window: choose a period, see the figures and a breakdown, export a file."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLabel

from advisor_app.devtools.demo import DemoDataGenerator
from advisor_app.domain.enums import AuditAction, Role
from advisor_app.services.audit import AuditFilter
from advisor_app.ui.app import Session
from advisor_app.ui.statistics_page import StatisticsPage

PASSWORD = "lederens lange kodeord"
NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def people(services):  # type: ignore[no-untyped-def]
    admin = services.accounts.create_first_admin("admin", "Anne Admin", PASSWORD)
    for name, role, shown in (
        ("vejleder", Role.ADVISOR, "Mette Kjær"),
        ("leder", Role.MANAGER, "Lars Holm"),
        ("revisor", Role.AUDITOR, "Henrik Dahl"),
    ):
        services.accounts.add_user(admin, name, role, shown, PASSWORD)
    advisor = services.accounts.sign_in("vejleder", PASSWORD)
    DemoDataGenerator(services.db).generate(
        advisor, relatives=120, sessions_per_relative=8, seed=5, now=NOW
    )
    return services.accounts.sign_in("leder", PASSWORD)


def shown_page(qtbot, services, runner, manager):  # type: ignore[no-untyped-def]
    session = Session(services, manager, runner)
    window = session.show()
    qtbot.addWidget(window)
    page = window.statistics_page
    assert isinstance(page, StatisticsPage)
    qtbot.waitUntil(lambda: page.report is not None, timeout=30_000)  # loads when first shown
    page.from_edit.setDate(QDate(2026, 1, 1))
    page.to_edit.setDate(QDate(2026, 10, 31))
    return session, window, page


def test_a_manager_sees_the_figures_of_a_period(qtbot, services, runner, people, qtmodeltester):  # type: ignore[no-untyped-def]
    session, window, page = shown_page(qtbot, services, runner, people)
    try:
        assert window.objectName() == "manager_window"
        with qtbot.waitSignal(page.report_loaded, timeout=30_000) as loaded:
            qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
        report = loaded.args[0]
        sessions = next(h for h in report.headlines if h.code == "sessions")
        assert page.headline_values["sessions"].text() == report.shown(sessions.total)
        assert int(page.headline_values["sessions"].text()) > 100
        for code in ("referred_relatives", "relief_granted", "mentor_helped"):
            figure = next(h for h in report.headlines if h.code == code)
            assert page.headline_values[code].text() == report.shown(figure.total), code
            caption = page.findChild(QLabel, f"headline_{code}_label")
            assert caption is not None and caption.text() == figure.label
        assert int(page.headline_values["referred_relatives"].text()) > 5
        assert report.periods[0].label == "2026-01"
        assert page.model.columnCount() == len(report.periods) + 2
        qtmodeltester.check(page.model)
        page.breakdown_combo.setCurrentIndex(page.breakdown_combo.findData("form"))
        labels = {page.model.index(r, 0).data() for r in range(page.model.rowCount())}
        assert "Total" in labels or "I alt" in labels
        assert labels & {"Telefon", "Personligt møde", "Hjemmebesøg"}  # the forms, in Danish
        assert page.export_buttons["csv"].isEnabled()
        # A breakdown by kind offers its own figures: referrals and the relatives referred.
        page.breakdown_combo.setCurrentIndex(page.breakdown_combo.findData("offer_kind"))
        measures = [page.measure_combo.itemData(i) for i in range(page.measure_combo.count())]
        assert measures == ["referrals", "referred"]
        qtmodeltester.check(page.model)
        kinds = {page.model.index(r, 0).data() for r in range(page.model.rowCount())}
        assert kinds & {"Aflastning", "Pårørendeskole og kurser", "Rådgivning"}
        page.measure_combo.setCurrentIndex(1)
        page.breakdown_combo.setCurrentIndex(page.breakdown_combo.findData("topic"))
        assert page.measure_combo.currentData() == "sessions"
        assert page.measure_combo.count() == 5
    finally:
        session.idle_lock.stop()


def test_a_reversed_period_is_explained_and_kept(qtbot, services, runner, people):  # type: ignore[no-untyped-def]
    session, _window, page = shown_page(qtbot, services, runner, people)
    try:
        page.from_edit.setDate(QDate(2026, 6, 1))
        page.to_edit.setDate(QDate(2026, 3, 1))
        qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
        assert page.banner.isVisible() and "slutter" in page.banner.text()
        assert page.from_edit.date() == QDate(2026, 6, 1)
    finally:
        session.idle_lock.stop()


def test_an_export_is_written_and_logged(qtbot, services, runner, people, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    session, _window, page = shown_page(qtbot, services, runner, people)
    try:
        with qtbot.waitSignal(page.report_loaded, timeout=30_000):
            qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
        target = tmp_path / "statistik.csv"
        monkeypatch.setattr(page, "ask_export_path", lambda _format: str(target))
        with qtbot.waitSignal(page.exported, timeout=30_000) as done:
            qtbot.mouseClick(page.export_buttons["csv"], Qt.MouseButton.LeftButton)
        assert done.args[0] == str(target)
        rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig")), delimiter=";"))
        assert len(rows) > 10
        auditor = services.accounts.sign_in("revisor", PASSWORD)
        exports = services.audit.events(auditor, AuditFilter(action=AuditAction.EXPORT)).rows
        assert [(e.username, e.entity) for e in exports] == [("leder", "statistics")]
        assert done.args[1][:16] in (exports[0].detail or "")
    finally:
        session.idle_lock.stop()
