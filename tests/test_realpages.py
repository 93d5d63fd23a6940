"""Real pages of real government sites, replayed at their own host names through `govinspect scan`.

The corpora (../shared/realpages, and tests/fixtures/realpages/corpus when present) hold pages
copied from public repositories with a hand-made truth file (see their README and PROVENANCE).
Each corpus is served by its own replay server inside private user, network and mount namespaces
(tests/fixtures/realpages/replay.py: loopback only, the host names resolve to 127.0.x.y there;
where namespaces are not allowed and the test runs as root, the scan's name resolution is replaced),
and a real scan runs against them. Every list page is a configured column of its host's site; the
hosts' other columns are what the scan finds itself. Per page the test compares what the database
holds with the truth: the exact column set per site, items (URL, title, date), and the list pages
the pager declares that were requested. The ratios are printed (`-s`) and kept in the README.

Detail pages are no columns: they are asserted through the list reader (no list on an article).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from parsel import Selector
from sqlalchemy import select

from core.urls import canonical
from db.models import Column, ColumnItem, Finding, LinkResult
from db.session import make_engine, session_factory
from spiders.extract.lists import PageContext, extract_list
from spiders.extract.text import collapse

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
SHARED = Path(__file__).resolve().parents[2] / "shared" / "realpages"
OURS = HERE / "fixtures" / "realpages" / "corpus"
CORPORA = [c for c in (SHARED, OURS) if (c / "truth.json").is_file()]
AS_OF = dt.date(2026, 1, 1)
MAX_LIST_PAGES = 40

def _http(url: str) -> str:
    """The corpus is replayed over plain HTTP on port 80."""
    return canonical("http://" + url.split("://", 1)[1])


def _pages() -> list[tuple[Path, dict[str, Any]]]:
    out = []
    for corpus in CORPORA:
        truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
        out += [(corpus, p) for p in truth["pages"]]
    return out


PAGES = _pages()


def _site_id(host: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", host.lower()).strip("-")


def _registry() -> dict[str, Any]:
    hosts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for _, p in PAGES:
        if p["kind"] in ("list", "challenge", "home", "hub"):
            hosts[urlsplit(p["url"]).hostname].append(p)
    sites = []
    for host, pages in sorted(hosts.items()):
        columns = [{"name": (p.get("column_name") or p.get("site_name") or p["id"])[:60], "url": _http(p["url"])}
                   for p in pages if p["kind"] != "home"]
        sites.append({"id": _site_id(host), "name": host, "url": f"http://{host}/", "columns": columns})
    return {
        "crawl": {"robots": "ignore", "check_external": False, "max_list_pages": MAX_LIST_PAGES,
                  "download_timeout": 10, "retry_times": 0, "concurrency_per_site": 8, "autothrottle": False,
                  "render": {"enabled": False}, "screenshots": {"enabled": False}},
        "units": [{"id": "realpages", "name": "realpages", "kind": "department", "sites": sites}],
    }


def _namespaces_work() -> bool:
    if not shutil.which("unshare") or not shutil.which("ip"):
        return False
    probe = subprocess.run(["unshare", "-r", "-n", "-m", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory):
    if not CORPORA:
        pytest.fail(f"no real-page corpus at {SHARED}")
    if _namespaces_work():
        prefix, mode = ["unshare", "-r", "-n", "-m"], []
    elif os.geteuid() == 0:  # no namespaces here: the replay replaces the scan's name resolution
        prefix, mode = [], ["--in-process"]
    else:
        pytest.fail("the replay needs `unshare -r -n -m` (user, network and mount namespaces) or root")
    tmp = tmp_path_factory.mktemp("realpages")
    (tmp / "sites.yaml").write_text(yaml.safe_dump(_registry(), allow_unicode=True), encoding="utf-8")
    db = tmp / "rp.db"
    cmd = [*prefix, sys.executable, str(HERE / "fixtures" / "realpages" / "replay.py"),
           "--hosts-file", str(tmp / "hosts"), *mode]
    for corpus in CORPORA:
        cmd += ["--corpus", str(corpus)]
    cmd += ["--", "scan", "--config", str(tmp / "sites.yaml"), "--db", str(db), "--as-of", AS_OF.isoformat(),
            "--no-progress", "--log-file", str(tmp / "crawl.log")]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "PYTHONPATH": str(HERE.parent)})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    engine = make_engine(str(db))
    session = session_factory(engine)()
    yield session
    session.close()
    engine.dispose()


def _columns(session: Any) -> dict[str, dict[str, Column]]:
    out: dict[str, dict[str, Column]] = defaultdict(dict)
    for c in session.scalars(select(Column)):
        if c.kind != "homepage":
            out[c.site_id][c.url] = c
    return out


def _expected_columns() -> dict[str, dict[str, str]]:
    """site -> {column URL: name} a reader calls the site's columns (internal ones only)."""
    want: dict[str, dict[str, str]] = defaultdict(dict)
    for _, p in PAGES:
        host = urlsplit(p["url"]).hostname
        sid = _site_id(host)
        if p["kind"] in ("list", "challenge", "hub"):
            want[sid][_http(p["url"])] = ""
        for sub in (p.get("parent_column") or {}).get("sub_columns", []):
            if p.get("parent_column", {}).get("source", "").startswith("left navigation"):
                want[sid][_http(sub["url"])] = sub["name"]
        for col in p.get("expected_columns", []):
            want[sid][_http(col["url"])] = col["name"]
        if p["kind"] == "home":
            for nav in p.get("main_nav", []):
                if nav["name"] and urlsplit(nav["url"]).hostname == host:
                    want[sid][_http(nav["url"])] = nav["name"]
            for block in p.get("news_blocks", []):
                more = block.get("more_url")
                if more and urlsplit(more).hostname == host:
                    want[sid].setdefault(_http(more), block["name"])
    fixes = json.loads((HERE / "fixtures" / "realpages" / "expected_columns.json").read_text(encoding="utf-8"))
    for col in fixes["add"]:
        want[_site_id(col["site"])][_http(col["url"])] = col["name"]
    for col in fixes["remove"]:
        want[_site_id(col["site"])].pop(_http(col["url"]), None)
    home_urls = {_http(p["url"]) for _, p in PAGES if p["kind"] == "home"}
    for cols in want.values():
        for u in list(cols):
            if u in home_urls or u.rstrip("/").endswith("/index.shtml") and u.rsplit("/", 1)[0] + "/" in home_urls:
                del cols[u]
    return want


