"""Turn a download failure into the error classes findings are reported with.

Classes: dns | refused | timeout | tls | reset | robots | skipped | too_large | other. (HTTP
statuses, redirect loops and too-long chains are classified by the spider from responses.)
"""

from __future__ import annotations

from typing import Any

_BY_NAME: list[tuple[tuple[str, ...], str]] = [
    (("TargetSkipped",), "skipped"),
    (("CannotResolveHostError", "DNSLookupError", "DNSNotFound", "gaierror"), "dns"),
    (("DownloadConnectionRefusedError", "ConnectionRefusedError", "NoRouteError"), "refused"),
    (("DownloadTimeoutError", "TimeoutError", "TCPTimedOutError", "UserTimeout"), "timeout"),
    (("SSLError", "TLSError", "CertificateError", "VerificationError"), "tls"),
    (("ResponseDataLossError", "ConnectionLost", "ConnectionDone", "ConnectionReset", "ResponseNeverReceived",
      "ResponseFailed", "PotentialDataLoss"), "reset"),
]


def _names(exc: BaseException) -> list[str]:
    return [cls.__name__ for cls in type(exc).__mro__]


def _nested(exc: BaseException) -> list[BaseException]:
    """Twisted wraps the real cause in ResponseFailed/ResponseNeverReceived(reasons=[Failure...])."""
    out: list[BaseException] = []
    for reason in getattr(exc, "reasons", None) or []:
        value = getattr(reason, "value", reason)
        if isinstance(value, BaseException):
            out.append(value)
    if exc.__cause__ is not None:
        out.append(exc.__cause__)
    return out


def classify_exception(exc: BaseException) -> tuple[str, str]:
    message = f"{type(exc).__name__}: {exc}".strip()
    if "robots.txt" in str(exc).lower() or "Forbidden by robots.txt" in str(exc):
        return "robots", "forbidden by robots.txt (not checked)"
    if "maxsize" in str(exc).lower() or "Cancelling download" in str(exc):
        return "too_large", message
    # Look at the wrapped causes first: a TLS handshake failure arrives as ResponseNeverReceived.
    for inner in _nested(exc):
        cls, _ = classify_exception(inner)
        if cls not in ("other", "reset"):
            return cls, message
    names = _names(exc)
    text = str(exc).lower()
    if any(k in text for k in ("ssl", "certificate", "tls", "handshake")):
        return "tls", message
    for keys, cls in _BY_NAME:
        if any(k in names for k in keys):
            return cls, message
    if "timed out" in text or "timeout" in text:
        return "timeout", message
    if "refused" in text:
        return "refused", message
    if "dns" in text or "resolve" in text:
        return "dns", message
    return "other", message


def classify_failure(failure: Any) -> tuple[str, str]:
    exc = getattr(failure, "value", failure)
    if not isinstance(exc, BaseException):
        return "other", str(exc)
    return classify_exception(exc)
