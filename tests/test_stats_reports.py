"""The statistics exports (advisor_app/reports), read back by independent readers: the XLSX by
LibreOffice (converted to CSV, every sheet), the CSV by the csv module, the PDF by poppler
(pdftotext, pdffonts, pdfinfo). The figures come back as the report holds them, hidden ones
as "<5" and never as a number, a label that looks like a formula stays text, the same report
gives the same bytes, and nothing reaches a file that the report did not hold.

LibreOffice and poppler are system tools (`.ci/run` installs them): a test that needs one is
skipped with the reason when it is missing, and fails under CI=true.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from stats_report_fixture import CATEGORIES, FORMULA_LABEL, MIN_CELL, PERIODS, make_report

from advisor_app.domain.statistics import (
    BREAKDOWN_LABELS,
    MEASURE_LABELS,
    Breakdown,
    Cell,
    Measure,
    StatsReport,
    measures_of,
)
from advisor_app.i18n import catalog
from advisor_app.reports.stats_common import OVERVIEW, SHEET_NAMES, shown_number
from advisor_app.reports.stats_csv import COLUMNS, StatsCsvWriter, neutralised
from advisor_app.reports.stats_pdf import StatsPdfRenderer
from advisor_app.reports.stats_xlsx import SHEET_NAME_MAX, StatsXlsxWriter, sheet_name

ROOT = Path(__file__).resolve().parents[1]
HIDDEN = f"<{MIN_CELL}"
TOOL_PACKAGES = {
    "soffice": "libreoffice-calc-nogui",
    "pdftotext": "poppler-utils",
    "pdffonts": "poppler-utils",
    "pdfinfo": "poppler-utils",
}
# LibreOffice's CSV export: comma, double quotes, UTF-8 (76), from line 1, raw values (not as
# formatted), and -1: every sheet to a file of its own, FILE-SHEET.csv.
LIBREOFFICE_CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
# Put where a careless writer might pick it up (the user's name in the environment), never
# in the report: it must not reach any file.
SENTINEL = "Sørine Sentinelsen"


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        reason = f"{tool} not found: install the {TOOL_PACKAGES[tool]} package"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)
    return path


def run(*args: str, timeout: float = 60) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def figure(text: str) -> str | float:
    """A figure as read back: "<5" stays text, a number becomes a float."""
    return text if text.startswith("<") else float(text.replace(",", "."))


def expected(report: StatsReport, cell: Cell) -> str | float:
    return report.shown(cell) if cell.suppressed or cell.value is None else float(cell.value)


@pytest.fixture(scope="module")
def report() -> StatsReport:
    return make_report()


# -- XLSX ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def xlsx(report: StatsReport) -> bytes:
    return StatsXlsxWriter().render(report)


@pytest.fixture(scope="module")
def sheets(xlsx: bytes, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[list[str]]]:
    """Every sheet of the workbook as LibreOffice reads it: sheet name -> rows of text."""
    soffice = need("soffice")
    tmp = tmp_path_factory.mktemp("xlsx")
    (tmp / "stats.xlsx").write_bytes(xlsx)
    out = tmp / "csv"
    run(
        soffice,
        f"-env:UserInstallation={(tmp / 'profile').as_uri()}",  # parallel runs do not clash
        "--headless",
        "--convert-to",
        LIBREOFFICE_CSV,
        "--outdir",
        str(out),
        str(tmp / "stats.xlsx"),
        timeout=180,
    )
    found = {}
    for path in sorted(out.glob("stats-*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            found[path.stem.removeprefix("stats-")] = list(csv.reader(handle))
    assert found, f"LibreOffice wrote nothing to {out}"
    return found


def block(rows: list[list[str]], header: list[str]) -> Iterator[list[str]]:
    """The rows under the header row that starts with ``header``, up to an empty row."""
    starts = [i for i, row in enumerate(rows) if row[: len(header)] == header]
    assert len(starts) == 1, (header, starts)
    for row in rows[starts[0] + 1 :]:
        if not row or not row[0]:
            return
        yield row


def test_xlsx_reads_back_in_libreoffice_with_the_same_figures(
    report: StatsReport, sheets: dict[str, list[list[str]]]
) -> None:
    da = catalog("da").gettext
    periods = [p.label for p in PERIODS]
    width = len(periods) + 1
    assert set(sheets) == {"Overblik", *(da(SHEET_NAMES[b]) for b in CATEGORIES)}

    front = sheets["Overblik"]
    assert front[0][0] == "Statistik over vejledningssamtaler"
    rows = list(block(front, [da("Key figures"), *periods, "I alt"]))
    assert [r[0] for r in rows] == [h.label for h in report.headlines]
    for row, headline in zip(rows, report.headlines, strict=True):
        got = [figure(t) for t in row[1 : 1 + width]]
        assert got == [expected(report, c) for c in [*headline.per_period, headline.total]]

    checked = 0
    for breakdown in Breakdown:
        tables = [t for t in report.tables if t.breakdown is breakdown]
        if not tables:
            continue
        sheet = sheets[da(SHEET_NAMES[breakdown])]
        assert sheet[0][0] == da(BREAKDOWN_LABELS[breakdown])
        for table in tables:
            rows = list(block(sheet, [da(MEASURE_LABELS[table.measure]), *periods, "I alt"]))
            assert [r[0] for r in rows] == [*table.row_labels, "I alt"]
            for row, cells, total in zip(rows[:-1], table.cells, table.row_totals, strict=True):
                assert [figure(t) for t in row[1 : 1 + width]] == [
                    expected(report, c) for c in [*cells, total]
                ]
            assert [figure(t) for t in rows[-1][1 : 1 + width]] == [
                expected(report, c) for c in [*table.column_totals, table.total]
            ]
            checked += 1
    assert checked == len(report.tables) == 25


def test_xlsx_hidden_figures_read_as_text(
    report: StatsReport, sheets: dict[str, list[list[str]]]
) -> None:
    hidden = sum(
        1
        for table in report.tables
        for cell in [*(c for r in table.cells for c in r), *table.row_totals, *table.column_totals]
        if cell.suppressed
    ) + sum(1 for h in report.headlines for c in [*h.per_period, h.total] if c.suppressed)
    shown = sum(row.count(HIDDEN) for rows in sheets.values() for row in rows)
    assert shown == hidden > 20


def test_xlsx_a_label_like_a_formula_stays_text(
    xlsx: bytes, sheets: dict[str, list[list[str]]]
) -> None:
    topic = sheets[catalog("da").gettext(SHEET_NAMES[Breakdown.TOPIC])]
    assert [row[0] for row in topic].count(FORMULA_LABEL) == len(measures_of(Breakdown.TOPIC))
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        worksheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(worksheets) == 6
        for name in worksheets:
            assert b"<f>" not in archive.read(name), f"a formula in {name}"
        assert b"&lt;5" in archive.read("xl/sharedStrings.xml")


def test_xlsx_has_native_charts(xlsx: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        charts = sorted(
            n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)
        )
        assert len(charts) == 6  # the front sheet's and one per breakdown
        front = archive.read(charts[0]).decode()
        assert "<c:barChart>" in front and '<c:barDir val="col"/>' in front
        assert front.count("<c:ser>") == 2  # sessions and relatives helped
        for name in charts[1:]:
            assert '<c:barDir val="bar"/>' in archive.read(name).decode()


def test_xlsx_properties_hold_no_person_and_no_time(xlsx: bytes, report: StatsReport) -> None:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        core = archive.read("docProps/core.xml").decode()
    assert "<dc:title>Statistik over vejledningssamtaler, 01.01.2026 til 31.03.2026" in core
    assert "<dc:creator></dc:creator>" in core or "<dc:creator/>" in core
    assert "<cp:lastModifiedBy></cp:lastModifiedBy>" in core or "<cp:lastModifiedBy/>" in core
    assert ">2000-01-01T00:00:00Z<" in core
    assert StatsXlsxWriter().render(report) == xlsx


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("By the citizen's condition group", "By the citizen's condition group"[:SHEET_NAME_MAX]),
        ("a/b:c*d?e[f]g\\h", "a-b-c-d-e-f-g-h"),
        ("'quoted'", "quoted"),
        ("", "Sheet"),
    ],
)
def test_sheet_names_are_valid(text: str, expected: str) -> None:
    assert sheet_name(text, set()) == expected


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_sheet_name_fits_as_translated(language: str) -> None:
    """The tabs' names are used as they are, never cut: a translation must keep within
    Excel's 31 characters and its forbidden characters."""
    gettext = catalog(language).gettext
    names = [gettext(OVERVIEW), *(gettext(SHEET_NAMES[b]) for b in Breakdown)]
    used: set[str] = set()
    assert [sheet_name(name, used) for name in names] == names