def _list_pages() -> list[dict[str, Any]]:
    return [p for _, p in PAGES if p["kind"] == "list"]


def _item_key(url: str | None, title: str) -> str:
    """Items are matched by URL; a record without an address of its own (opened by a script
    with its id: the truth has no URL, the scan names it page#id) by its title."""
    return _http(url) if url and "#" not in url else "title:" + collapse(title)


class Ratios:
    def __init__(self) -> None:
        self.n: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def add(self, what: str, ok: int, total: int) -> None:
        self.n[what][0] += ok
        self.n[what][1] += total

    def line(self) -> str:
        return ", ".join(f"{k} {ok}/{tot} ({100 * ok / max(tot, 1):.1f}%)" for k, (ok, tot) in sorted(self.n.items()))


RATIOS = Ratios()


def test_columns_found_exactly(scanned: Any) -> None:
    got = _columns(scanned)
    want = _expected_columns()
    problems = []
    for sid in sorted(set(want) | set(got)):
        g, w = set(got.get(sid, {})), set(want.get(sid, {}))
        RATIOS.add("columns", len(g & w) - len(g - w), len(w))  # a bogus column costs one found
        if g != w:
            problems.append(f"{sid}: missing {sorted(w - g)}; unexpected {sorted(g - w)}")
    assert not problems, "\n".join(problems)


def test_items_and_dates(scanned: Any) -> None:
    items: dict[str, dict[str, ColumnItem]] = defaultdict(dict)
    for it in scanned.scalars(select(ColumnItem)):
        items[it.column_url][_item_key(it.url, it.title)] = it
    problems = []
    for p in _list_pages():
        col = _http(p["url"])
        got = items.get(col, {})
        want = {_item_key(i.get("url"), i["title"]): i for i in p["items"]}
        ok_items = ok_dates = 0
        for key, i in want.items():
            g = got.get(key)
            if g is None or collapse(g.title) != collapse(i["title"]):
                problems.append(f"{p['id']}: item {key} {i['title'][:30]!r} read as {g and g.title!r}")
                continue
            ok_items += 1
            if (g.published.isoformat() if g.published else None) == i.get("date"):
                ok_dates += 1
            else:
                problems.append(f"{p['id']}: date of {key}: {g.published} != {i.get('date')}")
        extra = set(got) - set(want)
        if extra:
            problems.append(f"{p['id']}: {len(extra)} items not in the truth, e.g. {sorted(extra)[:3]}")
        RATIOS.add("items", ok_items - len(extra), len(want))
        RATIOS.add("dates", ok_dates, len(want))
    print("\nrealpages:", RATIOS.line())
    assert not problems, "\n".join(problems[:40])


