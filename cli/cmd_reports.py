"""`govinspect report tongbao|self|findings`: the quarterly 通报, a unit's 自查报告 (.docx) and the
findings sheet with Chinese headers (.xlsx/.csv), as the web UI downloads them."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.orm import Session

from cli.cmd_report import _quarter_opt
from cli.options import DbRead, output_path
from core.exitcodes import FAILED

err_console = Console(stderr=True)
report_app = typer.Typer(help="Quarterly reports: 通报, 自查报告 and the findings sheet.", no_args_is_help=True)
QUARTER_HELP = "e.g. 2026Q4 (default: the newest scored)"


class SheetFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"


def _write(output: Path, body: bytes, what: str) -> None:
    output.write_bytes(body)
    err_console.print(f"wrote {what} to {escape(str(output))}", highlight=False)


def _session(db: str | None) -> tuple[Any, Session]:
    from db.session import make_engine, session_factory

    engine = make_engine(db)
    return engine, session_factory(engine)()


def _docx(db: str | None, build: Callable[[Session], tuple[str, bytes]]) -> tuple[str, bytes]:
    from reports.docx import ReportError

    engine, session = _session(db)
    try:
        return build(session)
    except ReportError as exc:
        err_console.print(f"[red]{escape(str(exc))}[/]")
        raise typer.Exit(FAILED) from None
    finally:
        session.close()
        engine.dispose()


@report_app.command("tongbao")
def tongbao_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="The .docx file to write", callback=output_path)],
    quarter: Annotated[str | None, typer.Option("--quarter", help=QUARTER_HELP, callback=_quarter_opt)] = None,
    issuer: Annotated[str, typer.Option("--issuer", help="Who issues it (signed at the end)")] = "",
    db: DbRead = None,
) -> None:
    """The city-wide 通报 of a quarter: counts, ranking of units, charts, each unit's problems."""
    from reports.docx import tongbao

    q, body = _docx(db, lambda session: tongbao(session, quarter, issuer))
    _write(output, body, f"the {q} 通报")


@report_app.command("self")
def self_cmd(
    unit: Annotated[str, typer.Option("--unit", help="Unit id")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The .docx file to write", callback=output_path)],
    quarter: Annotated[str | None, typer.Option("--quarter", help=QUARTER_HELP, callback=_quarter_opt)] = None,
    db: DbRead = None,
) -> None:
    """A unit's 自查报告 for a quarter."""
    from reports.docx import self_check

    q, body = _docx(db, lambda session: self_check(session, unit, quarter))
    _write(output, body, f"the {q} 自查报告 of {unit}")


@report_app.command("findings")
def findings_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="The .xlsx or .csv file to write",
                                         callback=output_path)],
    fmt: Annotated[SheetFormat | None, typer.Option("--format", help="xlsx or csv (default: by the file name)")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Only this unit")] = None,
    check: Annotated[str | None, typer.Option("--check", help="Only this check id")] = None,
    status: Annotated[str | None, typer.Option("--status", help="Only this review status")] = None,
    db: DbRead = None,
) -> None:
    """The current findings with Chinese column headers (序号, 单位, 网站/账号, 问题类型, …)."""
    from reports.findings_list import FindingFilter, all_findings
    from reports.sheets import findings_csv, findings_xlsx

    kind = fmt or (SheetFormat.csv if output.suffix.lower() == ".csv" else SheetFormat.xlsx)
    engine, session = _session(db)
    try:
        rows = all_findings(session, FindingFilter(unit=unit, check=check, status=status))
    finally:
        session.close()
        engine.dispose()
    body = findings_xlsx(rows) if kind is SheetFormat.xlsx else findings_csv(rows).encode("utf-8-sig")
    _write(output, body, f"{len(rows)} findings")


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
