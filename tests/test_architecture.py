"""The structure is executable: import-linter's contracts (.importlinter) hold, they do catch a
violation, and the core imports with Qt absent (napari's rule)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
LAYERS = "Layers: ui | devtools > services | reports > persistence > domain"
REPORTS = "Reports take plain data: no services, no storage, no UI"


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    if not LINT_IMPORTS.exists():
        pytest.fail(
            f"lint-imports not installed beside {sys.executable} (pip install -e '.[test]')"
        )
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_import_contracts_are_kept() -> None:
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def lint_imports_with(tmp_path: Path, bad_imports: dict[str, str]) -> str:
    """lint-imports' report on a copy of the package with ``bad_imports`` (module path ->
    import line) added; the run must fail."""
    shutil.copytree(
        ROOT / "advisor_app",
        tmp_path / "advisor_app",
        ignore=shutil.ignore_patterns("__pycache__", "_data"),
    )
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    for relative, line in bad_imports.items():
        path = tmp_path / "advisor_app" / relative
        path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    run = lint_imports(tmp_path)
    assert run.returncode != 0
    return run.stdout


def test_the_contracts_catch_violations(tmp_path: Path) -> None:
    """A copy of the package with three bad imports: each must break its contract."""
    out = lint_imports_with(
        tmp_path,
        {
            "domain/text.py": "import PySide6.QtCore  # noqa",
            "ui/__init__.py": "import sqlalchemy  # noqa",
            "persistence/types.py": "import advisor_app.services.dto  # noqa",
        },
    )
    assert "Contracts: 2 kept, 3 broken." in out, out
    assert "The core never imports Qt BROKEN" in out
    assert "never to the ORM or SQLAlchemy BROKEN" in out
    assert f"{LAYERS} BROKEN" in out


@pytest.mark.parametrize(
    "bad_imports",
    [
        {"services/audit.py": "import advisor_app.devtools.demo  # noqa"},
        {"ui/__init__.py": "import advisor_app.devtools  # noqa"},
        {"devtools/demo/bulk.py": "import advisor_app.ui  # noqa"},
    ],
    ids=["services", "ui", "devtools-to-ui"],
)
def test_nothing_of_the_program_imports_devtools(
    tmp_path: Path, bad_imports: dict[str, str]
) -> None:
    out = lint_imports_with(tmp_path, bad_imports)
    assert f"{LAYERS} BROKEN" in out, out


def test_devtools_never_imports_qt(tmp_path: Path) -> None:
    out = lint_imports_with(tmp_path, {"devtools/demo/people.py": "import PySide6.QtCore  # noqa"})
    assert "Contracts: 4 kept, 1 broken." in out, out
    assert "The core never imports Qt BROKEN" in out


@pytest.mark.parametrize(
    ("bad_imports", "broken"),
    [
        ({"reports/stats_csv.py": "import advisor_app.services.dto  # noqa"}, (LAYERS, REPORTS)),
        ({"reports/stats_csv.py": "import advisor_app.persistence.models  # noqa"}, (REPORTS,)),
        ({"reports/stats_pdf.py": "import sqlalchemy  # noqa"}, (REPORTS,)),
        ({"reports/stats_xlsx.py": "import PySide6.QtGui  # noqa"}, ("The core never imports Qt",)),
        ({"services/door.py": "import advisor_app.reports.stats_csv  # noqa"}, (LAYERS,)),
    ],
    ids=[
        "reports-to-services",
        "reports-to-persistence",
        "reports-to-sqlalchemy",
        "reports-to-qt",
        "services-to-reports",
    ],
)
def test_reports_take_plain_data(
    tmp_path: Path, bad_imports: dict[str, str], broken: tuple[str, ...]
) -> None:
    """The writers get the domain's data and give bytes: they reach no service, no storage,
    no Qt, and the services do not reach them (the UI and the CLI hand a report over)."""
    out = lint_imports_with(tmp_path, bad_imports)
    for name in broken:
        assert f"{name} BROKEN" in out, out
    assert f"Contracts: {5 - len(broken)} kept, {len(broken)} broken." in out, out


def test_the_core_imports_with_qt_absent() -> None:
    """Block PySide6 (sys.modules[...] = None makes every import of it fail) and import every
    module of the Qt-free layers, then do real work: open a database and register someone."""
    code = textwrap.dedent(
        """
        import importlib, pkgutil, sys, tempfile, pathlib
        for name in ("PySide6", "shiboken6"):
            sys.modules[name] = None
        import advisor_app
        names = []
        for package in ("domain", "persistence", "services", "reports", "devtools"):
            module = importlib.import_module(f"advisor_app.{package}")
            for info in pkgutil.walk_packages(module.__path__, f"advisor_app.{package}."):
                importlib.import_module(info.name)
                names.append(info.name)
        importlib.import_module("advisor_app.i18n")
        from advisor_app.services.facade import open_services
        from advisor_app.services.dto import RelativeInput
        with tempfile.TemporaryDirectory() as tmp:
            url = "sqlite+pysqlite:///" + str(pathlib.Path(tmp) / "core.sqlite3")
            services, _ = open_services(url)
            from advisor_app.domain.enums import Role
            admin = services.accounts.create_first_admin("admin", "Admin", "a long password 1")
            services.accounts.add_user(admin, "core", Role.ADVISOR, "Core", "a long password 2")
            actor = services.accounts.sign_in("core", "a long password 2")
            services.relatives.register(actor, RelativeInput("Søren"))
            assert services.relatives.search(actor, "soren").total == 1
            services.db.dispose()
        assert not any(m and m.startswith("PySide6") for m in sys.modules if sys.modules[m])
        print(len(names))
        """
    )
    run = subprocess.run(
        [sys.executable, "-X", "dev", "-W", "error", "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert int(run.stdout.split()[-1]) >= 15  # the modules really were walked
