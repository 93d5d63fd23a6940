""""Recheck now": one link, or one whole site, in the background; the task page shows progress
and refreshes itself (a meta refresh, no script) until the result is in."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from db.models import RecheckTask
from reports.site_view import finding, subject
from web import tasks
from web.deps import DB, SignedIn, render, visible

router = APIRouter()


@router.post("/findings/{finding_id}/recheck")
def recheck_finding(request: Request, finding_id: int, user: SignedIn,
                    session: DB) -> Response:
    row = visible(user, finding(session, finding_id), lambda r: r["unit"])
    if row["check"] == "link_broken" and row["status"] in ("open", "confirmed"):
        task = tasks.start(request.app.state, session, kind="url", site_id=row["site"], unit_id=row["unit"],
                           url=row["target"], finding_id=finding_id, by=user.label)
    else:
        task = tasks.start(request.app.state, session, kind="site", site_id=row["site"], unit_id=row["unit"],
                           finding_id=finding_id, by=user.label)
    return RedirectResponse(f"/rechecks/{task.id}", status_code=303)


@router.post("/sites/{subject_id}/recheck")
def recheck_site(request: Request, subject_id: str, user: SignedIn,
                 session: DB) -> Response:
    s = visible(user, subject(session, subject_id), lambda s: s.unit_id)
    task = tasks.start(request.app.state, session, kind="site", site_id=s.id, unit_id=s.unit_id, by=user.label)
    return RedirectResponse(f"/rechecks/{task.id}", status_code=303)


@router.get("/rechecks/{task_id}")
def recheck_page(request: Request, task_id: int, user: SignedIn,
                 session: DB) -> Response:
    task = visible(user, session.get(RecheckTask, task_id), lambda t: t.unit_id)
    tasks.reap(request.app.state, session, task)
    return render(request, "recheck.html", {"t": task, "p": tasks.progress(session, task),
                                            "active": task.status in tasks.ACTIVE}, user=user)
