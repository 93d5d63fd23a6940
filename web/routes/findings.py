"""The findings list across sites, one finding with its evidence, and the review workflow."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

from checks.engine import set_status
from reports import labels
from reports.findings_list import SORTS, FindingFilter, finding_ids, list_findings, unit_names
from reports.site_view import finding, subjects_of
from reports.users import Principal
from web.deps import DB, Reviewer, SignedIn, render, scope, visible
from web.routes.dashboard import quarter_param

router = APIRouter()
REVIEW_ACTIONS = ("confirmed", "dismissed", "fixed", "open")
FILTER_KEYS = ("unit", "site", "check", "severity", "status", "quarter", "q", "all", "sort", "desc")


def finding_filter(p: QueryParams, *, page: bool = True) -> FindingFilter:
    """The list's filter from a query string (unknown values are ignored, never an error page)."""

    def pick(name: str, allowed: dict[str, str] | tuple[str, ...] | None = None) -> str | None:
        value = (p.get(name) or "").strip()
        if not value or (allowed is not None and value not in allowed):
            return None
        return value[:200]

    try:
        page_no = max(1, int(p.get("page", "1"))) if page else 1
    except ValueError:
        page_no = 1
    return FindingFilter(unit=pick("unit"), site=pick("site"), check=pick("check"),
                         severity=pick("severity", labels.SEVERITIES), status=pick("status", labels.STATUSES),
                         quarter=quarter_param(pick("quarter")), q=pick("q"), all_runs=p.get("all") == "1",
                         sort=pick("sort", SORTS) or "severity", desc=p.get("desc") == "1", page=page_no)


def filter_query(request: Request, **override: object) -> str:
    params = {k: request.query_params[k] for k in FILTER_KEYS if request.query_params.get(k)}
    params.update({k: str(v) for k, v in override.items() if v not in (None, "")})
    return urlencode(params)


@router.get("/findings")
def findings_list(request: Request, user: SignedIn, session: DB) -> Response:
    f = finding_filter(request.query_params)
    page = list_findings(session, f, scope(user))
    names = unit_names(session)
    units = sorted((uid, name) for uid, name in names.items() if user.may_see_unit(uid))
    # the site choice lists one unit's sites (a city has thousands): the chosen unit's, or the webmaster's
    unit = scope(user) or f.unit
    subjects = subjects_of(session, unit) if unit else []
    return render(request, "findings.html", {
        "page": page, "f": f, "subjects": subjects, "units": units, "sorts": SORTS,
        "qs": lambda **kw: filter_query(request, **kw), "export_qs": filter_query(request),
    }, user=user)


def _load(session: Session, user: Principal, finding_id: int) -> dict:
    return visible(user, finding(session, finding_id), lambda r: r["unit"])


@router.get("/findings/{finding_id}")
def finding_page(request: Request, finding_id: int, user: SignedIn,
                 session: DB) -> Response:
    row = _load(session, user, finding_id)
    return render(request, "finding.html", {"f": row, "error": request.query_params.get("error")}, user=user)


@router.post("/findings/{finding_id}/review")
def review(request: Request, finding_id: int, status: Annotated[str, Form()], user: Reviewer, session: DB,
           reason: Annotated[str, Form()] = "") -> Response:
    _load(session, user, finding_id)
    if status not in REVIEW_ACTIONS:
        raise HTTPException(status_code=400, detail="未知的审核结论")
    try:
        set_status(session, finding_id, status, reason, user.label, source="web")
    except ValueError:
        session.rollback()
        return RedirectResponse(f"/findings/{finding_id}?error=reason", status_code=303)
    session.commit()
    return RedirectResponse(f"/findings/{finding_id}", status_code=303)


@router.post("/findings/bulk")
def bulk_review(user: Reviewer, session: DB, status: Annotated[str, Form()], reason: Annotated[str, Form()] = "",
                back: Annotated[str, Form()] = "", scope_: Annotated[str, Form(alias="scope")] = "selected",
                ids: Annotated[list[str] | None, Form()] = None) -> Response:
    """Confirm or dismiss the ticked findings, or every finding the list's filter selects."""
    if status not in ("confirmed", "dismissed"):
        raise HTTPException(status_code=400, detail="批量操作只能确认或驳回")
    if status == "dismissed" and not reason.strip():
        return RedirectResponse(f"/findings?{back}&error=reason" if back else "/findings?error=reason", status_code=303)
    if scope_ == "filtered":
        chosen = finding_ids(session, finding_filter(QueryParams(back)), scope(user))
    else:
        wanted = [int(v) for v in ids or [] if v.isdigit()]
        chosen = finding_ids(session, FindingFilter(ids=wanted, all_runs=True), scope(user)) if wanted else []
    for fid in chosen:
        set_status(session, fid, status, reason, user.label, source="web")
    session.commit()
    sep = "&" if back else ""
    return RedirectResponse(f"/findings?{back}{sep}done={len(chosen)}", status_code=303)
