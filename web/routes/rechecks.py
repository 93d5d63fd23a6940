""""Recheck now": one link, or one whole site, in the background; the task page shows progress
and refreshes itself (a meta refresh, no script) until the result is in."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from db.models import RecheckTask
from reports.site_view import finding, subject
from web import tasks
from web.deps import DB, SignedIn, render, require_unit

router = APIRouter()


@router.post("/findings/{finding_id}/recheck")
def recheck_finding(request: Request, finding_id: int, user: SignedIn,
                    session: DB) -> Response:
    row = finding(session, finding_id)
    if row is None:
        raise HTTPException(status_code=404, detail="未找到")
    require_unit(user, row["unit"])
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
    s = subject(session, subject_id)
    if s is None:
        raise HTTPException(status_code=404, detail="未找到")
    require_unit(user, s.unit_id)
    task = tasks.start(request.app.state, session, kind="site", site_id=s.id, unit_id=s.unit_id, by=user.label)
    return RedirectResponse(f"/rechecks/{task.id}", status_code=303)


@router.get("/rechecks/{task_id}")
def recheck_page(request: Request, task_id: int, user: SignedIn,
                 session: DB) -> Response:
    task = session.get(RecheckTask, task_id)
    if task is None:
        raise HTTPException(status_code=404, detail="未找到")
    require_unit(user, task.unit_id)
    tasks.reap(request.app.state, session, task)
    return render(request, "recheck.html", {"t": task, "p": tasks.progress(session, task),
                                            "active": task.status in tasks.ACTIVE}, user=user)
