"""Rechecking one broken link on demand (`govinspect recheck --site ID --url URL`): request the URL
again and, when it now answers, mark the site's open link_broken findings for it fixed, with the
answer recorded in the finding; when it still fails, leave them open and record that too.

The verdict uses the crawl's own rules: a final 2xx after redirects is working, unless the page
is a soft 404 by link_broken's `soft_404` config (a short page saying 页面不存在).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.netpolicy import AddressPolicy
from core.soft404 import SoftNotFound
from core.urls import canonical, url_hash
from db.models import Finding, utcnow
from monitor.probe import PUBLIC_ONLY, FetchResult, fetch

RECHECK_BY = "govinspect recheck"


@dataclass
class UrlRecheck:
    url: str
    result: FetchResult
    working: bool
    why: str  # what the request showed, for the inspector
    findings: list[Finding]


def open_link_findings(session: Session, site_id: str, url: str) -> list[Finding]:
    target = canonical(url)
    return list(session.scalars(
        select(Finding).where(Finding.subject_id == site_id, Finding.check_id == "link_broken",
                              Finding.target_hash == url_hash(target), Finding.status.in_(("open", "confirmed")))
        .order_by(Finding.id)
    ))


def soft_404_phrase(result: FetchResult, rule: SoftNotFound) -> str | None:
    """link_broken's soft-404 rule over the page's text, read as the crawl reads pages."""
    if "html" not in result.content_type.lower() and result.body.lstrip()[:1] != b"<":
        return None
    from parsel import Selector

    from spiders.extract.text import visible_text

    return rule.phrase_in(visible_text(Selector(text=result.text())))


def verdict(result: FetchResult, soft_404: SoftNotFound) -> tuple[bool, str]:
    if not result.ok:
        if result.error_class == "http":
            return False, f"HTTP {result.status}"
        return False, f"{result.error_class}: {result.error}"
    phrase = soft_404_phrase(result, soft_404)
    if phrase:
        return False, f"HTTP {result.status}, but the page says {phrase!r} (soft 404)"
    hops = f" after {len(result.chain) - 1} redirect(s) to {result.final_url}" if result.chain else ""
    return True, f"HTTP {result.status}{hops} in {result.elapsed_ms} ms"


def recheck_url(session: Session, site_id: str, url: str, *, timeout_s: float, user_agent: str,
                soft_404: SoftNotFound, policy: AddressPolicy = PUBLIC_ONLY, now: dt.datetime | None = None) -> UrlRecheck:
    """Request `url` (every redirect hop under the address `policy`) and update the site's open
    link_broken findings for it (LookupError if none). A refused hop leaves them open."""
    findings = open_link_findings(session, site_id, url)
    if not findings:
        raise LookupError(f"site {site_id!r} has no open link_broken finding for {canonical(url)}")
    result = fetch(canonical(url), timeout_s=timeout_s, user_agent=user_agent, policy=policy)
    working, why = verdict(result, soft_404)
    now = now or utcnow()
    entry: dict[str, Any] = {"at": now.isoformat(), "working": working, "status": result.status,
                             "error_class": result.error_class, "elapsed_ms": result.elapsed_ms,
                             "final_url": result.final_url, "redirect_chain": result.chain, "why": why}
    for f in findings:
        f.evidence = {**(f.evidence or {}), "rechecks": [*(f.evidence or {}).get("rechecks", []), entry]}
        if working:
            f.status, f.status_by, f.status_at = "fixed", RECHECK_BY, now
            f.status_reason = f"rechecked {now:%Y-%m-%d %H:%M} UTC: the link works now ({why})"
    session.commit()
    return UrlRecheck(url=canonical(url), result=result, working=working, why=why, findings=findings)
