"""Downloads: findings as .xlsx/.csv (the list's filters, within the user's units), the city-wide
通报 (inspectors and admins) and a unit's 自查报告 (that unit's webmaster too)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from reports.dashboard import latest_quarter
from reports.docx import ReportError, self_check, tongbao
from reports.findings_list import all_findings
from reports.sheets import findings_csv, findings_xlsx
from reports.site_view import subjects_of
from web.deps import DB, Reviewer, SignedIn, render, require_unit, scope
from web.routes.dashboard import quarter_param
from web.routes.findings import finding_filter

router = APIRouter()
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(body: bytes, filename: str, media_type: str) -> Response:
    # RFC 6266/5987: the Chinese name for browsers that read it, an ASCII one for the rest
    ascii_name = filename.encode("ascii", "ignore").decode() or "report"
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})


@router.get("/reports")
def reports_page(request: Request, user: SignedIn, session: DB) -> Response:
    quarter = latest_quarter(session)
    units = sorted({(s.unit_id, s.unit_name) for s in subjects_of(session, scope(user))})
    return render(request, "reports.html", {"quarter": quarter, "units": units}, user=user)


@router.get("/reports/findings.xlsx")
def findings_sheet(request: Request, user: SignedIn, session: DB) -> Response:
    rows = all_findings(session, finding_filter(request.query_params, page=False), scope(user))
    return download(findings_xlsx(rows), "问题清单.xlsx", XLSX)


@router.get("/reports/findings.csv")
def findings_text(request: Request, user: SignedIn, session: DB) -> Response:
    rows = all_findings(session, finding_filter(request.query_params, page=False), scope(user))
    return download(findings_csv(rows).encode("utf-8-sig"), "问题清单.csv", "text/csv; charset=utf-8")


@router.get("/reports/tongbao.docx")
def tongbao_docx(user: Reviewer, session: DB, quarter: str | None = None) -> Response:
    try:
        q, body = tongbao(session, quarter_param(quarter))
    except ReportError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None
    return download(body, f"{q}政府网站与政务新媒体检查情况通报.docx", DOCX)


@router.get("/reports/self/{unit_id}.docx")
def self_check_docx(unit_id: str, user: SignedIn, session: DB, quarter: str | None = None) -> Response:
    require_unit(user, unit_id)
    try:
        q, body = self_check(session, unit_id, quarter_param(quarter))
    except ReportError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None
    return download(body, f"{unit_id}-{q}自查报告.docx", DOCX)
