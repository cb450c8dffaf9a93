"""pytest-qt fixtures: a fresh migrated SQLite database, the services facade, a task runner.

Qt runs offscreen (the Makefile and .ci/run export QT_QPA_PLATFORM=offscreen; set here too
for a bare `pytest`). Real dialogs never block a test: message boxes are opened non-modally.

The Qt settings live here, not in pyproject.toml: the Qt-free tests must run without
pytest-qt and PySide6 (``pytest -p no:pytest-qt --ignore=tests/ui``), where --strict-config
would reject pytest-qt's ini keys (qt_api, qt_log_level_fail). pytest-qt picks PySide6 by
itself (the first binding it tries, and the only one we depend on); a warning from Qt fails
the test (``qt_log_level_fail``), except the platform noise in ``QT_LOG_IGNORE``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import FAST_HASHER, make_user, migrated_sqlite_copy
from pytestqt.qt_compat import qt_api

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from advisor_app import i18n
from advisor_app.domain.actor import Actor
from advisor_app.services.facade import Services, open_services

QT_LOG_IGNORE = (
    # The offscreen platform plugin does not implement QPlatformWindow::propagateSizeHints
    # (there is no window manager to tell a window's minimum and maximum size), and Qt's base
    # implementation warns each time a layout changes a top-level window's size limits. It
    # says nothing about our code; the desktop platforms (xcb, Windows, macOS) apply them.
    r"^This plugin does not support propagateSizeHints\(\)$",
    # Likewise raising a top-level window (the idle lock's dialog over the others): offscreen
    # has no stacking of windows to change.
    r"^This plugin does not support raise\(\)$",
)

UI_TESTS = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Qt warnings fail the tests here (not the Qt-free ones, which have no pytest-qt)."""
    if qt_api.pytest_qt_api != "pyside6":  # chosen by pytest-qt after this file was read
        raise pytest.UsageError(f"tests/ui need PySide6, pytest-qt uses {qt_api.pytest_qt_api}")
    for item in items:
        if item.path.is_relative_to(UI_TESTS):
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(*QT_LOG_IGNORE))


@pytest.fixture
def ui_db_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh migrated SQLite file (a copy of the session's template)."""
    return migrated_sqlite_copy(sqlite_template, tmp_path / "ui.sqlite3")


@pytest.fixture
def services(ui_db_url: str) -> Iterator[Services]:
    built, _backup = open_services(ui_db_url, hasher=FAST_HASHER)
    yield built
    built.db.dispose()


@pytest.fixture
def actor(services: Services) -> Actor:
    return make_user(services, "testadvisor", "Test Advisor")


@pytest.fixture(autouse=True)
def danish_ui() -> Iterator[None]:
    """The UI's default language is Danish; tests that switch restore it."""
    i18n.set_language("da")
    yield
    i18n.set_language("da")


@pytest.fixture
def runner(qtbot):  # type: ignore[no-untyped-def]
    from shiboken6 import Shiboken

    from advisor_app.ui.task_runner import TaskRunner

    task_runner = TaskRunner()
    yield task_runner
    task_runner.wait_idle()
    # Deleted here, on the UI thread, with its children (a session's backup timer): left to
    # the garbage collector it may go on a worker thread, where Qt cannot stop a timer.
    Shiboken.delete(task_runner)


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
