"""Migration 0006 (links keyed by numbered sources, attr and region as one-letter codes, no
run_id/site_id indexes beside the unique keys) keeps a 0005 database's links as they were, on
SQLite and PostgreSQL, and back."""

from __future__ import annotations

from sqlalchemy import inspect, select, text

from db import migrate
from db.models import Link, LinkSource
from db.session import make_engine, session_factory

LINKS = [("a", "href", "nav"), ("img", "src", "footer"), ("pager", "js", "body"), ("iframe", "data", "aside"),
         ("link", "href", "header"), ("script", "src", "side")]
DROPPED = {"ix_pages_run_id", "ix_pages_site_id", "ix_link_results_run_id", "ix_link_results_site_id",
           "ix_column_items_run_id", "ix_column_items_site_id"}


def _raw_links(url: str) -> list[tuple[str, str, str]]:
    engine = make_engine(url)
    with engine.connect() as c:
        rows = [tuple(r) for r in c.execute(text("SELECT tag, attr, region FROM links ORDER BY target_id"))]
    engine.dispose()
    return rows


def _indexes(url: str) -> set[str]:
    engine = make_engine(url)
    insp = inspect(engine)
    names = {ix["name"] for t in ("pages", "link_results", "column_items") for ix in insp.get_indexes(t)}
    engine.dispose()
    return names


def test_codes_up_and_words_back_down(db_url: str) -> None:
    assert migrate.downgrade(db_url, "0005") == "0005"
    assert _indexes(db_url) >= DROPPED
    engine = make_engine(db_url)
    with engine.begin() as c:
        c.execute(text("INSERT INTO scan_runs (id, as_of, kind, status, started_at, heartbeat_at, owner, config_path, "
                       "stats) VALUES (1, '2026-11-20', 'full', 'completed', '2026-11-20 08:00:00', "
                       "'2026-11-20 08:00:00', '', '', '{}')"))
        c.execute(text("INSERT INTO urls (id, hash, url) VALUES (1, 'h1', 'http://127.0.2.1/'), "
                       "(2, 'h2', 'http://127.0.2.1/x')"))
        for n in range(1, len(LINKS) + 1):
            c.execute(text("INSERT INTO urls (id, hash, url) VALUES (:id, :h, :u)"),
                      {"id": 10 + n, "h": f"t{n}", "u": f"http://127.0.2.1/t{n}"})
        # page 2's links were written first: the sources are numbered in that order
        for n, (tag, attr, region) in enumerate(LINKS, 1):
            c.execute(text("INSERT INTO links (id, run_id, site_id, source_id, target_id, tag, attr, anchor, internal, "
                           "attachment, region, on_homepage) VALUES (:id, 1, 's1', :src, :tgt, :tag, :attr, '', true, "
                           "false, :region, false)"),
                      {"id": n if n > 2 else 10 + n, "src": 2 if n > 2 else 1, "tgt": 10 + n, "tag": tag, "attr": attr,
                       "region": region})
    engine.dispose()

    assert migrate.upgrade(db_url) == migrate.head()
    assert not DROPPED & _indexes(db_url)
    # stored as codes; a word without a code stays itself
    assert _raw_links(db_url) == [("a", "h", "n"), ("img", "s", "f"), ("pager", "j", "b"), ("iframe", "data", "aside"),
                                  ("link", "h", "h"), ("script", "s", "s")]
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        assert [(lk.source_seq, lk.source_url, lk.tag, lk.attr, lk.region)
                for lk in s.scalars(select(Link).order_by(Link.source_seq, Link.target_id))] == [
            (1, "http://127.0.2.1/x", *link) for link in LINKS[2:]] + [(2, "http://127.0.2.1/", *link)
                                                                       for link in LINKS[:2]]
        assert s.execute(select(LinkSource.id, LinkSource.source_id).order_by(LinkSource.id)).all() == [(1, 2), (2, 1)]
        # SQL compares words too
        assert s.scalars(select(Link.target_id).where(Link.region == "footer", Link.attr.in_(["src"]))).all() == [12]
        # a link added through the ORM is numbered: a known source keeps its number, a new one is next
        s.add(Link(run_id=1, site_id="s1", source_id=1, target_id=1, tag="a", attr="href"))
        s.add(Link(run_id=1, site_id="s1", source_id=11, target_id=1, tag="a", attr="href"))
        s.commit()
        assert s.execute(select(Link.source_id, Link.source_seq).where(Link.target_id == 1)
                         .order_by(Link.source_id)).all() == [(1, 2), (11, 3)]
        s.execute(text("DELETE FROM links WHERE target_id = 1"))
        s.commit()
    engine.dispose()

    assert migrate.downgrade(db_url, "0005") == "0005"
    assert _raw_links(db_url) == LINKS
    assert _indexes(db_url) >= DROPPED
