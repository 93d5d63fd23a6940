"""URL identity: hashing and canonicalisation shared by the spider, the pipelines and the checks,
and the form a URL is requested in (as the page wrote it)."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url, safe_url_string

# Query parameters that carry a session, not a resource. Removing them keeps one page one URL
# (and keeps session-id traps finite). Matched case-insensitively.
DEFAULT_SESSION_PARAMS = ("jsessionid", "phpsessid", "aspsessionid", "sessionid", "sessid", "cfid", "cftoken")
_PATH_SESSION = re.compile(r";(jsessionid|phpsessid|sessionid)=[^/?#]*", re.I)
# the scan's list (crawl.session_params); one scan runs per process, the spider sets it at start
_session_params: tuple[str, ...] = DEFAULT_SESSION_PARAMS


def set_session_params(params: list[str] | tuple[str, ...]) -> None:
    """Use the registry's `crawl.session_params` for every canonical() of this process."""
    global _session_params
    _session_params = tuple(params)


def url_hash(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8", "surrogatepass")).hexdigest()


def canonical(url: str, session_params: tuple[str, ...] | None = None, *, encoding: str | None = None) -> str:
    """Drop the fragment and session ids, sort the query, normalise percent-encoding and case of
    scheme/host, and keep everything else (a column's ?page=2 is a different page).

    `encoding` is the page's: raw non-ASCII in a query is percent-encoded in it, as a browser does
    (a GBK page's `?kw=安康` is sent as `kw=%B0%B2%BF%B5`); the path is always UTF-8."""
    if session_params is None:
        session_params = _session_params
    url = _PATH_SESSION.sub("", url.strip())
    parts = urlsplit(url)
    if parts.query:
        lowered = {p.lower() for p in session_params}
        # split the raw query: decoding it would mangle percent-encoded GBK values
        kept = [kv for kv in parts.query.split("&") if kv.split("=", 1)[0].lower() not in lowered]
        parts = parts._replace(query="&".join(kept))
    url = urlunsplit(parts._replace(fragment=""))
    try:
        url = canonicalize_url(url, keep_fragments=False, encoding=encoding)
    except (UnicodeEncodeError, LookupError):  # a query the page's encoding cannot hold
        url = canonicalize_url(url, keep_fragments=False)
    # canonicalize_url keeps an explicit default port; drop it so http://h:80/ == http://h/
    p = urlsplit(url)
    if (p.scheme == "http" and p.port == 80) or (p.scheme == "https" and p.port == 443):
        url = urlunsplit(p._replace(netloc=p.hostname or ""))
    return url


def as_written(url: str, *, encoding: str | None = None) -> str:
    """The URL to request: the link as the page wrote it, absolute, with unsafe characters
    percent-encoded (in the page's encoding for the query, as a browser does) and the fragment
    dropped -- but its query in the page's order and with its session parameters. canonical()
    is for deciding that two links are the same; some servers answer `?id=1&method=show` and
    `?method=show&id=1` differently."""
    url = url.strip()
    head, _, _fragment = url.partition("#")
    try:
        return safe_url_string(head, encoding=encoding or "utf-8")
    except (UnicodeError, LookupError, ValueError):
        return safe_url_string(head)
