"""What every route needs: the database session, the signed-in user and the scope of units they
may see, and the template renderer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from jinja2 import ChainableUndefined, Environment, FileSystemLoader
from sqlalchemy.orm import Session

from db.models import User
from reports import labels
from reports.users import Principal, principal
from web.security import clean, csrf_token, linkable

TEMPLATES = Path(__file__).resolve().parent / "templates"
_BEIJING = dt.timedelta(hours=8)


class LoginRequired(Exception):
    """No signed-in user: the handler sends the browser to the sign-in page."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


def beijing(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time as China's local time."""
    return (value + _BEIJING).strftime(fmt) if value is not None else ""


def make_templates() -> Environment:
    # autoescape everywhere: every string in a page may have come from a crawled site
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=ChainableUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(clean=clean, bjt=beijing, check=labels.check_label, severity=labels.severity_label,
                       review=labels.status_label, quarter=labels.quarter_label)
    env.tests["linkable"] = linkable
    env.globals.update(labels=labels, quote=quote)
    return env


def db(request: Request) -> Iterator[Session]:
    session = request.app.state.sessions()
    try:
        yield session
    finally:
        session.close()


DB = Annotated[Session, Depends(db)]


def current_user(request: Request, session: DB) -> Principal:
    """The signed-in, still active user (a disabled account loses its session at once)."""
    uid = request.session.get("uid")
    user = session.get(User, uid) if isinstance(uid, int) else None
    if user is None or not user.active:
        request.session.pop("uid", None)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return principal(user)


SignedIn = Annotated[Principal, Depends(current_user)]


def reviewer(user: SignedIn) -> Principal:
    if not user.can_review:
        raise HTTPException(status_code=403, detail="只有检查员可以审核")
    return user


def admin(user: SignedIn) -> Principal:
    if user.role != "admin":
        raise HTTPException(status_code=403, detail="只有管理员可以访问")
    return user


Reviewer = Annotated[Principal, Depends(reviewer)]
Admin = Annotated[Principal, Depends(admin)]


def scope(user: Principal) -> str | None:
    """The one unit a webmaster may see; None for inspectors and admins (all units)."""
    return None if user.all_units else (user.unit_id or "\x00no unit")


def require_unit(user: Principal, unit_id: str | None) -> None:
    """Another unit's page is answered as if it did not exist."""
    if not user.may_see_unit(unit_id):
        raise HTTPException(status_code=404, detail="未找到")


def visible(user: Principal, found: Any, unit_id: Callable[[Any], str | None]) -> Any:
    """`found` when the user may see its unit; a 404 when it is missing or another unit's."""
    if found is None or not user.may_see_unit(unit_id(found)):
        raise HTTPException(status_code=404, detail="未找到")
    return found


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200,
           user: Principal | None = None) -> HTMLResponse:
    env: Environment = request.app.state.templates
    html = env.get_template(name).render(request=request, user=user, csrf=csrf_token(request), **context)
    return HTMLResponse(html, status_code=status_code)

