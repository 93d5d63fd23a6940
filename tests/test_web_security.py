"""The web UI against hostile crawled content, other units' webmasters, forged requests and
password guessing (in-process, through Starlette's test client)."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core.urls import url_hash
from db.models import ColumnItem, Finding, ScanRun, Score, Screenshot, Site, SiteScan, Unit
from db.session import make_engine, session_factory
from reports.users import add_user
from web.app import WebConfig, create_app

SCRIPT = "<script>alert(1)</script>"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PASSWORD = "correct horse battery"


def _finding(run_id: int, unit: str, site: str, check: str, target: str, detail: str, **evidence: Any) -> Finding:
    now = dt.datetime(2026, 11, 20, 2)
    return Finding(unit_id=unit, subject="site", subject_id=site, check_id=check, severity="deduct", url=target,
                   target=target, target_hash=str(abs(hash((site, check, target)))), detail=detail,
                   evidence={"run_id": run_id, **evidence}, first_seen_run=run_id, last_seen_run=run_id,
                   first_seen_at=now, last_seen_at=now, status="open")


def build(url: str) -> dict[str, int]:
    """Two units, one site each, a scan with hostile findings for unit a and a plain one for unit b."""
    engine = make_engine(url)
    with session_factory(engine)() as s:
        s.add_all([Unit(id="ua", name="甲单位", kind="department"), Unit(id="ub", name="乙单位", kind="department")])
        s.add_all([Site(id="sa", unit_id="ua", name="甲网站", url="http://127.0.0.1:9/a/"),
                   Site(id="sb", unit_id="ub", name="乙网站", url="http://127.0.0.1:9/b/")])
        run = ScanRun(as_of=dt.date(2026, 11, 20), status="completed")
        s.add(run)
        s.flush()
        s.add_all([SiteScan(run_id=run.id, site_id=sid, unit_id=uid, status="completed")
                   for sid, uid in (("sa", "ua"), ("sb", "ub"))])
        shot_b = Screenshot(run_id=run.id, site_id="sb", url="http://127.0.0.1:9/b/col/", url_hash="b", reason="empty",
                            png=PNG, size=len(PNG))
        # bytes that are HTML, not PNG: never served (as image/png or anything else)
        shot_fake = Screenshot(run_id=run.id, site_id="sa", url="http://127.0.0.1:9/a/x/", url_hash="x",
                               reason="empty", png=b"<html><script>alert(1)</script>", size=31)
        s.add_all([shot_b, shot_fake])
        s.flush()
        hostile = _finding(run.id, "ua", "sa", "column_stale", "javascript:alert(1)", f"栏目不更新：「{SCRIPT}」",
                           column=SCRIPT, column_url="javascript:alert(1)", title=SCRIPT,
                           page="data:text/html,<script>alert(1)</script>",
                           sources=[{"page": "JavaScript:alert(1)", "anchor": SCRIPT + "\x1b[2J"}],
                           newest={"title": SCRIPT, "url": " javascript:alert(1)", "published": "2026-01-01"})
        plain_b = _finding(run.id, "ub", "sb", "column_empty", "http://127.0.0.1:9/b/col/", "空白栏目：「表格下载」",
                           column="表格下载", column_url="http://127.0.0.1:9/b/col/", screenshot_id=shot_b.id)
        s.add_all([hostile, plain_b])
        s.add(ColumnItem(run_id=run.id, site_id="sa", column_url="javascript:alert(1)",
                         column_hash=url_hash("javascript:alert(1)"),
                         title=SCRIPT, url="javascript:alert(1)", url_hash="i", published=dt.date(2026, 1, 1),
                         date_text="2026-01-01"))
        for sid, uid, score in (("sa", "ua", 95.0), ("sb", "ub", 90.0)):
            for subject, subject_id in (("site", sid), ("unit", uid)):
                s.add(Score(run_id=run.id, quarter="2026Q4", subject=subject, subject_id=subject_id, unit_id=uid,
                            score=score, passed=True, grade="良好", vetoes=[], deductions=[]))
        add_user(s, "inspector", PASSWORD, "inspector")
        add_user(s, "webmaster_a", PASSWORD, "webmaster", "ua")
        s.commit()
        ids = {"hostile": hostile.id, "plain_b": plain_b.id, "shot_b": shot_b.id, "shot_fake": shot_fake.id}
    engine.dispose()
    return ids


@pytest.fixture
def site_db(sqlite_url: str) -> tuple[str, dict[str, int]]:
    return sqlite_url, build(sqlite_url)


@pytest.fixture
def client(site_db: tuple[str, dict[str, int]]) -> TestClient:
    return TestClient(create_app(WebConfig(db_url=site_db[0], max_login_failures=3)))


def token(c: TestClient, path: str = "/login") -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', c.get(path).text)
    assert m, f"no CSRF token on {path}"
    return m.group(1)


def login(c: TestClient, username: str, password: str = PASSWORD) -> Any:
    return c.post("/login", data={"username": username, "password": password, "csrf_token": token(c)},
                  follow_redirects=False)


def test_crawled_script_and_javascript_links_render_inert(client: TestClient, site_db: Any) -> None:
    ids = site_db[1]
    assert login(client, "inspector").status_code == 303
    pages = [client.get(p) for p in ("/", "/findings", f"/findings/{ids['hostile']}", "/sites/sa",
                                     "/findings?q=alert")]
    for r in pages:
        assert r.status_code == 200
        html = r.text
        assert SCRIPT not in html and "<script" not in html.lower()
        assert not re.search(r"""(href|src|action)\s*=\s*["']?\s*(javascript|data|vbscript):""", html, re.I)
        assert "\x1b" not in html
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert "unsafe-inline" not in r.headers["content-security-policy"]
    detail = pages[2].text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail
    assert '<span class="inert" title="不可点击的链接">javascript:alert(1)</span>' in detail
    assert "\\x1b[2J" in detail  # the control character shown, not obeyed


