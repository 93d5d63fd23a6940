"""db.urls: each URL stored once, its id found again by hash, on SQLite and PostgreSQL; two
transactions adding the same URLs in opposite orders both end with the same ids."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from core.urls import url_hash
from db.models import Url
from db.session import SQLITE_IMMEDIATE, make_engine
from db.urls import url_ids


def _named(*urls: str) -> dict[str, str]:
    return {url_hash(u): u for u in urls}


def test_ids_are_stable_and_urls_stored_once(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with engine.begin() as c:
            first = url_ids(c, _named("http://a.gov.cn/", "http://b.gov.cn/x?y=1"))
        with engine.begin() as c:
            again = url_ids(c, _named("http://b.gov.cn/x?y=1", "http://c.gov.cn/", "http://a.gov.cn/"))
            stored = {u: i for u, i in c.execute(select(Url.url, Url.id))}
            count = c.scalar(select(func.count()).select_from(Url))
        assert {h: again[h] for h in first} == first
        assert count == 3 and len(set(again.values())) == 3
        assert stored == {u: again[url_hash(u)] for u in ("http://a.gov.cn/", "http://b.gov.cn/x?y=1", "http://c.gov.cn/")}
    finally:
        engine.dispose()


def test_concurrent_writers_agree(db_url: str) -> None:
    urls = [f"http://www.gov.cn/p{n}.html" for n in range(300)]
    engine = make_engine(db_url)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def write(order: list[str]) -> None:
        try:
            start.wait()
            # as the pipeline's batches: a write transaction from its start (it reads, then writes)
            with engine.connect().execution_options(**{SQLITE_IMMEDIATE: True}) as c, c.begin():
                results.append(url_ids(c, _named(*order)))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(o,)) for o in (urls, urls[::-1])]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        assert errors == [] and len(results) == 2
        assert results[0] == results[1] and len(results[0]) == 300
        with engine.connect() as c:
            assert c.scalar(select(func.count()).select_from(Url)) == 300
    finally:
        engine.dispose()
