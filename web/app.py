"""The ASGI application: `create_app(db_url, …)` for `govinspect serve` and the tests."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from db.session import make_engine, resolve_url, session_factory
from web import tasks
from web.deps import LoginRequired, make_templates
from web.security import HEADERS, LoginLimiter, csrf_protect

STATIC = Path(__file__).resolve().parent / "static"
SESSION_HOURS = 8


@dataclass
class WebConfig:
    db_url: str | None = None
    registry: Path | None = None  # config/sites.yaml for site rechecks (default: the project's)
    schedule: Path | None = None  # config/schedule.yaml for the publication deadline
    # signs the session cookie; random per start unless given (sessions then end with a restart)
    secret: str | None = None
    https_only: bool = False
    max_login_failures: int = 5
    login_window_s: float = 300.0


def app_from_env() -> FastAPI:
    """The app as `govinspect serve` configures it, through the environment: GOVINSPECT_DB,
    GOVINSPECT_REGISTRY, GOVINSPECT_SCHEDULE, GOVINSPECT_SECRET."""
    def path(name: str) -> Path | None:
        value = os.environ.get(name)
        return Path(value) if value else None

    return create_app(WebConfig(db_url=os.environ.get("GOVINSPECT_DB"), registry=path("GOVINSPECT_REGISTRY"),
                                schedule=path("GOVINSPECT_SCHEDULE"), secret=os.environ.get("GOVINSPECT_SECRET")))


def create_app(config: WebConfig | None = None) -> FastAPI:
    from web.routes import admin, auth, dashboard, findings, rechecks, reports, sites

    config = config or WebConfig()
    url = resolve_url(config.db_url)
    engine = make_engine(url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        with app.state.sessions() as session:
            tasks.stop_all(app.state, session)
        engine.dispose()

    app = FastAPI(title="govinspect", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan,
                  dependencies=[Depends(csrf_protect)])
    app.state.db_url = url
    app.state.engine = engine
    app.state.sessions = session_factory(app.state.engine)
    app.state.config = config
    app.state.templates = make_templates()
    app.state.limiter = LoginLimiter(config.max_login_failures, config.login_window_s)
    app.state.workers = {}  # recheck task id -> its child process

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.add_middleware(SessionMiddleware, secret_key=config.secret or secrets.token_urlsafe(32),
                       session_cookie="govinspect_session", max_age=SESSION_HOURS * 3600, same_site="strict",
                       https_only=config.https_only)

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(exc.next_url, safe='')}", status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        from web.deps import render

        titles = {403: "无权访问", 404: "未找到", 429: "请求过于频繁"}
        try:
            return render(request, "error.html", {"title": titles.get(exc.status_code, "出错了"),
                                                  "message": str(exc.detail), "status": exc.status_code},
                          status_code=exc.status_code, user=None)
        except Exception:  # never let the error page hide the error
            return HTMLResponse(str(exc.status_code), status_code=exc.status_code)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (auth, dashboard, sites, findings, rechecks, reports, admin):
        app.include_router(module.router)
    return app
