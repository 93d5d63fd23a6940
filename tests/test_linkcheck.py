"""spiders/linkcheck: the link-check steps both spiders share, against hand-made responses."""

from __future__ import annotations

from typing import Any

from scrapy.http import Request, Response
from twisted.internet.error import ConnectionRefusedError
from twisted.python.failure import Failure

from core.items import LinkResultItem
from spiders.linkcheck import Hop, check_step, failure_result, is_redirect

TARGET = "http://127.0.3.1/a.html"


def check(url: str = TARGET, method: str = "HEAD", chain: list[dict[str, Any]] | None = None,
          **meta: Any) -> Request:
    return Request(url, method=method, meta={"gi_site": "s1", "gi_origin": TARGET, "gi_chain": chain or [], **meta})


def respond(req: Request, status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(url=req.url, status=status, headers=headers or {}, request=req)


def test_head_answered_empty_falls_back_to_get_from_the_origin() -> None:
    step = check_step(respond(check("http://127.0.3.1/b.html"), 200, {"Content-Length": "0"}), 5)
    assert step == Hop(TARGET, "GET", [], redirect=False)
    step = check_step(respond(check(method="GET"), 200, {"Content-Length": "0"}), 5)
    assert isinstance(step, LinkResultItem) and step.ok and step.method == "GET"


def test_303_switches_to_get_and_records_the_hop() -> None:
    resp = respond(check(method="POST"), 303, {"Location": "/b.html"})
    assert is_redirect(resp)
    step = check_step(resp, 5)
    assert step == Hop("http://127.0.3.1/b.html", "GET", [{"url": TARGET, "status": 303}], redirect=True)


def test_too_many_redirects_is_a_verdict_on_the_chain() -> None:
    chain = [{"url": f"http://127.0.3.1/{i}", "status": 302} for i in range(2)]
    step = check_step(respond(check("http://127.0.3.1/c", "GET", chain), 302, {"Location": "/d"}), 2)
    assert isinstance(step, LinkResultItem)
    assert (step.site_id, step.url, step.status, step.ok, step.error_class) == (
        "s1", TARGET, 302, False, "too_many_redirects")
    assert len(step.redirect_chain) == 3


def test_refused_retry_after_is_named_in_the_error() -> None:
    step = check_step(respond(check(method="GET", retry_after_refused=600.0, retry_times=2), 429), 5)
    assert isinstance(step, LinkResultItem)
    assert step.error == "HTTP 429 (Retry-After 600 s exceeds crawl.max_retry_after)" and step.attempts == 3


def test_failure_keeps_the_chain_and_the_origin() -> None:
    req = check("http://127.0.3.1/b.html", "GET", [{"url": TARGET, "status": 302}])
    failure = Failure(ConnectionRefusedError("refused"))
    failure.request = req  # type: ignore[attr-defined]
    item = failure_result(failure)
    assert (item.url, item.status, item.ok, item.final_url) == (TARGET, None, False, "http://127.0.3.1/b.html")
    assert item.error_class and item.redirect_chain[-1] == {"url": "http://127.0.3.1/b.html", "status": None}
