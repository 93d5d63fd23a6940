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
    (("SSLError", "TLSError", "CertificateError", "VerificationError", "TLSCertificateError"), "tls"),
    # Scrapy cancels a download only when the body outgrows DOWNLOAD_MAXSIZE (crawl.max_page_bytes)
    (("DownloadCancelledError",), "too_large"),
    (("ResponseDataLossError", "ConnectionLost", "ConnectionDone", "ConnectionReset", "ResponseNeverReceived",
      "ResponseFailed", "PotentialDataLoss"), "reset"),
]


# what an exception that carries no message of its own means, in the words of a finding
_SILENT = {
    "ResponseDataLossError": "the connection closed before the whole body arrived",
    "DownloadCancelledError": "the response is larger than the download size cap (crawl.max_page_bytes)",
    "ConnectionLost": "the connection was lost",
    "ConnectionDone": "the server closed the connection without answering",
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
    if exc.__cause__ is not None:
        out.append(exc.__cause__)
    return out


def classify_exception(exc: BaseException) -> tuple[str, str]:
    """(error class, message). When a wrapped cause decides the class, the message is the
    cause's: "TLSCertificateError: certificate has expired ..." says more than its wrapper."""
    message = _message(exc)
    text = str(exc).lower()
    if "forbidden by robots.txt" in text:
        return "robots", "forbidden by robots.txt (not checked)"
    # Look at the wrapped causes first: a TLS handshake failure arrives as ResponseNeverReceived.
    for inner in _nested(exc):
        cls, inner_message = classify_exception(inner)
        if cls not in ("other", "reset"):
            return cls, inner_message
    # the class names decide before the text, which often quotes the URL ("/ssl/…", "/tls.html")
    names = _names(exc)
    for keys, cls in _BY_NAME:
        if any(k in names for k in keys):
            return cls, message
    if "download max size" in text or "maxsize" in text:
        return "too_large", message
    if any(k in text for k in ("ssl", "certificate", "tls", "handshake")):
        return "tls", message
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
