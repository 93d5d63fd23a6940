"""Anti-bot challenge pages: an answer that is a script asking the client to prove it is a browser
(瑞数/Ruishu's 412 with `$_ts`, 加速乐's 521 with `__jsl_clearance`, Aliyun WAF's `acw_sc__v2`,
Cloudflare's challenge). Such a page says nothing about the page behind it: the scan records it as
not assessed, never as broken, empty or stale."""

from __future__ import annotations

CHALLENGE_MARKERS = (b"$_ts", b"__jsl_clearance", b"acw_sc__v2", b"/cdn-cgi/challenge-platform", b"_waf_",
                     b"window.$_ss")
# statuses a challenge comes with; 412 on a plain GET has no other meaning on these sites
CHALLENGE_STATUSES = frozenset({202, 403, 412, 468, 503, 521})


def challenge_reason(status: int, body: bytes) -> str | None:
    """Why this answer is an anti-bot challenge, or None when it is not one."""
    if status not in CHALLENGE_STATUSES:
        return None
    head = body[:20_000]
    if status == 412 or any(m in head for m in CHALLENGE_MARKERS):
        return f"anti-bot challenge (HTTP {status})"
    return None
