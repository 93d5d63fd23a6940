"""URL identity: hashing and canonicalisation shared by the spider, the pipelines and the checks."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query parameters that carry a session, not a resource. Removing them keeps one page one URL
# (and keeps session-id traps finite). Matched case-insensitively.
DEFAULT_SESSION_PARAMS = ("jsessionid", "phpsessid", "aspsessionid", "sessionid", "sessid", "cfid", "cftoken")
_PATH_SESSION = re.compile(r";(jsessionid|phpsessid|sessionid)=[^/?#]*", re.I)


def url_hash(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8", "surrogatepass")).hexdigest()


def canonical(url: str, session_params: tuple[str, ...] = DEFAULT_SESSION_PARAMS) -> str:
    """Drop the fragment and session ids, sort the query, normalise percent-encoding and case of
    scheme/host, and keep everything else (a column's ?page=2 is a different page)."""
    url = _PATH_SESSION.sub("", url.strip())
    parts = urlsplit(url)
    if parts.query:
        lowered = {p.lower() for p in session_params}
        # split the raw query: decoding it would mangle percent-encoded GBK values
        kept = [kv for kv in parts.query.split("&") if kv.split("=", 1)[0].lower() not in lowered]
        parts = parts._replace(query="&".join(kept))
    url = urlunsplit(parts._replace(fragment=""))
    url = canonicalize_url(url, keep_fragments=False)
    # canonicalize_url keeps an explicit default port; drop it so http://h:80/ == http://h/
    p = urlsplit(url)
    if (p.scheme == "http" and p.port == 80) or (p.scheme == "https" and p.port == 443):
        url = urlunsplit(p._replace(netloc=p.hostname or ""))
    return url