def test_sheet_names_are_unique_without_case() -> None:
    used: set[str] = set()
    names = [sheet_name("Relation", used), sheet_name("RELATION", used), sheet_name("x" * 40, used)]
    assert names[:2] == ["Relation", "RELATION (2)"]
    assert all(len(n) <= SHEET_NAME_MAX for n in names)


# -- CSV -------------------------------------------------------------------------------------


def expected_csv_rows(report: StatsReport) -> list[list[str]]:
    """The long format written out independently of the writer (README: "Statistics export
    format")."""

    def value(cell: Cell) -> str:
        if cell.suppressed:
            return HIDDEN
        assert cell.value is not None
        number = cell.value
        text = str(int(number)) if float(number).is_integer() else f"{number:.1f}"
        return text.replace(".", ",") if report.request.language == "da" else text

    def label(text: str) -> str:
        return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

    keys = [p.key for p in report.periods]
    rows = [list(COLUMNS)]
    for h in report.headlines:
        rows += [
            ["headline", "", "", h.code, k, value(c)]
            for k, c in zip(keys, h.per_period, strict=True)
        ]
        rows.append(["headline", "", "", h.code, "total", value(h.total)])
    for breakdown in Breakdown:
        for measure in Measure:
            t = next(
                (t for t in report.tables if (t.breakdown, t.measure) == (breakdown, measure)),
                None,
            )
            if t is None:
                continue
            b, m = breakdown.value, measure.value
            for name, cells, row_total in zip(t.row_labels, t.cells, t.row_totals, strict=True):
                rows += [
                    ["cell", b, label(name), m, k, value(c)]
                    for k, c in zip(keys, cells, strict=True)
                ]
                rows.append(["row_total", b, label(name), m, "total", value(row_total)])
            rows += [
                ["column_total", b, "", m, k, value(c)]
                for k, c in zip(keys, t.column_totals, strict=True)
            ]
            rows.append(["total", b, "", m, "total", value(t.total)])
    return rows


