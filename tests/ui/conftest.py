"""pytest-qt fixtures: a fresh migrated SQLite database, the services facade, a task runner.

Qt runs offscreen (the Makefile and .ci/run export QT_QPA_PLATFORM=offscreen; set here too
for a bare `pytest`). Real dialogs never block a test: message boxes are opened non-modally.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from advisor_app import i18n
from advisor_app.domain.actor import Actor
from advisor_app.persistence.database import sqlite_url
from advisor_app.services.facade import Services, open_services


@pytest.fixture
def ui_db_url(tmp_path: Path) -> str:
    return sqlite_url(tmp_path / "ui.sqlite3")


@pytest.fixture
def services(ui_db_url: str) -> Iterator[Services]:
    built, _backup = open_services(ui_db_url)
    yield built
    built.db.dispose()


@pytest.fixture
def actor(services: Services) -> Actor:
    return services.advisors.ensure("testadvisor", "Test Advisor")


@pytest.fixture(autouse=True)
def danish_ui() -> Iterator[None]:
    """The UI's default language is Danish; tests that switch restore it."""
    i18n.set_language("da")
    yield
    i18n.set_language("da")


@pytest.fixture
def runner(qtbot):  # type: ignore[no-untyped-def]
    from advisor_app.ui.task_runner import TaskRunner

    task_runner = TaskRunner()
    yield task_runner
    task_runner.wait_idle()


@pytest.fixture(autouse=True)
def isolated_settings(qapp, tmp_path: Path) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """QSettings of the tests never touch the user's real settings."""
    from PySide6.QtCore import QSettings

    qapp.setOrganizationName("advisor_app_tests")
    qapp.setApplicationName("advisor_app_tests")
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "settings")
    )
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings")
    )
    yield


@pytest.fixture(autouse=True)
def no_widget_outlives_the_test(qapp):  # type: ignore[no-untyped-def]
    """After pytest-qt has closed the test's widgets (and deleteLater() them) and the runner is
    idle, delete them now rather than in some later test's event loop, and fail if a window
    is still there. A widget left only to Python (no parent, kept by an attribute or a
    reference cycle) is deleted when its last reference goes or the garbage collector gets
    to it, on whatever thread that happens, the task runner's worker included; a widget
    deleted off the UI thread crashes Qt. Runs last: autouse fixtures are set up first, so
    they are torn down last."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    left = [
        f"{type(w).__name__}({w.objectName() or getattr(w, 'title', w.windowTitle)()!r})"
        for w in QApplication.topLevelWidgets()
    ]
    assert not left, f"widgets outlive the test: {left}"
