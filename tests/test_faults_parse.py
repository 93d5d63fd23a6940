"""A page the HTML parser could not read whole (100,000 nested `div`s: libxml2 stops at its nesting
limit) is recorded as a parse problem, not as a short page with few links."""

from __future__ import annotations

from typing import Any

import pytest
from faultserver import FaultServer, page, scan_cmd, site_entry, write_registry
from parsel import Selector
from samples_env import run_cli
from sqlalchemy import select

from db.models import Link, Page
from db.session import make_engine, session_factory
from spiders.extract.parsecheck import parse_problem

NESTED = 100_000


def _deep(n: int) -> str:
    return ('<html><head><title>深层嵌套</title></head><body><p>开头</p><a href="/before.html">前</a>'
            + "<div>" * n + '深处<a href="/inside.html">内</a>' + "</div>" * n
            + '<a href="/after.html">后</a></body></html>')


def test_parse_problem_is_named_only_for_a_page_cut_short() -> None:
    problem = parse_problem(Selector(text=_deep(NESTED)))
    assert problem and "nested deeper" in problem
    assert parse_problem(Selector(text=_deep(500))) is None  # deep, but read whole
    flat = "<html><body>" + "".join(f'<p><a href="/{i}.html">{i}</a></p>' for i in range(20_000)) + "</body></html>"
    assert parse_problem(Selector(text=flat)) is None


@pytest.mark.slow
def test_a_deeply_nested_page_is_recorded_as_a_parse_problem(tmp_path: Any) -> None:
    home = '<html><head><title>首页</title></head><body><a href="/deep.html">深</a><a href="/ok.html">浅</a></body></html>'
    with FaultServer("127.0.7.50", routes={"/": page(home), "/deep.html": page(_deep(NESTED)),
                                           "/ok.html": page(_deep(3))}) as srv:
        registry = write_registry(tmp_path / "sites.yaml", [site_entry("deep", srv.url("/"))], download_timeout=10,
                                  retry_times=0)
        db = str(tmp_path / "deep.db")
        proc = run_cli(*scan_cmd(registry, db, "--no-checks"))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    engine = make_engine(db)
    try:
        with session_factory(engine)() as s:
            pages = {p.url: p for p in s.scalars(select(Page))}
            deep, ok = pages[srv.url("/deep.html")], pages[srv.url("/ok.html")]
            assert "nested deeper" in (deep.meta or {}).get("parse_problem", ""), deep.meta
            assert "parse_problem" not in (ok.meta or {})
            # what came before the cut is still read; the page says the rest is missing
            links = {lk.target_url for lk in s.scalars(select(Link).where(Link.source_url == deep.url))}
            assert srv.url("/before.html") in links and srv.url("/after.html") not in links
            assert {srv.url("/before.html"), srv.url("/inside.html"), srv.url("/after.html")} <= {
                lk.target_url for lk in s.scalars(select(Link).where(Link.source_url == ok.url))}
    finally:
        engine.dispose()
