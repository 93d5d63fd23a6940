"""`govinspect findings`, `scores`, `check` and `review`: reading and reviewing what the checks
found, and (re)running the checks on a stored scan run.

`findings` shows, for each site, the findings of its latest completed scan: those seen in that
run plus those found fixed by it (`--all` lists every finding ever recorded). `scores` shows one
row per site, account and unit: each subject's latest score of the quarter.
"""

from __future__ import annotations

import json
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cli.options import DbRead, IndicatorsFile, OutputFile, database_errors
from core import exitcodes
from core.sanitize import shown
from core.yamlconf import ConfigError
from reports.export import to_csv, to_json, to_xlsx
from reports.queries import FINDING_FIELDS, SCORE_FIELDS, query_findings, query_scores, worst_findings

console = Console()
err_console = Console(stderr=True)



class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


class FindingStatus(StrEnum):
    open = "open"
    confirmed = "confirmed"
    dismissed = "dismissed"
    fixed = "fixed"


class SeverityOpt(StrEnum):
    veto = "veto"
    deduct = "deduct"
    notice = "notice"


class ReviewStatus(StrEnum):
    confirmed = "confirmed"
    dismissed = "dismissed"
    open = "open"




def _session(db: str | None) -> tuple[Any, Session]:
    from db.session import make_engine, session_factory

    engine = make_engine(db)
    return engine, session_factory(engine)()


def _text(value: Any) -> str:
    """A table cell of crawled text: never read as Rich markup ("[red]", "[/]"), its control
    characters shown escaped (core.sanitize)."""
    return escape(shown(value))


def write_rows(rows: list[dict[str, Any]], fields: list[str], fmt: Format, output: Path | None,
               table: Table | None = None) -> None:
    if fmt is Format.xlsx:
        if output is None:
            raise typer.BadParameter("--format xlsx needs --output FILE")
        output.write_bytes(to_xlsx(rows, fields))
        err_console.print(f"wrote {len(rows)} rows to {output}")
        return
    if fmt is Format.table:
        assert table is not None
        if output is not None:
            with output.open("w", encoding="utf-8") as fh:
                Console(file=fh, width=200).print(table)
        else:
            console.print(table)
        return
    text = to_json(rows) if fmt is Format.json else to_csv(rows, fields)
    if output is not None:
        # utf-8-sig so that Excel opens a CSV of Chinese text correctly
        output.write_text(text, encoding="utf-8-sig" if fmt is Format.csv else "utf-8")
        err_console.print(f"wrote {len(rows)} rows to {output}")
    else:
        sys.stdout.write(text)


def findings_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title=f"Findings ({len(rows)})", show_lines=False)
    for name in ("id", "unit", "site", "check", "severity", "status", "target", "detail"):
        table.add_column(name, overflow="fold")
    colors = {"veto": "red", "deduct": "yellow", "notice": "cyan"}
    for r in rows:
        sev = f"[{colors.get(r['severity'], 'white')}]{r['severity']}"
        table.add_row(str(r["id"]), _text(r["unit"]), _text(r["site"]), r["check"], sev, r["status"], _text(r["target"]),
                      _text(r["detail"]))
    return table


def scores_table(quarter: str | None, rows: list[dict[str, Any]]) -> Table:
    table = Table(title=f"Scores {quarter or ''}".strip())
    for name in ("unit", "subject", "id", "score", "passed", "grade", "vetoes", "deductions"):
        table.add_column(name, justify="right" if name == "score" else "left", overflow="fold")
    for r in rows:
        if r["subject"] == "unit":
            vetoes = ", ".join(f"{v['subject_id']}({'/'.join(v['vetoes']) or r['grade']})" for v in r["vetoes"])
            deds = f"{len(r['deductions'])} members"
        else:
            vetoes = ", ".join(f"{v['id']} {v['name']}" for v in r["vetoes"])
            deds = ", ".join(f"{d['id']} -{d['points']:g}" for d in r["deductions"])
        passed = "[green]yes" if r["passed"] else "[red]no"
        table.add_row(r["unit"], r["subject"], r["id"], f"{r['score']:.2f}", passed, r["grade"], vetoes, deds)
    return table


def cli_name() -> str:
    """How the user can call govinspect from here: the bare name when it is on PATH, else the
    venv's script (the README's commands run without activating .venv)."""
    import os
    import shutil

    if shutil.which("govinspect"):
        return "govinspect"
    script = Path(sys.executable).parent / "govinspect"
    if not script.exists():
        return f"{sys.executable} -m cli"
    try:
        return os.path.relpath(script)
    except ValueError:  # another drive
        return str(script)


def print_check_summary(out: Console, summary: dict[str, Any], db_url: str) -> None:
    """What a check run found, for `govinspect check` and the end of `govinspect scan`."""
    by_check = summary.get("findings_by_check", {})
    out.print(f"Checks of run {summary['run_id']} (as of {summary['as_of']}, {summary['quarter']}): "
              f"{summary['new']} new, {summary['seen_again']} seen again, {summary['reopened']} reopened, "
              f"{summary['fixed']} fixed")
    if by_check:
        out.print("  findings: " + ", ".join(f"{k} {v}" for k, v in by_check.items()))
    if summary.get("skipped"):
        out.print("  not checked further: " + ", ".join(f"{k} ({v})" for k, v in summary["skipped"].items()))
    scores = summary.get("scores") or []
    if scores:
        table = Table(title=f"Scores {summary['quarter']}")
        for name in ("subject", "id", "score", "passed", "vetoes"):
            table.add_column(name)
        for s in scores:
            vetoes = ", ".join(v.get("id", v.get("subject_id", "")) for v in s["vetoes"])
            table.add_row(s["subject"], s["subject_id"], f"{s['score']:.2f}",
                          "[green]yes" if s["passed"] else "[red]no", vetoes)
        out.print(table)
    out.print(f"  details: {cli_name()} findings --db {db_url} --format table")


