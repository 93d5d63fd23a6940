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
def session(sqlite_session: Session) -> Session:
    return sqlite_session


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
