"""A resumed run checks the links its completed sites left to the last pass (db.linkclaims).

In a multi-process scan a link from one site of the run to another (a department site's 市长信箱
link to the city portal) is left to the run's last pass. When the run dies before that pass,
the sites that had completed are not crawled again on resume; the links they left must stay
queued and be checked by the resumed run — with one process as with several — or a check reads
no verdict for the 信箱 link and calls the channel missing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest_db import make_registry
from faultserver import FaultServer, page, site_entry, write_registry
from samples_env import run_cli
from sqlalchemy import select

from db import runs
from db.linkclaims import DEFERRED, PENDING, claim_check, defer_check, has_deferred, release_for_resume
from db.migrate import upgrade
from db.models import LinkResult, ScanRun
from db.session import make_engine, session_factory

AS_OF = dt.date(2026, 11, 20)


def _rows(session, run_id: int) -> set[tuple[str, str, str]]:
    return {(r.site_id, r.url, r.error_class) for r in session.scalars(select(LinkResult).where(LinkResult.run_id == run_id))}


def test_resume_keeps_the_completed_sites_deferred_links_and_drops_the_rest(db_url: str) -> None:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        runs.sync_registry(s, make_registry())
        run = runs.start_run(s, AS_OF, "full", "", ["site-a1", "site-a2"])
        with engine.begin() as conn:
            assert defer_check(conn, run.id, "http://127.0.2.2/mailbox", "site-a1", "a")
            assert defer_check(conn, run.id, "http://127.0.2.1/about", "site-a2", "a")
            assert claim_check(conn, run.id, "http://www.gov.cn/", "site-a1")  # its process died unanswered
        runs.finish_site_scan(s, run.id, "site-a1", "completed")
        s.expire_all()
        assert has_deferred(s, run.id)
        assert release_for_resume(s, run.id, ["site-a2"]) == 2
        s.commit()
        assert _rows(s, run.id) == {("site-a1", "http://127.0.2.2/mailbox", DEFERRED)}
        assert has_deferred(s, run.id)
        assert release_for_resume(s, run.id, ["site-a1"]) == 1
        s.commit()
        assert not has_deferred(s, run.id) and not any(r[2] == PENDING for r in _rows(s, run.id))
    engine.dispose()


def test_a_one_process_resume_makes_the_last_pass_of_the_run_that_died(tmp_path: Path) -> None:
    a = FaultServer("127.0.26.1")
    b = FaultServer("127.0.26.2")
    try:
        b.route("/", page("<html><title>市政府门户</title><body><a href='/news.html'>要闻</a></body></html>"))
        b.route("/news.html", page("<html><title>要闻</title><body>要闻内容</body></html>"))
        b.route("/mailbox.html", page("<html><title>市长信箱</title><body><form method='post'>"
                                      "<textarea name='q'></textarea></form></body></html>"))
        a.route("/", page("<html><title>部门网站</title><body>首页</body></html>"))
        a.start()
        b.start()
        registry = write_registry(tmp_path / "sites.yaml", [site_entry("dept", a.url("/")), site_entry("city", b.url("/"))],
                                  only_networks=["127.0.26.0/24"])
        db = f"sqlite:///{tmp_path / 'r.db'}"
        upgrade(db)
        engine = make_engine(db)
        mailbox = b.url("/mailbox.html")
        # a `--workers 2` run as it was left when it died: the department site had completed and
        # left its link to the city's 信箱 to the last pass; the city site was being crawled
        from core.registry import load_registry

        with session_factory(engine)() as s:
            runs.sync_registry(s, load_registry(registry))
            run = runs.start_run(s, AS_OF, "full", str(registry), ["dept", "city"])
            run_id = run.id
            with engine.begin() as conn:
                assert defer_check(conn, run_id, mailbox, "dept", "a")
            runs.finish_site_scan(s, run_id, "dept", "completed")
            s.get(ScanRun, run_id).status = "failed"
            s.commit()
        engine.dispose()

        proc = run_cli("scan", "--db", db, "--resume", str(run_id), "--no-progress", "--workers", "1")
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
        assert not any(h.path == "/" for h in a.hits)  # the completed site was not crawled again
        assert any(h.path == "/" for h in b.hits)
        engine = make_engine(db)
        with session_factory(engine)() as s:
            result = s.scalars(select(LinkResult).where(LinkResult.run_id == run_id, LinkResult.url == mailbox)).one()
            assert result.ok and result.status == 200, (result.ok, result.status, result.error_class)
            assert not has_deferred(s, run_id)
            assert s.get(ScanRun, run_id).status == "completed"
        engine.dispose()
        assert len([h for h in b.hits if h.path == "/mailbox.html"]) == 1
    finally:
        a.stop()
        b.stop()