def print_worst_findings(out: Console, db_url: str, limit: int = 12) -> None:
    """The open findings that weigh most (single-veto items first), for the end of the demo."""
    engine, session = _session(db_url)
    try:
        rows = worst_findings(session)
    finally:
        session.close()
        engine.dispose()
    if not rows:
        return
    table = Table(title=f"Worst findings ({min(limit, len(rows))} of {len(rows)})")
    for name in ("severity", "site", "check", "target", "detail"):
        table.add_column(name, overflow="fold")
    for r in rows[:limit]:
        table.add_row(r["severity"], _text(r["site"]), r["check"], _text(r["target"]), _text(r["detail"]))
    out.print(table)


# --- commands ---------------------------------------------------------------------------------------------


def findings(
    db: DbRead = None,
    site: Annotated[str | None, typer.Option("--site", help="Only this site (or account) id")] = None,
    check: Annotated[str | None, typer.Option("--check", help="Only this check id")] = None,
    status: Annotated[FindingStatus | None, typer.Option("--status", help="Review status")] = None,
    severity: Annotated[SeverityOpt | None, typer.Option("--severity", help="Severity")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format")] = Format.table,
    output: OutputFile = None,
    all_runs: Annotated[bool, typer.Option("--all", help="Every finding ever recorded, not only the latest scan's")] = False,
) -> None:
    """The findings of each site's latest scan (seen in it, or found fixed by it)."""
    engine, session = _session(db)
    try:
        with database_errors(db):
            rows = query_findings(session, site=site, check=check, status=status.value if status else None,
                                  severity=severity.value if severity else None, all_runs=all_runs)
    finally:
        session.close()
        engine.dispose()
    write_rows(rows, FINDING_FIELDS, fmt, output, findings_table(rows) if fmt is Format.table else None)


QUARTER_RE = re.compile(r"\d{4}Q[1-4]")


def _quarter_opt(value: str | None) -> str | None:
    """A quarter as scores store it (2026Q4); anything else would only match nothing, silently."""
    if value is None:
        return None
    if not QUARTER_RE.fullmatch(value.strip().upper()):
        raise typer.BadParameter(f"expected a quarter like 2026Q4, got {value!r}")
    return value.strip().upper()


def scores(
    db: DbRead = None,
    quarter: Annotated[str | None, typer.Option("--quarter", help="e.g. 2026Q4 (default: the newest scored)",
                                                callback=_quarter_opt)] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format")] = Format.table,
    output: OutputFile = None,
) -> None:
    """One row per site, account and unit: its latest score of the quarter."""
    engine, session = _session(db)
    try:
        with database_errors(db):
            q, rows = query_scores(session, quarter)
    finally:
        session.close()
        engine.dispose()
    write_rows(rows, SCORE_FIELDS, fmt, output, scores_table(q, rows) if fmt is Format.table else None)


def check(
    db: DbRead = None,
    run: Annotated[int | None, typer.Option("--run", help="Scan run id (default: the newest)")] = None,
    indicators: IndicatorsFile = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format: table or json")] = Format.table,
) -> None:
    """(Re)run the checks and the scoring on a stored scan run."""
    if fmt not in (Format.table, Format.json):
        # the summary is nested (counts, scores with their vetoes): no flat rows for a sheet.
        # Refuse before checking anything rather than print a table the caller did not ask for.
        raise typer.BadParameter(f"check prints table or json only, not {fmt.value}; for a spreadsheet use "
                                 f"`govinspect findings` or `govinspect scores` --format {fmt.value}",
                                 param_hint="'--format'")
    from checks.engine import CheckError, check_and_score
    from db.models import ScanRun
    from db.session import make_engine, resolve_url, session_scope

    engine = make_engine(db)
    try:
        with database_errors(db), session_scope(engine) as session:
            run_id = run or session.scalar(select(func.max(ScanRun.id)))
            if run_id is None:
                err_console.print("[red]no scan run in the database[/]")
                raise typer.Exit(exitcodes.FAILED)
            summary = check_and_score(session, run_id, None, str(indicators) if indicators else None)
    except ConfigError as exc:
        err_console.print(f"[red]config error:[/] {exc}", highlight=False)
        raise typer.Exit(exitcodes.USAGE) from None
    except CheckError as exc:
        err_console.print(f"[red]{exc}[/]", highlight=False)
        raise typer.Exit(exitcodes.FAILED) from None
    finally:
        engine.dispose()
    if fmt is Format.json:
        sys.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    else:
        print_check_summary(console, summary, resolve_url(db))


def review(
    finding_id: Annotated[int, typer.Argument(help="Finding id (see `govinspect findings`)")],
    status: Annotated[ReviewStatus, typer.Option("--status", help="The verdict")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why (required to dismiss)")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Reviewer name")] = None,
    db: DbRead = None,
) -> None:
    """Record an inspector's verdict on a finding; it survives rescans."""
    from checks.engine import set_status
    from db.session import make_engine, session_scope

    engine = make_engine(db)
    try:
        with database_errors(db), session_scope(engine) as session:
            f = set_status(session, finding_id, status.value, reason, by)
            console.print(f"finding {f.id} ({f.subject_id} {f.check_id} {_text(f.target)}) -> {f.status}")
    except (ValueError, LookupError) as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(exitcodes.USAGE) from None
    finally:
        engine.dispose()


def register(app: typer.Typer) -> None:
    app.command("findings")(findings)
    app.command("scores")(scores)
    app.command("check")(check)
    app.command("review")(review)
