"""Where `db/` and `resources/` are, in a checkout and in an installed wheel.

The wheel force-includes both folders under ``advisor_app/_data``; a checkout has them beside
the package. This is the one place that knows.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_root() -> Path:
    installed = _PACKAGE / "_data"
    if (installed / "db").is_dir():
        return installed
    return _PACKAGE.parent


def migrations_dir() -> Path:
    return _data_root() / "db"


def resources_dir() -> Path:
    return _data_root() / "resources"


def resource(*parts: str) -> Path:
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"missing resource: {'/'.join(parts)}")
    return path
