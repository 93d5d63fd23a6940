"""One error taxonomy for every transport failure, whoever met it: the spiders (Scrapy/Twisted
exceptions), the availability probes and `recheck --url` (stdlib sockets, http.client, ssl) and
the canary check all call `classify_exception`.

Classes:
- connection level, nothing answered (CONNECTION_CLASSES): dns | refused | timeout | reset
- the server answered something we refuse: tls | too_large
- decided before any request: robots | skipped
- other: only what fits none of the above (the message says what it was)

HTTP statuses, redirect loops and too-long chains are classified by whoever saw the response.
A class is decided by, in order: a wrapped cause (Twisted wraps the real reason in
ResponseFailed(reasons=[Failure…]); Scrapy raises DownloadFailedError from that), the exception's
class names, its errno, and last its text.
"""

from __future__ import annotations

import errno
from typing import Any

# what "nothing answered" means: our network or theirs, not an answer we disliked
CONNECTION_CLASSES = frozenset({"dns", "refused", "timeout", "reset"})

_BY_NAME: list[tuple[tuple[str, ...], str]] = [
    (("TargetSkipped",), "skipped"),
    (("CannotResolveHostError", "DNSLookupError", "DNSNotFound", "gaierror", "herror"), "dns"),
    (("DownloadConnectionRefusedError", "ConnectionRefusedError", "NoRouteError"), "refused"),
    (("DownloadTimeoutError", "TimeoutError", "TCPTimedOutError", "UserTimeout"), "timeout"),
    (("SSLError", "TLSError", "CertificateError", "VerificationError", "TLSCertificateError"), "tls"),
    # Scrapy cancels a download only when the body outgrows DOWNLOAD_MAXSIZE (crawl.max_page_bytes)
    (("DownloadCancelledError",), "too_large"),
    (("ResponseDataLossError", "ConnectionLost", "ConnectionDone", "ConnectionReset", "ResponseNeverReceived",
      "ResponseFailed", "PotentialDataLoss", "ConnectionResetError", "ConnectionAbortedError", "BrokenPipeError",
      "RemoteDisconnected", "IncompleteRead", "BadStatusLine"), "reset"),
]

_BY_ERRNO = {
    errno.ECONNREFUSED: "refused", errno.EHOSTUNREACH: "refused", errno.ENETUNREACH: "refused",
    errno.ETIMEDOUT: "timeout",
    errno.ECONNRESET: "reset", errno.ECONNABORTED: "reset", errno.EPIPE: "reset", errno.ENOTCONN: "reset",
}

# last resort, on the lower-cased text (the class names decide first: a message often quotes the
# URL, and "/ssl/tls.html" must not make a timeout a TLS error)
_BY_TEXT: list[tuple[tuple[str, ...], str]] = [
    # Chromium's net:: errors, as Playwright reports a page the browser could not load
    (("err_connection_reset", "err_connection_closed", "err_connection_aborted", "err_empty_response"), "reset"),
    (("err_timed_out", "err_connection_timed_out"), "timeout"),
    (("err_cert_", "err_ssl_"), "tls"),
    (("err_address_unreachable", "err_network_unreachable", "err_internet_disconnected"), "refused"),
    (("err_name_not_resolved",), "dns"),
    (("download max size", "maxsize"), "too_large"),
    (("reset by peer", "connection reset", "connection was closed", "connection lost", "connection aborted",
      "broken pipe", "remote end closed"), "reset"),
    (("ssl", "certificate", "tls", "handshake"), "tls"),
    (("timed out", "timeout"), "timeout"),
    (("refused", "no route to host", "network is unreachable"), "refused"),
    (("dns", "resolve", "name or service not known"), "dns"),
]

# exceptions that only carry their cause ("the response failed"): the cause's words say more
_WRAPPERS = frozenset({"DownloadFailedError", "ResponseFailed", "ResponseNeverReceived", "ResponseFailedError"})

