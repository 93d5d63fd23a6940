"""Migration 0005 (URL ids for links, compressed page text) carries a 0004 database's crawl record
over unchanged, on SQLite and PostgreSQL, and back down again."""

from __future__ import annotations

import json

from sqlalchemy import select, text

from core.urls import url_hash
from db import migrate
from db.models import Link, Page, link_order
from db.session import make_engine, session_factory

HOME = "http://127.0.2.1/"
LINKS = [  # (source, target, tag, attr, anchor, hidden)
    (HOME, "http://127.0.2.1/xxgk/", "a", "href", "信息公开", None),
    (HOME, "http://www.gov.cn/", "a", "href", "中国政府网", None),
    ("http://127.0.2.1/xxgk/", "http://www.gov.cn/", "a", "href", "中国政府网", None),
    ("http://127.0.2.1/xxgk/", "http://bad.example/p?id=1", "a", "href", "", {"why": "display:none"}),
]
TEXT = "首页 信息公开 政务服务 " * 50 + "\U0001f600 末尾"


def _old_rows(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as c:
        c.execute(text("INSERT INTO scan_runs (id, as_of, kind, status, started_at, heartbeat_at, owner, config_path, "
                       "stats) VALUES (1, '2026-11-20', 'full', 'completed', '2026-11-20 08:00:00', "
                       "'2026-11-20 08:00:00', '', '', '{}')"))
        for n, (src, tgt, tag, attr, anchor, hidden) in enumerate(LINKS, 1):
            c.execute(text("INSERT INTO links (id, run_id, site_id, source_url, source_hash, target_url, target_hash, "
                           "tag, attr, anchor, internal, attachment, region, on_homepage, hidden) VALUES (:id, 1, "
                           "'s1', :s, :sh, :t, :th, :tag, :attr, :anchor, :internal, false, 'body', :home, :hidden)"),
                      {"id": n * 10, "s": src, "sh": url_hash(src), "t": tgt, "th": url_hash(tgt), "tag": tag,
                       "attr": attr, "anchor": anchor, "internal": tgt.startswith(HOME), "home": src == HOME,
                       "hidden": json.dumps(hidden) if hidden else None})
        for n, (page, body, script) in enumerate([(HOME, TEXT, "document.write('备案')"), ("http://127.0.2.1/xxgk/", "", "")], 1):
            c.execute(text("INSERT INTO pages (id, run_id, site_id, url, url_hash, final_url, kind, depth, status, "
                           "content_type, encoding, title, size, elapsed_ms, content_hash, text, script_text, meta, "
                           "fetched_at) VALUES (:id, 1, 's1', :u, :h, :u, 'home', 0, 200, 'text/html', 'utf-8', '首页', "
                           "0, 0, '', :text, :script, '{}', '2026-11-20 08:00:00')"),
                      {"id": n, "u": page, "h": url_hash(page), "text": body, "script": script})
    engine.dispose()


def _old_links(url: str) -> set[tuple]:
    engine = make_engine(url)
    with engine.connect() as c:
        # ids are not kept: from 0006 on, links have none (their key is their identity)
        rows = c.execute(text("SELECT source_url, source_hash, target_url, target_hash, tag, attr, anchor, hidden "
                              "FROM links")).all()
        texts = c.execute(text("SELECT url, text, script_text FROM pages ORDER BY id")).all()
    engine.dispose()
    return {(*r[:7], json.dumps(r[7]) if isinstance(r[7], dict) else r[7]) for r in rows} | {tuple(t) for t in texts}


def test_upgrade_keeps_links_and_page_text_and_downgrade_restores_them(db_url: str) -> None:
    assert migrate.downgrade(db_url, "0004") == "0004"
    _old_rows(db_url)
    before = _old_links(db_url)
    assert migrate.upgrade(db_url) == migrate.head()

    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        links = s.scalars(select(Link).order_by(*link_order())).all()
        # sources in the order their links were written; a source's links in target id order
        assert [lk.source_url for lk in links] == [src for src, *_ in LINKS]
        assert sorted((lk.source_url, lk.source_hash, lk.target_url, lk.target_hash, lk.tag, lk.anchor,
                       json.dumps(lk.hidden)) for lk in links) == sorted(
            (src, url_hash(src), tgt, url_hash(tgt), tag, anchor, json.dumps(hidden))
            for src, tgt, tag, _attr, anchor, hidden in LINKS)
        # one row per URL: www.gov.cn is linked twice, the home page is a source twice
        assert s.scalar(text("SELECT count(*) FROM urls")) == 4
        assert [(p.text, p.script_text) for p in s.scalars(select(Page).order_by(Page.id))] == [
            (TEXT, "document.write('备案')"), ("", "")]
        stored = s.execute(text("SELECT text FROM pages WHERE id = 1")).scalar_one()
        assert len(bytes(stored)) < len(TEXT.encode()) // 5  # compressed
        # a new link after the migration goes with its source's links
        s.add(Link(run_id=1, site_id="s1", source_id=links[0].source_id, target_id=links[0].source_id, tag="img",
                   attr="src"))
        s.commit()
        assert s.scalars(select(Link.source_seq).where(Link.tag == "img")).all() == [links[0].source_seq]
        s.execute(text("DELETE FROM links WHERE tag = 'img'"))
        s.commit()
    engine.dispose()

    assert migrate.downgrade(db_url, "0004") == "0004"
    assert _old_links(db_url) == before
