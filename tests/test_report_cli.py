"""`govinspect check | findings | scores | review` on a SQLite file built row by row: the formats
(table, json, csv, xlsx), the filters, the latest-run view, and reviews surviving a rescan."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

from checks.testing import RunBuilder
from cli import cmd_report
from db.session import make_engine, session_factory

AS_OF = dt.date(2026, 11, 20)
runner = CliRunner()


def make_app() -> typer.Typer:
    app = typer.Typer()
    cmd_report.register(app)
    return app


APP = make_app()


def cli(*args: str):
    return runner.invoke(APP, list(args), catch_exceptions=False)


def build_run(url: str, day: dt.date, broken: list[str], *, status: str = "completed") -> int:
    engine = make_engine(url)
    with session_factory(engine)() as s:
        rb = RunBuilder(s, day, status=status)
        for sid, unit in (("akzf-www", "akzf"), ("akjyj-www", "akjyj")):
            rb.site(sid, unit)
            home = rb.homes[sid]
            rb.home(sid, text="网站标识码：6124000001 陕ICP备05012345号")  # no police mark, no conac
            rb.homepage_items(sid, [rb.days_ago(3)])
            for sec in ("guide", "rules", "statutory", "annual_report", "application"):
                rb.column(sid, f"/{sec}/", sec, category="disclosure", kind="page", section=sec)
            for path in broken:
                rb.result(sid, rb.url(sid, path), ok=False, status=404)
                rb.link(sid, home, rb.url(sid, path), anchor="链接")
        rb.done()
        s.commit()
        run_id = rb.id
    engine.dispose()
    return run_id


@pytest.fixture
def db(db_url: str) -> str:  # conftest_db: an upgraded database, SQLite and PostgreSQL
    return db_url


def findings_json(db: str, *extra: str) -> list[dict]:
    res = cli("findings", "--db", db, "--format", "json", *extra)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_check_findings_review_and_rescan(db: str, tmp_path: Path) -> None:
    build_run(db, AS_OF, ["/gone.html", "/missing.pdf"])
    res = cli("check", "--db", db)
    assert res.exit_code == 0, res.output
    assert "Checks of run 1" in res.stdout and "link_broken 4" in res.stdout and "footer_missing 4" in res.stdout

    rows = findings_json(db)
    assert len(rows) == 8
    for key in ("unit", "site", "check", "severity", "url", "target", "detail", "status", "first_seen", "last_seen",
                "evidence"):
        assert key in rows[0]
    gone = next(r for r in rows if r["site"] == "akzf-www" and r["target"].endswith("/gone.html"))
    assert gone["unit"] == "akzf" and gone["severity"] == "deduct" and gone["status"] == "open"
    assert gone["evidence"]["status"] == 404 and gone["detail"].startswith("链接不可用")

    assert {r["check"] for r in findings_json(db, "--check", "footer_missing")} == {"footer_missing"}
    assert {r["site"] for r in findings_json(db, "--site", "akjyj-www")} == {"akjyj-www"}
    assert findings_json(db, "--severity", "veto") == []

    # reviews: dismissing needs a reason
    res = runner.invoke(APP, ["review", str(gone["id"]), "--status", "dismissed", "--db", db])
    assert res.exit_code == 2 and "reason" in res.output
    missing = next(r for r in rows if r["site"] == "akzf-www" and r["target"].endswith("/missing.pdf"))
    police = next(r for r in rows if r["site"] == "akzf-www" and r["target"] == "police")
    assert cli("review", str(police["id"]), "--status", "dismissed", "--reason", "备案号在下级页面", "--by", "李四",
               "--db", db).exit_code == 0
    assert cli("review", str(missing["id"]), "--status", "confirmed", "--db", db).exit_code == 0
    assert runner.invoke(APP, ["review", "9999", "--status", "open", "--db", db]).exit_code == 2

    # rescan a week later: gone.html is fixed, missing.pdf still broken
    build_run(db, AS_OF + dt.timedelta(days=7), ["/missing.pdf"])
    assert cli("check", "--db", db).exit_code == 0
    open_rows = findings_json(db, "--status", "open", "--site", "akzf-www")
    assert not any(r["target"].endswith("/gone.html") for r in open_rows)
    fixed = findings_json(db, "--status", "fixed")
    assert {(r["site"], r["target"].rsplit("/", 1)[-1]) for r in fixed} == {("akzf-www", "gone.html"),
                                                                            ("akjyj-www", "gone.html")}
    kept = {r["id"]: r for r in findings_json(db, "--site", "akzf-www")}
    assert kept[missing["id"]]["status"] == "confirmed" and kept[missing["id"]]["last_seen_run"] == 2
    assert kept[missing["id"]]["first_seen_run"] == 1
    assert kept[police["id"]]["status"] == "dismissed" and kept[police["id"]]["status_reason"] == "备案号在下级页面"
    assert kept[police["id"]]["status_by"] == "李四"

    # the other formats
    res = cli("findings", "--db", db, "--format", "csv")
    table = list(csv.DictReader(io.StringIO(res.stdout)))
    assert len(table) == len(findings_json(db)) and json.loads(table[0]["evidence"])
    out = tmp_path / "f.xlsx"
    assert cli("findings", "--db", db, "--format", "xlsx", "--output", str(out)).exit_code == 0
    ws = load_workbook(out).active
    assert [c.value for c in ws[1]][:5] == ["id", "unit", "unit_name", "site", "check"] and ws.max_row == len(table) + 1
    assert runner.invoke(APP, ["findings", "--db", db, "--format", "xlsx"]).exit_code != 0  # needs --output
    res = cli("findings", "--db", db)
    assert "Findings" in res.stdout and "akzf-www" in res.stdout
    csv_out = tmp_path / "f.csv"
    assert cli("findings", "--db", db, "--format", "csv", "--output", str(csv_out)).exit_code == 0
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel-friendly BOM
    assert len(findings_json(db, "--all")) == 8


def test_scores_command(db: str, tmp_path: Path) -> None:
    build_run(db, AS_OF, ["/a.html", "/b.html"])
    assert cli("check", "--db", db).exit_code == 0
    res = cli("scores", "--db", db, "--format", "json")
    rows = json.loads(res.stdout)
    # each site: 2 broken homepage links (-2) + police and conac missing (-2) = 96
    assert {(r["subject"], r["id"]): r["score"] for r in rows} == {
        ("unit", "akzf"): 96, ("site", "akzf-www"): 96, ("unit", "akjyj"): 96, ("site", "akjyj-www"): 96}
    site = next(r for r in rows if r["id"] == "akzf-www")
    assert site["quarter"] == "2026Q4" and site["passed"] and site["grade"] == "良好" and site["vetoes"] == []
    assert {d["id"] for d in site["deductions"]} == {"W-D7", "W-D9"}
    assert json.loads(cli("scores", "--db", db, "--format", "json", "--quarter", "2027Q1").stdout) == []
    res = cli("scores", "--db", db)
    assert "Scores 2026Q4" in res.stdout and "W-D7" in res.stdout
    out = tmp_path / "s.xlsx"
    assert cli("scores", "--db", db, "--format", "xlsx", "-o", str(out)).exit_code == 0
    assert load_workbook(out).active.max_row == 5


@pytest.mark.parametrize("quarter", ["2026-Q4", "Q4", "2026Q5", "last"])
def test_scores_rejects_a_malformed_quarter(sqlite_url: str, quarter: str) -> None:
    build_run(sqlite_url, AS_OF, [])
    assert cli("check", "--db", sqlite_url).exit_code == 0
    res = runner.invoke(APP, ["scores", "--db", sqlite_url, "--format", "json", "--quarter", quarter])
    assert res.exit_code == 2 and "like 2026Q4" in res.output
    # the case is not worth an error: 2026q4 is 2026Q4
    rows = json.loads(cli("scores", "--db", sqlite_url, "--format", "json", "--quarter", "2026q4").stdout)
    assert {r["quarter"] for r in rows} == {"2026Q4"}


def test_check_format_is_table_or_json_and_refuses_the_rest(sqlite_url: str, tmp_path: Path) -> None:
    build_run(sqlite_url, AS_OF, [])
    for fmt in ("xlsx", "csv"):
        res = runner.invoke(APP, ["check", "--db", sqlite_url, "--format", fmt])
        assert res.exit_code == 2 and "table or json only" in res.output
    assert findings_json(sqlite_url) == []  # refused before checking anything
    assert runner.invoke(APP, ["check", "--db", sqlite_url, "--format", "yaml"]).exit_code == 2
    res = cli("check", "--db", sqlite_url, "--format", "table")
    assert res.exit_code == 0 and "Scores 2026Q4" in res.stdout


def test_check_refuses_failed_runs_and_bad_config(db: str, tmp_path: Path) -> None:
    build_run(db, AS_OF, ["/a.html"], status="failed")
    res = runner.invoke(APP, ["check", "--db", db])
    assert res.exit_code == 1 and "failed" in res.output
    assert findings_json(db) == []
    bad = tmp_path / "bad.yaml"
    bad.write_text("checks:\n  nope: {severity: veto}\nscoring: {}\n", encoding="utf-8")
    res = runner.invoke(APP, ["check", "--db", db, "--run", "1", "--indicators", str(bad)])
    assert res.exit_code == 2 and f"{bad}:2:" in res.output


def test_check_json_summary(db: str) -> None:
    build_run(db, AS_OF, [])
    res = cli("check", "--db", db, "--run", "1", "--format", "json")
    summary = json.loads(res.stdout)
    assert summary["run_id"] == 1 and summary["findings_by_check"] == {"footer_missing": 4}
    assert {s["subject_id"] for s in summary["scores"]} == {"akzf", "akzf-www", "akjyj", "akjyj-www"}