@pytest.mark.parametrize("language", ["da", "en"])
def test_csv_reads_back_cell_for_cell(language: str) -> None:
    report = make_report(language)
    data = StatsCsvWriter().render(report)
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows == expected_csv_rows(report)
    assert len(rows) == 1 + 10 * 4 + 5 * (2 + 4 + 4 + 4 + 2) * 4 + 25 * 4
    hours = [r for r in rows if r[0] == "headline" and r[3] == "hours"]
    assert hours[0][5] == ("92,7" if language == "da" else "92.7")
    assert ["cell", "topic", "'" + FORMULA_LABEL, "sessions", "2026-01", HIDDEN] in rows
    assert StatsCsvWriter().render(report) == data


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+45 12 34 56 78", "'+45 12 34 56 78"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Søren's group", "Søren's group"),
        ("2026-01", "2026-01"),
        ("", ""),
    ],
)
def test_csv_neutralises_what_a_spreadsheet_would_run(text: str, written: str) -> None:
    assert neutralised(text) == written


# -- PDF -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf(report: StatsReport) -> bytes:
    return StatsPdfRenderer().render(report)


@pytest.fixture(scope="module")
def pdf_file(pdf: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "stats.pdf"
    path.write_bytes(pdf)
    return path


@pytest.fixture(scope="module")
def pdf_text(pdf_file: Path) -> str:
    return run(need("pdftotext"), "-layout", "-enc", "UTF-8", str(pdf_file), "-")


def lines_with(text: str, start: str) -> list[list[str]]:
    """The words after ``start`` on each line that begins with it, top to bottom."""
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith(start)]
    assert lines, f"no line starts with {start!r}"
    return [line[len(start) :].split() for line in lines]


