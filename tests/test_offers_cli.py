"""``advisor-app offers export|import|publish``: exit codes, one line per bad row, nothing
imported when any row is bad; the published site valid (a strict HTML5 parser), complete,
accessible in its structure, free of scripts and of every name in the demo data."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import html5lib
import pytest
from factories import FAST_HASHER

from advisor_app.cli import main
from advisor_app.domain.enums import Condition, OfferKind, Role
from advisor_app.domain.offers import OfferContent
from advisor_app.services.facade import open_services

PASSWORD = "en lang og god adgangskode"


@pytest.fixture
def cli_db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    services, _ = open_services(sqlite_url, hasher=FAST_HASHER)
    try:
        admin = services.accounts.create_first_admin("admin", "Anne Admin", PASSWORD)
        services.accounts.add_user(admin, "anna", Role.ADVISOR, "Anna Advisor", PASSWORD)
        services.offers.create(
            admin,
            OfferContent(
                OfferKind.GROUP,
                "Gruppe <script>alert('x')</script> & venner",
                "Vi mødes <b>hver</b> uge.\nAnden linje.",
                "Pårørende",
                "Frivilligcentret",
                "Tirsdage",
                "Ring <img src=x onerror=alert(1)>",
                conditions=(Condition.COPD,),
                link="https://example.dk/?a=1&b=<2>",
            ),
        )
    finally:
        services.db.dispose()
    monkeypatch.setenv("ADVISOR_PASSWORD", PASSWORD)
    return sqlite_url


def run(db: str, *args: str, user: str = "admin") -> int:
    return main(["--db", db, "--user", user, "--lang", "en", "offers", *args])


def catalogue_size(db: str) -> tuple[int, int]:
    from sqlalchemy import func, select

    from advisor_app.persistence.models import Offer, OfferVersion

    services, _ = open_services(db)
    try:
        with services.db.begin() as session:
            return (
                session.scalar(select(func.count()).select_from(Offer)) or 0,
                session.scalar(select(func.count()).select_from(OfferVersion)) or 0,
            )
    finally:
        services.db.dispose()


@pytest.mark.parametrize("ending", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(
    cli_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], ending: str
) -> None:
    path = tmp_path / f"tilbud.{ending}"
    assert run(cli_db, "export", str(path)) == 0
    before = catalogue_size(cli_db)
    assert run(cli_db, "import", str(path)) == 0
    out = capsys.readouterr().out
    assert f"0 offers created, 0 updated, {before[0]} unchanged" in out
    assert catalogue_size(cli_db) == before


def test_a_file_with_bad_rows_exits_2_with_one_line_per_bad_row(
    cli_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tilbud.csv"
    assert run(cli_db, "export", str(path)) == 0
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    header = rows[0]
    rows[1][header.index("title")] = "En god ændring, der ikke kommer ind"
    rows[2][header.index("title")] = ""
    rows[2][header.index("valid_to")] = "2020-01-01"
    rows[2][header.index("valid_from")] = "2021-01-01"
    rows[4][header.index("link")] = "mailto:x@example.dk"
    rows.append(["", "party", "Ny", "a", "b", "c", "d", "e", "", "", "", "", "", "", "", "", ""])
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    before = catalogue_size(cli_db)
    capsys.readouterr()
    assert run(cli_db, "import", str(path)) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (
        "tilbud.csv: Row 3: title: Title must be filled in.; "
        "valid_to: Valid from must not be after valid to."
    )
    assert err[1].startswith("tilbud.csv: Row 5: link: Link must be a web address")
    assert err[2].startswith("tilbud.csv: Row 29: kind: Unknown code 'party'")
    assert err[3] == "advisor-app: 3 row(s) of the file are wrong; nothing was imported."
    assert len(err) == 4
    assert catalogue_size(cli_db) == before


def test_refusals_and_bad_usage(
    cli_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(cli_db, "export", str(tmp_path / "x.csv"), user="anna") == 3
    assert capsys.readouterr().err == (
        "advisor-app: Only an administrator can change the offer catalogue.\n"
    )
    assert run(cli_db, "export", str(tmp_path / "x.txt")) == 2
    assert capsys.readouterr().err == "advisor-app: The file must end in .csv or .xlsx.\n"
    assert run(cli_db, "import", str(tmp_path / "missing.csv")) == 2
    assert capsys.readouterr().err == "advisor-app: The file could not be read.\n"
    (tmp_path / "bad.xlsx").write_bytes(b"no zip")
    assert run(cli_db, "import", str(tmp_path / "bad.xlsx")) == 2
    assert capsys.readouterr().err == "advisor-app: The file is not a readable XLSX file.\n"
    assert run(cli_db, "publish", "-o", str(tmp_path / "site"), "--logo", "x.gif") == 2
    # In Danish too.
    assert main(["--db", cli_db, "--lang", "da", "offers", "export", "x.txt"]) == 2
    assert capsys.readouterr().err.endswith("Filen skal ende på .csv eller .xlsx.\n")


# ---- the public page --------------------------------------------------------------------------
def demo_names(db: str) -> set[str]:
    from sqlalchemy import select

    from advisor_app.persistence.models import Advisor, Citizen, Relative

    services, _ = open_services(db)
    try:
        with services.db.begin() as session:
            names = set(session.scalars(select(Relative.name)))
            names |= set(session.scalars(select(Citizen.name)))
            names |= set(session.scalars(select(Advisor.display_name)))
    finally:
        services.db.dispose()
    return names


def test_the_published_site_is_valid_complete_and_free_of_names(
    cli_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADVISOR_DEMO_PASSWORD", PASSWORD)
    assert main(["--db", cli_db, "--user", "admin", "demo-data", "--relatives", "60"]) == 0
    names = demo_names(cli_db)
    assert len(names) > 60
    site = tmp_path / "site"
    assert run(cli_db, "publish", "-o", str(site)) == 0
    exported = tmp_path / "all.csv"
    assert run(cli_db, "export", str(exported)) == 0
    offers = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
    pages = sorted(site.rglob("*.html"))
    assert {p.relative_to(site).parts[0] for p in pages} == {"da", "en", "index.html"}
    for page in pages:
        data = page.read_bytes()
        html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(data)
        text = data.decode("utf-8")
        assert re.search(r'<html lang="(da|en)">', text), page
        assert "<script" not in text.lower(), page
        if page.name != "index.html" or page.parent != site:
            for landmark in ("<header", "<nav", "<main", "<footer", "<h1", 'href="#main"'):
                assert landmark in text, (page, landmark)
    everything = "\n".join(p.read_text(encoding="utf-8") for p in site.rglob("*") if p.is_file())
    for name in names:
        for part in [name, *name.split()]:
            if len(part) >= 4:
                assert not re.search(rf"\b{re.escape(part)}\b", everything), part
    for lang in ("da", "en"):
        for offer in offers:
            page = site / lang / "offer" / f"{offer['id']}.html"
            if offer["valid_to"] and offer["valid_to"] < "2026-01-01":
                continue
            assert page.exists(), page
            assert page.read_text(encoding="utf-8").count("<h2") >= 5
        listed = (site / lang / "all.html").read_text(encoding="utf-8")
        assert listed.count('href="offer/') == len(offers)
    # The title with a script in it is shown as text, never run.
    (page,) = [p for p in (site / "en" / "offer").glob("*.html") if "alert" in p.read_text()]
    text = page.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; venner" in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert 'href="https://example.dk/?a=1&amp;b=&lt;2&gt;"' in text
    assert "<img src=x" not in text
    # The English page says which language the offer's own text is in.
    assert '<h1 lang="da">' in text
    index = (site / "en" / "index.html").read_text(encoding="utf-8")
    assert "I am the spouse or partner of someone with dementia" in index
    assert "Jeg er ægtefælle eller partner til en med demens" in (
        site / "da" / "index.html"
    ).read_text(encoding="utf-8")


def test_a_municipality_replaces_the_stylesheet_and_logo(cli_db: str, tmp_path: Path) -> None:
    css = tmp_path / "kommune.css"
    css.write_text("body { color: #123456; }", encoding="utf-8")
    logo = tmp_path / "kommune.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\nfake")
    site = tmp_path / "site"
    assert (
        run(
            cli_db,
            "publish",
            "-o",
            str(site),
            "--stylesheet",
            str(css),
            "--logo",
            str(logo),
            "--site-name",
            "Pårørende i Eksempel Kommune",
        )
        == 0
    )
    assert (site / "style.css").read_text(encoding="utf-8") == "body { color: #123456; }"
    assert (site / "logo.png").read_bytes() == logo.read_bytes()
    page = (site / "da" / "index.html").read_text(encoding="utf-8")
    assert 'src="../logo.png"' in page and "Pårørende i Eksempel Kommune" in page
