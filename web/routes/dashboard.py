"""The dashboard: this quarter at a glance."""

from __future__ import annotations

import re

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from core.clock import local_today
from core.schedule_config import load_schedule
from reports.dashboard import dashboard
from web.deps import DB, SignedIn, render, scope

router = APIRouter()
QUARTER = re.compile(r"\d{4}Q[1-4]")


def quarter_param(quarter: str | None) -> str | None:
    if not quarter:
        return None
    if not QUARTER.fullmatch(quarter):
        raise HTTPException(status_code=400, detail="季度格式应为 2026Q4")
    return quarter


@router.get("/")
def home(request: Request, user: SignedIn, session: DB, quarter: str | None = None) -> Response:
    schedule = load_schedule(request.app.state.config.schedule)
    data = dashboard(session, local_today(schedule.timezone), schedule.deadline, quarter_param(quarter), scope(user))
    top = max((n for _, n in data.by_check), default=0)
    return render(request, "dashboard.html", {"d": data, "top": top}, user=user)