def line_with(text: str, start: str) -> list[str]:
    return lines_with(text, start)[0]


def pdfinfo(path: Path) -> dict[str, str]:
    lines = run(need("pdfinfo"), str(path)).splitlines()
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines)}


def test_pdf_text_in_reading_order(report: StatsReport, pdf_text: str) -> None:
    pages = pdf_text.split("\f")
    first = pages[0]
    assert first.lstrip().startswith("Statistik over vejledningssamtaler")
    assert "Ærø Kommune" in first
    assert "01.01.2026 til 31.03.2026, pr. måned" in first
    assert first.index("Nøgletal") < first.index("Samtaler og hjulpne pårørende pr. periode")
    assert lines_with(first, "Nøgletal") == [[]]  # the heading; the table's corner is empty
    header = line_with(first, PERIODS[0].label)
    assert header == [*(p.label for p in PERIODS[1:]), "I", "alt"]
    for headline in report.headlines:
        figures = [shown_number(report, c) for c in [*headline.per_period, headline.total]]
        assert line_with(first, headline.label) == figures
    assert line_with(first, "Timer") == ["92,7", "84", "115,2", "291,9"]
    assert line_with(first, "Anonyme samtaler") == ["6", HIDDEN, "8", "17"]

    # A page per breakdown, its title on top; then the chart (a bar label per category) and
    # the tables of sessions and of relatives helped.
    da = catalog("da").gettext
    titles = [da(BREAKDOWN_LABELS[b]) for b in CATEGORIES]
    assert [page.strip().splitlines()[0].strip() for page in pages[1:-1]] == titles
    form = pages[1 + list(CATEGORIES).index(Breakdown.FORM)]
    assert lines_with(form, "Video") == [[HIDDEN], [HIDDEN] * 4, [HIDDEN] * 4]
    assert lines_with(form, "Hjemmebesøg") == [
        ["32"],
        [HIDDEN, HIDDEN, "12", "32"],
        [HIDDEN, HIDDEN, "8", "21"],
    ]
    topic = pages[1 + list(CATEGORIES).index(Breakdown.TOPIC)]
    assert lines_with(topic, FORMULA_LABEL) == [
        ["24"],
        [HIDDEN, "9", "8", "24"],
        [HIDDEN, "6", "5", "15"],
    ]


def test_pdf_page_numbers_in_the_footer(pdf_text: str, pdf_file: Path) -> None:
    count = int(pdfinfo(pdf_file)["Pages"])
    pages = [p for p in pdf_text.split("\f") if p.strip()]
    assert len(pages) == count == 6
    for number, page in enumerate(pages, start=1):
        last = page.strip().splitlines()[-1]
        assert last.startswith("Statistik over vejledningssamtaler · 01.01.2026 til 31.03.2026")
        assert last.endswith(f"Side {number} af {count}")


def test_pdf_embeds_dejavu_and_nothing_else(pdf_file: Path) -> None:
    out = run(need("pdffonts"), str(pdf_file)).splitlines()[2:]
    assert len(out) == 2
    for line in out:
        name, *_rest = line.split()
        assert re.fullmatch(r"[A-Z]{6}\+DejaVuSans(-Bold)?", name), line
        assert line.split()[-5] == "yes", line  # emb


def test_pdf_metadata(pdf: bytes, pdf_file: Path, report: StatsReport) -> None:
    info = pdfinfo(pdf_file)
    assert info["Title"] == "Statistik over vejledningssamtaler, 01.01.2026 til 31.03.2026"
    assert info["Subject"] == "01.01.2026 til 31.03.2026, pr. måned"
    assert info["Author"] == "Ærø Kommune"
    assert info["Creator"] == "advisor_app"
    assert info["Page size"].endswith("(A4)")
    assert info["CreationDate"].endswith("2000 UTC")  # invariant: no clock in the file
    assert b"/Lang (da-DK)" in pdf


