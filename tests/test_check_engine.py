"""The engine: findings upserted across runs (review status survives rescans, fixed and
regressed findings, unscanned and unreachable sites left alone, failed runs refused), on SQLite and
on PostgreSQL (in a throw-away schema); and the data-driven check registry with file:line errors."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from checks.config import load_indicators
from checks.engine import CheckError, check_and_score, run_checks, set_status
from checks.testing import RunBuilder
from core.yamlconf import ConfigError
from db.models import Finding, Score

AS_OF = dt.date(2026, 11, 20)
FOOTER = "网站标识码：6124000001 陕ICP备05012345号-1 陕公网安备 61090202000101号"
CONAC = "http://bszs.conac.cn/sitename?method=show&id=1"


@pytest.fixture
def session(db_session: Session) -> Session:  # conftest_db: an upgraded database, SQLite and PostgreSQL
    return db_session


def healthy_site(rb: RunBuilder, sid: str, unit: str = "u1") -> str:
    """A site with nothing wrong: fresh homepage, footer, all disclosure sections."""
    rb.site(sid, unit)
    home = rb.homes[sid]
    rb.home(sid, text="首页 " + FOOTER)
    rb.link(sid, home, CONAC, region="footer", internal=False)
    rb.homepage_items(sid, [rb.days_ago(1)])
    for section in ("guide", "rules", "statutory", "annual_report", "application"):
        rb.column(sid, f"/zfxxgk/{section}/", section, category="disclosure", kind="page", source="disclosure",
                  section=section)
    return home


def scan(session: Session, day: dt.date, sites: dict[str, dict], status: str = "completed") -> int:
    """One run: every site healthy except for the defects named in its dict
    (broken: [paths], empty: [paths], stale: [paths], unreachable: True)."""
    rb = RunBuilder(session, day, status=status)
    for sid, defects in sites.items():
        if defects.get("unreachable"):
            rb.site(sid, defects.get("unit", "u1"), error="refused: Connection refused")
            rb.result(sid, rb.homes[sid], ok=False, status=None, error_class="refused")
            continue
        home = healthy_site(rb, sid, defects.get("unit", "u1"))
        for path in defects.get("broken", []):
            rb.result(sid, rb.url(sid, path), ok=False, status=404)
            rb.link(sid, home, rb.url(sid, path), anchor="坏链接")
        for path in defects.get("fixed", []):
            rb.result(sid, rb.url(sid, path), ok=True, status=200)
            rb.link(sid, home, rb.url(sid, path), anchor="已修复")
        for path in defects.get("empty", []):
            rb.column(sid, path, "空栏目" + path, category="news", placeholder="暂无信息")
        for path in defects.get("stale", []):
            rb.column(sid, path, "旧栏目" + path, category="news", items=[rb.days_ago(40)])
    rb.done()
    session.commit()
    return rb.id


def findings(session: Session) -> dict[tuple[str, str, str], Finding]:
    session.expire_all()
    return {(f.subject_id, f.check_id, f.target.rsplit("/", 2)[-2] if "/" in f.target else f.target): f
            for f in session.scalars(select(Finding))}


def test_lifecycle_across_rescans(session: Session) -> None:
    d1, d2, d3 = AS_OF, AS_OF + dt.timedelta(days=7), AS_OF + dt.timedelta(days=14)
    config = load_indicators()

    r1 = scan(session, d1, {"a": {"broken": ["/x/", "/y/"], "empty": ["/e/"]}, "b": {"stale": ["/old/"]}})
    stats = run_checks(session, r1, config=config)
    session.commit()
    assert stats["new"] == 4 and stats["fixed"] == 0
    f = findings(session)
    assert set(f) == {("a", "link_broken", "x"), ("a", "link_broken", "y"), ("a", "column_empty", "e"),
                      ("b", "column_stale", "old")}
    assert all(x.status == "open" and x.first_seen_run == r1 == x.last_seen_run for x in f.values())
    assert f[("a", "link_broken", "x")].unit_id == "u1"

    set_status(session, f[("a", "link_broken", "y")].id, "dismissed", "外部系统维护中，已报备", by="张三")
    set_status(session, f[("a", "column_empty", "e")].id, "confirmed", None, by="张三")
    with pytest.raises(ValueError, match="reason"):
        set_status(session, f[("a", "link_broken", "x")].id, "dismissed", "  ")
    session.commit()

    # rescan: x was fixed, y and e are still there, b was not scanned this time
    r2 = scan(session, d2, {"a": {"fixed": ["/x/"], "broken": ["/y/"], "empty": ["/e/"]}})
    stats = run_checks(session, r2, config=config)
    session.commit()
    assert stats["fixed"] == 1 and stats["seen_again"] == 2 and stats["new"] == 0
    f = findings(session)
    x, y, e, old = (f[("a", "link_broken", "x")], f[("a", "link_broken", "y")], f[("a", "column_empty", "e")],
                    f[("b", "column_stale", "old")])
    assert x.status == "fixed" and x.last_seen_run == r1 and x.evidence["fixed_in_run"] == r2
    assert y.status == "dismissed" and y.status_reason == "外部系统维护中，已报备" and y.status_by == "张三"
    assert y.last_seen_run == r2 and y.first_seen_run == r1
    assert e.status == "confirmed" and e.last_seen_run == r2
    assert old.status == "open" and old.last_seen_run == r1  # b was not scanned: kept as it was

    # the link breaks again: a regression, back to open and noted
    r3 = scan(session, d3, {"a": {"broken": ["/x/", "/y/"], "empty": ["/e/"]}, "b": {}})
    stats = run_checks(session, r3, config=config)
    session.commit()
    assert stats["reopened"] == 1 and stats["fixed"] == 1  # b's stale column is gone now
    f = findings(session)
    x = f[("a", "link_broken", "x")]
    assert x.status == "open" and x.first_seen_run == r1 and x.last_seen_run == r3
    assert x.evidence["regressions"][0]["fixed_in_run"] == r2 and "regression" in x.status_reason
    assert f[("a", "link_broken", "y")].status == "dismissed"  # dismissed stays dismissed while it recurs
    assert f[("b", "column_stale", "old")].status == "fixed"

    # re-checking the same run changes nothing
    stats = run_checks(session, r3, config=config)
    session.commit()
    assert stats["new"] == stats["reopened"] == stats["fixed"] == 0 and stats["seen_again"] == 3
    assert len(findings(session)) == 4

    # re-checking an old run does not rewrite findings a newer run decided
    run_checks(session, r1, config=config)
    session.commit()
    f = findings(session)
    assert f[("a", "link_broken", "x")].last_seen_run == r3 and f[("b", "column_stale", "old")].status == "fixed"


def test_unreachable_site_keeps_its_other_findings(session: Session) -> None:
    config = load_indicators()
    r1 = scan(session, AS_OF, {"a": {"empty": ["/e/"], "broken": ["/x/"]}})
    run_checks(session, r1, config=config)
    session.commit()
    r2 = scan(session, AS_OF + dt.timedelta(days=7), {"a": {"unreachable": True}})
    stats = run_checks(session, r2, config=config)
    session.commit()
    assert stats["skipped"] == {"a": "site_unreachable"} and stats["fixed"] == 0
    f = findings(session)
    assert f[("a", "column_empty", "e")].status == "open" and f[("a", "link_broken", "x")].status == "open"
    (unreachable,) = [v for k, v in f.items() if k[1] == "site_unreachable"]
    assert unreachable.status == "open" and unreachable.last_seen_run == r2
    # reachable again: the unreachable finding is fixed, the others are judged afresh
    r3 = scan(session, AS_OF + dt.timedelta(days=14), {"a": {"empty": ["/e/"]}})
    run_checks(session, r3, config=config)
    session.commit()
    statuses = {k[1]: v.status for k, v in findings(session).items()}
    assert statuses == {"site_unreachable": "fixed", "column_empty": "open", "link_broken": "fixed"}


def test_failed_run_issues_nothing(session: Session) -> None:
    run_id = scan(session, AS_OF, {"a": {"broken": ["/x/"]}}, status="failed")
    with pytest.raises(CheckError, match="failed"):
        check_and_score(session, run_id)
    assert session.scalars(select(Finding)).all() == [] and session.scalars(select(Score)).all() == []
    with pytest.raises(CheckError, match="no scan run"):
        run_checks(session, 9999)


def test_check_and_score_summary(session: Session) -> None:
    run_id = scan(session, AS_OF, {"a": {"empty": [f"/e{i}/" for i in range(5)]}, "b": {}})
    summary = check_and_score(session, run_id)
    session.commit()
    assert summary["quarter"] == "2026Q4" and summary["findings_by_check"] == {"column_empty": 5}
    scores = {(s["subject"], s["subject_id"]): s for s in summary["scores"]}
    assert scores[("site", "a")]["passed"] is False
    assert [v["id"] for v in scores[("site", "a")]["vetoes"]] == ["W-V4c"]
    assert scores[("site", "b")]["passed"] is True and scores[("site", "b")]["score"] == 100
    assert scores[("unit", "u1")]["passed"] is False
    rows = session.scalars(select(Score).where(Score.run_id == run_id)).all()
    assert len(rows) == 3 and {r.quarter for r in rows} == {"2026Q4"}
    check_and_score(session, run_id)  # scores of a run are replaced, not duplicated
    session.commit()
    assert len(session.scalars(select(Score).where(Score.run_id == run_id)).all()) == 3


# --- registry and config -----------------------------------------------------------------------------


def test_adding_a_check_is_a_module_and_a_config_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       session: Session) -> None:
    import checks

    pkg = tmp_path / "extra"
    pkg.mkdir()
    (pkg / "title_missing.py").write_text(textwrap.dedent('''
        """title_missing — a detail page without a <title>."""
        from checks.base import Check, CheckConfig, FindingDraft

        class Config(CheckConfig):
            min_length: int = 1

        def run(ctx):
            for sid in ctx.sites:
                for page in ctx.pages(sid, ["detail"]):
                    if len(page.title) < ctx.config.min_length:
                        yield FindingDraft(sid, page.url, page.url, "页面缺少标题")

        CHECK = Check(id="title_missing", config=Config, run=run, doc=__doc__)
    '''), encoding="utf-8")
    monkeypatch.setattr(checks, "__path__", [*checks.__path__, str(pkg)])
    base = Path(load_indicators().path).read_text(encoding="utf-8")
    cfg = tmp_path / "indicators.yaml"
    cfg.write_text(base.replace("\nchecks:\n", "\nchecks:\n  title_missing:\n    severity: notice\n    min_length: 2\n", 1),
                   encoding="utf-8")
    rb = RunBuilder(session, AS_OF)
    healthy_site(rb, "a")
    rb.page("a", rb.url("a", "/t1.html"), title="")
    rb.page("a", rb.url("a", "/t2.html"), title="通知公告")
    rb.done()
    summary = check_and_score(session, rb.id, None, str(cfg))
    assert summary["checks"]["title_missing"] == 1
    (f,) = session.scalars(select(Finding).where(Finding.check_id == "title_missing")).all()
    assert f.severity == "notice" and f.target.endswith("/t1.html")


def _config_error(tmp_path: Path, old: str, new: str) -> ConfigError:
    base = Path(load_indicators().path).read_text(encoding="utf-8")
    assert old in base
    path = tmp_path / "bad.yaml"
    path.write_text(base.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_indicators(path)
    return exc.value


def _line_of(tmp_path: Path, needle: str) -> int:
    lines = (tmp_path / "bad.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_config_errors_name_file_line_and_field(tmp_path: Path) -> None:
    err = _config_error(tmp_path, "  column_empty:", "  column_emptyy:")
    assert err.line == _line_of(tmp_path, "column_emptyy:") and "no check module checks/column_emptyy.py" in str(err)
    assert str(err).startswith(f"{tmp_path / 'bad.yaml'}:{err.line}:")

    err = _config_error(tmp_path, "    max_age_days: 14", "    max_age_days: fourteen")
    assert err.field == "checks.homepage_stale.max_age_days" and err.line == _line_of(tmp_path, "fourteen")

    err = _config_error(tmp_path, "      news: {days: 14}", "      news: {days: 14, months: 1}")
    assert err.field.startswith("checks.column_stale.limits.news") and "exactly one" in err.message

    err = _config_error(tmp_path, "    timeout_s: 15", "    timeout_s: 15\n    tiemout: 3")
    assert err.field == "checks.site_unreachable.tiemout" and err.message == "unknown field"

    err = _config_error(tmp_path, "      match: [{check: column_empty}]", "      match: [{check: column_empty2}]")
    assert "unknown check 'column_empty2'" in err.message and err.line == _line_of(tmp_path, "column_empty2")

    err = _config_error(tmp_path, "  column_empty:", "  engine:")
    assert "not a valid check id" in err.message

    err = _config_error(tmp_path, "  pass_line: 60", "  pass_line: sixty")
    assert err.field == "scoring.pass_line" and err.line == _line_of(tmp_path, "sixty")


def test_account_checks_plug_in_and_accounts_are_pass_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           session: Session) -> None:
    import checks

    pkg = tmp_path / "extra_accounts"
    pkg.mkdir()
    (pkg / "account_quiet.py").write_text(textwrap.dedent('''
        """account_quiet — a test stand-in for the new-media checks to come."""
        from checks.base import Check, CheckConfig, FindingDraft

        class Config(CheckConfig):
            pass

        def run(ctx):
            assert ctx.sites == [] or all(s.startswith("site") for s in ctx.sites)
            for aid in ctx.accounts:
                if aid == "wb-quiet":
                    yield FindingDraft(aid, "posts", "https://weibo.example/wb-quiet", "两周内无更新",
                                       subject="account")

        CHECK = Check(id="account_quiet", config=Config, run=run, subjects=("account",), doc=__doc__)
    '''), encoding="utf-8")
    monkeypatch.setattr(checks, "__path__", [*checks.__path__, str(pkg)])
    base = Path(load_indicators().path).read_text(encoding="utf-8")
    cfg = tmp_path / "indicators.yaml"
    cfg.write_text(base.replace("\nchecks:\n", "\nchecks:\n  account_quiet:\n    severity: veto\n", 1), encoding="utf-8")
    rb = RunBuilder(session, AS_OF)
    healthy_site(rb, "site-a", "u1")
    rb.account("wb-quiet", "u1")
    rb.account("wx-ok", "u2")
    for aid in ("wb-quiet", "wx-ok"):  # fresh for the real account checks; only the stand-in speaks
        rb.post(aid, rb.days_ago(1))
    rb.done()
    summary = check_and_score(session, rb.id, None, str(cfg))
    session.commit()
    (f,) = session.scalars(select(Finding)).all()
    assert (f.subject, f.subject_id, f.check_id, f.unit_id) == ("account", "wb-quiet", "account_quiet", "u1")
    scores = {(s["subject"], s["subject_id"]): s for s in summary["scores"]}
    assert scores[("account", "wb-quiet")]["passed"] is False and scores[("account", "wb-quiet")]["score"] == 0
    assert [v["id"] for v in scores[("account", "wb-quiet")]["vetoes"]] == ["M-V"]
    assert scores[("account", "wx-ok")]["passed"] is True
    # the unit's number comes from its sites; its verdict from every member
    assert scores[("unit", "u1")]["score"] == 100 and scores[("unit", "u1")]["passed"] is False
    assert scores[("unit", "u2")]["passed"] is True
    assert scores[("site", "site-a")]["passed"] is True
