"""Sign in and out."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from reports.users import authenticate
from web.deps import DB, render
from web.security import CSRF_FIELD, csrf_token

router = APIRouter()


def _safe_next(value: str | None) -> str:
    """Only a path on this server (no //host, no scheme): no open redirect after sign-in."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    parts = urlsplit(value)
    return "/" if parts.scheme or parts.netloc else value


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", {"next": _safe_next(next), "error": None, "username": ""})


@router.post("/login")
def login(request: Request, session: DB, username: Annotated[str, Form()] = "",
          password: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/") -> Response:
    limiter = request.app.state.limiter
    client = request.client.host if request.client else "?"
    wait = limiter.retry_after(client, username)
    if wait:
        return render(request, "login.html", {"next": _safe_next(next), "username": username,
                                              "error": f"登录失败次数过多，请 {wait} 秒后再试"},
                      status_code=429)
    user = authenticate(session, username, password)
    if user is None:
        session.rollback()
        limiter.failed(client, username)
        return render(request, "login.html", {"next": _safe_next(next), "username": username,
                                              "error": "用户名或密码错误"}, status_code=401)
    session.commit()
    limiter.succeeded(client, username)
    # a new session on sign-in: a token planted before it is worth nothing after
    request.session.clear()
    request.session["uid"] = user.id
    csrf_token(request)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


__all__ = ["router", "CSRF_FIELD"]