def test_pdf_same_report_same_bytes(pdf: bytes, report: StatsReport) -> None:
    assert StatsPdfRenderer().render(report) == pdf


def test_pdf_in_english() -> None:
    pdftotext = need("pdftotext")
    data = StatsPdfRenderer().render(make_report("en"))
    text = subprocess.run(
        [pdftotext, "-layout", "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    assert text.lstrip().startswith("Session statistics")
    assert "01/01/2026 to 31/03/2026, by month" in text
    assert "Page 1 of 6" in text
    assert b"/Lang (en-GB)" in data


# -- nothing but the report ------------------------------------------------------------------


def render_in_another_process(kind: str, env: dict[str, str]) -> bytes:
    """The same report rendered by a fresh interpreter (another hash seed, another user)."""
    code = (
        "import sys; sys.path.insert(0, 'tests')\n"
        "from stats_report_fixture import make_report\n"
        "from advisor_app.reports import stats_csv, stats_pdf, stats_xlsx\n"
        f"writer = {{'xlsx': stats_xlsx.StatsXlsxWriter, 'csv': stats_csv.StatsCsvWriter,"
        f" 'pdf': stats_pdf.StatsPdfRenderer}}[{kind!r}]()\n"
        "sys.stdout.buffer.write(writer.render(make_report()))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


@pytest.mark.parametrize("kind", ["xlsx", "csv", "pdf"])
def test_same_bytes_whoever_renders_it_and_when(
    kind: str, report: StatsReport, xlsx: bytes, pdf: bytes
) -> None:
    """Another process, signed in as someone else, in another time zone, gives the same bytes:
    nothing of the machine or the moment gets into the file."""
    env = dict(os.environ)
    env.update(
        USER=SENTINEL,
        LOGNAME=SENTINEL,
        USERNAME=SENTINEL,
        HOME=f"/home/{SENTINEL}",
        TZ="America/Nuuk",
        PYTHONHASHSEED="12345",
    )
    ours = {"xlsx": xlsx, "pdf": pdf, "csv": StatsCsvWriter().render(report)}[kind]
    assert render_in_another_process(kind, env) == ours


def allowed_words(report: StatsReport) -> set[str]:
    """Every word the report holds, and every word of the writers' fixed captions."""
    gettext = catalog(report.request.language).gettext
    texts = [report.municipality, *(p.label for p in report.periods)]
    texts += [h.label for h in report.headlines]
    texts += [label for t in report.tables for label in t.row_labels]
    captions = [*MEASURE_LABELS.values(), *BREAKDOWN_LABELS.values()]
    for _f, _l, message, _c, _x in extract_from_dir(
        str(ROOT / "advisor_app" / "reports"), keywords={"N_": None}, comment_tags=()
    ):
        captions.append(message)
    texts += [gettext(c) for c in captions]
    return {w for text in texts for w in words(text)}


def words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,;:()·…\"]+", text) if w]


NUMBERISH = re.compile(r"<?\d+([.,]\d+)*|\{\w+\}|<\{\w+\}|[–-]")


def unaccounted(text: str, report: StatsReport) -> set[str]:
    allowed = allowed_words(report)
    return {w for w in words(text) if w not in allowed and not NUMBERISH.fullmatch(w)}


def test_the_workbook_holds_only_the_report(
    report: StatsReport, sheets: dict[str, list[list[str]]], xlsx: bytes
) -> None:
    text = "\n".join(";".join(row) for rows in sheets.values() for row in rows)
    assert unaccounted(text, report) == set()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        for name in archive.namelist():
            assert SENTINEL.encode() not in archive.read(name)


def test_the_pdf_holds_only_the_report(report: StatsReport, pdf_text: str, pdf_file: Path) -> None:
    assert unaccounted(pdf_text, report) == set()
    info = pdfinfo(pdf_file)
    for key in ("Title", "Subject", "Keywords", "Author"):
        assert unaccounted(info[key], report) == set(), key
    assert SENTINEL not in pdf_text + repr(info)