def _pager_truth(p: dict[str, Any]) -> list[str] | None:
    """The further list pages a scan must request, in the pager's order: page 2 .. page N (N the
    pages the list declares, cut at the column page cap), numbered as the truth says
    (0-based, 1-based or reverse) in the pattern of its page-2 URL."""
    pager = p.get("pager") or {}
    page2 = pager.get("page2_url")
    if not page2 or p.get("list_fragment"):
        return None
    total = pager.get("total_pages_claimed") or pager.get("total_pages_derived")
    if not total:
        return None
    page2 = _http(page2)
    first = 1 if pager.get("zero_based") else 2
    m = list(re.finditer(r"\d+" if pager.get("reverse_numbered") else rf"(?<!\d){first}(?!\d)", page2))
    assert m, page2
    last = m[-1]
    first = int(last.group())
    want = min(total, MAX_LIST_PAGES) - 1
    step = -1 if pager.get("reverse_numbered") else 1
    return [page2[:last.start()] + str(first + i * step) + page2[last.end():] for i in range(want)]


def test_pagers_walked(scanned: Any) -> None:
    requested = {r.url for r in scanned.scalars(select(LinkResult))}
    problems = []
    for p in _list_pages():
        want = _pager_truth(p)
        if want is None:
            continue
        missing = [u for u in want if canonical(u) not in requested]
        RATIOS.add("pagers", int(not missing), 1)
        if missing:
            problems.append(f"{p['id']}: {len(want) - len(missing)} of {len(want)} further list pages requested; "
                            f"missing e.g. {missing[:3]}")
    assert not problems, "\n".join(problems)


def test_challenges_are_not_assessed(scanned: Any) -> None:
    cols = _columns(scanned)
    for _, p in PAGES:
        if p["kind"] != "challenge":
            continue
        sid = _site_id(urlsplit(p["url"]).hostname)
        col = cols[sid][_http(p["url"])]
        assert col.extractor == "not_assessed:challenge", (p["id"], col.extractor)
        res = scanned.scalars(select(LinkResult).where(LinkResult.url == _http(p["url"]))).one()
        assert res.error_class == "challenge" and "412" in (res.error or "")


def test_script_only_lists_are_not_assessed(scanned: Any) -> None:
    """A list only a script would fill (rendering off in this replay): not read, so not empty."""
    cols = _columns(scanned)
    for p in _list_pages():
        if p.get("items"):
            continue  # the truth lists no item only where the static page shows none
        col = cols[_site_id(urlsplit(p["url"]).hostname)][_http(p["url"])]
        assert (col.extractor or "").startswith("not_assessed:script"), (p["id"], col.extractor)


def test_not_assessed_shown_in_findings_never_as_defects(scanned: Any) -> None:
    unread = {_http(p["url"]) for p in (q for _, q in PAGES)
              if p["kind"] == "challenge" or (p["kind"] == "list" and not p.get("items"))}
    findings = list(scanned.scalars(select(Finding).where(Finding.target.in_(unread))))
    notices = {f.target for f in findings if f.check_id == "column_empty" and f.severity == "notice"}
    # sites are judged only when their homepage opens; the corpus holds one homepage (hubei)
    homes = {urlsplit(p["url"]).hostname for _, p in PAGES if p["kind"] == "home"}
    judged = {u for u in unread if urlsplit(u).hostname in homes}
    assert judged and notices == judged, [(f.check_id, f.severity, f.target) for f in findings]
    assert all("未评估" in f.detail for f in findings if f.target in notices and f.check_id == "column_empty")
    defects = [(f.check_id, f.target) for f in findings if f.severity != "notice"]
    assert not defects  # no empty column, no broken link, no unreachable site for an unread page


@pytest.mark.parametrize("page", [p for _, p in PAGES if p["kind"] == "detail"], ids=lambda p: p["id"])
def test_detail_pages_are_no_lists(page: dict[str, Any]) -> None:
    corpus = next(c for c, p in PAGES if p is page)
    text = (corpus / page["file"]).read_text(encoding="utf-8")
    ctx = PageContext.build(_http(page["url"]), Selector(text=text, type="html"), AS_OF, [], text)
    result, _ = extract_list(ctx)
    assert result.meta.get("page_kind") == "detail" or not result.entries, [e.title for e in result.entries]
