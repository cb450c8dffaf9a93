"""``advisor-app instrument score|list``: scoring from a script, without a database. Bad input
is one line on stderr and exit code 2, with nothing on stdout."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from advisor_app.cli import main
from advisor_app.services.instruments import shipped_instruments

ROOT = Path(__file__).resolve().parents[1]
CONSOLE_SCRIPT = Path(sys.executable).parent / "advisor-app"
WHO5_JSON = {
    "instrument": "who5",
    "version": "1998",
    "answers": [3, 4, 2, 5, 1],
    "raw": 15,
    "score": 60,
    "band": "good",
    "low_items": ["5"],
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """main(argv) as the console script runs it: (exit code, stdout, stderr)."""
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's own errors
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def test_score_prints_raw_score_band_and_low_items(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "instrument", "score", "who5", "--answers", "3,4,2,5,1")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert "raw: 15" in lines
    assert "score: 60" in lines
    assert "band: good (Good wellbeing)" in lines
    assert "low items: 5" in lines
    assert "answers: 3,4,2,5,1" in lines


@pytest.mark.parametrize(
    ("answers", "score", "band_line", "low_line"),
    [
        ("0,0,0,0,0", 0, "band: likely_depression (Very low wellbeing: refer on (GP);", "1, 2, 3"),
        ("2,2,1,1,1", 28, "band: likely_depression (", "3, 4, 5"),
        ("2,2,2,2,2", 40, "band: poor (Poor wellbeing: talk about it", "none"),
        ("5,5,5,5,5", 100, "band: good (Good wellbeing)", "none"),
    ],
)
def test_score_bands_and_flags(
    capsys: pytest.CaptureFixture[str], answers: str, score: int, band_line: str, low_line: str
) -> None:
    code, out, _err = run(capsys, "instrument", "score", "who5", "--answers", answers)
    assert code == 0
    assert f"score: {score}" in out.splitlines()
    assert band_line in out
    assert f"low items: {low_line}" in out


def test_score_json_is_one_object(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "instrument", "score", "who5", "--answers", "3,4,2,5,1", "--json")
    assert (code, err) == (0, "")
    assert len(out.splitlines()) == 1
    assert json.loads(out) == WHO5_JSON


def test_spaces_around_the_answers_are_allowed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(
        capsys, "instrument", "score", "who5", "--answers", " 3, 4 ,2,5,1 ", "--json"
    )
    assert code == 0
    assert json.loads(out) == WHO5_JSON


@pytest.mark.parametrize(
    ("instrument_id", "answers", "expected"),
    [
        ("zarit22", ",".join(["4"] * 22), {"raw": 88, "score": 88, "band": None}),
        ("zarit12", ",".join(["0"] * 12), {"raw": 0, "score": 0, "band": None}),
        ("zarit4", "1,2,3,4", {"raw": 10, "score": 10, "band": None}),
        ("csi", ",".join(["1"] * 13), {"raw": 13, "score": 13, "band": None}),
        ("wemwbs", ",".join(["1"] * 14), {"raw": 14, "score": 14, "band": None}),
        ("swemwbs", ",".join(["5"] * 7), {"raw": 35, "score": 35, "band": None}),
        ("carers_star", ",".join(["10"] * 7), {"raw": 70, "score": 70, "band": None}),
        ("child_smiley", "1,2,3,4,5", {"raw": None, "score": None, "low_items": ["home", "sleep"]}),
        ("own_life", "0,3,3,3", {"raw": None, "score": None, "low_items": ["sleep"]}),
    ],
)
def test_every_shipped_instrument_can_be_scored(
    capsys: pytest.CaptureFixture[str],
    instrument_id: str,
    answers: str,
    expected: dict[str, object],
) -> None:
    code, out, err = run(
        capsys, "instrument", "score", instrument_id, "--answers", answers, "--json"
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["instrument"] == instrument_id
    assert data["answers"] == [int(a) for a in answers.split(",")]
    assert {key: data[key] for key in expected} == expected
    code, out, _err = run(capsys, "instrument", "score", instrument_id, "--answers", answers)
    assert code == 0 and "raw: " in out and "low items: " in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["who5", "--answers", "3,4,2,5"], "who5 needs 5 answers, not 4."),
        (["who5", "--answers", "3,4,2,5,1,0"], "who5 needs 5 answers, not 6."),
        (["who5", "--answers", ""], "who5 needs 5 answers, not 0."),
        (["who5", "--answers", "   "], "who5 needs 5 answers, not 0."),
        (["who5", "--answers", "3,4,2,5,6"], "Answer 5 must be between 0 and 5."),
        (["who5", "--answers=-1,4,2,5,1"], "Answer 1 must be between 0 and 5."),
        (["who5", "--answers", "3,4,2,5,100"], "Answer 5 must be between 0 and 5."),
        (["who5", "--answers", "3,x,2,5,1"], "Answer 2 is not a whole number."),
        (["who5", "--answers", "3,4.0,2,5,1"], "Answer 2 is not a whole number."),
        (["who5", "--answers", "3,,2,5,1"], "Answer 2 is not a whole number."),
        (["who5", "--answers", "3;4;2;5;1"], "who5 needs 5 answers, not 1."),
        (["carers_star", "--answers", "0,1,1,1,1,1,1"], "Answer 1 must be between 1 and 10."),
        (["nonexistent", "--answers", "1,2,3"], "There is no instrument called nonexistent."),
        (["WHO5", "--answers", "3,4,2,5,1"], "There is no instrument called WHO5."),
    ],
)
@pytest.mark.parametrize("as_json", [False, True])
def test_bad_input_is_one_line_on_stderr_and_exit_code_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str, as_json: bool
) -> None:
    code, out, err = run(
        capsys, "--lang", "en", "instrument", "score", *argv, *(["--json"] if as_json else [])
    )
    assert code == 2
    assert out == ""
    assert err == f"advisor-app: error: {message}\n"


def test_errors_speak_danish_unless_told_otherwise(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "instrument", "score", "who5", "--answers", "3,4,2,5,9")
    assert (code, out) == (2, "")
    assert err == "advisor-app: error: Svar 5 skal ligge mellem 0 og 5.\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["instrument", "score", "who5"],  # no --answers
        ["instrument", "score", "--answers", "3,4,2,5,1"],  # no instrument
        ["instrument", "score", "who5", "--answers", "-1,4,2,5,1"],  # looks like an option
        ["instrument"],
        ["instrument", "rate", "who5"],
    ],
)
def test_a_malformed_command_line_exits_2(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert "advisor-app instrument" in err and "error:" in err


def test_instrument_list_shows_every_shipped_instrument(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "instrument", "list")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    instruments = shipped_instruments()
    assert len(lines) == len(instruments) >= 10
    for line, instrument in zip(lines, instruments.values(), strict=True):
        assert line.split()[:3] == [instrument.id, instrument.audience, instrument.licence]
        assert f" {len(instrument.items)} items" in line
        assert line.endswith(instrument.name["en"])
    who5 = next(line for line in lines if line.startswith("who5 "))
    assert who5.split()[:4] == ["who5", "adult", "free", "5"]
    assert "WHO-5 Well-Being Index" in who5
    own_life = next(line for line in lines if line.startswith("own_life "))
    assert "5 items (4 on the scale)" in own_life
    zarit22 = next(line for line in lines if line.startswith("zarit22 "))
    assert zarit22.split()[:4] == ["zarit22", "adult", "licensed", "22"]


def test_the_instrument_commands_open_no_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "never.sqlite3"
    monkeypatch.setenv("ADVISOR_APP_DB", f"sqlite+pysqlite:///{tmp_path / 'env.sqlite3'}")
    url = f"sqlite+pysqlite:///{file}"
    assert run(capsys, "--db", url, "instrument", "list")[0] == 0
    assert run(capsys, "instrument", "score", "who5", "--answers", "3,4,2,5,1")[0] == 0
    assert list(tmp_path.iterdir()) == []


def test_the_instrument_commands_import_no_storage_and_no_qt() -> None:
    """A script that scores answers does not pay for SQLAlchemy or Qt at start-up."""
    code = (
        "import sys\n"
        "from advisor_app.cli import main\n"
        "assert main(['instrument', 'score', 'who5', '--answers', '3,4,2,5,1']) == 0\n"
        "assert main(['instrument', 'list']) == 0\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'sqlalchemy', 'alembic', 'psycopg', 'PySide6', 'shiboken6', 'platformdirs'})\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_installed_console_script_scores_who5() -> None:
    if not CONSOLE_SCRIPT.exists():
        pytest.fail(f"advisor-app not installed beside {sys.executable} (pip install -e .)")
    done = subprocess.run(
        [str(CONSOLE_SCRIPT), "instrument", "score", "who5", "--answers", "3,4,2,5,1", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert json.loads(done.stdout) == WHO5_JSON


def test_the_installed_console_script_exits_2_on_bad_answers() -> None:
    if not CONSOLE_SCRIPT.exists():
        pytest.fail(f"advisor-app not installed beside {sys.executable} (pip install -e .)")
    done = subprocess.run(
        [
            str(CONSOLE_SCRIPT),
            "--lang",
            "en",
            "instrument",
            "score",
            "who5",
            "--answers",
            "3,4,2,5,9",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == "advisor-app: error: Answer 5 must be between 0 and 5.\n"