def test_screenshots_are_png_with_a_fixed_type(client: TestClient, site_db: Any) -> None:
    ids = site_db[1]
    login(client, "inspector")
    r = client.get(f"/screenshots/{ids['shot_b']}.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert r.headers["x-content-type-options"] == "nosniff" and r.content == PNG
    assert client.get(f"/screenshots/{ids['shot_fake']}.png").status_code == 404


def test_webmaster_sees_only_their_unit(client: TestClient, site_db: Any) -> None:
    ids = site_db[1]
    login(client, "webmaster_a")
    assert client.get("/sites/sa").status_code == 200
    assert client.get(f"/findings/{ids['hostile']}").status_code == 200
    for url in ("/sites/sb", f"/findings/{ids['plain_b']}", f"/screenshots/{ids['shot_b']}.png",
                "/reports/self/ub.docx", "/reports/tongbao.docx"):
        assert client.get(url).status_code in (403, 404), url
    # the lists and exports of every unit hold only unit a's rows
    for url in ("/findings", "/findings?unit=ub", "/findings?site=sb", "/", "/sites"):
        html = client.get(url).text
        assert "乙网站" not in html and "表格下载" not in html, url
    from openpyxl import load_workbook

    for url in ("/reports/findings.xlsx", "/reports/findings.xlsx?unit=ub"):
        ws = load_workbook(io.BytesIO(client.get(url).content)).active
        units = {row[1] for row in ws.iter_rows(min_row=2, values_only=True)}
        assert units <= {"甲单位"}, (url, units)
    assert "乙单位" not in client.get("/reports/findings.csv?site=sb").content.decode("utf-8-sig")
    # a webmaster cannot review, even by posting straight to the endpoint
    r = client.post(f"/findings/{ids['hostile']}/review", data={"status": "dismissed", "reason": "x",
                                                               "csrf_token": token(client, "/findings")})
    assert r.status_code == 403
    r = client.post(f"/findings/{ids['plain_b']}/recheck", data={"csrf_token": token(client, "/findings")})
    assert r.status_code in (403, 404)


def test_post_without_csrf_token_is_refused(client: TestClient, site_db: Any) -> None:
    ids = site_db[1]
    # no token at sign-in
    assert client.post("/login", data={"username": "inspector", "password": PASSWORD}).status_code == 403
    login(client, "inspector")
    url = f"/findings/{ids['hostile']}/review"
    assert client.post(url, data={"status": "dismissed", "reason": "误报"}).status_code == 403
    assert client.post(url, data={"status": "dismissed", "reason": "误报", "csrf_token": "forged"}).status_code == 403
    assert client.post("/findings/bulk", data={"status": "confirmed", "ids": str(ids["hostile"])}).status_code == 403
    assert client.post("/logout").status_code == 403
    assert "待审核" in client.get(f"/findings/{ids['hostile']}").text  # nothing changed
    r = client.post(url, data={"status": "dismissed", "reason": "误报", "csrf_token": token(client, "/findings")},
                    follow_redirects=False)
    assert r.status_code == 303
    page = client.get(f"/findings/{ids['hostile']}").text
    assert "已驳回" in page and "误报" in page


def test_dismiss_needs_a_reason_and_is_audited(client: TestClient, site_db: Any) -> None:
    from db.audit import review_history

    ids = site_db[1]
    login(client, "inspector")
    url = f"/findings/{ids['hostile']}/review"
    r = client.post(url, data={"status": "dismissed", "reason": " ", "csrf_token": token(client, "/findings")})
    assert "驳回必须填写理由" in r.text
    client.post(url, data={"status": "confirmed", "csrf_token": token(client, "/findings")})
    engine = make_engine(site_db[0])
    with session_factory(engine)() as s:
        events = review_history(s, ids["hostile"])
        assert [(e.old_status, e.new_status, e.by, e.source) for e in events] == [
            ("open", "confirmed", "inspector", "web")]
    engine.dispose()


def test_wrong_passwords_are_rate_limited(client: TestClient) -> None:
    for _ in range(3):
        assert login(client, "inspector", "wrong password").status_code == 401
    r = login(client, "inspector")  # the right password, too late
    assert r.status_code == 429 and "登录失败次数过多" in r.text
    # another name from the same address is limited too
    assert login(client, "webmaster_a").status_code == 429


def test_pages_need_a_session_and_next_stays_on_this_server(client: TestClient) -> None:
    r = client.get("/findings", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    r = client.post("/login", data={"username": "inspector", "password": PASSWORD, "csrf_token": token(client),
                                    "next": "//evil.example/"}, follow_redirects=False)
    assert r.headers["location"] == "/"


def test_disabled_user_loses_the_session(client: TestClient, site_db: Any) -> None:
    from reports.users import set_active

    login(client, "webmaster_a")
    assert client.get("/sites/sa").status_code == 200
    engine = make_engine(site_db[0])
    with session_factory(engine)() as s:
        set_active(s, "webmaster_a", False)
        s.commit()
    engine.dispose()
    assert client.get("/sites/sa", follow_redirects=False).status_code == 303


def test_admin_manages_users_in_the_ui_and_nobody_else_can(client: TestClient, site_db: Any) -> None:
    engine = make_engine(site_db[0])
    with session_factory(engine)() as s:
        add_user(s, "root", PASSWORD, "admin")
        s.commit()
    engine.dispose()
    login(client, "inspector")
    assert client.get("/admin/users").status_code == 403
    client.post("/logout", data={"csrf_token": token(client, "/findings")})
    login(client, "root")
    t = token(client, "/admin/users")
    r = client.post("/admin/users", data={"username": "wm_b", "password": "short", "role": "webmaster",
                                          "unit_id": "ub", "csrf_token": t})
    assert r.status_code == 400 and "password" in r.text
    r = client.post("/admin/users", data={"username": "wm_b", "password": PASSWORD, "role": "webmaster",
                                          "unit_id": "ub", "csrf_token": t}, follow_redirects=False)
    assert r.status_code == 303
    assert client.post("/admin/users/nobody/active", data={"active": "0", "csrf_token": t}).status_code == 404
    client.post("/admin/users/wm_b/active", data={"active": "0", "csrf_token": t})
    client.post("/logout", data={"csrf_token": t})
    assert login(client, "wm_b").status_code == 401  # disabled


def test_cli_review_writes_the_same_audit_trail(site_db: Any) -> None:
    from samples_env import run_cli

    from db.audit import review_history

    url, ids = site_db
    proc = run_cli("review", str(ids["plain_b"]), "--status", "dismissed", "--reason", "栏目已撤销", "--by", "李四",
                   "--db", url)
    assert proc.returncode == 0, proc.stderr
    engine = make_engine(url)
    with session_factory(engine)() as s:
        events = review_history(s, ids["plain_b"])
        assert [(e.old_status, e.new_status, e.by, e.source, e.reason) for e in events] == [
            ("open", "dismissed", "李四", "cli", "栏目已撤销")]
    engine.dispose()


def test_bulk_review_of_ticked_and_of_filtered_findings(client: TestClient, site_db: Any) -> None:
    ids = site_db[1]
    login(client, "inspector")
    t = token(client, "/findings")
    r = client.post("/findings/bulk", data={"status": "dismissed", "reason": "", "ids": [str(ids["hostile"])],
                                            "csrf_token": t}, follow_redirects=False)
    assert "error=reason" in r.headers["location"]
    r = client.post("/findings/bulk", data={"status": "confirmed", "ids": [str(ids["hostile"]), str(ids["plain_b"])],
                                            "csrf_token": t})
    assert "已更新 2 个问题" in r.text
    r = client.post("/findings/bulk", data={"status": "dismissed", "reason": "批量驳回", "scope": "filtered",
                                            "back": "site=sb", "csrf_token": t})
    assert "已更新 1 个问题" in r.text
    assert "已驳回" in client.get(f"/findings/{ids['plain_b']}").text
    assert "已确认" in client.get(f"/findings/{ids['hostile']}").text
