"""backdated_item over two full scans: an item added since the last scan with an honest date (after
that scan) vs one dated before it; and the cases that must stay quiet: the previous scan did not
read the column completely, a light (weekly) previous run, an item that moved between columns, and
a column whose URLs all changed (a CMS migration)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from checks.testing import RunBuilder, drafts_of
from core.urls import canonical, url_hash
from db.models import ColumnItem

PREV, NOW = dt.date(2026, 8, 1), dt.date(2026, 11, 1)
HOME = "http://127.0.2.1:8001/"


@pytest.fixture
def session(db_session: Session) -> Session:  # conftest_db: SQLite and PostgreSQL
    return db_session


def _run(session: Session, as_of: dt.date, columns: dict[str, list[tuple[str, dt.date]]], *,
         complete: bool = True, kind: str = "full") -> RunBuilder:
    """A run of site s1 whose columns hold the given (path, date) items."""
    rb = RunBuilder(session, as_of, kind=kind)
    rb.site("s1", home=HOME)
    rb.home("s1", text="首页")
    for col_path, entries in columns.items():
        col = rb.column("s1", col_path, f"栏目{col_path.strip('/')}", category="news")
        col.complete = complete
        for pos, (path, published) in enumerate(entries):
            url = canonical(rb.url("s1", path))
            session.add(ColumnItem(run_id=rb.id, site_id="s1", column_url=col.url, column_hash=col.url_hash,
                                   title=f"标题{path}", url=url, url_hash=url_hash(url), published=published,
                                   list_page_url=col.url, position=pos, date_source="list", date_text=str(published)))
        col.item_count = len(entries)
    rb.done()
    return rb


def _old(n: int) -> list[tuple[str, dt.date]]:
    return [(f"/xw/old{i}.html", dt.date(2026, 7, 1) - dt.timedelta(days=i)) for i in range(n)]


def test_backdated_vs_honest_newcomer(session: Session) -> None:
    _run(session, PREV, {"/xw/": _old(6)})
    honest = ("/xw/new1.html", dt.date(2026, 10, 20))  # after the previous scan: fine
    backdated = ("/xw/new2.html", dt.date(2026, 7, 15))  # before it, but the previous scan did not list it
    rb = _run(session, NOW, {"/xw/": [honest, backdated, *_old(6)]})
    drafts = drafts_of(session, rb.id, "backdated_item")
    assert [d.target for d in drafts] == [rb.url("s1", "/xw/new2.html")]
    ev = drafts[0].evidence
    assert ev["published"] == "2026-07-15" and ev["previous_as_of"] == "2026-08-01"
    assert ev["first_seen_as_of"] == "2026-11-01" and ev["days_before_previous"] == 17
    assert "2026-07-15" in drafts[0].detail and "2026-08-01" in drafts[0].detail


def test_dated_the_day_before_the_previous_scan_is_tolerated(session: Session) -> None:
    _run(session, PREV, {"/xw/": _old(6)})
    rb = _run(session, NOW, {"/xw/": [("/xw/late.html", PREV - dt.timedelta(days=1)), *_old(6)]})
    assert drafts_of(session, rb.id, "backdated_item") == []


def test_previous_scan_did_not_read_the_column_completely(session: Session) -> None:
    _run(session, PREV, {"/xw/": _old(6)}, complete=False)
    rb = _run(session, NOW, {"/xw/": [("/xw/new2.html", dt.date(2026, 7, 15)), *_old(6)]})
    assert drafts_of(session, rb.id, "backdated_item") == []


def test_only_full_scans_count_as_previous(session: Session) -> None:
    _run(session, PREV, {"/xw/": _old(6)}, kind="weekly")
    rb = _run(session, NOW, {"/xw/": [("/xw/new2.html", dt.date(2026, 7, 15)), *_old(6)]})
    assert drafts_of(session, rb.id, "backdated_item") == []


def test_item_moved_from_another_column_is_not_new(session: Session) -> None:
    _run(session, PREV, {"/xw/": _old(6), "/tz/": [("/xw/moved.html", dt.date(2026, 7, 15))]})
    rb = _run(session, NOW, {"/xw/": [("/xw/moved.html", dt.date(2026, 7, 15)), *_old(6)]})
    assert drafts_of(session, rb.id, "backdated_item") == []


def test_a_column_whose_urls_all_changed_is_left_out(session: Session) -> None:
    _run(session, PREV, {"/xw/": _old(6)})
    moved = [(f"/xw/2026/{i}.html", d) for i, (_, d) in enumerate(_old(6))]
    rb = _run(session, NOW, {"/xw/": moved})
    assert drafts_of(session, rb.id, "backdated_item") == []


@pytest.mark.slow
def test_two_scans_of_a_changed_sample_site(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The portal scanned a week before the as-of date, then again after gaining two news items: the
    one dated after the first scan is honest, the one dated before it is backdated. The second
    scan's findings for the portal are exactly what the truth of the changed site lists."""
    from samples_env import run_cli, scan_args, start_samples
    from sqlalchemy import select

    import samplesites
    from db.models import Finding, Link, ScanRun
    from db.session import make_engine, session_factory

    env = start_samples(tmp_path, first_octet=17)
    db = str(tmp_path / "two.db")
    site = "akzf-www"
    try:
        first = scan_args(env, db, "--site", site)
        first[first.index("--as-of") + 1] = (env.as_of - dt.timedelta(days=7)).isoformat()
        proc = run_cli(*first)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
        dead = env.truth["sites"][samplesites.DEAD_SITE_ID]["url"]
        truth = samplesites.generate(env.root, env.as_of, env.servers.base_urls, dead, backdated=True)
        proc = run_cli(*scan_args(env, db, "--site", site))
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    finally:
        env.stop()
    engine = make_engine(db)
    try:
        with session_factory(engine)() as s:
            last = s.scalars(select(ScanRun).order_by(ScanRun.id.desc())).first()
            got = {(f.check_id, f.target): f for f in s.scalars(select(Finding).where(
                Finding.subject_id == site, Finding.last_seen_run == last.id, Finding.status != "fixed"))}
            # the homepage's hidden links are recorded, the off-site one and the one to its own article
            hidden = {(lk.internal, lk.hidden["why"]) for lk in s.scalars(select(Link).where(
                Link.run_id == last.id, Link.site_id == site, Link.hidden.is_not(None)))}
    finally:
        engine.dispose()
    want = {(f["check"], f["target"]) for f in truth["findings"] if f["site"] == site}
    assert set(got) == want, (sorted(set(got) - want), sorted(want - set(got)))
    assert hidden == {(False, "display_none"), (True, "off_screen")}
    backdated = [k for k in got if k[0] == "backdated_item"]
    assert len(backdated) == 1 and backdated[0][1].endswith("_9990002.html")
    ev = got[backdated[0]].evidence
    assert ev["previous_as_of"] == (env.as_of - dt.timedelta(days=7)).isoformat()
    assert ev["published"] == (env.as_of - dt.timedelta(days=40)).isoformat()