# an answer, for the choice between a wrapper's class and its causes' (lower wins)
_RANK = {"skipped": 0, "robots": 0, "tls": 1, "too_large": 1, "dns": 2, "refused": 2, "timeout": 2,
         "reset": 3, "other": 4}

# what an exception that carries no message of its own means, in the words of a finding
_SILENT = {
    "ResponseDataLossError": "the connection closed before the whole body arrived",
    "DownloadCancelledError": "the response is larger than the download size cap (crawl.max_page_bytes)",
    "ConnectionLost": "the connection was lost",
    "ConnectionDone": "the server closed the connection without answering",
    "RemoteDisconnected": "the server closed the connection without answering",
}


def _message(exc: BaseException) -> str:
    name = type(exc).__name__
    text = str(exc).strip()
    if not text or text in ("[]", "()"):
        text = _SILENT.get(name, "")
    return f"{name}: {text}".strip().rstrip(":")


def _names(exc: BaseException) -> list[str]:
    return [cls.__name__ for cls in type(exc).__mro__]


def _nested(exc: BaseException) -> list[BaseException]:
    """Twisted wraps the real cause in ResponseFailed/ResponseNeverReceived(reasons=[Failure...])."""
    out: list[BaseException] = []
    for reason in getattr(exc, "reasons", None) or []:
        value = getattr(reason, "value", reason)
        if isinstance(value, BaseException):
            out.append(value)
    if exc.__cause__ is not None and exc.__cause__ is not exc:
        out.append(exc.__cause__)
    return out


def _errno(exc: BaseException) -> int | None:
    # OSError.errno; Twisted's ConnectError keeps it as osError
    for attr in ("errno", "osError"):
        value = getattr(exc, attr, None)
        if isinstance(value, int):
            return value
    return None


def _own_class(exc: BaseException) -> str:
    names = _names(exc)
    for keys, cls in _BY_NAME:
        if any(k in names for k in keys):
            return cls
    code = _errno(exc)
    if code in _BY_ERRNO:
        return _BY_ERRNO[code]
    text = str(exc).lower()
    for keys, cls in _BY_TEXT:
        if any(k in text for k in keys):
            return cls
    return "other"


def classify_exception(exc: BaseException, _depth: int = 0) -> tuple[str, str]:
    """(error class, message). When a wrapped cause decides the class, the message is the
    cause's: "TLSCertificateError: certificate has expired ..." says more than its wrapper."""
    if "forbidden by robots.txt" in str(exc).lower():
        return "robots", "forbidden by robots.txt (not checked)"
    best = (_own_class(exc), _message(exc))
    wrapper = type(exc).__name__ in _WRAPPERS
    if _depth < 8:
        for inner in _nested(exc):
            found = classify_exception(inner, _depth + 1)
            # a cause that names the failure beats a wrapper that only says "it failed"; on a
            # tie, a mere wrapper gives way to its cause's words
            if _RANK[found[0]] < _RANK[best[0]] or (wrapper and _RANK[found[0]] == _RANK[best[0]]):
                best = found
    return best


def classify_failure(failure: Any) -> tuple[str, str]:
    exc = getattr(failure, "value", failure)
    if not isinstance(exc, BaseException):
        return "other", str(exc)
    return classify_exception(exc)


# crawler.tls's certificate reasons, as an inspector reads them in a finding's detail
_TLS_ZH = (
    ("has expired", "证书已过期"), ("not yet valid", "证书尚未生效"), ("self-signed", "自签名证书"),
    ("does not match the host", "证书与域名不符"), ("revoked", "证书已吊销"),
    ("issuer is not trusted", "证书颁发机构不受信任"), ("chain is incomplete", "证书链不完整"),
    ("not trusted", "证书不受信任"),
)


def tls_detail(error: str | None) -> str:
    """'TLS/证书错误（证书已过期）' for a TLS failure whose reason is known, else 'TLS/证书错误'."""
    low = (error or "").lower()
    reason = next((zh for key, zh in _TLS_ZH if key in low), None)
    return f"TLS/证书错误（{reason}）" if reason else "TLS/证书错误"
