"""Admin: users and the registry as the database holds it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Unit
from reports.site_view import subjects_of
from reports.users import ROLES, Principal, UserError, add_user, list_users, set_active
from web.deps import DB, Admin, render

router = APIRouter(prefix="/admin")


def _users_page(request: Request, user: Principal, session: Session, error: str | None = None,
                status_code: int = 200) -> Response:
    units = list(session.scalars(select(Unit).order_by(Unit.id)))
    return render(request, "users.html", {"users": list_users(session), "roles": ROLES, "units": units,
                                          "error": error}, status_code=status_code, user=user)


@router.get("/users")
def users(request: Request, user: Admin, session: DB) -> Response:
    return _users_page(request, user, session)


@router.post("/users")
def create_user(request: Request, user: Admin, session: DB, username: Annotated[str, Form()],
                password: Annotated[str, Form()], role: Annotated[str, Form()], unit_id: Annotated[str, Form()] = "",
                display_name: Annotated[str, Form()] = "") -> Response:
    try:
        add_user(session, username, password, role, unit_id or None, display_name)
    except UserError as exc:
        session.rollback()
        return _users_page(request, user, session, str(exc), status_code=400)
    session.commit()
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{username}/active")
def toggle_user(username: str, active: Annotated[str, Form()], user: Admin, session: DB) -> Response:
    if username != user.username:  # an admin cannot lock themselves out
        try:
            set_active(session, username, active == "1")
        except UserError:
            raise HTTPException(status_code=404, detail="未找到") from None
        session.commit()
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/registry")
def registry(request: Request, user: Admin, session: DB) -> Response:
    units = list(session.scalars(select(Unit).order_by(Unit.id)))
    return render(request, "registry.html", {"units": units, "subjects": subjects_of(session)}, user=user)
